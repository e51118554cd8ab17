/* review and export: golden SQL, rollback and Markdown files, session
 * round trips, index names. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/export.h"
#include "idxtune/indexdef.h"
#include "idxtune/review.h"
#include "idxtune/review_diff.h"
#include "idxtune/sqlquote.h"
#include "testutil.h"

#define WHEN ((time_t)1795000000) /* 2026-11-18T11:06:40Z */

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
    ixt_err e;
    assert_int_equal(ixt_review_decide(r, 0, IXT_VERDICT_APPROVED, "checked on staging", "alice", WHEN, &e), 0);
    assert_int_equal(ixt_review_decide(r, 1, IXT_VERDICT_APPROVED, NULL, "bob", WHEN, &e), 0);
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
    char *sql = ixt_export_sql(&r, &o, &e), *rb = ixt_export_rollback(&r, &o), *md = ixt_export_markdown(&r, &o, &e);
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
    rb = ixt_export_rollback(&r, &plain);
    assert_null(strstr(sql, "CONCURRENTLY IF"));
    assert_non_null(strstr(sql, "CREATE INDEX IF NOT EXISTS run_logs_run_id_seq_idx ON public.run_logs"));
    assert_non_null(strstr(rb, "DROP INDEX IF EXISTS public.run_logs_run_id_seq_idx;"));
    free(sql);
    free(rb);
    ixt_review_free(&r);
}

/* An index on a partitioned table: ON ONLY the parent, each partition's
 * index built concurrently and attached, the parent's validity checked;
 * the rollback drops the parent's index, then any partition's left. */
static void partitioned(ixt_review *r)
{
    memset(r, 0, sizeof *r);
    ixt_partition parts[] = {
        {"public", "delivery_attempts_2026_10", "delivery_attempts_2026_10_webhook_id_attempted_at_idx"},
        {"Odd Schema", "Attempts \"Nov\"", "attempts_nov_webhook_id_attempted_at_idx"},
    };
    ixt_review_item it = {
        .def = "CREATE INDEX ON delivery_attempts (webhook_id, attempted_at)",
        .name = "delivery_attempts_webhook_id_attempted_at_idx", .schema = "public", .table = "delivery_attempts",
        .method = "btree", .size_bytes = 1 << 20, .write_rate = -1, .ev = {.sql = "SELECT 1"},
        .partitioned = true, .parts = parts, .nparts = 2,
    };
    ixt_review_accept(r, &it);
}

static void test_partitioned_rollout(void **state)
{
    (void)state;
    ixt_review r;
    partitioned(&r);
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    ixt_err e;
    /* not approved: every statement commented out */
    char *sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(strstr(sql, "-- ALTER INDEX public.delivery_attempts_webhook_id_attempted_at_idx ATTACH "
                                "PARTITION \"Odd Schema\".attempts_nov_webhook_id_attempted_at_idx;"));
    assert_null(strstr(sql, "\nALTER INDEX"));
    free(sql);
    assert_int_equal(ixt_review_decide(&r, 0, IXT_VERDICT_APPROVED, NULL, "alice", WHEN, &e), 0);
    sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(sql);
    assert_non_null(strstr(sql,
        "--      \"Odd Schema\".\"Attempts \"Nov\"\" -> index attempts_nov_webhook_id_attempted_at_idx\n") ||
        strstr(sql, "--      Odd Schema.Attempts \"Nov\" -> index attempts_nov_webhook_id_attempted_at_idx\n"));
    assert_non_null(strstr(sql,
        "CREATE INDEX IF NOT EXISTS delivery_attempts_webhook_id_attempted_at_idx ON ONLY public.delivery_attempts "
        "USING btree (webhook_id, attempted_at);\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS delivery_attempts_2026_10_webhook_id_attempted_at_idx ON "
        "public.delivery_attempts_2026_10 USING btree (webhook_id, attempted_at);\n"
        "ALTER INDEX public.delivery_attempts_webhook_id_attempted_at_idx ATTACH PARTITION "
        "public.delivery_attempts_2026_10_webhook_id_attempted_at_idx;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS attempts_nov_webhook_id_attempted_at_idx ON "
        "\"Odd Schema\".\"Attempts \"\"Nov\"\"\" USING btree (webhook_id, attempted_at);\n"
        "ALTER INDEX public.delivery_attempts_webhook_id_attempted_at_idx ATTACH PARTITION "
        "\"Odd Schema\".attempts_nov_webhook_id_attempted_at_idx;\n"
        "-- Phase 1 check: valid must be true"));
    /* never CONCURRENTLY on the partitioned parent */
    assert_null(strstr(sql, "CONCURRENTLY IF NOT EXISTS delivery_attempts_webhook_id_attempted_at_idx"));
    assert_non_null(strstr(sql, "'delivery_attempts_webhook_id_attempted_at_idx', "
                                "'delivery_attempts_2026_10_webhook_id_attempted_at_idx', "
                                "'attempts_nov_webhook_id_attempted_at_idx');"));
    char *rb = ixt_export_rollback(&r, &o);
    assert_non_null(strstr(rb, "\nDROP INDEX IF EXISTS public.delivery_attempts_webhook_id_attempted_at_idx;\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS \"Odd Schema\".attempts_nov_webhook_id_attempted_at_idx;\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS "
                               "public.delivery_attempts_2026_10_webhook_id_attempted_at_idx;\n"));
    free(sql);
    free(rb);
    /* the report's table column says the rollout is per partition */
    char *md = ixt_export_markdown(&r, &o, &e);
    assert_non_null(strstr(md, "| `public.delivery_attempts` (partitioned: 2 partitions) |"));
    free(md);
    /* in a migration's transaction: one plain CREATE INDEX, PostgreSQL builds the partitions' */
    ixt_export_opts plain = {.concurrently = false, .date = "2026-11-24 10:00 UTC"};
    sql = ixt_export_sql(&r, &plain, &e);
    rb = ixt_export_rollback(&r, &plain);
    assert_non_null(strstr(sql, "\nCREATE INDEX IF NOT EXISTS delivery_attempts_webhook_id_attempted_at_idx ON "
                                "public.delivery_attempts USING btree (webhook_id, attempted_at);\n"));
    assert_null(strstr(sql, "ATTACH"));
    assert_non_null(strstr(rb, "\nDROP INDEX IF EXISTS public.delivery_attempts_webhook_id_attempted_at_idx;\n"));
    free(sql);
    free(rb);
    /* the session keeps the partitions */
    char *one = ixt_review_to_json(&r);
    ixt_review back;
    assert_int_equal(ixt_review_from_json(&back, one, "s.json", &e), 0);
    assert_true(back.items[0].partitioned);
    assert_int_equal(back.items[0].nparts, 2);
    assert_string_equal(back.items[0].parts[1].table, "Attempts \"Nov\"");
    char *two = ixt_review_to_json(&back);
    assert_string_equal(one, two);
    free(one);
    free(two);
    ixt_review_free(&back);
    ixt_review_free(&r);
}

