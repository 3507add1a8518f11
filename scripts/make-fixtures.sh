#!/usr/bin/env bash
# Rebuild the bundled sample review from scratch: generate the returns with
# the seeded generator of the testdata crate (testdata/src/generate.rs, run by
# examples/make_fixtures.rs), then re-save the returns meant to arrive as
# .ods / .xls with LibreOffice.
#
#   scripts/make-fixtures.sh [DIR]        default fixtures/sample-review
#
# Needs LibreOffice for the re-saves:
#   apt-get update && apt-get install -y --no-install-recommends libreoffice-calc
# The .xlsx, .csv and text files are byte-for-byte reproducible; the .ods and
# .xls carry LibreOffice's own metadata, so they may differ in bytes (not in
# content) between LibreOffice versions.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-fixtures/sample-review}"

rm -rf "$OUT"
cargo run --quiet --example make_fixtures -- "$OUT"

if [ -d "$OUT/_convert" ]; then
    if ! command -v soffice >/dev/null 2>&1; then
        echo "make-fixtures: soffice (LibreOffice) not found; install libreoffice-calc" >&2
        exit 1
    fi
    profile="$(mktemp -d)"
    trap 'rm -rf "$profile"' EXIT
    for extdir in "$OUT"/_convert/*/; do
        ext="$(basename "$extdir")"
        for f in "$extdir"*.xlsx; do
            soffice -env:UserInstallation="file://$profile" --headless \
                --convert-to "$ext" --outdir "$OUT" "$f" >/dev/null
            stem="$(basename "$f" .xlsx)"
            if [ ! -s "$OUT/$stem.$ext" ]; then
                echo "make-fixtures: LibreOffice did not write $OUT/$stem.$ext" >&2
                exit 1
            fi
            echo "  re-saved $stem.xlsx as $stem.$ext"
        done
    done
    rm -rf "$OUT/_convert"
fi
ls -la "$OUT"
