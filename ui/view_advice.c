/* view_advice: the advisor over the top statements of the workload, from
 * the TUI: a progress bar while it searches, then the indexes it picked
 * with what they save; A accepts one into the review set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/advisor.h"
#include "idxtune/verify.h"
#include "view_advice.h"
#include "views.h"

#define TOP_STATEMENTS 50

typedef struct aview {
    ui_view base;
    ixt_advisor adv;
    bool done;
    ui_list list;
    int list_rows;
    double wall_ms;
    char error[IXT_ERR_MAX];
} aview;

static void aview_draw(app *a, ui_view *v, int top, int rows)
{
    (void)a;
    aview *x = (aview *)v;
    ixt_advisor *ad = &x->adv;
    char line[1024], sz[32];
    if (!x->done) {
        draw_text(top + 1, 2, COLS - 4, "searching: what-if plans of the top statements on the lab connection "
                  "(the status line shows the progress; Esc cancels)", draw_style(IXT_ROLE_MUTED), true);
        return;
    }
    if (x->error[0]) {
        draw_wrapped(top + 1, 2, 4, COLS - 4, x->error, draw_style(IXT_ROLE_ERROR));
        return;
    }
    double pct = ad->weighted_before > 0 ? (ad->weighted_after - ad->weighted_before) / ad->weighted_before * 100 : 0;
    snprintf(line, sizeof line, " Advice for the top %d statements%s%s: weighted cost %.0f -> %.0f (%+.1f%%), "
             "%d indexes, %s; %ld what-if plans, %ld cached, %.0f ms",
             ad->nstmts, ixt_conn_as(ad->c)[0] ? " as " : "", ixt_conn_as(ad->c), ad->weighted_before,
             ad->weighted_after, pct, ad->npicks, ixt_fmt_bytes(ad->size_bytes, sz, sizeof sz), ad->whatif_calls,
             ad->cache_hits, x->wall_ms);
    draw_text(top, 0, COLS, line, draw_style(pct < 0 ? IXT_ROLE_GOOD : IXT_ROLE_NORMAL) | A_BOLD, true);
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(top + 1, 0, COLS, h);
    draw_text(top + 1, 0, COLS, "  #      Size  Saves/s  Writes/s  HOT  Index (A accepts the selected one, Enter opens the lab)",
              h, true);
    x->list_rows = rows - 2;
    list_clamp(&x->list, ad->npicks, x->list_rows);
    for (int i = 0; i < x->list_rows && x->list.top + i < ad->npicks; i++) {
        int p = x->list.top + i;
        const ixt_adv_cand *c = &ad->cands[ad->picks[p]];
        char parts[48] = "";
        if (c->partitions > 0)
            snprintf(parts, sizeof parts, "  partitioned: %d partitions", c->partitions);
        snprintf(line, sizeof line, " %2d %9s %8.0f %9.1f %4d  %s%s%s%s", p + 1,
                 ixt_fmt_bytes(c->size_real, sz, sizeof sz), c->benefit, c->writes_per_s, c->hot_breaks, c->def,
                 parts, c->replaces[0] ? "  replaces " : "", c->replaces);
        attr_t st = p == x->list.sel ? draw_style(IXT_ROLE_SELECTED) : draw_style(IXT_ROLE_NORMAL);
        draw_fill(top + 2 + i, 0, COLS, st);
        draw_text(top + 2 + i, 0, COLS, line, st, true);
    }
    if (ad->npicks == 0)
        draw_text(top + 3, 2, COLS - 4, "no index is worth its size and its writes",
                  draw_style(IXT_ROLE_MUTED), true);
}

/* The statement the pick helps most, for the lab and the evidence. */
static int best_statement(ixt_advisor *ad, int p)
{
    int best = -1;
    double saved = 0;
    for (int i = 0; i < ad->nstmts; i++) {
        double c = ixt_advisor_cost_with(ad, i, p);
        double s = c >= 0 ? ad->stmts[i].weight * (ad->stmts[i].base_cost - c) : 0;
        if (s > saved) {
            saved = s;
            best = i;
        }
    }
    return best;
}

static void accept_pick(app *a, aview *x)
{
    ixt_advisor *ad = &x->adv;
    if (ad->npicks == 0)
        return;
    if (!jobs_lab_settle(a->jobs, a, SETTLE_MS)) {
        app_message(a, true, "the lab connection is busy: wait or press Esc to cancel");
        return;
    }
    int p = x->list.sel, s = best_statement(ad, p);
    const ixt_adv_cand *c = &ad->cands[ad->picks[p]];
    ixt_review_item it;
    ixt_indexdef d;
    ixt_err e;
    if (ixt_indexdef_parse(c->def, &d, &e) != 0) {
        app_message(a, true, "%s", e.msg);
        return;
    }
    int rc = ixt_review_item_make(a->lab, &a->review, &d, &it, &e);
    ixt_indexdef_free(&d);
    if (rc != 0) {
        app_message(a, true, "%s", e.msg);
        return;
    }
    it.size_bytes = c->size_real;
    const ixt_index_fact *old = ixt_advisor_replaced(ad, p);
    if (old) {
        it.replaces = ixt_xstrdup(old->name);
        it.replaces_def = ixt_xstrdup(old->def);
    }
    if (s >= 0)
        it.ev = (ixt_evidence){.sql = ixt_xstrdup(ad->stmts[s].sql), .queryid = ad->stmts[s].queryid,
                               .cost_before = ad->stmts[s].base_cost,
                               .cost_after = ixt_advisor_cost_with(ad, s, p)};
    else
        it.ev.sql = ixt_xstrdup("");
    /* the baseline for verify: the statements the pick helps, the writes on its table */
    ixt_baseline_target *t = ixt_xcalloc((size_t)ad->nstmts + 1, sizeof *t);
    int nt = 0;
    for (int i = 0; i < ad->nstmts; i++) {
        double with = ad->stmts[i].ok ? ixt_advisor_cost_with(ad, i, p) : -1;
        if (with >= 0 && with < ad->stmts[i].base_cost)
            t[nt++] = (ixt_baseline_target){.queryid = ad->stmts[i].queryid, .sql = ad->stmts[i].sql};
    }
    if (ixt_baseline_take(a->lab, &it, t, nt, &e) != 0)
        app_message(a, true, "no baseline for verify: %s", e.msg);
    free(t);
    ixt_review_accept(&a->review, &it);
    app_message(a, false, "%d in the review set: accepted %s as %s", a->review.n, c->def, it.name);
    ixt_review_item_free(&it);
}

