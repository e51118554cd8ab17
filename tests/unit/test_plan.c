/* plan: real EXPLAIN outputs captured from PostgreSQL 15 (tests/data/plans,
 * made by tests/data/plans/capture.sh on tests/data/plans/schema.sql), and
 * broken or huge inputs. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"
#include "idxtune/plan_diff.h"
#include "idxtune/plan_fold.h"
#include "idxtune/plan_json.h"
#include "idxtune/plan_text.h"
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

static ixt_plan *parse_ok(const char *json)
{
    ixt_err e;
    ixt_plan *p = ixt_plan_parse(json, &e);
    if (!p)
        fail_msg("%s", e.msg);
    return p;
}

/* Parses text that must fail and checks the message names the problem. */
static void assert_parse_error(const char *json, const char *want)
{
    ixt_err e = {{0}};
    ixt_plan *p = ixt_plan_parse(json, &e);
    if (p) {
        ixt_plan_free(p);
        fail_msg("parsed: %s", json);
    }
    if (!strstr(e.msg, want))
        fail_msg("\"%s\" not in \"%s\"", want, e.msg);
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 0.0005)

static const char *label(const ixt_plan_node *n)
{
    static char buf[512];
    return ixt_plan_node_label(n, buf, sizeof buf);
}

/* ===== real plans ===== */

static void test_seqscan_analyze(void **state)
{
    (void)state;
    ixt_plan *p = load("seqscan_analyze.json");
    assert_int_equal(p->nnodes, 2);
    assert_true(p->has_analyze);
    assert_true(p->has_timing);
    assert_near(p->execution_ms, 47.733);
    assert_near(p->planning_ms, 0.19);
    assert_near(p->triggers_ms, -1);
    const ixt_plan_node *sort = p->nodes[0], *scan = p->nodes[1];
    assert_string_equal(label(scan), "Seq Scan on public.run_logs");
    assert_ptr_equal(p->hottest, scan);
    assert_near(scan->inclusive_ms, 47.615);
    assert_near(scan->exclusive_ms, 47.615);
    assert_near(sort->exclusive_ms, 47.642 - 47.615);
    assert_near(scan->share, 47.615 / 47.733);
    assert_near(scan->rows_removed, 1199994);
    assert_true(scan->selective_seq_scan);
    assert_false(sort->selective_seq_scan);
    assert_string_equal(ixt_plan_node_cond(scan, "Filter"), "(run_logs.run_id = 4242)");
    assert_string_equal(ixt_plan_node_cond(sort, "Sort Key"), "run_logs.seq");
    assert_string_equal(ixt_plan_node_cond(sort, "Sort Method"), "quicksort");
    assert_near(scan->shared_hit, 8824);
    assert_near(scan->shared_read, 0);
    assert_near(sort->excl_shared_hit, 8827 - 8824);
    assert_near(scan->misestimate, 1);
    /* SETTINGS lists what differs from the defaults */
    assert_int_equal(p->nsettings, 1);
    assert_string_equal(ixt_plan_setting(p, "max_parallel_workers_per_gather"), "0");
    assert_null(ixt_plan_setting(p, "work_mem"));
    ixt_plan_free(p);
}

/* Without ANALYZE, the seq scan flag comes from the cost: 23824 cost units
 * of a 1-operator filter read at least 23824 / 0.1125 = 211,769 rows (at 10
 * rows a page), and 6 are kept. */
static void test_selective_seq_scan_from_estimates(void **state)
{
    (void)state;
    ixt_plan *p = load("seqscan_estimate.json");
    assert_false(p->has_analyze);
    assert_true(p->execution_ms < 0);
    assert_true(p->nodes[1]->selective_seq_scan);
    assert_ptr_equal(p->hottest, p->nodes[1]);
    assert_near(p->nodes[1]->exclusive_cost, 23824.0);
    assert_near(p->nodes[0]->exclusive_cost, 23824.09 - 23824.0);
    ixt_plan_free(p);
    /* seq <> 3 keeps 999,320 of 1,200,000 rows: no index helps */
    p = load("nonselective_estimate.json");
    assert_false(p->nodes[1]->selective_seq_scan);
    ixt_plan_free(p);
    p = load("nonselective_analyze.json");
    assert_near(p->nodes[1]->rows_removed, 200000);
    assert_false(p->nodes[1]->selective_seq_scan);
    ixt_plan_free(p);
    /* users: 93.5 cost units is too small a table to bother */
    p = load("join_estimate.json");
    assert_true(p->nodes[1]->selective_seq_scan);
    assert_string_equal(label(p->nodes[3]), "Seq Scan on public.users u");
    assert_false(p->nodes[3]->selective_seq_scan);
    ixt_plan_free(p);
}

static void test_parallel_exclusive_times(void **state)
{
    (void)state;
    ixt_plan *p = load("parallel_analyze.json");
    assert_int_equal(p->nnodes, 5);
    assert_string_equal(label(p->nodes[0]), "Finalize GroupAggregate");
    assert_string_equal(label(p->nodes[1]), "Gather Merge");
    assert_string_equal(label(p->nodes[3]), "Partial HashAggregate");
    assert_string_equal(label(p->nodes[4]), "Parallel Seq Scan on public.run_logs");
    assert_int_equal(p->nodes[1]->workers_launched, 2);
    assert_int_equal(p->nodes[1]->processes, 1);
    /* below the Gather Merge: 2 workers + the leader, loops=3 */
    const ixt_plan_node *scan = p->nodes[4];
    assert_int_equal(scan->processes, 3);
    assert_near(scan->inclusive_ms, 50.826 * 3 / 3);
    assert_near(p->nodes[3]->exclusive_ms, 52.626 - 50.826);
    assert_near(p->nodes[2]->exclusive_ms, 52.640 - 52.626);
    assert_near(p->nodes[1]->exclusive_ms, 65.352 - 52.640);
    assert_ptr_equal(p->hottest, scan);
    assert_near(scan->rows_removed, 376471.0 * 3);
    assert_near(scan->misestimate, 29450.0 / 23529.0);
    assert_false(scan->mis_under);
    assert_true(scan->selective_seq_scan);
    assert_non_null(strstr(ixt_plan_node_cond(scan, "Workers"), "#0 rows=23204 loops=1 time=49.989 ms"));
    assert_string_equal(ixt_plan_node_cond(p->nodes[1], "Workers Launched"), "2");
    assert_string_equal(ixt_plan_setting(p, "parallel_setup_cost"), "0");
    ixt_plan_free(p);
}

