/* view_lab: try indexes on one statement.  Hypothetical indexes show the
 * cost change at once; a real trial measures the timing change inside a
 * transaction that is always rolled back; the active set can be applied to
 * the top statements of the workload; accepted indexes go to the review
 * set with their evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/advisor.h"
#include "idxtune/lab.h"
#include "idxtune/nodes.h"
#include "idxtune/plan_text.h"
#include "idxtune/sqlparse.h"
#include "accept.h"
#include "view_lab.h"
#include "views.h"

#define WORKLOAD_TOP 10

/* The lab's work on one statement: it belongs to the statement, not to
 * the screen, so leaving the lab and coming back (or coming from Review or
 * Advice) finds the indexes tried, the values given and the results. */
typedef struct lab_work {
    char *sql;                 /* owned */
    long long queryid;
    char **defs;               /* the indexes tried, in order.  owned */
    int ndefs;
    char **values;             /* parameter values for a real trial.  owned */
    int nvalues;
    bool values_given;
    ixt_lab lab;               /* live while `live`; changed only by jobs */
    bool live;
    int changing;              /* jobs under way that change lab: not drawn */
    bool measured;
    ixt_real_result rr;
    /* The rate the last real trial built at, for the indexes it built: a
     * rate belongs to its indexes and tables (on the demo one table builds
     * at four times another's), so it is only reused for the same ones. */
    double build_rate;         /* bytes per second; 0 none */
    double build_bytes;        /* the tables it built over */
    char *build_key;           /* its indexes, one a line.  owned */
    ixt_lab_effect *effects;   /* workload effect.  owned */
    char **effect_sql;
    int neffects;
    char *sugg[5];             /* the advisor's suggestions.  owned */
    double sugg_cost[5];
    double sugg_size[5];
    int nsugg;
    bool suggested;
    struct lab_work *next;
} lab_work;

typedef struct lview {
    ui_view base;
    app *app;                  /* to leave the backend clean on the way out */
    lab_work *w;               /* borrowed from the app's store */
    bool open;                 /* the lab has its before plan */
    ixt_catalog cat;
    ui_list list;              /* selected active index */
    ixt_table_ctx ctx;         /* write context of the selected index's table */
    ixt_conn *primary;         /* lent to the context jobs when the lab is on a standby.  owned */
    char writes_on[32];        /* the primary's name when the writes are its */
    char ctx_table[128];
    bool ctx_reading;          /* ctx is lent to a job */
    double ctx_refresh_ms;
    bool running;              /* a real trial */
    bool estimating;           /* its build, measured on a sample first */
    double est_bytes;          /* the tables the estimate was made for; 0 unknown */
    double started_ms;
    bool show_sugg;            /* the suggestions are on screen: 1-5 try them */
    char error[IXT_ERR_MAX];
} lview;

static lview *top_lview(app *a)
{
    return (lview *)a->view;
}

static void set_error(lview *l, const char *msg)
{
    snprintf(l->error, sizeof l->error, "%s", msg);
}

