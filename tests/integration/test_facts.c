/* The advisor's catalog facts: a partitioned table's writes are its
 * partitions' (the parent itself counts none), so an index on it is
 * charged for them; under a role, they are read as the session's user;
 * which columns name rows of another kind. */
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

/* The foreign key of table fk facts list, NULL when none.  borrowed */
static const ixt_fk_fact *fk_of(const ixt_cand_facts *f, const char *table)
{
    for (int i = 0; i < f->nfks; i++)
        if (strcmp(f->fks[i].table, table) == 0)
            return &f->fks[i];
    return NULL;
}

/* The foreign keys no index leads with, with the lookup the server makes
 * for each referenced row deleted: ONLY the table unless it is
 * partitioned, the key's columns in order with their types.  An index
 * whose first keys are the key's columns in another order serves it; one
 * on part of them, or a partial one, does not. */
static void test_foreign_keys_without_an_index(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    run_ok(c, "DROP TABLE IF EXISTS fkf_child, fkf_parent");
    run_ok(c, "CREATE TABLE fkf_parent (a int, b text, PRIMARY KEY (a, b))");
    run_ok(c, "CREATE TABLE fkf_child (id int, a int, b text, c int, FOREIGN KEY (a, b) REFERENCES fkf_parent)");
    const char *steps[] = {NULL, "CREATE INDEX ON fkf_child (a)", "CREATE INDEX ON fkf_child (b, a) WHERE c > 0",
                           "CREATE INDEX ON fkf_child (b, a, c)"};
    for (int s = 0; s < 4; s++) {
        if (steps[s])
            run_ok(c, steps[s]);
        ixt_cand_facts f;
        ixt_err e;
        double span;
        if (ixt_cand_facts_load(c, c, &f, &span, &e) != 0)
            fail_msg("%s", e.msg);
        const ixt_fk_fact *k = fk_of(&f, "fkf_child");
        if (s < 3) {
            assert_non_null(k);
            assert_string_equal(k->parent, "fkf_parent");
            assert_string_equal(k->check, "SELECT 1 FROM ONLY fkf_child x WHERE x.a = $1::integer AND x.b = $2::text");
            assert_string_equal(k->parent_cols, "a,b");
            assert_string_equal(k->cols, "a,b");
        } else {
            assert_null(k);
        }
        /* the demo's: run_logs (run_id) has no index; delivery_attempts is partitioned */
        assert_non_null(fk_of(&f, "run_logs"));
        const ixt_fk_fact *d = fk_of(&f, "delivery_attempts");
        assert_non_null(d);
        assert_string_equal(d->check, "SELECT 1 FROM delivery_attempts x WHERE x.tenant_id = $1::integer");
        ixt_cand_facts_free(&f);
    }
    run_ok(c, "DROP TABLE fkf_child, fkf_parent");
    ixt_conn_close(c);
}

/* A table loaded in bulk before pg_stat_statements' window (its statement
 * removed from it, as a reset does), then written a little by statements
 * it saw (INSERT, UPDATE and COPY): the write rates are those statements'
 * rows over its span, not the counters since the statistics reset, which
 * hold the load. */
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
    /* an ingestion by COPY writes too (a utility, with its rows) */
    run_ok(c, "COPY wlog (id) FROM PROGRAM 'seq 1 30'");
    ixt_cand_facts f;
    double span;
    ixt_err e;
    if (ixt_cand_facts_load(c, c, &f, &span, &e) != 0)
        fail_msg("%s", e.msg);
    const ixt_table_fact *t = ixt_cand_table(&f, "wlog");
    assert_non_null(t);
    print_message("# wlog: %.4f writes/s (%.4f updates/s) over %.0f s\n", t->writes_per_s, t->updates_per_s, span);
    assert_true(t->from_statements);
    assert_true(fabs(t->writes_per_s * span - 42) < 0.5);
    assert_true(fabs(t->updates_per_s * span - 5) < 0.5);
    ixt_cand_facts_free(&f);
    run_ok(c, "DROP TABLE wlog");
    ixt_conn_close(c);
}

static const ixt_col_fact *col_of(const ixt_cand_facts *f, const char *table, const char *column)
{
    const ixt_col_fact *cf = ixt_cand_col(f, table, column);
    assert_non_null(cf);
    return cf;
}

