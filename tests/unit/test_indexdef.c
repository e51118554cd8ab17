/* indexdef: the one reader of CREATE INDEX - what it reads, what a trial
 * runs (CONCURRENTLY left out), and the definition written back out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/indexdef.h"
#include "testutil.h"

/* Reads def (which must parse) and renders it. */
static char *render(const char *def, const char *schema, const char *name, bool concurrently, bool if_not_exists)
{
    ixt_indexdef d;
    ixt_err e;
    if (ixt_indexdef_parse(def, &d, &e) != 0)
        fail_msg("%s: %s", def, e.msg);
    char *out = ixt_indexdef_render(&d, schema, name, concurrently, if_not_exists, &e);
    if (!out)
        fail_msg("%s: %s", def, e.msg);
    ixt_indexdef_free(&d);
    return out;
}

#define assert_render(def, schema, name, conc, ine, want)                  \
    do {                                                                   \
        char *got_ = render(def, schema, name, conc, ine);                 \
        assert_string_equal(got_, want);                                   \
        free(got_);                                                        \
    } while (0)

static void test_reads_the_definition(void **state)
{
    (void)state;
    ixt_indexdef d;
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("CREATE UNIQUE INDEX x ON s.t USING hash (lower(a)) WHERE b", &d, &e), 0);
    assert_string_equal(d.sql, "CREATE UNIQUE INDEX x ON s.t USING hash (lower(a)) WHERE b");
    assert_string_equal(d.schema, "s");
    assert_string_equal(d.table, "t");
    assert_string_equal(d.method, "hash");
    assert_string_equal(d.name, "x");
    assert_string_equal(d.colnames, "expr");
    assert_true(d.unique && d.partial);
    assert_null(d.note);
    ixt_indexdef_free(&d);

    assert_int_equal(ixt_indexdef_parse("create index on runs (status, run_at)", &d, &e), 0);
    assert_null(d.schema);
    assert_null(d.name);
    assert_string_equal(d.method, "btree");
    assert_string_equal(d.colnames, "status_run_at");
    assert_false(d.unique || d.partial);
    ixt_indexdef_free(&d);
}

static void test_refuses_what_is_not_one_create_index(void **state)
{
    (void)state;
    ixt_indexdef d;
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("SELECT 1", &d, &e), -1);
    assert_non_null(strstr(e.msg, "expected one CREATE INDEX"));
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON", &d, &e), -1);
    assert_non_null(strstr(e.msg, "does not parse"));
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON t (a); DROP TABLE victim", &d, &e), -1);
    assert_non_null(strstr(e.msg, "expected one CREATE INDEX"));
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON t (a); CREATE INDEX ON t (b)", &d, &e), -1);
    assert_int_equal(ixt_indexdef_parse("", &d, &e), -1);
}

/* A DBA pastes what they will run: CONCURRENTLY is cut out of the text a
 * trial runs, the rest kept as written, with a note. */
static void test_concurrently_is_left_out_with_a_note(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"CREATE INDEX CONCURRENTLY ON runs (status)", "CREATE INDEX ON runs (status)"},
        {"create unique index concurrently if not exists r_s on public.runs (status)",
         "create unique index if not exists r_s on public.runs (status)"},
        {"CREATE INDEX /* c */ Concurrently\n\t\"My Idx\" ON t (a)", "CREATE INDEX /* c */ \"My Idx\" ON t (a)"},
        /* an index called concurrently (quoted, as the grammar wants) stays */
        {"CREATE INDEX CONCURRENTLY \"concurrently\" ON t (\"concurrently\")",
         "CREATE INDEX \"concurrently\" ON t (\"concurrently\")"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ixt_indexdef d, again;
        ixt_err e;
        assert_int_equal(ixt_indexdef_parse(cases[i].in, &d, &e), 0);
        assert_string_equal(d.sql, cases[i].out);
        assert_string_equal(d.note, "CONCURRENTLY dropped: a trial builds inside a transaction");
        /* what is left reads the same, without CONCURRENTLY */
        assert_int_equal(ixt_indexdef_parse(d.sql, &again, &e), 0);
        assert_null(again.note);
        assert_true((d.name == NULL) == (again.name == NULL));
        if (d.name)
            assert_string_equal(d.name, again.name);
        assert_string_equal(d.colnames, again.colnames);
        ixt_indexdef_free(&again);
        ixt_indexdef_free(&d);
    }
    /* a column called concurrently is no keyword */
    ixt_indexdef d;
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON t (\"concurrently\")", &d, NULL), 0);
    assert_null(d.note);
    assert_string_equal(d.sql, "CREATE INDEX ON t (\"concurrently\")");
    ixt_indexdef_free(&d);
    /* the export puts it back when asked */
    assert_render("CREATE INDEX CONCURRENTLY ON runs (status)", "public", "runs_status_idx", true, true,
                  "CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_status_idx ON public.runs USING btree (status)");
    assert_render("CREATE INDEX CONCURRENTLY ON runs (status)", NULL, NULL, false, false,
                  "CREATE INDEX ON runs USING btree (status)");
}

