/* plan: EXPLAIN (FORMAT JSON) output as a tree, with what a DBA looks for:
 * exclusive time and cost per node, its share of the whole, row
 * misestimates, buffers, the hottest node, the costly nodes in order, seq
 * scans an index could help.  This is the model only, and it does not
 * change once read: it is shown by plan_text (lines), plan_json (batch
 * JSON) and plan_fold (the tree view's folds), and compared by plan_diff,
 * each keeping its own state apart from the nodes.
 *
 * Metrics follow PEV2: a node's time is "Actual Total Time" x loops, divided
 * by the processes that ran it under a Gather (launched workers + leader);
 * exclusive time is that minus the children's, InitPlans excepted (their
 * time is taken from the node that uses their result), and CTE Scans give
 * back their CTE's time in proportion.  Everything is computed once, in
 * ixt_plan_parse; traversals are iterative, so wide and deep plans load. */
#ifndef IDXTUNE_PLAN_H
#define IDXTUNE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

/* Nodes under this share of the whole are left out of the costly walk. */
#define IXT_PLAN_COSTLY_MIN_SHARE 0.001

typedef struct ixt_plan_cond {
    const char *label;   /* "Filter", "Index Cond", ...  static */
    char *text;          /* belongs to the plan */
} ixt_plan_cond;

typedef struct ixt_plan_kv {
    char *key;           /* owned by the plan */
    char *value;
} ixt_plan_kv;

typedef struct ixt_plan_trigger {
    char *name;          /* "RI_ConstraintTrigger_a_16427" (owned by the plan, all strings) */
    char *constraint;    /* "run_logs_run_id_fkey" or NULL */
    char *relation;      /* "runs" or NULL */
    double time_ms;
    double calls;
} ixt_plan_trigger;

typedef struct ixt_plan_node ixt_plan_node;
struct ixt_plan_node {
    char *node_type;     /* "Seq Scan", "Hash Join", "ModifyTable" ... (all strings,
                          * conds and children arrays belong to the plan) */
    char *operation;     /* ModifyTable: "Delete", ... */
    char *join_type;     /* "Inner", "Left", "Semi", ... */
    char *strategy;      /* Aggregate: "Plain", "Sorted", "Hashed", "Mixed" */
    char *partial_mode;  /* Aggregate: "Simple", "Partial", "Finalize" */
    char *relation;
    char *schema;
    char *alias;
    char *index_name;
    char *scan_direction; /* "Forward", "Backward", "NoMovement" */
    char *cte_name;
    char *function_name;
    char *parent_rel;    /* "Outer", "Inner", "InitPlan", "SubPlan", "Member", ... */
    char *subplan_name;  /* "InitPlan 1 (returns $0)", "SubPlan 1", "CTE recent" */
    bool parallel_aware;
    double startup_cost, total_cost, plan_rows, plan_width;
    bool has_actual;     /* ANALYZE figures present (rows and loops) */
    bool never_executed; /* ANALYZE and zero loops */
    double actual_startup_ms, actual_total_ms, actual_rows, loops; /* as reported: per loop */
    double inclusive_ms; /* actual total x loops / processes (PEV2) */
    double exclusive_ms; /* inclusive minus the children's, >= 0 */
    double est_loops;    /* executions the planner expects: outer rows of a
                          * Nested Loop, rows of the node a SubPlan serves */
    double exclusive_cost; /* (total - children's total x their executions
                            * per run of this node) x est_loops, >= 0 */
    double share;        /* exclusive time (or cost) / the whole, 0..1 */
    double misestimate;  /* max(actual/planned, planned/actual) rows x loops, >= 1 */
    bool mis_under;      /* the planner expected fewer rows than came */
    double shared_hit, shared_read, shared_dirtied, shared_written; /* as reported */
    double local_hit, local_read, temp_read, temp_written;
    double excl_shared_hit, excl_shared_read; /* minus the children's, >= 0 */
    double io_read_ms, io_write_ms;
    double rows_removed;         /* by filter, all loops */
    double rows_removed_recheck; /* by index recheck, all loops */
    double rows_removed_join;    /* by join filter, all loops */
    double heap_fetches;
    int workers_planned, workers_launched; /* on Gather / Gather Merge */
    int processes;       /* processes that ran the node (workers + leader) */
    bool selective_seq_scan;  /* a Seq Scan whose filter keeps few of the rows it reads */
    ixt_plan_cond *conds;
    int nconds;
    int depth;
    int id;              /* preorder index */
    int child_index;     /* place among the parent's children */
    int subtree;         /* nodes in this subtree, itself included */
    bool last_child;
    const ixt_plan_node *parent;
    const ixt_plan_node **children;
    int nchildren;
};

typedef struct ixt_plan {
    const ixt_plan_node *root;
    const ixt_plan_node **nodes; /* preorder: nodes[i]->id == i */
    size_t nnodes;
    const ixt_plan_node **costly; /* by exclusive time (or cost), descending */
    size_t ncostly;
    const ixt_plan_node *hottest; /* largest exclusive time with ANALYZE, else cost */
    double planning_ms;        /* -1 when absent */
    double execution_ms;       /* -1 without ANALYZE */
    double triggers_ms;        /* sum of the triggers' time, -1 when none */
    double jit_ms;             /* JIT total, -1 when none */
    int jit_functions;
    double total_cost;
    bool has_analyze;          /* actual rows and loops present */
    bool has_timing;           /* actual times present (not TIMING OFF) */
    ixt_plan_kv *settings;     /* SETTINGS: the non-default planner settings */
    size_t nsettings;
    ixt_plan_trigger *triggers;
    size_t ntriggers;
    void *arena;               /* internal: memory of the nodes and their strings */
} ixt_plan;

/* Parses EXPLAIN (FORMAT JSON) text: the array PostgreSQL prints, or a bare
 * object.  Missing or odd-typed fields are tolerated; NULL with e filled
 * when the text is not JSON or holds no plan.  caller frees with ixt_plan_free */
ixt_plan *ixt_plan_parse(const char *json, ixt_err *e);
void ixt_plan_free(ixt_plan *p);

/* ----- lookups ----- */

/* The condition with that label ("Filter", ...) or NULL.  borrowed */
const char *ixt_plan_node_cond(const ixt_plan_node *n, const char *label);
/* The value of a non-default setting listed by SETTINGS, or NULL.  borrowed */
const char *ixt_plan_setting(const ixt_plan *p, const char *name);

/* Whether a node uses the index; HypoPG names ("<13444>btree_runs_status")
 * match with or without the "<oid>" part. */
bool ixt_plan_uses_index(const ixt_plan *p, const char *name);
/* The plan's total cost should the rows a LIMIT waits for come late: a
 * Limit whose input walks a whole hypothetical index in sort order (an
 * Index Scan with no Index Cond, on an index named "<oid>...", with a
 * Filter or as the outer side of a Nested Loop that drops rows; under
 * FOR UPDATE through LockRows) stops early only if the filter keeps as
 * many rows as the planner guessed, and a guess (jsonb @>, a function,
 * correlated columns, a join) may be far off: then it reads the whole
 * index, and the heap behind it, at random.  Counted at the scan's full
 * cost there; the total cost elsewhere. */
double ixt_plan_cost_if_rows_late(const ixt_plan *p);
/* The distinct index names the plan uses, sorted; returns the count.
 * *names: caller frees the array; the strings are borrowed from p. */
size_t ixt_plan_index_names(const ixt_plan *p, const char ***names);

#endif
