/* plan_text: a plan as lines of text, the way EXPLAIN prints it: the tree
 * lines, each node's label and metrics, and the whole plan for `idxtune
 * explain`.  The tree view draws its rows with the same helpers, so the
 * screen and the batch output read alike. */
#ifndef IDXTUNE_PLAN_TEXT_H
#define IDXTUNE_PLAN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/plan.h"

/* The tree lines in front of a node, from its ancestors' last-child flags:
 * "│  ├─ " / "└─ " or, ascii, "|  +- " / "`- ".  Empty for the root.
 * Returns buf (truncated to len). */
char *ixt_plan_prefix(const ixt_plan_node *n, bool ascii, char *buf, size_t len);
/* "Hash Join (Inner)", "Index Scan using runs_pkey on public.runs r",
 * "[SubPlan 1] Aggregate", "Delete on public.runs".  Returns buf. */
char *ixt_plan_node_label(const ixt_plan_node *n, char *buf, size_t len);
/* "cost=0.42..8.44 rows=1" plus, with ANALYZE, actual time, rows, loops,
 * exclusive time and share, misestimate ("x120 under") and buffers
 * ("hit=12 read=3").  Returns buf. */
char *ixt_plan_node_metrics(const ixt_plan *p, const ixt_plan_node *n, char *buf, size_t len);

/* The header (planning, execution, triggers, JIT, settings), then one line
 * per node: prefix, label, metrics, with its conditions under it; the same
 * tree the screen shows.  caller frees */
char *ixt_plan_render_text(const ixt_plan *p, bool ascii);

#endif
