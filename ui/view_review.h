/* view_review: the review set, accepted indexes with their evidence. */
#ifndef IDXTUNE_UI_VIEW_REVIEW_H
#define IDXTUNE_UI_VIEW_REVIEW_H

#include "app.h"

void view_review_open(app *a);
/* The changes from the session file old to the loaded one, shown in the
 * Review screen (opened over the current view). */
int view_review_open_changes(app *a, const char *old, ixt_err *e);

#endif