static void test_expressions_include_where_methods(void **state)
{
    (void)state;
    ixt_indexdef d;
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON users (lower(email), (a + b), c)", &d, NULL), 0);
    assert_string_equal(d.colnames, "expr_expr_c");
    ixt_indexdef_free(&d);
    assert_render("CREATE INDEX ON users (lower(email), (a + b))", NULL, NULL, false, false,
                  "CREATE INDEX ON users USING btree (lower(email), (a + b))");
    assert_render("CREATE INDEX ON runs (workflow_id, run_at DESC) INCLUDE (status) WHERE status <> 'done'",
                  "public", "runs_wf", false, true,
                  "CREATE INDEX IF NOT EXISTS runs_wf ON public.runs USING btree (workflow_id, run_at DESC) "
                  "INCLUDE (status) WHERE status <> 'done'");
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON docs USING gin (body jsonb_path_ops)", &d, NULL), 0);
    assert_string_equal(d.method, "gin");
    assert_string_equal(d.colnames, "body");
    ixt_indexdef_free(&d);
    assert_render("CREATE INDEX ON docs USING gin (body jsonb_path_ops)", NULL, NULL, true, false,
                  "CREATE INDEX CONCURRENTLY ON docs USING gin (body jsonb_path_ops)");
    /* an expression's operator class apart from it, as pg_get_indexdef writes it */
    assert_render("CREATE INDEX ON users ((lower(name)) text_pattern_ops)", NULL, NULL, false, false,
                  "CREATE INDEX ON users USING btree (lower(name) text_pattern_ops)");
    assert_render("CREATE INDEX ON users (name text_pattern_ops) WHERE note = ')x'", NULL, NULL, false, false,
                  "CREATE INDEX ON users USING btree (name text_pattern_ops) WHERE note = ')x'");
    assert_render("CREATE INDEX ON \"select\" (\"from\" DESC NULLS LAST) INCLUDE (\"Id\")", "public",
                  "select_from_idx", true, true,
                  "CREATE INDEX CONCURRENTLY IF NOT EXISTS select_from_idx ON public.\"select\" "
                  "USING btree (\"from\" DESC NULLS LAST) INCLUDE (\"Id\")");
}

static void test_quoted_names(void **state)
{
    (void)state;
    ixt_indexdef d;
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX \"My Idx\" ON \"Odd Schema\".\"Mixed Case\" (\"Select\", "
                                        "\"quo\"\"te\")", &d, NULL), 0);
    assert_string_equal(d.schema, "Odd Schema");
    assert_string_equal(d.table, "Mixed Case");
    assert_string_equal(d.name, "My Idx");
    assert_string_equal(d.colnames, "Select_quo\"te");
    ixt_indexdef_free(&d);
    /* the index name is quoted like every other identifier */
    assert_render("CREATE UNIQUE INDEX ON t (a)", "My Schema", "MyIdx", true, true,
                  "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"MyIdx\" ON \"My Schema\".t USING btree (a)");
    assert_render("CREATE INDEX \"Kept\" ON t (a)", NULL, NULL, false, false,
                  "CREATE INDEX \"Kept\" ON t USING btree (a)");
    assert_render("CREATE INDEX ON t (a)", NULL, "select", false, false, "CREATE INDEX \"select\" ON t USING btree (a)");
    assert_render("CREATE INDEX ON s.t (a)", NULL, NULL, false, false, "CREATE INDEX ON s.t USING btree (a)");
}

