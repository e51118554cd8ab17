#!/usr/bin/env bash
# y copies to the DBA's clipboard through the terminal (OSC 52), which works
# over SSH: here tmux with set-clipboard on plays the terminal and keeps
# what it was given in its paste buffer.  The selected statement from the
# list, the plan from the plan view, an index definition from the lab.
. "$(dirname "$0")/lib.sh"

start y 140x45 -d idxdemo
tx set-option -s set-clipboard on
check y "Slow queries \([1-9][0-9]*\)" "list shown"
tx delete-buffer 2>/dev/null
keys y y
check y "copied the statement \([0-9.]+ k?B\) to the clipboard" "y in the list says what it copied and how much"
qid=$(screen y | sed -n 's/.* queryid \(-\?[0-9]\+\).*/\1/p' | head -1)
# each role's entry of a query id keeps the text it first saw (spacing and
# line breaks may differ): the copy must be one of them, whole
buf=$(tx show-buffer)
[ -n "$qid" ] && [ "$(echo "SELECT count(*) FROM pg_stat_statements WHERE queryid = $qid
    AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query = :'buf'" |
    psql -qAtX -v buf="$buf")" -gt 0 ]
ok $? "the terminal received the selected statement's whole text" y

keys y ':'
type_text y "SELECT seq, message FROM run_logs WHERE run_id = 4242 AND seq > 0 ORDER BY seq"
keys y Enter
check y "Seq Scan on public.run_logs" "plan of a typed statement"
keys y y
check y "copied the plan \([0-9.]+ k?B\) to the clipboard" "y in the plan view copies the plan"
tx show-buffer | grep -q "Seq Scan on public.run_logs"
ok $? "the terminal received the plan text" y
check y "Seq Scan on public.run_logs" "the screen is intact after the sequence"

if [ "$(psql -qAtX -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" != 0 ]; then
    keys y i
    check y "none yet: press c" "the lab"
    keys y c C-u
    type_text y "CREATE INDEX ON run_logs (run_id, seq)"
    keys y Enter
    check y "1  used .*run_logs \(run_id, seq\)" "an index tried"
    keys y y
    check y "copied the index definition \([0-9.]+ k?B\) to the clipboard" "y in the lab copies the index"
    tx show-buffer | grep -q "^CREATE INDEX ON run_logs (run_id, seq)"
    ok $? "the terminal received the index definition" y
else
    echo "ok # SKIP the lab needs HypoPG"
fi
keys y Escape Escape Escape q
check y "EXITED 0" "quits"
finish
