#!/usr/bin/env bash
# Times `chronomerge merge` as a process against the read + write floor
# (examples/floor.rs; also with mimalloc, the binary's allocator, in
# examples/floor_mimalloc.rs) and against the pandas and polars scripts an analyst
# would write instead (benches/scripts/), on the same generated returns
# (issue 8). Prints: workload, program, median seconds, peak RSS MB, ratio
# to the default floor, and the load average when the runs started.
#
#   benches/compare.sh [--large] [--runs N] [--large-runs N] [--no-scripts] [--no-batch]
#
#   --large        also the L workload (20 agencies × 25,000 events)
#   --runs N       rounds on M and batch (default 3; each program once a
#                  round, the median kept)
#   --large-runs N rounds on L (default 1)
#   --no-scripts   skip pandas and polars (no Python venv needed)
#   --no-batch     skip `chronomerge batch` over 1,000 small reviews
#   --batch-out D  where batch writes its 1,000 workbooks (default
#                  target/bench-data/out; /dev/shm takes the disk out)
#
# Workloads go to target/bench-data/ (shared with benches/pipeline.rs, not
# checked in); the Python packages to a venv in target/bench-venv. The table
# is also written to target/bench-data/compare-<UTC time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
large_runs=1
large=0
scripts=1
batch=1
batch_out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --large) large=1 ;;
        --runs) runs="$2"; shift ;;
        --large-runs) large_runs="$2"; shift ;;
        --no-scripts) scripts=0 ;;
        --no-batch) batch=0 ;;
        --batch-out) batch_out="$2"; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

target="${CARGO_TARGET_DIR:-target}"
data="$target/bench-data"
venv="$target/bench-venv"
mkdir -p "$data/out"
today=2026-11-26

echo "== building release binaries" >&2
cargo build --release --quiet --bin chronomerge --example make_fixtures --example floor --example floor_mimalloc
bin="$target/release/chronomerge"
floor="$target/release/examples/floor"
floor_mi="$target/release/examples/floor_mimalloc"
fixtures="$target/release/examples/make_fixtures"

# gen NAME AGENCIES EVENTS: the same folder and marker as benches/pipeline.rs.
gen() {
    local dir="$data/$1" marker=".chronomerge-bench-$2x$3-seed1"
    if [ ! -e "$dir/$marker" ]; then
        echo "== generating $1 ($2 agencies × $3 events)" >&2
        rm -rf "$dir"
        "$fixtures" --agencies "$2" --events "$3" --out "$dir" >/dev/null
        touch "$dir/$marker"
    fi
}

if [ "$scripts" = 1 ] && [ ! -x "$venv/bin/python" ]; then
    echo "== installing pandas, openpyxl, xlsxwriter, polars, fastexcel into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pandas openpyxl xlsxwriter polars fastexcel
fi

results="$data/compare-results.tsv"
: > "$results"

# measure WORKLOAD PROGRAM RUNS CMD...: runs CMD, keeps the median wall time
# and the median peak RSS (/usr/bin/time -v), with the load as each run began.
measure() {
    local workload="$1" program="$2" n="$3"
    shift 3
    local load i t m log
    log="$data/out/time.log"
    for ((i = 0; i < n; i++)); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        if ! /usr/bin/time -v -o "$log" "$@" >"$data/out/last.out" 2>&1; then
            # chronomerge exits 1 when some rows were rejected: still timed.
            if ! grep -q "Exit status: 1" "$log"; then
                echo "compare.sh: $program failed on $workload:" >&2
                tail -5 "$data/out/last.out" >&2
                return 0
            fi
        fi
        t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$log")
        m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        printf '%s\t%s\t%s\t%s\t%s\n' "$workload" "$program" "$t" "$m" "$load" >>"$results"
        echo "   $workload $program run $((i + 1))/$n: ${t} s, $((m / 1024)) MB (load $load)" >&2
    done
}