static void test_leader_participation_off(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok("[{\"Plan\": {\"Node Type\": \"Gather\", \"Workers Planned\": 2, \"Workers Launched\": 2,"
                           " \"Actual Total Time\": 30, \"Actual Loops\": 1, \"Actual Rows\": 1, \"Plans\": ["
                           "{\"Node Type\": \"Seq Scan\", \"Actual Total Time\": 20, \"Actual Loops\": 2,"
                           " \"Actual Rows\": 1}]}, \"Settings\": {\"parallel_leader_participation\": \"off\"}}]");
    assert_int_equal(p->nodes[1]->processes, 2);
    assert_near(p->nodes[1]->inclusive_ms, 20);
    assert_near(p->nodes[0]->exclusive_ms, 10);
    ixt_plan_free(p);
}

/* The InitPlan's 61.2 ms show in the Index Scan that reads $1: they are
 * taken from it, not from the InitPlan's own figures. */
static void test_initplan(void **state)
{
    (void)state;
    ixt_plan *p = load("initplan_analyze.json");
    assert_int_equal(p->nnodes, 5);
    assert_string_equal(label(p->nodes[0]), "Index Scan using runs_pkey on public.runs");
    assert_string_equal(label(p->nodes[1]), "[InitPlan 1 (returns $1)] Finalize Aggregate");
    assert_string_equal(p->nodes[1]->parent_rel, "InitPlan");
    assert_string_equal(ixt_plan_node_cond(p->nodes[0], "Index Cond"), "(runs.id = $1)");
    assert_near(p->nodes[0]->exclusive_ms, 61.248 - 61.219);
    assert_near(p->nodes[1]->exclusive_ms, 61.219 - 61.212);
    assert_near(p->nodes[2]->exclusive_ms, 61.212 - 43.325);
    assert_ptr_equal(p->hottest, p->nodes[4]);
    /* without ANALYZE the InitPlan's cost is part of the scan's */
    ixt_plan *q = load("initplan_estimate.json");
    assert_near(q->nodes[0]->exclusive_cost, 16291.70 - 16283.27);
    assert_ptr_equal(q->hottest, q->nodes[4]);
    ixt_plan_free(q);
    ixt_plan_free(p);
}

/* A SubPlan runs per row: 39 loops of 0.004 ms; without ANALYZE its cost
 * counts once per row of users (39). */
static void test_subplan(void **state)
{
    (void)state;
    ixt_plan *p = load("subplan_analyze.json");
    assert_string_equal(label(p->nodes[1]), "[SubPlan 1] Aggregate");
    assert_string_equal(label(p->nodes[2]), "Index Only Scan using runs_user_id_idx on public.runs r");
    assert_near(p->nodes[1]->loops, 39);
    assert_near(p->nodes[1]->inclusive_ms, 0.004 * 39);
    assert_near(p->nodes[0]->exclusive_ms, 0.177 - 0.004 * 39);
    assert_near(p->nodes[2]->exclusive_ms, 0.003 * 39);
    assert_ptr_equal(p->hottest, p->nodes[2]);
    ixt_plan_free(p);
    p = load("subplan_estimate.json");
    assert_near(p->nodes[1]->est_loops, 39);
    assert_near(p->nodes[0]->exclusive_cost, 208.06 - 5.10 * 39);
    assert_near(p->nodes[1]->exclusive_cost, (5.10 - 5.00) * 39);
    assert_near(p->nodes[2]->exclusive_cost, 5.00 * 39);
    assert_ptr_equal(p->hottest, p->nodes[2]);
    ixt_plan_free(p);
}

/* The CTE's 8.458 ms show again in the two CTE Scans reading it: each gives
 * back a share in proportion to its time. */
static void test_cte(void **state)
{
    (void)state;
    ixt_plan *p = load("cte_analyze.json");
    assert_int_equal(p->nnodes, 8);
    assert_string_equal(label(p->nodes[1]), "[CTE recent] Seq Scan on public.runs");
    assert_string_equal(label(p->nodes[5]), "CTE Scan on recent b");
    assert_string_equal(label(p->nodes[7]), "CTE Scan on recent a");
    double sum = 7.653 + 4.424;
    assert_near(p->nodes[5]->exclusive_ms, 7.653 - 8.458 * 7.653 / sum);
    assert_near(p->nodes[7]->exclusive_ms, 4.424 - 8.458 * 4.424 / sum);
    assert_near(p->nodes[0]->exclusive_ms, 15.097 - 15.095);
    assert_near(p->nodes[4]->exclusive_ms, 14.192 - 7.653 - 4.629);
    assert_ptr_equal(p->hottest, p->nodes[1]);
    assert_near(p->nodes[4]->rows_removed_join, 2576);
    ixt_plan_free(p);
}

static void test_join_estimate_and_costly_walk(void **state)
{
    (void)state;
    ixt_plan *p = load("join_estimate.json");
    assert_false(p->has_analyze);
    assert_int_equal(p->nnodes, 4);
    assert_near(p->total_cost, 4092.99);
    const ixt_plan_node *join = p->nodes[0], *runs = p->nodes[1];
    assert_string_equal(label(join), "Hash Join (Inner)");
    assert_string_equal(label(runs), "Seq Scan on public.runs r");
    assert_string_equal(ixt_plan_node_cond(join, "Hash Cond"), "(r.user_id = u.id)");
    assert_near(join->exclusive_cost, 4092.99 - 3982.00 - 93.50);
    assert_near(p->nodes[2]->exclusive_cost, 0);
    assert_near(runs->share, 3982.0 / 4092.99);
    assert_ptr_equal(p->hottest, runs);
    /* the n/N walk: by exclusive cost, the Hash (0) left out */
    assert_int_equal(p->ncostly, 3);
    assert_ptr_equal(p->costly[0], runs);
    assert_ptr_equal(p->costly[1], p->nodes[3]);
    assert_ptr_equal(p->costly[2], join);
    ixt_plan_free(p);
    p = load("join_analyze.json");
    assert_near(p->nodes[0]->misestimate, 380);  /* 380 planned, 0 came */
    assert_false(p->nodes[0]->mis_under);
    assert_int_equal(p->ncostly, 4);
    for (size_t i = 1; i < p->ncostly; i++)
        assert_true(p->costly[i]->exclusive_ms <= p->costly[i - 1]->exclusive_ms);
    ixt_plan_free(p);
}

