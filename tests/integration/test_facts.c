/* The advisor's catalog facts: a partitioned table's writes are its
 * partitions' (the parent itself counts none), so an index on it is
 * charged for them. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idxtune/facts.h"
#include "dbutil.h"

static double writes_of(ixt_conn *c, const char *table, ixt_cand_facts *f)
{
    ixt_err e;
    if (ixt_cand_facts_tables(c, f, &e) != 0)
        fail_msg("%s", e.msg);
    const ixt_table_fact *t = ixt_cand_table(f, table);
    assert_non_null(t);
    return t->writes;
}

/* Updates rows of the demo's partitioned delivery_attempts through the
 * parent, in a transaction that is rolled back (the counters still count
 * them), then the rate over that interval is the partitions' writes. */
static void test_partitioned_table_writes_are_its_partitions(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_cand_facts since;
    double before = writes_of(c, "delivery_attempts", &since);
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
        ixt_cand_facts f;
        after = writes_of(c, "delivery_attempts", &f);
        ixt_cand_facts_free(&f);
        if (after < before + 50)
            usleep(50 * 1000);
    }
    assert_true(after >= before + 50);
    ixt_cand_facts f;
    double span;
    if (ixt_cand_facts_load(c, c, &since, &f, &span, &e) != 0)
        fail_msg("%s", e.msg);
    const ixt_table_fact *t = ixt_cand_table(&f, "delivery_attempts");
    assert_non_null(t);
    assert_true(t->writes_per_s > 0);
    assert_true(t->updates_per_s > 0);
    ixt_cand_facts_free(&f);
    ixt_cand_facts_free(&since);
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partitioned_table_writes_are_its_partitions),
    };
    return IXT_RUN_TESTS(tests);
}