static void free_strs(char **v, int n)
{
    for (int i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static char **copy_strs(char *const *v, int n)
{
    char **out = ixt_xcalloc((size_t)n + 1, sizeof *out);
    for (int i = 0; i < n; i++)
        out[i] = v[i] ? ixt_xstrdup(v[i]) : NULL;
    return out;
}

/* ===== the store: one lab_work per statement ===== */

static lab_work *work_for(app *a, const char *sql, long long queryid)
{
    for (lab_work *w = a->labs; w; w = w->next)
        if (queryid ? w->queryid == queryid : strcmp(w->sql, sql) == 0)
            return w;
    lab_work *w = ixt_xcalloc(1, sizeof *w);
    w->sql = ixt_xstrdup(sql);
    w->queryid = queryid;
    w->next = a->labs;
    a->labs = w;
    return w;
}

static void work_effects_free(lab_work *w)
{
    free_strs(w->effect_sql, w->neffects);
    free(w->effects);
    w->effect_sql = NULL;
    w->effects = NULL;
    w->neffects = 0;
}

void view_lab_store_free(app *a)
{
    while (a->labs) {
        lab_work *w = a->labs;
        a->labs = w->next;
        ixt_lab_close(&w->lab, NULL);
        free(w->sql);
        free_strs(w->defs, w->ndefs);
        free_strs(w->values, w->nvalues);
        ixt_real_result_free(&w->rr);
        free(w->build_key);
        work_effects_free(w);
        for (int i = 0; i < w->nsugg; i++)
            free(w->sugg[i]);
        free(w);
    }
}

/* The definitions kept are those the live lab holds. */
static void sync_defs(lab_work *w)
{
    if (!w->live)
        return;
    free_strs(w->defs, w->ndefs);
    w->ndefs = w->lab.nidx;
    w->defs = ixt_xcalloc((size_t)w->ndefs + 1, sizeof *w->defs);
    for (int i = 0; i < w->ndefs; i++)
        w->defs[i] = ixt_xstrdup(w->lab.idx[i].def);
}

static void work_add_def(lab_work *w, const char *def)
{
    for (int i = 0; i < w->ndefs; i++)
        if (strcmp(w->defs[i], def) == 0)
            return;
    w->defs = ixt_xrealloc(w->defs, (size_t)(w->ndefs + 1) * sizeof *w->defs);
    w->defs[w->ndefs++] = ixt_xstrdup(def);
}

/* ===== jobs on the lab connection ===== */

/* A job that changes w->lab: the screen leaves the lab alone meanwhile. */
typedef struct change_job {
    lab_work *w;
    char **defs;               /* to add, in order */
    int ndefs;
    int drop;                  /* index to drop, -1 none */
    bool reopen;               /* plan the statement again first */
    bool suggest;
    ixt_catalog cat;
    char *sugg[5];
    double sugg_cost[5], sugg_size[5];
    int nsugg;
    char why[IXT_ERR_MAX];     /* the last added index is not used because */
    char failed[IXT_ERR_MAX];  /* an index that could not be added */
    double ms;
    /* workload effect: the top statements by id, their full texts read by
     * the job (the list holds a prefix only) */
    int64_t *ids;              /* owned; NULL when no effect is asked */
    ixt_node_links links;      /* the other servers: a statement only a standby ran has its text there */
    char **sqls;               /* statements to plan.  owned */
    int nsqls;
    char **effect_sql;
    int neffects;
    ixt_lab_effect *effects;
} change_job;

static void change_job_free(void *ctx)
{
    change_job *x = ctx;
    free_strs(x->defs, x->ndefs);
    ixt_catalog_free(&x->cat);
    for (int i = 0; i < x->nsugg; i++)
        free(x->sugg[i]);
    free(x->ids);
    ixt_node_links_free(&x->links);
    free_strs(x->sqls, x->nsqls);
    free_strs(x->effect_sql, x->neffects);
    free(x->effects);
    free(x);
}

/* The advisor on this statement alone, before any index is tried (it
 * clears the backend's hypothetical indexes). */
static void suggest(change_job *x, ixt_conn *lab)
{
    ixt_advisor adv;
    ixt_err e;
    ixt_advisor_init(&adv, lab, 0, 0);
    ixt_advisor_add(&adv, x->w->sql, 1, -1, x->w->queryid);
    if (ixt_advisor_run(&adv, NULL, NULL, &e) == 0) {
        int order[5];
        double costs[5];
        x->nsugg = ixt_advisor_rank(&adv, 0, order, costs, 5);
        for (int i = 0; i < x->nsugg; i++) {
            x->sugg[i] = ixt_xstrdup(adv.cands[order[i]].def);
            x->sugg_cost[i] = costs[i];
            x->sugg_size[i] = adv.cands[order[i]].size_bytes;
        }
    }
    ixt_advisor_free(&adv);
}

/* The full texts of the effect's statements, and their one-line forms
 * for the table; one gone since is left out. */
static int load_effect_texts(change_job *x, ixt_conn *lab, ixt_err *e)
{
    char **texts;
    if (ixt_node_links_full_texts(&x->links, lab, x->ids, (size_t)x->neffects, &texts, e) != 0)
        return -1;
    x->sqls = ixt_xcalloc((size_t)x->neffects + 1, sizeof *x->sqls);
    x->effect_sql = ixt_xcalloc((size_t)x->neffects + 1, sizeof *x->effect_sql);
    int k = 0;
    for (int i = 0; i < x->neffects; i++) {
        if (!texts[i])
            continue;
        x->sqls[k] = texts[i];
        x->effect_sql[k] = ixt_xstrndup(texts[i], ixt_utf8_cut(texts[i], IXT_QUERY_LINE_MAX));
        ixt_squash_ws(x->effect_sql[k++]);
    }
    free(texts);
    x->nsqls = x->neffects = k;
    return 0;
}

static int change_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    change_job *x = j->ctx;
    lab_work *w = x->w;
    double t0 = ixt_now_ms();
    if (x->reopen) {
        ixt_lab_close(&w->lab, lab);
        if (ixt_lab_open(&w->lab, lab, w->sql, e) != 0)
            return -1;
        if (ixt_catalog_load(lab, &x->cat, e) != 0)
            return -1;
        if (x->suggest)
            suggest(x, lab);
    }
    if (x->drop >= 0 && ixt_lab_remove(&w->lab, lab, x->drop, e) != 0)
        return -1;
    for (int i = 0; i < x->ndefs && !job_cancelled(j); i++) {
        ixt_err ae;
        ixt_indexdef d;
        int rc = ixt_indexdef_parse(x->defs[i], &d, &ae);
        if (rc == 0) {
            rc = ixt_lab_add(&w->lab, lab, &d, &ae);
            ixt_indexdef_free(&d);
        }
        if (rc != 0) {
            snprintf(x->failed, sizeof x->failed, "%s", ae.msg);
            continue;
        }
        const char *why = ixt_lab_unused_reason(&w->lab, lab, w->lab.nidx - 1);
        snprintf(x->why, sizeof x->why, "%s", why ? why : "");
    }
    if (x->ids) {
        if (load_effect_texts(x, lab, e) != 0)
            return -1;
        x->effects = ixt_xcalloc((size_t)x->neffects + 1, sizeof *x->effects);
        if (ixt_lab_workload(&w->lab, lab, (const char *const *)x->sqls, x->neffects, x->effects, e) != 0)
            return -1;
    }
    x->ms = ixt_now_ms() - t0;
    return x->failed[0] && x->ndefs == 1 ? ixt_err_set(e, "%s", x->failed) : 0;
}

static void refresh_ctx(app *a, lview *l);

static void change_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    change_job *x = j->ctx;
    lab_work *w = x->w;
    lview *l = (lview *)owner;
    w->changing--;
    if (x->reopen)
        w->live = end == JOB_DONE || w->lab.before != NULL;
    sync_defs(w);
    if (x->nsugg) {
        for (int i = 0; i < w->nsugg; i++)
            free(w->sugg[i]);
        w->nsugg = x->nsugg;
        for (int i = 0; i < x->nsugg; i++) {
            w->sugg[i] = x->sugg[i];
            w->sugg_cost[i] = x->sugg_cost[i];
            w->sugg_size[i] = x->sugg_size[i];
        }
        x->nsugg = 0;
        w->suggested = true;
    }
    if (x->ids && end == JOB_DONE) {
        work_effects_free(w);
        w->effects = x->effects;
        w->effect_sql = x->effect_sql;
        w->neffects = x->neffects;
        x->effects = NULL;
        x->effect_sql = NULL;
        x->neffects = 0;
        app_message(a, false, "%d statements planned without and with the indexes in %.0f ms", w->neffects, x->ms);
    }
    if (!l)
        return;
    a->dirty = true;
    if (x->reopen) {
        l->open = w->live;
        ixt_catalog_free(&l->cat);
        l->cat = x->cat;
        memset(&x->cat, 0, sizeof x->cat);
        l->show_sugg = w->lab.nidx == 0 && w->nsugg > 0;
    }
    if (end == JOB_CANCELLED) {
        app_message(a, false, "cancelled");
    } else if (end == JOB_FAILED) {
        set_error(l, msg);
        return;
    }
    if (x->failed[0])
        set_error(l, x->failed);
    if (w->live && x->ndefs == 1 && !x->reopen && w->lab.nidx > 0) {
        l->list.sel = w->lab.nidx - 1;
        const ixt_lab_index *ix = &w->lab.idx[l->list.sel];
        app_message(a, false, "%s: cost %+.1f%% (%.0f ms)%s%s%s%s", ix->index.table, ixt_lab_change_pct(&w->lab),
                    x->ms, ix->index.note ? "; " : "", ix->index.note ? ix->index.note : "",
                    ix->used ? "" : "; the planner does not use this index", x->why[0] ? ": " : "");
        if (x->why[0])
            set_error(l, x->why);
    }
    list_clamp(&l->list, w->lab.nidx, 6);
    if (w->live && w->lab.nidx)
        refresh_ctx(a, l);
}

