/* verify: the comparison of two hand-built snapshots with the baselines,
 * and the baseline in the session file (round trip, field checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/review.h"
#include "idxtune/verify.h"
#include "testutil.h"

#define NST 8

/* One index on t with baseline statements: (queryid, write, mean ms). */
static void add_item(ixt_review *r, const char *name, int n, const int64_t *qids, const bool *writes,
                     const double *means)
{
    r->items = ixt_xrealloc(r->items, (size_t)(r->n + 1) * sizeof *r->items);
    ixt_review_item *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    it->name = ixt_xstrdup(name);
    it->schema = ixt_xstrdup("public");
    it->table = ixt_xstrdup("t");
    it->method = ixt_xstrdup("btree");
    it->def = ixt_xasprintf("CREATE INDEX ON t (%s)", name);
    it->ev.sql = ixt_xstrdup("SELECT 1 FROM t WHERE a = $1");
    it->write_rate = -1;
    it->baseline.s = ixt_xcalloc((size_t)n + 1, sizeof *it->baseline.s);
    for (int i = 0; i < n; i++)
        it->baseline.s[it->baseline.n++] =
            (ixt_baseline_stmt){.queryid = qids[i], .query = ixt_xasprintf("statement %d", i), .write = writes[i],
                                .calls = 100, .total_ms = 100 * means[i], .mean_ms = means[i],
                                .taken_at = ixt_xstrdup("2026-11-24T10:00:00Z")};
}

static void snap(ixt_verify_snap *s, double at_ms, int nidx, double scans, int n, const int64_t *qids,
                 const double *calls, const double *total)
{
    memset(s, 0, sizeof *s);
    s->at_ms = at_ms;
    s->nidx = nidx;
    s->idx = ixt_xcalloc((size_t)nidx + 1, sizeof *s->idx);
    for (int i = 0; i < nidx; i++) {
        s->idx[i].exists = s->idx[i].valid = true;
        s->idx[i].size_bytes = 8192;
        s->idx[i].idx_scan = scans;
    }
    s->st = ixt_xcalloc(NST, sizeof *s->st);
    for (int i = 0; i < n; i++) {
        s->st[s->nst].queryid = qids[i];
        s->st[s->nst].calls = calls[i];
        s->st[s->nst].total_ms = total[i];
        s->nst++;
    }
}

static const ixt_verify_stmt *stmt(const ixt_verify_report *v, int64_t qid)
{
    for (int i = 0; i < v->nst; i++)
        if (v->st[i].queryid == qid)
            return &v->st[i];
    fail_msg("no statement %lld", (long long)qid);
    return NULL;
}

static void test_keep(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {11, 22};
    bool w[] = {false, true};
    double m[] = {50, 0.5};
    add_item(&r, "a", 2, q, w, m);
    ixt_verify_snap a, b;
    double c0[] = {100, 1000}, t0[] = {5000, 500}, c1[] = {140, 1100}, t1[] = {5040, 560};
    snap(&a, 0, 1, 3, 2, q, c0, t0);
    snap(&b, 10000, 1, 45, 2, q, c1, t1);
    ixt_verify_report v;
    ixt_verify_compare(&r, &a, &b, &v);
    assert_int_equal(v.nidx, 1);
    assert_true(v.window_s > 9.9 && v.window_s < 10.1);
    assert_int_equal(v.idx[0].verdict, IXT_OUTCOME_KEEP);
    assert_true(v.idx[0].scans == 42);
    assert_true(stmt(&v, 11)->mean_after == 1.0);  /* 40 ms over 40 calls */
    assert_true(stmt(&v, 11)->change_pct == -98);
    assert_true(stmt(&v, 22)->calls == 100);
    /* 0.5 -> 0.6 ms is +20 % but not 1 ms: no regression */
    assert_false(stmt(&v, 22)->regressed);
    assert_int_equal(v.nregressions, 0);
    ixt_verify_report_free(&v);
    ixt_verify_snap_free(&a);
    ixt_verify_snap_free(&b);
    ixt_review_free(&r);
}

