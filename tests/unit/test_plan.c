/* plan: real EXPLAIN outputs captured from PostgreSQL 15 (tests/data/plans)
 * and broken or huge inputs. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"
#include "testutil.h"

static ixt_plan *load(const char *name)
{
    char *path = ixt_xasprintf("%s/plans/%s", ixt_testdata(), name);
    ixt_err e;
    char *json = ixt_read_file(path, NULL, &e);
    free(path);
    if (!json)
        fail_msg("%s", e.msg);
    ixt_plan *p = ixt_plan_parse(json, &e);
    free(json);
    if (!p)
        fail_msg("%s: %s", name, e.msg);
    return p;
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 0.001)

static const char *cond(const ixt_plan_node *n, const char *label)
{
    for (int i = 0; i < n->nconds; i++)
        if (strcmp(n->conds[i].label, label) == 0)
            return n->conds[i].text;
    return NULL;
}

static void test_seq_scan_analyze(void **state)
{
    (void)state;
    ixt_plan *p = load("seqscan_analyze.json");
    assert_int_equal(p->nnodes, 3);
    assert_true(p->has_analyze);
    assert_near(p->execution_ms, 1102.12);
    assert_near(p->planning_ms, 0.213);
    ixt_plan_node *scan = p->nodes[2];
    assert_string_equal(scan->node_type, "Seq Scan");
    assert_string_equal(scan->relation, "run_logs");
    assert_ptr_equal(p->hottest, scan);
    assert_near(scan->exclusive_ms, 1081.474);
    assert_near(p->nodes[1]->exclusive_ms, 0.072);
    assert_near(p->nodes[0]->exclusive_ms, 5.436);
    assert_near(scan->share, 1081.474 / 1102.12);
    assert_near(scan->misestimate, 2.0);
    assert_false(scan->mis_under);
    assert_near(scan->rows_removed, 3000002);
    assert_true(scan->selective_seq_scan);
    assert_non_null(strstr(cond(scan, "Filter"), "run_id = 4242"));
    assert_string_equal(cond(p->nodes[1], "Sort Key"), "run_logs.seq");
    assert_true(scan->shared_hit + scan->shared_read > 0);
    ixt_plan_free(p);
}

static void test_parallel_exclusive_times(void **state)
{
    (void)state;
    ixt_plan *p = load("parallel_agg_analyze.json");
    assert_int_equal(p->nnodes, 5);
    ixt_plan_node *scan = p->nodes[4];
    /* inside Gather Merge with 2 workers: per-process times */
    assert_near(scan->inclusive_ms, 88.424);
    assert_near(p->nodes[3]->exclusive_ms, 95.412 - 88.424);
    assert_near(p->nodes[1]->exclusive_ms, 109.195 - 95.446);
    assert_ptr_equal(p->hottest, scan);
    assert_near(scan->rows_removed, 285879.0 * 3);
    assert_true(scan->misestimate > 1.25 && scan->misestimate < 1.27);
    ixt_plan_free(p);
}

static void test_subplan_label_and_hottest(void **state)
{
    (void)state;
    ixt_plan *p = load("cte_subplan_analyze.json");
    char buf[256];
    assert_string_equal(ixt_plan_node_label(p->nodes[1], buf, sizeof buf), "[SubPlan 1] Aggregate");
    assert_string_equal(ixt_plan_node_label(p->nodes[2], buf, sizeof buf), "Seq Scan on workflows w");
    assert_near(p->nodes[0]->exclusive_ms, 0.923 - 0.225 * 4);
    assert_ptr_equal(p->hottest, p->nodes[2]);
    ixt_plan_free(p);
}

static void test_estimates_without_analyze(void **state)
{
    (void)state;
    ixt_plan *p = load("join_estimate.json");
    assert_false(p->has_analyze);
    assert_true(p->execution_ms < 0);
    assert_int_equal(p->nnodes, 7);
    ixt_plan_node *runs = p->nodes[4];
    assert_ptr_equal(p->hottest, runs);
    assert_near(runs->exclusive_cost, 25343.59);
    assert_near(p->nodes[3]->exclusive_cost, 25444.61 - 25343.59 - 40.0);
    assert_near(p->nodes[0]->exclusive_cost, 0);
    assert_near(runs->share, 25343.59 / 26463.15);
    assert_non_null(cond(p->nodes[3], "Hash Cond"));
    char buf[256];
    assert_string_equal(ixt_plan_node_label(p->nodes[3], buf, sizeof buf), "Hash Join (Inner)");
    /* the costly walk: hottest first, nodes under 1% left out */
    assert_ptr_equal(p->costly[0], runs);
    assert_true(p->ncostly >= 2 && p->ncostly < p->nnodes);
    for (size_t i = 1; i < p->ncostly; i++)
        assert_true(p->costly[i]->exclusive_cost <= p->costly[i - 1]->exclusive_cost);
    ixt_plan_free(p);
}

