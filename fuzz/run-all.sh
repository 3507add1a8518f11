#!/bin/sh
# Run every fuzz target in turn, one process, each for SECONDS (default 1800),
# keeping the corpus between runs. Each run's last lines go to
# fuzz-runs.log so the totals can be copied into README.md.
#   ./run-all.sh [SECONDS] [TARGET...]
set -u
cd "$(dirname "$0")"
secs=${1:-1800}
[ $# -gt 0 ] && shift
targets=${*:-"return_csv writer return_xlsx dates"}
for t in $targets; do
    extra=""
    [ "$t" = writer ] && extra="-detect_leaks=0"
    mkdir -p "corpus/$t"
    start=$(date -u +%FT%TZ)
    RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -max_len=65536 \
        -print_final_stats=1 $extra >"fuzz-$t.out" 2>&1
    rc=$?
    {
        echo "== $t started $start, exit $rc"
        grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|ERROR|SUMMARY' "fuzz-$t.out"
    } >>fuzz-runs.log
done
