#!/usr/bin/env bash
# --node: a primary and its hot standby.  A statement run only on the
# standby is in the merged `top` with its per-node share and gets an index
# from `advise` on the standby; what-if works there, a real trial is refused
# naming the primary; a server of another cluster is refused; a node that
# stops is reported down and rejoins when it is back.
set -u
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP needs HypoPG"; }
. "$(dirname "$0")/../nodes.sh"
out=$(mktemp /tmp/ixt-nodes.XXXXXX)
trap 'rm -f "$out" "$out.err"; bash "$SANDBOX_SH" stop "$S"; bash "$SANDBOX_SH" stop "$P"' EXIT
standby="host=$S port=$SPORT"
primary="host=$P port=$PPORT"

node_env "$P"
"$IXT_PROG" top --once --format json --node "$standby" >"$out" 2>"$out.err"
ok $? "top --once --node: exit 0"
jq -e '.[] | select(.query == "SELECT count(*) FROM t WHERE v = $1")
       | .calls == 3 and (.nodes | map({(.node): .share}) | add) == {"primary": 0, "standby-1": 1}' \
    "$out" >/dev/null
ok $? "the standby's statement is in the merged list, all its time on standby-1"
jq -e 'all(.[]; (.queryid | type) == "string")' "$out" >/dev/null
ok $? "query ids stay strings"
"$IXT_PROG" top --once --node "$standby" | grep -qE "primary 0 %, standby-1 100 % +SELECT count\(\*\) FROM t WHERE v"
ok $? "text output says where the time is spent"

node_env "$S"
if [ "$HAVE_HYPOPG" = 1 ]; then
    "$IXT_PROG" advise --node "$primary" >"$out" 2>&1
    grep -q "CREATE INDEX ON t USING btree (v)" "$out"
    ok $? "advise on the standby: an index for the standby's statement"
    "$IXT_PROG" try -c "SELECT count(*) FROM t WHERE v = 7" --index "CREATE INDEX ON t (v)" >"$out" 2>&1
    grep -qE "Index (Only )?Scan using <" "$out"
    ok $? "what-if on the standby: HypoPG answers in recovery"
    ! grep -q "never analyzed" "$out"
    ok $? "a table analyzed on the primary is not 'never analyzed' on the standby"
    "$IXT_PROG" try -c "SELECT count(*) FROM t WHERE v = 7" --index "CREATE INDEX ON t (v)" --real \
        --node "$primary" >"$out" 2>&1
    rc=$?
    [ $rc = 1 ] && grep -q "hot standby .*could run on primary (postgres@.*:$PPORT/idxnodes)" "$out"
    ok $? "a real trial on the standby is refused, naming the primary"
else
    skip "advise on the standby"; skip "what-if on the standby"; skip "never analyzed"; skip "real trial refused"
fi

node_env "$P"
other=$(. "$IXT_SANDBOX/env"; echo "host=$PGHOST port=$PGPORT dbname=postgres")
"$IXT_PROG" top --once --node "$other" >"$out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "belongs to another cluster" "$out"
ok $? "a server of another cluster is refused (exit 1)"

bash "$SANDBOX_SH" ctl "$S" -m fast -w stop >/dev/null
"$IXT_PROG" top --once --node "$standby" >"$out" 2>"$out.err"
rc=$?
[ $rc = 0 ] && grep -q "warning: node-2 (host=$S port=$SPORT) down: cannot connect" "$out.err"
ok $? "a stopped node: a warning naming it, exit 0"
bash "$SANDBOX_SH" ctl "$S" -l "$S/server.log" -w start >/dev/null
"$IXT_PROG" top --once --node "$standby" 2>"$out.err" | grep -q "primary 0 %, standby-1 100 %"
ok $? "the node is back once started"
echo "1..$n"
exit $fails
