#!/usr/bin/env bash
# advise and the bulk writes pg_stat_statements saw, in a database of its
# own.  A load (a bulk write of half its table's rows or more, as a
# restore's COPY) is left out of the write rates, and as an INSERT run
# once of the statements advised on: the index comes at once, and the
# advice says what it left out.  Bulk writes that are no load count, and when they make most
# of the rows written a note says so and what to do.  After a reset,
# neither.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..7"
. "$(dirname "$0")/../tap.sh"
. tests/owndb.sh idxbulk
. tests/bulk.sh
sql() { psql -X -q -d "$db" -v ON_ERROR_STOP=1 >"$dir/setup" 2>&1; }
# advise's JSON into $dir/out, its stderr into $dir/err; then the python
# assertions $1 on d, the JSON
advise_json() {
    "$IXT_PROG" -d "$db" advise --top 10 --format json >"$dir/out" 2>"$dir/err"
    python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
defs = [x['definition'] for x in d['indexes']]
$1" "$dir/out" 2>"$dir/py"
}
why() { cat "$dir/err" "$dir/py" "$dir/out"; }

# tags as a restore fills a small table: one COPY
restore_tags() { echo "CREATE TABLE tags (id int, name text); COPY tags FROM STDIN WITH (FORMAT csv);"
                 seq 5000 | sed 's/$/,t/'; echo '\.'; echo "ANALYZE tags;"; }
createdb "$db" && { load_events; restore_tags; echo "INSERT INTO events VALUES (0, 1, now(), 'y');"; reads; } | sql
ok $? "a load of 200000 rows, a restore of 5000, a row and three reads" "$(cat "$dir/setup")"
advise_json '
l = d["loads_left_out"]
assert l is not None and l["statements"] == 2 and l["table"] == "events" and l["rows"] == 200000, l
assert l["calls"] == 1 and l["table_share"] > 0.99 and l["example"].startswith("INSERT INTO events SELECT"), l
assert d["bulk_writes_counted"] is None, d["bulk_writes_counted"]
assert d["one_off_loads_not_advised"] == 1, d["one_off_loads_not_advised"]
assert any("events" in x and "account" in x for x in defs), defs'
ok $? "the load is left out of the write rates and of the statements advised on; events (account) is advised" "$(why)"
grep -q "^idxtune: note: Left out of the write rates, as loads .*: 2 statements, the biggest INSERT INTO events SELECT .*(200000 rows in 1 call into events, 100 % of its rows)" "$dir/err"
ok $? "stderr names the load left out" "$(cat "$dir/err")"

{ echo "$reset"; for i in 1 2 3; do echo "INSERT INTO events SELECT g, 7, now(), 'b' FROM generate_series(1, 20000) g;"; done
  reads; } | sql
ok $? "reset, then three bulk inserts of 20000 rows (no load: under half the table) and the reads" "$(cat "$dir/setup")"
advise_json '
c = d["bulk_writes_counted"]
assert c is not None and c["statements"] == 1 and c["rows"] == 60000 and c["calls"] == 3, c
assert d["loads_left_out"] is None and d["one_off_loads_not_advised"] == 0, d
assert "come from 1 bulk statement" in d["bulk_note"] and "pg_stat_statements_reset()" in d["bulk_note"], d["bulk_note"]'
ok $? "the bulk writes count, and the note says they make the rates" "$(why)"
grep -q "^idxtune: note: 100 % of the rows written in the last .* come from 1 bulk statement.*pg_stat_statements_reset()" "$dir/err"
ok $? "on stderr too, with what to do" "$(cat "$dir/err")"

{ echo "$reset"; reads; echo "INSERT INTO events VALUES (0, 2, now(), 'z');"; } | sql
advise_json '
assert d["bulk_note"] is None and d["loads_left_out"] is None and d["bulk_writes_counted"] is None, d
assert any("events" in x and "account" in x for x in defs), defs' && ! grep -q "note:" "$dir/err"
ok $? "after a reset and steady traffic: no note, and the index" "$(why)"
exit $fails