static void test_index_scan_label(void **state)
{
    (void)state;
    ixt_plan *p = load("index_scan_analyze.json");
    char buf[256];
    assert_string_equal(ixt_plan_node_label(p->root, buf, sizeof buf),
                        "Index Scan using runs_pkey on runs");
    assert_true(ixt_plan_uses_index(p, "runs_pkey"));
    assert_false(ixt_plan_uses_index(p, "runs_status_idx"));
    ixt_plan_free(p);
}

static void test_delete_plan(void **state)
{
    (void)state;
    ixt_plan *p = load("delete_analyze.json");
    char buf[256];
    assert_string_equal(ixt_plan_node_label(p->root, buf, sizeof buf), "Delete on events");
    assert_true(p->execution_ms > 0);
    ixt_plan_free(p);
}

static void test_layout_collapse_and_prefix(void **state)
{
    (void)state;
    ixt_plan *p = load("join_estimate.json");
    assert_int_equal(p->nvisible, 7);
    p->nodes[3]->collapsed = true;
    assert_int_equal(ixt_plan_layout(p), 4);
    assert_int_equal(p->nodes[6]->visible_row, -1);
    ixt_plan_reveal(p, p->nodes[6]);
    assert_int_equal(ixt_plan_layout(p), 7);
    assert_int_equal(p->nodes[6]->visible_row, 6);
    char buf[256];
    assert_string_equal(ixt_plan_prefix(p->nodes[0], false, buf, sizeof buf), "");
    assert_string_equal(ixt_plan_prefix(p->nodes[1], true, buf, sizeof buf), "`- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[4], true, buf, sizeof buf), "         +- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[6], true, buf, sizeof buf), "            `- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[4], false, buf, sizeof buf),
                        "         \xe2\x94\x9c\xe2\x94\x80 ");
    p->nodes[1]->collapsed = true;
    ixt_plan_expand_all(p);
    assert_int_equal(p->nvisible, 7);
    ixt_plan_free(p);
}

static void test_text_and_json_output(void **state)
{
    (void)state;
    ixt_plan *p = load("seqscan_analyze.json");
    char *text = ixt_plan_render_text(p, true);
    assert_non_null(strstr(text, "execution 1.1 s"));
    assert_non_null(strstr(text, "`- * Seq Scan on public.run_logs"));
    assert_non_null(strstr(text, "Filter: ((run_logs.seq > 0) AND (run_logs.run_id = 4242))"));
    assert_non_null(strstr(text, "an index could help"));
    free(text);
    json_t *j = ixt_plan_to_json(p);
    assert_near(json_real_value(json_object_get(j, "execution_ms")), 1102.12);
    json_t *plan = json_object_get(j, "plan");
    assert_string_equal(json_string_value(json_object_get(plan, "node_type")), "Limit");
    json_t *scan = json_array_get(json_object_get(json_array_get(json_object_get(plan, "children"), 0), "children"), 0);
    assert_string_equal(json_string_value(json_object_get(scan, "relation")), "run_logs");
    assert_near(json_real_value(json_object_get(scan, "exclusive_ms")), 1081.474);
    assert_near(json_real_value(json_object_get(scan, "actual_rows")), 2);
    json_decref(j);
    ixt_plan_free(p);
    p = load("join_estimate.json");
    j = ixt_plan_to_json(p);
    assert_true(json_is_null(json_object_get(j, "execution_ms")));
    assert_true(json_is_null(json_object_get(json_object_get(j, "plan"), "actual_rows")));
    json_decref(j);
    ixt_plan_free(p);
}

static void test_diff(void **state)
{
    (void)state;
    ixt_plan *a = load("join_estimate.json"), *b = load("join_estimate.json");
    ixt_plan_diff(a, b);
    for (size_t i = 0; i < b->nnodes; i++)
        assert_int_equal(b->nodes[i]->diff, IXT_DIFF_SAME);
    ixt_plan *c = load("seqscan_analyze.json");
    ixt_plan_diff(a, c);
    assert_int_equal(c->nodes[0]->diff, IXT_DIFF_COST);    /* Limit, cost 26463 -> 115087 */
    assert_int_equal(c->nodes[1]->diff, IXT_DIFF_CHANGED); /* Gather Merge -> Sort */
    ixt_plan_diff(c, a);
    assert_int_equal(a->nodes[3]->diff, IXT_DIFF_NEW);     /* nothing that deep before */
    ixt_plan_free(a);
    ixt_plan_free(b);
    ixt_plan_free(c);
}

static void test_hypopg_index_names(void **state)
{
    (void)state;
    const char *json = "[{\"Plan\": {\"Node Type\": \"Index Scan\", \"Index Name\": \"<13444>btree_runs_status\","
                       " \"Relation Name\": \"runs\", \"Total Cost\": 4.2}}]";
    ixt_err e;
    ixt_plan *p = ixt_plan_parse(json, &e);
    assert_non_null(p);
    assert_true(ixt_plan_uses_index(p, "<13444>btree_runs_status"));
    assert_true(ixt_plan_uses_index(p, "btree_runs_status"));
    assert_false(ixt_plan_uses_index(p, "<99>btree_runs_status"));
    ixt_plan_free(p);
}

