#!/bin/bash
# A role without pg_read_all_stats and without EXECUTE on the hypopg
# functions: idxtune says what is missing by name and what still works;
# an impossible request (advise) exits 1.  A server lost during advise is
# one error and exit 1, never a property of each candidate.
cd "$(dirname "$0")/../.."
. tests/safety/lib.sh
# the rights it checks are HypoPG's as well as pg_read_all_stats
. tests/hypopg.sh
IXT_PROG=${IXT_PROG:-./idxtune}
safety_db
ROLE=idxsafety_ro
psql -qAtX -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1
psql -qAtX -d postgres -c "CREATE ROLE $ROLE LOGIN" >/dev/null
sq "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $ROLE;
    DO \$\$ DECLARE f regprocedure; BEGIN
      FOR f IN SELECT d.objid::regprocedure FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
                WHERE x.extname = 'hypopg' AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e' LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
      END LOOP; END \$\$;" >/dev/null
# a statement of another role, seen by pg_stat_statements
sq "SELECT * FROM t WHERE a = 7" >/dev/null
QID=$(sq "SELECT queryid FROM pg_stat_statements WHERE query LIKE 'SELECT * FROM t WHERE a =%' LIMIT 1")
before=$(db_state)
out=$(mktemp) err=$(mktemp)

"$IXT_PROG" top --once -d "$SAFETY_DB" -U "$ROLE" >"$out" 2>"$err"
rc=$?
[ "$rc" = 0 ]
ok $? "top as a role without pg_read_all_stats: a partial view, exit 0 (got $rc)"
grep -qE "showing only this role's statements: [0-9]+ of other roles hidden; grant pg_read_all_stats" "$err"
ok $? "top says how many statements are hidden and names pg_read_all_stats" "$(cat "$err")"

"$IXT_PROG" explain --queryid "$QID" -d "$SAFETY_DB" -U "$ROLE" >"$out" 2>"$err"
rc=$?
[ "$rc" = 1 ] && grep -q "queryid $QID visible to this role.*pg_read_all_stats" "$err"
ok $? "explain --queryid of another role's statement names pg_read_all_stats, exit 1 (got $rc)" "$(cat "$err")"

echo "SELECT * FROM t WHERE a = 5" >"$out.sql"
"$IXT_PROG" advise -f "$out.sql" -d "$SAFETY_DB" -U "$ROLE" >"$out" 2>"$err"
rc=$?
[ "$rc" = 1 ] && grep -q "EXECUTE on hypopg functions.*hypopg_create_index" "$err"
ok $? "advise without EXECUTE on hypopg functions: says so, exit 1 (got $rc)" "$(cat "$err")"
assert_unchanged "$before" "the role's attempts changed nothing"

# pg_stat_statements the role may not read: said from the server facts at
# connect, with what to grant
sq "REVOKE EXECUTE ON FUNCTION pg_stat_statements(boolean) FROM PUBLIC" >/dev/null
"$IXT_PROG" top --once -d "$SAFETY_DB" -U "$ROLE" >"$out" 2>"$err"
rc=$?
[ "$rc" != 0 ] && grep -q "cannot read pg_stat_statements: this role may not run public.pg_stat_statements() (grant" "$err"
ok $? "top without EXECUTE on pg_stat_statements names what to grant, exit $rc" "$(cat "$err")"
sq "GRANT EXECUTE ON FUNCTION pg_stat_statements(boolean) TO PUBLIC" >/dev/null

# The server lost mid-run: the idxtune backend is terminated from another
# session once the search tries hypothetical indexes.
sq "CREATE TABLE w AS SELECT g AS id, g % 7 AS c1, g % 11 AS c2, g % 13 AS c3, g % 17 AS c4
      FROM generate_series(1, 20000) g; ANALYZE w" >/dev/null
for i in 1 2 3 4; do for j in 1 2 3 4; do for k in 1 2 3 4; do
    [ $i != $j ] && [ $j != $k ] && [ $i != $k ] && echo "SELECT * FROM w WHERE c$i = 1 AND c$j > 5 ORDER BY c$k;"
done; done; done >"$out.sql"
"$IXT_PROG" advise -f "$out.sql" -d "$SAFETY_DB" >"$out" 2>"$err" &
pid=$!
# polled inside the server every 2 ms: the hypopg calls are short
killed=$(psql -qAtX -d postgres 2>&1 -c "DO \$\$ BEGIN
    FOR i IN 1..15000 LOOP
        PERFORM pg_stat_clear_snapshot();
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'idxtune/batch' AND query ~ 'hypopg_(create|drop)_index';
        IF FOUND THEN
            RAISE NOTICE 'terminated';
            RETURN;
        END IF;
        PERFORM pg_sleep(0.002);
    END LOOP; END \$\$" | grep terminated)
wait "$pid"
rc=$?
[ -n "$killed" ]
ok $? "the advise backend was terminated during the search"
[ "$rc" = 1 ]
ok $? "advise after losing the server exits 1 (got $rc)" "$(cat "$out" "$err" | head -20)"
[ "$(grep -ci "lost\|not connected" "$out" "$err" | awk -F: '{s += $2} END {print s}')" = 1 ]
ok $? "the lost connection is said once" "$(cat "$out" "$err" | head -20)"
! grep -q "Not scored" "$out"
ok $? "no candidate is reported as not scored because of it"

rm -f "$out" "$err" "$out.sql"
psql -qAtX -d postgres -c "DROP DATABASE $SAFETY_DB WITH (FORCE)" >/dev/null
psql -qAtX -d postgres -c "DROP ROLE $ROLE" >/dev/null
safety_finish
