/* sqltree: the walker over libpg_query's parse tree (pre-order, skipping a
 * subtree, stopping early), the node accessors and the token stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqltree.h"
#include "testutil.h"

/* The parse tree of sql.  caller frees with json_decref */
static json_t *tree(const char *sql)
{
    ixt_err e = {{0}};
    json_t *doc = ixt_pt_parse(sql, &e);
    if (!doc)
        fail_msg("%s: %s", sql, e.msg);
    return doc;
}

/* Node types in the order the walker meets them, comma-separated. */
typedef struct seen {
    char s[512];
    const char *skip; /* a type not to go into */
    const char *stop; /* a type to end the walk at */
} seen;

static ixt_pt_step note(json_t *obj, void *ctx)
{
    seen *sn = ctx;
    const char *type;
    if (!ixt_pt_body(obj, &type) || type[0] < 'A' || type[0] > 'Z')
        return IXT_PT_DESCEND;
    size_t n = strlen(sn->s);
    snprintf(sn->s + n, sizeof sn->s - n, "%s%s", n ? "," : "", type);
    if (sn->stop && !strcmp(type, sn->stop))
        return IXT_PT_STOP;
    return sn->skip && !strcmp(type, sn->skip) ? IXT_PT_SKIP : IXT_PT_DESCEND;
}

static void test_walk_order(void **state)
{
    (void)state;
    json_t *doc = tree("SELECT a FROM t WHERE b = $1 AND c IN (SELECT d FROM u)");
    json_t *stmts = ixt_pt_get(doc, "stmts");
    seen sn = {{0}};
    assert_false(ixt_pt_walk(stmts, note, &sn));
    /* a node before its fields, fields in the tree's order */
    assert_string_equal(sn.s, "SelectStmt,ResTarget,ColumnRef,String,RangeVar,BoolExpr,A_Expr,String,ColumnRef,"
                              "String,ParamRef,SubLink,ColumnRef,String,SelectStmt,ResTarget,ColumnRef,String,"
                              "RangeVar");
    json_decref(doc);
}

static void test_walk_skip_and_stop(void **state)
{
    (void)state;
    json_t *doc = tree("SELECT a FROM t WHERE b = $1 AND c IN (SELECT d FROM u)");
    json_t *stmts = ixt_pt_get(doc, "stmts");
    seen skip = {{0}, "SubLink", NULL};
    assert_false(ixt_pt_walk(stmts, note, &skip));
    /* the subquery is not entered; the walk goes on after it */
    assert_string_equal(skip.s, "SelectStmt,ResTarget,ColumnRef,String,RangeVar,BoolExpr,A_Expr,String,ColumnRef,"
                                "String,ParamRef,SubLink");
    seen stop = {{0}, NULL, "ParamRef"};
    assert_true(ixt_pt_walk(stmts, note, &stop));
    assert_string_equal(stop.s, "SelectStmt,ResTarget,ColumnRef,String,RangeVar,BoolExpr,A_Expr,String,ColumnRef,"
                                "String,ParamRef");
    seen none = {{0}};
    assert_false(ixt_pt_walk(NULL, note, &none));
    assert_false(ixt_pt_walk(json_array_get(stmts, 99), note, &none));
    assert_string_equal(none.s, "");
    json_decref(doc);
}

static void test_accessors(void **state)
{
    (void)state;
    json_t *doc = tree("SELECT pg_catalog.sum(x) FROM t WHERE id = $3 UNION SELECT 1");
    json_t *stmts = ixt_pt_get(doc, "stmts");
    json_t *sel = ixt_pt_as(ixt_pt_get(json_array_get(stmts, 0), "stmt"), "SelectStmt");
    assert_non_null(sel);
    assert_string_equal(ixt_pt_str(sel, "op"), "SETOP_UNION");
    json_t *larg = ixt_pt_arm(sel, "larg");
    json_t *fc = ixt_pt_as(ixt_pt_get(ixt_pt_as(json_array_get(ixt_pt_get(larg, "targetList"), 0), "ResTarget"),
                                      "val"),
                           "FuncCall");
    assert_string_equal(ixt_pt_last_name(ixt_pt_get(fc, "funcname")), "sum");
    json_t *where = ixt_pt_as(ixt_pt_get(larg, "whereClause"), "A_Expr");
    assert_int_equal(ixt_pt_param(ixt_pt_get(where, "rexpr")), 3);
    assert_int_equal(ixt_pt_param(ixt_pt_get(where, "lexpr")), 0);
    assert_int_equal(ixt_pt_int(where, "location", -1), 41); /* the "=" */
    assert_int_equal(ixt_pt_int(where, "nothing", -7), -7);
    assert_null(ixt_pt_as(ixt_pt_get(where, "lexpr"), "ParamRef"));
    assert_null(ixt_pt_body(json_array_get(stmts, 5), NULL));
    assert_true(ixt_pt_same(NULL, NULL));
    assert_false(ixt_pt_same("a", NULL));
    assert_true(ixt_pt_same("a", "a"));
    json_decref(doc);

    ixt_err e = {{0}};
    assert_null(ixt_pt_parse("SELECT FROM WHERE (", &e));
    assert_non_null(strstr(e.msg, "at character"));
}

static void test_tokens(void **state)
{
    (void)state;
    const char *sql = "SELECT a -- note\nFROM t";
    ixt_tokens t;
    assert_int_equal(ixt_tok_scan(sql, &t, NULL), 0);
    assert_int_equal(t.n, 5);
    assert_true(ixt_tok_comment(t.tk[2]));
    assert_int_equal(ixt_tok_at(&t, 7), 1); /* "a" */
    assert_int_equal(ixt_tok_at(&t, 8), -1); /* the space after it */
    assert_int_equal(ixt_tok_at(&t, 100), -1);
    ixt_tok_free(&t);
    assert_int_equal(ixt_tok_scan("SELECT (a)", &t, NULL), 0);
    assert_true(ixt_tok_is(t.tk[1], "SELECT (a)", '('));
    assert_false(ixt_tok_is(t.tk[2], "SELECT (a)", '('));
    ixt_tok_free(&t);
    ixt_err e = {{0}};
    assert_int_equal(ixt_tok_scan("SELECT 'open", &t, &e), -1);
    assert_non_null(strstr(e.msg, "at character"));
    ixt_tok_free(&t); /* a no-op after a failure */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_order),
        cmocka_unit_test(test_walk_skip_and_stop),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_tokens),
    };
    return IXT_RUN_TESTS(tests);
}
