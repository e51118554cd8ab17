/* Index trials against the sandbox: hypothetical indexes change the plan
 * and never reach pg_class; real trials measure and leave nothing behind;
 * a concurrent writer waits at most about lock_timeout. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idxtune/lab.h"
#include "idxtune/trial.h"
#include "idxtune/workload.h"
#include "dbutil.h"


static long scalar(ixt_conn *c, const char *sql)
{
    ixt_err e;
    PGresult *r = ixt_conn_exec(c, sql, 0, NULL, &e);
    if (!r)
        fail_msg("%s: %s", sql, e.msg);
    long v = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* The lab takes a definition read by indexdef. */
static int lab_add(ixt_lab *lab, ixt_conn *c, const char *create_sql, ixt_err *e)
{
    ixt_indexdef d;
    if (ixt_indexdef_parse(create_sql, &d, e) != 0)
        return -1;
    int rc = ixt_lab_add(lab, c, &d, e);
    ixt_indexdef_free(&d);
    return rc;
}

static const char LOG_TAIL[] = "SELECT seq, ts, level, message FROM run_logs WHERE run_id = $1 AND seq > $2 "
                               "ORDER BY seq LIMIT $3";

static void test_hypothetical_index_cuts_cost(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    long indexes = scalar(c, "SELECT count(*) FROM pg_class WHERE relkind = 'i'");
    ixt_lab lab;
    ixt_err e;
    assert_int_equal(ixt_lab_open(&lab, c, LOG_TAIL, &e), 0);
    assert_true(lab.generic);
    assert_int_equal(lab_add(&lab, c, "CREATE INDEX ON run_logs (run_id, seq)", &e), 0);
    assert_true(lab.idx[0].used);
    assert_true(lab.idx[0].hypo.size_bytes > 8192);
    assert_string_equal(lab.idx[0].index.table, "run_logs");
    assert_true(ixt_lab_change_pct(&lab) < -90);
    assert_int_equal(lab.diff->mark[1], IXT_DIFF_CHANGED);
    /* an index the planner has no use for says so */
    assert_int_equal(lab_add(&lab, c, "CREATE INDEX ON run_logs (level)", &e), 0);
    assert_false(lab.idx[1].used);
    assert_int_equal(ixt_lab_remove(&lab, c, 1, &e), 0);
    assert_int_equal(lab.nidx, 1);
    assert_int_equal(scalar(c, "SELECT count(*) FROM pg_class WHERE relkind = 'i'"), indexes);
    /* the set's effect on other statements */
    const char *others[] = {"SELECT count(*) FROM run_logs WHERE run_id = 42",
                            "SELECT count(*) FROM runs WHERE status = 'queued'", "SELECT * FROM nowhere"};
    ixt_lab_effect eff[3];
    assert_int_equal(ixt_lab_workload(&lab, c, others, 3, eff, &e), 0);
    assert_true(eff[0].after_cost < eff[0].before_cost / 10);
    assert_true(eff[1].after_cost == eff[1].before_cost);
    assert_true(eff[2].after_cost < 0);
    assert_non_null(strstr(eff[2].error, "does not exist"));
    assert_true(lab.idx[0].used);
    ixt_lab_close(&lab, c);
    assert_int_equal(scalar(c, "SELECT count(*) FROM hypopg_list_indexes"), 0);
    ixt_conn_close(c);
}