/* Rendering works on a copy of the tree: d stays as read, and a copy
 * renders the same. */
static void test_render_leaves_the_definition_alone(void **state)
{
    (void)state;
    ixt_indexdef d, c;
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX x ON s.t (a)", &d, &e), 0);
    char *one = ixt_indexdef_render(&d, "other", "y", true, true, &e);
    assert_string_equal(one, "CREATE INDEX CONCURRENTLY IF NOT EXISTS y ON other.t USING btree (a)");
    ixt_indexdef_copy(&c, &d);
    ixt_indexdef_free(&d);
    char *two = ixt_indexdef_render(&c, NULL, NULL, false, false, &e);
    assert_string_equal(two, "CREATE INDEX x ON s.t USING btree (a)");
    assert_string_equal(c.sql, "CREATE INDEX x ON s.t (a)");
    free(one);
    free(two);
    ixt_indexdef_free(&c);
}

/* The same index on a sample table: name dropped, columns, expressions,
 * method, INCLUDE and predicate kept. */
static void test_render_on_another_table(void **state)
{
    (void)state;
    ixt_indexdef d;
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("CREATE UNIQUE INDEX CONCURRENTLY x ON s.\"T\" USING hash (lower(a))"
                                        " WHERE b > 0", &d, &e), 0);
    char *out = ixt_indexdef_render_on(&d, &(ixt_index_target){.schema = "pg_temp", .table = "idxtune_sample_1", .unnamed = true}, false, false, &e);
    assert_string_equal(out, "CREATE UNIQUE INDEX ON pg_temp.idxtune_sample_1 USING hash (lower(a)) WHERE b > 0");
    free(out);
    ixt_indexdef_free(&d);
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON t (a) INCLUDE (\"Odd col\")", &d, &e), 0);
    out = ixt_indexdef_render_on(&d, &(ixt_index_target){.schema = "pg_temp", .table = "s", .unnamed = true}, false, false, &e);
    assert_string_equal(out, "CREATE INDEX ON pg_temp.s USING btree (a) INCLUDE (\"Odd col\")");
    free(out);
    ixt_indexdef_free(&d);
}

static void test_names(void **state)
{
    (void)state;
    char *n = ixt_index_name_nth("runs_status_idx", 1);
    assert_string_equal(n, "runs_status_idx");
    free(n);
    n = ixt_index_name_nth("runs_status_idx", 3);
    assert_string_equal(n, "runs_status_idx_3");
    free(n);
    const char *long_base = "a123456789b123456789c123456789d123456789e123456789f123456789xyz";
    n = ixt_index_name_nth(long_base, 12);
    assert_int_equal(strlen(n), 63);
    assert_string_equal(n + 60, "_12");
    free(n);
    n = ixt_index_drop_sql(NULL, "x_idx", false);
    assert_string_equal(n, "DROP INDEX IF EXISTS x_idx");
    free(n);
    n = ixt_index_drop_sql("S", "x ON t (a); DROP TABLE victim", true);
    assert_string_equal(n, "DROP INDEX CONCURRENTLY IF EXISTS \"S\".\"x ON t (a); DROP TABLE victim\"");
    free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_the_definition),
        cmocka_unit_test(test_refuses_what_is_not_one_create_index),
        cmocka_unit_test(test_concurrently_is_left_out_with_a_note),
        cmocka_unit_test(test_expressions_include_where_methods),
        cmocka_unit_test(test_quoted_names),
        cmocka_unit_test(test_render_leaves_the_definition_alone),
        cmocka_unit_test(test_render_on_another_table),
        cmocka_unit_test(test_names),
    };
    return IXT_RUN_TESTS(tests);
}
