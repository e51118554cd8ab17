/* sqlparse, sqlplannable, sqlsplit: kinds, tables, column uses with their
 * operator classes, parameters, expressions, syntax errors, the repair of
 * pg_stat_statements texts (TPC-H 1-22), splitting, fingerprints. */
#include <pg_query.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlparse.h"
#include "idxtune/sqlplannable.h"
#include "idxtune/sqlsplit.h"
#include "testutil.h"

/* ---- helpers ---- */

static ixt_sql_info *analyze(const char *sql)
{
    ixt_err e = {{0}};
    ixt_sql_info *in = ixt_sql_analyze(sql, &e);
    if (!in)
        fail_msg("%s: %s", sql, e.msg);
    return in;
}

/* The use of column col (of table, NULL: any or unresolved) with kind. */
static const ixt_col_use *use_of(const ixt_sql_info *in, const char *table, const char *col, ixt_use_kind kind)
{
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        if (u->kind == kind && u->column && !strcmp(u->column, col) &&
            (!table || (u->table && !strcmp(u->table, table))))
            return u;
    }
    return NULL;
}

static const ixt_col_use *must_use(const ixt_sql_info *in, const char *table, const char *col, ixt_use_kind kind)
{
    const ixt_col_use *u = use_of(in, table, col, kind);
    if (!u)
        fail_msg("no use of %s.%s (kind %d)", table ? table : "?", col, (int)kind);
    return u;
}

static const ixt_col_use *expr_use(const ixt_sql_info *in, const char *expr)
{
    for (int i = 0; i < in->nuses; i++)
        if (in->uses[i].expr && !strcmp(in->uses[i].expr, expr))
            return &in->uses[i];
    fail_msg("no use of the expression %s", expr);
    return NULL;
}

static int count_kind(const ixt_sql_info *in, ixt_use_kind kind)
{
    int n = 0;
    for (int i = 0; i < in->nuses; i++)
        n += in->uses[i].kind == kind;
    return n;
}

static bool has_table(const ixt_sql_info *in, const char *name, const char *alias)
{
    for (int i = 0; i < in->ntables; i++)
        if (!strcmp(in->tables[i].name, name) &&
            (alias ? in->tables[i].alias && !strcmp(in->tables[i].alias, alias) : !in->tables[i].alias))
            return true;
    return false;
}

static void assert_param(const ixt_sql_info *in, int n, const char *table, const char *col, const char *op)
{
    const ixt_sql_param *p = ixt_sql_param_target(in, n);
    if (!p)
        fail_msg("$%d has no column", n);
    if (table)
        assert_string_equal(p->table, table);
    else
        assert_null(p->table);
    assert_string_equal(p->column, col);
    assert_string_equal(p->op, op);
}

/* The columns the statement's updates assign are exactly the given ones
 * (NULL-terminated), in order. */
static void assert_set_cols(const ixt_sql_info *in, ...)
{
    va_list ap;
    va_start(ap, in);
    int n = 0;
    for (const char *col; (col = va_arg(ap, const char *)) != NULL; n++) {
        if (n >= in->nset_cols)
            fail_msg("%s is not among the assigned columns", col);
        assert_string_equal(in->set_cols[n], col);
    }
    va_end(ap);
    assert_int_equal(in->nset_cols, n);
}

/* ---- statement kinds ---- */

