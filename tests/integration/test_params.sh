#!/usr/bin/env bash
# Values for a statement's parameters from scripts: `try --real --param`
# and `explain --analyze --param`, and what each says without them; the
# real trial's build estimate against the lock timeout.  Runs on the demo
# and checks the database is unchanged afterwards.
set -u
. "$(dirname "$0")/../safety/lib.sh"
SAFETY_DB=$PGDATABASE
# the rows a trial on the demo could touch, beside lib.sh's catalog,
# sequences, locks, backends and hypothetical indexes
state() {
    db_state 2>/dev/null
    sq "SELECT 'rows runs ' || count(*) || ' ' || md5(string_agg(id || ':' || status || ':' || tenant_id, ',' ORDER BY id))
          FROM runs"
    sq "SELECT 'rows run_logs ' || count(*) || ' ' || max(id) FROM run_logs"
}
unchanged() {
    local after
    after=$(state)
    [ "$before" = "$after" ]
    ok $? "$1" "$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
}
Q='SELECT * FROM runs WHERE status = $1 AND tenant_id = $2 LIMIT 10'
IDX='CREATE INDEX ON runs (tenant_id, status)'
before=$(state)

# run OUT ERR ARGS...: stdout to OUT, stderr to ERR, exit status in RC
run() {
    local o=$1 e=$2
    shift 2
    "$IXT_PROG" "$@" >"$o" 2>"$e"
    RC=$?
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

run "$T/out" "$T/err" try --real -c "$Q" --index "$IDX"
[ "$RC" = 2 ] && grep -q -- '--param VALUE' "$T/err" && grep -q "runs.status): '" "$T/err"
ok $? "try --real without values: exit 2, says to pass --param with pg_stats' suggestions (exit $RC)" "$(cat "$T/err")"

run "$T/out" "$T/err" try --real -c "$Q" --index "$IDX" --param queued --param 3
[ "$RC" = 0 ] && grep -q '^Measured (5 runs each, rolled back)' "$T/out" \
    && grep -Eq '^Real trial: build estimated [0-9.]+ m?s: a [0-9.]+ % sample built in [0-9]+ ms \(table [0-9.]+ [kM]B\)' "$T/out"
ok $? "try --real --param VALUE --param VALUE measures, with the build estimate (exit $RC)" "$(cat "$T/out" "$T/err")"
unchanged "the database is unchanged after the real trial with values"

run "$T/out" "$T/err" try --real --format json -c "$Q" --index "$IDX" --param queued --param 3
[ "$RC" = 0 ] && jq -e '.build_estimate.basis == "sample" and .build_estimate.ms >= 0 and .build_ms > 0' "$T/out" >/dev/null
ok $? "try --real JSON gives the build estimate (exit $RC)" "$(cat "$T/err")"

run "$T/out" "$T/err" try --real -c "$Q" --index "$IDX" --param queued --param abc
[ "$RC" = 1 ] && grep -q 'a value given for a parameter does not fit it: .*invalid input syntax for type integer: "abc"' "$T/err"
ok $? "a value of the wrong type: a clear message and exit 1 (exit $RC)" "$(cat "$T/err")"

run "$T/out" "$T/err" try --real -c "$Q" --index "$IDX" --param a --param 1 --param 2
[ "$RC" = 2 ] && grep -q '3 --param given, but the statement has 2 parameters' "$T/err"
ok $? "more values than parameters: exit 2 (exit $RC)" "$(cat "$T/err")"
unchanged "the database is unchanged after the refused trials"

# explain --analyze without values says up front which it used
run "$T/out" "$T/err" explain --analyze -c "$Q"
[ "$RC" = 0 ] && grep -Eq "^idxtune: ANALYZE runs with \\\$1 = '[a-z]+' \(most common value of runs.status\), \\\$2 = '[0-9]+' \(most common value of runs.tenant_id\)" "$T/err" \
    && grep -q 'Filter: ((runs.status = ' "$T/out"
ok $? "explain --analyze without values names the values and where they come from (exit $RC)" "$(cat "$T/err")"
run "$T/out" "$T/err" explain --analyze --format json -c "$Q"
[ "$RC" = 0 ] && jq -e '.param_values | length == 2 and .[0].param == 1 and .[0].source == "most common value of runs.status"' "$T/out" >/dev/null
ok $? "and in JSON: param_values with their source (exit $RC)" "$(cat "$T/err")"
run "$T/out" "$T/err" explain --analyze --format json -c "$Q" --param queued --param 3
[ "$RC" = 0 ] && jq -e '.param_values == [{"param":1,"value":"queued","source":"--param"},{"param":2,"value":"3","source":"--param"}]' "$T/out" >/dev/null \
    && ! grep -q 'ANALYZE runs with' "$T/err"
ok $? "explain --analyze --param uses the values given (exit $RC)" "$(cat "$T/err")"
run "$T/out" "$T/err" explain --analyze -c "$Q" --param queued --param abc
[ "$RC" = 1 ] && grep -q 'does not fit it: .*invalid input syntax for type integer' "$T/err"
ok $? "explain --analyze with a value of the wrong type: exit 1 (exit $RC)" "$(cat "$T/err")"
unchanged "the database is unchanged after explain --analyze"

# The demo's biggest table, with the default 2 s lock timeout: the build is
# estimated to fit, so it runs.
big=$(sq "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
          ORDER BY pg_table_size(c.oid) DESC LIMIT 1")
run "$T/out" "$T/err" try --real -c "SELECT * FROM $big WHERE run_id = 5" --index "CREATE INDEX ON $big (run_id)"
[ "$big" = run_logs ] && [ "$RC" = 0 ] && grep -q '^Measured' "$T/out" && grep -q 'lock timeout 2.0 s' "$T/out"
ok $? "try --real on the demo's biggest table ($big) runs with the default lock timeout (exit $RC)" "$(cat "$T/out" "$T/err")"
# the sample copies a few MB of the table, not the table
run "$T/out" "$T/err" try --real --format json -c "SELECT * FROM $big WHERE run_id = 5" --index "CREATE INDEX ON $big (run_id)" --lock-timeout 60000
[ "$RC" = 0 ] && jq -e '.build_estimate | .basis == "sample" and .sample_bytes > 0 and .sample_ms > 0
                        and .sample_bytes * 10 < .table_bytes' "$T/out" >/dev/null
ok $? "the build is measured on a sample of a few MB of $big (exit $RC)" "$(jq -c .build_estimate "$T/out" 2>&1; cat "$T/err")"
# a lock timeout it cannot fit in: not run, with the estimate and the way out
# (10 ms: on an idle machine the estimate of this table can be near 0.1 s)
run "$T/out" "$T/err" try --real -c "SELECT * FROM $big WHERE run_id = 5" --index "CREATE INDEX ON $big (run_id)" --lock-timeout 10
[ "$RC" = 1 ] && grep -Eq "not run: build estimated [0-9.]+ m?s: a [0-9.]+ % sample built in [0-9]+ ms .*longer than the lock timeout of 10 ms .*raise it with --lock-timeout [0-9]+000" "$T/err"
ok $? "a build that does not fit the lock timeout is not run, with the estimate and --lock-timeout to raise (exit $RC)" "$(cat "$T/err")"
unchanged "the database is unchanged after the trials on $big"

# The sample only reads the table (ACCESS SHARE): it is measured while a
# writer holds ROW EXCLUSIVE, which the build's SHARE lock then waits for.
PGAPPNAME=idxtest-writer psql -qAtX -c "BEGIN; LOCK TABLE runs IN ROW EXCLUSIVE MODE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
writer=$!
for ((i = 0; i < 100; i++)); do
    [ "$(sq "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
              WHERE a.application_name = 'idxtest-writer' AND l.relation = 'runs'::regclass AND l.granted")" = 1 ] && break
    sleep 0.1
done
run "$T/out" "$T/err" try --real -c "$Q" --index "$IDX" --param queued --param 3 --lock-timeout 3000
[ "$RC" = 1 ] && grep -Eq "build estimated [0-9.]+ m?s: a [0-9.]+ % sample built in [0-9]+ ms" "$T/err" \
    && ! grep -q 'could not be measured' "$T/err"
ok $? "beside a writer the sample is still measured: it only reads the table (exit $RC)" "$(cat "$T/err")"
sq "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'idxtest-writer'" >/dev/null
wait "$writer"
unchanged "the database is unchanged after the trial beside a writer"

echo "1..$S_N"
safety_finish
