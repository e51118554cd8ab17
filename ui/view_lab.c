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
#include "idxtune/plan_text.h"
#include "views.h"

#define WORKLOAD_TOP 10

typedef struct lview {
    ui_view base;
    app *app;                  /* to drop the hypothetical indexes on the way out */
    ixt_lab lab;
    bool open;                 /* the lab has its before plan */
    long long queryid;
    char **values;
    int nvalues;
    ixt_catalog cat;
    ui_list list;              /* selected active index */
    ixt_table_ctx ctx;         /* write context of the selected index's table */
    char ctx_table[128];
    double ctx_refresh_ms;
    /* real trial under way / done */
    ixt_explain_prep prep;
    ixt_real_trial trial;
    bool running;
    bool measured;
    ixt_real_result rr;
    double started_ms;
    /* workload effect */
    ixt_lab_effect *effects;
    char **effect_sql;
    int neffects;
    /* the advisor's suggestions for this statement */
    char *sugg[5];
    double sugg_cost[5];
    double sugg_size[5];
    int nsugg;
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

/* ===== write context ===== */

static void refresh_ctx(app *a, lview *l)
{
    if (l->lab.nidx == 0 || l->running)
        return;
    const ixt_index_target *t = &l->lab.idx[l->list.sel].target;
    ixt_err e;
    if (strcmp(t->table, l->ctx_table) != 0) {
        ixt_table_ctx_free(&l->ctx);
        snprintf(l->ctx_table, sizeof l->ctx_table, "%s", t->table);
    }
    if (ixt_table_ctx_read(a->lab, t, &l->ctx, &e) != 0)
        set_error(l, e.msg);
    l->ctx_refresh_ms = ixt_now_ms();
}

/* ===== drawing ===== */

static attr_t delta_style(double pct)
{
    return draw_style(pct < -5 ? IXT_ROLE_GOOD : pct > 5 ? IXT_ROLE_BAD : IXT_ROLE_NORMAL);
}

static int draw_summary(lview *l, int y)
{
    const ixt_lab *lab = &l->lab;
    char line[512];
    double pct = ixt_lab_change_pct(lab);
    const ixt_plan_node *ra = lab->after ? lab->after->root : lab->before->root;
    snprintf(line, sizeof line, " Cost %.2f -> %.2f  %+.1f%%   startup %.2f -> %.2f   rows %.0f -> %.0f%s",
             lab->before->total_cost, ixt_lab_after_cost(lab), pct, lab->before->root->startup_cost,
             ra->startup_cost, lab->before->root->plan_rows, ra->plan_rows,
             lab->generic ? "   (generic plan)" : "");
    draw_fill(y, 0, COLS, draw_style(IXT_ROLE_NORMAL));
    draw_text(y, 0, COLS, line, delta_style(pct) | A_BOLD, true);
    return 1;
}

static int draw_indexes(lview *l, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Hypothetical indexes (c: add, d: drop, r: real trial, A: accept)", h, true);
    if (l->lab.nidx == 0) {
        draw_text(y + 1, 2, COLS - 4, "none yet: press c and type one, e.g. CREATE INDEX ON runs (status, run_at)",
                  draw_style(IXT_ROLE_MUTED), true);
        return 2;
    }
    int shown = 0;
    for (int i = 0; i < l->lab.nidx && shown < rows - 1; i++, shown++) {
        const ixt_lab_index *x = &l->lab.idx[i];
        char size[32], line[1024];
        snprintf(line, sizeof line, " %d  %-9s %9s  %s", i + 1, x->used ? "used" : "NOT USED",
                 ixt_fmt_bytes(x->hypo.size_bytes, size, sizeof size), x->def);
        attr_t st = i == l->list.sel ? draw_style(IXT_ROLE_SELECTED)
                                     : draw_style(x->used ? IXT_ROLE_GOOD : IXT_ROLE_BAD);
        draw_fill(y + 1 + shown, 0, COLS, st);
        draw_text(y + 1 + shown, 0, COLS, line, st, true);
    }
    return 1 + shown;
}

static int draw_context(lview *l, int y)
{
    if (l->lab.nidx == 0 || !l->ctx_table[0])
        return 0;
    ixt_buf b;
    ixt_buf_init(&b);
    char rate[32];
    if (l->ctx.write_rate >= 0)
        snprintf(rate, sizeof rate, "%.1f writes/s", l->ctx.write_rate);
    else
        snprintf(rate, sizeof rate, "write rate: measuring");
    ixt_buf_printf(&b, " %s: %.0f rows, %s%s; every write also updates:", l->ctx_table, l->ctx.rows, rate,
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
        snprintf(line, sizeof line, " real trial running... %s (Esc cancels; writes to %s wait)",
                 ixt_fmt_ms(ixt_now_ms() - l->started_ms, b1, sizeof b1), l->ctx_table);
        draw_text(y, 0, COLS, line, draw_style(IXT_ROLE_COST_WARM), true);
        return 1;
    }
    if (!l->measured)
        return 0;
    double pct = l->rr.before_median_ms > 0
                     ? (l->rr.after_median_ms - l->rr.before_median_ms) / l->rr.before_median_ms * 100 : 0;
    snprintf(line, sizeof line, " Measured: median %s -> %s (%+.0f%%), min %.2f -> %.2f ms, buffers %.0f -> %.0f, "
             "build %.0f ms, real size %s (rolled back)",
             ixt_fmt_ms(l->rr.before_median_ms, b1, sizeof b1), ixt_fmt_ms(l->rr.after_median_ms, b2, sizeof b2),
             pct, l->rr.before_min_ms, l->rr.after_min_ms, l->rr.before_hit + l->rr.before_read,
             l->rr.after_hit + l->rr.after_read, l->rr.build_ms, ixt_fmt_bytes(l->rr.size_bytes, b3, sizeof b3));
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
    const ixt_plan *p = l->lab.after ? l->lab.after : l->lab.before;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, l->lab.after ? "Plan with the indexes (+ new node, * changed, ~ cost moved)"
                                           : "Plan without indexes", h, true);
    for (size_t i = 0; i < p->nnodes && (int)i < rows - 1; i++) {
        const ixt_plan_node *n = p->nodes[i];
        ixt_diff_mark m = l->lab.diff ? l->lab.diff->mark[i] : IXT_DIFF_SAME;
        char prefix[512], label[512], line[1200];
        ixt_plan_prefix(n, a->ascii, prefix, sizeof prefix);
        ixt_plan_node_label(n, label, sizeof label);
        snprintf(line, sizeof line, "%s%s%s  cost=%.2f rows=%.0f", l->lab.after ? diff_mark(m, a->ascii) : "",
                 prefix, label, n->total_cost, n->plan_rows);
        attr_t st = draw_style(m == IXT_DIFF_SAME || !l->lab.after ? IXT_ROLE_NORMAL : IXT_ROLE_GOOD);
        draw_text(y + 1 + (int)i, 1, COLS - 2, line, st, true);
    }
}