/* Two levels (by month, then by tenant hash), with awkward names: every
 * sub-partitioned partition's index ON ONLY after the parent's, each leaf's
 * built concurrently and attached to its own parent's index, then the
 * sub-partitioned ones' attached bottom-up; the rollback drops the
 * parent's index, the sub-partitioned ones' top-down, then the leaves'. */
static void test_subpartitioned_rollout(void **state)
{
    (void)state;
    ixt_partition parts[] = {
        {"public", "events_2026_10", "events_2026_10_tenant_idx", 0, true},
        {"Odd Schema", "Events \"Nov\"", "Nov; idx", 0, true},
        {"public", "events_default", "events_default_tenant_idx", 0, false},
        {"public", "events_2026_10_h0", "events_2026_10_h0_tenant_idx", 1, false},
        {"Odd Schema", "Nov h0", "nov_h0_tenant_idx", 2, false},
    };
    ixt_review_item it = {
        .def = "CREATE INDEX ON events (tenant)", .name = "events_tenant_idx", .schema = "public",
        .table = "events", .method = "btree", .size_bytes = 1 << 20, .write_rate = -1, .ev = {.sql = "SELECT 1"},
        .partitioned = true, .parts = parts, .nparts = 5,
    };
    ixt_review r;
    memset(&r, 0, sizeof r);
    ixt_review_accept(&r, &it);
    ixt_err e;
    assert_int_equal(ixt_review_decide(&r, 0, IXT_VERDICT_APPROVED, NULL, "alice", WHEN, &e), 0);
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    char *sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(sql);
    assert_non_null(strstr(sql,
        "CREATE INDEX IF NOT EXISTS events_tenant_idx ON ONLY public.events USING btree (tenant);\n"
        "CREATE INDEX IF NOT EXISTS events_2026_10_tenant_idx ON ONLY public.events_2026_10 USING btree (tenant);\n"
        "CREATE INDEX IF NOT EXISTS \"Nov; idx\" ON ONLY \"Odd Schema\".\"Events \"\"Nov\"\"\" USING btree (tenant);\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_default_tenant_idx ON public.events_default "
        "USING btree (tenant);\n"
        "ALTER INDEX public.events_tenant_idx ATTACH PARTITION public.events_default_tenant_idx;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_10_h0_tenant_idx ON public.events_2026_10_h0 "
        "USING btree (tenant);\n"
        "ALTER INDEX public.events_2026_10_tenant_idx ATTACH PARTITION public.events_2026_10_h0_tenant_idx;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS nov_h0_tenant_idx ON \"Odd Schema\".\"Nov h0\" "
        "USING btree (tenant);\n"
        "ALTER INDEX \"Odd Schema\".\"Nov; idx\" ATTACH PARTITION \"Odd Schema\".nov_h0_tenant_idx;\n"
        "ALTER INDEX public.events_tenant_idx ATTACH PARTITION \"Odd Schema\".\"Nov; idx\";\n"
        "ALTER INDEX public.events_tenant_idx ATTACH PARTITION public.events_2026_10_tenant_idx;\n"
        "-- Phase 1 check: valid must be true"));
    /* CONCURRENTLY on no partitioned table, at any level */
    assert_null(strstr(sql, "CONCURRENTLY IF NOT EXISTS events_tenant_idx"));
    assert_null(strstr(sql, "CONCURRENTLY IF NOT EXISTS events_2026_10_tenant_idx"));
    assert_null(strstr(sql, "CONCURRENTLY IF NOT EXISTS \"Nov; idx\""));
    assert_non_null(strstr(sql, "--      public.events_2026_10_h0 -> index events_2026_10_h0_tenant_idx, a partition "
                                "of public.events_2026_10\n"));
    assert_non_null(strstr(sql, "--      public.events_2026_10 -> index events_2026_10_tenant_idx (itself "
                                "partitioned: its index ON ONLY, attached once its partitions' are)\n"));
    /* the statistics are the leaves' */
    assert_non_null(strstr(sql, "IN ('events_tenant_idx', 'events_default_tenant_idx', "
                                "'events_2026_10_h0_tenant_idx', 'nov_h0_tenant_idx');"));
    char *rb = ixt_export_rollback(&r, &o);
    assert_non_null(strstr(rb, "\nDROP INDEX IF EXISTS public.events_tenant_idx;\n"
                               "DROP INDEX IF EXISTS public.events_2026_10_tenant_idx;\n"
                               "DROP INDEX IF EXISTS \"Odd Schema\".\"Nov; idx\";\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS \"Odd Schema\".nov_h0_tenant_idx;\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS public.events_2026_10_h0_tenant_idx;\n"
                               "DROP INDEX CONCURRENTLY IF EXISTS public.events_default_tenant_idx;\n"));
    free(sql);
    free(rb);
    /* the session keeps the tree; one level is written as before (no "parent", no "partitioned") */
    char *one = ixt_review_to_json(&r);
    int nparent = 0;
    for (const char *at = one; (at = strstr(at, "\"parent\": {")); at++)
        nparent++;
    assert_int_equal(nparent, 2);
    ixt_review back;
    assert_int_equal(ixt_review_from_json(&back, one, "s.json", &e), 0);
    assert_int_equal(back.items[0].nparts, 5);
    assert_true(back.items[0].parts[1].partitioned);
    assert_false(back.items[0].parts[2].partitioned);
    assert_int_equal(back.items[0].parts[2].parent, 0);
    assert_int_equal(back.items[0].parts[4].parent, 2);
    char *two = ixt_review_to_json(&back);
    assert_string_equal(one, two);
    free(one);
    free(two);
    ixt_review_free(&back);
    ixt_review_free(&r);
}