static void submit_change(app *a, lview *l, change_job *x, const char *what)
{
    x->w = l->w;
    l->w->changing++;
    l->error[0] = '\0';
    jobs_submit(a->jobs, job_new(what, change_run, change_done, x, change_job_free, &l->base));
}

static change_job *change_new(void)
{
    change_job *x = ixt_xcalloc(1, sizeof *x);
    x->drop = -1;
    return x;
}

/* ===== write context ===== */

typedef struct ctx_job {
    ixt_indexdef target;
    ixt_table_ctx ctx;
    /* a hot standby counts no writes: the primary's, on a connection the
     * view lends (opened by the job the first time) */
    ixt_node_links links;
    ixt_conn *primary;
} ctx_job;

static void ctx_job_free(void *p)
{
    ctx_job *x = p;
    ixt_table_ctx_free(&x->ctx);
    ixt_indexdef_free(&x->target);
    ixt_node_links_free(&x->links);
    ixt_conn_close(x->primary);
    free(x);
}

static int ctx_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    ctx_job *x = j->ctx;
    if (!ixt_conn_info(lab)->in_recovery)
        return ixt_table_ctx_read(lab, lab, &x->target, &x->ctx, e);
    const ixt_node_link *p = ixt_node_links_primary(&x->links);
    ixt_err pe;
    if (p && x->primary && !ixt_conn_ok(x->primary)) {
        ixt_conn_close(x->primary);
        x->primary = NULL;
    }
    if (p && !x->primary)
        x->primary = ixt_node_link_open(p, "lab", 3, &pe);
    /* the primary unreachable: the rate is unknown, the rest still good */
    if (ixt_table_ctx_read(lab, x->primary, &x->target, &x->ctx, e) == 0)
        return 0;
    if (!x->primary || ixt_conn_ok(x->primary))
        return -1;
    ixt_conn_close(x->primary);
    x->primary = NULL;
    return ixt_table_ctx_read(lab, NULL, &x->target, &x->ctx, e);
}

static void ctx_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    ctx_job *x = j->ctx;
    lview *l = (lview *)owner;
    if (!l)
        return;
    l->ctx_reading = false;
    l->ctx = x->ctx;
    memset(&x->ctx, 0, sizeof x->ctx);
    l->primary = x->primary;
    x->primary = NULL;
    snprintf(l->writes_on, sizeof l->writes_on, "%s",
             l->primary ? ixt_node_links_primary(&x->links)->name : "");
    l->ctx_refresh_ms = ixt_now_ms();
    if (end == JOB_FAILED)
        set_error(l, msg);
    a->dirty = true;
}

/* The table context lives in the view; a job borrows it to refresh it. */
static void refresh_ctx(app *a, lview *l)
{
    lab_work *w = l->w;
    if (l->ctx_reading || !w->live || w->changing || w->lab.nidx == 0)
        return;
    const ixt_indexdef *t = &w->lab.idx[l->list.sel].index;
    if (strcmp(t->table, l->ctx_table) != 0) {
        ixt_table_ctx_free(&l->ctx);
        snprintf(l->ctx_table, sizeof l->ctx_table, "%s", t->table);
    }
    ctx_job *x = ixt_xcalloc(1, sizeof *x);
    ixt_indexdef_copy(&x->target, t);
    x->ctx = l->ctx;
    memset(&l->ctx, 0, sizeof l->ctx);
    ixt_nodes_links(&a->nodes, &x->links);
    x->primary = l->primary;
    l->primary = NULL;
    l->ctx_reading = true;
    l->ctx_refresh_ms = ixt_now_ms();
    ui_job *j = job_new("reading the table's write context", ctx_run, ctx_done, x, ctx_job_free, &l->base);
    j->quiet = true;
    jobs_submit(a->jobs, j);
}

/* ===== drawing ===== */

static attr_t delta_style(double pct)
{
    return draw_style(pct < -5 ? IXT_ROLE_GOOD : pct > 5 ? IXT_ROLE_BAD : IXT_ROLE_NORMAL);
}

static int draw_summary(lview *l, int y)
{
    const ixt_lab *lab = &l->w->lab;
    char line[512];
    double pct = ixt_lab_change_pct(lab);
    const ixt_plan_node *ra = lab->after ? lab->after->root : lab->before->root;
    snprintf(line, sizeof line, " Cost %.2f -> %.2f  %+.1f%%   startup %.2f -> %.2f   rows %.0f -> %.0f%s",
             lab->before->total_cost, ixt_lab_after_cost(lab), pct, lab->before->root->startup_cost,
             ra->startup_cost, lab->before->root->plan_rows, ra->plan_rows,
             lab->generic ? "   (generic plan)" : "");
    draw_fill(y, 0, COLS, draw_style(IXT_ROLE_NORMAL));
    draw_text(y, 0, COLS, line, delta_style(pct) | A_BOLD, true);
    /* the gain is the planner's guess of a filter under a LIMIT */
    double late = lab->after ? ixt_plan_cost_if_rows_late(lab->after) : 0;
    int x = (int)strlen(line) + 3;
    if (lab->after && late > lab->after->total_cost && x < COLS) {
        snprintf(line, sizeof line, "risky: cost %.0f if matches are rare", late);
        draw_text(y, x, COLS - x, line, draw_style(IXT_ROLE_BAD) | A_BOLD, true);
    }
    return 1;
}

