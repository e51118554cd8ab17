#!/usr/bin/env bash
# Hostile session files: names, schemas, tables, methods, definitions and
# labels a colleague's file could carry.  Each one is either refused on
# load (exit 1, the message names the field) or exported; every export is
# applied with psql -v ON_ERROR_STOP=1, must create exactly the index named
# and leave victim alone, and its rollback must bring the catalog back.
. "$(dirname "$0")/lib.sh"
export PGDATABASE=$SAFETY_DB PGOPTIONS="-c client_min_messages=warning"
dir=$(mktemp -d /tmp/ixt-hostile.XXXXXX)
trap 'rm -rf "$dir"' EXIT
safety_db

# session NAME SCHEMA TABLE METHOD DEFINITION [CONNECTION [VERSION [STATEMENT]]] > file
session() {
    jq -n --arg name "$1" --arg schema "$2" --arg table "$3" --arg method "$4" --arg definition "$5" \
        --arg conn "${6:-me@host:5432/$SAFETY_DB}" --arg ver "${7:-15.0}" --arg sql "${8:-SELECT a FROM t WHERE a = 1}" \
        '{idxtune_session: 1, connection: $conn, server_version: $ver,
          accepted: [{name: $name, schema: $schema, table: $table, method: $method, definition: $definition,
                      size_bytes: 8192, write_rate: 1.5,
                      evidence: {statement: $sql, queryid: 7, cost_before: 10, cost_after: 1, measured: false,
                                 median_ms_before: 0, median_ms_after: 0, build_ms: 0},
                      review: {verdict: "approved", by: "reviewer", at: "2026-11-24T10:00:00Z"}}],
          rejected: []}'
}

# How many indexes called exactly NAME the table SCHEMA.TABLE has (the
# names travel as psql variables, quoted by psql).
index_count() {
    printf '%s\n' "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                   WHERE c.relname = :'n' AND r.relname = :'t' AND n.nspname = :'s' AND i.indisvalid" |
        psql -qAtX -v n="$1" -v s="$2" -v t="$3"
}

# exported DESC NAME SCHEMA TABLE SESSION-ARGS...: export, apply, check, roll
# back to the state in $base.
k=0
exported() {
    local desc=$1 name=$2 schema=$3 table=$4; shift 4
    k=$((k + 1))
    session "$@" >"$dir/s$k.json"
    if ! "$IXT_PROG" export --session "$dir/s$k.json" -o "$dir/up$k.sql" --rollback "$dir/down$k.sql" \
            2>"$dir/err$k"; then
        ok 1 "$desc: exported" "$(cat "$dir/err$k")"
        return
    fi
    psql -qX -v ON_ERROR_STOP=1 -f "$dir/up$k.sql" >/dev/null 2>"$dir/psql$k"
    ok $? "$desc: the SQL applies" "$(cat "$dir/psql$k")"
    [ "$(index_count "$name" "$schema" "$table")" = 1 ]
    ok $? "$desc: exactly the named index exists"
    psql -qX -v ON_ERROR_STOP=1 -f "$dir/down$k.sql" >/dev/null 2>"$dir/psql$k"
    ok $? "$desc: the rollback applies" "$(cat "$dir/psql$k")"
    assert_unchanged "$base" "$desc: the rollback leaves the catalog as it was"
    [ "$(sq "SELECT count(*) FROM victim")" = 100 ]
    ok $? "$desc: victim is intact"
}

# refused DESC FIELD SESSION-ARGS...: export exits 1 naming the field.
refused() {
    local desc=$1 field=$2; shift 2
    k=$((k + 1))
    session "$@" >"$dir/s$k.json"
    "$IXT_PROG" export --session "$dir/s$k.json" -o "$dir/up$k.sql" 2>"$dir/err$k"
    local rc=$?
    [ "$rc" = 1 ] && grep -qF "\"$field\"" "$dir/err$k" && [ ! -e "$dir/up$k.sql" ]
    ok $? "$desc: refused, naming \"$field\" (exit $rc)" "$(cat "$dir/err$k")"
}