static void test_bad_input(void **state)
{
    (void)state;
    ixt_err e;
    assert_null(ixt_plan_parse("not json", &e));
    assert_non_null(strstr(e.msg, "not valid JSON"));
    assert_null(ixt_plan_parse("[]", &e));
    assert_non_null(strstr(e.msg, "no plan"));
    assert_null(ixt_plan_parse("[{\"Plan\": {\"Node Type\": \"Limit\"", &e));
    assert_non_null(strstr(e.msg, "not valid JSON"));
    assert_null(ixt_plan_parse("{\"Plan\": 5}", &e));
    ixt_plan *p = ixt_plan_parse("{\"Plan\": {\"Node Type\": 7, \"Total Cost\": \"x\", \"Plans\": \"y\"}}", &e);
    assert_non_null(p);
    assert_string_equal(p->root->node_type, "?");
    assert_int_equal(p->nnodes, 1);
    ixt_plan_free(p);
}

static char *wide_plan(int n)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "[{\"Plan\": {\"Node Type\": \"Append\", \"Total Cost\": 1e6, \"Plans\": [");
    for (int i = 0; i < n; i++)
        ixt_buf_printf(&b, "%s{\"Node Type\": \"Seq Scan\", \"Relation Name\": \"part_%d\", \"Total Cost\": %d,"
                           " \"Plan Rows\": 10, \"Filter\": \"(x = %d)\"}", i ? "," : "", i, 10 + i, i);
    ixt_buf_add(&b, "]}}]");
    return ixt_buf_take(&b);
}

static char *deep_plan(int depth)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "[");
    for (int i = 0; i < depth; i++)
        ixt_buf_printf(&b, "{\"Node Type\": \"Nested Loop\", \"Total Cost\": %d, \"Plans\": [", depth - i);
    ixt_buf_add(&b, "{\"Node Type\": \"Result\"}");
    for (int i = 0; i < depth; i++)
        ixt_buf_add(&b, "]}");
    ixt_buf_add(&b, "]");
    char *inner = ixt_buf_take(&b);
    /* wrap the outermost node as the plan */
    char *json = ixt_xasprintf("{\"Plan\": %.*s}", (int)strlen(inner) - 2, inner + 1);
    free(inner);
    return json;
}

static void test_huge_plans(void **state)
{
    (void)state;
    ixt_err e;
    char *json = wide_plan(10000);
    ixt_plan *p = ixt_plan_parse(json, &e);
    free(json);
    assert_non_null(p);
    assert_int_equal(p->nnodes, 10001);
    assert_string_equal(p->hottest->relation, "part_9999");
    p->root->collapsed = true;
    assert_int_equal(ixt_plan_layout(p), 1);
    ixt_plan_expand_all(p);
    assert_int_equal(p->nvisible, 10001);
    char *text = ixt_plan_render_text(p, false);
    assert_non_null(strstr(text, "part_5000"));
    free(text);
    ixt_plan_free(p);
    json = deep_plan(500);
    p = ixt_plan_parse(json, &e);
    free(json);
    if (!p)
        fail_msg("%s", e.msg);
    assert_int_equal(p->nnodes, 501);
    assert_int_equal(p->nodes[500]->depth, 500);
    char *buf = malloc(8192);
    ixt_plan_prefix(p->nodes[500], true, buf, 8192);
    assert_int_equal(strlen(buf), 500 * 3);
    free(buf);
    ixt_plan_free(p);
}

/* Every input the fuzzer kept (tests/fuzz/corpus/plan) still gives a plan
 * or an error; ASan and valgrind watch for the rest. */
static void test_fuzz_corpus_replays(void **state)
{
    (void)state;
    DIR *d = opendir("tests/fuzz/corpus/plan");
    assert_non_null(d);
    struct dirent *ent;
    int files = 0, plans = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char *path = ixt_xasprintf("tests/fuzz/corpus/plan/%s", ent->d_name);
        ixt_err e;
        size_t len;
        char *text = ixt_read_file(path, &len, &e);
        free(path);
        assert_non_null(text);
        ixt_plan *p = ixt_plan_parse(text, &e);
        if (p) {
            char *out = ixt_plan_render_text(p, true);
            free(out);
            plans++;
        } else {
            assert_true(strlen(e.msg) > 0);
        }
        ixt_plan_free(p);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files >= 50);
    assert_true(plans > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_scan_analyze),
        cmocka_unit_test(test_parallel_exclusive_times),
        cmocka_unit_test(test_subplan_label_and_hottest),
        cmocka_unit_test(test_estimates_without_analyze),
        cmocka_unit_test(test_index_scan_label),
        cmocka_unit_test(test_delete_plan),
        cmocka_unit_test(test_layout_collapse_and_prefix),
        cmocka_unit_test(test_text_and_json_output),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_hypopg_index_names),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_huge_plans),
        cmocka_unit_test(test_fuzz_corpus_replays),
    };
    return IXT_RUN_TESTS(tests);
}