static int draw_indexes(lview *l, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Hypothetical indexes (c: add, d: drop, r: real trial, A: accept)", h, true);
    if (l->w->lab.nidx == 0) {
        draw_text(y + 1, 2, COLS - 4, "none yet: press c and type one (Tab completes tables and columns), or 1-5 for a suggestion",
                  draw_style(IXT_ROLE_MUTED), true);
        return 2;
    }
    int shown = 0;
    for (int i = 0; i < l->w->lab.nidx && shown < rows - 1; i++, shown++) {
        const ixt_lab_index *x = &l->w->lab.idx[i];
        char size[32], scope[128], line[1024];
        snprintf(line, sizeof line, " %d  %-9s %9s  %s%s%s", i + 1, x->used ? "used" : "NOT USED",
                 ixt_fmt_bytes(x->hypo.size_bytes, size, sizeof size), x->def,
                 x->hypo.partitions > 0 ? "  -- size" : "",
                 ixt_hypo_size_scope(x->hypo.partitions, scope, sizeof scope));
        attr_t st = i == l->list.sel ? draw_style(IXT_ROLE_SELECTED)
                                     : draw_style(x->used ? IXT_ROLE_GOOD : IXT_ROLE_BAD);
        draw_fill(y + 1 + shown, 0, COLS, st);
        draw_text(y + 1 + shown, 0, COLS, line, st, true);
    }
    return 1 + shown;
}

static int draw_context(lview *l, int y)
{
    if (l->w->lab.nidx == 0 || !l->ctx_table[0])
        return 0;
    ixt_buf b;
    ixt_buf_init(&b);
    char rate[96];
    if (l->ctx.write_rate >= 0)
        snprintf(rate, sizeof rate, "%.1f writes/s%s%s", l->ctx.write_rate, l->writes_on[0] ? " on " : "",
                 l->writes_on);
    else if (l->ctx.writes < 0)
        snprintf(rate, sizeof rate, "write rate unknown (a hot standby counts none: add the primary with O)");
    else
        snprintf(rate, sizeof rate, "write rate: measuring");
    char parts[48] = "";
    if (l->ctx.partitions > 0)
        snprintf(parts, sizeof parts, " in %d partitions", l->ctx.partitions);
    ixt_buf_printf(&b, " %s: %.0f rows%s, %s%s; every write also updates:", l->ctx_table, l->ctx.rows, parts, rate,
                   l->ctx.never_analyzed ? ", NEVER ANALYZED (estimates mean little)" : "");
    for (int i = 0; i < l->ctx.nindexes; i++)
        ixt_buf_printf(&b, "%s %s (idx_scan %.0f)", i ? "," : "", l->ctx.indexes[i].name, l->ctx.indexes[i].scans);
    draw_text(y, 0, COLS, b.s, draw_style(IXT_ROLE_MUTED), true);
    ixt_buf_free(&b);
    return 1;
}

static int draw_real(lview *l, int y)
{
    char line[512], b1[32], b2[32], b3[32];
    if (l->running) {
        char parts[48] = "";
        if (l->ctx.partitions > 0)
            snprintf(parts, sizeof parts, " and all its %d partitions", l->ctx.partitions);
        snprintf(line, sizeof line, " real trial running... %s (Esc cancels; writes to %s%s wait)",
                 ixt_fmt_ms(ixt_now_ms() - l->started_ms, b1, sizeof b1), l->ctx_table, parts);
        draw_text(y, 0, COLS, line, draw_style(IXT_ROLE_COST_WARM), true);
        return 1;
    }
    if (!l->w->measured)
        return 0;
    double pct = l->w->rr.before_median_ms > 0
                     ? (l->w->rr.after_median_ms - l->w->rr.before_median_ms) / l->w->rr.before_median_ms * 100 : 0;
    snprintf(line, sizeof line, " Measured: median %s -> %s (%+.0f%%), min %.2f -> %.2f ms, buffers %.0f -> %.0f, "
             "build %.0f ms, real size %s (rolled back)",
             ixt_fmt_ms(l->w->rr.before_median_ms, b1, sizeof b1), ixt_fmt_ms(l->w->rr.after_median_ms, b2, sizeof b2),
             pct, l->w->rr.before_min_ms, l->w->rr.after_min_ms, l->w->rr.before_hit + l->w->rr.before_read,
             l->w->rr.after_hit + l->w->rr.after_read, l->w->rr.build_ms, ixt_fmt_bytes(l->w->rr.size_bytes, b3, sizeof b3));
    draw_text(y, 0, COLS, line, delta_style(pct) | A_BOLD, true);
    return 1;
}

static const char *diff_mark(ixt_diff_mark m, bool ascii)
{
    switch (m) {
    case IXT_DIFF_NEW: return "+ ";
    case IXT_DIFF_CHANGED: return ascii ? "* " : "\xe2\x9c\xb1 ";
    case IXT_DIFF_COST: return "~ ";
    default: return "  ";
    }
}

static void draw_plan(app *a, lview *l, int y, int rows)
{
    const ixt_plan *p = l->w->lab.after ? l->w->lab.after : l->w->lab.before;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, l->w->lab.after ? "Plan with the indexes (+ new node, * changed, ~ cost moved)"
                                           : "Plan without indexes", h, true);
    for (size_t i = 0; i < p->nnodes && (int)i < rows - 1; i++) {
        const ixt_plan_node *n = p->nodes[i];
        ixt_diff_mark m = l->w->lab.diff ? l->w->lab.diff->mark[i] : IXT_DIFF_SAME;
        char prefix[512], label[512], line[1200];
        ixt_plan_prefix(n, a->ascii, prefix, sizeof prefix);
        ixt_plan_node_label(n, label, sizeof label);
        snprintf(line, sizeof line, "%s%s%s  cost=%.2f rows=%.0f", l->w->lab.after ? diff_mark(m, a->ascii) : "",
                 prefix, label, n->total_cost, n->plan_rows);
        attr_t st = draw_style(m == IXT_DIFF_SAME || !l->w->lab.after ? IXT_ROLE_NORMAL : IXT_ROLE_GOOD);
        draw_text(y + 1 + (int)i, 1, COLS - 2, line, st, true);
    }
}