static void test_kinds(void **state)
{
    (void)state;
    const struct { const char *sql; ixt_sql_kind kind; bool ro; bool lock; } cases[] = {
        {"SELECT 1", IXT_SQL_SELECT, true, false},
        {"SELECT * FROM runs FOR UPDATE", IXT_SQL_SELECT, false, true},
        {"SELECT * FROM runs r WHERE r.id IN (SELECT run_id FROM steps FOR SHARE)", IXT_SQL_SELECT, false, true},
        {"WITH d AS (DELETE FROM events RETURNING id) SELECT count(*) FROM d", IXT_SQL_SELECT, false, false},
        {"SELECT * INTO copy FROM runs", IXT_SQL_SELECT, false, false},
        {"INSERT INTO events SELECT * FROM events", IXT_SQL_INSERT, false, false},
        {"UPDATE runs SET status = 'x' WHERE id = 1", IXT_SQL_UPDATE, false, false},
        {"DELETE FROM events WHERE id = 1", IXT_SQL_DELETE, false, false},
        {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", IXT_SQL_MERGE, false, false},
        {"SET work_mem = '64MB'", IXT_SQL_UTILITY, false, false},
        {"BEGIN", IXT_SQL_UTILITY, false, false},
        {"CREATE INDEX ON runs (status)", IXT_SQL_UTILITY, false, false},
        {"VACUUM runs", IXT_SQL_UTILITY, false, false},
        {"SELECT 1; SELECT 2", IXT_SQL_MULTIPLE, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ixt_sql_info *in = analyze(cases[i].sql);
        if (in->kind != cases[i].kind || in->read_only != cases[i].ro || in->has_locking != cases[i].lock)
            fail_msg("%s: kind %s read_only %d locking %d", cases[i].sql, ixt_sql_kind_name(in->kind),
                     in->read_only, in->has_locking);
        ixt_sql_info_free(in);
    }
    assert_string_equal(ixt_sql_kind_name(IXT_SQL_SELECT), "SELECT");
    assert_string_equal(ixt_sql_kind_name(IXT_SQL_MERGE), "MERGE");
    assert_string_equal(ixt_sql_kind_name(IXT_SQL_UTILITY), "utility");
    assert_string_equal(ixt_sql_kind_name(IXT_SQL_MULTIPLE), "multiple");
    assert_string_equal(ixt_sql_kind_name((ixt_sql_kind)42), "?");
}

/* ---- the demo's statements ---- */

static void test_demo_lookup(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT id FROM webhooks WHERE tenant_id = $1 AND slug = $2");
    assert_int_equal(in->kind, IXT_SQL_SELECT);
    assert_true(in->read_only);
    assert_int_equal(in->nparams, 2);
    assert_int_equal(in->ntables, 1);
    assert_string_equal(in->tables[0].name, "webhooks");
    assert_null(in->tables[0].schema);
    assert_null(in->tables[0].alias);
    const ixt_col_use *u = must_use(in, "webhooks", "tenant_id", IXT_USE_EQ);
    assert_int_equal(u->param, 1);
    assert_int_equal(u->opclass, IXT_OP_EQ);
    assert_int_equal(u->clause, IXT_CLAUSE_WHERE);
    assert_string_equal(u->op, "=");
    assert_null(u->constant);
    assert_int_equal(must_use(in, "webhooks", "slug", IXT_USE_EQ)->param, 2);
    assert_non_null(must_use(in, "webhooks", "id", IXT_USE_OUTPUT));
    assert_false(in->select_star);
    assert_false(in->has_limit);
    assert_param(in, 1, "webhooks", "tenant_id", "=");
    assert_param(in, 2, "webhooks", "slug", "=");
    assert_null(ixt_sql_param_target(in, 3));
    assert_null(ixt_sql_param_target(in, 0));
    ixt_sql_info_free(in);
}

static void test_demo_queue_poll(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT * FROM runs WHERE status = 'queued' AND run_at <= now() "
                               "ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED");
    assert_true(in->has_locking);
    assert_false(in->read_only);
    assert_true(in->has_limit);
    assert_true(in->select_star);
    assert_int_equal(in->nparams, 0);
    const ixt_col_use *u = must_use(in, "runs", "status", IXT_USE_EQ);
    assert_string_equal(u->constant, "'queued'");
    assert_int_equal(u->opclass, IXT_OP_EQ);
    u = must_use(in, "runs", "run_at", IXT_USE_RANGE);
    assert_string_equal(u->op, "<=");
    assert_int_equal(u->opclass, IXT_OP_RANGE);
    assert_null(u->constant);
    u = must_use(in, "runs", "run_at", IXT_USE_SORT);
    assert_false(u->desc);
    assert_false(u->nulls_first);
    assert_int_equal(u->clause, IXT_CLAUSE_ORDER);
    ixt_sql_info_free(in);
}

static void test_demo_alias_sort_desc(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT * FROM runs r WHERE r.workflow_id = $1 ORDER BY r.created_at DESC LIMIT 50");
    assert_string_equal(in->tables[0].name, "runs");
    assert_string_equal(in->tables[0].alias, "r");
    assert_int_equal(must_use(in, "runs", "workflow_id", IXT_USE_EQ)->param, 1);
    const ixt_col_use *u = must_use(in, "runs", "created_at", IXT_USE_SORT);
    assert_true(u->desc);
    assert_true(u->nulls_first); /* DESC implies NULLS FIRST */
    assert_param(in, 1, "runs", "workflow_id", "=");
    ixt_sql_info_free(in);

    in = analyze("SELECT * FROM run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq");
    assert_int_equal(must_use(in, "run_logs", "run_id", IXT_USE_EQ)->param, 1);
    u = must_use(in, "run_logs", "seq", IXT_USE_RANGE);
    assert_string_equal(u->op, ">");
    assert_int_equal(u->param, 2);
    assert_non_null(must_use(in, "run_logs", "seq", IXT_USE_SORT));
    assert_param(in, 2, "run_logs", "seq", ">");
    ixt_sql_info_free(in);
}

static void test_demo_expressions(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT * FROM users WHERE lower(email) = lower($1)");
    const ixt_col_use *u = expr_use(in, "lower(email)");
    assert_null(u->column);
    assert_string_equal(u->table, "users");
    assert_int_equal(u->kind, IXT_USE_EQ);
    assert_string_equal(u->op, "=");
    assert_int_equal(u->param, 1);
    /* the placeholder's values come from the column inside the expression */
    assert_param(in, 1, "users", "email", "=");
    assert_string_equal(ixt_sql_param_target(in, 1)->expr, "lower(email)");
    ixt_sql_info_free(in);

    in = analyze("SELECT * FROM events WHERE payload @> $1::jsonb");
    u = must_use(in, "events", "payload", IXT_USE_EQ);
    assert_string_equal(u->op, "@>");
    assert_int_equal(u->opclass, IXT_OP_CONTAINS);
    assert_int_equal(u->param, 1);
    assert_param(in, 1, "events", "payload", "@>");
    ixt_sql_info_free(in);

    in = analyze("SELECT e.id FROM events e WHERE e.payload->>'order_id' = $1 AND $2 <@ e.tags");
    u = expr_use(in, "payload->>'order_id'");
    assert_string_equal(u->table, "events");
    assert_int_equal(u->opclass, IXT_OP_EQ);
    assert_int_equal(u->param, 1);
    u = must_use(in, "events", "tags", IXT_USE_EQ);
    assert_string_equal(u->op, "@>"); /* turned round to read "tags @> $2" */
    assert_int_equal(u->opclass, IXT_OP_CONTAINS);
    ixt_sql_info_free(in);

    in = analyze("SELECT status, count(*) FROM runs WHERE tenant_id=$1 AND created_at > now() - "
                 "interval '24 hours' GROUP BY status");
    assert_int_equal(must_use(in, "runs", "tenant_id", IXT_USE_EQ)->param, 1);
    u = must_use(in, "runs", "created_at", IXT_USE_RANGE);
    assert_string_equal(u->op, ">");
    assert_int_equal(u->param, 0);
    u = must_use(in, "runs", "status", IXT_USE_GROUP);
    assert_int_equal(u->clause, IXT_CLAUSE_GROUP);
    assert_non_null(must_use(in, "runs", "status", IXT_USE_OUTPUT));
    assert_false(in->select_star);
    ixt_sql_info_free(in);

    /* a column only HAVING reads is read all the same: an index-only
     * scan needs it */
    in = analyze("SELECT workflow_id FROM runs WHERE tenant_id = $1 GROUP BY workflow_id "
                 "HAVING max(finished_at) < now() - interval '1 day'");
    assert_non_null(must_use(in, "runs", "finished_at", IXT_USE_OUTPUT));
    ixt_sql_info_free(in);
}

/* Source text of expressions: from the parser's locations and tokens. */
static void test_expression_text(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT 1 FROM runs r WHERE date_trunc('day', r.created_at) = $1 "
                               "AND (r.meta->>'attempts')::int > 3 "
                               "AND coalesce(r.finished_at,  /* c */ now()) < now() "
                               "AND CASE WHEN r.a THEN r.b ELSE r.c END = 2 "
                               "AND r.tags[1] = 'x' AND length(r.name) BETWEEN 1 AND 5 "
                               "AND lower(r.title COLLATE \"C\") = 'x'");
    assert_string_equal(expr_use(in, "date_trunc('day', created_at)")->table, "runs");
    assert_int_equal(expr_use(in, "(meta->>'attempts')::int")->kind, IXT_USE_RANGE);
    assert_non_null(expr_use(in, "coalesce(finished_at, now())"));
    assert_non_null(expr_use(in, "CASE WHEN a THEN b ELSE c END"));
    assert_string_equal(expr_use(in, "tags[1]")->constant, "'x'");
    assert_int_equal(expr_use(in, "length(name)")->opclass, IXT_OP_BETWEEN);
    assert_non_null(expr_use(in, "lower(title COLLATE \"C\")"));
    ixt_sql_info_free(in);

    /* the tokens a location does not show: qualified names, signs, type names */
    in = analyze("SELECT 1 FROM t WHERE t.x::timestamp with time zone > $1 AND y::int[] = $2 "
                 "AND z::public.mytype = $3 AND v = -1 AND w::double precision < 1 "
                 "ORDER BY q::char varying(3) DESC");
    assert_int_equal(expr_use(in, "x::timestamp with time zone")->param, 1);
    assert_int_equal(expr_use(in, "y::int[]")->param, 2);
    assert_int_equal(expr_use(in, "z::public.mytype")->param, 3);
    assert_string_equal(must_use(in, "t", "v", IXT_USE_EQ)->constant, "-1");
    assert_int_equal(expr_use(in, "w::double precision")->kind, IXT_USE_RANGE);
    assert_true(expr_use(in, "q::char varying(3)")->desc);
    ixt_sql_info_free(in);

    /* several tables: the qualifiers stay when the expression mixes them */
    in = analyze("SELECT 1 FROM a JOIN b ON a.id = b.a_id WHERE a.x + b.y > 10");
    const ixt_col_use *u = expr_use(in, "a.x + b.y");
    assert_null(u->table);
    ixt_sql_info_free(in);
}