/* A write statement paying for the index: more than 20 % and 1 ms. */
static void test_write_regressed(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {11, 22};
    bool w[] = {false, true};
    double m[] = {50, 2};
    add_item(&r, "a", 2, q, w, m);
    ixt_verify_snap a, b;
    double c0[] = {100, 1000}, t0[] = {5000, 2000}, c1[] = {140, 1010}, t1[] = {5040, 2040};
    snap(&a, 0, 1, 3, 2, q, c0, t0);
    snap(&b, 10000, 1, 45, 2, q, c1, t1);
    ixt_verify_report v;
    ixt_verify_compare(&r, &a, &b, &v);
    assert_true(stmt(&v, 22)->mean_after == 4);
    assert_true(stmt(&v, 22)->regressed);
    assert_int_equal(v.idx[0].verdict, IXT_OUTCOME_REGRESSED);
    assert_non_null(strstr(v.idx[0].reason, "write statement 22"));
    assert_int_equal(v.nregressions, 1);
    assert_non_null(strstr(v.regressions[0], "write statement 22"));
    ixt_verify_report_free(&v);
    ixt_verify_snap_free(&a);
    ixt_verify_snap_free(&b);
    ixt_review_free(&r);
}

static void test_not_scanned_watch_missing(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {11}, q2[] = {33};
    bool w[] = {false};
    double m[] = {50};
    add_item(&r, "a", 1, q, w, m);
    add_item(&r, "b", 1, q2, w, m);
    add_item(&r, "c", 0, NULL, NULL, NULL);
    int64_t all[] = {11, 33};
    ixt_verify_snap a, b;
    double c0[] = {100, 100}, t0[] = {5000, 5000}, c1[] = {150, 102}, t1[] = {7500, 5002};
    snap(&a, 0, 3, 7, 2, all, c0, t0);
    snap(&b, 2000, 3, 7, 2, all, c1, t1);
    b.idx[1].idx_scan = 9;
    b.idx[2].exists = b.idx[2].valid = false;
    ixt_verify_report v;
    ixt_verify_compare(&r, &a, &b, &v);
    /* its statement ran 50 times and never used it */
    assert_int_equal(v.idx[0].verdict, IXT_OUTCOME_REGRESSED);
    assert_non_null(strstr(v.idx[0].reason, "not scanned"));
    /* 2 calls: too few to judge */
    assert_int_equal(v.idx[1].verdict, IXT_OUTCOME_WATCH);
    assert_int_equal(v.idx[2].verdict, IXT_OUTCOME_REGRESSED);
    assert_non_null(strstr(v.idx[2].reason, "does not exist"));
    assert_int_equal(v.idx[2].phase, 3);
    assert_int_equal(v.nregressions, 2);
    /* a statement without calls in the window has no mean after */
    ixt_verify_report_free(&v);
    ixt_verify_snap_free(&a);
    ixt_verify_snap_free(&b);
    ixt_review_free(&r);
}

/* Counters that went back (pg_stat_statements_reset) count from zero; a
 * statement shared by two indexes is listed once. */
static void test_reset_and_shared(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {11, 22};
    bool w[] = {false, true};
    double m[] = {50, 1};
    add_item(&r, "a", 2, q, w, m);
    add_item(&r, "b", 1, q + 1, w + 1, m + 1);
    ixt_verify_snap a, b;
    double c0[] = {100, 1000}, t0[] = {5000, 1000}, c1[] = {10, 0}, t1[] = {20, 0};
    snap(&a, 0, 2, 0, 2, q, c0, t0);
    snap(&b, 1000, 2, 10, 2, q, c1, t1);
    ixt_verify_report v;
    ixt_verify_compare(&r, &a, &b, &v);
    assert_int_equal(v.nst, 2);
    assert_true(stmt(&v, 11)->calls == 10);
    assert_true(stmt(&v, 11)->mean_after == 2);
    assert_true(stmt(&v, 22)->mean_after == -1);
    ixt_verify_report_free(&v);
    ixt_verify_snap_free(&a);
    ixt_verify_snap_free(&b);
    ixt_review_free(&r);
}

/* Two servers: the standby ran the statement in the baseline and in the
 * window, the primary only in the window; a mean before over the servers
 * compared, scans summed, each server's part. */