static void draw_effects(lview *l, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Effect on the top statements (cost before -> after)", h, true);
    for (int i = 0; i < l->neffects && i < rows - 1; i++) {
        const ixt_lab_effect *f = &l->effects[i];
        char line[512];
        double pct = f->before_cost > 0 && f->after_cost >= 0
                         ? (f->after_cost - f->before_cost) / f->before_cost * 100 : 0;
        if (f->after_cost < 0)
            snprintf(line, sizeof line, " %12s %12s %8s  %s", "-", "-", "n/a", l->effect_sql[i]);
        else
            snprintf(line, sizeof line, " %12.2f %12.2f %+7.1f%%  %s", f->before_cost, f->after_cost, pct,
                     l->effect_sql[i]);
        draw_text(y + 1 + i, 0, COLS, line, delta_style(pct), true);
    }
}

static int draw_suggestions(lview *l, int y)
{
    if (l->nsugg == 0)
        return 0;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    draw_text(y, 1, COLS - 2, "Suggestions (press 1-5 to try one)", h, true);
    for (int i = 0; i < l->nsugg; i++) {
        char line[1024], sz[32];
        double pct = l->lab.before->total_cost > 0 && l->sugg_cost[i] >= 0
                         ? (l->sugg_cost[i] - l->lab.before->total_cost) / l->lab.before->total_cost * 100 : 0;
        snprintf(line, sizeof line, " %d  %+7.1f%%  %9s  %s", i + 1, pct, ixt_fmt_bytes(l->sugg_size[i], sz, sizeof sz),
                 l->sugg[i]);
        draw_text(y + 1 + i, 0, COLS, line, delta_style(pct), true);
    }
    return 1 + l->nsugg;
}

