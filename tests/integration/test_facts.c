/* The advisor's catalog facts: a partitioned table's writes are its
 * partitions' (the parent itself counts none), so an index on it is
 * charged for them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idxtune/facts.h"
#include "dbutil.h"

static double writes_of(ixt_conn *c, const char *table, ixt_cand_facts *f)
{
    ixt_err e;
    double span;
    if (ixt_cand_facts_load(c, c, f, &span, &e) != 0)
        fail_msg("%s", e.msg);
    const ixt_table_fact *t = ixt_cand_table(f, table);
    assert_non_null(t);
    /* the counters cover the time since the statistics reset, a second at least */
    assert_true(t->elapsed_s >= 1);
    return t->writes;
}

/* Updates rows of the demo's partitioned delivery_attempts through the
 * parent, in a transaction that is rolled back (the counters still count
 * them): the parent's writes grow by its partitions', and so do its
 * updates. */
static void test_partitioned_table_writes_are_its_partitions(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_cand_facts f;
    double before = writes_of(c, "delivery_attempts", &f);
    double updates = ixt_cand_table(&f, "delivery_attempts")->updates;
    ixt_cand_facts_free(&f);
    ixt_conn *w = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    assert_int_equal(ixt_conn_run(w, "BEGIN", &e), 0);
    PGresult *r = ixt_conn_exec(w, "UPDATE delivery_attempts SET duration_ms = duration_ms"
                                   " WHERE id IN (SELECT id FROM delivery_attempts LIMIT 50)", 0, NULL, &e);
    if (!r)
        fail_msg("%s", e.msg);
    assert_int_equal(atoi(PQcmdTuples(r)), 50);
    PQclear(r);
    assert_int_equal(ixt_conn_run(w, "ROLLBACK", &e), 0);
    /* a backend hands its counters over when it ends */
    ixt_conn_close(w);
    double after = before;
    for (int i = 0; i < 100 && after < before + 50; i++) {
        after = writes_of(c, "delivery_attempts", &f);
        if (after >= before + 50)
            assert_true(ixt_cand_table(&f, "delivery_attempts")->updates >= updates + 50);
        ixt_cand_facts_free(&f);
        if (after < before + 50)
            usleep(50 * 1000);
    }
    assert_true(after >= before + 50);
    ixt_conn_close(c);
}

static void run_ok(ixt_conn *c, const char *sql)
{
    ixt_err e;
    if (ixt_conn_run(c, sql, &e) != 0)
        fail_msg("%s: %s", sql, e.msg);
}

/* A table loaded in bulk before pg_stat_statements' window (its statement
 * removed from it, as a reset does), then written a little by statements
 * it saw: the write rates are those statements' rows over its span, not
 * the counters since the statistics reset, which hold the load. */
static void test_write_rates_are_the_statements(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    /* as an application's backend: idxtune's own statements stay out */
    run_ok(c, "SET pg_stat_statements.track = 'top'");
    run_ok(c, "DROP TABLE IF EXISTS wlog");
    run_ok(c, "CREATE TABLE wlog (id int, note text)");
    run_ok(c, "INSERT INTO wlog SELECT g, 'bulk' FROM generate_series(1, 20000) g");
    run_ok(c, "SELECT pg_stat_statements_reset(0, 0, queryid) FROM pg_stat_statements"
              " WHERE query LIKE 'INSERT INTO wlog SELECT%'");
    for (int i = 0; i < 7; i++)
        run_ok(c, "INSERT INTO wlog VALUES (0, 'new')");
    run_ok(c, "UPDATE wlog SET note = 'changed' WHERE id BETWEEN 1 AND 5");
    ixt_cand_facts f;
    double span;
    ixt_err e;
    if (ixt_cand_facts_load(c, c, &f, &span, &e) != 0)
        fail_msg("%s", e.msg);
    const ixt_table_fact *t = ixt_cand_table(&f, "wlog");
    assert_non_null(t);
    print_message("# wlog: %.4f writes/s (%.4f updates/s) over %.0f s\n", t->writes_per_s, t->updates_per_s, span);
    assert_true(t->from_statements);
    assert_true(fabs(t->writes_per_s * span - 12) < 0.5);
    assert_true(fabs(t->updates_per_s * span - 5) < 0.5);
    ixt_cand_facts_free(&f);
    run_ok(c, "DROP TABLE wlog");
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partitioned_table_writes_are_its_partitions),
        cmocka_unit_test(test_write_rates_are_the_statements),
    };
    return IXT_RUN_TESTS(tests);
}
