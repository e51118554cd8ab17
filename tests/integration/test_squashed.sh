#!/usr/bin/env bash
# PostgreSQL 18 keeps "IN (1, 2, 3)" as "IN ($1 /*, ... */)": the list's
# length is gone.  idxtune plans it as "= ANY($1)" (NOT IN: "<> ALL($1)"),
# the placeholder an array, and says so; as written it would be planned as a
# list of one element.
set -u
if [ "$(psql -qAtX -c "SELECT current_setting('server_version_num')::int >= 180000")" != t ]; then
    echo "1..0 # SKIP PostgreSQL $(psql -qAtX -c 'SHOW server_version') keeps IN lists whole (squashing is 18+)"
    exit 0
fi
. "$(dirname "$0")/../tap.sh"
db=idxsquash
psql -qAtX -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
q() { psql -qAtX -d $db -c "$1"; }
q "CREATE EXTENSION pg_stat_statements;
   CREATE TABLE sq (a int, b int);
   INSERT INTO sq SELECT g, g % 100 FROM generate_series(1, 10000) g;
   ANALYZE sq" >/dev/null
q "SELECT count(*) FROM sq WHERE b IN (1, 2, 3, 4)" >/dev/null
q "SELECT count(*) FROM sq WHERE b NOT IN (1, 2, 3)" >/dev/null
in_id=$(q "SELECT queryid FROM pg_stat_statements WHERE query LIKE '%FROM sq WHERE b IN (\$1 /*, ... */)%'")
notin_id=$(q "SELECT queryid FROM pg_stat_statements WHERE query LIKE '%FROM sq WHERE b NOT IN (\$1 /*, ... */)%'")
[ -n "$in_id" ] && [ -n "$notin_id" ]
ok $? "the server squashed both lists"

out=$("$IXT_PROG" explain -d $db --queryid "$in_id" 2>&1)
grep -q 'Planned as: SELECT count(\*) FROM sq WHERE b = ANY(\$1)' <<<"$out"
ok $? "IN becomes = ANY(\$1)"
grep -q "IN list was squashed" <<<"$out"
ok $? "the output says the list was squashed"
rows=$(grep -oE 'Seq Scan on public.sq  \(cost=[0-9.]+ rows=[0-9]+' <<<"$out" | grep -oE '[0-9]+$')
[ "${rows:-0}" -gt 100 ]
ok $? "the estimate is for a list, not one element (rows=${rows:-none}; one element gives 100)"

out=$("$IXT_PROG" explain -d $db --queryid "$notin_id" 2>&1)
grep -q 'Planned as: SELECT count(\*) FROM sq WHERE b <> ALL(\$1)' <<<"$out"
ok $? "NOT IN becomes <> ALL(\$1)"

psql -qAtX -d postgres -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
exit $fails
