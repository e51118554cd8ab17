/* What idxtune sends keeps to what the user asked, within one process:
 * a trailing comment does not break planning nor the statements after it,
 * session-level advisory locks taken by a measured statement are released,
 * and server notices are kept for the UI instead of printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/lab.h"
#include "idxtune/trial.h"
#include "dbutil.h"

static const char PARAM_SQL[] = "SELECT seq, message FROM run_logs WHERE run_id = $1 AND seq > $2";

static void test_trailing_comment_plans_and_later_statements_too(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_lab lab;
    ixt_err e;
    int rc = ixt_lab_open(&lab, c, "SELECT * FROM run_logs WHERE run_id = $1 -- from the app", &e);
    if (rc != 0)
        fail_msg("trailing comment: %s", e.msg);
    assert_true(lab.generic);
    ixt_lab_close(&lab, c);
    /* nothing of the first statement stays prepared to trip this one */
    rc = ixt_lab_open(&lab, c, PARAM_SQL, &e);
    if (rc != 0)
        fail_msg("the next parameterized statement: %s", e.msg);
    ixt_lab_close(&lab, c);
    PGresult *r = ixt_conn_exec(c, "SELECT count(*) FROM pg_prepared_statements", 0, NULL, &e);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "0");
    PQclear(r);
    ixt_conn_close(c);
}

/* Advisory locks the backend of c holds, seen from another session. */
static int advisory_locks(ixt_conn *c)
{
    ixt_conn *other = ixt_test_connect(NULL, NULL, NULL, 0);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", PQbackendPID(ixt_conn_pg(c)));
    const char *params[] = {pid};
    ixt_err e;
    PGresult *r = ixt_conn_exec(other, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                       " AND pid = $1::int", 1, params, &e);
    if (!r)
        fail_msg("%s", e.msg);
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    ixt_conn_close(other);
    return n;
}

static void test_advisory_lock_released_after_analyze(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_explain_req req = {.sql = "SELECT pg_advisory_lock(42)", .analyze = true};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    if (!json)
        fail_msg("%s", e.msg);
    free(json);
    ixt_explain_prep_free(&prep);
    assert_int_equal(advisory_locks(c), 0);
    ixt_conn_close(c);
}

static void test_advisory_lock_released_after_real_trial(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_explain_req req = {.sql = "SELECT pg_advisory_lock(43), count(*) FROM runs", .analyze = true};
    ixt_explain_prep prep;
    ixt_err e;
    assert_int_equal(ixt_explain_prepare(c, &req, &prep, &e), 0);
    const char *defs[] = {"CREATE INDEX ON runs (status)"};
    ixt_real_trial t;
    ixt_real_trial_build(&t, defs, 1, &prep, 1, 5000, 60000);
    int rc = ixt_script_run(&t.script, c, &e);
    if (rc != 0)
        fail_msg("%s", e.msg);
    ixt_real_trial_free(&t);
    ixt_explain_prep_free(&prep);
    assert_int_equal(advisory_locks(c), 0);
    ixt_conn_close(c);
}

static void test_notices_are_kept(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    assert_null(ixt_conn_notice(c, 0));
    unsigned long before = ixt_conn_notice_count(c);
    assert_int_equal(ixt_conn_run(c, "DO $$BEGIN RAISE NOTICE 'kept notice %', 1; END$$", &e), 0);
    assert_int_equal(ixt_conn_notice_count(c), before + 1);
    assert_string_equal(ixt_conn_notice(c, 0), "NOTICE: kept notice 1");
    ixt_conn_close(c);
}

/* A function the statement calls turns the setting off for the session:
 * idxtune pins it again before it sends anything else. */
static void test_quoting_settings_pinned_again(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    assert_int_equal(ixt_conn_run(c, "SELECT set_config('standard_conforming_strings', 'off', false)", &e), 0);
    PGresult *r = ixt_conn_exec(c, "SELECT current_setting('standard_conforming_strings')", 0, NULL, &e);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "on");
    PQclear(r);
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trailing_comment_plans_and_later_statements_too),
        cmocka_unit_test(test_advisory_lock_released_after_analyze),
        cmocka_unit_test(test_advisory_lock_released_after_real_trial),
        cmocka_unit_test(test_notices_are_kept),
        cmocka_unit_test(test_quoting_settings_pinned_again),
    };
    return IXT_RUN_TESTS(tests);
}