static void test_hypothetical_indexes_vanish_with_connection(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_hypo h;
    ixt_err e;
    assert_int_equal(ixt_hypo_create(c, "CREATE INDEX ON runs (status)", &h, &e), 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM hypopg_list_indexes"), 1);
    assert_int_equal(scalar(c, "SELECT count(*) FROM pg_class WHERE relname LIKE '%btree_runs_status%'"), 0);
    ixt_conn_close(c);
    c = ixt_test_connect(NULL, NULL, NULL, 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM hypopg_list_indexes"), 0);
    ixt_conn_close(c);
}

/* A hypothetical index whose drop failed still lives in the backend: the
 * lab keeps it (and says so), so a later remove or close can drop it. */
static void test_failed_drop_keeps_the_index(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_lab lab;
    ixt_err e;
    assert_int_equal(ixt_lab_open(&lab, c, LOG_TAIL, &e), 0);
    assert_int_equal(lab_add(&lab, c, "CREATE INDEX ON run_logs (run_id, seq)", &e), 0);
    /* an aborted transaction makes the drop fail */
    assert_int_equal(ixt_conn_run(c, "BEGIN", &e), 0);
    assert_int_not_equal(ixt_conn_run(c, "SELECT 1/0", &e), 0);
    assert_int_not_equal(ixt_lab_remove(&lab, c, 0, &e), 0);
    assert_int_equal(lab.nidx, 1);
    assert_non_null(strstr(e.msg, "still"));
    assert_int_equal(ixt_conn_run(c, "ROLLBACK", &e), 0);
    assert_int_equal(ixt_lab_remove(&lab, c, 0, &e), 0);
    assert_int_equal(lab.nidx, 0);
    assert_int_equal(scalar(c, "SELECT count(*) FROM hypopg_list_indexes"), 0);
    ixt_lab_close(&lab, c);
    ixt_conn_close(c);
}

/* A DBA pastes what they will run: the lab takes CREATE INDEX
 * CONCURRENTLY, tries it without the keyword and says so. */
static void test_lab_takes_concurrently(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_lab lab;
    ixt_err e;
    assert_int_equal(ixt_lab_open(&lab, c, LOG_TAIL, &e), 0);
    assert_int_equal(lab_add(&lab, c, "CREATE INDEX CONCURRENTLY ON run_logs (run_id, seq)", &e), 0);
    assert_string_equal(lab.idx[0].def, "CREATE INDEX ON run_logs (run_id, seq)");
    assert_string_equal(lab.idx[0].index.note, "CONCURRENTLY dropped: a trial builds inside a transaction");
    assert_true(lab.idx[0].used);
    ixt_lab_close(&lab, c);
    ixt_conn_close(c);
}

static void test_bad_index_definitions(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_hypo h;
    ixt_err e;
    assert_int_equal(ixt_hypo_create(c, "CREATE INDEX ON", &h, &e), -1);
    assert_non_null(strstr(e.msg, "does not parse"));
    assert_int_equal(ixt_hypo_create(c, "SELECT 1", &h, &e), -1);
    assert_non_null(strstr(e.msg, "expected one CREATE INDEX"));
    assert_int_equal(ixt_hypo_create(c, "CREATE INDEX ON runs (no_such_column)", &h, &e), -1);
    assert_non_null(strstr(e.msg, "no_such_column"));
    ixt_conn_close(c);
}

static int run_trial(ixt_conn *c, const char *sql, const char *index, int lock_ms, ixt_real_result *rr,
                     ixt_err *e)
{
    ixt_explain_req req = {.sql = sql, .analyze = true, .statement_timeout_ms = 60000};
    ixt_explain_prep prep;
    if (ixt_explain_prepare(c, &req, &prep, e) != 0)
        return -1;
    ixt_real_trial t;
    const char *defs[] = {index};
    ixt_real_trial_build(&t, defs, 1, &prep, 3, lock_ms, 60000);
    int rc = ixt_script_run(&t.script, c, e);
    if (rc == 0)
        rc = ixt_real_trial_result(&t, rr, e);
    ixt_real_trial_free(&t);
    ixt_explain_prep_free(&prep);
    return rc;
}

static void test_real_trial_measures_and_rolls_back(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    long indexes = scalar(c, "SELECT count(*) FROM pg_class WHERE relkind = 'i'");
    long logs = scalar(c, "SELECT count(*) FROM run_logs");
    ixt_real_result rr;
    ixt_err e;
    if (run_trial(c, "SELECT seq FROM run_logs WHERE run_id = 4242 AND seq > 0 ORDER BY seq", 
                  "CREATE INDEX ON run_logs (run_id, seq)", 60000, &rr, &e) != 0)
        fail_msg("%s", e.msg);
    assert_true(rr.after_median_ms < rr.before_median_ms);
    assert_true(rr.after_hit + rr.after_read < rr.before_hit + rr.before_read);
    assert_true(rr.build_ms > 0);
    assert_true(rr.size_bytes > 8192);
    assert_non_null(strstr(rr.index_name, "run_logs"));
    ixt_real_result_free(&rr);
    /* a writing statement: each run sees the same data, nothing is kept */
    if (run_trial(c, "DELETE FROM run_logs WHERE run_id < 50", "CREATE INDEX ON run_logs (run_id)", 60000,
                  &rr, &e) != 0)
        fail_msg("%s", e.msg);
    ixt_real_result_free(&rr);
    assert_int_equal(scalar(c, "SELECT count(*) FROM run_logs"), logs);
    assert_int_equal(scalar(c, "SELECT count(*) FROM pg_class WHERE relkind = 'i'"), indexes);
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    ixt_conn_close(c);
}

typedef struct writer {
    volatile bool stop;
    double longest_ms;
    int writes;
    char error[256];
} writer;

static void *write_loop(void *arg)
{
    writer *w = arg;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    while (!w->stop) {
        double t0 = ixt_now_ms();
        if (ixt_conn_run(c, "INSERT INTO run_logs (id, run_id, tenant_id, seq, ts, level, message) "
                            "VALUES (nextval('run_logs_id_seq'), 1, 1, 99, now(), 'info', 'writer')", &e) != 0) {
            snprintf(w->error, sizeof w->error, "%.200s", e.msg);
            break;
        }
        double dt = ixt_now_ms() - t0;
        if (dt > w->longest_ms)
            w->longest_ms = dt;
        w->writes++;
        usleep(2000);
    }
    ixt_conn_close(c);
    return NULL;
}

static void test_writer_waits_at_most_lock_timeout(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    writer w = {0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, write_loop, &w), 0);
    usleep(200000);
    ixt_real_result rr;
    ixt_err e;
    const int lock_ms = 100;
    /* the build of this index takes longer than the budget: the trial
     * stops itself and says why */
    int rc = run_trial(c, "SELECT count(*) FROM run_logs WHERE message = 'x'",
                       "CREATE INDEX ON run_logs (message, ts, level)", lock_ms, &rr, &e);
    usleep(300000);
    w.stop = true;
    pthread_join(th, NULL);
    assert_string_equal(w.error, "");
    assert_true(w.writes > 10);
    print_message("# writer: %d inserts, longest wait %.0f ms with lock_timeout %d ms; trial: %s\n",
                  w.writes, w.longest_ms, lock_ms, rc == 0 ? "finished" : e.msg);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(e.msg, "lock_timeout"));
    /* the bound, with room for the round trips of a loaded machine */
    assert_true(w.longest_ms < lock_ms + 700);
    assert_int_equal(scalar(c, "SELECT count(*) FROM run_logs WHERE message = 'writer'"), w.writes);
    assert_int_equal(ixt_conn_run(c, "DELETE FROM run_logs WHERE message = 'writer'", &e), 0);
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hypothetical_index_cuts_cost),
        cmocka_unit_test(test_hypothetical_indexes_vanish_with_connection),
        cmocka_unit_test(test_failed_drop_keeps_the_index),
        cmocka_unit_test(test_lab_takes_concurrently),
        cmocka_unit_test(test_bad_index_definitions),
        cmocka_unit_test(test_real_trial_measures_and_rolls_back),
        cmocka_unit_test(test_writer_waits_at_most_lock_timeout),
    };
    return IXT_RUN_TESTS(tests);
}
