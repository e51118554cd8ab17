#!/usr/bin/env bash
# The Indexes tab: the health of the existing indexes of a database of its
# own, with the findings per row, the definition and reasons of the
# selected one, the help, and a reread after a change.
. "$(dirname "$0")/lib.sh"
export PGOPTIONS="-c client_min_messages=warning"
dropdb --if-exists idxhealthtui 2>/dev/null
createdb idxhealthtui
trap 'tx kill-server 2>/dev/null; dropdb --if-exists idxhealthtui' EXIT
psql -qX -d idxhealthtui -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE t (id int PRIMARY KEY, a int, b int);
INSERT INTO t SELECT g, g % 50, g % 7 FROM generate_series(1, 2000) g;
CREATE INDEX t_a_b_idx ON t (a, b);
CREATE INDEX t_a_idx ON t (a);
CREATE INDEX t_id_dup ON t (id);
SQL

start ix 120x40 -d idxhealthtui
check ix "Slow queries \([0-9]+\)" "the first screen is shown"
check ix "Indexes \((…|\.\.\.)\)" "the Indexes tab's count is unknown until read, not 0"
keys ix Tab
check ix "Running now" "Tab: running now"
keys ix Tab
check ix "Indexes \(4\)" "Tab again: the Indexes tab with the database's 4 indexes"
check ix "Table +Index +Size +Scans +Findings" "its columns"
check ix "public\.t +t_id_dup .* unused,duplicate" "a duplicate of the primary key is found"
check ix "public\.t +t_pkey .* 0 *$" "the primary key has no finding"
check ix "CREATE INDEX t_a_b_idx ON public\.t USING btree \(a, b\)" "the detail pane shows the definition"
keys ix j
check ix "redundant: its keys lead public\.t_a_b_idx" "and the reasons of the selected index"
check ix "Reread" "the key bar offers a reread"
keys ix '?'
check ix "read the indexes and their statistics again" "help lists the tab's keys"
keys ix Escape
psql -qX -d idxhealthtui -c "CREATE INDEX t_b_idx ON t (b)"
keys ix u
check ix "Indexes \(5\)" "u reads the indexes again"
keys ix Tab
check ix "Slow queries \([0-9]+\)" "Tab comes back to the slow queries"
keys ix q
check ix "EXITED 0" "q quits with status 0"
finish