static void test_misestimate(void **state)
{
    (void)state;
    ixt_plan *p = load("misestimate_analyze.json");
    const ixt_plan_node *runs = p->nodes[3], *join = p->nodes[0];
    assert_near(runs->plan_rows, 18);
    assert_near(runs->actual_rows, 2000);
    assert_near(runs->misestimate, 2000.0 / 18);
    assert_true(runs->mis_under);
    assert_near(join->misestimate, 12000.0 / 108);
    assert_true(join->mis_under);
    char buf[512];
    ixt_plan_node_metrics(p, runs, buf, sizeof buf);
    assert_string_equal(buf, "cost=0.00..4482.00 rows=18 actual=0.007..8.472 rows=2000 loops=1 "
                             "excl=8.47 ms 6.6% x111 under hit=1482 read=0");
    /* truncated to the buffer, still terminated */
    assert_string_equal(ixt_plan_node_metrics(p, runs, buf, 12), "cost=0.00..");
    ixt_plan_free(p);
}

static void test_never_executed(void **state)
{
    (void)state;
    ixt_plan *p = load("never_executed_analyze.json");
    assert_string_equal(label(p->nodes[0]), "Nested Loop (Inner)");
    const ixt_plan_node *gather = p->nodes[2], *scan = p->nodes[3];
    assert_true(gather->never_executed);
    assert_true(scan->never_executed);
    assert_near(scan->inclusive_ms, 0);
    assert_near(scan->misestimate, 1);
    assert_false(scan->selective_seq_scan);
    assert_ptr_equal(p->hottest, p->nodes[1]);
    char buf[512];
    assert_non_null(strstr(ixt_plan_node_metrics(p, scan, buf, sizeof buf), "(never executed)"));
    ixt_plan_free(p);
}

/* An Append over a partitioned table pruned at executor start (now()):
 * the line says how many partitions are scanned of how many. */
static void test_partitions_pruned(void **state)
{
    (void)state;
    ixt_plan *p = load("partitions_pruned.json");
    const ixt_plan_node *append = p->nodes[0];
    assert_string_equal(append->node_type, "Append");
    assert_int_equal(append->nchildren, 3);
    assert_string_equal(ixt_plan_node_cond(append, "Partitions"), "3 of 5 scanned (2 pruned at executor start)");
    assert_null(ixt_plan_node_cond(append->children[0], "Partitions"));
    char *text = ixt_plan_render_text(p, true);
    assert_non_null(strstr(text, "\n|    Partitions: 3 of 5 scanned (2 pruned at executor start)\n"));
    free(text);
    ixt_plan_free(p);
}

/* Under ANALYZE, partitions skipped while the query ran (an InitPlan's
 * value compared with the partition key) are members never executed; the
 * InitPlan under the Append is not a partition.  Captured on the demo's
 * delivery_attempts (5 monthly partitions) with
 * ... AND attempted_at > (SELECT now() - interval '7 days'), and with
 * ... AND attempted_at > now() - interval '45 days' added. */
static void test_partitions_never_executed(void **state)
{
    (void)state;
    ixt_plan *p = load("partitions_never_executed_analyze.json");
    const ixt_plan_node *append = p->nodes[0];
    assert_string_equal(append->node_type, "Append");
    assert_int_equal(append->nchildren, 6);
    assert_string_equal(ixt_plan_node_cond(append, "Partitions"), "3 of 5 scanned, 2 never executed");
    char *text = ixt_plan_render_text(p, true);
    assert_non_null(strstr(text, "Partitions: 3 of 5 scanned, 2 never executed\n"));
    free(text);
    json_t *j = ixt_plan_to_json(p, NULL);
    char *dump = json_dumps(j, 0);
    assert_non_null(strstr(dump, "3 of 5 scanned, 2 never executed"));
    free(dump);
    json_decref(j);
    ixt_plan_free(p);

    p = load("partitions_both_analyze.json");
    assert_string_equal(ixt_plan_node_cond(p->nodes[0], "Partitions"),
                        "3 of 5 scanned (1 pruned at executor start), 1 never executed");
    ixt_plan_free(p);
}

/* The DELETE is fast; the foreign key's ON DELETE CASCADE without an index
 * on run_logs (run_id) takes 12.5 s in its trigger. */
static void test_delete_and_triggers(void **state)
{
    (void)state;
    ixt_plan *p = load("delete_analyze.json");
    assert_string_equal(label(p->root), "Delete on public.runs");
    assert_string_equal(p->root->operation, "Delete");
    assert_int_equal(p->ntriggers, 1);
    assert_string_equal(p->triggers[0].name, "RI_ConstraintTrigger_a_16427");
    assert_string_equal(p->triggers[0].constraint, "run_logs_run_id_fkey");
    assert_string_equal(p->triggers[0].relation, "runs");
    assert_near(p->triggers[0].time_ms, 12488.877);
    assert_near(p->triggers[0].calls, 274);
    assert_near(p->triggers_ms, 12488.877);
    /* shares are of the execution time, triggers included */
    assert_near(p->nodes[1]->share, 7.922 / 12497.219);
    char *text = ixt_plan_render_text(p, true);
    assert_non_null(strstr(text, "Trigger RI_ConstraintTrigger_a_16427 (run_logs_run_id_fkey) on runs: "
                                 "12.5 s, 274 calls (99.9% of the execution time)\n"));
    free(text);
    json_t *j = ixt_plan_to_json(p, NULL);
    json_t *t = json_array_get(json_object_get(j, "triggers"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "constraint")), "run_logs_run_id_fkey");
    assert_near(json_number_value(json_object_get(t, "time_ms")), 12488.877);
    json_decref(j);
    ixt_plan_free(p);
}

static void test_index_scans(void **state)
{
    (void)state;
    ixt_plan *p = load("index_scan_analyze.json");
    assert_string_equal(label(p->root), "Index Scan using runs_pkey on public.runs");
    assert_string_equal(p->root->scan_direction, "Forward");
    assert_true(ixt_plan_uses_index(p, "runs_pkey"));
    assert_false(ixt_plan_uses_index(p, "runs_user_id_idx"));
    ixt_plan_free(p);
    p = load("bitmap_analyze.json");
    assert_string_equal(label(p->root), "Bitmap Heap Scan on public.runs");
    assert_string_equal(label(p->nodes[1]), "Bitmap Index Scan using runs_user_id_idx");
    assert_string_equal(ixt_plan_node_cond(p->root, "Recheck Cond"),
                        "(runs.user_id = ANY ('{1,2,3}'::integer[]))");
    assert_string_equal(ixt_plan_node_cond(p->root, "Rows Removed by Filter"), "40");
    assert_near(p->root->rows_removed, 40);
    assert_near(p->root->rows_removed_recheck, 0);
    const char **names;
    assert_int_equal(ixt_plan_index_names(p, &names), 1);
    assert_string_equal(names[0], "runs_user_id_idx");
    free(names);
    ixt_plan_free(p);
}

