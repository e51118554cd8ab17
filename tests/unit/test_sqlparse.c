/* sqlparse: kinds, tables, column uses, parameters, the repair of
 * pg_stat_statements texts, splitting. */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlparse.h"
#include "testutil.h"

static const ixt_col_use *find_use(const ixt_sql_info *in, const char *col, ixt_use_kind kind)
{
    for (int i = 0; i < in->nuses; i++)
        if (in->uses[i].kind == kind && in->uses[i].column && strcmp(in->uses[i].column, col) == 0)
            return &in->uses[i];
    return NULL;
}

static void test_kinds_and_params(void **state)
{
    (void)state;
    ixt_err e;
    ixt_sql_info *in = ixt_sql_analyze("SELECT id FROM webhooks WHERE tenant_id = $1 AND slug = $2", &e);
    assert_int_equal(in->kind, IXT_SQL_SELECT);
    assert_true(in->read_only);
    assert_int_equal(in->nparams, 2);
    assert_int_equal(find_use(in, "slug", IXT_USE_EQ)->param, 2);
    assert_string_equal(find_use(in, "tenant_id", IXT_USE_EQ)->table, "webhooks");
    ixt_sql_info_free(in);
    in = ixt_sql_analyze("SELECT * FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at "
                         "LIMIT 10 FOR UPDATE SKIP LOCKED", &e);
    assert_true(in->has_locking);
    assert_false(in->read_only);
    assert_true(in->has_limit);
    assert_string_equal(find_use(in, "status", IXT_USE_EQ)->constant, "'queued'");
    assert_non_null(find_use(in, "run_at", IXT_USE_RANGE));
    assert_non_null(find_use(in, "run_at", IXT_USE_SORT));
    ixt_sql_info_free(in);
    const struct { const char *sql; ixt_sql_kind kind; } kinds[] = {
        {"DELETE FROM events WHERE id = 1", IXT_SQL_DELETE}, {"UPDATE runs SET status = 'x' WHERE id = 1", IXT_SQL_UPDATE},
        {"INSERT INTO events SELECT * FROM events", IXT_SQL_INSERT}, {"VACUUM runs", IXT_SQL_UTILITY},
        {"SELECT 1; SELECT 2", IXT_SQL_MULTIPLE},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        in = ixt_sql_analyze(kinds[i].sql, &e);
        assert_int_equal(in->kind, kinds[i].kind);
        ixt_sql_info_free(in);
    }
    in = ixt_sql_analyze("WITH d AS (DELETE FROM events RETURNING id) SELECT count(*) FROM d", &e);
    assert_false(in->read_only);
    ixt_sql_info_free(in);
}

static void test_aliases_joins_sort(void **state)
{
    (void)state;
    ixt_err e;
    ixt_sql_info *in = ixt_sql_analyze("SELECT r.id FROM runs r JOIN workflows w ON w.id = r.workflow_id "
                                       "WHERE r.workflow_id = $1 AND w.tenant_id = 3 "
                                       "ORDER BY r.created_at DESC NULLS LAST LIMIT 50", &e);
    assert_int_equal(in->ntables, 2);
    assert_string_equal(in->tables[0].alias, "r");
    const ixt_col_use *u = find_use(in, "created_at", IXT_USE_SORT);
    assert_string_equal(u->table, "runs");
    assert_true(u->desc);
    assert_false(u->nulls_first);
    assert_string_equal(find_use(in, "workflow_id", IXT_USE_JOIN)->table, "runs");
    assert_string_equal(find_use(in, "id", IXT_USE_JOIN)->table, "workflows");
    assert_string_equal(find_use(in, "tenant_id", IXT_USE_EQ)->table, "workflows");
    ixt_sql_info_free(in);
    /* an ORDER BY on a select-list alias is not a column */
    in = ixt_sql_analyze("SELECT tenant_id, count(*) AS runs FROM runs GROUP BY tenant_id ORDER BY runs DESC", &e);
    assert_null(find_use(in, "runs", IXT_USE_SORT));
    assert_non_null(find_use(in, "tenant_id", IXT_USE_GROUP));
    ixt_sql_info_free(in);
    /* unqualified columns of several tables stay unresolved */
    in = ixt_sql_analyze("SELECT * FROM a, b WHERE x = 1", &e);
    assert_null(find_use(in, "x", IXT_USE_EQ)->table);
    ixt_sql_info_free(in);
}

static void test_expressions_and_ranges(void **state)
{
    (void)state;
    ixt_err e;
    ixt_sql_info *in = ixt_sql_analyze("SELECT * FROM users WHERE lower(email) = lower($1)", &e);
    bool found = false;
    for (int i = 0; i < in->nuses; i++)
        found |= in->uses[i].expr && strcmp(in->uses[i].expr, "lower(email)") == 0;
    assert_true(found);
    ixt_sql_info_free(in);
    in = ixt_sql_analyze("SELECT id FROM events WHERE payload->>'order_id' = $1 AND payload @> $2::jsonb", &e);
    found = false;
    for (int i = 0; i < in->nuses; i++)
        found |= in->uses[i].expr && strcmp(in->uses[i].expr, "payload->>'order_id'") == 0;
    assert_true(found);
    assert_string_equal(find_use(in, "payload", IXT_USE_EQ)->op, "@>");
    ixt_sql_info_free(in);
    in = ixt_sql_analyze("SELECT status, count(*) FROM runs WHERE tenant_id = $1 AND created_at > now() - "
                         "interval '24 hours' AND finished_at IS NULL AND id BETWEEN 1 AND 9 GROUP BY status", &e);
    assert_non_null(find_use(in, "created_at", IXT_USE_RANGE));
    assert_non_null(find_use(in, "finished_at", IXT_USE_NULL));
    assert_non_null(find_use(in, "id", IXT_USE_RANGE));
    assert_non_null(find_use(in, "status", IXT_USE_GROUP));
    ixt_sql_info_free(in);
    in = ixt_sql_analyze("SELECT 1 FROM t WHERE tenant_id = (current_setting('app.tenant_id'))::int", &e);
    assert_non_null(find_use(in, "tenant_id", IXT_USE_EQ));
    ixt_sql_info_free(in);
}

