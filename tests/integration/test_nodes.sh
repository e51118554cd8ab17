#!/usr/bin/env bash
# --node: a primary and its hot standby.  A statement run only on the
# standby is in the merged `top` with its per-node share and gets an index
# from `advise` on the standby; what-if works there, a real trial is refused
# naming the primary; a server of another cluster is refused; a node that
# stops is reported down and rejoins when it is back.
set -u
n=0
fails=0
# ok STATUS DESCRIPTION [WHAT-WAS-SEEN]: the last is printed on failure
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=1; [ -n "${3:-}" ] && echo "$3" | sed 's/^/# /'; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP needs HypoPG"; }
. "$(dirname "$0")/../nodes.sh"
out=$(mktemp /tmp/ixt-nodes.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -f "$out" "$out.err" "$out.session.json"; bash "$SANDBOX_SH" stop "$S"; bash "$SANDBOX_SH" stop "$P"' EXIT
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
    grep -q "writes unknown (a hot standby counts none: name the primary with --node)" "$out"
    ok $? "try on the standby alone: the table's writes are unknown, not 0" "$(cat "$out")"
    "$IXT_PROG" try -c "SELECT count(*) FROM t WHERE v = 7" --index "CREATE INDEX ON t (v)" --node "$primary" \
        --format json >"$out" 2>&1
    jq -e '.indexes[0].table_writes == 20000' "$out" >/dev/null
    ok $? "try on the standby with --node: the primary's writes" "$(cat "$out")"
    "$IXT_PROG" try -c "SELECT count(*) FROM t WHERE v = 7" --index "CREATE INDEX ON t (v)" --node "$primary" \
        >"$out" 2>&1
    grep -qE "20000 rows, 20000 writes on primary since statistics reset" "$out"
    ok $? "and says so in the text" "$(cat "$out")"
    "$IXT_PROG" try -c "SELECT count(*) FROM t WHERE v = 7" --index "CREATE INDEX ON t (v)" --real \
        --node "$primary" >"$out" 2>&1
    rc=$?
    [ $rc = 1 ] && grep -q "hot standby .*could run on primary (postgres@.*:$PPORT/idxnodes)" "$out"
    ok $? "a real trial on the standby is refused, naming the primary" "$(cat "$out")"
else
    skip "advise on the standby"; skip "what-if on the standby"; skip "never analyzed"; skip "writes unknown"
    skip "writes from the primary"; skip "writes from the primary, text"; skip "real trial refused"
fi

# verify over both: the index is accepted on the primary for a statement
# only the standby runs; its baseline and its verdict come from there
node_env "$P"
qid=$("$IXT_PROG" top --once --format json --node "$standby" 2>/dev/null |
      jq -r '.[] | select(.query == "SELECT count(*) FROM t WHERE v = $1") | .queryid')
"$IXT_PROG" explain --queryid "$qid" --node "$standby" >"$out" 2>&1
grep -qE "Seq Scan on (public\.)?t" "$out"
ok $? "explain --queryid of the standby's statement: its text read there" "$(cat "$out")"
if [ "$HAVE_HYPOPG" = 1 ]; then
    sess="$out.session.json"
    rm -f "$sess"
    "$IXT_PROG" advise --node "$standby" --session "$sess" >/dev/null 2>"$out.err"
    jq -e --arg q "$qid" '.accepted[0].baseline[] | select(.queryid == $q)
           | .calls == 3 and .nodes == [{"node": "standby-1", "calls": 3, "total_ms": .total_ms}]' \
        "$sess" >/dev/null
    ok $? "advise --session: the baseline holds the standby's statement, its part on standby-1" \
        "$(cat "$sess" "$out.err")"
    idx=$(jq -r '.accepted[0].name' "$sess")
    psql -qX -c "CREATE INDEX $idx ON t (v)" >/dev/null
    for i in $(seq 50); do
        [ "$(node_env "$S"; psql -qAtX -c "SELECT count(*) FROM pg_class WHERE relname = '$idx'")" = 1 ] && break
        sleep 0.2
    done
    ( node_env "$S"; while :; do for v in 1 2 3 4 5; do echo "SELECT count(*) FROM t WHERE v = $v;"; done | psql -qX >/dev/null; done ) &
    load=$!
    "$IXT_PROG" verify --session "$sess" --window 2 --node "$standby" --format json >"$out" 2>"$out.err"
    rc=$?
    kill $load; wait $load 2>/dev/null
    [ $rc = 0 ] && jq -e --arg q "$qid" '
        (.nodes | map({(.node): .measured}) | add) == {"primary": true, "standby-1": true}
        and .indexes[0].verdict == "keep" and .indexes[0].scans_by_node["standby-1"] > 0
        and .indexes[0].scans_by_node["primary"] == 0
        and (.statements[] | select(.queryid == $q)
             | .calls >= 5 and .mean_ms_before > 0
             and (.nodes | map(.node)) == ["primary", "standby-1"]
             and .nodes[0].calls == 0 and .nodes[0].mean_ms_before == null
             and .nodes[1].calls == .calls and .nodes[1].mean_ms_before == .mean_ms_before)' "$out" >/dev/null
    ok $? "verify --node: the standby's calls and scans, per node and merged; keep" "$(cat "$out" "$out.err")"
    "$IXT_PROG" verify --session "$sess" --window 1 --node "$standby" >"$out" 2>&1
    grep -qE "^ +scans: primary 0, standby-1 [0-9]+$" "$out" && grep -qE " on standby-1$" "$out"
    ok $? "verify --node, text: scans and means per node" "$(cat "$out")"
    "$IXT_PROG" verify --session "$sess" --window 1 --node "$standby" --format md >"$out" 2>&1
    grep -qE '^Servers of the cluster measured .*: `primary`, `standby-1`\.$' "$out" &&
        grep -qE '^\| \| on `primary` \| \| \| 0 \|' "$out" && grep -qE '^\| \| on `standby-1` \| \| \| [0-9]+ \|' "$out" &&
        grep -qE '^\| \| \| \| on `primary` \| - \| ' "$out" && grep -qE '^\| \| \| \| on `standby-1` \| [0-9.]+ \| ' "$out"
    ok $? "verify --node, Markdown: the servers, and scans and means per node" "$(cat "$out")"
    bash "$SANDBOX_SH" ctl "$S" -m fast -w stop >/dev/null
    "$IXT_PROG" verify --session "$sess" --window 1 --node "$standby" --format json >"$out" 2>"$out.err"
    rc=$?
    [ $rc = 0 ] && grep -q "warning: node-2 ($S:$SPORT) down" "$out.err" &&
        jq -e '.nodes[1].measured == false and (.nodes[1].reason | startswith("down: "))
               and .nodes[0].measured and (.statements[0].nodes | length) == 1' "$out" >/dev/null
    ok $? "verify with a node down: reported and skipped, exit 0" "$(cat "$out" "$out.err")"
    bash "$SANDBOX_SH" ctl "$S" -l "$S/server.log" -w start >/dev/null
    psql -qX -c "DROP INDEX $idx" >/dev/null
else
    skip "advise --session baseline"; skip "verify --node"; skip "verify --node text"; skip "verify --node md"; skip "verify node down"
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
[ $rc = 0 ] && grep -q "warning: node-2 ($S:$SPORT) down: cannot connect" "$out.err"
ok $? "a stopped node: a warning naming it, exit 0"
bash "$SANDBOX_SH" ctl "$S" -l "$S/server.log" -w start >/dev/null
"$IXT_PROG" top --once --node "$standby" 2>"$out.err" | grep -q "primary 0 %, standby-1 100 %"
ok $? "the node is back once started"
echo "1..$n"
exit $fails
