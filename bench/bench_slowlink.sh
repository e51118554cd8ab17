#!/usr/bin/env bash
# advise on the demo, the analytic and the project tracker workloads,
# directly and through a TCP proxy adding 100 ms of round trip (slowlink.py
# delays each direction by DELAY_MS, so 50 ms each way), as a DBA 100 ms
# from the database has it.
# The proxy lives outside the repository (it carries no licence): set
# IXT_SLOWLINK to its path when it is not in ../shared/bench.
set -u
SLOWLINK=${IXT_SLOWLINK:-../shared/bench/slowlink.py}
if [ ! -f "$SLOWLINK" ]; then
    echo "slowlink_skipped 1 (no $SLOWLINK)"
    exit 0
fi
. tests/proxy.sh
trips=$(mktemp)
start_proxy "$SLOWLINK" 50
trap 'kill "$proxy_pid" 2>/dev/null; rm -f "$trips"' EXIT

# seconds of one advise run; "-" when it failed.  Its count of round trips
# to the server goes to $trips.
advise_s() {
    local t0 t1
    t0=$(date +%s.%N)
    IXT_ROUNDTRIPS=1 "$IXT_PROG" "$@" --format json 2>"$trips" >/dev/null || { echo -; return; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# name and arguments: the advice as run here and 100 ms away, side by side
compare() {
    local name=$1 here far
    shift
    here=$(advise_s "$@")
    echo "advise_${name}_roundtrips $(sed -n 's/^idxtune: \([0-9]*\) round trips.*/\1/p' "$trips")"
    far=$(PGHOST=127.0.0.1 PGPORT=$proxy_port advise_s "$@")
    echo "advise_${name}_rtt100ms_roundtrips $(sed -n 's/^idxtune: \([0-9]*\) round trips.*/\1/p' "$trips")"
    echo "advise_${name}_local_s $here"
    echo "advise_${name}_rtt100ms_s $far"
    awk -v a="$here" -v b="$far" -v n="$name" 'BEGIN { if (a > 0 && b > 0) printf "advise_%s_rtt100ms_ratio %.2f\n", n, b / a }'
}

for w in "demo idxdemo demo/statements.sql" "analytic idxtpch demo/analytics/statements.sql" \
         "saas idxsaas demo/saas/statements.sql"; do
    set -- $w
    compare "$1" -d "$2" advise --queries "$3"
    # with a budget (5 % of the database): one move a greedy step, and the swaps
    mb=$(psql -qAtX -d "$2" -c "SELECT round(pg_database_size(current_database()) * 0.05 / 1048576)")
    compare "${1}_5pct" -d "$2" advise --queries "$3" --budget-mb "$mb"
done