static void test_syntax_error(void **state)
{
    (void)state;
    ixt_err e;
    assert_null(ixt_sql_analyze("SELECT * FROM runs WHER x = 1", &e));
    assert_non_null(strstr(e.msg, "syntax error at or near \"x\" at character 25"));
}

static char *plannable(const char *sql)
{
    ixt_err e;
    char *out = ixt_sql_plannable(sql, &e);
    if (!out)
        fail_msg("%s: %s", sql, e.msg);
    return out;
}

static void test_plannable_rewrites(void **state)
{
    (void)state;
    char *s = plannable("SELECT * FROM o WHERE d >= date $1 AND d < date $2 + interval $3");
    assert_string_equal(s, "SELECT * FROM o WHERE d >= $1::date AND d < $2::date + $3::interval");
    free(s);
    s = plannable("SELECT extract($1 FROM d), sum(x) FROM o WHERE y = $2 GROUP BY 1");
    assert_string_equal(s, "SELECT extract('epoch' FROM d), sum(x) FROM o WHERE y = $1 GROUP BY 1");
    free(s);
    s = plannable("SELECT 1 FROM o WHERE t > timestamp with time zone $1 AND a BETWEEN $2 AND $3 LIMIT $4");
    assert_string_equal(s, "SELECT 1 FROM o WHERE t > $1::timestamp with time zone AND a BETWEEN $2 AND $3 LIMIT $4");
    free(s);
    s = plannable("SELECT a AT TIME ZONE $1 FROM o ORDER BY 1 NULLS FIRST FETCH FIRST $2 ROWS ONLY");
    assert_string_equal(s, "SELECT a AT TIME ZONE $1 FROM o ORDER BY 1 NULLS FIRST FETCH FIRST $2 ROWS ONLY");
    free(s);
    s = ixt_sql_cast_arith_params("SELECT $8 + $9, $1::int * 2", NULL);
    assert_string_equal(s, "SELECT $8::numeric + $9::numeric, $1::int * 2");
    free(s);
    assert_null(ixt_sql_cast_arith_params("SELECT $1", NULL));
    s = ixt_sql_cast_param("SELECT $1, $2", 2, "text", NULL);
    assert_string_equal(s, "SELECT $1, $2::text");
    free(s);
    s = ixt_sql_cast_params_in_call("SELECT sum(CASE WHEN p = $1 THEN $2 ELSE $3 END) FROM t", 7, "numeric", NULL);
    assert_string_equal(s, "SELECT sum(CASE WHEN p = $1 THEN $2::numeric ELSE $3::numeric END) FROM t");
    free(s);
}

/* The analytic statements as pg_stat_statements stores them: every one
 * comes out in a form the server plans (checked against a server by the
 * integration tests). */
static void test_tpch_normalized(void **state)
{
    (void)state;
    ixt_err e;
    char *text = ixt_read_file("demo/analytics/statements.sql", NULL, &e);
    assert_non_null(text);
    char **stmts;
    int n;
    assert_int_equal(ixt_sql_split(text, &stmts, &n, &e), 0);
    assert_int_equal(n, 22);
    int typed_literals = 0;
    for (int i = 0; i < n; i++) {
        PgQueryNormalizeResult nr = pg_query_normalize(stmts[i]);
        assert_null(nr.error);
        char *fixed = plannable(nr.normalized_query);
        typed_literals += strstr(nr.normalized_query, "date $") != NULL;
        assert_null(strstr(fixed, "date $"));
        assert_null(strstr(fixed, "interval $"));
        assert_null(strstr(fixed, "extract($"));
        free(fixed);
        pg_query_free_normalize_result(nr);
        free(stmts[i]);
    }
    assert_true(typed_literals >= 10);
    free(stmts);
    free(text);
}

static void test_split(void **state)
{
    (void)state;
    char **v;
    int n;
    ixt_err e;
    assert_int_equal(ixt_sql_split("SELECT ';';\n\n  -- c\n/* d */ SELECT 2 ;  ;", &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "SELECT ';'");
    assert_string_equal(v[1], "SELECT 2");
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    assert_int_equal(ixt_sql_split("SELECT (", &v, &n, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_params),
        cmocka_unit_test(test_aliases_joins_sort),
        cmocka_unit_test(test_expressions_and_ranges),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_plannable_rewrites),
        cmocka_unit_test(test_tpch_normalized),
        cmocka_unit_test(test_split),
    };
    return IXT_RUN_TESTS(tests);
}
