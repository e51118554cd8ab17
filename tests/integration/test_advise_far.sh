#!/usr/bin/env bash
# Far from the server (a proxy adds 200 ms to each round trip), advise
# asks more of the server in each round trip, and fewer of them: the
# advice is the one made near it, in fewer round trips.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..5"
. "$(dirname "$0")/../tap.sh"
. tests/proxy.sh
dir=$(mktemp -d)
start_proxy tests/delay_proxy.py 100 2>"$dir/proxy"
trap 'kill "$proxy_pid"; rm -rf "$dir"' EXIT

# the advice without what the distance changes (wall time, the address,
# how many plans were asked for and found cached) and the write rates (a
# window that grows between the runs; a file of statements has no rate,
# so they do not weigh in its choice), its indexes in one order (far
# from the server a step may make its moves in another); the round trips
# into $1.trips
advice() {
    local out=$1
    shift
    IXT_ROUNDTRIPS=1 "$IXT_PROG" advise "$@" --format json 2>"$out.err" | python3 -c '
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items()
                if not k.startswith("write_") and k not in ("wall_ms", "connection", "whatif_calls", "cache_hits")}
    return [strip(x) for x in v] if isinstance(v, list) else v
a = strip(json.load(sys.stdin))
a["indexes"].sort(key=lambda i: i["definition"])
print(json.dumps(a, indent=1, sort_keys=True))' >"$out"
    sed -n 's/^idxtune: \([0-9]*\) round trips.*/\1/p' "$out.err" >"$out.trips"
}

# the proxy does delay: this test tests something
t0=$(date +%s%N)
proxied psql -qAtX -d idxdemo -c "SELECT 1" >/dev/null
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -ge 400 ]
ok $? "a query through the proxy takes two round trips of 200 ms at least ($ms ms)" "$(cat "$dir/proxy")"

baseline() { grep '"weighted_cost_before"' "$1"; }
# now() moves between runs, and the estimates with it
now=$(psql -qAtX -d idxdemo -c "SELECT now()")
sed "s/now()/'$now'::timestamptz/g" demo/statements.sql >"$dir/statements.sql"
sed "s/now()/'$now'::timestamptz/g" demo/saas/statements.sql >"$dir/saas.sql"
for args in "-d idxdemo --queries $dir/statements.sql" "-d idxdemo --queries $dir/statements.sql --budget-mb 4" \
            "-d idxsaas --queries $dir/saas.sql"; do
    # autovacuum may analyze a demo table between the runs: then again
    for try in 1 2 3; do
        advice "$dir/near" $args
        proxied advice "$dir/far" $args
        [ "$(baseline "$dir/near")" = "$(baseline "$dir/far")" ] && break
    done
    picks=$(grep -c '"definition"' "$dir/near")
    near_trips=$(cat "$dir/near.trips") far_trips=$(cat "$dir/far.trips")
    [ -s "$dir/near" ] && [ "$picks" -gt 0 ] && cmp -s "$dir/near" "$dir/far"
    ok $? "advise $args: the same advice ($picks picks) near the server and 200 ms from it" \
        "$(diff "$dir/near" "$dir/far" | head -20; cat "$dir/near.err" "$dir/far.err")"
    if [ "$args" = "-d idxdemo --queries $dir/statements.sql" ]; then
        # each step tries more candidates in its round trip and, every
        # bound fresh, makes more moves in it; the last steps ask ahead
        [ -n "$far_trips" ] && [ -n "$near_trips" ] && [ $((far_trips * 4)) -le $((near_trips * 3)) ]
        ok $? "in at most three quarters of the round trips far from it: $far_trips, against $near_trips near it" \
            "$(cat "$dir/near.err" "$dir/far.err")"
    fi
done
exit $fails
