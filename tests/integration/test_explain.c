/* explain against the sandbox: plans agree with PostgreSQL's own EXPLAIN,
 * every statement of both workloads gets a plan, ANALYZE never keeps a
 * change, timeouts and cancels leave the connection usable. */
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idxtune/explain.h"
#include "idxtune/plan.h"
#include "idxtune/sqlparse.h"
#include "idxtune/sqlsplit.h"
#include "idxtune/workload.h"
#include "dbutil.h"


static char **demo_statements(int *n)
{
    ixt_err e;
    char *text = ixt_read_file("demo/statements.sql", NULL, &e);
    assert_non_null(text);
    char **stmts;
    assert_int_equal(ixt_sql_split(text, &stmts, n, &e), 0);
    free(text);
    return stmts;
}

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* PostgreSQL's own plan, walked in preorder, against ours. */
static void compare_node(json_t *raw, const ixt_plan *p, size_t *at, int depth)
{
    assert_true(*at < p->nnodes);
    const ixt_plan_node *n = p->nodes[(*at)++];
    assert_string_equal(n->node_type, json_string_value(json_object_get(raw, "Node Type")));
    assert_int_equal(n->depth, depth);
    assert_true(n->total_cost == json_number_value(json_object_get(raw, "Total Cost")));
    assert_true(n->plan_rows == json_number_value(json_object_get(raw, "Plan Rows")));
    const char *rel = json_string_value(json_object_get(raw, "Relation Name"));
    if (rel)
        assert_string_equal(n->relation, rel);
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(raw, "Plans"), i, k) compare_node(k, p, at, depth + 1);
}

static void test_plans_match_postgresql(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    int n;
    char **stmts = demo_statements(&n);
    assert_true(n >= 20);
    for (int i = 0; i < n; i++) {
        ixt_explain_req req = {.sql = stmts[i]};
        ixt_explain_prep prep;
        ixt_err e;
        char *json = ixt_explain_run(c, &req, &prep, &e);
        if (!json)
            fail_msg("statement %d: %s", i + 1, e.msg);
        ixt_plan *p = ixt_plan_parse(json, &e);
        assert_non_null(p);
        char *sql = ixt_xasprintf("EXPLAIN (FORMAT JSON, VERBOSE) %s", stmts[i]);
        PGresult *r = ixt_conn_exec(c, sql, 0, NULL, &e);
        assert_non_null(r);
        json_t *raw = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
        size_t at = 0;
        compare_node(json_object_get(json_array_get(raw, 0), "Plan"), p, &at, 0);
        assert_int_equal(at, p->nnodes);
        json_decref(raw);
        PQclear(r);
        free(sql);
        ixt_plan_free(p);
        free(json);
        ixt_explain_prep_free(&prep);
    }
    free_list(stmts, n);
    ixt_conn_close(c);
}

/* Every statement pg_stat_statements holds gets a plan; the ones that do
 * not are listed in the failure. */
/* prep's request again, without parsing (as the advisor's what-ifs plan):
 * the same plan; without VERBOSE when only the costs are wanted. */
static void again_plans_the_same(ixt_conn *c, const ixt_explain_prep *prep, const char *json)
{
    ixt_err e;
    ixt_plan *first = ixt_plan_parse(json, &e);
    assert_non_null(first);
    for (int cost_only = 0; cost_only < 2; cost_only++) {
        ixt_explain_prep again;
        ixt_explain_prepare_again(prep, cost_only, &again);
        assert_string_equal(again.sql, prep->sql);
        assert_int_equal(again.generic, prep->generic);
        if (ixt_script_run(&again.script, c, &e) != 0)
            fail_msg("%s: %s", prep->sql, e.msg);
        char *json2 = ixt_explain_json(&again, &e);
        assert_non_null(json2);
        ixt_plan *p = ixt_plan_parse(json2, &e);
        assert_non_null(p);
        assert_true(p->total_cost == first->total_cost);
        assert_int_equal(p->nnodes, first->nnodes);
        assert_int_equal(strstr(json2, "\"Output\"") != NULL, !cost_only && strstr(json, "\"Output\"") != NULL);
        ixt_plan_free(p);
        free(json2);
        ixt_explain_prep_free(&again);
    }
    ixt_plan_free(first);
}

