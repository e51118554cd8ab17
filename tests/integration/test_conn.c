/* conn, script and workload against the sandbox server (PG* environment
 * set by tests/run.sh, demo workload loaded and replayed). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/conn.h"
#include "idxtune/script.h"
#include "idxtune/workload.h"
#include "dbutil.h"


static void test_detects_server(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    const ixt_server_info *in = ixt_conn_info(c);
    assert_true(in->version_num >= 130000);
    assert_true(in->has_pgss);
    assert_int_equal(in->has_hypopg, in->hypopg_available); /* the demo creates it where it can */
    assert_true(in->is_superuser);
    assert_false(in->in_recovery);
    assert_non_null(strstr(ixt_conn_label(c), "postgres@"));
    assert_non_null(strstr(ixt_conn_label(c), "/idxdemo"));
    ixt_conn_close(c);
}

static void test_bad_targets_have_clear_errors(void **state)
{
    (void)state;
    ixt_err e;
    ixt_conn_opts o = {.target = "dbname=no_such_db_here"};
    assert_null(ixt_conn_open(&o, "test", &e));
    assert_non_null(strstr(e.msg, "no_such_db_here"));
    assert_non_null(strstr(e.msg, "does not exist"));
    ixt_conn_opts dead = {.host = "127.0.0.1", .port = "1", .connect_timeout_s = 2};
    assert_null(ixt_conn_open(&dead, "test", &e));
    assert_non_null(strstr(e.msg, "cannot connect"));
    ixt_conn_opts bad = {.target = "host=x port=abc=def"};
    assert_null(ixt_conn_open(&bad, "test", &e));
    assert_true(strlen(e.msg) > 10);
}

static void test_syntax_error_marks_position(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    assert_null(ixt_conn_exec(c, "SELECT id FROM runs WHER status = 1", 0, NULL, &e));
    assert_non_null(strstr(e.msg, "syntax error"));
    assert_non_null(strstr(e.msg, "LINE 1: SELECT id FROM runs WHER status = 1"));
    /* the caret sits under "status" (the first token the parser rejects) */
    const char *caret = strchr(strstr(e.msg, "LINE 1:"), '\n');
    assert_non_null(caret);
    assert_int_equal(strchr(caret + 1, '^') - (caret + 1), (long)strlen("LINE 1: SELECT id FROM runs WHER "));
    ixt_conn_close(c);
}

static void test_script_always_rolls_back(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_script s;
    ixt_script_init(&s);
    ixt_script_add(&s, "BEGIN", 0);
    ixt_script_add(&s, "CREATE TABLE ixt_leftover (id int)", 0);
    int keep = ixt_script_add(&s, "SELECT 1/0", IXT_STEP_KEEP);
    ixt_script_add(&s, "SELECT 'never runs'", 0);
    ixt_script_add(&s, "ROLLBACK", IXT_STEP_FINALLY);
    ixt_err e;
    assert_int_equal(ixt_script_run(&s, c, &e), -1);
    assert_non_null(strstr(e.msg, "division by zero"));
    assert_null(ixt_script_result(&s, keep));
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    PGresult *r = ixt_conn_exec(c, "SELECT to_regclass('ixt_leftover') IS NULL", 0, NULL, &e);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    ixt_script_free(&s);
    ixt_conn_close(c);
}

static void test_cancel_running_request(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    assert_int_equal(ixt_conn_send(c, "SELECT pg_sleep(30) /* cancel me */", 0, NULL, &e), 0);
    assert_true(ixt_conn_busy(c));
    PGresult *r = NULL;
    assert_int_equal(ixt_conn_collect(c, &r, &e), 0);
    /* the server ignores a cancel that arrives before the statement runs */
    ixt_conn *watch = ixt_test_connect(NULL, NULL, NULL, 0);
    bool running = false;
    for (int i = 0; i < 200 && !running; i++) {
        PGresult *a = ixt_conn_exec(watch, "SELECT 1 FROM pg_stat_activity WHERE state = 'active' "
                                           "AND query LIKE '%cancel me%' AND pid <> pg_backend_pid()", 0, NULL, &e);
        running = a && PQntuples(a) > 0;
        PQclear(a);
        if (!running)
            poll(NULL, 0, 10);
    }
    ixt_conn_close(watch);
    assert_true(running);
    assert_int_equal(ixt_conn_cancel(c, &e), 0);
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) {
        struct pollfd p = {.fd = ixt_conn_socket(c), .events = POLLIN};
        poll(&p, 1, 100);
        rc = ixt_conn_collect(c, &r, &e);
    }
    assert_int_equal(rc, 1);
    assert_null(r);
    assert_non_null(strstr(e.msg, "canceling statement"));
    assert_false(ixt_conn_busy(c));
    assert_int_equal(ixt_conn_run(c, "SELECT 1", &e), 0);
    ixt_conn_close(c);
}