/* Under SET ROLE, pg_stats hides runs (its row security applies to
 * app_user) and pg_stat_statements hides the other roles' texts.  The
 * facts are read as the session's own user all the same: the statistics
 * (a BRIN's correlation, an IS NULL partial's share of NULLs) and the
 * write rates from the statements are the owner's, nothing is left to
 * probe, and the connection is app_user again afterwards. */
static void test_facts_under_a_role_are_the_session_users(void **state)
{
    (void)state;
    const char *settings[] = {"app.tenant_id=1"};
    ixt_conn *owner = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_conn *app = ixt_test_connect(NULL, "app_user", settings, 1);
    ixt_err e;
    PGresult *r = ixt_conn_exec(app, "SELECT count(*) FROM pg_stats WHERE tablename = 'runs'", 0, NULL, &e);
    if (!r)
        fail_msg("%s", e.msg);
    assert_string_equal(PQgetvalue(r, 0, 0), "0"); /* what the role itself sees */
    PQclear(r);
    ixt_cand_facts fo, fa;
    double span;
    if (ixt_cand_facts_load(owner, owner, &fo, &span, &e) != 0 || ixt_cand_facts_load(app, app, &fa, &span, &e) != 0)
        fail_msg("%s", e.msg);
    static const char *const cols[] = {"created_at", "finished_at", "status", "tenant_id"};
    for (int i = 0; i < 4; i++) {
        const ixt_col_fact *o = col_of(&fo, "runs", cols[i]), *a = col_of(&fa, "runs", cols[i]);
        assert_true(o->n_distinct != 0);
        assert_true(a->n_distinct == o->n_distinct && a->correlation == o->correlation &&
                    a->null_frac == o->null_frac);
        assert_null(a->hidden_rel);
    }
    assert_true(col_of(&fa, "runs", "finished_at")->null_frac > 0);
    const ixt_table_fact *to = ixt_cand_table(&fo, "runs"), *ta = ixt_cand_table(&fa, "runs");
    assert_true(to->from_statements && ta->from_statements);
    assert_true(fabs(ta->writes_per_s - to->writes_per_s) <= 0.1 * to->writes_per_s + 1e-6);
    ixt_cand_facts_free(&fo);
    ixt_cand_facts_free(&fa);
    r = ixt_conn_exec(app, "SELECT current_user, current_setting('transaction_read_only')", 0, NULL, &e);
    if (!r)
        fail_msg("%s", e.msg);
    assert_string_equal(PQgetvalue(r, 0, 0), "app_user");
    assert_string_equal(PQgetvalue(r, 0, 1), "off");
    PQclear(r);
    ixt_conn_close(app);
    ixt_conn_close(owner);
}

/* A column names rows of another kind when it is part of a foreign key
 * (runs.workflow_id) or a row-security policy reads it (run_steps'
 * tenant_id has no foreign key, only the policy); a status does not: only
 * "status = 'queued'" is a class of rows worth a partial index.  Read the
 * same as the owner and as the application's role. */
static void test_columns_that_name_rows(void **state)
{
    (void)state;
    const char *settings[] = {"app.tenant_id=1"};
    ixt_conn *conns[] = {ixt_test_connect(NULL, NULL, NULL, 0), ixt_test_connect(NULL, "app_user", settings, 1)};
    for (int i = 0; i < 2; i++) {
        ixt_cand_facts f;
        double span;
        ixt_err e;
        if (ixt_cand_facts_load(conns[i], conns[i], &f, &span, &e) != 0)
            fail_msg("%s", e.msg);
        assert_true(col_of(&f, "runs", "workflow_id")->names_rows);
        assert_true(col_of(&f, "runs", "tenant_id")->names_rows);
        assert_true(col_of(&f, "run_steps", "tenant_id")->names_rows);
        assert_false(col_of(&f, "runs", "status")->names_rows);
        assert_false(col_of(&f, "run_steps", "status")->names_rows);
        ixt_cand_facts_free(&f);
        ixt_conn_close(conns[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_under_a_role_are_the_session_users),
        cmocka_unit_test(test_columns_that_name_rows),
        cmocka_unit_test(test_foreign_keys_without_an_index),
        cmocka_unit_test(test_partitioned_table_writes_are_its_partitions),
        cmocka_unit_test(test_write_rates_are_the_statements),
    };
    return IXT_RUN_TESTS(tests);
}