static void test_labels(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok(
        "{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": ["
        "{\"Node Type\": \"Index Only Scan\", \"Scan Direction\": \"Backward\", \"Index Name\": \"i\","
        " \"Relation Name\": \"t\", \"Schema\": \"s\", \"Alias\": \"t\"},"
        "{\"Node Type\": \"Function Scan\", \"Function Name\": \"generate_series\", \"Schema\": \"pg_catalog\","
        " \"Alias\": \"g\"},"
        "{\"Node Type\": \"Subquery Scan\", \"Alias\": \"sub\"},"
        "{\"Node Type\": \"SetOp\", \"Strategy\": \"Hashed\"},"
        "{\"Node Type\": \"ModifyTable\", \"Operation\": \"Update\", \"Relation Name\": \"t\"}]}}");
    assert_string_equal(label(p->nodes[1]), "Index Only Scan Backward using i on s.t");
    assert_string_equal(label(p->nodes[2]), "Function Scan on pg_catalog.generate_series g");
    assert_string_equal(label(p->nodes[3]), "Subquery Scan on sub");
    assert_string_equal(label(p->nodes[4]), "HashSetOp");
    assert_string_equal(label(p->nodes[5]), "Update on t");
    char buf[8];
    assert_string_equal(ixt_plan_node_label(p->nodes[1], buf, sizeof buf), "Index O");
    ixt_plan_free(p);
}

/* ===== layout and drawing ===== */

static void test_layout_collapse(void **state)
{
    (void)state;
    /* 0 Limit, 1 [CTE] Seq Scan, 2 Sort, 3 HashAggregate, 4 Hash Join,
     * 5 CTE Scan b, 6 Hash, 7 CTE Scan a */
    ixt_plan *p = load("cte_analyze.json");
    ixt_plan_fold f;
    ixt_plan_fold_init(&f, p);
    assert_int_equal(f.nvisible, 8);
    assert_int_equal(p->nodes[4]->subtree, 4);
    assert_int_equal(ixt_plan_fold_set(&f, p->nodes[4], true), 5);
    assert_int_equal(ixt_plan_fold_row(&f, p->nodes[5]), -1);
    assert_int_equal(ixt_plan_fold_row(&f, p->nodes[4]), 4);
    assert_int_equal(ixt_plan_fold_set(&f, p->nodes[7], true), 5); /* a leaf: no-op */
    assert_false(ixt_plan_fold_collapsed(&f, p->nodes[7]));
    ixt_plan_fold_reveal(&f, p->nodes[7]);
    assert_int_equal(f.nvisible, 8);
    assert_int_equal(ixt_plan_fold_row(&f, p->nodes[7]), 7);
    assert_int_equal(ixt_plan_fold_depth(&f, 1), 3);  /* Limit, CTE, Sort */
    assert_ptr_equal(f.visible[2], p->nodes[2]);
    assert_int_equal(ixt_plan_fold_depth(&f, 0), 1);
    assert_int_equal(ixt_plan_fold_toggle(&f, p->root), 3);
    assert_int_equal(ixt_plan_fold_depth(&f, 4), 7);  /* only the Hash folds */
    ixt_plan_fold_expand_all(&f);
    assert_int_equal(f.nvisible, 8);
    for (size_t i = 0; i < 8; i++)
        assert_ptr_equal(f.visible[i], p->nodes[i]);
    ixt_plan_fold_free(&f);
    ixt_plan_free(p);
}

static void test_prefix(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok("{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": ["
                           "{\"Node Type\": \"Hash Join\", \"Plans\": [{\"Node Type\": \"Seq Scan\"},"
                           " {\"Node Type\": \"Hash\", \"Plans\": [{\"Node Type\": \"Seq Scan\"}]}]},"
                           "{\"Node Type\": \"Result\"}]}}");
    char buf[128];
    assert_string_equal(ixt_plan_prefix(p->nodes[0], true, buf, sizeof buf), "");
    assert_string_equal(ixt_plan_prefix(p->nodes[1], true, buf, sizeof buf), "+- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[2], true, buf, sizeof buf), "|  +- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[3], true, buf, sizeof buf), "|  `- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[4], true, buf, sizeof buf), "|     `- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[5], true, buf, sizeof buf), "`- ");
    assert_string_equal(ixt_plan_prefix(p->nodes[4], false, buf, sizeof buf),
                        "\xe2\x94\x82     \xe2\x94\x94\xe2\x94\x80 ");
    assert_string_equal(ixt_plan_prefix(p->nodes[2], false, buf, sizeof buf),
                        "\xe2\x94\x82  \xe2\x94\x9c\xe2\x94\x80 ");
    /* truncated to the buffer, still terminated */
    assert_string_equal(ixt_plan_prefix(p->nodes[4], true, buf, 4), "|  ");
    ixt_plan_free(p);
}

/* ===== batch output ===== */

static void test_text_render(void **state)
{
    (void)state;
    ixt_plan *p = load("join_analyze.json");
    char *text = ixt_plan_render_text(p, true);
    const char *want =
        "Total cost 4092.99, planning 0.49 ms, execution 8.76 ms\n"
        "Hash Join (Inner)  (cost=106.00..4092.99 rows=380 actual=8.694..8.696 rows=0 loops=1 excl=0.12 ms 1.4%"
        " x380 over hit=1513 read=0)\n"
        "|    Hash Cond: (r.user_id = u.id)\n"
        "+- * Seq Scan on public.runs r  (cost=0.00..3982.00 rows=1900 actual=0.007..8.233 rows=2000 loops=1"
        " excl=8.23 ms 94.0% hit=1482 read=0)  <- an index could help\n"
        "|       Filter: (r.status = 'failed'::text)\n"
        "|       Rows Removed by Filter: 198000\n"
        "`- Hash  (cost=93.50..93.50 rows=1000 actual=0.342..0.342 rows=1000 loops=1 excl=0.10 ms 1.1%"
        " hit=31 read=0)\n"
        "   |    Hash Buckets: 1024\n"
        "   |    Hash Batches: 1\n"
        "   |    Original Hash Batches: 1\n"
        "   |    Peak Memory Usage: 55\n"
        "   `- Seq Scan on public.users u  (cost=0.00..93.50 rows=1000 actual=0.004..0.244 rows=1000 loops=1"
        " excl=0.24 ms 2.8% hit=31 read=0)\n"
        "           Filter: (u.country = 'fr'::text)\n"
        "           Rows Removed by Filter: 4000\n"
        "* most expensive node (94.0% of the execution time)\n";
    assert_string_equal(text, want);
    free(text);
    ixt_plan_free(p);
    p = load("misestimate_estimate.json");
    text = ixt_plan_render_text(p, false);
    assert_non_null(strstr(text, "Total cost 28456.29\nSettings: max_parallel_workers_per_gather = '0'\n"));
    assert_non_null(strstr(text, "\xe2\x94\x9c\xe2\x94\x80 * Seq Scan on public.run_logs l  (cost=0.00..20824.00"
                                 " rows=1200000 excl=20824.00 73.2%)\n"));
    assert_non_null(strstr(text, "* most expensive node (73.2% of the total cost)"));
    free(text);
    ixt_plan_free(p);
}

static void test_json_output(void **state)
{
    (void)state;
    ixt_plan *p = load("seqscan_analyze.json");
    json_t *j = ixt_plan_to_json(p, NULL);
    assert_near(json_number_value(json_object_get(j, "execution_ms")), 47.733);
    assert_near(json_number_value(json_object_get(j, "planning_ms")), 0.19);
    assert_near(json_number_value(json_object_get(j, "total_cost")), 23824.09);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "settings"),
                                                          "max_parallel_workers_per_gather")), "0");
    json_t *plan = json_object_get(j, "plan");
    assert_string_equal(json_string_value(json_object_get(plan, "node_type")), "Sort");
    json_t *scan = json_array_get(json_object_get(plan, "children"), 0);
    assert_string_equal(json_string_value(json_object_get(scan, "relation")), "run_logs");
    assert_true(json_is_null(json_object_get(scan, "index")));
    assert_near(json_number_value(json_object_get(scan, "exclusive_ms")), 47.615);
    assert_near(json_number_value(json_object_get(scan, "actual_total_ms")), 47.615);
    assert_near(json_number_value(json_object_get(scan, "actual_rows")), 6);
    assert_near(json_number_value(json_object_get(scan, "plan_rows")), 6);
    assert_true(json_is_true(json_object_get(scan, "selective_seq_scan")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(scan, "conditions"), "Filter")),
                        "(run_logs.run_id = 4242)");
    assert_int_equal(json_array_size(json_object_get(scan, "children")), 0);
    assert_null(json_object_get(scan, "diff"));
    json_decref(j);
    ixt_plan_free(p);
    p = load("join_estimate.json");
    j = ixt_plan_to_json(p, NULL);
    assert_true(json_is_null(json_object_get(j, "execution_ms")));
    plan = json_object_get(j, "plan");
    assert_true(json_is_null(json_object_get(plan, "actual_rows")));
    assert_true(json_is_null(json_object_get(plan, "exclusive_ms")));
    assert_int_equal(json_array_size(json_object_get(plan, "children")), 2);
    json_t *hash = json_array_get(json_object_get(plan, "children"), 1);
    json_t *users = json_array_get(json_object_get(hash, "children"), 0);
    assert_string_equal(json_string_value(json_object_get(users, "relation")), "users");
    assert_near(json_number_value(json_object_get(users, "exclusive_cost")), 93.5);
    json_decref(j);
    ixt_plan_free(p);
}