static ui_request aview_key(app *a, ui_view *v, ui_action act, int ch)
{
    (void)ch;
    aview *x = (aview *)v;
    if (list_key(&x->list, act, x->adv.npicks, x->list_rows))
        return UI_HANDLED;
    if (act == ACT_ACCEPT) {
        accept_pick(a, x);
        return UI_HANDLED;
    }
    if (act == ACT_COPY && x->adv.npicks)
        return (ui_request){.kind = UI_REQ_COPY, .sql = x->adv.cands[x->adv.picks[x->list.sel]].def,
                            .what = "the index definition"};
    if (act == ACT_OPEN && x->adv.npicks) {
        if (!jobs_lab_settle(a->jobs, a, SETTLE_MS)) {
            app_message(a, true, "the lab connection is busy: wait or press Esc to cancel");
            return UI_HANDLED;
        }
        int s = best_statement(&x->adv, x->list.sel);
        if (s >= 0)
            return (ui_request){.kind = UI_REQ_LAB, .sql = x->adv.stmts[s].sql, .queryid = x->adv.stmts[s].queryid,
                                .def = x->adv.cands[x->adv.picks[x->list.sel]].def};
        return UI_HANDLED;
    }
    return UI_IGNORED;
}

static void aview_destroy(ui_view *v)
{
    aview *x = (aview *)v;
    ixt_advisor_free(&x->adv);
    free(x);
}

/* ===== the search, as a job ===== */

typedef struct advice_job {
    ixt_advisor adv;
    /* the top statements, whose full texts the job reads first */
    int64_t ids[TOP_STATEMENTS];
    double calls[TOP_STATEMENTS];
    size_t nids;
    double wall_ms;
} advice_job;

static void advice_job_free(void *ctx)
{
    advice_job *x = ctx;
    ixt_advisor_free(&x->adv);
    free(x);
}

static int advice_load(advice_job *x, ixt_conn *lab, ixt_err *e)
{
    char **texts;
    if (ixt_workload_full_texts(lab, x->ids, x->nids, &texts, e) != 0)
        return -1;
    for (size_t i = 0; i < x->nids; i++)
        if (texts[i])
            ixt_advisor_add(&x->adv, texts[i], x->calls[i], (long long)x->ids[i]);
    ixt_workload_texts_free(texts, x->nids);
    return 0;
}

static bool advice_stop(void *ctx)
{
    return job_cancelled(ctx);
}

static void advice_progress(void *ctx, int done, int total, const char *what)
{
    job_progress(ctx, done, total, what);
}

static int advice_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    advice_job *x = j->ctx;
    if (advice_load(x, lab, e) != 0) /* the advisor was made for lab */
        return -1;
    x->adv.stop = advice_stop;
    x->adv.stop_ctx = j;
    double t0 = ixt_now_ms();
    int rc = ixt_advisor_run(&x->adv, advice_progress, j, e);
    x->wall_ms = ixt_now_ms() - t0;
    x->adv.stop = NULL;
    return rc;
}

static void advice_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    advice_job *r = j->ctx;
    aview *x = (aview *)owner;
    if (end == JOB_CANCELLED)
        app_message(a, false, "workload advice cancelled");
    else if (end == JOB_FAILED)
        app_message(a, true, "advice failed: %s", msg);
    if (!x)
        return;
    x->done = true;
    if (end != JOB_DONE) {
        snprintf(x->error, sizeof x->error, "%s", end == JOB_CANCELLED ? "advice cancelled (Esc goes back)" : msg);
        return;
    }
    ixt_advisor_free(&x->adv);
    x->adv = r->adv;
    memset(&r->adv, 0, sizeof r->adv);
    x->wall_ms = r->wall_ms;
}

void view_advice_open(app *a)
{
    aview *x = ixt_xcalloc(1, sizeof *x);
    x->base.kind = UI_V_ADVICE;
    x->base.title = "Advice";
    x->base.draw = aview_draw;
    x->base.key = aview_key;
    x->base.destroy = aview_destroy;
    advice_job *r = ixt_xcalloc(1, sizeof *r);
    ixt_advisor_init(&r->adv, a->lab, a->opts->cfg.budget_mb, 0);
    r->adv.write_weight = a->opts->cfg.write_weight;
    ixt_advisor_init(&x->adv, a->lab, a->opts->cfg.budget_mb, 0);
    x->adv.write_weight = a->opts->cfg.write_weight;
    ixt_stmt **v;
    size_t n = ixt_workload_view(&a->wl, IXT_COL_TOTAL, true, NULL, &v);
    /* by id: the job reads the texts, those the list has not yet too */
    for (size_t i = 0; i < n && r->nids < TOP_STATEMENTS; i++) {
        r->ids[r->nids] = v[i]->queryid;
        r->calls[r->nids++] = v[i]->calls;
    }
    free(v);
    app_push(a, &x->base);
    jobs_submit(a->jobs, job_new("workload advice", advice_run, advice_done, r, advice_job_free, &x->base));
}