/* ---- operator classes ---- */

static void test_operator_classes(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT id FROM t WHERE a IN (1, $1, $2) AND b = ANY($3) AND c BETWEEN $4 AND $5 "
                               "AND d LIKE 'ab%' AND e LIKE '%ab' AND f ILIKE 'ab%' AND g LIKE $6 "
                               "AND h IS NULL AND i IS NOT NULL AND j NOT LIKE 'x%' AND k <> 5 "
                               "AND NOT deleted AND active AND 10 < m AND n NOT IN (1, 2) "
                               "AND o IS NOT DISTINCT FROM $7 AND p NOT BETWEEN 1 AND 2");
    const ixt_col_use *u = must_use(in, "t", "a", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_IN);
    assert_int_equal(u->param, 1);
    assert_null(u->constant);
    u = must_use(in, "t", "b", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_ANY);
    assert_int_equal(u->param, 3);
    u = must_use(in, "t", "c", IXT_USE_RANGE);
    assert_int_equal(u->opclass, IXT_OP_BETWEEN);
    assert_string_equal(u->op, "BETWEEN");
    u = must_use(in, "t", "d", IXT_USE_RANGE);
    assert_int_equal(u->opclass, IXT_OP_LIKE_PREFIX);
    assert_string_equal(u->op, "~~");
    /* no btree range for these: kept with their operator */
    u = must_use(in, "t", "e", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_LIKE);
    u = must_use(in, "t", "f", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_LIKE);
    assert_string_equal(u->op, "~~*");
    u = must_use(in, "t", "g", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_LIKE);
    assert_int_equal(u->param, 6);
    u = must_use(in, "t", "h", IXT_USE_NULL);
    assert_int_equal(u->opclass, IXT_OP_IS_NULL);
    assert_string_equal(u->op, "IS NULL");
    u = must_use(in, "t", "i", IXT_USE_NULL);
    assert_int_equal(u->opclass, IXT_OP_NOT_NULL);
    assert_string_equal(u->op, "IS NOT NULL");
    u = must_use(in, "t", "deleted", IXT_USE_EQ);
    assert_int_equal(u->opclass, IXT_OP_BOOL);
    assert_string_equal(u->constant, "false");
    assert_string_equal(must_use(in, "t", "active", IXT_USE_EQ)->constant, "true");
    assert_string_equal(must_use(in, "t", "m", IXT_USE_RANGE)->op, ">"); /* 10 < m */
    /* negations and <> narrow nothing an index can find */
    assert_null(use_of(in, NULL, "j", IXT_USE_RANGE));
    assert_null(use_of(in, NULL, "j", IXT_USE_EQ));
    assert_null(use_of(in, NULL, "k", IXT_USE_EQ));
    assert_null(use_of(in, NULL, "n", IXT_USE_EQ));
    assert_null(use_of(in, NULL, "o", IXT_USE_EQ));
    assert_null(use_of(in, NULL, "p", IXT_USE_RANGE));
    /* but every placeholder knows its column */
    assert_param(in, 2, "t", "a", "IN");
    assert_param(in, 3, "t", "b", "= ANY");
    assert_param(in, 4, "t", "c", "BETWEEN");
    assert_param(in, 5, "t", "c", "BETWEEN");
    assert_param(in, 6, "t", "g", "LIKE");
    assert_param(in, 7, "t", "o", "<>");
    ixt_sql_info_free(in);

    /* OR: each arm's uses under its branch (a BitmapOr serves them), none
     * ANDed; the placeholders are mapped */
    in = analyze("SELECT 1 FROM t WHERE tenant = $1 AND (a = $2 OR b > $3)");
    assert_int_equal(must_use(in, "t", "tenant", IXT_USE_EQ)->branch, 0);
    int ba = must_use(in, "t", "a", IXT_USE_EQ)->branch, bb = must_use(in, "t", "b", IXT_USE_RANGE)->branch;
    assert_true(ba > 0 && bb > 0 && ba != bb);
    assert_param(in, 2, "t", "a", "=");
    assert_param(in, 3, "t", "b", ">");
    ixt_sql_info_free(in);
}