/* ===== before/after ===== */

static void test_diff_with_hypothetical_index(void **state)
{
    (void)state;
    ixt_plan *before = load("seqscan_estimate.json"), *after = load("seqscan_hypo_estimate.json");
    ixt_plan_diff *d = ixt_plan_diff_new(before, after);
    assert_int_equal(d->mark[0], IXT_DIFF_COST);    /* Sort: 23824.09 -> 27.66 */
    assert_int_equal(d->mark[1], IXT_DIFF_CHANGED); /* Seq Scan -> Index Scan */
    assert_int_equal(d->peer[1], 1);
    assert_string_equal(label(after->nodes[1]),
                        "Index Scan using <13556>btree_run_logs_run_id on public.run_logs");
    /* HypoPG's "<oid>name" matches with or without its oid */
    assert_true(ixt_plan_uses_index(after, "<13556>btree_run_logs_run_id"));
    assert_true(ixt_plan_uses_index(after, "btree_run_logs_run_id"));
    assert_false(ixt_plan_uses_index(after, "<99>btree_run_logs_run_id"));
    assert_false(ixt_plan_uses_index(after, "btree_run_logs"));
    assert_false(ixt_plan_uses_index(before, "btree_run_logs_run_id"));
    const char **names;
    assert_int_equal(ixt_plan_index_names(before, &names), 0);
    free(names);
    json_t *j = ixt_plan_to_json(after, d);
    json_t *plan = json_object_get(j, "plan");
    assert_string_equal(json_string_value(json_object_get(plan, "diff")), "cost");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(plan, "children"), 0),
                                                          "diff")), "changed");
    json_decref(j);
    ixt_plan_diff_free(d);
    ixt_plan_free(before);
    ixt_plan_free(after);
}

static void test_diff_marks(void **state)
{
    (void)state;
    ixt_plan *a = load("join_estimate.json"), *b = load("join_analyze.json");
    ixt_plan_diff *d = ixt_plan_diff_new(a, b);   /* same plan, with and without ANALYZE */
    for (size_t i = 0; i < b->nnodes; i++) {
        assert_int_equal(d->mark[i], IXT_DIFF_SAME);
        assert_int_equal(d->peer[i], (int)i);
    }
    ixt_plan_diff_free(d);
    ixt_plan *c = load("seqscan_estimate.json");
    d = ixt_plan_diff_new(c, a);   /* Sort/Seq Scan before, Hash Join plan after */
    assert_int_equal(d->mark[0], IXT_DIFF_CHANGED); /* Sort -> Hash Join */
    assert_int_equal(d->mark[1], IXT_DIFF_CHANGED); /* run_logs -> runs */
    assert_int_equal(d->mark[2], IXT_DIFF_NEW);
    assert_int_equal(d->mark[3], IXT_DIFF_NEW);
    assert_int_equal(d->peer[3], -1);
    ixt_plan_diff_free(d);
    d = ixt_plan_diff_new(NULL, c);
    assert_int_equal(d->mark[0], IXT_DIFF_NEW);
    ixt_plan_diff_free(d);
    ixt_plan_free(a);
    ixt_plan_free(b);
    ixt_plan_free(c);
}

/* A plan does not change once read: two folds of it are independent, and
 * diffs against it leave it (and its text and JSON) as they were. */