static void test_partitions_checked(void **state)
{
    (void)state;
    static const struct { const char *parts, *msg; } bad[] = {
        {"{}", "\"partitions\" is not a list"},
        {"[1]", "partition 1: not an object"},
        {"[{\"schema\": \"public\", \"table\": \"p1\"}]", "partition 1: \"index\" is missing"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"\"}]", "partition 1: \"index\" is empty"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"i\"}]", "is the name of the parent's index"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p_i\"},"
         " {\"schema\": \"public\", \"table\": \"p2\", \"index\": \"p_i\"}]", "partition 2: \"index\" p_i is also"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p1_i\", \"partitioned\": 1}]",
         "partition 1: \"partitioned\" is not true or false"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p1_i\", \"parent\": \"p0\"}]",
         "partition 1: \"parent\" is not an object"},
        /* a parent must come first, and be partitioned */
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p1_i\","
         " \"parent\": {\"schema\": \"public\", \"table\": \"p2\"}},"
         " {\"schema\": \"public\", \"table\": \"p2\", \"index\": \"p2_i\", \"partitioned\": true}]",
         "partition 1: \"parent\" public.p2 is not a partitioned partition listed before it"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p1_i\"},"
         " {\"schema\": \"public\", \"table\": \"p2\", \"index\": \"p2_i\","
         " \"parent\": {\"schema\": \"public\", \"table\": \"p1\"}}]",
         "partition 2: \"parent\" public.p1 is not a partitioned partition"},
        {"[{\"schema\": \"public\", \"table\": \"p1\", \"index\": \"p1_i\", \"parent\": {\"schema\": \"public\"}}]",
         "partition 1: \"table\" is missing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = ixt_xasprintf("{\"idxtune_session\": 2, \"accepted\": [{\"name\": \"i\", \"schema\": \"public\","
                                   " \"table\": \"t\", \"method\": \"btree\", \"definition\": \"CREATE INDEX ON t (a)\","
                                   " \"size_bytes\": 1, \"write_rate\": null, \"evidence\": {\"statement\": \"\","
                                   " \"queryid\": null, \"cost_before\": 1, \"cost_after\": 1, \"measured\": false,"
                                   " \"median_ms_before\": null, \"median_ms_after\": null, \"build_ms\": null},"
                                   " \"partitions\": %s}], \"rejected\": []}", bad[i].parts);
        ixt_review r;
        ixt_err e;
        assert_int_equal(ixt_review_from_json(&r, text, "s.json", &e), -1);
        if (!strstr(e.msg, bad[i].msg))
            fail_msg("case %zu: %s", i, e.msg);
        free(text);
    }
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
    assert_int_equal(back.items[0].decision.verdict, IXT_VERDICT_APPROVED);
    assert_string_equal(back.items[0].decision.comment, "checked on staging");
    assert_string_equal(back.items[0].decision.by, "alice");
    assert_string_equal(back.items[0].decision.at, "2026-11-18T11:06:40Z");
    assert_null(back.items[1].decision.comment);
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

/* A session with one accepted item whose fields are given as JSON text. */
static int load_item(const char *name, const char *schema, const char *table, const char *method, const char *def,
                     ixt_err *e)
{
    char *text = ixt_xasprintf("{\"idxtune_session\": 1, \"connection\": \"c\", \"server_version\": \"15\", "
                               "\"accepted\": [{\"name\": %s, \"schema\": %s, \"table\": %s, \"method\": %s, "
                               "\"definition\": %s, \"size_bytes\": 1, \"write_rate\": -1, \"evidence\": "
                               "{\"statement\": \"\", \"queryid\": 0, \"cost_before\": 1, \"cost_after\": 1, "
                               "\"measured\": false, \"median_ms_before\": 0, \"median_ms_after\": 0, "
                               "\"build_ms\": 0}}], \"rejected\": []}",
                               name, schema, table, method, def);
    ixt_review r;
    int rc = ixt_review_from_json(&r, text, "s.json", e);
    if (rc == 0)
        ixt_review_free(&r);
    free(text);
    return rc;
}

static void test_session_fields_checked(void **state)
{
    (void)state;
    ixt_err e;
    const char *def = "\"CREATE INDEX ON public.t (a)\"";
    assert_int_equal(load_item("\"T\\\"x\"", "\"public\"", "\"t\"", "\"btree\"", def, &e), 0);
    static const struct { const char *name, *schema, *table, *method, *def, *msg; } bad[] = {
        {"1", "\"public\"", "\"t\"", "\"btree\"", NULL, "accepted 1: \"name\" is not a string"},
        {"\"\"", "\"public\"", "\"t\"", "\"btree\"", NULL, "\"name\" is empty"},
        {"\"a123456789b123456789c123456789d123456789e123456789f123456789xyzw\"", "\"public\"", "\"t\"",
         "\"btree\"", NULL, "\"name\" is longer than 63 bytes"},
        {"\"i\"", "null", "\"t\"", "\"btree\"", NULL, "\"schema\" is not a string"},
        {"\"i\"", "\"public\"", "[]", "\"btree\"", NULL, "\"table\" is not a string"},
        {"\"i\"", "\"public\"", "\"t\"", "\"hash\"", NULL, "\"method\" hash is not the definition's btree"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "\"CREATE INDEX ON t (a); DROP TABLE victim\"",
         "\"definition\": expected one CREATE INDEX"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "\"DROP TABLE victim\"", "\"definition\": expected one"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "\"CREATE INDEX ON victim (v)\"",
         "\"definition\" is on victim, not on"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "\"CREATE INDEX ON other.t (a)\"",
         "\"definition\" is on other.t"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "\"CREATE INDEX ON\"", "\"definition\": the index definition "
                                                                           "does not parse"},
        {"\"i\"", "\"public\"", "\"t\"", "\"btree\"", "7", "\"definition\" is not a string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(load_item(bad[i].name, bad[i].schema, bad[i].table, bad[i].method,
                                   bad[i].def ? bad[i].def : def, &e), -1);
        if (!strstr(e.msg, bad[i].msg))
            fail_msg("case %zu: %s", i, e.msg);
        assert_non_null(strstr(e.msg, "s.json: accepted 1: "));
    }
    ixt_review r;
    assert_int_equal(ixt_review_from_json(&r, "{\"idxtune_session\": 1, \"connection\": 5, \"accepted\": [], "
                                              "\"rejected\": []}", "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "\"connection\" is not a string"));
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
    ixt_review r;
    sample(&r);
    ixt_err e;
    assert_int_equal(ixt_review_rename(&r, 1, "run_logs_run_id_seq_idx", &e), -1);
    assert_non_null(strstr(e.msg, "already called"));
    /* a name is kept as typed: the export quotes it */
    assert_int_equal(ixt_review_rename(&r, 1, "Odd Name", &e), 0);
    assert_string_equal(r.items[1].name, "Odd Name");
    assert_int_equal(ixt_review_rename(&r, 1, "", &e), -1);
    assert_int_equal(ixt_review_rename(&r, 1, "a123456789b123456789c123456789d123456789e123456789f123456789xyzw", &e), -1);
    assert_non_null(strstr(e.msg, "longer than 63 bytes"));
    ixt_review_move(&r, 1, -1);
    assert_string_equal(r.items[0].name, "Odd Name");
    ixt_review_remove(&r, 0);
    assert_int_equal(r.n, 1);
    ixt_review_free(&r);
}