/* The uses of column col of any kind in one branch. */
static int uses_in_branch(const ixt_sql_info *in, const char *col, int branch)
{
    int n = 0;
    for (int i = 0; i < in->nuses; i++)
        n += in->uses[i].column && !strcmp(in->uses[i].column, col) && in->uses[i].branch == branch;
    return n;
}

/* TPC-H Q19: the join and the brand in every branch count as ANDed; the
 * size and the quantity only in their branch; a subquery's conditions are
 * its own conjunction. */
static void test_or_branches(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze(
        "SELECT sum(l_extendedprice) FROM lineitem, part WHERE "
        "(p_partkey = l_partkey AND p_brand = 'Brand#12' AND p_size BETWEEN 1 AND 5) OR "
        "(p_partkey = l_partkey AND p_brand IN ('Brand#23', 'Brand#34') AND l_quantity >= 10 "
        " AND l_suppkey IN (SELECT s_suppkey FROM supplier WHERE s_nationkey = 3))");
    assert_int_equal(uses_in_branch(in, "p_brand", 0), 1);
    const ixt_col_use *brand = NULL;
    for (int i = 0; i < in->nuses; i++)
        if (in->uses[i].column && !strcmp(in->uses[i].column, "p_brand") && in->uses[i].branch == 0)
            brand = &in->uses[i];
    assert_int_equal(brand->kind, IXT_USE_EQ);
    assert_null(brand->constant); /* each branch has its own */
    assert_int_equal(uses_in_branch(in, "p_partkey", 0), 1);
    assert_int_equal(uses_in_branch(in, "l_partkey", 0), 1);
    assert_int_equal(uses_in_branch(in, "p_size", 0), 0);
    assert_int_equal(uses_in_branch(in, "l_quantity", 0), 0);
    assert_true(must_use(in, NULL, "p_size", IXT_USE_RANGE)->branch > 0);
    assert_true(must_use(in, NULL, "l_quantity", IXT_USE_RANGE)->branch > 0);
    assert_int_equal(must_use(in, NULL, "s_nationkey", IXT_USE_EQ)->branch, 0);
    ixt_sql_info_free(in);

    /* a column in only some branches, or not as an equality, stays there */
    in = analyze("SELECT 1 FROM t WHERE (a = 1 AND b = 2) OR (a > 3) OR (a = 4 AND c = 5)");
    assert_int_equal(uses_in_branch(in, "a", 0), 0);
    assert_int_equal(uses_in_branch(in, "b", 0), 0);
    ixt_sql_info_free(in);
}

/* ---- joins, aliases, subqueries, CTEs ---- */

static void test_joins(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT r.id, w.name FROM runs r JOIN workflows w ON w.id = r.workflow_id "
                               "LEFT JOIN tenants USING (tenant_id) "
                               "WHERE r.workflow_id = $1 AND w.tenant_id = 3 "
                               "ORDER BY r.created_at DESC NULLS LAST, 2, lower(w.name) LIMIT 50");
    assert_int_equal(in->ntables, 3);
    assert_true(has_table(in, "runs", "r"));
    assert_true(has_table(in, "workflows", "w"));
    assert_true(has_table(in, "tenants", NULL));
    const ixt_col_use *u = must_use(in, "runs", "workflow_id", IXT_USE_JOIN);
    assert_int_equal(u->clause, IXT_CLAUSE_ON);
    assert_int_equal(u->opclass, IXT_OP_JOIN);
    assert_non_null(must_use(in, "workflows", "id", IXT_USE_JOIN));
    assert_non_null(must_use(in, "tenants", "tenant_id", IXT_USE_JOIN));
    assert_string_equal(must_use(in, "workflows", "tenant_id", IXT_USE_EQ)->constant, "3");
    u = must_use(in, "runs", "created_at", IXT_USE_SORT);
    assert_true(u->desc);
    assert_false(u->nulls_first);
    assert_non_null(must_use(in, "workflows", "name", IXT_USE_SORT)); /* ORDER BY 2 */
    assert_string_equal(expr_use(in, "lower(name)")->table, "workflows");
    assert_non_null(must_use(in, "runs", "id", IXT_USE_OUTPUT));
    assert_non_null(must_use(in, "workflows", "name", IXT_USE_OUTPUT));
    ixt_sql_info_free(in);

    /* unqualified columns of several tables stay unresolved */
    in = analyze("SELECT * FROM a, b WHERE x = 1 AND a.y = b.y");
    u = must_use(in, NULL, "x", IXT_USE_EQ);
    assert_null(u->table);
    assert_non_null(must_use(in, "a", "y", IXT_USE_JOIN));
    assert_non_null(must_use(in, "b", "y", IXT_USE_JOIN));
    ixt_sql_info_free(in);

    /* schema-qualified tables and columns */
    in = analyze("SELECT * FROM app.runs WHERE app.runs.id = $1 AND runs.state = 'x'");
    assert_string_equal(in->tables[0].schema, "app");
    u = must_use(in, "runs", "id", IXT_USE_EQ);
    assert_string_equal(u->schema, "app");
    assert_non_null(must_use(in, "runs", "state", IXT_USE_EQ));
    ixt_sql_info_free(in);

    /* two columns of one table compared are no join */
    in = analyze("SELECT 1 FROM lineitem WHERE l_commitdate = l_receiptdate");
    assert_int_equal(count_kind(in, IXT_USE_JOIN), 0);
    ixt_sql_info_free(in);
}