static void test_views_keep_their_own_state(void **state)
{
    (void)state;
    ixt_plan *p = load("cte_analyze.json"), *q = load("join_estimate.json");
    char *text = ixt_plan_render_text(p, true);
    ixt_plan_fold f, g;
    ixt_plan_fold_init(&f, p);
    ixt_plan_fold_init(&g, p);
    assert_int_equal(ixt_plan_fold_depth(&f, 0), 1);
    assert_int_equal(g.nvisible, 8);
    assert_false(ixt_plan_fold_collapsed(&g, p->root));
    assert_int_equal(ixt_plan_fold_row(&g, p->nodes[7]), 7);
    ixt_plan_diff *d1 = ixt_plan_diff_new(q, p), *d2 = ixt_plan_diff_new(NULL, p);
    assert_int_equal(d1->mark[0], IXT_DIFF_CHANGED); /* Limit where the Hash Join was */
    assert_int_equal(d2->mark[0], IXT_DIFF_NEW);
    char *again = ixt_plan_render_text(p, true);
    assert_string_equal(again, text);
    json_t *j = ixt_plan_to_json(p, NULL);
    assert_null(json_object_get(json_object_get(j, "plan"), "diff"));
    json_decref(j);
    free(again);
    free(text);
    ixt_plan_diff_free(d1);
    ixt_plan_diff_free(d2);
    ixt_plan_fold_free(&f);
    ixt_plan_fold_free(&g);
    ixt_plan_free(p);
    ixt_plan_free(q);
}

static void test_index_names(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok("[{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": ["
                           "{\"Node Type\": \"Index Scan\", \"Index Name\": \"b_idx\"},"
                           "{\"Node Type\": \"Index Scan\", \"Index Name\": \"<13444>btree_runs_status\"},"
                           "{\"Node Type\": \"Index Scan\", \"Index Name\": \"b_idx\"},"
                           "{\"Node Type\": \"Bitmap Index Scan\", \"Index Name\": \"a_idx\"}]}}]");
    const char **names;
    assert_int_equal(ixt_plan_index_names(p, &names), 3);
    assert_string_equal(names[0], "<13444>btree_runs_status");
    assert_string_equal(names[1], "a_idx");
    assert_string_equal(names[2], "b_idx");
    free(names);
    assert_true(ixt_plan_uses_index(p, "btree_runs_status"));
    assert_false(ixt_plan_uses_index(p, "<1>btree_runs_status"));
    ixt_plan_free(p);
}

/* ===== bad and odd input ===== */

static void test_malformed_input(void **state)
{
    (void)state;
    assert_parse_error("not json", "not valid JSON");
    assert_parse_error("", "empty");
    assert_parse_error("  \n", "empty");
    assert_parse_error("[]", "empty array");
    assert_parse_error("[{\"Plan\": {\"Node Type\": \"Limit\"", "cut short");
    assert_parse_error("[{\"Plan\": {\"Node Type\": \"Limit\"}}] trailing", "not valid JSON");
    assert_parse_error("{\"Plan\": 5}", "\"Plan\" in the JSON is a number, not an object");
    assert_parse_error("[\"Plan\"]", "holds a string where an object");
    assert_parse_error("[{\"Query Text\": \"select 1\"}]", "no \"Plan\"");
    assert_parse_error("42", "not valid JSON: '[' or '{' expected");
}

static void test_odd_types_tolerated(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok("{\"Plan\": {\"Node Type\": 7, \"Total Cost\": \"x\", \"Actual Loops\": \"2\","
                           " \"Filter\": {\"a\": 1}, \"Sort Key\": [1, null, \"b\", [2]],"
                           " \"Plans\": [5, {\"Node Type\": \"Seq Scan\", \"Plans\": \"y\"}, null]},"
                           " \"Planning Time\": \"fast\", \"Settings\": [1], \"Triggers\": {}, \"JIT\": 3}");
    assert_int_equal(p->nnodes, 2);
    assert_string_equal(p->root->node_type, "?");
    assert_near(p->root->total_cost, 0);
    assert_false(p->has_analyze);
    assert_null(ixt_plan_node_cond(p->root, "Filter"));
    assert_string_equal(ixt_plan_node_cond(p->root, "Sort Key"), "1, b");
    assert_true(p->nodes[1]->last_child);
    assert_near(p->planning_ms, -1);
    assert_int_equal(p->nsettings, 0);
    assert_int_equal(p->ntriggers, 0);
    char *text = ixt_plan_render_text(p, true);
    assert_non_null(strstr(text, "`- Seq Scan"));
    free(text);
    ixt_plan_free(p);
    /* figures that overflow when multiplied stay finite */
    p = parse_ok("{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Actual Total Time\": 1e300,"
                 " \"Actual Loops\": 1e300, \"Actual Rows\": 1e300, \"Plan Rows\": -5,"
                 " \"Workers Launched\": 1e300, \"Rows Removed by Filter\": 1e300, \"Filter\": \"x\"}}");
    assert_true(isfinite(p->root->inclusive_ms));
    assert_true(isfinite(p->root->misestimate));
    assert_true(p->root->share >= 0 && p->root->share <= 1);
    json_t *j = ixt_plan_to_json(p, NULL);
    char *s = json_dumps(j, 0);
    assert_non_null(s);
    free(s);
    json_decref(j);
    text = ixt_plan_render_text(p, false);
    free(text);
    ixt_plan_free(p);
}

/* ===== size ===== */

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

/* depth levels of Nested Loop, each with one child, then a Result. */
static char *deep_plan(int depth)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "[{\"Plan\": ");
    for (int i = 0; i < depth; i++)
        ixt_buf_printf(&b, "{\"Node Type\": \"Nested Loop\", \"Total Cost\": %d, \"Plans\": [", depth - i + 1);
    ixt_buf_add(&b, "{\"Node Type\": \"Result\", \"Total Cost\": 1}");
    for (int i = 0; i < depth; i++)
        ixt_buf_add(&b, "]}");
    ixt_buf_add(&b, "}]");
    return ixt_buf_take(&b);
}

static void test_wide_plan(void **state)
{
    (void)state;
    char *json = wide_plan(10000);
    ixt_plan *p = parse_ok(json);
    free(json);
    assert_int_equal(p->nnodes, 10001);
    assert_int_equal(p->root->nchildren, 10000);
    assert_string_equal(p->hottest->relation, "part_9999");
    assert_string_equal(p->nodes[5000]->relation, "part_4999");
    assert_int_equal(p->nodes[5000]->child_index, 4999);
    assert_true(p->nodes[10000]->last_child);
    assert_false(p->nodes[9999]->last_child);
    ixt_plan_fold f;
    ixt_plan_fold_init(&f, p);
    assert_int_equal(ixt_plan_fold_toggle(&f, p->root), 1);
    ixt_plan_fold_expand_all(&f);
    assert_int_equal(f.nvisible, 10001);
    ixt_plan_fold_free(&f);
    char *text = ixt_plan_render_text(p, false);
    assert_non_null(strstr(text, "\xe2\x94\x9c\xe2\x94\x80 Seq Scan on part_5000  (cost=0.00..5010.00"));
    free(text);
    json_t *j = ixt_plan_to_json(p, NULL);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "plan"), "children")), 10000);
    json_decref(j);
    ixt_plan_free(p);
}

