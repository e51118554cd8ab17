/* plan_json: a plan as a nested JSON tree (see plan_json.h). */
#include "idxtune/plan_json.h"

#include <stdlib.h>

#include "idxtune/jsonout.h"

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *node_json(const ixt_plan *p, const ixt_plan_diff *diff, const ixt_plan_node *n, json_t **kids)
{
    bool a = n->has_actual, t = a && p->has_timing;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(n->id));
    json_object_set_new(o, "node_type", json_string(n->node_type));
    json_object_set_new(o, "operation", jstr(n->operation));
    json_object_set_new(o, "join_type", jstr(n->join_type));
    json_object_set_new(o, "parent_relationship", jstr(n->parent_rel));
    json_object_set_new(o, "subplan_name", jstr(n->subplan_name));
    json_object_set_new(o, "relation", jstr(n->relation));
    json_object_set_new(o, "schema", jstr(n->schema));
    json_object_set_new(o, "alias", jstr(n->alias));
    json_object_set_new(o, "index", jstr(n->index_name));
    json_object_set_new(o, "startup_cost", ixt_json_real(n->startup_cost, IXT_JSON_COST));
    json_object_set_new(o, "total_cost", ixt_json_real(n->total_cost, IXT_JSON_COST));
    json_object_set_new(o, "exclusive_cost", ixt_json_real(n->exclusive_cost, IXT_JSON_COST));
    json_object_set_new(o, "plan_rows", ixt_json_count(n->plan_rows));
    json_object_set_new(o, "plan_width", ixt_json_count(n->plan_width));
    json_object_set_new(o, "actual_rows", a ? ixt_json_real(n->actual_rows, IXT_JSON_COST) : json_null());
    json_object_set_new(o, "loops", a ? ixt_json_count(n->loops) : json_null());
    json_object_set_new(o, "never_executed", json_boolean(n->never_executed));
    json_object_set_new(o, "actual_startup_ms", t ? ixt_json_real(n->actual_startup_ms, IXT_JSON_MS) : json_null());
    json_object_set_new(o, "actual_total_ms", t ? ixt_json_real(n->actual_total_ms, IXT_JSON_MS) : json_null());
    json_object_set_new(o, "inclusive_ms", t ? ixt_json_real(n->inclusive_ms, IXT_JSON_MS) : json_null());
    json_object_set_new(o, "exclusive_ms", t ? ixt_json_real(n->exclusive_ms, IXT_JSON_MS) : json_null());
    json_object_set_new(o, "share", ixt_json_real(n->share, IXT_JSON_RATIO));
    json_object_set_new(o, "misestimate", a ? ixt_json_real(n->misestimate, IXT_JSON_COST) : json_null());
    json_object_set_new(o, "misestimate_direction",
                        a && n->misestimate > 1 ? json_string(n->mis_under ? "under" : "over") : json_null());
    json_object_set_new(o, "shared_hit", ixt_json_count(n->shared_hit));
    json_object_set_new(o, "shared_read", ixt_json_count(n->shared_read));
    json_object_set_new(o, "temp_read", ixt_json_count(n->temp_read));
    json_object_set_new(o, "temp_written", ixt_json_count(n->temp_written));
    json_object_set_new(o, "rows_removed_by_filter", a ? ixt_json_count(n->rows_removed) : json_null());
    json_object_set_new(o, "selective_seq_scan", json_boolean(n->selective_seq_scan));
    json_t *conds = json_object();
    for (int i = 0; i < n->nconds; i++)
        json_object_set_new(conds, n->conds[i].label, json_string(n->conds[i].text));
    json_object_set_new(o, "conditions", conds);
    if (diff)
        json_object_set_new(o, "diff", json_string(ixt_diff_mark_name(diff->mark[n->id])));
    *kids = json_array();
    json_object_set(o, "children", *kids);
    json_decref(*kids);
    return o;
}

json_t *ixt_plan_to_json(const ixt_plan *p, const ixt_plan_diff *diff)
{
    json_t *o = json_object();
    json_object_set_new(o, "total_cost", ixt_json_real(p->total_cost, IXT_JSON_COST));
    json_object_set_new(o, "planning_ms", ixt_json_known(p->planning_ms, IXT_JSON_MS));
    json_object_set_new(o, "execution_ms", ixt_json_known(p->execution_ms, IXT_JSON_MS));
    json_object_set_new(o, "triggers_ms", ixt_json_known(p->triggers_ms, IXT_JSON_MS));
    json_object_set_new(o, "jit_ms", ixt_json_known(p->jit_ms, IXT_JSON_MS));
    json_object_set_new(o, "has_analyze", json_boolean(p->has_analyze));
    json_object_set_new(o, "nodes", json_integer((json_int_t)p->nnodes));
    json_object_set_new(o, "hottest_node", json_integer(p->hottest ? p->hottest->id : 0));
    json_t *settings = json_object();
    for (size_t i = 0; i < p->nsettings; i++)
        json_object_set_new(settings, p->settings[i].key, json_string(p->settings[i].value));
    json_object_set_new(o, "settings", settings);
    json_t *trig = json_array();
    for (size_t i = 0; i < p->ntriggers; i++)
        json_array_append_new(trig, json_pack("{s:s, s:o, s:o, s:o, s:o}", "name", p->triggers[i].name,
                                              "constraint", jstr(p->triggers[i].constraint),
                                              "relation", jstr(p->triggers[i].relation),
                                              "time_ms", ixt_json_real(p->triggers[i].time_ms, IXT_JSON_MS),
                                              "calls", ixt_json_count(p->triggers[i].calls)));
    json_object_set_new(o, "triggers", trig);
    /* one object per node, then each is hung on its parent's children in
     * preorder, which keeps the children in order: no recursion */
    json_t **objs = ixt_xmalloc(p->nnodes * sizeof *objs), **kids = ixt_xmalloc(p->nnodes * sizeof *kids);
    for (size_t i = 0; i < p->nnodes; i++)
        objs[i] = node_json(p, diff, p->nodes[i], &kids[i]);
    for (size_t i = 1; i < p->nnodes; i++)
        json_array_append_new(kids[p->nodes[i]->parent->id], objs[i]);
    json_object_set_new(o, "plan", objs[0]);
    free(objs);
    free(kids);
    return o;
}