static void test_subqueries_and_ctes(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("SELECT o.* FROM orders o WHERE o.status = $1 AND EXISTS "
                               "(SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_qty > 5) "
                               "AND o.id IN (SELECT order_id FROM shipments WHERE carrier = $2)");
    assert_true(has_table(in, "orders", "o"));
    assert_true(has_table(in, "lineitem", NULL));
    assert_true(has_table(in, "shipments", NULL));
    /* "a = b" inside a correlated subquery: either may be the outer one */
    assert_null(must_use(in, NULL, "l_orderkey", IXT_USE_JOIN)->table);
    assert_null(must_use(in, NULL, "o_orderkey", IXT_USE_JOIN)->table);
    /* a value compared inside: the subquery's own table */
    assert_non_null(must_use(in, "lineitem", "l_qty", IXT_USE_RANGE));
    assert_int_equal(must_use(in, "orders", "id", IXT_USE_EQ)->opclass, IXT_OP_IN);
    assert_param(in, 2, "shipments", "carrier", "=");
    assert_true(in->select_star); /* o.* */
    ixt_sql_info_free(in);

    in = analyze("WITH recent AS (SELECT * FROM runs WHERE created_at > $1), "
                 "counts AS (SELECT run_id, count(*) AS n FROM steps GROUP BY run_id) "
                 "SELECT * FROM recent r JOIN counts c ON c.run_id = r.id "
                 "JOIN (SELECT id, kind FROM workflows WHERE kind = 'cron') w ON w.id = r.workflow_id "
                 "WHERE r.state = $2");
    assert_int_equal(in->ntables, 3); /* the CTE names are no tables */
    assert_true(has_table(in, "runs", NULL));
    assert_true(has_table(in, "steps", NULL));
    assert_true(has_table(in, "workflows", NULL));
    assert_param(in, 1, "runs", "created_at", ">");
    assert_non_null(must_use(in, "steps", "run_id", IXT_USE_GROUP));
    assert_string_equal(must_use(in, "workflows", "kind", IXT_USE_EQ)->constant, "'cron'");
    /* columns of a CTE or a subquery are not a table's */
    assert_null(must_use(in, NULL, "state", IXT_USE_EQ)->table);
    assert_null(must_use(in, NULL, "workflow_id", IXT_USE_JOIN)->table);
    assert_true(in->read_only);
    ixt_sql_info_free(in);

    /* a CTE name shadows a table only where it is in view */
    in = analyze("SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) x, t WHERE t.a = 1");
    assert_int_equal(in->ntables, 1);
    assert_non_null(must_use(in, "t", "a", IXT_USE_EQ));
    ixt_sql_info_free(in);

    /* ORDER BY / GROUP BY an output name: what it stands for */
    in = analyze("SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM runs "
                 "GROUP BY day ORDER BY n DESC, day");
    assert_int_equal(expr_use(in, "date_trunc('day', created_at)")->kind, IXT_USE_GROUP);
    assert_int_equal(count_kind(in, IXT_USE_SORT), 1); /* count(*) is no index key */
    ixt_sql_info_free(in);
    in = analyze("SELECT tenant_id, count(*) AS runs FROM runs GROUP BY tenant_id ORDER BY runs DESC");
    assert_null(use_of(in, NULL, "runs", IXT_USE_SORT));
    assert_int_equal(count_kind(in, IXT_USE_SORT), 0);
    assert_non_null(must_use(in, "runs", "tenant_id", IXT_USE_GROUP));
    ixt_sql_info_free(in);
    in = analyze("SELECT created_at AS t FROM runs ORDER BY t DESC");
    assert_true(must_use(in, "runs", "created_at", IXT_USE_SORT)->desc);
    assert_null(use_of(in, NULL, "t", IXT_USE_SORT));
    ixt_sql_info_free(in);

    /* a placeholder first met with no column keeps looking */
    in = analyze("SELECT 1 FROM t, u WHERE t.x || u.y = $1 AND t.a = $1");
    assert_param(in, 1, "t", "a", "=");
    ixt_sql_info_free(in);

    /* UNION: both arms */
    in = analyze("SELECT id FROM a WHERE x = $1 UNION ALL SELECT id FROM b WHERE y = $2");
    assert_param(in, 1, "a", "x", "=");
    assert_param(in, 2, "b", "y", "=");
    ixt_sql_info_free(in);
}

static void test_modifying_statements(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("DELETE FROM run_logs l USING runs r WHERE l.run_id = r.id "
                               "AND r.finished_at < now() - interval '30 days' AND l.level IS NULL");
    assert_int_equal(in->kind, IXT_SQL_DELETE);
    assert_false(in->read_only);
    assert_true(has_table(in, "run_logs", "l"));
    assert_true(has_table(in, "runs", "r"));
    assert_non_null(must_use(in, "run_logs", "run_id", IXT_USE_JOIN));
    assert_non_null(must_use(in, "runs", "id", IXT_USE_JOIN));
    assert_string_equal(must_use(in, "runs", "finished_at", IXT_USE_RANGE)->op, "<");
    assert_non_null(must_use(in, "run_logs", "level", IXT_USE_NULL));
    ixt_sql_info_free(in);

    in = analyze("DELETE FROM events WHERE created_at < $1");
    assert_param(in, 1, "events", "created_at", "<");
    assert_non_null(must_use(in, "events", "created_at", IXT_USE_RANGE));
    ixt_sql_info_free(in);

    in = analyze("UPDATE runs SET status = $1, finished_at = now() WHERE id = $2 AND status <> $3");
    assert_int_equal(in->kind, IXT_SQL_UPDATE);
    assert_int_equal(in->ntables, 1);
    assert_int_equal(must_use(in, "runs", "id", IXT_USE_EQ)->param, 2);
    assert_param(in, 1, "runs", "status", "SET");
    assert_param(in, 2, "runs", "id", "=");
    assert_param(in, 3, "runs", "status", "<>");
    ixt_sql_info_free(in);

    in = analyze("UPDATE runs r SET state = 'done' FROM workflows w WHERE w.id = r.workflow_id AND w.tenant_id = $1");
    assert_true(has_table(in, "runs", "r"));
    assert_param(in, 1, "workflows", "tenant_id", "=");
    assert_non_null(must_use(in, "runs", "workflow_id", IXT_USE_JOIN));
    ixt_sql_info_free(in);

    in = analyze("INSERT INTO events (tenant_id, kind, payload) VALUES ($1, $2, $3) "
                 "ON CONFLICT (tenant_id) DO UPDATE SET kind = $4");
    assert_int_equal(in->kind, IXT_SQL_INSERT);
    assert_int_equal(in->nparams, 4);
    assert_param(in, 1, "events", "tenant_id", "SET");
    assert_param(in, 3, "events", "payload", "SET");
    assert_param(in, 4, "events", "kind", "SET");
    ixt_sql_info_free(in);

    in = analyze("MERGE INTO stock t USING deliveries s ON t.item = s.item "
                 "WHEN MATCHED THEN UPDATE SET qty = t.qty + s.qty WHEN NOT MATCHED THEN INSERT (item, note) "
                 "VALUES (s.item, $1)");
    assert_set_cols(in, "qty", NULL);
    assert_int_equal(in->kind, IXT_SQL_MERGE);
    assert_true(has_table(in, "stock", "t"));
    assert_true(has_table(in, "deliveries", "s"));
    assert_int_equal(must_use(in, "stock", "item", IXT_USE_JOIN)->clause, IXT_CLAUSE_ON);
    assert_non_null(must_use(in, "deliveries", "item", IXT_USE_JOIN));
    ixt_sql_info_free(in);
}

