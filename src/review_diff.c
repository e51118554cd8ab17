/* review_diff: changes between two sessions. */
#include "idxtune/review_diff.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/export.h"
#include "idxtune/sqlquote.h"

static void add(ixt_review_diff *d, ixt_change_kind kind, const ixt_review_item *o, const ixt_review_item *n,
                int opos, int npos)
{
    d->changes = ixt_xrealloc(d->changes, (size_t)(d->n + 1) * sizeof *d->changes);
    d->changes[d->n++] = (ixt_change){kind, o, n, opos, npos};
}

/* The unmatched old index with the new one's definition (same is true)
 * or name (same is false), or -1. */
static int find_old(const ixt_review *old, const bool *taken, const ixt_review_item *it, bool same_def)
{
    for (int j = 0; j < old->n; j++) {
        const ixt_review_item *o = &old->items[j];
        if (!taken[j] && strcmp(o->schema, it->schema) == 0 &&
            strcmp(same_def ? o->def : o->name, same_def ? it->def : it->name) == 0)
            return j;
    }
    return -1;
}

static void item_changes(ixt_review_diff *d, const ixt_review_item *o, const ixt_review_item *n, int opos, int npos,
                         bool moved)
{
    if (strcmp(o->name, n->name) != 0)
        add(d, IXT_CHANGE_RENAMED, o, n, opos, npos);
    if (moved)
        add(d, IXT_CHANGE_MOVED, o, n, opos, npos);
    if (strcmp(o->def, n->def) != 0)
        add(d, IXT_CHANGE_DEFINITION, o, n, opos, npos);
    if (o->decision.verdict != n->decision.verdict)
        add(d, IXT_CHANGE_VERDICT, o, n, opos, npos);
    else if (!ixt_streq(o->decision.comment, n->decision.comment))
        add(d, IXT_CHANGE_COMMENT, o, n, opos, npos);
}

void ixt_review_diff_make(const ixt_review *old, const ixt_review *new_, ixt_review_diff *d)
{
    memset(d, 0, sizeof *d);
    int *match = ixt_xcalloc((size_t)new_->n + 1, sizeof *match);
    bool *taken = ixt_xcalloc((size_t)old->n + 1, sizeof *taken);
    /* by definition first (a rename keeps it), then by name (a changed
     * definition keeps that) */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < new_->n; i++) {
            if (pass == 1 && match[i] >= 0)
                continue;
            match[i] = find_old(old, taken, &new_->items[i], pass == 0);
            if (match[i] >= 0)
                taken[match[i]] = true;
        }
    /* moved: its place among the indexes both sessions hold differs, so
     * an addition or removal elsewhere moves nothing */
    int rank_new = 0;
    for (int i = 0; i < new_->n; i++) {
        int j = match[i];
        if (j < 0) {
            add(d, IXT_CHANGE_ADDED, NULL, &new_->items[i], 0, i + 1);
            continue;
        }
        int rank_old = 0;
        for (int k = 0; k < new_->n; k++)
            rank_old += match[k] >= 0 && match[k] < j;
        item_changes(d, &old->items[j], &new_->items[i], j + 1, i + 1, rank_old != rank_new);
        rank_new++;
    }
    for (int j = 0; j < old->n; j++)
        if (!taken[j])
            add(d, IXT_CHANGE_REMOVED, &old->items[j], NULL, j + 1, 0);
    free(match);
    free(taken);
}

void ixt_review_diff_free(ixt_review_diff *d)
{
    free(d->changes);
    memset(d, 0, sizeof *d);
}

static const char *const KIND[] = {
    [IXT_CHANGE_ADDED] = "added", [IXT_CHANGE_REMOVED] = "removed", [IXT_CHANGE_RENAMED] = "renamed",
    [IXT_CHANGE_MOVED] = "moved", [IXT_CHANGE_DEFINITION] = "definition", [IXT_CHANGE_VERDICT] = "verdict",
    [IXT_CHANGE_COMMENT] = "comment",
};

/* What the change was and became, as plain text (a verdict with who
 * decided and why).  caller frees each */
static void before_after(const ixt_change *c, char **before, char **after)
{
    const ixt_review_item *o = c->old_item, *n = c->new_item;
    *before = *after = NULL;
    switch (c->kind) {
    case IXT_CHANGE_ADDED: *after = ixt_xstrdup(n->def); break;
    case IXT_CHANGE_REMOVED: *before = ixt_xstrdup(o->def); break;
    case IXT_CHANGE_RENAMED: *before = ixt_xstrdup(o->name); *after = ixt_xstrdup(n->name); break;
    case IXT_CHANGE_MOVED:
        *before = ixt_xasprintf("#%d", c->old_pos);
        *after = ixt_xasprintf("#%d", c->new_pos);
        break;
    case IXT_CHANGE_DEFINITION: *before = ixt_xstrdup(o->def); *after = ixt_xstrdup(n->def); break;
    case IXT_CHANGE_VERDICT: case IXT_CHANGE_COMMENT:
        *before = ixt_xstrdup(c->kind == IXT_CHANGE_VERDICT ? ixt_verdict_label(o->decision.verdict)
                                                            : o->decision.comment ? o->decision.comment : "-");
        *after = ixt_xasprintf("%s%s%s%s%s", c->kind == IXT_CHANGE_VERDICT ? ixt_verdict_label(n->decision.verdict)
                                                                           : "",
                               n->decision.by ? (c->kind == IXT_CHANGE_VERDICT ? " by " : "by ") : "",
                               n->decision.by ? n->decision.by : "", n->decision.comment ? ": " : "",
                               n->decision.comment ? n->decision.comment : "");
        break;
    }
}

char *ixt_review_diff_text(const ixt_review_diff *d, bool markdown)
{
    ixt_buf b;
    ixt_buf_init(&b);
    if (markdown)
        ixt_buf_printf(&b, "## Changes to the index review\n\n%d change%s.\n\n", d->n, d->n == 1 ? "" : "s");
    if (markdown && d->n)
        ixt_buf_add(&b, "| Change | Index | Before | After |\n|---|---|---|---|\n");
    if (!markdown && d->n == 0)
        ixt_buf_add(&b, "no changes\n");
    for (int i = 0; i < d->n; i++) {
        const ixt_change *c = &d->changes[i];
        const char *name = c->new_item ? c->new_item->name : c->old_item->name;
        char *before, *after;
        before_after(c, &before, &after);
        if (markdown) {
            ixt_buf_printf(&b, "| %s | ", KIND[c->kind]);
            ixt_md_code(&b, name, 100, true);
            ixt_buf_add(&b, " | ");
            ixt_md_text(&b, before ? before : "-", 1000);
            ixt_buf_add(&b, " | ");
            ixt_md_text(&b, after ? after : "-", 1000);
            ixt_buf_add(&b, " |\n");
        } else {
            /* a terminal reads it too: no control character gets through */
            char *line = ixt_xasprintf("%s: %s%s%s", name, before ? before : "", before && after ? " -> " : "",
                                       after ? after : "");
            char *one = ixt_comment_text(line, 2000);
            ixt_buf_printf(&b, "%-10s %s\n", KIND[c->kind], one);
            free(one);
            free(line);
        }
        free(before);
        free(after);
    }
    return ixt_buf_take(&b);
}
