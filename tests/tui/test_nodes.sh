#!/usr/bin/env bash
# The live list over a primary and its hot standby (--node): both nodes on
# the status line, the standby's statement with its share in the detail
# title, opened (its text read on the standby); the standby stopped is shown down and rejoins when it is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../nodes.sh"
trap 'for t in nd sb so; do tx kill-session -t $t 2>/dev/null; done; bash "$SANDBOX_SH" stop "$S"; bash "$SANDBOX_SH" stop "$P"' EXIT
node_env "$P"
T_ENV="PGHOST=$P PGPORT=$PPORT PGDATABASE=idxnodes"
start nd 160x30 -r 0.5 --node "\"host=$S port=$SPORT\""
check nd "nodes primary, standby-1" "the status line names both nodes" 15
# IXT_CAPTURE_NODES=FILE keeps the merged list for the record
if [ -n "${IXT_CAPTURE_NODES:-}" ]; then
    keys nd j
    wait_for nd "queryid -?[0-9]+ \| primary" && screen nd >"$IXT_CAPTURE_NODES"
fi
keys nd '/'
type_text nd "WHERE v"
keys nd Enter
check nd "queryid -?[0-9]+ \| primary 0 %, standby-1 100 %" "the standby's statement: its time is all on standby-1"
# its text is only on the standby: read there, the plan made on the main
keys nd Enter
check nd "Seq Scan on (public\.)?t" "Enter on the standby's statement opens its plan" 15
check_not nd "no longer in pg_stat_statements" "its text is read on the node that ran it"
keys nd Escape
check nd "queryid -?[0-9]+ \| primary 0 %, standby-1 100 %" "Esc goes back to the list"
if [ "$HAVE_HYPOPG" = 1 ]; then
    # the advice plans the standby's statement: its text read there
    keys nd W
    check nd " 1 +[0-9.]+ [kMG]?B .*CREATE INDEX ON t (USING btree )?\(v\)" "W advises an index for the standby's statement" 60
    keys nd Escape
    check nd "Slow queries" "Esc goes back to the list"
fi
bash "$SANDBOX_SH" ctl "$S" -m fast -w stop >/dev/null
check nd "standby-1 DOWN" "a stopped node is shown down" 15
check nd "standby-1 \(.*\) down: " "with its name and why"
bash "$SANDBOX_SH" ctl "$S" -l "$S/server.log" -w start >/dev/null
check nd "nodes primary, standby-1 *$" "it rejoins once started" 20
check_not nd "DOWN" "and is no longer shown down"
keys nd q
check nd "EXITED 0" "quits"
if [ "$HAVE_HYPOPG" = 1 ]; then
    # the main a standby: the write rates are the primary's, or unknown
    T_ENV="PGHOST=$S PGPORT=$SPORT PGDATABASE=idxnodes"
    start sb 160x30 -r 0.5 --node "\"host=$P port=$PPORT\""
    check sb "nodes standby-1, primary" "on the standby with the primary as a node" 15
    keys sb W
    check sb "Advice for the top .*; write rates from primary" "W: the write rates are the primary's" 60
    keys sb Escape
    keys sb '/'
    type_text sb "WHERE v"
    keys sb Enter Enter
    check sb "Seq Scan on (public\.)?t" "the standby's statement opens" 15
    keys sb i
    check sb "Suggestions \(press 1-5" "i opens the lab" 30
    keys sb 1
    check sb "t: [0-9]+ rows, [0-9.]+ writes/s on primary" "the lab's write rate is the primary's" 30
    # accepted in the TUI: the baseline is taken on both servers, each
    # with its part, as verify --node needs it
    ( node_env "$P"; psql -qAtX -c "SELECT count(*) FROM t WHERE v = 7" >/dev/null )
    keys sb A
    check sb "accepted: .* \(1 in the review set" "A accepts the index" 30
    keys sb R
    check sb "Review: 1 accepted index" "R opens the review"
    sess=$(mktemp /tmp/ixt-nodes-sess.XXXXXX)
    rm -f "$sess"
    keys sb s C-u
    type_text sb "$sess.json"
    keys sb Enter
    check sb "saved .*$(basename "$sess").json" "s saves the session"
    python3 - "$sess.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
parts = {n["node"]: n["calls"] for b in s["accepted"][0]["baseline"] if "WHERE v" in b["query"]
         for n in b.get("nodes", [])}
sys.exit(0 if parts.get("standby-1", 0) >= 3 and parts.get("primary", 0) >= 1 else 1)
PY
    ok $? "the baseline has each server's part: standby-1's calls and the primary's" "sb"
    rm -f "$sess.json"
    keys sb q
    check sb "EXITED 0" "quits"
    start so 240x30 -r 0.5
    check so "Slow queries" "on the standby alone" 15
    keys so W
    check so "write rates unknown, counted as none: a hot standby counts no writes" "W: write rates unknown, not 0" 60
    keys so Escape q
    check so "EXITED 0" "quits"
fi
finish
