/* plan: EXPLAIN (FORMAT JSON) output as a tree, with what a DBA looks for:
 * exclusive time and cost per node, its share of the whole, row
 * misestimates, buffers, the hottest node, the costly nodes in order, seq
 * scans an index could help, and a before/after diff for the index lab.
 * No screen code here: the tree view and `idxtune explain` both use it. */
#ifndef IDXTUNE_PLAN_H
#define IDXTUNE_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

typedef struct ixt_plan_cond {
    const char *label;   /* "Filter", "Index Cond", ...  static */
    char *text;          /* owned by the node */
} ixt_plan_cond;

typedef enum ixt_diff_mark {
    IXT_DIFF_SAME,       /* same node, about the same cost */
    IXT_DIFF_COST,       /* same node, cost moved by more than 10% */
    IXT_DIFF_CHANGED,    /* another node type, relation or index here */
    IXT_DIFF_NEW,        /* no node at this place before */
} ixt_diff_mark;

typedef struct ixt_plan_node ixt_plan_node;
struct ixt_plan_node {
    char *node_type;     /* "Seq Scan", "Hash Join", "ModifyTable" ... (owned, all strings) */
    char *operation;     /* ModifyTable: "Delete", ... */
    char *join_type;
    char *strategy;      /* Aggregate: "Hashed", "Sorted", ... */
    char *relation;
    char *schema;
    char *alias;
    char *index_name;
    char *cte_name;
    char *function_name;
    char *parent_rel;    /* "Outer", "Inner", "InitPlan", "SubPlan", ... */
    char *subplan_name;  /* "InitPlan 1 (returns $0)" */
    double startup_cost, total_cost, plan_rows, plan_width;
    bool has_actual;
    bool never_executed;
    double actual_startup_ms, actual_total_ms, actual_rows, loops;
    double inclusive_ms, exclusive_ms;  /* over all loops, per process */
    double exclusive_cost;
    double share;        /* exclusive time (or cost) / the plan's, 0..1 */
    double misestimate;  /* max(actual/planned, planned/actual) rows, >= 1 */
    bool mis_under;      /* the planner expected fewer rows than came */
    double shared_hit, shared_read, temp_read, temp_written;
    double rows_removed; /* by filter (all loops) */
    int workers_planned, workers_launched;
    bool selective_seq_scan;  /* a Seq Scan throwing most rows away */
    ixt_plan_cond *conds;
    int nconds;
    int depth;
    int id;              /* preorder index */
    int subtree;         /* nodes in this subtree, itself included */
    bool last_child;
    ixt_plan_node *parent;
    ixt_plan_node **children;
    int nchildren;
    bool collapsed;
    int visible_row;     /* row in the layout, -1 when folded away */
    ixt_diff_mark diff;
};

typedef struct ixt_plan {
    ixt_plan_node *root;
    ixt_plan_node **nodes;     /* preorder */
    size_t nnodes;
    ixt_plan_node **visible;   /* the layout: rows to draw */
    size_t nvisible;
    ixt_plan_node **costly;    /* by exclusive time (or cost), descending */
    size_t ncostly;
    ixt_plan_node *hottest;
    double planning_ms;        /* -1 when absent */
    double execution_ms;       /* -1 without ANALYZE */
    double total_cost;
    bool has_analyze;
} ixt_plan;

/* Parses EXPLAIN (FORMAT JSON) text: the array PostgreSQL prints, or a bare
 * object.  caller frees with ixt_plan_free */
ixt_plan *ixt_plan_parse(const char *json, ixt_err *e);
void ixt_plan_free(ixt_plan *p);

/* Rebuilds p->visible from the collapsed flags; returns the row count. */
size_t ixt_plan_layout(ixt_plan *p);
/* Unfolds the ancestors of n so it shows (call ixt_plan_layout after). */
void ixt_plan_reveal(ixt_plan *p, ixt_plan_node *n);
void ixt_plan_expand_all(ixt_plan *p);

/* The tree lines in front of a node: "│  ├─ " or, ascii, "|  +- ". */
char *ixt_plan_prefix(const ixt_plan_node *n, bool ascii, char *buf, size_t len);
/* "Hash Join (Inner)", "Index Scan using runs_pkey on public.runs r" */
char *ixt_plan_node_label(const ixt_plan_node *n, char *buf, size_t len);
/* "cost=0.42..8.44 rows=1" plus, with ANALYZE, actual time, rows, loops,
 * exclusive time and share, misestimate and buffers. */
char *ixt_plan_node_metrics(const ixt_plan *p, const ixt_plan_node *n, char *buf, size_t len);

/* The tree as text, as the screen shows it.  caller frees */
char *ixt_plan_render_text(const ixt_plan *p, bool ascii);
/* total_cost, planning_ms, execution_ms and the nested plan.  caller decrefs */
json_t *ixt_plan_to_json(const ixt_plan *p);

/* Marks every node of after against before (same place in the tree). */
void ixt_plan_diff(const ixt_plan *before, ixt_plan *after);
/* Whether a node uses the index; HypoPG names ("<13444>btree_runs_status")
 * match with or without the "<oid>" part. */
bool ixt_plan_uses_index(const ixt_plan *p, const char *name);

#endif