static void test_quoting(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"abc", "abc"},           {"_x1", "_x1"},       {"MyIdx", "\"MyIdx\""},  {"select", "\"select\""},
        {"between", "\"between\""}, {"user", "\"user\""}, {"name", "name"},        {"index", "index"},
        {"", "\"\""},             {"1a", "\"1a\""},     {"a\"b", "\"a\"\"b\""},   {"ünï", "\"ünï\""},
        {"a b", "\"a b\""},       {"left", "\"left\""}, {"a\nb", "\"a\nb\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *q = ixt_quote_ident(cases[i][0]);
        assert_string_equal(q, cases[i][1]);
        free(q);
    }
    char *q = ixt_quote_qualified("public", "T");
    assert_string_equal(q, "public.\"T\"");
    free(q);
    q = ixt_quote_literal("it's");
    assert_string_equal(q, "'it''s'");
    free(q);
    q = ixt_quote_literal("a\\'b");
    assert_string_equal(q, "E'a\\\\''b'");
    free(q);
    q = ixt_comment_text("one\ntwo\r\x1b[2Jthree\x7f", 100);
    assert_string_equal(q, "one two [2Jthree");
    free(q);
    q = ixt_comment_text("ééé", 3); /* never half a character */
    assert_string_equal(q, "é ...");
    free(q);
}

#define HOSTILE_COMMENT "ok\n; DROP TABLE victim; --\r\n```\n`x` | <img src=x onerror=alert(1)> *y* [l](http://e)"

/* A session item with the given name, schema, table, definition and
 * connection label: the fields a colleague's file can set. */
static void hostile(ixt_review *r, const char *name, const char *schema, const char *table, const char *def,
                    const char *label)
{
    memset(r, 0, sizeof *r);
    r->conn_label = ixt_xstrdup(label);
    r->server_version = ixt_xstrdup("15\n; DROP TABLE victim; --");
    ixt_review_item it = {.def = (char *)def, .name = (char *)name, .schema = (char *)schema,
                          .table = (char *)table, .method = "btree\nDROP TABLE victim;", .write_rate = 3,
                          .ev = {.sql = "SELECT 1\n; DROP TABLE victim; -- `x` | <script>"}};
    ixt_review_accept(r, &it);
    ixt_err e;
    assert_int_equal(ixt_review_decide(r, 0, IXT_VERDICT_APPROVED, HOSTILE_COMMENT, "eve\n; DROP TABLE victim; |<i>",
                                       WHEN, &e), 0);
}

/* No line of the SQL or rollback starts anything but a comment, the one
 * CREATE/DROP, or the checks. */
static void check_lines(const char *text)
{
    char *copy = ixt_xstrdup(text);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "--", 2) != 0 && strncmp(line, "CREATE INDEX", 12) != 0 &&
            strncmp(line, "DROP INDEX", 10) != 0 && strncmp(line, "SELECT ", 7) != 0 && line[0] != ' ')
            fail_msg("unexpected line: %s", line);
    free(copy);
}

static void test_hostile_fields_stay_in_place(void **state)
{
    (void)state;
    ixt_review r;
    hostile(&r, "x ON t (a); DROP TABLE victim; CREATE INDEX y", "pub lic", "t'; DROP TABLE victim; --",
            "CREATE INDEX ON \"t'; DROP TABLE victim; --\" (a)", "me@h\n; DROP TABLE victim;\r--");
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    ixt_err e;
    char *sql = ixt_export_sql(&r, &o, &e), *rb = ixt_export_rollback(&r, &o);
    assert_non_null(sql);
    check_lines(sql);
    check_lines(rb);
    assert_non_null(strstr(sql, "IF NOT EXISTS \"x ON t (a); DROP TABLE victim; CREATE INDEX y\" ON "
                                "\"pub lic\".\"t'; DROP TABLE victim; --\""));
    assert_non_null(strstr(sql, "IN ('x ON t (a); DROP TABLE victim; CREATE INDEX y');"));
    assert_non_null(strstr(rb, "DROP INDEX CONCURRENTLY IF EXISTS \"pub lic\".\"x ON t (a); DROP TABLE victim; "
                               "CREATE INDEX y\";"));
    free(sql);
    free(rb);
    ixt_review_free(&r);
    hostile(&r, "it's", "s", "t", "CREATE INDEX ON t (a)", "x");
    sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(strstr(sql, "IN ('it''s');"));
    free(sql);
    ixt_review_free(&r);
}