static void explain_all_normalized(const char *db)
{
    ixt_conn *c = ixt_test_connect(db, NULL, NULL, 0);
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    assert_int_equal(ixt_workload_refresh(&w, c, &e), 0);
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_TOTAL, true, NULL, &v);
    int planned = 0, utility = 0;
    ixt_buf fails;
    ixt_buf_init(&fails);
    int64_t *ids = calloc(n + 1, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i]->queryid;
    char **texts;
    assert_int_equal(ixt_workload_full_texts(c, ids, n, &texts, &e), 0);
    free(ids);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(texts[i]);
        ixt_sql_info *info = ixt_sql_analyze(texts[i], NULL);
        bool util = info && info->kind == IXT_SQL_UTILITY;
        ixt_sql_info_free(info);
        if (util) {
            utility++;
            continue;
        }
        ixt_explain_req req = {.sql = texts[i]};
        ixt_explain_prep prep;
        char *json = ixt_explain_run(c, &req, &prep, &e);
        if (json) {
            planned++;
            again_plans_the_same(c, &prep, json);
            ixt_explain_prep_free(&prep);
        } else {
            char line[IXT_QUERY_LINE_BYTES];
            ixt_buf_printf(&fails, "\n  %s\n    -> %s", ixt_workload_text(&w, v[i], line, sizeof line), e.msg);
        }
        free(json);
    }
    if (fails.len)
        fail_msg("%s: %d planned, these did not:%s", db, planned, fails.s);
    assert_true(planned >= 20);
    print_message("# %s: %d of %d normalized statements planned (%d utility statements skipped)\n",
                  db, planned, planned, utility);
    ixt_buf_free(&fails);
    ixt_workload_texts_free(texts, n);
    free(v);
    ixt_workload_free(&w);
    ixt_conn_close(c);
}

/* A statement longer than the list's prefix: listed by its beginning, its
 * full text read by query id, and that text plans (a cut one would not). */
static void test_long_statement_opens_whole(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect("idxdemo", NULL, NULL, 0);
    ixt_buf q;
    ixt_buf_init(&q);
    /* ORs, not an IN list: PostgreSQL 18 squashes a list of constants */
    ixt_buf_add(&q, "SELECT count(*) FROM run_logs WHERE (");
    for (int i = 1; i <= 100; i++)
        ixt_buf_printf(&q, "%srun_id = %d", i > 1 ? " OR " : "", i);
    ixt_buf_add(&q, ") AND level = 'long statement marker'");
    PGconn *pg = PQconnectdb("dbname=idxdemo");
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PQclear(PQexec(pg, q.s));
    PQfinish(pg);
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    assert_int_equal(ixt_workload_refresh(&w, c, &e), 0);
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_TOTAL, true, "WHERE (run_id = $1 OR run_id = $2 OR", &v);
    assert_int_equal(n, 1);
    assert_true(v[0]->query_cut);
    char line[IXT_QUERY_LINE_BYTES];
    assert_true(strlen(ixt_workload_text(&w, v[0], line, sizeof line)) <= IXT_QUERY_LINE_MAX);
    char *text = ixt_workload_full_text(c, v[0]->queryid, &e);
    assert_non_null(text);
    assert_true(strlen(text) > IXT_QUERY_LINE_MAX);
    assert_non_null(strstr(text, "run_id = $100) AND level = $101"));
    ixt_explain_req req = {.sql = text};
    ixt_explain_prep prep;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    if (!json)
        fail_msg("the full text does not plan: %s", e.msg);
    assert_non_null(strstr(json, "run_logs"));
    ixt_explain_prep_free(&prep);
    free(json);
    /* a statement gone from pg_stat_statements says so */
    free(text);
    assert_null(ixt_workload_full_text(c, 12345, &e));
    assert_non_null(strstr(e.msg, "no longer in pg_stat_statements"));
    free(v);
    ixt_workload_free(&w);
    ixt_buf_free(&q);
    ixt_conn_close(c);
}

static void test_every_demo_statement_plans(void **state)
{
    (void)state;
    explain_all_normalized("idxdemo");
}

static void test_every_analytic_statement_plans(void **state)
{
    (void)state;
    explain_all_normalized("idxtpch");
}