static void test_nodes(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {11};
    bool w[] = {false};
    double m[] = {8};
    add_item(&r, "a", 1, q, w, m);
    ixt_baseline_stmt *bs = &r.items[0].baseline.s[0];
    bs->nodes = ixt_xcalloc(2, sizeof *bs->nodes);
    bs->nodes[bs->nnodes++] = (ixt_baseline_node){.name = "standby-1", .calls = 50, .total_ms = 500};
    bs->nodes[bs->nnodes++] = (ixt_baseline_node){.name = "standby-2", .calls = 50, .total_ms = 300};
    ixt_verify_snap a[2], b[2];
    double c0[] = {0}, t0[] = {0}, cp[] = {10}, tp[] = {10}, cs[] = {50}, ts[] = {500}, cs1[] = {90}, ts1[] = {540};
    snap(&a[0], 0, 1, 5, 1, q, c0, t0);
    snap(&b[0], 2000, 1, 15, 1, q, cp, tp);
    snap(&a[1], 0, 1, 100, 1, q, cs, ts);
    snap(&b[1], 2000, 1, 140, 1, q, cs1, ts1);
    b[1].idx[0].size_bytes = 1;   /* the main's facts are the ones shown */
    const char *names[] = {"primary", "standby-1"};
    ixt_verify_report v;
    ixt_verify_compare_nodes(&r, a, b, names, 2, &v);
    const ixt_verify_stmt *s = stmt(&v, 11);
    /* standby-2 is not compared: the mean before is standby-1's 10 ms */
    assert_true(s->mean_before == 10);
    assert_true(s->calls == 50);
    assert_true(s->mean_after == 1);   /* (10 + 40) ms over 50 calls */
    assert_true(s->parts[0].mean_before == -1 && s->parts[0].calls == 10 && s->parts[0].mean_after == 1);
    assert_true(s->parts[1].mean_before == 10 && s->parts[1].calls == 40 && s->parts[1].mean_after == 1);
    assert_true(v.idx[0].scans == 50);
    assert_true(v.idx[0].scans_at[0] == 10 && v.idx[0].scans_at[1] == 40);
    assert_true(v.idx[0].size_bytes == 8192);
    assert_int_equal(v.idx[0].verdict, IXT_OUTCOME_KEEP);
    assert_int_equal(v.nnodes, 2);
    assert_string_equal(v.nodes[1], "standby-1");
    ixt_verify_report_free(&v);
    /* none of the baseline's servers compared: the whole baseline's mean */
    const char *other[] = {"primary"};
    ixt_verify_compare_nodes(&r, a, b, other, 1, &v);
    assert_true(stmt(&v, 11)->mean_before == 8);
    ixt_verify_report_free(&v);
    for (int i = 0; i < 2; i++) {
        ixt_verify_snap_free(&a[i]);
        ixt_verify_snap_free(&b[i]);
    }
    ixt_review_free(&r);
}

