#!/usr/bin/env bash
# "Replace X by Y": advise picks (a, b) where a plain index on (a) exists;
# the session carries the replacement, the approved export builds Y then
# drops X once Y is valid, and the rollback recreates X before dropping Y:
# applied and rolled back with psql, the catalog ends as it began.  Not
# approved, nothing is dropped.
. "$(dirname "$0")/../hypopg.sh"
set -u
. "$(dirname "$0")/../tap.sh"
export PGOPTIONS="-c client_min_messages=warning"
export PGDATABASE=idxreplace
q() { psql -qAtX -c "$1"; }
catalog() {
    q "SELECT c.relname || ' ' || pg_get_indexdef(i.indexrelid) || ' ' || i.indisvalid
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = 'rp' ORDER BY 1"
}
dir=$(mktemp -d /tmp/ixt-replace.XXXXXX)
trap 'rm -rf "$dir"; dropdb --if-exists idxreplace' EXIT

dropdb --if-exists idxreplace && createdb idxreplace && psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION hypopg;
CREATE TABLE rp (id int PRIMARY KEY, a int, b int, c text);
INSERT INTO rp SELECT g, g % 100, g % 997, 'row ' || g FROM generate_series(1, 200000) g;
CREATE INDEX rp_a_old ON rp (a);
ANALYZE rp;
SQL
ok $? "a table with a plain index on (a)"
echo "SELECT c FROM rp WHERE a = 5 AND b < 20;" >"$dir/w.sql"
before=$(catalog)

"$IXT_PROG" advise --queries "$dir/w.sql" --session "$dir/s.json" --format json >"$dir/advice.json" 2>"$dir/err"
ok $? "advise records its picks in a session"
name=$(jq -r '.accepted[] | select(.replaces.name == "rp_a_old") | .name' "$dir/s.json")
[ -n "$name" ]; ok $? "a pick replaces rp_a_old, with its definition ($name)"

"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up0.sql" 2>>"$dir/err"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/up0.sql" >/dev/null 2>"$dir/psql.err"; ok $? "not approved: the SQL applies"
[ "$(catalog)" = "$before" ]; ok $? "and changes nothing: the drop is verdict-gated too"

"$IXT_PROG" review --session "$dir/s.json" --approve "$name" --as alice >/dev/null 2>>"$dir/err"
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up.sql" --rollback "$dir/down.sql" 2>>"$dir/err"
ok $? "approved: export writes the SQL and the rollback"
grep -q 'DROP INDEX CONCURRENTLY IF EXISTS public.rp_a_old' "$dir/up.sql"; ok $? "the SQL drops the old index"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/up.sql" >/dev/null 2>>"$dir/psql.err"; ok $? "the SQL applies with psql"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname = 'rp_a_old'")" = 0 ] &&
    [ "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('$name')")" = t ]
ok $? "the new index is valid and the old one is gone"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/down.sql" >/dev/null 2>>"$dir/psql.err"; ok $? "the rollback applies"
[ "$(catalog)" = "$before" ]; ok $? "the catalog afterwards equals the catalog before"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/down.sql" >/dev/null 2>>"$dir/psql.err" && [ "$(catalog)" = "$before" ]
ok $? "the rollback run twice changes nothing more"
[ "$fails" = 0 ] || { cat "$dir/err" "$dir/psql.err" >&2; }
echo "1..$n"
exit $fails