n63=$(printf 'N%.0s' {1..63})
n64=$(printf 'n%.0s' {1..64})
def="CREATE INDEX ON t (a)"
start=$(db_state)
base=$start

# index names: each must be created under exactly that name
for name in 'x ON t (a); DROP TABLE victim; CREATE INDEX y' 'MyIdx' 'select' 'Select' 'user' 'between' \
            'a"b' '"' 'a\b' "it's" "'; DROP TABLE victim; --" $'a\nDROP TABLE victim;\n--' $'cr\rDROP TABLE victim' \
            $'ctl\x01\x07\x1b[2J' 'ünï_idx' 'Ünï €' '1abc' ' lead' $'tab\there' '--' '/*' '$$' 'idx$1' "$n63" \
            'plain_idx'; do
    exported "name $(printf '%q' "$name")" "$name" public t "$name" public t btree "$def"
done

# schemas and tables with hostile names, made first
for rel in 'S"x; DROP TABLE victim; --|tbl' $'nl\nDROP TABLE victim;|T a b' 'select|from' 'Ünï|ÄÖ'; do
    s=${rel%%|*} t=${rel#*|}
    printf '%s\n' 'CREATE SCHEMA :"s"; CREATE TABLE :"s".:"t" (a int)' | psql -qX -v ON_ERROR_STOP=1 -v s="$s" -v t="$t"
    qt=$(printf '%s\n' "SELECT quote_ident(:'t')" | psql -qAtX -v t="$t")
    base=$(db_state)
    exported "schema $(printf '%q' "$s") table $(printf '%q' "$t")" "my idx" "$s" "$t" \
        "my idx" "$s" "$t" btree "CREATE INDEX ON $qt (a)"
done

# comment-only fields: labels and the statement
base=$(db_state)
exported "hostile connection, version and statement" plain2 public t plain2 public t btree "$def" \
    $'me@h\nDROP TABLE victim;\r--' $'15\n;DROP TABLE victim;' $'SELECT 1\n; DROP TABLE victim; --\r\n*/'

refused "empty name" name "" public t btree "$def"
refused "64-byte name" name "$n64" public t btree "$def"
refused "64-byte schema" schema i "$n64" t btree "$def"
refused "method with a statement" method i public t $'btree\nDROP TABLE victim;' "$def"
refused "definition with a second statement" definition i public t btree "$def; DROP TABLE victim"
refused "definition not an index" definition i public t btree "DROP TABLE victim"
refused "definition on another table" definition i public t btree "CREATE INDEX ON victim (v)"
refused "definition in another schema" definition i public t btree "CREATE INDEX ON other.t (a)"
k=$((k + 1))
jq '.accepted[0].name = 5' "$dir/s1.json" >"$dir/s$k.json"
"$IXT_PROG" export --session "$dir/s$k.json" 2>"$dir/err$k"
[ $? = 1 ] && grep -q '"name" is not a string' "$dir/err$k"; ok $? "a number for a name is refused" "$(cat "$dir/err$k")"
k=$((k + 1))
jq '.accepted[0].evidence.measured = "yes"' "$dir/s1.json" >"$dir/s$k.json"
"$IXT_PROG" export --session "$dir/s$k.json" 2>"$dir/err$k"
[ $? = 1 ] && grep -q '"measured"' "$dir/err$k"; ok $? "a string for measured is refused" "$(cat "$dir/err$k")"

for rel in 'S"x; DROP TABLE victim; --' $'nl\nDROP TABLE victim;' 'select' 'Ünï'; do
    printf '%s\n' 'DROP SCHEMA :"s" CASCADE' | psql -qX -v ON_ERROR_STOP=1 -v s="$rel"
done
assert_unchanged "$start" "the database is as it was at the start"
safety_finish
