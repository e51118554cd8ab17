/* plan_fold: folded subtrees and the rows left to draw (see plan_fold.h). */
#include "idxtune/plan_fold.h"

#include <stdlib.h>

/* Preorder with folded subtrees skipped: one pass, no recursion. */
static size_t layout(ixt_plan_fold *f)
{
    const ixt_plan *p = f->plan;
    f->nvisible = 0;
    for (size_t i = 0; i < p->nnodes; i++)
        f->row[i] = -1;
    for (size_t i = 0; i < p->nnodes;) {
        f->row[i] = (int)f->nvisible;
        f->visible[f->nvisible++] = p->nodes[i];
        i += f->collapsed[i] ? (size_t)p->nodes[i]->subtree : 1;
    }
    return f->nvisible;
}

void ixt_plan_fold_init(ixt_plan_fold *f, const ixt_plan *p)
{
    f->plan = p;
    f->collapsed = ixt_xcalloc(p->nnodes + 1, sizeof *f->collapsed);
    f->row = ixt_xcalloc(p->nnodes + 1, sizeof *f->row);
    f->visible = ixt_xcalloc(p->nnodes + 1, sizeof *f->visible);
    layout(f);
}

void ixt_plan_fold_free(ixt_plan_fold *f)
{
    free(f->collapsed);
    free(f->row);
    free(f->visible);
    *f = (ixt_plan_fold){0};
}

bool ixt_plan_fold_collapsed(const ixt_plan_fold *f, const ixt_plan_node *n)
{
    return f->collapsed[n->id];
}

int ixt_plan_fold_row(const ixt_plan_fold *f, const ixt_plan_node *n)
{
    return f->row[n->id];
}

size_t ixt_plan_fold_set(ixt_plan_fold *f, const ixt_plan_node *n, bool collapsed)
{
    f->collapsed[n->id] = collapsed && n->nchildren > 0;
    return layout(f);
}

size_t ixt_plan_fold_toggle(ixt_plan_fold *f, const ixt_plan_node *n)
{
    return ixt_plan_fold_set(f, n, !f->collapsed[n->id]);
}

void ixt_plan_fold_reveal(ixt_plan_fold *f, const ixt_plan_node *n)
{
    for (const ixt_plan_node *a = n->parent; a; a = a->parent)
        f->collapsed[a->id] = false;
    layout(f);
}

void ixt_plan_fold_expand_all(ixt_plan_fold *f)
{
    for (size_t i = 0; i < f->plan->nnodes; i++)
        f->collapsed[i] = false;
    layout(f);
}

size_t ixt_plan_fold_depth(ixt_plan_fold *f, int depth)
{
    const ixt_plan *p = f->plan;
    for (size_t i = 0; i < p->nnodes; i++)
        f->collapsed[i] = p->nodes[i]->depth >= depth && p->nodes[i]->nchildren > 0;
    return layout(f);
}