/* Every column an UPDATE assigns, whatever the value: what breaks HOT. */
static void test_update_set_columns(void **state)
{
    (void)state;
    ixt_sql_info *in = analyze("UPDATE runs SET attempts = attempts + 1, status = lower($1) WHERE id = $2");
    assert_set_cols(in, "attempts", "status", NULL);
    ixt_sql_info_free(in);
    in = analyze("UPDATE runs r SET (started_at, finished_at) = (now(), NULL), note = DEFAULT WHERE r.id = 1");
    assert_set_cols(in, "started_at", "finished_at", "note", NULL);
    ixt_sql_info_free(in);
    in = analyze("INSERT INTO events (tenant_id, kind) VALUES (1, 'a') ON CONFLICT (tenant_id) DO UPDATE "
                 "SET kind = excluded.kind || 'x'");
    assert_set_cols(in, "kind", NULL);
    ixt_sql_info_free(in);
    in = analyze("DELETE FROM runs WHERE id = 1");
    assert_set_cols(in, NULL);
    ixt_sql_info_free(in);
}

/* The table a statement writes, whatever it reads first: its writes are
 * that table's (write rates, HOT, a verify's write statements). */
static void test_written_table(void **state)
{
    (void)state;
    static const struct { const char *sql, *target; } cases[] = {
        {"WITH old AS (SELECT id FROM events WHERE created_at < $1) UPDATE runs SET status = $2"
         " WHERE id IN (SELECT id FROM old)", "runs"},
        {"WITH gone AS (DELETE FROM events WHERE id = 1 RETURNING id) INSERT INTO archive SELECT id FROM gone",
         "archive"},
        {"DELETE FROM run_logs l USING runs r WHERE l.run_id = r.id", "run_logs"},
        {"INSERT INTO runs (id) SELECT id FROM workflows", "runs"},
        {"MERGE INTO stock t USING deliveries s ON t.item = s.item WHEN MATCHED THEN DELETE", "stock"},
        /* an ingestion of log lines: a utility with no plan, but a write */
        {"COPY run_logs (run_id, line) FROM STDIN WITH (FORMAT csv)", "run_logs"},
        {"COPY run_logs TO STDOUT", NULL},
        {"COPY (SELECT * FROM run_logs WHERE run_id = 7) TO STDOUT", NULL},
        {"SELECT * FROM runs", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ixt_sql_info *in = analyze(cases[i].sql);
        assert_int_equal(ixt_sql_writes(in), cases[i].target != NULL);
        if (!cases[i].target)
            assert_int_equal(in->target, -1);
        else if (in->target < 0 || strcmp(in->tables[in->target].name, cases[i].target) != 0)
            fail_msg("%s: writes %s, not %s", cases[i].sql, in->target < 0 ? "nothing" : in->tables[in->target].name,
                     cases[i].target);
        ixt_sql_info_free(in);
    }
}

/* ---- syntax errors ---- */

static void test_syntax_error(void **state)
{
    (void)state;
    ixt_err e = {{0}};
    assert_null(ixt_sql_analyze("SELECT * FROM runs WHER x = 1", &e));
    assert_non_null(strstr(e.msg, "syntax error at or near \"x\" at character 25"));
    int cursor, byte;
    assert_int_equal(ixt_sql_check("SELECT * FROM runs WHER x = 1", &cursor, &byte, &e), -1);
    assert_string_equal(e.msg, "syntax error at or near \"x\"");
    assert_int_equal(cursor, 25);
    assert_int_equal(byte, 24);
    /* the cursor counts characters, the byte offset bytes */
    const char *utf = "SELECT 'é', 'ü' FROM t WHER x";
    assert_int_equal(ixt_sql_check(utf, &cursor, &byte, &e), -1);
    assert_int_equal(cursor, 29);
    assert_int_equal(byte, 30);
    assert_int_equal(utf[byte], 'x');
    assert_int_equal(ixt_sql_check("SELECT (", &cursor, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "syntax error at end of input"));
    assert_int_equal(ixt_sql_check("SELECT 1", &cursor, &byte, &e), 0);
    assert_int_equal(cursor, 0);
    assert_int_equal(byte, -1);
    assert_null(ixt_sql_analyze(NULL, &e));
    assert_null(ixt_sql_plannable("SELECT FROM WHERE", &e));
    assert_true(ixt_sql_has_squashed_list("SELECT 1 FROM t WHERE b IN ($1 /*, ... */)"));
    assert_false(ixt_sql_has_squashed_list("SELECT 1 FROM t WHERE b IN ($1, $2)"));
    assert_false(ixt_sql_has_squashed_list(NULL));
    assert_non_null(strstr(e.msg, "syntax error"));
}

/* ---- making normalized texts plannable ---- */

static char *plannable(const char *sql)
{
    ixt_err e = {{0}};
    char *out = ixt_sql_plannable(sql, &e);
    if (!out)
        fail_msg("%s: %s", sql, e.msg);
    return out;
}

static void test_plannable_rewrites(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        /* PostgreSQL 18's squashed lists: the placeholder is the array */
        {"SELECT a FROM t WHERE b IN ($1 /*, ... */) AND c NOT IN ($2 /*, ... */)",
         "SELECT a FROM t WHERE b = ANY($1) AND c <> ALL($2)"},
        /* a comment of the user's own is left alone */
        {"SELECT a FROM t WHERE b IN ($1 /* one */)", "SELECT a FROM t WHERE b IN ($1 /* one */)"},
        {"SELECT * FROM o WHERE d >= date $1 AND d < date $2 + interval $3",
         "SELECT * FROM o WHERE d >= $1::date AND d < $2::date + $3::interval"},
        {"SELECT 1 FROM l WHERE d <= date $1 - interval $2 day",
         "SELECT 1 FROM l WHERE d <= $1::date - $2::interval day"},
        {"SELECT 1 FROM o WHERE t > timestamp with time zone $1 AND u < timestamp $2 AT TIME ZONE $3",
         "SELECT 1 FROM o WHERE t > $1::timestamp with time zone AND u < $2::timestamp AT TIME ZONE $3"},
        {"SELECT 1 FROM o WHERE c = varchar(20) $1", "SELECT 1 FROM o WHERE c = $1::varchar(20)"},
        /* a literal where the grammar wants one; later numbers move down */
        {"SELECT extract($1 FROM d), sum(x) FROM o WHERE y = $2 GROUP BY 1",
         "SELECT extract('epoch' FROM d), sum(x) FROM o WHERE y = $1 GROUP BY 1"},
        {"SELECT date_trunc($1, d), date_part($2, d) FROM o WHERE y = $3",
         "SELECT date_trunc('day', d), date_part('epoch', d) FROM o WHERE y = $1"},
        /* no operator for unknown types */
        {"SELECT 1 FROM l WHERE q <= $1 + $2 AND r BETWEEN $3 - $4 AND $5 * $6",
         "SELECT 1 FROM l WHERE q <= $1::numeric + $2::numeric AND r BETWEEN $3::numeric - $4::numeric "
         "AND $5::numeric * $6::numeric"},
        {"SELECT - $1 + x FROM t", "SELECT - $1::numeric + x FROM t"},
        {"SELECT sum(CASE WHEN p = $1 THEN $2 ELSE $3 END), avg($4), max($5) FROM t",
         "SELECT sum(CASE WHEN p = $1 THEN $2::numeric ELSE $3::numeric END), avg($4::numeric), max($5::text) FROM t"},
        {"SELECT CASE WHEN a THEN $1 ELSE $2 END * x FROM t",
         "SELECT CASE WHEN a THEN $1::numeric ELSE $2::numeric END * x FROM t"},
        {"SELECT 1 FROM t WHERE $1 IS NULL", "SELECT 1 FROM t WHERE $1::text IS NULL"},
        /* VARIADIC "any": every placeholder argument at once, not one per round */
        {"INSERT INTO e (p) VALUES (jsonb_build_object($1, $2 || $3, $4, $5)), (format($6, $7))",
         "INSERT INTO e (p) VALUES (jsonb_build_object($1::text, $2::text || $3::text, $4::text, $5::text)), "
         "(format($6::text, $7::text))"},
        {"SELECT jsonb_build_array(VARIADIC $1), concat($2, x) FROM t",
         "SELECT jsonb_build_array(VARIADIC $1), concat($2::text, x) FROM t"},
        /* a select-list placeholder of a CTE or subquery used as a number outside */
        {"WITH x AS (SELECT $1 AS a) SELECT a + $2 FROM x", "WITH x AS (SELECT $1::numeric AS a) SELECT a + $2 FROM x"},
        {"SELECT n FROM (SELECT $1 UNION ALL SELECT $2) s(n) WHERE n > 5",
         "SELECT n FROM (SELECT $1::numeric UNION ALL SELECT $2::numeric) s(n) WHERE n > 5"},
        {"SELECT 1 FROM o WHERE t > now() - $1 * interval $2", "SELECT 1 FROM o WHERE t > now() - $1 * $2::interval"},
        /* what plans as written is left alone */
        {"SELECT a AT TIME ZONE $1 FROM o ORDER BY 1 NULLS FIRST FETCH FIRST $2 ROWS ONLY",
         "SELECT a AT TIME ZONE $1 FROM o ORDER BY 1 NULLS FIRST FETCH FIRST $2 ROWS ONLY"},
        {"SELECT 1 FROM t WHERE a IN ($1, $2, $3) AND b = ANY($4) LIMIT $5 OFFSET $6",
         "SELECT 1 FROM t WHERE a IN ($1, $2, $3) AND b = ANY($4) LIMIT $5 OFFSET $6"},
        {"SELECT $1, x * $2 FROM t", "SELECT $1, x * $2 FROM t"},
        {"SELECT 1 FROM t WHERE d > $1::date - $2::interval", "SELECT 1 FROM t WHERE d > $1::date - $2::interval"},
        /* a guessed cast only for a placeholder used once */
        {"SELECT 1 FROM t WHERE $1 IS NULL OR id = $1", "SELECT 1 FROM t WHERE $1 IS NULL OR id = $1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = plannable(cases[i][0]);
        if (strcmp(s, cases[i][1]) != 0)
            fail_msg("%s\n  gave     %s\n  expected %s", cases[i][0], s, cases[i][1]);
        free(s);
    }
}

static void test_cast_helpers(void **state)
{
    (void)state;
    char *s = ixt_sql_cast_arith_params("SELECT $8 + $9, $1::int * 2", NULL);
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

static char *read_data(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/sql/tpch/%s", ixt_testdata(), name);
    ixt_err e;
    char *text = ixt_read_file(path, NULL, &e);
    if (!text)
        fail_msg("%s", e.msg);
    return text;
}

/* The placeholders of a text: highest number; *gap when one below is missing. */
static int placeholders(const char *sql, bool *gap)
{
    bool seen[512] = {false};
    int maxp = 0;
    for (const char *p = sql; (p = strchr(p, '$')) != NULL; p++) {
        int n = atoi(p + 1);
        if (n > 0 && n < 512) {
            seen[n] = true;
            maxp = n > maxp ? n : maxp;
        }
    }
    *gap = false;
    for (int n = 1; n <= maxp; n++)
        *gap |= !seen[n];
    return maxp;
}

/* TPC-H 1-22 as pg_stat_statements stores them (pg_query_normalize does the
 * same replacement): the rewrite gives the texts a server was seen to
 * PREPARE and plan generically (tests/data/sql/tpch/prepare-check.sh: 8 of
 * 22 as normalized, 22 of 22 rewritten). */
static void test_tpch(void **state)
{
    (void)state;
    int changed = 0;
    for (int q = 1; q <= 22; q++) {
        char name[64];
        snprintf(name, sizeof name, "q%02d.sql", q);
        char *orig = read_data(name);
        snprintf(name, sizeof name, "q%02d.normalized.sql", q);
        char *norm = read_data(name);
        snprintf(name, sizeof name, "q%02d.plannable.sql", q);
        char *want = read_data(name);

        PgQueryNormalizeResult nr = pg_query_normalize(orig);
        assert_null(nr.error);
        assert_string_equal(nr.normalized_query, norm);
        pg_query_free_normalize_result(nr);

        char *got = plannable(norm);
        if (strcmp(got, want) != 0)
            fail_msg("q%02d rewritten:\n%s\nexpected:\n%s", q, got, want);
        assert_int_equal(ixt_sql_check(got, NULL, NULL, NULL), 0);
        bool gap;
        placeholders(got, &gap);
        assert_false(gap);
        /* nothing of the typed-literal form or extract($n) is left */
        assert_null(strstr(got, "date $"));
        assert_null(strstr(got, "interval $"));
        assert_null(strstr(got, "extract($"));
        changed += strcmp(got, norm) != 0;

        /* the rewritten text still tells what the advisor needs */
        ixt_sql_info *in = analyze(got);
        assert_int_equal(in->kind, IXT_SQL_SELECT);
        assert_true(in->ntables >= 1);
        ixt_sql_info_free(in);
        free(got);
        free(orig);
        free(norm);
        free(want);
    }
    assert_int_equal(changed, 14);
}

static void test_tpch_analysis(void **state)
{
    (void)state;
    char *q = read_data("q21.sql");
    ixt_sql_info *in = analyze(q);
    assert_int_equal(in->ntables, 6);
    assert_true(has_table(in, "lineitem", "l1"));
    assert_true(has_table(in, "lineitem", "l2"));
    assert_true(has_table(in, "lineitem", "l3"));
    assert_non_null(must_use(in, "lineitem", "l_orderkey", IXT_USE_JOIN));
    assert_string_equal(must_use(in, NULL, "n_name", IXT_USE_EQ)->constant, "'SAUDI ARABIA'");
    assert_true(in->has_limit);
    ixt_sql_info_free(in);
    free(q);

    q = read_data("q06.normalized.sql");
    char *p = plannable(q);
    in = analyze(p);
    assert_int_equal(in->nparams, 8);
    assert_param(in, 1, "lineitem", "l_shipdate", ">=");
    assert_param(in, 8, "lineitem", "l_quantity", "<");
    assert_int_equal(must_use(in, "lineitem", "l_discount", IXT_USE_RANGE)->opclass, IXT_OP_BETWEEN);
    ixt_sql_info_free(in);
    free(p);
    free(q);
}

/* ---- splitting and fingerprints ---- */

static void free_stmts(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void test_split(void **state)
{
    (void)state;
    char **v;
    int n;
    ixt_err e;
    assert_int_equal(ixt_sql_split("SELECT ';';\n\n  -- c\n/* d */ SELECT 2 ;  ;\n/* only a comment */;\n  \n",
                                   &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "SELECT ';'");
    assert_string_equal(v[1], "SELECT 2"); /* a statement starts after the comments above it */
    assert_null(v[2]);
    free_stmts(v, n);
    assert_int_equal(ixt_sql_split("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
                                   "SELECT f() -- the end\n", &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[1], "SELECT f() -- the end");
    free_stmts(v, n);
    assert_int_equal(ixt_sql_split("  \n ", &v, &n, &e), 0);
    assert_int_equal(n, 0);
    free_stmts(v, n);
    assert_int_equal(ixt_sql_split("SELECT (", &v, &n, &e), -1);
    assert_non_null(strstr(e.msg, "syntax error"));
    assert_null(v);
    assert_int_equal(n, 0);
}

static void test_fingerprint(void **state)
{
    (void)state;
    uint64_t a = ixt_sql_fingerprint("SELECT * FROM runs WHERE id = 1");
    assert_true(a != 0);
    assert_true(a == ixt_sql_fingerprint("select *  from runs /* x */ where id = 42"));
    assert_true(a == ixt_sql_fingerprint("SELECT * FROM runs WHERE id = $1"));
    assert_true(a != ixt_sql_fingerprint("SELECT * FROM runs WHERE slug = 1"));
    assert_true(ixt_sql_fingerprint("SELECT FROM WHERE (") == 0);
    assert_true(ixt_sql_fingerprint(NULL) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_demo_lookup),
        cmocka_unit_test(test_demo_queue_poll),
        cmocka_unit_test(test_demo_alias_sort_desc),
        cmocka_unit_test(test_demo_expressions),
        cmocka_unit_test(test_expression_text),
        cmocka_unit_test(test_operator_classes),
        cmocka_unit_test(test_or_branches),
        cmocka_unit_test(test_joins),
        cmocka_unit_test(test_subqueries_and_ctes),
        cmocka_unit_test(test_modifying_statements),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_plannable_rewrites),
        cmocka_unit_test(test_cast_helpers),
        cmocka_unit_test(test_tpch),
        cmocka_unit_test(test_tpch_analysis),
        cmocka_unit_test(test_update_set_columns),
        cmocka_unit_test(test_written_table),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_fingerprint),
    };
    return IXT_RUN_TESTS(tests);
}