/* The nodes are walked one object at a time, so jansson's nesting limit
 * (2048, JSON_PARSER_MAX_DEPTH: about 1,020 plan levels when it read the
 * whole document) no longer bounds a plan's depth. */
static void test_deep_plan(void **state)
{
    (void)state;
    char *json = deep_plan(1000);
    ixt_plan *p = parse_ok(json);
    free(json);
    assert_int_equal(p->nnodes, 1001);
    assert_int_equal(p->nodes[1000]->depth, 1000);
    assert_int_equal(p->root->subtree, 1001);
    assert_near(p->nodes[500]->exclusive_cost, 1);
    char *buf = malloc(8192);
    ixt_plan_prefix(p->nodes[1000], true, buf, 8192);
    assert_int_equal(strlen(buf), 1000 * 3);
    free(buf);
    ixt_plan_fold f;
    ixt_plan_fold_init(&f, p);
    assert_int_equal(ixt_plan_fold_depth(&f, 10), 11);
    ixt_plan_fold_reveal(&f, p->nodes[1000]);
    assert_int_equal(f.nvisible, 1001);
    ixt_plan_fold_free(&f);
    char *text = ixt_plan_render_text(p, false);
    free(text);
    json_t *j = ixt_plan_to_json(p, NULL);
    char *s = json_dumps(j, 0);
    assert_non_null(s);
    free(s);
    json_decref(j);
    ixt_plan *q = load("join_estimate.json");
    ixt_plan_diff *d = ixt_plan_diff_new(q, p);
    assert_int_equal(d->mark[1000], IXT_DIFF_NEW);
    ixt_plan_diff_free(d);
    ixt_plan_free(q);
    ixt_plan_free(p);
    json = deep_plan(5000);
    p = parse_ok(json);
    free(json);
    assert_int_equal(p->nnodes, 5001);
    assert_int_equal(p->nodes[5000]->depth, 5000);
    assert_int_equal(p->root->subtree, 5001);
    ixt_plan_free(p);
}

/* What EXPLAIN never prints but JSON allows: keys after "Plans", keys
 * around "Plan", a key given twice (the last wins, as in a jansson object;
 * only a second "Plan" is left out), keys spelled with escapes. */
static void test_walk_odd_layouts(void **state)
{
    (void)state;
    ixt_plan *p = parse_ok("[{\"Planning Time\": 2, \"Plan\": {\"Node Type\": \"A\", \"Plans\": ["
                           "{\"Node Type\": \"Seq Scan\", \"Total Cost\": 1}], \"Total Cost\": 5,"
                           " \"Node Type\": \"Hash\", \"Filter\": \"(x = 1)\"}, \"Execution Time\": 3,"
                           " \"Plan\": 7}, {\"ignored\": [1, 2]}]");
    assert_int_equal(p->nnodes, 2);
    assert_string_equal(p->root->node_type, "Hash");
    assert_near(p->root->total_cost, 5);
    assert_string_equal(ixt_plan_node_cond(p->root, "Filter"), "(x = 1)");
    assert_near(p->planning_ms, 2);
    assert_near(p->execution_ms, 3);
    ixt_plan_free(p);
    p = parse_ok("{\"Plan\": {\"Node \\u0054ype\": \"Append\", \"Pl\\u0061ns\": [{\"Node Type\": \"Seq Scan\"},"
                 " {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"caf\\u00e9 \\\"x\\\" ]}\"}]}}");
    assert_int_equal(p->nnodes, 3);
    assert_string_equal(p->root->node_type, "Append");
    assert_string_equal(p->nodes[2]->relation, "caf\xc3\xa9 \"x\" ]}");
    ixt_plan_free(p);
}

/* A plan cut anywhere, or broken deep inside a node, gives jansson's
 * words with the line and column, never a crash or a partial tree. */
