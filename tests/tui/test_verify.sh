#!/usr/bin/env bash
# The Review screen's Verify action on a session applied to a database of
# its own: V counts the window down while the screen stays live, then shows
# the verdict of each index and the statements before and after.
. "$(dirname "$0")/lib.sh"
# accepting an index plans with hypothetical ones
. "$(dirname "$0")/../hypopg.sh"
export PGOPTIONS="-c client_min_messages=warning" PGDATABASE=idxverifytui
dir=$(mktemp -d /tmp/ixt-verifytui.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$dir"; dropdb --force --if-exists idxverifytui' EXIT
dropdb --force --if-exists idxverifytui 2>/dev/null
createdb idxverifytui || { echo "not ok 1 - createdb"; exit 1; }
psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE vt (id int PRIMARY KEY, acct int, note text);
INSERT INTO vt SELECT g, g % 2000, 'n' FROM generate_series(1, 60000) g;
ANALYZE vt;
SQL
reads() { for i in $(seq 10); do echo "SELECT count(*) FROM vt WHERE acct = $i;"; done; }
reads | psql -qX >/dev/null
qid=$(psql -qAtX -c "SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT count(*) FROM vt WHERE acct = \$1' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
"$IXT_PROG" try --queryid "$qid" --index "CREATE INDEX ON vt (acct)" --accept --session "$dir/s.json" >/dev/null 2>&1
"$IXT_PROG" review --session "$dir/s.json" --approve vt_acct_idx --as dba >/dev/null 2>&1 &&
    "$IXT_PROG" export --session "$dir/s.json" -o "$dir/s.sql" 2>/dev/null &&
    psql -qX -v ON_ERROR_STOP=1 -f "$dir/s.sql" >/dev/null &&
    [ "$(psql -qAtX -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'vt_acct_idx'")" = 1 ]
ok $? "setup: accepted with a baseline, approved, exported and applied"
start v 140x40 --load "$dir/s.json"
check v "Slow queries" "the session loads"
keys v R
check v "Review: 1 accepted index" "the review"
# V and Esc in one write: Esc comes while the first snapshot runs, or after
# it ended but before its result is taken in. Either way it stops the
# measure and never leaves the screen.
type_text v "V"$'\e'
check v "verify stopped" "Esc right after V stops the measure"
check v "Review: 1 accepted index" "and stays on the review"
(while :; do reads | psql -qX >/dev/null; done) &
keys v V
check v "Verify: measuring the workload, [0-9]+ s left" "V starts the window with a countdown"
keys v Down
check v "Verify: measuring the workload, [0-9]+ s left" "the screen answers keys during the window"
check v "Verify over [0-9]+ s: 0 regressions" "the result after the window" 20
check v "vt_acct_idx +keep +scans [1-9]" "the index is kept and scanned"
check v "read +[0-9.]+ -> [0-9.]+ +ms +-[0-9.]+% +[0-9]+ calls +SELECT count" "the statement before and after"
keys v V
check v "Verify: measuring" "V runs again"
keys v Escape
check v "verify stopped" "Esc stops the window"
keys v q
check v "EXITED 0" "quits"
finish
