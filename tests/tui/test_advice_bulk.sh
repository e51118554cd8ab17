#!/usr/bin/env bash
# A bulk load inside pg_stat_statements' window: its rows, spread over the
# window as a steady write rate, outweigh the reads an index would save.
# The W screen says so and what to do; after a reset and some traffic of
# the application's own, the same screen advises the index.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
export PGOPTIONS="-c client_min_messages=warning" PGDATABASE=idxbulktui
trap 'dropdb --force --if-exists idxbulktui' EXIT
dropdb --force --if-exists idxbulktui 2>/dev/null
createdb idxbulktui || { echo "not ok 1 - createdb"; exit 1; }
reads() { for i in 1 2 3; do echo "SELECT count(*) FROM events WHERE account = $i;"; done; }
{ cat <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE events (id bigint, account int, at timestamptz, body text);
SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);
INSERT INTO events SELECT g, g % 5000, now() - g * interval '1 s', 'x' FROM generate_series(1, 200000) g;
ANALYZE events;
INSERT INTO events VALUES (0, 1, now(), 'y');
SQL
reads; } | psql -qX -v ON_ERROR_STOP=1 >/dev/null
ok $? "setup: a bulk load of 200000 rows, then three reads"
start b 150x40
check b "Slow queries" "the list"
keys b W
check b "Queries > Advice" "W opens the advice" 30
check b "no index is worth its size and its writes" "nothing is worth its writes"
check b "100 % of the rows written in the last .* come from 1 bulk statement" "the screen says the writes are a bulk load"
check b "events SELECT g.*\(200000 rows in 1 call\)" "which one, with its rows and calls"
check b "SELECT pg_stat_statements_reset\(\)" "and what to do"
keys b Escape
check b "Slow queries" "back to the list"
{ echo "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);"
  reads; echo "INSERT INTO events VALUES (0, 2, now(), 'z');"; } | psql -qX -v ON_ERROR_STOP=1 >/dev/null
ok $? "pg_stat_statements reset, the reads and a write again"
keys b W
check b "CREATE INDEX ON events \(account\)" "the index is advised" 30
check_not b "bulk statement" "with no word of a bulk load"
keys b q
check b "EXITED 0" "quits"
finish