static long count_rows(ixt_conn *c, const char *sql)
{
    ixt_err e;
    PGresult *r = ixt_conn_exec(c, sql, 0, NULL, &e);
    assert_non_null(r);
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

static void test_analyze_delete_is_rolled_back(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    long before = count_rows(c, "SELECT count(*) FROM events");
    ixt_explain_req req = {.sql = "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 500)",
                           .analyze = true, .statement_timeout_ms = 30000};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    if (!json)
        fail_msg("%s", e.msg);
    assert_true(prep.writes);
    ixt_plan *p = ixt_plan_parse(json, &e);
    assert_true(p->has_analyze);
    assert_true(p->execution_ms > 0);
    assert_string_equal(p->root->operation, "Delete");
    assert_int_equal(count_rows(c, "SELECT count(*) FROM events"), before);
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    ixt_plan_free(p);
    free(json);
    ixt_explain_prep_free(&prep);
    /* a SELECT runs READ ONLY: a write hidden in it is refused */
    ixt_explain_req sneaky = {.sql = "SELECT nextval('events_id_seq')", .analyze = true};
    assert_null(ixt_explain_run(c, &sneaky, &prep, &e));
    assert_non_null(strstr(e.msg, "read-only transaction"));
    ixt_conn_close(c);
}

static void test_analyze_with_parameter_values(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    const char *sql = "SELECT id FROM runs WHERE status = $1 AND tenant_id = $2";
    ixt_err e;
    char **hints;
    int nh = ixt_explain_param_hints(c, sql, 1, &hints, &e);
    assert_true(nh >= 3);
    bool found = false;
    for (int i = 0; i < nh; i++) {
        found |= strcmp(hints[i], "succeeded") == 0;
        free(hints[i]);
    }
    free(hints);
    assert_true(found);
    const char *values[] = {"queued", "1"};
    ixt_explain_req req = {.sql = sql, .analyze = true, .params = values, .nparams = 2};
    ixt_explain_prep prep;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    if (!json)
        fail_msg("%s", e.msg);
    assert_false(prep.generic);
    ixt_plan *p = ixt_plan_parse(json, &e);
    assert_true(p->root->actual_rows > 0);
    ixt_plan_free(p);
    free(json);
    ixt_explain_prep_free(&prep);
    /* without values ANALYZE says what it needs */
    ixt_explain_req novals = {.sql = sql, .analyze = true};
    assert_null(ixt_explain_run(c, &novals, &prep, &e));
    assert_non_null(strstr(e.msg, "2 parameters"));
    ixt_conn_close(c);
}

static void test_timeout_and_cancel_leave_connection_usable(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_explain_req req = {.sql = "SELECT pg_sleep(5)", .analyze = true, .statement_timeout_ms = 200};
    ixt_explain_prep prep;
    ixt_err e;
    assert_null(ixt_explain_run(c, &req, &prep, &e));
    assert_non_null(strstr(e.msg, "statement timeout"));
    ixt_explain_prep_free(&prep);
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    /* cancel, as Esc does in the plan view */
    ixt_explain_req slow = {.sql = "SELECT pg_sleep(30)", .analyze = true};
    assert_int_equal(ixt_explain_prepare(c, &slow, &prep, &e), 0);
    assert_int_equal(ixt_script_start(&prep.script, c, &e), 0);
    assert_int_equal(ixt_script_poll(&prep.script, c, &e), 0);
    /* at once, whatever step is under way, and again once it runs */
    assert_int_equal(ixt_script_cancel(&prep.script, c, &e), 0);
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) {
        struct pollfd pf = {.fd = ixt_conn_socket(c), .events = POLLIN};
        poll(&pf, 1, 100);
        rc = ixt_script_poll(&prep.script, c, &e);
    }
    assert_int_equal(rc, 1);
    assert_true(prep.script.failed);
    assert_true(strstr(e.msg, "canceling statement") || strstr(e.msg, "cancelled"));
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    ixt_explain_prep_free(&prep);
    /* and once the statement really runs */
    assert_int_equal(ixt_explain_prepare(c, &slow, &prep, &e), 0);
    assert_int_equal(ixt_script_start(&prep.script, c, &e), 0);
    double t0 = ixt_now_ms();
    rc = 0;
    while (rc == 0 && prep.script.cur != prep.explain_step) {
        struct pollfd pf = {.fd = ixt_conn_socket(c), .events = POLLIN};
        poll(&pf, 1, 50);
        rc = ixt_script_poll(&prep.script, c, &e);
    }
    struct pollfd pf = {.fd = ixt_conn_socket(c), .events = POLLIN};
    poll(&pf, 1, 300);
    assert_int_equal(ixt_script_cancel(&prep.script, c, &e), 0);
    while (rc == 0) {
        poll(&pf, 1, 100);
        rc = ixt_script_poll(&prep.script, c, &e);
    }
    assert_true(ixt_now_ms() - t0 < 10000);
    assert_non_null(strstr(e.msg, "canceling statement due to user request"));
    assert_int_equal(PQtransactionStatus(ixt_conn_pg(c)), PQTRANS_IDLE);
    ixt_explain_prep_free(&prep);
    ixt_conn_close(c);
}

