/* plan_fold: which subtrees of a plan a tree view has folded, and the rows
 * that leaves to draw.  The view owns one per plan it shows; the plan
 * itself is not touched, so two views (or a view and a batch render) can
 * show the same plan folded differently.  No screen code: the view draws
 * the rows, the bench and the tests drive the same calls. */
#ifndef IDXTUNE_PLAN_FOLD_H
#define IDXTUNE_PLAN_FOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/plan.h"

typedef struct ixt_plan_fold {
    const ixt_plan *plan;         /* borrowed: outlives the fold */
    bool *collapsed;              /* by node id */
    int *row;                     /* by node id: row in the layout, -1 when folded away */
    const ixt_plan_node **visible; /* the rows to draw */
    size_t nvisible;
} ixt_plan_fold;

/* Everything unfolded and laid out.  Free with ixt_plan_fold_free. */
void ixt_plan_fold_init(ixt_plan_fold *f, const ixt_plan *p);
void ixt_plan_fold_free(ixt_plan_fold *f);

/* Whether n is folded (only nodes with children fold). */
bool ixt_plan_fold_collapsed(const ixt_plan_fold *f, const ixt_plan_node *n);
/* n's row in the layout, -1 when folded away. */
int ixt_plan_fold_row(const ixt_plan_fold *f, const ixt_plan_node *n);

/* Folds or unfolds n (leaves stay open) and relayouts; returns the row count. */
size_t ixt_plan_fold_set(ixt_plan_fold *f, const ixt_plan_node *n, bool collapsed);
size_t ixt_plan_fold_toggle(ixt_plan_fold *f, const ixt_plan_node *n);
/* Unfolds the ancestors of n so it shows, and relayouts. */
void ixt_plan_fold_reveal(ixt_plan_fold *f, const ixt_plan_node *n);
void ixt_plan_fold_expand_all(ixt_plan_fold *f);
/* Folds every node at depth >= depth that has children, unfolds the rest,
 * relayouts; returns the row count.  Depth 0 leaves only the root. */
size_t ixt_plan_fold_depth(ixt_plan_fold *f, int depth);

#endif
