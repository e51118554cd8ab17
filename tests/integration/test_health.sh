#!/usr/bin/env bash
# `idxtune indexes` on a database of its own with one index of each kind:
# exact findings in JSON; the drop file then the rollback file applied with
# psql give back the same valid index definitions; unindexed foreign keys.
set -u
. "$(dirname "$0")/../tap.sh"
export PGOPTIONS="-c client_min_messages=warning"
export PGDATABASE=idxhealth
q() { psql -qAtX -c "$1"; }
dir=$(mktemp -d /tmp/ixt-health.XXXXXX)
trap 'rm -rf "$dir"; dropdb --if-exists idxhealth' EXIT
dropdb --if-exists -d postgres idxhealth 2>/dev/null
createdb idxhealth || { echo "not ok 1 - createdb"; exit 1; }

psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE parent (id int PRIMARY KEY, code text);
CREATE UNIQUE INDEX parent_code_key2 ON parent (code);
CREATE INDEX parent_code_id_idx ON parent (code, id);
INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g;
CREATE TABLE t (id int PRIMARY KEY, a int, b int, c text, parent_id int REFERENCES parent (id), "Odd Col" int);
INSERT INTO t SELECT g, g % 50, g % 7, 'c' || (g % 10), 1 + g % 100, g FROM generate_series(1, 5000) g;
CREATE INDEX t_id_dup ON t (id);
CREATE INDEX t_a_idx ON t (a);
CREATE INDEX t_a_b_idx ON t (a, b);
CREATE INDEX t_c_idx ON t (c);
CREATE INDEX "T Mixed" ON t ("Odd Col") WHERE "Odd Col" > 0;
CREATE TABLE child (p int REFERENCES parent (id));
CREATE INDEX child_p_idx ON child (p);
ANALYZE;
SQL
# a failed concurrent build of a unique index over duplicate values leaves it invalid
psql -qX -c "CREATE UNIQUE INDEX CONCURRENTLY t_c_uniq ON t (c)" >/dev/null 2>&1
[ "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_c_uniq'::regclass")" = f ]
ok $? "setup: t_c_uniq is left invalid"
# scan t_a_b_idx and child_p_idx once
psql -qAtX >/dev/null <<'SQL'
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT * FROM t WHERE a = 1 AND b = 1;
SELECT * FROM child WHERE p = 1;
SQL
for _ in $(seq 50); do
    [ "$(q "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 't_a_b_idx'")" -gt 0 ] && break
    sleep 0.1
done

"$IXT_PROG" indexes --format json >"$dir/h.json" 2>"$dir/err"
ok $? "indexes --format json"
grep -q "too short to call an index unused" "$dir/err"; ok $? "warns that the statistics are too young"
jq -r '.[] | "\(.table) \(.index // "-") \(.constraint // "-") \(.findings | join(",") | if . == "" then "-" else . end) \(.droppable)"' \
    "$dir/h.json" | sort >"$dir/got"
cat >"$dir/want" <<'EOF'
child child_p_idx - - false
parent parent_code_id_idx - unused true
parent parent_code_key2 - - false
parent parent_pkey primary_key - false
t T Mixed - unused true
t t_a_b_idx - - false
t t_a_idx - unused,redundant true
t t_c_idx - unused true
t t_c_uniq - invalid true
t t_id_dup - unused,duplicate true
t t_pkey primary_key - false
t - - unindexed_foreign_key null
EOF
# child's foreign key is indexed: no line for it
sort -o "$dir/want" "$dir/want"
diff "$dir/want" "$dir/got" >"$dir/diff"
rc=$?; ok $rc "exact findings per index"
[ $rc = 0 ] || sed 's/^/# /' "$dir/diff"
jq -e '.[] | select(.index == "parent_pkey") | .fk_referenced == true' "$dir/h.json" >/dev/null
ok $? "the primary key a foreign key references says so"
jq -e '.[] | select(.index == "t_a_idx") | .other_index == "t_a_b_idx" and (.reasons | test("t_a_b_idx"))' \
    "$dir/h.json" >/dev/null
ok $? "the redundant index names the covering one"
jq -e '.[] | select(.index == "t_id_dup") | .other_index == "t_pkey"' "$dir/h.json" >/dev/null
ok $? "the duplicate of the primary key is the one to drop"
jq -e '.[] | select(.index == null) | .foreign_key == "t_parent_id_fkey" and .columns == "parent_id"' \
    "$dir/h.json" >/dev/null
ok $? "the unindexed foreign key names its columns"

valid_defs() {
    q "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND i.indisvalid ORDER BY 1"
}
valid_defs >"$dir/before"
"$IXT_PROG" indexes --format sql -o "$dir/drop.sql" --rollback "$dir/undo.sql" 2>/dev/null
ok $? "indexes --format sql -o --rollback"
grep -q 'DROP INDEX CONCURRENTLY IF EXISTS public."T Mixed";' "$dir/drop.sql"; ok $? "names are quoted"
! grep -qE 'DROP INDEX .*(pkey|parent_code_key2|t_a_b_idx)' "$dir/drop.sql"
ok $? "constraint, unique and used indexes are not dropped"
grep -q "t_c_uniq was invalid: not re-created" "$dir/undo.sql"; ok $? "the rollback says the invalid index is left out"
"$IXT_PROG" indexes --format sql -o "$dir/drop.sql" 2>"$dir/err2"
[ $? = 1 ] && grep -q "already exists" "$dir/err2"; ok $? "an existing file is not replaced without --force"
"$IXT_PROG" indexes --rollback "$dir/x.sql" 2>/dev/null
[ $? = 2 ]; ok $? "--rollback without --format sql is a usage error"

psql -qX -v ON_ERROR_STOP=1 -f "$dir/drop.sql" >/dev/null 2>"$dir/psql.err"; ok $? "the drop file applies with psql"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname IN ('t_id_dup', 't_a_idx', 't_c_idx', 'T Mixed', 't_c_uniq',
        'parent_code_id_idx')")" = 0 ]
ok $? "the droppable indexes are gone"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/undo.sql" >/dev/null 2>>"$dir/psql.err"; ok $? "the rollback file applies"
valid_defs >"$dir/after"
diff "$dir/before" "$dir/after" >/dev/null; ok $? "the same valid index definitions are back"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/undo.sql" >/dev/null 2>>"$dir/psql.err"; ok $? "the rollback can run twice"

"$IXT_PROG" indexes --format md >"$dir/h.md" 2>/dev/null
grep -q '| `public.t` | `t_a_idx` |' "$dir/h.md"; ok $? "Markdown report"

# catalog names with a pipe and a backtick stay inside their cells and spans
q 'CREATE TABLE "we|rd`t" (x int); CREATE INDEX "i|x`y" ON "we|rd`t" (x)' >/dev/null
"$IXT_PROG" indexes --format md >"$dir/h2.md" 2>/dev/null
row=$(grep -F 'rd`t' "$dir/h2.md")
pipes=$(printf '%s' "$row" | sed 's/\\|//g' | tr -cd '|' | wc -c)
[ "$pipes" = 8 ] && printf '%s' "$row" | grep -qF '``i\|x`y``'
ok $? "Markdown escapes catalog names as the export does ($pipes cell pipes: $row)"
exit $fails
