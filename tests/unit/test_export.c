/* review and export: golden SQL, rollback and Markdown files, session
 * round trips, index names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/export.h"
#include "idxtune/indexdef.h"
#include "idxtune/review.h"
#include "testutil.h"

static void add(ixt_review *r, const char *def, const char *name, const char *schema, const char *table,
                double before, double after, bool measured)
{
    ixt_review_item it = {
        .def = (char *)def, .name = (char *)name, .schema = (char *)schema, .table = (char *)table,
        .method = "btree", .size_bytes = 14155776, .write_rate = measured ? 12.5 : -1,
        .ev = {.sql = "SELECT seq, ts FROM run_logs\n WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
               .queryid = measured ? -810177043276847703LL : 0, .cost_before = before, .cost_after = after,
               .measured = measured, .ms_before = 444.2, .ms_after = 0.05, .build_ms = 830},
    };
    ixt_review_accept(r, &it);
}

static void sample(ixt_review *r)
{
    memset(r, 0, sizeof *r);
    r->conn_label = ixt_xstrdup("dba@db.example.com:5432/app");
    r->server_version = ixt_xstrdup("15.18");
    add(r, "CREATE INDEX ON run_logs (run_id, seq)", "run_logs_run_id_seq_idx", "public", "run_logs", 89836.24,
        4.95, true);
    add(r, "create index on \"Mixed Case\" (\"Select\", lower(\"ünï\")) where \"with space\" is not null",
        "mixed_case_select_expr_idx", "Odd Schema", "Mixed Case", 1200, 35.5, false);
}

static void check_golden(const char *name, const char *got)
{
    char *path = ixt_xasprintf("%s/export/%s", ixt_testdata(), name);
    ixt_err e;
    char *want = ixt_read_file(path, NULL, &e);
    if (getenv("IXT_UPDATE_GOLDEN")) {
        ixt_write_file_atomic(path, got, strlen(got), true, &e);
    } else if (!want) {
        fail_msg("%s", e.msg);
    } else if (strcmp(want, got) != 0) {
        fail_msg("%s differs from the golden file; got:\n%s", name, got);
    }
    free(want);
    free(path);
}

static void test_golden_outputs(void **state)
{
    (void)state;
    ixt_review r;
    sample(&r);
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    ixt_err e;
    char *sql = ixt_export_sql(&r, &o, &e), *rb = ixt_export_rollback(&r, &o, &e), *md = ixt_export_markdown(&r, &o, &e);
    assert_non_null(sql);
    assert_non_null(strstr(sql, "CREATE INDEX CONCURRENTLY IF NOT EXISTS mixed_case_select_expr_idx ON "
                                "\"Odd Schema\".\"Mixed Case\" USING btree (\"Select\", lower(\"ünï\")) "
                                "WHERE \"with space\" IS NOT NULL;"));
    assert_non_null(strstr(rb, "DROP INDEX CONCURRENTLY IF EXISTS \"Odd Schema\".mixed_case_select_expr_idx;\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS public.run_logs_run_id_seq_idx;"));
    check_golden("indexes.sql", sql);
    check_golden("indexes_rollback.sql", rb);
    check_golden("indexes.md", md);
    free(sql);
    free(rb);
    free(md);
    ixt_export_opts plain = {.concurrently = false, .date = "2026-11-24 10:00 UTC"};
    sql = ixt_export_sql(&r, &plain, &e);
    rb = ixt_export_rollback(&r, &plain, &e);
    assert_null(strstr(sql, "CONCURRENTLY IF"));
    assert_non_null(strstr(sql, "CREATE INDEX IF NOT EXISTS run_logs_run_id_seq_idx ON public.run_logs"));
    assert_non_null(strstr(rb, "DROP INDEX IF EXISTS public.run_logs_run_id_seq_idx;"));
    free(sql);
    free(rb);
    ixt_review_free(&r);
}

static void test_session_round_trip(void **state)
{
    (void)state;
    ixt_review r, back;
    sample(&r);
    ixt_review_reject(&r, &r.items[0]);
    char *one = ixt_review_to_json(&r);
    ixt_err e;
    assert_int_equal(ixt_review_from_json(&back, one, "s.json", &e), 0);
    char *two = ixt_review_to_json(&back);
    assert_string_equal(one, two);
    assert_int_equal(back.n, 2);
    assert_int_equal(back.nrejected, 1);
    assert_string_equal(back.items[1].schema, "Odd Schema");
    assert_true(back.items[0].ev.queryid == -810177043276847703LL);
    assert_null(strstr(one, "password"));
    /* through a file: save, load, save gives the same bytes */
    char dir[] = "/tmp/ixt-session-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p1 = ixt_xasprintf("%s/a.json", dir), *p2 = ixt_xasprintf("%s/b.json", dir);
    assert_int_equal(ixt_review_save(&back, p1, false, &e), 0);
    assert_false(back.unsaved);
    assert_int_equal(ixt_review_save(&back, p1, false, &e), -1);
    assert_non_null(strstr(e.msg, "already exists"));
    ixt_review third;
    assert_int_equal(ixt_review_load(&third, p1, &e), 0);
    assert_int_equal(ixt_review_save(&third, p2, false, &e), 0);
    char *b1 = ixt_read_file(p1, NULL, &e), *b2 = ixt_read_file(p2, NULL, &e);
    assert_string_equal(b1, b2);
    remove(p1);
    remove(p2);
    remove(dir);
    free(b1);
    free(b2);
    free(p1);
    free(p2);
    free(one);
    free(two);
    ixt_review_free(&r);
    ixt_review_free(&back);
    ixt_review_free(&third);
}