static void draw_effects(lview *l, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Effect on the top statements (cost before -> after)", h, true);
    for (int i = 0; i < l->w->neffects && i < rows - 1; i++) {
        const ixt_lab_effect *f = &l->w->effects[i];
        char line[512];
        double pct = f->before_cost > 0 && f->after_cost >= 0
                         ? (f->after_cost - f->before_cost) / f->before_cost * 100 : 0;
        if (f->after_cost < 0)
            snprintf(line, sizeof line, " %12s %12s %8s  %s", "-", "-", "n/a", l->w->effect_sql[i]);
        else
            snprintf(line, sizeof line, " %12.2f %12.2f %+7.1f%%  %s", f->before_cost, f->after_cost, pct,
                     l->w->effect_sql[i]);
        draw_text(y + 1 + i, 0, COLS, line, delta_style(pct), true);
    }
}

static int draw_suggestions(lview *l, int y)
{
    if (l->w->nsugg == 0)
        return 0;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Suggestions (press 1-5 to try one; s hides them)", h, true);
    for (int i = 0; i < l->w->nsugg; i++) {
        char line[1024], sz[32];
        double pct = l->w->lab.before->total_cost > 0 && l->w->sugg_cost[i] >= 0
                         ? (l->w->sugg_cost[i] - l->w->lab.before->total_cost) / l->w->lab.before->total_cost * 100 : 0;
        snprintf(line, sizeof line, " %d  %+7.1f%%  %9s  %s", i + 1, pct, ixt_fmt_bytes(l->w->sugg_size[i], sz, sizeof sz),
                 l->w->sugg[i]);
        draw_text(y + 1 + i, 0, COLS, line, delta_style(pct), true);
    }
    return 1 + l->w->nsugg;
}

static void lview_draw(app *a, ui_view *v, int top, int rows)
{
    lview *l = (lview *)v;
    if (!l->open || l->w->changing) {
        draw_text(top, 1, COLS - 2, l->w->sql, draw_style(IXT_ROLE_MUTED), true);
        if (l->w->changing)
            draw_text(top + 2, 2, COLS - 4, "working on the lab connection (the status line says what; Esc cancels)",
                      draw_style(IXT_ROLE_MUTED), true);
        draw_wrapped(top + 3, 2, 4, COLS - 4, l->error, draw_style(IXT_ROLE_ERROR));
        return;
    }
    int y = top;
    draw_text(y++, 1, COLS - 2, l->w->lab.sql, draw_style(IXT_ROLE_MUTED), true);
    y += draw_summary(l, y);
    int idx_rows = l->w->lab.nidx + 1 < 6 ? l->w->lab.nidx + 2 : 6;
    y += draw_indexes(l, y, idx_rows);
    if (l->show_sugg)
        y += draw_suggestions(l, y);
    y += draw_context(l, y);
    y += draw_real(l, y);
    if (l->error[0])
        y += draw_wrapped(y, 1, 3, COLS - 2, l->error, draw_style(IXT_ROLE_ERROR));
    int left = top + rows - y;
    if (l->w->neffects > 0) {
        int er = l->w->neffects + 1 < left / 2 ? l->w->neffects + 1 : left / 2;
        draw_effects(l, top + rows - er, er);
        left -= er;
    }
    draw_plan(a, l, y, left);
}

/* ===== actions ===== */

static void add_defs(app *a, lview *l, char *const *defs, int n)
{
    change_job *x = change_new();
    x->defs = copy_strs(defs, n);
    x->ndefs = n;
    l->show_sugg = false;
    submit_change(a, l, x, n == 1 ? "adding the hypothetical index" : "adding the hypothetical indexes");
}

static void index_done(app *a, const char *text, bool ok)
{
    lview *l = top_lview(a);
    if (ok && text[0])
        add_defs(a, l, (char *const *)&text, 1);
}

static void complete(app *a, ui_line *line)
{
    lview *l = top_lview(a);
    const char **m;
    char *prefix;
    int n = ixt_catalog_complete(&l->cat, line->buf, line->cur, &m, &prefix);
    if (n == 0) {
        app_message(a, false, "no completion");
        return;
    }
    size_t start = line->cur;
    while (start > 0 && line->buf[start - 1] != ' ' && line->buf[start - 1] != '(' && line->buf[start - 1] != ',')
        start--;
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_addn(&b, line->buf, start);
    ixt_buf_add(&b, prefix);
    if (n == 1)
        ixt_buf_add(&b, l->cat.ncols && strchr(line->buf, '(') ? "" : " ");
    size_t cur = b.len;
    ixt_buf_add(&b, line->buf + line->cur);
    line_set(line, b.s);
    line->cur = cur < line->len ? cur : line->len;
    if (n > 1) {
        ixt_buf_reset(&b);
        for (int i = 0; i < n && i < 12; i++)
            ixt_buf_printf(&b, "%s%s", i ? "  " : "", m[i]);
        app_message(a, false, "%s%s", b.s, n > 12 ? "  ..." : "");
    }
    ixt_buf_free(&b);
    free(m);
    free(prefix);
}

/* The table of the statement's costliest seq scan, to start the
 * definition: for a partition's, its partitioned table, which the index
 * goes on. */
static void new_index(app *a, lview *l)
{
    char initial[300] = "CREATE INDEX ON ";
    const ixt_plan *p = l->w->lab.before;
    for (size_t i = 0; i < p->ncostly; i++)
        if (p->costly[i]->relation && strcmp(p->costly[i]->node_type, "Seq Scan") == 0) {
            snprintf(initial, sizeof initial, "CREATE INDEX ON %s (",
                     ixt_catalog_index_table(&l->cat, p->costly[i]->schema, p->costly[i]->relation));
            break;
        }
    app_input(a, "Index: ", initial, NULL, index_done);
    a->input_complete = complete;
}