static void test_workload_lists_demo_statements(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    assert_int_equal(ixt_workload_refresh(&w, c, &e), 0);
    assert_true(w.n >= 20);
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_TOTAL, true, "run_logs", &v);
    assert_true(n >= 1);
    assert_true(v[0]->text != 0);
    free(v);
    /* idxtune's own statements never appear: neither the superuser's SET
     * that switches tracking off nor a non-superuser's, which stay tracked
     * (PostgreSQL 18 drops a leading comment from the stored text) */
    ixt_conn_opts o = {.user = "app_user"};
    ixt_conn *app = ixt_conn_open(&o, "test", &e);
    assert_non_null(app);
    ixt_workload mine;
    ixt_workload_init(&mine);
    assert_int_equal(ixt_workload_refresh(&mine, app, &e), 0);
    ixt_workload_free(&mine);
    ixt_conn_close(app);
    ixt_workload_free(&w);
    ixt_workload_init(&w);
    assert_int_equal(ixt_workload_refresh(&w, c, &e), 0);
    n = ixt_workload_view(&w, IXT_COL_TOTAL, true, "pg_stat_statements", &v);
    for (size_t i = 0; i < n; i++) {
        char line[IXT_QUERY_LINE_BYTES];
        print_message("# listed: %s\n", ixt_workload_text(&w, v[i], line, sizeof line));
        char *text = ixt_workload_full_text(c, v[i]->queryid, &e);
        assert_non_null(text);
        assert_null(strstr(text, "idxtune"));
        assert_null(strstr(text, "pg_stat_statements.track"));
        assert_null(strstr(text, "pg_stat_statements("));
        free(text);
    }
    free(v);
    /* a second snapshot keeps the statements and computes rates */
    assert_int_equal(ixt_workload_refresh(&w, c, &e), 0);
    assert_true(w.interval_s > 0);
    ixt_workload_free(&w);
    ixt_conn_close(c);
}

/* A pipeline: one failure skips the rest of its segment only, and the
 * error says which request it was. */
static void test_pipeline_reports_failed_request(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    const char *two[] = {"2"};
    ixt_pipe_req q[] = {
        {.sql = "SELECT 1"},
        {.sql = "SELECT 1 / ($1::int - 2)", .nparams = 1, .params = two},
        {.sql = "SELECT 3", .sync = true},
        {.sql = "SELECT 4"},
    };
    PGresult *out[4];
    int failed;
    ixt_err e;
    assert_int_equal(ixt_conn_pipeline(c, q, 4, out, &failed, &e), -1);
    assert_int_equal(failed, 1);
    assert_non_null(strstr(e.msg, "request 2 of 4"));
    assert_non_null(strstr(e.msg, "division by zero"));
    assert_string_equal(ixt_conn_last_sqlstate(c), "22012");
    assert_int_equal(PQresultStatus(out[0]), PGRES_TUPLES_OK);
    assert_int_equal(PQresultStatus(out[1]), PGRES_FATAL_ERROR);
    assert_true(!out[2] || PQresultStatus(out[2]) == PGRES_PIPELINE_ABORTED);
    assert_string_equal(PQgetvalue(out[3], 0, 0), "4");
    for (int i = 0; i < 4; i++)
        PQclear(out[i]);
    /* back to one request at a time */
    PGresult *r = ixt_conn_exec(c, "SELECT 5", 0, NULL, &e);
    assert_non_null(r);
    PQclear(r);
    ixt_conn_close(c);
}

/* A request that unpins the quoting settings voids what follows it in
 * the pipeline, and the next request pins them again. */
static void test_pipeline_keeps_settings_pinned(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_pipe_req q[] = {
        {.sql = "SELECT set_config('standard_conforming_strings', 'off', false)", .sync = true},
        {.sql = "SELECT 2"},
    };
    PGresult *out[2];
    int failed;
    ixt_err e;
    assert_int_equal(ixt_conn_pipeline(c, q, 2, out, &failed, &e), -1);
    assert_int_equal(failed, 1);
    assert_null(out[1]);
    assert_non_null(strstr(e.msg, "standard_conforming_strings changed"));
    PQclear(out[0]);
    PGresult *r = ixt_conn_exec(c, "SHOW standard_conforming_strings", 0, NULL, &e);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "on");
    PQclear(r);
    ixt_conn_close(c);
}

/* The latency is the quickest answer so far: a slow request leaves it
 * as it was; a pipeline is one round trip unless IXT_NO_PIPELINE. */
static void test_latency_is_quickest_answer(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    double first = ixt_conn_latency_ms(c);
    assert_true(first > 0 && first < 1000); /* its set-up requests answered */
    assert_true(ixt_conn_pipelined(c));
    ixt_err e;
    assert_int_equal(ixt_conn_run(c, "SELECT pg_sleep(0.3)", &e), 0);
    ixt_pipe_req q[] = {{.sql = "SELECT pg_sleep(0.3)"}, {.sql = "SELECT 1"}};
    PGresult *out[2];
    int failed;
    assert_int_equal(ixt_conn_pipeline(c, q, 2, out, &failed, &e), 0);
    PQclear(out[0]);
    PQclear(out[1]);
    assert_true(ixt_conn_latency_ms(c) <= first);
    ixt_conn_close(c);
    setenv("IXT_NO_PIPELINE", "1", 1);
    c = ixt_test_connect(NULL, NULL, NULL, 0);
    unsetenv("IXT_NO_PIPELINE");
    assert_false(ixt_conn_pipelined(c));
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detects_server),
        cmocka_unit_test(test_bad_targets_have_clear_errors),
        cmocka_unit_test(test_syntax_error_marks_position),
        cmocka_unit_test(test_script_always_rolls_back),
        cmocka_unit_test(test_cancel_running_request),
        cmocka_unit_test(test_pipeline_reports_failed_request),
        cmocka_unit_test(test_pipeline_keeps_settings_pinned),
        cmocka_unit_test(test_latency_is_quickest_answer),
        cmocka_unit_test(test_workload_lists_demo_statements),
    };
    return IXT_RUN_TESTS(tests);
}
