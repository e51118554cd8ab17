/* plan_diff: a plan against an earlier one, node by node, for the index
 * lab: which nodes are new, changed or cost more or less.  The marks live
 * in the diff, by node id; both plans are left as they are. */
#ifndef IDXTUNE_PLAN_DIFF_H
#define IDXTUNE_PLAN_DIFF_H

#include "idxtune/plan.h"

/* A cost that moves by more than this share (10%) marks a node IXT_DIFF_COST. */
#define IXT_PLAN_DIFF_COST_SHARE 0.10

typedef enum ixt_diff_mark {
    IXT_DIFF_SAME,       /* same node, about the same cost */
    IXT_DIFF_COST,       /* same node, cost moved by more than 10% */
    IXT_DIFF_CHANGED,    /* another node type, relation or index here */
    IXT_DIFF_NEW,        /* no node at this place before */
} ixt_diff_mark;

typedef struct ixt_plan_diff {
    ixt_diff_mark *mark; /* by node id of the after plan */
    int *peer;           /* by node id of the after plan: id of the before
                          * node it was compared with, -1 if none */
    size_t nnodes;       /* the after plan's */
} ixt_plan_diff;

/* Marks every node of after against the node at the same place in before
 * (same child path from the root): SAME, COST (moved by more than 10%),
 * CHANGED (node type, relation or index differ) or NEW.  before may be
 * NULL (all NEW).  caller frees with ixt_plan_diff_free */
ixt_plan_diff *ixt_plan_diff_new(const ixt_plan *before, const ixt_plan *after);
void ixt_plan_diff_free(ixt_plan_diff *d);

/* "same", "cost", "changed", "new".  static */
const char *ixt_diff_mark_name(ixt_diff_mark m);

#endif