static void test_session_errors(void **state)
{
    (void)state;
    ixt_review r;
    ixt_err e;
    assert_int_equal(ixt_review_from_json(&r, "{\"idxtune_session\": 99, \"accepted\": []}", "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "session version 99 is newer"));
    assert_int_equal(ixt_review_from_json(&r, "{\"accepted\": []}", "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "not an idxtune session"));
    assert_int_equal(ixt_review_from_json(&r, "{oops", "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "s.json: not a session file"));
    assert_int_equal(ixt_review_from_json(&r, "{\"idxtune_session\": 1, \"accepted\": [{\"name\": 1}], "
                                              "\"rejected\": []}", "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "accepted 1"));
    assert_int_equal(ixt_review_load(&r, "/nonexistent/s.json", &e), -1);
}

static void test_index_names(void **state)
{
    (void)state;
    char *n = ixt_index_name("runs", "status_run_at");
    assert_string_equal(n, "runs_status_run_at_idx");
    free(n);
    n = ixt_index_name("Mixed Case", "Select_expr");
    assert_string_equal(n, "mixed_case_select_expr_idx");
    free(n);
    char *a = ixt_index_name("webhook_deliveries_archive_2026", "tenant_id_webhook_id_status_next_attempt_at");
    char *b = ixt_index_name("webhook_deliveries_archive_2026", "tenant_id_webhook_id_status_next_attempt_on");
    assert_int_equal(strlen(a), 63);
    assert_int_equal(strlen(b), 63);
    assert_string_not_equal(a, b);
    assert_int_equal(strncmp(a, "webhook_deliveries_archive_2026_tenant_id", 41), 0);
    assert_string_equal(a + 59, "_idx");
    free(a);
    free(b);
    n = ixt_index_plain_name("My Index \"1\"");
    assert_string_equal(n, "my_index__1_");
    free(n);
    ixt_review r;
    sample(&r);
    ixt_err e;
    assert_int_equal(ixt_review_rename(&r, 1, "run_logs_run_id_seq_idx", &e), -1);
    assert_non_null(strstr(e.msg, "already called"));
    assert_int_equal(ixt_review_rename(&r, 1, "Odd Name", &e), 0);
    assert_string_equal(r.items[1].name, "odd_name");
    ixt_review_move(&r, 1, -1);
    assert_string_equal(r.items[0].name, "odd_name");
    ixt_review_remove(&r, 0);
    assert_int_equal(r.n, 1);
    ixt_review_free(&r);
}

static void test_indexdef(void **state)
{
    (void)state;
    ixt_indexdef d;
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("CREATE UNIQUE INDEX x ON s.t USING hash (lower(a)) WHERE b", &d, &e), 0);
    assert_string_equal(d.schema, "s");
    assert_string_equal(d.table, "t");
    assert_string_equal(d.method, "hash");
    assert_string_equal(d.name, "x");
    assert_string_equal(d.colnames, "expr");
    assert_true(d.unique && d.partial);
    ixt_indexdef_free(&d);
    assert_int_equal(ixt_indexdef_parse("SELECT 1", &d, &e), -1);
    assert_non_null(strstr(e.msg, "CREATE INDEX"));
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON", &d, &e), -1);
    char *sql = ixt_indexdef_render("CREATE INDEX ON \"select\" (\"from\" DESC NULLS LAST) INCLUDE (\"Id\")",
                                    "public", "select_from_idx", true, true, &e);
    assert_string_equal(sql, "CREATE INDEX CONCURRENTLY IF NOT EXISTS select_from_idx ON public.\"select\" "
                             "USING btree (\"from\" DESC NULLS LAST) INCLUDE (\"Id\")");
    free(sql);
    sql = ixt_index_drop_sql(NULL, "x_idx", false, &e);
    assert_string_equal(sql, "DROP INDEX IF EXISTS x_idx");
    free(sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_outputs),
        cmocka_unit_test(test_session_round_trip),
        cmocka_unit_test(test_session_errors),
        cmocka_unit_test(test_index_names),
        cmocka_unit_test(test_indexdef),
    };
    return IXT_RUN_TESTS(tests);
}