static void test_session_round_trip(void **state)
{
    (void)state;
    ixt_review r = {0};
    int64_t q[] = {5571981387750758772LL, -42};
    bool w[] = {false, true};
    double m[] = {1.5, 0.25};
    add_item(&r, "a", 2, q, w, m);
    char *text = ixt_review_to_json(&r);
    assert_non_null(strstr(text, "\"queryid\": \"5571981387750758772\""));
    ixt_review back;
    ixt_err e;
    assert_int_equal(ixt_review_from_json(&back, text, "s.json", &e), 0);
    assert_int_equal(back.items[0].baseline.n, 2);
    assert_true(back.items[0].baseline.s[0].queryid == 5571981387750758772LL);
    assert_true(back.items[0].baseline.s[1].write);
    assert_int_equal(back.items[0].baseline.s[0].nnodes, 0);
    char *again = ixt_review_to_json(&back);
    assert_string_equal(text, again);
    free(again);
    free(text);
    ixt_review_free(&back);
    /* each server's part */
    ixt_baseline_stmt *bs = &r.items[0].baseline.s[0];
    bs->nodes = ixt_xcalloc(1, sizeof *bs->nodes);
    bs->nodes[bs->nnodes++] = (ixt_baseline_node){.name = "standby-1", .calls = 100, .total_ms = 151};
    text = ixt_review_to_json(&r);
    assert_int_equal(ixt_review_from_json(&back, text, "s.json", &e), 0);
    assert_int_equal(back.items[0].baseline.s[0].nnodes, 1);
    assert_string_equal(back.items[0].baseline.s[0].nodes[0].name, "standby-1");
    assert_true(back.items[0].baseline.s[0].nodes[0].total_ms == 151);
    again = ixt_review_to_json(&back);
    assert_string_equal(text, again);
    static const struct { const char *from, *to, *want; } bad[] = {
        {"\"node\": \"standby-1\"", "\"node\": \"stand\\u001b[2Jby\"", "nodes 1: \"node\" is not"},
        {"\"node\": \"standby-1\"", "\"node\": 3", "nodes 1: \"node\" is not a string"},
        {"\"total_ms\": 151.0", "\"total_ms\": -151.0", "nodes 1: \"total_ms\" is not"},
        {"\"nodes\": [", "\"nodes\": 1, \"x\": [", "\"nodes\" is not a list"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *at = strstr(text, bad[i].from);
        if (!at)
            fail_msg("case %zu: %s not in\n%s", i, bad[i].from, text);
        char *t = ixt_xasprintf("%.*s%s%s", (int)(at - text), text, bad[i].to, at + strlen(bad[i].from));
        ixt_review x;
        assert_int_equal(ixt_review_from_json(&x, t, "s.json", &e), -1);
        if (!strstr(e.msg, bad[i].want))
            fail_msg("case %zu: %s", i, e.msg);
        free(t);
    }
    free(again);
    free(text);
    ixt_review_free(&back);
    ixt_review_free(&r);
}

/* Each bad field is refused, and the error names it. */
static void test_session_bad_fields(void **state)
{
    (void)state;
    static const struct { const char *from, *to, *want; } cases[] = {
        {"\"queryid\": \"-42\"", "\"queryid\": -42", "\"queryid\" is not a string"},
        {"\"queryid\": \"-42\"", "\"queryid\": \"12abc\"", "\"queryid\" is not a query id"},
        {"\"queryid\": \"-42\"", "\"queryid\": \"99999999999999999999\"", "\"queryid\" is not a query id"},
        {"\"kind\": \"write\"", "\"kind\": \"drop\"", "\"kind\" is neither"},
        {"\"mean_ms\": 0.25", "\"mean_ms\": -1", "\"mean_ms\" is not a count"},
        {"\"calls\": 100.0,\n          \"total_ms\": 25.0", "\"total_ms\": 25.0", "\"calls\" is missing"},
        {"\"taken_at\": \"2026-11-24T10:00:00Z\"\n        }\n      ]",
         "\"taken_at\": null\n        }\n      ]", "\"taken_at\" is not a string"},
    };
    ixt_review r = {0};
    int64_t q[] = {-42};
    bool w[] = {true};
    double m[] = {0.25};
    add_item(&r, "a", 1, q, w, m);
    char *text = ixt_review_to_json(&r);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *at = strstr(text, cases[i].from);
        if (!at)
            fail_msg("case %zu: %s not in\n%s", i, cases[i].from, text);
        char *bad = ixt_xasprintf("%.*s%s%s", (int)(at - text), text, cases[i].to, at + strlen(cases[i].from));
        ixt_review back;
        ixt_err e;
        assert_int_equal(ixt_review_from_json(&back, bad, "s.json", &e), -1);
        if (!strstr(e.msg, cases[i].want) || !strstr(e.msg, "baseline 1"))
            fail_msg("case %zu: %s", i, e.msg);
        free(bad);
    }
    char *at = strstr(text, "\"baseline\": [");
    char *bad = ixt_xasprintf("%.*s\"baseline\": 7, \"x\": %s", (int)(at - text), text, at + strlen("\"baseline\": "));
    ixt_review back;
    ixt_err e;
    assert_int_equal(ixt_review_from_json(&back, bad, "s.json", &e), -1);
    assert_non_null(strstr(e.msg, "\"baseline\" is not a list"));
    free(bad);
    free(text);
    ixt_review_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep),
        cmocka_unit_test(test_write_regressed),
        cmocka_unit_test(test_not_scanned_watch_missing),
        cmocka_unit_test(test_reset_and_shared),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_session_round_trip),
        cmocka_unit_test(test_session_bad_fields),
    };
    return IXT_RUN_TESTS(tests);
}