static void test_markdown_escapes(void **state)
{
    (void)state;
    ixt_review r;
    hostile(&r, "a|b`c<img src=x>", "s", "t", "CREATE INDEX ON t (a) WHERE b <> E'\\n```\\n<b>x</b>'",
            "<script>alert(1)</script>`|*x*");
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    ixt_err e;
    char *md = ixt_export_markdown(&r, &o, &e);
    assert_non_null(md);
    /* code spans fenced by more backticks than the text has; pipes in the
     * table escaped; the label is in a code span, so its HTML is text */
    assert_non_null(strstr(md, "for ``<script>alert(1)</script>`|*x*`` (PostgreSQL 15 ; DROP TABLE victim; --)"));
    assert_non_null(strstr(md, "| 1 | ``a\\|b`c<img src=x>`` | `s.t` | ``SELECT 1 ; DROP TABLE victim; -- `x` \\| "
                               "<script>`` |"));
    /* the table has exactly its columns on the row */
    const char *row = strstr(md, "| 1 |");
    int pipes = 0;
    for (const char *p = row; *p && *p != '\n'; p++)
        pipes += *p == '|' && p[-1] != '\\';
    assert_int_equal(pipes, 11);
    /* the review table: the hostile comment and reviewer are escaped text
     * on one row of exactly six cells */
    assert_non_null(strstr(md, "| 1 | ``a\\|b`c<img src=x>`` | **approved** | eve ; DROP TABLE victim; \\|\\<i\\> | "
                               "2026-11-18T11:06:40Z | ok ; DROP TABLE victim; -- \\`\\`\\` \\`x\\` \\| "
                               "\\<img src=x onerror=alert(1)\\> \\*y\\* \\[l\\](http://e) |\n"));
    /* the definition holds ``` on a line of its own: the SQL block's fence
     * is longer, so that line cannot close it and the HTML after it stays
     * code */
    assert_non_null(strstr(md, "\n````sql\n"));
    assert_non_null(strstr(md, "\n```\n<b>x</b>"));
    free(md);
    ixt_review_free(&r);
}

/* Only approved indexes run: the others are commented out (or left out
 * with approved_only) and the rollback drops only what the SQL creates. */
static void test_verdicts_gate_export(void **state)
{
    (void)state;
    ixt_review r;
    sample(&r);
    ixt_err e;
    assert_int_equal(ixt_review_decide(&r, 1, IXT_VERDICT_NEEDS_TRIAL, "try it for real\nCREATE INDEX evil ON t (a);",
                                       "carol", WHEN, &e), 0);
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    char *sql = ixt_export_sql(&r, &o, &e), *rb = ixt_export_rollback(&r, &o);
    check_lines(sql);
    assert_non_null(strstr(sql, "-- Approved: 1; the 1 not approved are below, commented out\n"));
    assert_non_null(strstr(sql, "\nCREATE INDEX CONCURRENTLY IF NOT EXISTS run_logs_run_id_seq_idx ON"));
    assert_non_null(strstr(sql, "\n-- NOT APPLIED: needs real trial; approve it (idxtune review --approve "
                                "mixed_case_select_expr_idx) to run it\n-- CREATE INDEX CONCURRENTLY IF NOT EXISTS "
                                "mixed_case_select_expr_idx ON"));
    assert_non_null(strstr(sql, "--    review: needs real trial by carol at 2026-11-18T11:06:40Z: try it for real "
                                "CREATE INDEX evil ON t (a);\n"));
    assert_non_null(strstr(sql, "IN ('run_logs_run_id_seq_idx');"));
    assert_null(strstr(rb, "mixed_case_select_expr_idx"));
    assert_non_null(strstr(rb, "DROP INDEX CONCURRENTLY IF EXISTS public.run_logs_run_id_seq_idx;"));
    free(sql);
    o.approved_only = true;
    sql = ixt_export_sql(&r, &o, &e);
    check_lines(sql);
    assert_null(strstr(sql, "mixed_case_select_expr_idx"));
    assert_non_null(strstr(sql, "the 1 not approved are left out"));
    char *rb2 = ixt_export_rollback(&r, &o);
    assert_string_equal(rb, rb2);
    free(sql);
    free(rb);
    free(rb2);
    /* a proposal nobody decided on says so; re-accepting with new
     * evidence resets the verdict */
    ixt_review_item again = r.items[0];
    ixt_review_accept(&r, &again);
    assert_int_equal(r.items[0].decision.verdict, IXT_VERDICT_APPROVED);
    ixt_review_item fresh = r.items[0];
    fresh.decision = (ixt_decision){0};
    ixt_review_accept(&r, &fresh);
    assert_int_equal(r.items[0].decision.verdict, IXT_VERDICT_PROPOSED);
    sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(strstr(sql, "-- Approved: 0;"));
    assert_null(strstr(sql, "\nCREATE INDEX"));
    free(sql);
    o.approved_only = false;
    sql = ixt_export_sql(&r, &o, &e);
    assert_non_null(strstr(sql, "--    review: proposed (nobody decided yet)\n"));
    free(sql);
    assert_int_equal(ixt_review_decide(&r, 5, IXT_VERDICT_APPROVED, NULL, "x", WHEN, &e), -1);
    assert_int_equal(ixt_review_decide(&r, 0, IXT_VERDICT_APPROVED, NULL, "", WHEN, &e), -1);
    assert_non_null(strstr(e.msg, "reviewer's name is empty"));
    assert_int_equal(ixt_review_find(&r, "mixed_case_select_expr_idx"), 1);
    assert_int_equal(ixt_review_find(&r, "nope"), -1);
    ixt_verdict v;
    assert_int_equal(ixt_verdict_parse("needs_trial", &v), 0);
    assert_int_equal(v, IXT_VERDICT_NEEDS_TRIAL);
    assert_int_equal(ixt_verdict_parse("ok", &v), -1);
    ixt_review_free(&r);
}