static void test_truncated_and_broken(void **state)
{
    (void)state;
    ixt_err e = {{0}};
    size_t len;
    char *text = ixt_read_file("tests/data/plans/partitions_both_analyze.json", &len, &e);
    assert_non_null(text);
    for (size_t cut = 1; cut < len; cut++) {
        if (!text[cut + strspn(text + cut, " \t\r\n")])
            break;           /* only whitespace is left out */
        char *part = ixt_xstrndup(text, cut);
        ixt_plan *p = ixt_plan_parse(part, &e);
        if (p)
            fail_msg("a plan from the first %zu bytes", cut);
        if (!strstr(e.msg, "cut short") && !strstr(e.msg, "not valid JSON"))
            fail_msg("cut at %zu: %s", cut, e.msg);
        free(part);
    }
    free(text);
    assert_parse_error("[{\"Plan\": {\"Node Type\": \"Append\",\n \"Plans\": [\n  {\"Node Type\": \"Seq Scan\",\n"
                       "   \"Total Cost\": 1.2.3}]}}]", "(line 4, column");
    assert_parse_error("[{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": [{\"Node Type\": \"A\"} {}]}}]",
                       "not valid JSON");
    assert_parse_error("[{\"Plan\": {\"Plans\": [5, tru]}}]", "not valid JSON");
    assert_parse_error("[{\"Plan\": {\"Plans\": [{\"Filter\": \"x\\q\"}]}}]", "not valid JSON");
    assert_parse_error("[{\"Plan\": {\"Plans\": []}}, {\"x\": }]", "not valid JSON");
    assert_parse_error("[{\"Plan\": {\"Node Type\": \"A\"}}}", "not valid JSON");
    assert_parse_error("{\"Plan\": {\"Node Type\": \"A\"}} x", "not valid JSON");
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
        ixt_err e = {{0}};
        size_t len;
        char *text = ixt_read_file(path, &len, &e);
        free(path);
        assert_non_null(text);
        ixt_plan *p = ixt_plan_parse(text, &e);
        if (p) {
            char *out = ixt_plan_render_text(p, true);
            free(out);
            json_t *j = ixt_plan_to_json(p, NULL);
            json_decref(j);
            ixt_plan_fold f;
            ixt_plan_fold_init(&f, p);
            ixt_plan_fold_depth(&f, 1);
            ixt_plan_fold_free(&f);
            ixt_plan_diff_free(ixt_plan_diff_new(p, p));
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

/* A LIMIT over a hypothetical index walked in sort order with a Filter and
 * no Index Cond: its cost if the filter's rows come late is the whole
 * walk's (here through parallel workers); an Index Cond bounds the walk,
 * and an index that exists already is not the advice's doing. */
static const char LATE_FMT[] =
    "[{\"Plan\": {\"Node Type\": \"Limit\", \"Startup Cost\": 1000.45, \"Total Cost\": 43542.19,"
    " \"Plan Rows\": 20, \"Plan Width\": 30, \"Plans\": [{\"Node Type\": \"Gather Merge\","
    " \"Parent Relationship\": \"Outer\", \"Startup Cost\": 1000.45, \"Total Cost\": 213709.13, \"Plan Rows\": 100,"
    " \"Plan Width\": 30, \"Workers Planned\": 2, \"Plans\": [{\"Node Type\": \"Index Scan\","
    " \"Parent Relationship\": \"Outer\", \"Parallel Aware\": true, \"Scan Direction\": \"Backward\","
    " \"Index Name\": \"%s\", \"Relation Name\": \"events\", \"Alias\": \"events\", \"Startup Cost\": 0.42,"
    " \"Total Cost\": 212697.57, \"Plan Rows\": 42, \"Plan Width\": 30%s,"
    " \"Filter\": \"(payload @> jsonb_build_object('customer_id', 4242))\"}]}]}}]";

static double late_cost(const char *index, const char *more)
{
    char *json = ixt_xasprintf(LATE_FMT, index, more);
    ixt_plan *p = parse_ok(json);
    assert_near(p->total_cost, 43542.19);
    double c = ixt_plan_cost_if_rows_late(p);
    ixt_plan_free(p);
    free(json);
    return c;
}

/* The same walk as the outer side of a Nested Loop whose inner side
 * filters (tasks by updated_at, joined to the archived projects): rows are
 * late when few projects are archived.  A loop that keeps every outer row
 * (a plain foreign key lookup) waits for nothing. */
static const char LATE_LOOP_FMT[] =
    "[{\"Plan\": {\"Node Type\": \"Limit\", \"Startup Cost\": 0.35, \"Total Cost\": 7.93, \"Plan Rows\": 20,"
    " \"Plan Width\": 33, \"Plans\": [{\"Node Type\": \"Nested Loop\", \"Parent Relationship\": \"Outer\","
    " \"Join Type\": \"Inner\", \"Startup Cost\": 0.35, \"Total Cost\": 45514.88, \"Plan Rows\": %d,"
    " \"Plan Width\": 33, \"Plans\": [{\"Node Type\": \"Index Scan\", \"Parent Relationship\": \"Outer\","
    " \"Scan Direction\": \"Backward\", \"Index Name\": \"<13556>btree_tasks_updated_at\","
    " \"Relation Name\": \"tasks\", \"Alias\": \"t\", \"Startup Cost\": 0.05, \"Total Cost\": 26883.05,"
    " \"Plan Rows\": 600000, \"Plan Width\": 37}, {\"Node Type\": \"Index Scan\","
    " \"Parent Relationship\": \"Inner\", \"Scan Direction\": \"Forward\", \"Index Name\": \"projects_pkey\","
    " \"Relation Name\": \"projects\", \"Alias\": \"p\", \"Startup Cost\": 0.29, \"Total Cost\": 0.30,"
    " \"Plan Rows\": 1, \"Plan Width\": 4, \"Index Cond\": \"(id = t.project_id)\"%s}]}]}}]";

static double late_loop_cost(int rows, const char *filter)
{
    char *json = ixt_xasprintf(LATE_LOOP_FMT, rows, filter);
    ixt_plan *p = parse_ok(json);
    double c = ixt_plan_cost_if_rows_late(p);
    ixt_plan_free(p);
    free(json);
    return c;
}

static void test_cost_if_rows_late(void **state)
{
    (void)state;
    assert_near(late_loop_cost(120000, ", \"Filter\": \"archived\""), 45514.88);
    assert_near(late_loop_cost(600000, ""), 7.93);
    /* FOR UPDATE: LockRows between the Limit and the walk */
    ixt_plan *lock = parse_ok(
        "[{\"Plan\": {\"Node Type\": \"Limit\", \"Startup Cost\": 0.04, \"Total Cost\": 29.80, \"Plan Rows\": 10,"
        " \"Plan Width\": 26, \"Plans\": [{\"Node Type\": \"LockRows\", \"Parent Relationship\": \"Outer\","
        " \"Startup Cost\": 0.04, \"Total Cost\": 43749.71, \"Plan Rows\": 14700, \"Plan Width\": 26,"
        " \"Plans\": [{\"Node Type\": \"Index Scan\", \"Parent Relationship\": \"Outer\","
        " \"Scan Direction\": \"Forward\", \"Index Name\": \"<13556>btree_runs_run_at\", \"Relation Name\": \"runs\","
        " \"Alias\": \"runs\", \"Startup Cost\": 0.04, \"Total Cost\": 43602.71, \"Plan Rows\": 14700,"
        " \"Plan Width\": 26, \"Filter\": \"(status = 'queued'::text)\"}]}]}}]");
    assert_near(ixt_plan_cost_if_rows_late(lock), 43749.71);
    ixt_plan_free(lock);
    assert_near(late_cost("<13556>btree_events_created_at", ""), 213709.13);
    assert_near(late_cost("<13556>btree_events_created_at", ", \"Index Cond\": \"(tenant_id = 1)\""), 43542.19);
    assert_near(late_cost("events_created_at_idx", ""), 43542.19);
    /* a plan without such a walk costs what it costs */
    ixt_plan *p = load("seqscan_analyze.json");
    assert_near(ixt_plan_cost_if_rows_late(p), p->total_cost);
    ixt_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seqscan_analyze),
        cmocka_unit_test(test_selective_seq_scan_from_estimates),
        cmocka_unit_test(test_parallel_exclusive_times),
        cmocka_unit_test(test_leader_participation_off),
        cmocka_unit_test(test_initplan),
        cmocka_unit_test(test_subplan),
        cmocka_unit_test(test_cte),
        cmocka_unit_test(test_join_estimate_and_costly_walk),
        cmocka_unit_test(test_misestimate),
        cmocka_unit_test(test_never_executed),
        cmocka_unit_test(test_partitions_pruned),
        cmocka_unit_test(test_partitions_never_executed),
        cmocka_unit_test(test_delete_and_triggers),
        cmocka_unit_test(test_index_scans),
        cmocka_unit_test(test_cost_if_rows_late),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_layout_collapse),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_text_render),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_diff_with_hypothetical_index),
        cmocka_unit_test(test_diff_marks),
        cmocka_unit_test(test_views_keep_their_own_state),
        cmocka_unit_test(test_index_names),
        cmocka_unit_test(test_malformed_input),
        cmocka_unit_test(test_odd_types_tolerated),
        cmocka_unit_test(test_wide_plan),
        cmocka_unit_test(test_deep_plan),
        cmocka_unit_test(test_walk_odd_layouts),
        cmocka_unit_test(test_truncated_and_broken),
        cmocka_unit_test(test_fuzz_corpus_replays),
    };
    return IXT_RUN_TESTS(tests);
}
