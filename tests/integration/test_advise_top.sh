#!/usr/bin/env bash
# advise --top N takes the N statements with the most total time that
# have a plan: COMMIT, SET, DO and EXPLAIN, which pg_stat_statements
# tracks too (track_utility), take no place among them.  In a database of
# its own, where three slow DO blocks outrank a SELECT that an index helps.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..2"
. "$(dirname "$0")/../tap.sh"
. tests/owndb.sh idxtop
createdb "$db" && psql -X -q -d "$db" -v ON_ERROR_STOP=1 >"$dir/setup" 2>&1 <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE readings (id int, sensor int, at timestamptz, value float8);
INSERT INTO readings SELECT g, g % 5000, now() - g * interval '1 s', random() FROM generate_series(1, 200000) g;
ANALYZE readings;
-- the load is not the workload: pg_stat_statements starts after it
SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);
SET pg_stat_statements.track_utility = on;
DO $$ BEGIN PERFORM pg_sleep(0.2); END $$;
DO $$ BEGIN PERFORM 1; PERFORM pg_sleep(0.2); END $$;
DO $$ BEGIN PERFORM 2; PERFORM 3; PERFORM pg_sleep(0.2); END $$;
SELECT avg(value) FROM readings WHERE sensor = 42;
SELECT avg(value) FROM readings WHERE sensor = 43;
SQL
ok $? "a database with three slow DO blocks and a SELECT" "$(cat "$dir/setup")"

"$IXT_PROG" -d "$db" advise --top 3 --format json >"$dir/out" 2>"$dir/err"
rc=$?
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["statements"] >= 1 and not d["skipped"], (d["statements"], d["skipped"])
defs = [x["definition"] for x in d["indexes"]]
assert any("readings" in x and "sensor" in x for x in defs), defs' "$dir/out" 2>"$dir/py"
ok $? "--top 3: the SELECT is advised on (readings (sensor)), no DO block skipped (exit $rc)" \
    "$(cat "$dir/err" "$dir/py" "$dir/out")"
exit $fails