static void lview_draw(app *a, ui_view *v, int top, int rows)
{
    lview *l = (lview *)v;
    if (!l->open) {
        draw_wrapped(top + 1, 2, 4, COLS - 4, l->error, draw_style(IXT_ROLE_ERROR));
        return;
    }
    int y = top;
    draw_text(y++, 1, COLS - 2, l->lab.sql, draw_style(IXT_ROLE_MUTED), true);
    y += draw_summary(l, y);
    int idx_rows = l->lab.nidx + 1 < 6 ? l->lab.nidx + 2 : 6;
    y += draw_indexes(l, y, idx_rows);
    if (l->lab.nidx == 0)
        y += draw_suggestions(l, y);
    y += draw_context(l, y);
    y += draw_real(l, y);
    if (l->error[0])
        y += draw_wrapped(y, 1, 3, COLS - 2, l->error, draw_style(IXT_ROLE_ERROR));
    int left = top + rows - y;
    if (l->neffects > 0) {
        int er = l->neffects + 1 < left / 2 ? l->neffects + 1 : left / 2;
        draw_effects(l, top + rows - er, er);
        left -= er;
    }
    draw_plan(a, l, y, left);
    if (l->running)
        a->dirty = true;
}

/* ===== actions ===== */

static void index_done(app *a, const char *text, bool ok)
{
    lview *l = top_lview(a);
    if (!ok || !text[0])
        return;
    ixt_err e;
    l->error[0] = '\0';
    double t0 = ixt_now_ms();
    if (ixt_lab_add(&l->lab, a->lab, text, &e) != 0) {
        set_error(l, e.msg);
        return;
    }
    l->list.sel = l->lab.nidx - 1;
    refresh_ctx(a, l);
    const ixt_lab_index *x = &l->lab.idx[l->list.sel];
    const char *why = ixt_lab_unused_reason(&l->lab, a->lab, l->list.sel);
    app_message(a, false, "%s: cost %+.1f%% (%.0f ms)%s%s", x->target.table, ixt_lab_change_pct(&l->lab),
                ixt_now_ms() - t0, x->used ? "" : "; the planner does not use this index", why ? ": " : "");
    if (why)
        set_error(l, why);
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

/* The table of the statement's costliest seq scan, to start the definition. */
static void new_index(app *a, lview *l)
{
    char initial[300] = "CREATE INDEX ON ";
    const ixt_plan *p = l->lab.before;
    for (size_t i = 0; i < p->ncostly; i++)
        if (p->costly[i]->relation && strcmp(p->costly[i]->node_type, "Seq Scan") == 0) {
            snprintf(initial, sizeof initial, "CREATE INDEX ON %s (", p->costly[i]->relation);
            break;
        }
    app_input(a, "Index: ", initial, NULL, index_done);
    a->input_complete = complete;
}

static void drop_index(app *a, lview *l)
{
    if (l->lab.nidx == 0)
        return;
    ixt_err e;
    if (ixt_lab_remove(&l->lab, a->lab, l->list.sel, &e) != 0)
        set_error(l, e.msg);
    list_clamp(&l->list, l->lab.nidx, 6);
    l->measured = false;
}

static void real_confirmed(app *a, const char *text, bool ok)
{
    lview *l = top_lview(a);
    if (!ok || (text[0] != 'y' && text[0] != 'Y')) {
        app_message(a, false, "real trial not started");
        return;
    }
    ixt_explain_req req = {.sql = l->lab.sql, .analyze = true,
                           .statement_timeout_ms = a->opts->cfg.statement_timeout_ms,
                           .params = (const char *const *)l->values, .nparams = l->nvalues};
    ixt_err e;
    ixt_explain_prep_free(&l->prep);
    if (ixt_explain_prepare(a->lab, &req, &l->prep, &e) != 0) {
        set_error(l, e.msg);
        return;
    }
    const char **defs = ixt_xcalloc((size_t)l->lab.nidx, sizeof *defs);
    for (int i = 0; i < l->lab.nidx; i++)
        defs[i] = l->lab.idx[i].def;
    ixt_real_trial_free(&l->trial);
    ixt_real_trial_build(&l->trial, defs, l->lab.nidx, &l->prep, a->opts->cfg.runs,
                         a->opts->cfg.lock_timeout_ms, a->opts->cfg.statement_timeout_ms);
    free(defs);
    if (ixt_script_start(&l->trial.script, a->lab, &e) != 0) {
        set_error(l, e.msg);
        return;
    }
    l->running = true;
    l->measured = false;
    l->error[0] = '\0';
    l->started_ms = ixt_now_ms();
}

static void real_trial(app *a, lview *l)
{
    const ixt_server_info *in = ixt_conn_info(a->lab);
    if (l->lab.nidx == 0) {
        app_message(a, true, "add an index first (c)");
    } else if (in->in_recovery) {
        app_message(a, true, "real trials need a primary: this server is a hot standby "
                             "(hypothetical trials work here)");
    } else if (l->lab.generic && l->nvalues == 0) {
        app_message(a, true, "the statement has parameters: run ANALYZE (a) in the plan view to give "
                             "values, then come back");
    } else {
        const char *table = l->lab.idx[0].target.table;
        char label[200];
        snprintf(label, sizeof label, "Real trial on %.100s? y/n: ", table);
        app_message(a, false, "Writes to %s wait while the trial runs (at most %d ms, lock_timeout); "
                    "the index is built inside a transaction that is rolled back", table,
                    a->opts->cfg.lock_timeout_ms);
        app_input(a, label, NULL, NULL, real_confirmed);
    }
}

static void workload_effect(app *a, lview *l)
{
    ixt_stmt **v;
    size_t n = ixt_workload_view(&a->wl, IXT_COL_TOTAL, true, NULL, &v);
    for (int i = 0; i < l->neffects; i++)
        free(l->effect_sql[i]);
    free(l->effect_sql);
    free(l->effects);
    l->neffects = 0;
    const char **sqls = ixt_xcalloc(WORKLOAD_TOP, sizeof *sqls);
    l->effect_sql = ixt_xcalloc(WORKLOAD_TOP, sizeof *l->effect_sql);
    for (size_t i = 0; i < n && l->neffects < WORKLOAD_TOP; i++) {
        if (!v[i]->query_full)
            continue;
        sqls[l->neffects] = v[i]->query_full;
        l->effect_sql[l->neffects++] = ixt_xstrdup(v[i]->query);
    }
    l->effects = ixt_xcalloc((size_t)l->neffects + 1, sizeof *l->effects);
    ixt_err e;
    double t0 = ixt_now_ms();
    if (ixt_lab_workload(&l->lab, a->lab, sqls, l->neffects, l->effects, &e) != 0)
        set_error(l, e.msg);
    else
        app_message(a, false, "%d statements planned without and with the indexes in %.0f ms", l->neffects,
                    ixt_now_ms() - t0);
    free(sqls);
    free(v);
}

/* The selected index with its evidence, for the review set. */
static int evidence_item(app *a, lview *l, ixt_review_item *it)
{
    ixt_lab_index *x = &l->lab.idx[l->list.sel];
    ixt_err e;
    if (ixt_review_item_make(a->lab, &a->review, x->def, it, &e) != 0) {
        set_error(l, e.msg);
        return -1;
    }
    it->size_bytes = l->measured ? l->rr.size_bytes : x->hypo.size_bytes;
    it->write_rate = l->ctx.write_rate;
    it->ev = (ixt_evidence){.sql = ixt_xstrdup(l->lab.sql), .queryid = l->queryid,
                            .cost_before = l->lab.before->total_cost, .cost_after = ixt_lab_after_cost(&l->lab),
                            .measured = l->measured, .ms_before = l->rr.before_median_ms,
                            .ms_after = l->rr.after_median_ms, .build_ms = l->rr.build_ms};
    return 0;
}

static void accept_index(app *a, lview *l, bool accept)
{
    ixt_review_item it;
    if (l->lab.nidx == 0 || evidence_item(a, l, &it) != 0)
        return;
    if (accept) {
        ixt_review_accept(&a->review, &it);
        app_message(a, false, "accepted: %s as %s (%d in the review set; R reviews)", it.def, it.name, a->review.n);
    } else {
        ixt_review_reject(&a->review, &it);
        app_message(a, false, "rejected: %s (kept with its evidence as tried and rejected)", it.def);
    }
    ixt_review_item_free(&it);
}

static void lview_tick(app *a, ui_view *v)
{
    lview *l = (lview *)v;
    if (l->running) {
        ixt_err e;
        int rc = ixt_script_poll(&l->trial.script, a->lab, &e);
        if (rc == 0)
            return;
        l->running = false;
        a->dirty = true;
        if (rc < 0 || l->trial.script.failed)
            set_error(l, e.msg);
        else if (ixt_real_trial_result(&l->trial, &l->rr, &e) != 0)
            set_error(l, e.msg);
        else
            l->measured = true;
        return;
    }
    /* the write rate needs two samples: refresh with the monitor's pace */
    if (l->lab.nidx && ixt_now_ms() - l->ctx_refresh_ms > a->refresh_s * 1000 && !ixt_conn_busy(a->lab)) {
        refresh_ctx(a, l);
        a->dirty = true;
    }
}

static bool lview_key(app *a, ui_view *v, ui_action act, int ch)
{
    lview *l = (lview *)v;
    if (l->running) {
        if (act == ACT_BACK) {
            ixt_err e;
            if (ixt_script_cancel(&l->trial.script, a->lab, &e) != 0)
                app_message(a, true, "%s", e.msg);
            return true;
        }
        return act != ACT_QUIT && act != ACT_HELP;
    }
    if (!l->open)
        return false;
    if (act == ACT_NONE && ch >= '1' && ch <= '0' + l->nsugg) {
        index_done(a, l->sugg[ch - '1'], true);
        return true;
    }
    switch (act) {
    case ACT_UP: case ACT_DOWN:
        list_key(&l->list, act, l->lab.nidx, 6);
        refresh_ctx(a, l);
        return true;
    case ACT_NEW_INDEX: new_index(a, l); return true;
    case ACT_DROP_INDEX: drop_index(a, l); return true;
    case ACT_REAL_TRIAL: real_trial(a, l); return true;
    case ACT_WORKLOAD: workload_effect(a, l); return true;
    case ACT_ACCEPT: accept_index(a, l, true); return true;
    case ACT_REJECT: accept_index(a, l, false); return true;
    default: return false;
    }
}

static void lview_destroy(ui_view *v)
{
    lview *l = (lview *)v;
    ixt_lab_close(&l->lab, ixt_conn_busy(l->app->lab) ? NULL : l->app->lab);
    ixt_catalog_free(&l->cat);
    ixt_table_ctx_free(&l->ctx);
    ixt_explain_prep_free(&l->prep);
    ixt_real_trial_free(&l->trial);
    ixt_real_result_free(&l->rr);
    for (int i = 0; i < l->nvalues; i++)
        free(l->values[i]);
    free(l->values);
    for (int i = 0; i < l->neffects; i++)
        free(l->effect_sql[i]);
    for (int i = 0; i < l->nsugg; i++)
        free(l->sugg[i]);
    free(l->effect_sql);
    free(l->effects);
    free(l);
}

/* The advisor on this statement alone, before any index is tried (it
 * clears the backend's hypothetical indexes). */
static void suggest(app *a, lview *l)
{
    ixt_advisor adv;
    ixt_err e;
    ixt_advisor_init(&adv, a->lab, 0, 0);
    ixt_advisor_add(&adv, l->lab.sql, 1, l->queryid);
    if (ixt_advisor_run(&adv, NULL, NULL, &e) == 0) {
        int order[5];
        double costs[5];
        l->nsugg = ixt_advisor_rank(&adv, 0, order, costs, 5);
        for (int i = 0; i < l->nsugg; i++) {
            l->sugg[i] = ixt_xstrdup(adv.cands[order[i]].def);
            l->sugg_cost[i] = costs[i];
            l->sugg_size[i] = adv.cands[order[i]].size_bytes;
        }
    }
    ixt_advisor_free(&adv);
}

void view_lab_open(app *a, const char *sql, long long queryid, char *const *values, int nvalues)
{
    if (ixt_conn_busy(a->lab)) {
        app_message(a, true, "the lab connection is busy: wait or press Esc to cancel");
        return;
    }
    lview *l = ixt_xcalloc(1, sizeof *l);
    l->base.kind = UI_V_LAB;
    l->base.title = "Lab";
    l->base.draw = lview_draw;
    l->base.key = lview_key;
    l->base.tick = lview_tick;
    l->base.destroy = lview_destroy;
    l->queryid = queryid;
    l->app = a;
    ixt_script_init(&l->trial.script);
    ixt_script_init(&l->prep.script);
    l->values = ixt_xcalloc((size_t)nvalues + 1, sizeof *l->values);
    for (int i = 0; i < nvalues; i++)
        l->values[l->nvalues++] = ixt_xstrdup(values[i]);
    app_push(a, &l->base);
    ixt_err e;
    const ixt_server_info *in = ixt_conn_info(a->lab);
    if (ixt_lab_open(&l->lab, a->lab, sql, &e) != 0) {
        set_error(l, e.msg);
        return;
    }
    l->open = true;
    if (ixt_catalog_load(a->lab, &l->cat, &e) != 0)
        set_error(l, e.msg);
    if (!in->has_hypopg)
        set_error(l, ixt_hypo_missing_hint(in));
    else
        suggest(a, l);
}