/* The "review" object of a session item is checked field by field. */
static void test_review_fields_checked(void **state)
{
    (void)state;
    static const struct { const char *review, *msg; } cases[] = {
        {"{\"verdict\": \"approved\", \"comment\": \"a\\nb\", \"by\": \"x\", \"at\": \"2026-11-18T11:06:40Z\"}", NULL},
        {"{\"verdict\": \"proposed\"}", NULL},
        {"[]", "\"review\" is not an object"},
        {"{}", "review: \"verdict\" is missing"},
        {"{\"verdict\": \"yes\"}", "review: \"verdict\" is not proposed, approved, rejected or needs_trial"},
        {"{\"verdict\": \"approved\", \"comment\": 3}", "review: \"comment\" is not a string"},
        {"{\"verdict\": \"approved\", \"by\": \"\"}", "review: \"by\" is empty"},
        {"{\"verdict\": \"approved\", \"by\": null}", "review: \"by\" is not a string"},
        {"{\"verdict\": \"approved\", \"at\": \"yesterday\"}", "review: \"at\" is not a time"},
        {"{\"verdict\": \"approved\", \"at\": \"2026-11-18T11:06:40Z; DROP\"}", "review: \"at\" is not a time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = ixt_xasprintf("{\"idxtune_session\": 1, \"accepted\": [{\"name\": \"i\", \"schema\": \"public\", "
                                   "\"table\": \"t\", \"method\": \"btree\", \"definition\": \"CREATE INDEX ON t (a)\", "
                                   "\"size_bytes\": 1, \"write_rate\": -1, \"evidence\": {\"statement\": \"\", "
                                   "\"queryid\": 0, \"cost_before\": 1, \"cost_after\": 1, \"measured\": false, "
                                   "\"median_ms_before\": 0, \"median_ms_after\": 0, \"build_ms\": 0}, "
                                   "\"review\": %s}], \"rejected\": []}", cases[i].review);
        ixt_review r;
        ixt_err e;
        int rc = ixt_review_from_json(&r, text, "s.json", &e);
        free(text);
        if (!cases[i].msg) {
            assert_int_equal(rc, 0);
            ixt_review_free(&r);
        } else if (rc == 0 || !strstr(e.msg, cases[i].msg) || !strstr(e.msg, "s.json: accepted 1: ")) {
            fail_msg("case %zu: %s", i, rc == 0 ? "loaded" : e.msg);
        }
    }
    char *big = ixt_xcalloc(IXT_REVIEW_COMMENT_MAX + 2, 1);
    memset(big, 'x', IXT_REVIEW_COMMENT_MAX + 1);
    ixt_review r;
    sample(&r);
    ixt_err e;
    assert_int_equal(ixt_review_decide(&r, 0, IXT_VERDICT_REJECTED, big, "x", WHEN, &e), -1);
    assert_non_null(strstr(e.msg, "comment is longer than"));
    free(big);
    ixt_review_free(&r);
}

/* diff: a swap moves both, an addition or removal moves nothing else, a
 * changed definition is matched by name. */
static void test_review_diff(void **state)
{
    (void)state;
    ixt_review old, new_;
    sample(&old);
    add(&old, "CREATE INDEX ON t (a)", "t_a_idx", "public", "t", 10, 1, false);
    sample(&new_);
    ixt_review_move(&new_, 0, 1);
    ixt_review_remove(&new_, 2);
    add(&new_, "CREATE INDEX ON t (b)", "t_b_idx", "public", "t", 10, 1, false);
    free(new_.items[1].def);
    new_.items[1].def = ixt_xstrdup("CREATE INDEX ON run_logs (run_id, seq, ts)");
    ixt_review_diff d;
    ixt_review_diff_make(&old, &new_, &d);
    char *text = ixt_review_diff_text(&d, false);
    assert_string_equal(text, "moved      mixed_case_select_expr_idx: #2 -> #1\n"
                              "moved      run_logs_run_id_seq_idx: #1 -> #2\n"
                              "definition run_logs_run_id_seq_idx: CREATE INDEX ON run_logs (run_id, seq) -> "
                              "CREATE INDEX ON run_logs (run_id, seq, ts)\n"
                              "added      t_b_idx: CREATE INDEX ON t (b)\n"
                              "removed    t_a_idx: CREATE INDEX ON t (a)\n");
    free(text);
    ixt_review_diff_free(&d);
    ixt_review_free(&old);
    ixt_review_free(&new_);
}

/* Every input the fuzzer kept (tests/fuzz/corpus/session) still gives a
 * session or an error; a session exports. */
static void test_session_corpus_replays(void **state)
{
    (void)state;
    DIR *d = opendir("tests/fuzz/corpus/session");
    assert_non_null(d);
    struct dirent *ent;
    int files = 0, loaded = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char *path = ixt_xasprintf("tests/fuzz/corpus/session/%s", ent->d_name);
        ixt_err e = {{0}};
        ixt_review r;
        if (ixt_review_load(&r, path, &e) == 0) {
            ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
            char *sql = ixt_export_sql(&r, &o, &e), *md = ixt_export_markdown(&r, &o, &e);
            char *rb = ixt_export_rollback(&r, &o);
            assert_non_null(sql);
            assert_non_null(md);
            free(sql);
            free(md);
            free(rb);
            ixt_review_free(&r);
            loaded++;
        } else {
            assert_non_null(strstr(e.msg, ent->d_name));
        }
        free(path);
        files++;
    }
    closedir(d);
    assert_true(files >= 20);
    assert_true(loaded > 0);
}

/* The advisor's evidence on the first sample item: HypoPG's size, write
 * cost, HOT impact, and statements helped, two more than are listed. */