static void test_what_cannot_be_explained(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_explain_prep prep;
    ixt_err e;
    const struct { const char *sql, *want; } cases[] = {
        {"VACUUM runs", "utility statements have no plan"},
        {"<insufficient privilege>", "pg_read_all_stats"},
        {"SELECT 1; SELECT 2", "several statements"},
        {"SELECT * FROM runs WHERE", "syntax error"},
        {"SELECT * FROM no_such_table", "does not exist"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ixt_explain_req req = {.sql = cases[i].sql};
        char *json = ixt_explain_run(c, &req, &prep, &e);
        if (json)
            fail_msg("'%s' was explained", cases[i].sql);
        if (!strstr(e.msg, cases[i].want))
            fail_msg("'%s': %s", cases[i].sql, e.msg);
        ixt_explain_prep_free(&prep);
    }
    ixt_explain_req bad = {.sql = "SELECT * FROM runs WHERE statuss = 1"};
    assert_null(ixt_explain_run(c, &bad, &prep, &e));
    assert_non_null(strstr(e.msg, "LINE 1:"));
    assert_non_null(strstr(e.msg, "^"));
    ixt_explain_prep_free(&prep);
    ixt_conn_close(c);
}

static void test_literal_example_from_activity(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_conn *other = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    /* a statement running now in another session, with its literals */
    assert_int_equal(ixt_conn_run(other, "SET pg_stat_statements.track = 'top'", &e), 0);
    assert_int_equal(ixt_conn_send(other, "SELECT pg_sleep(1.5), 4242 AS example_marker", 0, NULL, &e), 0);
    PGresult *r = NULL;
    long long qid = 0;
    for (int i = 0; i < 50 && !qid; i++) {
        r = ixt_conn_exec(c, "SELECT query_id FROM pg_stat_activity WHERE query LIKE '%example_marker%' "
                             "AND query_id IS NOT NULL AND pid <> pg_backend_pid()", 0, NULL, &e);
        qid = r && PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
        PQclear(r);
        if (!qid)
            usleep(20000);
    }
    assert_true(qid != 0);
    char *text = ixt_explain_example(c, qid, &e);
    if (!text)
        fail_msg("%s", e.msg);
    assert_non_null(strstr(text, "4242 AS example_marker"));
    free(text);
    assert_null(ixt_explain_example(c, 12345, &e));
    assert_non_null(strstr(e.msg, "no literal example"));
    while (ixt_conn_busy(other)) {
        usleep(50000);
        r = NULL;
        ixt_conn_collect(other, &r, &e);
        PQclear(r);
    }
    ixt_conn_close(other);
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_statement_opens_whole),
        cmocka_unit_test(test_plans_match_postgresql),
        cmocka_unit_test(test_every_demo_statement_plans),
        cmocka_unit_test(test_every_analytic_statement_plans),
        cmocka_unit_test(test_analyze_delete_is_rolled_back),
        cmocka_unit_test(test_analyze_with_parameter_values),
        cmocka_unit_test(test_timeout_and_cancel_leave_connection_usable),
        cmocka_unit_test(test_what_cannot_be_explained),
        cmocka_unit_test(test_literal_example_from_activity),
    };
    return IXT_RUN_TESTS(tests);
}
