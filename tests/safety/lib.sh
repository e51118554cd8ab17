# Safety test helpers: each probe runs idxtune against the sandbox and then
# compares what the database looks like with what it looked like before:
# rows, catalog, sequences, locks, backends, prepared transactions and
# hypothetical indexes.  Probes work in a database of their own (SAFETY_DB),
# made fresh by safety_db, so they never disturb the demo the other tests use.
# Each check prints a TAP line.
set -u
S_N=0
S_FAILED=0
SAFETY_DB=${SAFETY_DB:-idxsafety}

sq() { psql -qAtX -v ON_ERROR_STOP=1 -d "$SAFETY_DB" -c "$1"; }

ok() {
    S_N=$((S_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $S_N - $2"
    else
        echo "not ok $S_N - $2"
        S_FAILED=1
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
    fi
}

# safety_db: (re)creates SAFETY_DB with a table `victim` (and its sequence)
# that hostile input tries to drop or change, and a table `t` to index.
safety_db() {
    psql -qAtX -d postgres -c "DROP DATABASE IF EXISTS $SAFETY_DB WITH (FORCE)" >/dev/null
    psql -qAtX -d postgres -c "CREATE DATABASE $SAFETY_DB" >/dev/null
    sq "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
        CREATE TABLE victim (id serial PRIMARY KEY, v text);
        INSERT INTO victim (v) SELECT 'row ' || g FROM generate_series(1, 100) g;
        CREATE TABLE t (id serial PRIMARY KEY, a int, b text, c timestamptz DEFAULT now());
        INSERT INTO t (a, b) SELECT g % 100, 'b' || g FROM generate_series(1, 5000) g;
        ANALYZE victim; ANALYZE t;" >/dev/null
    # HypoPG only where the server has it (tests/versions runs without it)
    if safety_has_hypopg; then
        sq "CREATE EXTENSION IF NOT EXISTS hypopg" >/dev/null
    fi
}

safety_has_hypopg() {
    [ "$(psql -qAtX -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" != 0 ]
}

# db_state: one text that changes when anything a probe could leave behind
# changes.  Backends and locks of idxtune's own sessions are waited for
# first (a killed client's backend takes a moment to go); then the state is
# read until two reads 0.2 s apart agree (for up to 5 s), so a lock another
# backend holds for an instant (a client of the test itself, ending) is not
# taken for the state before or after.
db_state() {
    local i prev cur
    prev=$(db_state_once)
    for ((i = 0; i < 25; i++)); do
        sleep 0.2
        cur=$(db_state_once)
        [ "$cur" = "$prev" ] && break
        prev=$cur
    done
    printf '%s\n' "$cur"
}

db_state_once() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(psql -qAtX -d postgres -c "SELECT count(*) FROM pg_stat_activity
              WHERE application_name LIKE 'idxtune/%'")" = 0 ] && break
        sleep 0.1
    done
    sq "SELECT 'table ' || c.oid::regclass || ' ' || c.relkind::text
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
         ORDER BY 1"
    sq "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog') ORDER BY 1"
    sq "SELECT 'rows victim ' || count(*) || ' ' || md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM victim"
    sq "SELECT 'rows t ' || count(*) || ' ' || md5(string_agg(id || ':' || a || ':' || b, ',' ORDER BY id)) FROM t"
    sq "SELECT 'seq ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences ORDER BY 1"
    sq "SELECT 'lock ' || locktype || ' ' || mode || ' ' || coalesce(relation::regclass::text, objid::text, '')
          FROM pg_locks WHERE pid <> pg_backend_pid() AND locktype NOT IN ('virtualxid')
           AND pid NOT IN (SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker')
         ORDER BY 1"
    sq "SELECT 'backend ' || application_name || ' ' || state FROM pg_stat_activity
         WHERE application_name LIKE 'idxtune/%' OR state LIKE 'idle in transaction%' ORDER BY 1"
    sq "SELECT 'prepared xact ' || gid FROM pg_prepared_xacts ORDER BY 1"
    safety_has_hypopg && sq "SELECT 'hypo ' || count(*) FROM hypopg_list_indexes"
    sq "SELECT 'setting ' || name || '=' || setting FROM pg_db_role_setting, unnest(setconfig) AS name(setting)
         ORDER BY 1" 2>/dev/null
}

# assert_unchanged BEFORE DESCRIPTION: the database looks as it did.
assert_unchanged() {
    local after i
    # a backend whose client just left may still be ending (its locks, its
    # row in pg_stat_activity): the state is read again for up to 5 s, so a
    # change that stays still fails and one that is only ending does not
    for ((i = 0; i < 25; i++)); do
        after=$(db_state)
        [ "$1" = "$after" ] && break
        sleep 0.2
    done
    if [ "$1" = "$after" ]; then
        ok 0 "$2"
    else
        ok 1 "$2" "$(diff <(printf '%s\n' "$1") <(printf '%s\n' "$after"))"
    fi
}

safety_finish() { return "$S_FAILED"; }