static void with_evidence(ixt_review *r, const char *hot, const char *sql)
{
    ixt_review_item *it = &r->items[0];
    it->impact = (ixt_impact){.known = true, .size_hypo = 20971520, .write_cost = 3.25, .hot_breaks = 2,
                              .hot_rate = 0.2, .hot_example = ixt_xstrdup(hot)};
    for (int i = 0; i < IXT_HELPED_MAX + 2; i++)
        ixt_review_add_helped(it, sql, 1000 + i, 200, 10 + i);
}

static void test_evidence_round_trip(void **state)
{
    (void)state;
    ixt_review r, back;
    sample(&r);
    with_evidence(&r, "UPDATE runs SET status = $1 WHERE id = $2", "SELECT *\n  FROM run_logs WHERE run_id = $1");
    char *one = ixt_review_to_json(&r);
    ixt_err e;
    assert_int_equal(ixt_review_from_json(&back, one, "s.json", &e), 0);
    char *two = ixt_review_to_json(&back);
    assert_string_equal(one, two);
    const ixt_review_item *it = &back.items[0];
    assert_true(it->impact.known);
    assert_true(it->impact.size_hypo == 20971520);
    assert_true(it->impact.write_cost == 3.25);
    assert_int_equal(it->impact.hot_breaks, 2);
    assert_string_equal(it->impact.hot_example, "UPDATE runs SET status = $1 WHERE id = $2");
    assert_int_equal(it->nhelped, IXT_HELPED_MAX);
    assert_int_equal(it->helped_more, 2);
    assert_true(it->helped[3].queryid == 1003);
    assert_true(it->helped[3].cost_after == 13);
    /* kept on one line */
    assert_string_equal(it->helped[0].sql, "SELECT * FROM run_logs WHERE run_id = $1");
    /* an item without them: no key, so an older session keeps its bytes */
    assert_false(back.items[1].impact.known);
    assert_int_equal(back.items[1].nhelped, 0);
    json_t *root = json_loads(two, 0, NULL);
    json_t *second = json_array_get(json_object_get(root, "accepted"), 1);
    assert_null(json_object_get(second, "impact"));
    assert_null(json_object_get(second, "helped"));
    assert_null(json_object_get(second, "helped_more"));
    json_decref(root);
    /* a copy (accepting the same index again) keeps them */
    ixt_review_accept(&back, &back.items[0]);
    assert_int_equal(back.items[0].nhelped, IXT_HELPED_MAX);
    free(one);
    free(two);
    ixt_review_free(&r);
    ixt_review_free(&back);
}

/* One accepted item with extra JSON members. */
static int load_extra(const char *extra, ixt_err *e)
{
    char *text = ixt_xasprintf("{\"idxtune_session\": 2, \"accepted\": [{\"name\": \"i\", \"schema\": \"public\", "
                               "\"table\": \"t\", \"method\": \"btree\", \"definition\": \"CREATE INDEX ON t (a)\", "
                               "\"size_bytes\": 1, \"write_rate\": null, \"evidence\": {\"statement\": \"\", "
                               "\"queryid\": null, \"cost_before\": 1, \"cost_after\": 1, \"measured\": false, "
                               "\"median_ms_before\": null, \"median_ms_after\": null, \"build_ms\": null}, "
                               "%s}], \"rejected\": []}", extra);
    ixt_review r;
    int rc = ixt_review_from_json(&r, text, "s.json", e);
    if (rc == 0)
        ixt_review_free(&r);
    free(text);
    return rc;
}

#define IMPACT(size, cost, breaks, rate, ex) \
    "\"impact\": {\"size_hypo_bytes\": " size ", \"write_cost_per_s\": " cost ", \"hot_breaks\": " breaks \
    ", \"hot_rate\": " rate ", \"hot_example\": " ex "}"
#define HELPED(qid, sql, before, after) \
    "\"helped\": [{\"queryid\": " qid ", \"statement\": " sql ", \"cost_before\": " before ", \"cost_after\": " \
    after "}]"

