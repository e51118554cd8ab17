/* plan_diff: marks of a plan against an earlier one (see plan_diff.h). */
#include "idxtune/plan_diff.h"

#include <math.h>
#include <stdlib.h>

static const char *const MARK_NAMES[] = {"same", "cost", "changed", "new"};

const char *ixt_diff_mark_name(ixt_diff_mark m)
{
    return MARK_NAMES[m];
}

static ixt_diff_mark diff_mark(const ixt_plan_node *b, const ixt_plan_node *a)
{
    if (!b)
        return IXT_DIFF_NEW;
    if (!ixt_streq(a->node_type, b->node_type) || !ixt_streq(a->index_name, b->index_name) ||
        !ixt_streq(a->relation, b->relation))
        return IXT_DIFF_CHANGED;
    double base = fmax(fabs(b->total_cost), 0.01);
    return fabs(a->total_cost - b->total_cost) / base > IXT_PLAN_DIFF_COST_SHARE ? IXT_DIFF_COST
                                                                                  : IXT_DIFF_SAME;
}

ixt_plan_diff *ixt_plan_diff_new(const ixt_plan *before, const ixt_plan *after)
{
    ixt_plan_diff *d = ixt_xmalloc(sizeof *d);
    d->nnodes = after->nnodes;
    d->mark = ixt_xmalloc(after->nnodes * sizeof *d->mark);
    d->peer = ixt_xmalloc(after->nnodes * sizeof *d->peer);
    /* preorder: a node's peer is its parent's peer's child at the same index */
    for (size_t i = 0; i < after->nnodes; i++) {
        const ixt_plan_node *a = after->nodes[i], *b = NULL;
        if (!a->parent)
            b = before ? before->root : NULL;
        else if (d->peer[a->parent->id] >= 0) {
            const ixt_plan_node *bp = before->nodes[d->peer[a->parent->id]];
            b = a->child_index < bp->nchildren ? bp->children[a->child_index] : NULL;
        }
        d->mark[i] = diff_mark(b, a);
        d->peer[i] = b ? b->id : -1;
    }
    return d;
}

void ixt_plan_diff_free(ixt_plan_diff *d)
{
    if (!d)
        return;
    free(d->mark);
    free(d->peer);
    free(d);
}
