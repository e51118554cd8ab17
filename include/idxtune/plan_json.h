/* plan_json: a plan as JSON for `idxtune explain --json` and `idxtune try
 * --json`: the figures plan derives, as a nested tree. */
#ifndef IDXTUNE_PLAN_JSON_H
#define IDXTUNE_PLAN_JSON_H

#include <jansson.h>

#include "idxtune/plan.h"
#include "idxtune/plan_diff.h"

/* total_cost, planning_ms, execution_ms (null without ANALYZE), triggers,
 * settings and the nested plan (node_type, relation, index, total_cost,
 * plan_rows, actual_rows, actual_total_ms, exclusive_ms, ..., children).
 * With diff (p against an earlier plan; may be NULL) every node carries
 * its "diff" mark.  caller decrefs */
json_t *ixt_plan_to_json(const ixt_plan *p, const ixt_plan_diff *diff);

#endif
