#!/usr/bin/env bash
# The W screen and the bulk writes pg_stat_statements saw.  A load into an
# empty table is left out of the write rates: the index is advised at
# once, and the screen says what was left out.  Bulk inserts that are no
# load count: when their rows outweigh what an index saves, the screen says
# why nothing is advised and what to do.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
export PGOPTIONS="-c client_min_messages=warning" PGDATABASE=idxbulktui
trap 'dropdb --force --if-exists idxbulktui' EXIT
dropdb --force --if-exists idxbulktui 2>/dev/null
createdb idxbulktui || { echo "not ok 1 - createdb"; exit 1; }
. "$(dirname "$0")/../bulk.sh"
{ load_events; reads; } | psql -qX -v ON_ERROR_STOP=1 >/dev/null
ok $? "setup: a load of 200000 rows, then three reads"
start b 150x40
check b "Slow queries" "the list"
keys b W
check b "Queries > Advice" "W opens the advice" 30
check b "CREATE INDEX ON events \(account\)" "the index is advised at once"
check b "Advice for the top [0-9]+ statements \(1 one-off load left out\)" "the load is no statement to advise on"
check b "Left out of the write rates, as loads and no steady traffic" "below the list: a load was left out"
check b "\(200000 rows in 1 call into events, 100 % of its rows\)" "which one, with its rows, calls and share"
keys b Escape
check b "Slow queries" "back to the list"
{ echo "$reset"
  for i in $(seq 4); do echo "INSERT INTO events SELECT g, 7, now(), 'b' FROM generate_series(1, 20000) g;"; done
  reads; } | psql -qX -v ON_ERROR_STOP=1 >/dev/null
ok $? "pg_stat_statements reset, then four bulk inserts of 20000 rows and the reads"
keys b W
check b "no index is worth its size and its writes" "nothing is worth the bulk inserts' writes" 30
check b "100 % of the rows written in the last .* come from 1 bulk statement" "the screen says the writes are bulk"
check b "SELECT pg_stat_statements_reset\(\)" "and what to do"
check_not b "Left out of the write rates" "no load left out this time"
keys b q
check b "EXITED 0" "quits"
finish