static void test_evidence_fields_checked(void **state)
{
    (void)state;
    ixt_err e;
    if (load_extra(IMPACT("10", "0.5", "0", "0", "null") ", " HELPED("\"12\"", "\"SELECT 1\"", "5", "1")
                   ", \"helped_more\": 3", &e) != 0)
        fail_msg("%s", e.msg);
    char *long_text = ixt_xasprintf("\"%0*d\"", IXT_HELPED_SQL_MAX + 1, 0);
    char *long_hot = ixt_xasprintf(IMPACT("1", "1", "1", "1", "%s"), long_text);
    char *long_sql = ixt_xasprintf(HELPED("null", "%s", "1", "1"), long_text);
    char many[4096] = "\"helped\": [";
    for (int i = 0; i <= IXT_HELPED_MAX; i++)
        strcat(many, i ? ", {\"queryid\": null, \"statement\": \"\", \"cost_before\": 1, \"cost_after\": 1}"
                       : "{\"queryid\": null, \"statement\": \"\", \"cost_before\": 1, \"cost_after\": 1}");
    strcat(many, "]");
    const struct { const char *extra, *msg; } bad[] = {
        {"\"impact\": 3", "\"impact\" is not an object"},
        {IMPACT("\"10\"", "1", "0", "0", "null"), "impact: \"size_hypo_bytes\" is not a number"},
        {IMPACT("-1", "1", "0", "0", "null"), "impact: \"size_hypo_bytes\" is negative"},
        {IMPACT("1", "1", "1.5", "0", "null"), "impact: \"hot_breaks\" is not an integer"},
        {IMPACT("1", "1", "-2", "0", "null"), "impact: \"hot_breaks\" is not between 0 and"},
        {IMPACT("1", "null", "0", "0", "null"), "impact: \"write_cost_per_s\" is not a number"},
        {IMPACT("1", "1", "1", "1", "7"), "impact: \"hot_example\" is not a string"},
        {"\"impact\": {\"size_hypo_bytes\": 1}", "impact: \"write_cost_per_s\" is missing"},
        {long_hot, "impact: \"hot_example\" is longer than"},
        {"\"helped\": {}", "\"helped\" is not a list"},
        {"\"helped\": [3]", "helped 1: not an object"},
        {HELPED("\"x\"", "\"SELECT 1\"", "1", "1"), "helped 1: \"queryid\" is not a query id"},
        {HELPED("null", "null", "1", "1"), "helped 1: \"statement\" is not a string"},
        {HELPED("null", "\"SELECT 1\"", "-1", "1"), "helped 1: \"cost_before\" is negative"},
        {HELPED("null", "\"SELECT 1\"", "1", "[]"), "helped 1: \"cost_after\" is not a number"},
        {long_sql, "helped 1: \"statement\" is longer than"},
        {many, "\"helped\" lists more than"},
        {"\"helped_more\": -1", "\"helped_more\" is not a count"},
        {"\"helped_more\": \"2\"", "\"helped_more\" is not a count"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(load_extra(bad[i].extra, &e), -1);
        if (!strstr(e.msg, bad[i].msg) || !strstr(e.msg, "s.json: accepted 1: "))
            fail_msg("case %zu: %s", i, e.msg);
    }
    free(long_text);
    free(long_hot);
    free(long_sql);
}

/* Every line of an evidence table has its six cell borders and no more. */
static void check_md_rows(const char *md, const char *after, int rows)
{
    const char *p = strstr(md, after);
    assert_non_null(p);
    p = strchr(p, '\n') + 1;
    for (int row = 0; row < rows; row++) {
        int bars = 0;
        for (const char *q = p; *q && *q != '\n'; q++)
            bars += *q == '|' && (q == p || q[-1] != '\\');
        if (bars != 6)
            fail_msg("row %d has %d cell borders", row, bars);
        p = strchr(p, '\n') + 1;
    }
}

static void test_evidence_exported(void **state)
{
    (void)state;
    ixt_review r;
    sample(&r);
    with_evidence(&r, "UPDATE runs SET status = $1 WHERE id = $2", "SELECT * FROM run_logs WHERE run_id = $1");
    ixt_export_opts o = {.concurrently = true, .date = "2026-11-24 10:00 UTC"};
    ixt_err e;
    char *sql = ixt_export_sql(&r, &o, &e), *md = ixt_export_markdown(&r, &o, &e);
    assert_non_null(strstr(sql, "--    size 13.5 MB (corrected for deduplication; HypoPG's estimate 20.0 MB)\n"));
    assert_non_null(strstr(sql, "--    write cost: public.run_logs takes 12.5 writes/s, each now also updates this "
                                "index (3.2 cost/s)\n"));
    assert_non_null(strstr(sql, "--    HOT: breaks HOT updates for 2 statements: UPDATE runs SET status = $1 WHERE "
                                "id = $2 (0.2/s)\n"));
    assert_non_null(strstr(sql, "--    helps 22 statements, estimated cost before -> after:\n"
                                "--      200.00 -> 10.00 (-95.0%) queryid 1000: SELECT * FROM run_logs WHERE "
                                "run_id = $1\n"));
    assert_non_null(strstr(sql, "--      and 2 more\n"));
    /* the second item has none of it: as before */
    assert_non_null(strstr(sql, "--    size 13.5 MB (estimate)\n--    tried as"));
    assert_non_null(strstr(md, "## Evidence per index\n\n### 1. `run_logs_run_id_seq_idx`\n\n"
                               "- Size: 13.5 MB corrected for deduplication (HypoPG's estimate 20.0 MB)\n"
                               "- Write cost: 12.5 writes/s, 3.2 cost/s of index maintenance\n"
                               "- HOT: breaks HOT updates for 2 statements: `UPDATE runs SET status = $1 WHERE id = "
                               "$2` (0.2/s)\n\nHelps 22 statements:\n"));
    assert_non_null(strstr(md, "| 1000 | `SELECT * FROM run_logs WHERE run_id = $1` | 200.00 | 10.00 | -95.0% |\n"));
    assert_null(strstr(md, "### 2."));
    free(sql);
    free(md);
    ixt_review_free(&r);
    /* hostile texts from a colleague's file stay inside the comments and cells */
    static const char EVIL[] = "x */ \n; DROP TABLE victim; --\r\x1b]0;owned\x07 | `y` <b>|";
    hostile(&r, "i", "s", "t", "CREATE INDEX ON t (a)", "x");
    r.items[0].impact = (ixt_impact){.known = true, .hot_breaks = 1, .hot_example = ixt_xstrdup(EVIL)};
    for (int i = 0; i < IXT_HELPED_MAX + 1; i++)
        ixt_review_add_helped(&r.items[0], EVIL, 1, 2, 1);
    /* as a session file may hold it (the load checks lengths, not characters) */
    free(r.items[0].helped[0].sql);
    r.items[0].helped[0].sql = ixt_xstrdup(EVIL);
    sql = ixt_export_sql(&r, &o, &e);
    md = ixt_export_markdown(&r, &o, &e);
    check_lines(sql);
    assert_null(strchr(sql, '\x1b'));
    assert_null(strchr(md, '\x1b'));
    /* the listed statements and "and 1 more" */
    check_md_rows(md, "|---:|---|---:|---:|---:|", IXT_HELPED_MAX + 1);
    free(sql);
    free(md);
    ixt_review_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_outputs),
        cmocka_unit_test(test_session_round_trip),
        cmocka_unit_test(test_partitioned_rollout),
        cmocka_unit_test(test_subpartitioned_rollout),
        cmocka_unit_test(test_partitions_checked),
        cmocka_unit_test(test_session_errors),
        cmocka_unit_test(test_session_fields_checked),
        cmocka_unit_test(test_index_names),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_hostile_fields_stay_in_place),
        cmocka_unit_test(test_markdown_escapes),
        cmocka_unit_test(test_session_corpus_replays),
        cmocka_unit_test(test_verdicts_gate_export),
        cmocka_unit_test(test_review_fields_checked),
        cmocka_unit_test(test_review_diff),
        cmocka_unit_test(test_evidence_round_trip),
        cmocka_unit_test(test_evidence_fields_checked),
        cmocka_unit_test(test_evidence_exported),
    };
    return IXT_RUN_TESTS(tests);
}
