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
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trips=$(mktemp)
python3 "$SLOWLINK" "$port" "$PGPORT" 50 &
proxy=$!
trap 'kill "$proxy" 2>/dev/null; rm -f "$trips"' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# seconds of one advise run; "-" when it failed.  Its count of round trips
# to the server goes to $trips.
advise_s() {
    local t0 t1
    t0=$(date +%s.%N)
    IXT_ROUNDTRIPS=1 "$IXT_PROG" "$@" --format json 2>"$trips" >/dev/null || { echo -; return; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

for w in "demo idxdemo demo/statements.sql" "analytic idxtpch demo/analytics/statements.sql" \
         "saas idxsaas demo/saas/statements.sql"; do
    set -- $w
    here=$(advise_s -d "$2" advise --queries "$3")
    echo "advise_${1}_roundtrips $(sed -n 's/^idxtune: \([0-9]*\) round trips.*/\1/p' "$trips")"
    far=$(PGHOST=127.0.0.1 PGPORT=$port advise_s -d "$2" advise --queries "$3")
    echo "advise_${1}_local_s $here"
    echo "advise_${1}_rtt100ms_s $far"
    awk -v a="$here" -v b="$far" -v n="$1" 'BEGIN { if (a > 0 && b > 0) printf "advise_%s_rtt100ms_ratio %.2f\n", n, b / a }'
done
