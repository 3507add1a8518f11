#!/bin/sh
# Build every fuzz target once, copy the binaries aside (so that editing the
# engine while the runs go on neither rebuilds nor changes what is being
# fuzzed), then run the targets in turn, one process, each for SECONDS
# (default 1800), keeping the corpus between runs. Each run's summary goes
# to fuzz-runs.log, with the commit fuzzed, so the totals can be copied
# into README.md. The timeout is generous (300 s) because libFuzzer
# measures wall time and a niced run on a busy machine can be starved for
# tens of seconds (see README.md).
#   ./run-all.sh [SECONDS] [TARGET...]
set -u
cd "$(dirname "$0")"
secs=${1:-1800}
[ $# -gt 0 ] && shift
targets=${*:-"return_csv writer return_xlsx dates"}
RUSTC_BOOTSTRAP=1 cargo fuzz build -O || exit 1
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- .. || echo "+edits")
snap=target/snapshot
mkdir -p "$snap"
for t in $targets; do
    cp "target/x86_64-unknown-linux-gnu/release/$t" "$snap/$t"
done
for t in $targets; do
    extra=""
    [ "$t" = writer ] && extra="-detect_leaks=0"
    mkdir -p "corpus/$t" "artifacts/$t"
    start=$(date -u +%FT%TZ)
    nice -n 19 "$snap/$t" "corpus/$t" "seeds/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=300 -max_len=65536 \
        -print_final_stats=1 $extra >"fuzz-$t.out" 2>&1
    rc=$?
    {
        echo "== $t ($commit) started $start, ended $(date -u +%FT%TZ), exit $rc"
        grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|ERROR|SUMMARY|cov:' "fuzz-$t.out" | tail -8
    } >>fuzz-runs.log
done
