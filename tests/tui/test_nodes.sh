#!/usr/bin/env bash
# The live list over a primary and its hot standby (--node): both nodes on
# the status line, the standby's statement with its share in the detail
# title, opened (its text read on the standby); the standby stopped is shown down and rejoins when it is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../nodes.sh"
trap 'tx kill-session -t nd 2>/dev/null; bash "$SANDBOX_SH" stop "$S"; bash "$SANDBOX_SH" stop "$P"' EXIT
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
bash "$SANDBOX_SH" ctl "$S" -m fast -w stop >/dev/null
check nd "standby-1 DOWN" "a stopped node is shown down" 15
check nd "standby-1 \(.*\) down: " "with its name and why"
bash "$SANDBOX_SH" ctl "$S" -l "$S/server.log" -w start >/dev/null
check nd "nodes primary, standby-1 *$" "it rejoins once started" 20
check_not nd "DOWN" "and is no longer shown down"
keys nd q
check nd "EXITED 0" "quits"
finish
