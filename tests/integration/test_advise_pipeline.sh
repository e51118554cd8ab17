#!/usr/bin/env bash
# advise sends each greedy step's what-if work as one pipeline: the advice
# (picks, costs, sizes, what-if and cache counts) is exactly the one made
# with one request at a time (IXT_NO_PIPELINE=1), which goes through a
# proxy that disconnects a client sending a pipeline, as some poolers do.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..3"
. "$(dirname "$0")/../tap.sh"
. tests/proxy.sh
dir=$(mktemp -d)
start_proxy tests/nopipe_proxy.py 2>"$dir/proxy"
trap 'kill "$proxy_pid"; rm -rf "$dir"' EXIT

# the advice without its wall time, the connection's address and the
# write rates (rows per second of a window that grows between the runs;
# a file of statements has no rate, so they do not weigh in its choice)
advice() {
    "$IXT_PROG" -d idxdemo advise "$@" --format json 2>"$dir/err" | python3 -c '
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if not k.startswith("write_") and k not in ("wall_ms", "connection")}
    return [strip(x) for x in v] if isinstance(v, list) else v
print(json.dumps(strip(json.load(sys.stdin)), indent=1, sort_keys=True))'
}

# the proxy does refuse pipelines: this test tests something
proxied "$IXT_PROG" -d idxdemo indexes >/dev/null 2>"$dir/err"
[ $? != 0 ] && grep -q "disconnected" "$dir/proxy"
ok $? "a pipeline through the proxy is refused" "$(cat "$dir/err" "$dir/proxy")"

# both runs must see the same statistics: autovacuum may analyze a demo
# table between them (the costs before any index move), then they go again
baseline() { grep '"weighted_cost_before"' "$1"; }
# now() moves between runs, and the estimates of "> now() - interval ..."
# with it: the statements get the time the test started instead
now=$(psql -qAtX -d idxdemo -c "SELECT now()")
sed "s/now()/'$now'::timestamptz/g" demo/statements.sql >"$dir/statements.sql"
for args in "--queries $dir/statements.sql" "--queries $dir/statements.sql --budget-mb 2"; do
    for try in 1 2 3; do
        IXT_NO_PIPELINE=1 proxied advice $args >"$dir/one"
        advice $args >"$dir/pipe"
        [ "$(baseline "$dir/one")" = "$(baseline "$dir/pipe")" ] && break
    done
    picks=$(grep -c '"definition"' "$dir/one")
    [ -s "$dir/one" ] && [ "$picks" -gt 0 ] && cmp -s "$dir/one" "$dir/pipe"
    ok $? "advise $args: the same advice ($picks picks) pipelined and one request at a time through the proxy" \
        "$(diff "$dir/one" "$dir/pipe" | head -20; cat "$dir/err")"
done
exit $fails
