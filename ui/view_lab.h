/* view_lab: the index lab of one statement. */
#ifndef IDXTUNE_UI_VIEW_LAB_H
#define IDXTUNE_UI_VIEW_LAB_H

#include "app.h"

/* Opens the index lab for sql with what was tried on it before; values are
 * the parameter values the plan view was given for ANALYZE (may be NULL),
 * def an index to try at once (may be NULL). */
void view_lab_open(app *a, const char *sql, long long queryid, char *const *values, int nvalues,
                   const char *def);
/* Frees the lab's work of every statement (once the jobs stopped). */
void view_lab_store_free(app *a);

#endif
