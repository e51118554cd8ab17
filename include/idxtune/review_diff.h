/* review_diff: what changed between two versions of a session file, as a
 * reviewer reads a pull request: indexes added, removed, renamed, moved in
 * the rollout order, given another definition, another verdict or another
 * comment.  An index is matched by its definition, then by its name. */
#ifndef IDXTUNE_REVIEW_DIFF_H
#define IDXTUNE_REVIEW_DIFF_H

#include <stdbool.h>

#include "idxtune/review.h"

typedef enum ixt_change_kind {
    IXT_CHANGE_ADDED, IXT_CHANGE_REMOVED, IXT_CHANGE_RENAMED, IXT_CHANGE_MOVED,
    IXT_CHANGE_DEFINITION, IXT_CHANGE_VERDICT, IXT_CHANGE_COMMENT,
} ixt_change_kind;

typedef struct ixt_change {
    ixt_change_kind kind;
    const ixt_review_item *old_item;  /* NULL when added.  borrowed from the old session */
    const ixt_review_item *new_item;  /* NULL when removed.  borrowed from the new session */
    int old_pos, new_pos;             /* rollout positions from 1; 0 when absent */
} ixt_change;

typedef struct ixt_review_diff {
    ixt_change *changes;     /* in the new session's order, removed ones last.  owned */
    int n;
} ixt_review_diff;

/* The changes from old to new; both sessions must outlive the diff. */
void ixt_review_diff_make(const ixt_review *old, const ixt_review *new_, ixt_review_diff *d);
void ixt_review_diff_free(ixt_review_diff *d);

/* The changes as text, one line each ("no changes" when none), or as a
 * Markdown table; untrusted fields are kept to their line.  caller frees */
char *ixt_review_diff_text(const ixt_review_diff *d, bool markdown);

#endif
