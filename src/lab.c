/* lab: hypothetical indexes and before/after plans for one statement. */
#include "idxtune/lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"

static ixt_plan *plan_of(ixt_conn *c, const char *sql, bool *generic, ixt_err *e)
{
    ixt_explain_req req = {.sql = sql};
    ixt_explain_prep prep;
    char *json = ixt_explain_run(c, &req, &prep, e);
    if (!json)
        return NULL;
    if (generic)
        *generic = prep.generic;
    ixt_explain_prep_free(&prep);
    ixt_plan *p = ixt_plan_parse(json, e);
    free(json);
    return p;
}

int ixt_lab_open(ixt_lab *l, ixt_conn *c, const char *sql, ixt_err *e)
{
    memset(l, 0, sizeof *l);
    if (ixt_conn_info(c)->has_hypopg && ixt_hypo_reset(c, e) != 0)
        return -1;
    l->before = plan_of(c, sql, &l->generic, e);
    if (!l->before)
        return -1;
    l->sql = ixt_xstrdup(sql);
    return 0;
}

void ixt_lab_close(ixt_lab *l, ixt_conn *c)
{
    for (int i = 0; i < l->nidx; i++) {
        if (c && ixt_conn_ok(c))
            (void)ixt_hypo_drop(c, l->idx[i].hypo.oid, NULL);
        free(l->idx[i].def);
    }
    free(l->idx);
    ixt_plan_free(l->before);
    ixt_plan_free(l->after);
    free(l->sql);
    memset(l, 0, sizeof *l);
}

/* Plans the statement with the active set and marks what changed. */
static int replan(ixt_lab *l, ixt_conn *c, ixt_err *e)
{
    ixt_plan_free(l->after);
    l->after = NULL;
    if (l->nidx == 0)
        return 0;
    l->after = plan_of(c, l->sql, NULL, e);
    if (!l->after)
        return -1;
    ixt_plan_diff(l->before, l->after);
    for (int i = 0; i < l->nidx; i++)
        l->idx[i].used = ixt_plan_uses_index(l->after, l->idx[i].hypo.name);
    return 0;
}

int ixt_lab_add(ixt_lab *l, ixt_conn *c, const char *create_sql, ixt_err *e)
{
    ixt_lab_index x = {0};
    if (ixt_index_parse(create_sql, &x.target, e) != 0 || ixt_hypo_create(c, create_sql, &x.hypo, e) != 0)
        return -1;
    x.def = ixt_xstrdup(create_sql);
    l->idx = ixt_xrealloc(l->idx, (size_t)(l->nidx + 1) * sizeof *l->idx);
    l->idx[l->nidx++] = x;
    return replan(l, c, e);
}

int ixt_lab_remove(ixt_lab *l, ixt_conn *c, int i, ixt_err *e)
{
    if (i < 0 || i >= l->nidx)
        return ixt_err_set(e, "no such index in the lab");
    int rc = ixt_hypo_drop(c, l->idx[i].hypo.oid, e);
    free(l->idx[i].def);
    memmove(&l->idx[i], &l->idx[i + 1], (size_t)(l->nidx - i - 1) * sizeof *l->idx);
    l->nidx--;
    return rc == 0 ? replan(l, c, e) : -1;
}

double ixt_lab_after_cost(const ixt_lab *l)
{
    return l->after ? l->after->total_cost : l->before->total_cost;
}

double ixt_lab_change_pct(const ixt_lab *l)
{
    double b = l->before->total_cost;
    return b > 0 ? (ixt_lab_after_cost(l) - b) / b * 100.0 : 0;
}

static double cost_of(ixt_conn *c, const char *sql, char *err, size_t errlen)
{
    ixt_err e;
    ixt_plan *p = plan_of(c, sql, NULL, &e);
    if (!p) {
        snprintf(err, errlen, "%.255s", e.msg);
        return -1;
    }
    double cost = p->total_cost;
    ixt_plan_free(p);
    return cost;
}

/* Hypothetical indexes cannot be switched off one by one: the "before"
 * costs are taken with the set dropped, then the set is made again. */
int ixt_lab_workload(ixt_lab *l, ixt_conn *c, const char *const *sqls, int n,
                     ixt_lab_effect *out, ixt_err *e)
{
    for (int i = 0; i < l->nidx; i++)
        if (ixt_hypo_drop(c, l->idx[i].hypo.oid, e) != 0)
            return -1;
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].before_cost = cost_of(c, sqls[i], out[i].error, sizeof out[i].error);
    }
    for (int i = 0; i < l->nidx; i++)
        if (ixt_hypo_create(c, l->idx[i].def, &l->idx[i].hypo, e) != 0)
            return -1;
    for (int i = 0; i < n; i++)
        out[i].after_cost = out[i].before_cost < 0 ? -1 : cost_of(c, sqls[i], out[i].error, sizeof out[i].error);
    return replan(l, c, e);
}