static void drop_index(app *a, lview *l)
{
    if (l->w->lab.nidx == 0)
        return;
    change_job *x = change_new();
    x->drop = l->list.sel;
    l->w->measured = false;
    submit_change(a, l, x, "dropping the hypothetical index");
}

/* ----- real trial ----- */

/* Index definitions, one a line: what a build rate belongs to.  caller frees */
static char *build_key(char *const *defs, int n)
{
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < n; i++)
        ixt_buf_printf(&b, "%s\n", defs[i]);
    return b.s;
}

typedef struct trial_job {
    lab_work *w;
    char *sql;
    char **defs;
    int ndefs;
    char **values;
    int nvalues;
    int runs, lock_ms, stmt_ms;
    double build_bytes;        /* the tables built over; 0 unknown */
    ixt_explain_prep prep;
    ixt_real_trial trial;
    ixt_real_result rr;
} trial_job;

static void trial_job_free(void *p)
{
    trial_job *x = p;
    free(x->sql);
    free_strs(x->defs, x->ndefs);
    free_strs(x->values, x->nvalues);
    ixt_explain_prep_free(&x->prep);
    ixt_real_trial_free(&x->trial);
    ixt_real_result_free(&x->rr);
    free(x);
}

static int trial_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    trial_job *x = j->ctx;
    ixt_explain_req req = {.sql = x->sql, .analyze = true, .statement_timeout_ms = x->stmt_ms,
                           .params = (const char *const *)x->values, .nparams = x->nvalues};
    if (ixt_explain_prepare(lab, &req, &x->prep, e) != 0)
        return -1;
    ixt_real_trial_build(&x->trial, (const char *const *)x->defs, x->ndefs, &x->prep, x->runs, x->lock_ms,
                         x->stmt_ms);
    if (job_script_run(j, &x->trial.script, lab, e) != 0)
        return -1;
    return ixt_real_trial_result(&x->trial, &x->rr, e);
}

static void trial_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    trial_job *x = j->ctx;
    lab_work *w = x->w;
    lview *l = (lview *)owner;
    if (end == JOB_DONE) {
        ixt_real_result_free(&w->rr);
        w->rr = x->rr;
        memset(&x->rr, 0, sizeof x->rr);
        w->measured = true;
        free(w->build_key);
        w->build_key = build_key(x->defs, x->ndefs);
        w->build_rate = ixt_build_rate(x->build_bytes, w->rr.build_ms);
        w->build_bytes = x->build_bytes;
        const char *caveat = ixt_real_trial_caveat(&x->prep);
        app_message(a, false, "real trial done: the index was built, measured and rolled back%s%s",
                    caveat ? "; " : "", caveat ? caveat : "");
    } else if (end == JOB_CANCELLED) {
        app_message(a, false, "real trial cancelled: rolled back, nothing was kept");
    }
    if (!l)
        return;
    l->running = false;
    a->dirty = true;
    if (end == JOB_FAILED)
        set_error(l, msg);
}

static void real_confirmed(app *a, bool yes)
{
    lview *l = top_lview(a);
    lab_work *w = l->w;
    if (!yes) {
        app_message(a, false, "real trial not started");
        return;
    }
    trial_job *x = ixt_xcalloc(1, sizeof *x);
    x->w = w;
    x->sql = ixt_xstrdup(w->sql);
    x->ndefs = w->lab.nidx;
    x->defs = ixt_xcalloc((size_t)x->ndefs + 1, sizeof *x->defs);
    for (int i = 0; i < x->ndefs; i++)
        x->defs[i] = ixt_xstrdup(w->lab.idx[i].def);
    x->values = copy_strs(w->values, w->nvalues);
    x->nvalues = w->nvalues;
    x->runs = a->opts->cfg.runs;
    x->lock_ms = a->opts->cfg.lock_timeout_ms;
    x->stmt_ms = a->opts->cfg.statement_timeout_ms;
    x->build_bytes = l->est_bytes;
    ixt_script_init(&x->prep.script);
    ixt_script_init(&x->trial.script);
    l->running = true;
    w->measured = false;
    l->error[0] = '\0';
    l->started_ms = ixt_now_ms();
    jobs_submit(a->jobs, job_new("real trial", trial_run, trial_done, x, trial_job_free, &l->base));
}

/* The question, with the build estimate (NULL: none, for the reason in
 * est): a build that cannot fit the lock timeout is not offered. */
static void confirm_real(app *a, lview *l, const ixt_build_estimate *b, const char *est)
{
    const char *table = l->w->lab.idx[0].index.table;
    char lock[32], ms[32];
    ixt_fmt_ms(a->opts->cfg.lock_timeout_ms, lock, sizeof lock);
    int parts = l->w->lab.idx[0].hypo.partitions;
    char brief[64] = "build not estimated, ";
    if (b && !b->fits) {
        app_message(a, true, "real trial not started: %s, longer than the lock timeout of %s; "
                    "L raises it (e.g. to %g s)", est, lock, b->suggest_timeout_ms / 1000.0);
        return;
    }
    if (b)
        snprintf(brief, sizeof brief, "build ~%s, ", ixt_fmt_ms(b->ms, ms, sizeof ms));
    l->est_bytes = b ? b->table_bytes : 0;
    /* the question is one line: the details go to the message line */
    char label[256], locks[512];
    snprintf(label, sizeof label, "Real trial on %.100s (%s%slock timeout %s)?", table,
             parts > 0 ? "every partition, " : "", brief, lock);
    app_message(a, false, "%s; writers to %s%s may wait up to %s (L changes it); the index is built inside a "
                "transaction that is rolled back; %s", est, table, parts > 0 ? " and its partitions" : "", lock,
                ixt_real_trial_locks(table, parts, locks, sizeof locks));
    views_confirm(a, label, real_confirmed);
}

