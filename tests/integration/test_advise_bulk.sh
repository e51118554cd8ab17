#!/usr/bin/env bash
# advise after a bulk load inside pg_stat_statements' window: the JSON
# names the load (bulk_writes) and a note on stderr says what it does to
# the write costs and what to do; a load before the window is no bulk
# write, and the index comes.  In a database of its own.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..4"
. "$(dirname "$0")/../tap.sh"
dir=$(mktemp -d)
db=idxbulk
trap 'rm -rf "$dir"; dropdb --force --if-exists "$db" 2>/dev/null' EXIT
export PGOPTIONS="-c client_min_messages=warning"
dropdb --force --if-exists "$db" 2>/dev/null
reads() { for i in 1 2 3; do echo "SELECT count(*) FROM events WHERE account = $i;"; done; }
reset="SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);"
createdb "$db" && { cat <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE events (id bigint, account int, at timestamptz, body text);
$reset
INSERT INTO events SELECT g, g % 5000, now() - g * interval '1 s', 'x' FROM generate_series(1, 200000) g;
ANALYZE events;
INSERT INTO events VALUES (0, 1, now(), 'y');
SQL
reads; } | psql -X -q -d "$db" -v ON_ERROR_STOP=1 >"$dir/setup" 2>&1
ok $? "a bulk load of 200000 rows, a row and three reads" "$(cat "$dir/setup")"

"$IXT_PROG" -d "$db" advise --top 10 --format json >"$dir/out" 2>"$dir/err"
rc=$?
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = d["bulk_writes"]
assert b is not None, d
assert b["statements"] == 1 and b["table"] == "events" and b["rows"] == 200000 and b["calls"] == 1, b
assert b["share"] > 0.99 and b["example"].startswith("INSERT INTO events SELECT"), b
assert d["indexes"] == [], d["indexes"]' "$dir/out" 2>"$dir/py"
ok $? "the JSON names the bulk load, and no index is worth its writes (exit $rc)" "$(cat "$dir/err" "$dir/py" "$dir/out")"
grep -q "^idxtune: note: 100 % of the rows written .* come from 1 bulk statement.*pg_stat_statements_reset()" "$dir/err"
ok $? "stderr says why and what to do" "$(cat "$dir/err")"

{ echo "$reset"; reads; echo "INSERT INTO events VALUES (0, 2, now(), 'z');"; } |
    psql -X -q -d "$db" -v ON_ERROR_STOP=1 >/dev/null 2>&1
"$IXT_PROG" -d "$db" advise --top 10 --format json >"$dir/out" 2>"$dir/err"
rc=$?
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["bulk_writes"] is None, d["bulk_writes"]
defs = [x["definition"] for x in d["indexes"]]
assert any("events" in x and "account" in x for x in defs), defs' "$dir/out" 2>"$dir/py" &&
    ! grep -q "bulk" "$dir/err"
ok $? "after a reset: no bulk load, and events (account) is advised (exit $rc)" "$(cat "$dir/err" "$dir/py" "$dir/out")"
exit $fails