workload() {
    local name="$1" n="$2" dir="$data/$1" out="$data/out" k
    echo "== $name" >&2
    # A review's first merge, then re-merges over the workbook it wrote (as
    # `watch` does while nobody has typed in it): start from no workbook,
    # no ref store and no kept copies, so every version is measured alike.
    rm -rf "$out/merge-$name.xlsx" "$out/previous" "$dir/chronomerge-refs.json"
    # In rounds, each program once a round: this VM's speed drifts by a
    # tenth from one minute to the next, and runs in turn share the drift
    # where runs in blocks did not (a block of floors could land in a fast
    # minute and the engine's in a slow one).
    for ((k = 0; k < n; k++)); do
        echo "  round $((k + 1))/$n" >&2
        measure "$name" "calamine read only" 1 "$floor" "$dir" --read-only
        measure "$name" "floor (read + write)" 1 "$floor" "$dir" -o "$out/floor-$name.xlsx"
        measure "$name" "floor, constant memory" 1 "$floor" "$dir" -o "$out/floor-cm-$name.xlsx" --constant-memory
        measure "$name" "floor, mimalloc" 1 "$floor_mi" "$dir" -o "$out/floor-mi-$name.xlsx"
        measure "$name" "chronomerge merge" 1 "$bin" merge "$dir" -o "$out/merge-$name.xlsx" --today "$today"
        # A re-merge after the reviewer saved the workbook: it is touched,
        # so the engine reads its reviewer columns before writing over it.
        measure "$name" "chronomerge merge, workbook saved since" 1 sh -c \
            'touch "$1" && exec "$2" merge "$3" -o "$1" --today "$4"' sh \
            "$out/merge-$name.xlsx" "$bin" "$dir" "$today"
        if [ "$scripts" = 1 ]; then
            measure "$name" "polars + XlsxWriter" 1 "$venv/bin/python" benches/scripts/merge_polars.py "$dir" "$out/polars-$name.xlsx"
            measure "$name" "pandas + openpyxl + XlsxWriter" 1 "$venv/bin/python" benches/scripts/merge_pandas.py "$dir" "$out/pandas-$name.xlsx"
        fi
    done
}

gen M 12 5000
workload M "$runs"
if [ "$large" = 1 ]; then
    gen L 20 25000
    workload L "$large_runs"
fi

if [ "$batch" = 1 ]; then
    if "$bin" batch --help >/dev/null 2>&1; then
        archive="$data/batch-1000"
        if [ ! -e "$archive/.complete" ]; then
            echo "== generating 1,000 small reviews (4 agencies × 50 events; 20 seeds, copied)" >&2
            rm -rf "$archive" "$data/batch-seeds"
            mkdir -p "$archive" "$data/batch-seeds"
            for s in $(seq 1 20); do
                "$fixtures" --agencies 4 --events 50 --seed "$s" --out "$data/batch-seeds/$s" >/dev/null
            done
            for i in $(seq 1 1000); do
                cp -r "$data/batch-seeds/$(((i - 1) % 20 + 1))" "$archive/review-$(printf %04d "$i")"
            done
            touch "$archive/.complete"
        fi
        # Interleaved, each run into a folder of its own that did not exist
        # before. Not deleted between runs: on ext4 every file deleted in the
        # last 1-5 minutes makes each new file slower to create (the inode
        # allocator skips recently deleted inodes), so deleting the last
        # run's 3,000 files just before a run would time the file system.
        broot="${batch_out:-$data/out}/chronomerge-batch-runs"
        rm -rf "$broot"
        mkdir -p "$broot"
        for ((k = 0; k < runs; k++)); do
            for j in 1 2; do
                measure "batch 1,000 × S" "chronomerge batch --jobs $j" 1 \
                    "$bin" batch "$archive" -o "$broot/run$k-jobs$j" --jobs "$j" --quiet
            done
        done
        rm -rf "$broot"
    else
        echo "== chronomerge batch is not there: skipped" >&2
    fi
fi

# The table: ratio to the default floor of the same workload; for batch,
# the ratio is to --jobs 1 (so below 1 is the speed-up of 2 jobs).
stamp=$(date -u +%Y%m%dT%H%MZ)
table="$data/compare-$stamp.md"
{
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB"
    echo
    echo "| workload | program | median s | peak RSS MB | ratio to floor | runs | load at start |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    # Medians per workload and program, in the order first measured.
    cut -f1,2 "$results" | awk '!seen[$0]++' | while IFS=$'\t' read -r w p; do
        rows=$(awk -F'\t' -v w="$w" -v p="$p" '$1 == w && $2 == p' "$results")
        n=$(printf '%s\n' "$rows" | wc -l)
        med() { printf '%s\n' "$rows" | cut -f"$1" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
        loads=$(printf '%s\n' "$rows" | cut -f5 | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print (lo == hi) ? lo : lo "–" hi}')
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$p" "$(med 3)" "$(med 4)" "$n" "$loads"
    done | awk -F'\t' '
        $2 == "floor (read + write)" || $2 == "chronomerge batch --jobs 1" {floor[$1] = $3}
        {row[NR] = $0}
        END {
            for (i = 1; i <= NR; i++) {
                split(row[i], f, "\t")
                r = (f[1] in floor && floor[f[1]] > 0) ? sprintf("%.2f×", f[3] / floor[f[1]]) : "–"
                printf "| %s | %s | %.2f | %.0f | %s | %s | %s |\n", f[1], f[2], f[3], f[4] / 1024, r, f[5], f[6]
            }
        }'
    echo
    echo "Ratio: to the default floor of the same workload; for batch, to --jobs 1."
} | tee "$table"
echo "(written to $table)" >&2