typedef struct sample_job {
    ixt_build_sampler sampler;
    double table_bytes;
    ixt_build_sample sample;
} sample_job;

static void sample_job_free(void *p)
{
    sample_job *x = p;
    ixt_build_sampler_free(&x->sampler);
    free(x);
}

static int sample_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    sample_job *x = j->ctx;
    if (job_script_run(j, &x->sampler.script, lab, e) != 0)
        return -1;
    return ixt_build_sampler_result(&x->sampler, &x->table_bytes, &x->sample, e);
}

static void sample_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    sample_job *x = j->ctx;
    lview *l = (lview *)owner;
    if (!l)
        return;
    l->estimating = false;
    a->dirty = true;
    /* the question belongs to the lab on screen */
    if (end == JOB_CANCELLED || a->view != owner) {
        app_message(a, false, "real trial not started");
        return;
    }
    if (end == JOB_FAILED) {
        char why[IXT_ERR_MAX + 64];
        snprintf(why, sizeof why, "the build could not be measured on a sample (%s)", msg);
        confirm_real(a, l, NULL, why);
        return;
    }
    ixt_build_estimate b;
    char est[192];
    ixt_build_estimate_make(x->table_bytes, 0, &x->sample, a->opts->cfg.lock_timeout_ms, &b);
    confirm_real(a, l, &b, ixt_build_estimate_text(&b, est, sizeof est));
}

/* The build estimated from the rate an earlier trial of the same indexes
 * built at, else measured on a sample first (a job: it reads the tables). */
static void ask_real(app *a, lview *l)
{
    lab_work *w = l->w;
    char *key = build_key(w->defs, w->ndefs);
    bool same = w->build_rate > 0 && w->build_key && strcmp(key, w->build_key) == 0;
    free(key);
    if (same) {
        ixt_build_estimate b;
        char est[192];
        ixt_build_estimate_make(w->build_bytes, w->build_rate, NULL, a->opts->cfg.lock_timeout_ms, &b);
        confirm_real(a, l, &b, ixt_build_estimate_text(&b, est, sizeof est));
        return;
    }
    sample_job *x = ixt_xcalloc(1, sizeof *x);
    ixt_indexdef *defs = ixt_xcalloc((size_t)w->lab.nidx, sizeof *defs);
    for (int i = 0; i < w->lab.nidx; i++)
        defs[i] = w->lab.idx[i].index;
    ixt_err e;
    int rc = ixt_build_sampler_make(&x->sampler, defs, w->lab.nidx, a->opts->cfg.lock_timeout_ms,
                                    a->opts->cfg.statement_timeout_ms, &e);
    free(defs);
    if (rc != 0) {
        sample_job_free(x);
        confirm_real(a, l, NULL, e.msg);
        return;
    }
    l->estimating = true;
    jobs_submit(a->jobs, job_new("measuring the build on a sample of the table", sample_run, sample_done, x,
                                 sample_job_free, &l->base));
}

static void trial_values(app *a, char **values, int n, bool ok)
{
    lview *l = top_lview(a);
    if (!ok) {
        app_message(a, false, "real trial not started");
        return;
    }
    free_strs(l->w->values, l->w->nvalues);
    l->w->values = values;
    l->w->nvalues = n;
    l->w->values_given = true;
    ask_real(a, l);
}

static int param_count(const char *sql)
{
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    int n = in ? in->nparams : 0;
    ixt_sql_info_free(in);
    return n;
}

static void real_trial(app *a, lview *l)
{
    const ixt_server_info *in = ixt_conn_info(a->lab);
    int np = param_count(l->w->sql);
    if (a->opts->review_only) {
        app_message(a, true, "read-only review (--review-only): no real trial runs on the server; "
                             "the hypothetical plans are shown, t marks the index as needing a real trial");
    } else if (l->w->lab.nidx == 0)
        app_message(a, true, "add an index first (c)");
    else if (in->in_recovery) {
        char why[IXT_ERR_MAX];
        ixt_nodes_real_trial_refusal(&a->nodes, why, sizeof why);
        app_message(a, true, "%s", why);
    } else if (l->running || l->estimating)
        app_message(a, true, "a real trial is already under way");
    else if (np > 0 && !l->w->values_given)
        views_ask_values(a, l->w->sql, np, trial_values);
    else
        ask_real(a, l);
}

static void lock_timeout_done(app *a, const char *text, bool ok)
{
    lview *l = top_lview(a);
    char *end;
    double s = ok ? strtod(text, &end) : 0;
    if (!ok || !text[0])
        return;
    if (*end || s <= 0 || s > 600) {
        app_message(a, true, "lock timeout: seconds between 0.1 and 600, e.g. 5");
        return;
    }
    a->opts->cfg.lock_timeout_ms = (int)(s * 1000);
    const char *table = l->w->lab.nidx ? l->w->lab.idx[0].index.table : "the table";
    app_message(a, false, "lock timeout %.1f s for this session: writers to %s may wait up to %.1f s during a real trial",
                s, table, s);
}

static void workload_effect(app *a, lview *l)
{
    ixt_stmt **v;
    size_t n = ixt_workload_view(&a->wl, IXT_COL_TOTAL, true, NULL, &v);
    change_job *x = change_new();
    /* by id: the job reads the texts (the list holds a prefix, maybe not
     * yet read) */
    x->ids = ixt_xcalloc(WORKLOAD_TOP, sizeof *x->ids);
    int k = 0;
    for (size_t i = 0; i < n && k < WORKLOAD_TOP; i++)
        x->ids[k++] = v[i]->queryid;
    free(v);
    x->neffects = k;
    ixt_nodes_links(&a->nodes, &x->links);
    submit_change(a, l, x, "planning the top statements without and with the indexes");
}

/* The selected index with its evidence into the review set; an accepted
 * one's baseline covers its statement, those of the workload it helps in
 * the lab, and the writes on its table. */
