#!/usr/bin/env bash
# What idxtune sends to the server does only what the user asked: the text
# stays one statement whatever the server's quoting settings, a measured
# SELECT cannot write, a locked table is named within lock_timeout, and
# every statement of idxtune's own is tagged, so a role without superuser
# does not see them in its workload.
. "$(dirname "$0")/lib.sh"
export PGDATABASE=$SAFETY_DB
safety_db
before=$(db_state)

# With standard_conforming_strings off the server reads 'x\' as x' and the
# rest as statements of their own; libpg_query read one string.
out=$(PGOPTIONS='-c standard_conforming_strings=off' \
      "$IXT_PROG" explain -c "SELECT 'x\\' AS a, '; DROP TABLE victim; --' AS b" 2>&1)
assert_unchanged "$before" "scs=off: explain of a text with a backslash quote drops nothing"
echo "$out" | grep -q "Result" ; ok $? "scs=off: the statement is planned as written" "$out"

PGOPTIONS='-c standard_conforming_strings=off' "$IXT_PROG" try --real -c "SELECT * FROM t WHERE a = 5" \
    --index "CREATE INDEX ON t (a) WHERE b <> 'x\\' AND b <> '; COMMIT; DROP TABLE victim; --'" >/dev/null 2>&1
assert_unchanged "$before" "scs=off: try --real commits no index and drops nothing"

# A SELECT is measured read-only: setval() cannot change the sequence.
out=$("$IXT_PROG" try --real -c "SELECT setval('victim_id_seq', 5)" --index "CREATE INDEX ON t (a)" 2>&1)
assert_unchanged "$before" "try --real: setval in a measured SELECT leaves the sequence alone"
echo "$out" | grep -q "read-only transaction"; ok $? "and says why it failed" "$out"

# A writing statement is measured too, rolled back, and the output says
# that sequences advance (PostgreSQL cannot roll that back).
out=$("$IXT_PROG" try --real -c "INSERT INTO victim (v) VALUES ('x')" --index "CREATE INDEX ON victim (v)" 2>&1)
echo "$out" | grep -q "sequences advance"; ok $? "try --real of an INSERT says sequences advance" "$out"
sq "SELECT setval('victim_id_seq', 100)" >/dev/null
assert_unchanged "$before" "try --real of an INSERT keeps no row"

# A table locked by another session: the planning gives up after
# lock_timeout (2 s by default), not statement_timeout, and names the lock.
psql -qAtX -c "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT" >/dev/null 2>&1 &
locker=$!
for ((i = 0; i < 50; i++)); do
    [ "$(sq "SELECT count(*) FROM pg_locks WHERE relation = 't'::regclass AND mode = 'AccessExclusiveLock'" 2>/dev/null)" = 1 ] && break
    sleep 0.1
done
t0=$(date +%s%N)
out=$("$IXT_PROG" try -c "SELECT * FROM t WHERE a = 5" --index "CREATE INDEX ON t (a)" 2>&1)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "$out" | grep -qE "table t is locked by pid [0-9]+ \(.*LOCK TABLE t"
ok $? "a locked table is named with the pid and query holding it" "$out"
[ "$ms" -lt 4500 ]; ok $? "within lock_timeout ($ms ms)"
kill "$locker" 2>/dev/null
psql -qAtX -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE query LIKE 'BEGIN; LOCK TABLE t%' AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" 2>/dev/null
assert_unchanged "$before" "the lock test leaves nothing behind"

# Everything idxtune sends carries its tag: a role without superuser (which
# cannot switch tracking off) finds none of it in pg_stat_statements.
psql -qAtX -d postgres -c "DROP ROLE IF EXISTS ixt_plain; CREATE ROLE ixt_plain LOGIN" >/dev/null 2>&1
sq "GRANT ALL ON ALL TABLES IN SCHEMA public TO ixt_plain; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ixt_plain;
    ALTER TABLE t OWNER TO ixt_plain; SELECT pg_stat_statements_reset('ixt_plain'::regrole, 0, 0)" >/dev/null
plain() { "$IXT_PROG" "$1" -U ixt_plain "${@:2}" >/dev/null 2>&1; }
plain explain -c 'SELECT * FROM t WHERE a = $1 -- from the app'
plain explain --analyze -c "SELECT * FROM t WHERE a = 5"
plain try -c "SELECT * FROM t WHERE a = 5" --index "CREATE INDEX ON t (a)"
plain try --real -c "SELECT * FROM t WHERE a = 5" --index "CREATE INDEX ON t (a)"
# (HypoPG's own catalog lookup is recorded too, as a top-level statement)
untagged=$(sq "SELECT query FROM pg_stat_statements WHERE userid = 'ixt_plain'::regrole
                 AND query NOT LIKE '%/* idxtune */%'
                 AND query <> 'SELECT max(oid) FROM pg_catalog.pg_class WHERE oid < \$1'")
count=$(sq "SELECT count(*) FROM pg_stat_statements WHERE userid = 'ixt_plain'::regrole")
[ -z "$untagged" ] && [ "$count" -gt 5 ]
ok $? "every statement idxtune sent is tagged ($count statements)" "$untagged"
sq "ALTER TABLE t OWNER TO CURRENT_USER; REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ixt_plain;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ixt_plain" >/dev/null
sq "DROP OWNED BY ixt_plain" >/dev/null 2>&1
psql -qAtX -d postgres -c "DROP ROLE ixt_plain" >/dev/null 2>&1
assert_unchanged "$before" "the tagging test leaves nothing behind"
safety_finish
