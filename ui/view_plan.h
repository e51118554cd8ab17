/* view_plan: the plan tree of one statement, EXPLAIN ANALYZE on demand. */
#ifndef IDXTUNE_UI_VIEW_PLAN_H
#define IDXTUNE_UI_VIEW_PLAN_H

#include "app.h"

/* Opens the plan of sql (a statement text as typed or as stored by
 * pg_stat_statements) over the current view. */
void view_plan_open(app *a, const char *sql, long long queryid);

#endif