static void accept_index(app *a, lview *l, bool accept)
{
    lab_work *w = l->w;
    if (w->lab.nidx == 0)
        return;
    const ixt_lab_index *x = &w->lab.idx[l->list.sel];
    ui_accept_req r = {.def = x->def, .accept = accept,
                       .size_bytes = w->measured ? w->rr.size_bytes : x->hypo.size_bytes,
                       .write_rate = l->ctx.write_rate,
                       .ev = {.sql = w->lab.sql, .queryid = w->queryid, .cost_before = w->lab.before->total_cost,
                              .cost_after = ixt_lab_after_cost(&w->lab), .measured = w->measured,
                              .ms_before = w->rr.before_median_ms, .ms_after = w->rr.after_median_ms,
                              .build_ms = w->rr.build_ms}};
    ixt_baseline_target *t = ixt_xcalloc((size_t)w->neffects + 1, sizeof *t);
    for (int i = 0; i < w->neffects; i++)
        if (w->effects[i].after_cost >= 0 && w->effects[i].after_cost < w->effects[i].before_cost)
            t[r.ntargets++] = (ixt_baseline_target){.sql = w->effect_sql[i]};
    r.targets = t;
    accept_submit(a, &r);
    free(t);
}

static void lview_tick(app *a, ui_view *v)
{
    lview *l = (lview *)v;
    if (l->running)
        a->dirty = true;
    /* the write rate needs two samples: refresh with the monitor's pace */
    else if (l->open && ixt_now_ms() - l->ctx_refresh_ms > a->refresh_s * 1000 && jobs_idle(a->jobs))
        refresh_ctx(a, l);
}

static ui_request lview_key(app *a, ui_view *v, ui_action act, int ch)
{
    lview *l = (lview *)v;
    lab_work *w = l->w;
    if (!l->open || w->changing || l->running)
        return ui_handled(act != ACT_QUIT && act != ACT_HELP && act != ACT_BACK && act != ACT_REVIEW);
    if (act == ACT_TRY_SUGGESTION) {
        if (l->show_sugg && ch - '1' < w->nsugg)
            add_defs(a, l, &w->sugg[ch - '1'], 1);
        else
            app_message(a, false, "no suggestion %c on screen (s shows them)", ch);
        return UI_HANDLED;
    }
    switch (act) {
    case ACT_UP: case ACT_DOWN:
        list_key(&l->list, act, w->lab.nidx, 6);
        refresh_ctx(a, l);
        return UI_HANDLED;
    case ACT_NEW_INDEX: new_index(a, l); return UI_HANDLED;
    case ACT_DROP_INDEX: drop_index(a, l); return UI_HANDLED;
    case ACT_REAL_TRIAL: real_trial(a, l); return UI_HANDLED;
    case ACT_WORKLOAD: workload_effect(a, l); return UI_HANDLED;
    case ACT_COPY:
        if (l->list.sel >= w->lab.nidx)
            return UI_HANDLED;
        return (ui_request){.kind = UI_REQ_COPY, .sql = w->lab.idx[l->list.sel].def, .what = "the index definition"};
    case ACT_ACCEPT: accept_index(a, l, true); return UI_HANDLED;
    case ACT_REJECT: accept_index(a, l, false); return UI_HANDLED;
    case ACT_SUGGESTIONS:
        l->show_sugg = !l->show_sugg && w->nsugg > 0;
        if (!w->nsugg)
            app_message(a, false, "no suggestions for this statement");
        return UI_HANDLED;
    case ACT_LOCK_TIMEOUT: {
        char cur[32];
        snprintf(cur, sizeof cur, "%g", a->opts->cfg.lock_timeout_ms / 1000.0);
        app_input(a, "Lock timeout for real trials, seconds: ", cur, NULL, lock_timeout_done);
        return UI_HANDLED;
    }
    default: return UI_IGNORED;
    }
}

typedef struct close_job {
    lab_work *w;
} close_job;

static int close_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    close_job *x = j->ctx;
    (void)e;
    ixt_lab_close(&x->w->lab, lab);
    return 0;
}

static void close_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    close_job *x = j->ctx;
    (void)a, (void)owner, (void)end, (void)msg;
    x->w->live = false;
    x->w->changing--;
}

static void lview_destroy(ui_view *v)
{
    lview *l = (lview *)v;
    app *a = l->app;
    /* the hypothetical indexes leave the backend (the plan view must not
     * see them); their definitions stay with the statement */
    if (a->jobs && l->w->live) {
        close_job *x = ixt_xcalloc(1, sizeof *x);
        x->w = l->w;
        l->w->changing++;
        ui_job *j = job_new("leaving the lab", close_run, close_done, x, free, NULL);
        j->quiet = true;
        jobs_submit(a->jobs, j);
    }
    ixt_catalog_free(&l->cat);
    ixt_table_ctx_free(&l->ctx);
    ixt_conn_close(l->primary);
    free(l);
}

void view_lab_open(app *a, const char *sql, long long queryid, char *const *values, int nvalues, const char *def)
{
    lab_work *w = work_for(a, sql, queryid);
    if (nvalues > 0 && !w->values_given) {
        w->values = copy_strs(values, nvalues);
        w->nvalues = nvalues;
        w->values_given = true;
    }
    if (def)
        work_add_def(w, def);
    lview *l = ixt_xcalloc(1, sizeof *l);
    l->base.kind = UI_V_LAB;
    l->base.title = "Lab";
    l->base.draw = lview_draw;
    l->base.key = lview_key;
    l->base.tick = lview_tick;
    l->base.destroy = lview_destroy;
    l->app = a;
    l->w = w;
    l->running = false;
    app_push(a, &l->base);
    const ixt_server_info *in = ixt_conn_info(a->lab);
    change_job *x = change_new();
    x->reopen = true;
    x->suggest = in->has_hypopg && !w->suggested;
    x->defs = copy_strs(w->defs, w->ndefs);
    x->ndefs = w->ndefs;
    submit_change(a, l, x, "opening the lab");
    if (!in->has_hypopg)
        set_error(l, ixt_hypo_missing_hint(in));
    l->list.sel = def ? w->ndefs - 1 : 0;
}
