/* view_advice: the advisor over the top statements of the workload, from
 * the TUI: a progress bar while it searches, then the indexes it picked
 * with what they save; A accepts one into the review set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/advisor.h"
#include "idxtune/nodes.h"
#include "accept.h"
#include "view_advice.h"
#include "views.h"

#define TOP_STATEMENTS 50
#define TOP_READ (TOP_STATEMENTS * 3)

typedef struct aview {
    ui_view base;
    app *app;
    ixt_advisor adv;
    double **with;      /* [npicks]: each pick's cost per statement, NULL until planned */
    ixt_adv_helped helped;   /* the statements each pick helps in the final plans */
    bool pending;       /* a pick job is queued or running */
    bool done;
    ui_list list;
    int list_rows;
    double wall_ms;
    char writes_note[IXT_ERR_MAX];   /* where the write rates come from, when not the main server */
    char error[IXT_ERR_MAX];
} aview;

/* "size 2.2 MB (HypoPG estimate 4.1 MB)"; writes and HOT; then each
 * statement the pick helps with its cost before and after the advice. */
static void draw_pick(const aview *x, int p, int y, int rows)
{
    const ixt_advisor *ad = &x->adv;
    const ixt_adv_cand *c = &ad->cands[ad->picks[p]];
    char line[1024], sz[32], est[32];
    attr_t n = draw_style(IXT_ROLE_NORMAL), m = draw_style(IXT_ROLE_MUTED);
    snprintf(line, sizeof line, " #%d: size %s (HypoPG estimate %s%s)", p + 1,
             ixt_fmt_bytes(c->size_real, sz, sizeof sz), ixt_fmt_bytes(c->size_bytes, est, sizeof est),
             c->partitions > 0 ? ", one figure for all its partitions" : "");
    draw_fill(y, 0, COLS, draw_style(IXT_ROLE_HEADER));
    draw_text(y, 0, COLS, line, draw_style(IXT_ROLE_HEADER), true);
    int len = snprintf(line, sizeof line, " saves %.1f cost/s of reads; costs %.1f writes/s on %s = %.1f cost/s",
                       c->benefit, c->writes_per_s, c->table, c->write_cost);
    if (c->hot_breaks)
        snprintf(line + len, sizeof line - (size_t)len, "; breaks HOT updates for %d statement%s: %s (%.1f/s)",
                 c->hot_breaks, c->hot_breaks > 1 ? "s" : "", c->hot_example, c->hot_rate);
    else
        snprintf(line + len, sizeof line - (size_t)len, "; no HOT update broken");
    draw_text(y + 1, 0, COLS, line, c->hot_breaks ? draw_style(IXT_ROLE_BAD) : n, true);
    if (!x->helped.uses) {
        draw_text(y + 2, 1, COLS - 1, "the statements it helps: not known (the final plans failed)", m, true);
        return;
    }
    int nh = 0;
    double before = 0, after = 0;
    for (int i = 0; i < ad->nstmts; i++)
        if (x->helped.uses[p * ad->nstmts + i]) {
            nh++;
            before += ad->stmts[i].weight * ad->stmts[i].base_cost;
            after += ad->stmts[i].weight * x->helped.final[i];
        }
    snprintf(line, sizeof line, " helps %d statement%s, weighted cost %.0f -> %.0f (%+.1f%%) with the advice", nh,
             nh == 1 ? "" : "s", before, after, before > 0 ? (after - before) / before * 100 : 0);
    draw_text(y + 2, 0, COLS, line, nh ? draw_style(IXT_ROLE_GOOD) : m, true);
    int row = 3;
    for (int i = 0; i < ad->nstmts && row < rows; i++) {
        if (!x->helped.uses[p * ad->nstmts + i])
            continue;
        const ixt_adv_stmt *st = &ad->stmts[i];
        char *one = ixt_xstrdup(st->sql);
        ixt_squash_ws(one);
        snprintf(line, sizeof line, "   %12.2f -> %10.2f (%+6.1f%%)  x%-6.0f %s", st->base_cost, x->helped.final[i],
                 st->base_cost > 0 ? (x->helped.final[i] - st->base_cost) / st->base_cost * 100 : 0, st->weight, one);
        free(one);
        draw_text(y + row++, 0, COLS, line, n, true);
    }
}

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
    char loads[96] = "";
    if (ad->loads_skipped)
        snprintf(loads, sizeof loads, " (%d one-off load%s left out)", ad->loads_skipped,
                 ad->loads_skipped == 1 ? "" : "s");
    int lookups = ixt_advisor_lookups(ad);
    if (lookups)
        snprintf(loads + strlen(loads), sizeof loads - strlen(loads), " (and %d foreign-key lookup%s)", lookups,
                 lookups == 1 ? "" : "s");
    snprintf(line, sizeof line, " Advice for the top %d statements%s%s%s: weighted cost %.0f -> %.0f (%+.1f%%), "
             "%d indexes, %s; %ld what-if plans, %ld cached, %.0f ms",
             ad->nstmts - lookups, loads, ixt_conn_as(ad->c)[0] ? " as " : "", ixt_conn_as(ad->c), ad->weighted_before,
             ad->weighted_after, pct, ad->npicks, ixt_fmt_bytes(ad->size_bytes, sz, sizeof sz), ad->whatif_calls,
             ad->cache_hits, x->wall_ms);
    if (x->writes_note[0])
        snprintf(line + strlen(line), sizeof line - strlen(line), "; %.300s", x->writes_note);
    draw_text(top, 0, COLS, line, draw_style(pct < 0 ? IXT_ROLE_GOOD : IXT_ROLE_NORMAL) | A_BOLD, true);
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(top + 1, 0, COLS, h);
    draw_text(top + 1, 0, COLS, "  #      Size  Saves/s  Writes/s  HOT  Index (A accepts the selected one, Enter opens the lab)",
              h, true);
    /* the selected pick's evidence below the list, when there is room */
    int detail = ad->npicks && rows >= 16 ? (rows >= 30 ? 12 : 7) : 0;
    x->list_rows = rows - 2 - detail;
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
    int shown = ad->npicks - x->list.top < x->list_rows ? ad->npicks - x->list.top : x->list_rows;
    if (ad->npicks == 0) {
        draw_text(top + 3, 2, COLS - 4, "no index is worth its size and its writes",
                  draw_style(IXT_ROLE_MUTED), true);
        shown = 2;
    }
    /* why the writes weigh so much, below the list when there is room */
    char note[2048];
    if (x->list_rows - shown >= 3 && ixt_advisor_bulk_note(ad, note, sizeof note))
        draw_wrapped(top + 3 + shown, 2, x->list_rows - shown - 1, COLS - 4, note, draw_style(IXT_ROLE_NORMAL));
    if (detail)
        draw_pick(x, x->list.sel, top + rows - detail, detail);
}

/* The statement the pick helps most, for the lab and the evidence, from
 * the pick's costs per statement (with[i] < 0: unknown). */
static int best_statement(const ixt_advisor *ad, const double *with)
{
    int best = -1;
    double saved = 0;
    for (int i = 0; i < ad->nstmts; i++) {
        double s = with[i] >= 0 ? ad->stmts[i].weight * (ad->stmts[i].base_cost - with[i]) : 0;
        if (s > saved) {
            saved = s;
            best = i;
        }
    }
    return best;
}

static void accept_pick(app *a, aview *x, int p)
{
    ixt_advisor *ad = &x->adv;
    const double *with = x->with[p];
    int s = best_statement(ad, with);
    ixt_adv_cand *c = &ad->cands[ad->picks[p]];
    const ixt_index_fact *old = ixt_advisor_replaced(ad, p);
    ui_accept_req r = {.def = c->def, .accept = true, .size_bytes = c->size_real, .write_rate = c->writes_per_s,
                       .replaces = old ? old->name : NULL, .replaces_def = old ? old->def : NULL,
                       .impact = {.known = true, .size_hypo = c->size_bytes, .write_cost = c->write_cost,
                                  .hot_breaks = c->hot_breaks, .hot_rate = c->hot_rate,
                                  .hot_example = c->hot_breaks ? c->hot_example : NULL}};
    if (s >= 0)
        r.ev = (ixt_evidence){.sql = ad->stmts[s].sql, .queryid = ad->stmts[s].queryid,
                              .cost_before = ad->stmts[s].base_cost, .cost_after = with[s]};
    /* the baseline for verify: the statements the pick helps, the writes on its table */
    ixt_baseline_target *t = ixt_xcalloc((size_t)ad->nstmts + 1, sizeof *t);
    for (int i = 0; i < ad->nstmts; i++)
        if (with[i] >= 0 && with[i] < ad->stmts[i].base_cost)
            t[r.ntargets++] = (ixt_baseline_target){.queryid = ad->stmts[i].queryid, .sql = ad->stmts[i].sql};
    r.targets = t;
    /* the evidence W shows: the statements the pick helps in the final plans */
    ixt_helped *hs = ixt_xcalloc((size_t)ad->nstmts + 1, sizeof *hs);
    for (int i = 0; x->helped.uses && i < ad->nstmts; i++)
        if (x->helped.uses[p * ad->nstmts + i])
            hs[r.nhelped++] = (ixt_helped){ad->stmts[i].sql, ad->stmts[i].queryid, ad->stmts[i].base_cost,
                                           x->helped.final[i]};
    r.helped = hs;
    accept_submit(a, &r);
    free(hs);
    free(t);
}

static void open_lab(app *a, aview *x, int p)
{
    int s = best_statement(&x->adv, x->with[p]);
    if (s < 0) {
        app_message(a, false, "the index helps no statement of the advice on its own");
        return;
    }
    app_request(a, (ui_request){.kind = UI_REQ_LAB, .sql = x->adv.stmts[s].sql, .queryid = x->adv.stmts[s].queryid,
                                .def = x->adv.cands[x->adv.picks[p]].def});
}

/* ===== a pick's cost on every statement, as a job ===== */

/* The advisor is the view's, read only; it outlives the job because the
 * view hands it to a job queued behind when it goes (aview_destroy). */
typedef struct pick_job {
    ixt_advisor *adv;   /* borrowed */
    int pick;
    bool open;          /* then open the lab (else accept) */
    double *with;       /* owned */
} pick_job;

static void pick_job_free(void *ctx)
{
    pick_job *x = ctx;
    free(x->with);
    free(x);
}

static int pick_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    pick_job *x = j->ctx;
    (void)lab;   /* the advisor was made for it */
    ixt_advisor_costs_with(x->adv, x->pick, x->with);
    /* Esc cancels the pipeline on the server: the costs it cut short are
     * not the pick's */
    return job_cancelled(j) ? ixt_err_set(e, "cancelled") : 0;
}

static void pick_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    pick_job *r = j->ctx;
    aview *x = (aview *)owner;
    if (x)
        x->pending = false;
    if (end == JOB_CANCELLED)
        app_message(a, false, "%s cancelled", r->open ? "opening the lab" : "accept");
    else if (end == JOB_FAILED)
        app_message(a, true, "%s", msg);
    if (!x || end != JOB_DONE)
        return;
    free(x->with[r->pick]);
    x->with[r->pick] = r->with;
    r->with = NULL;
    if (r->open)
        open_lab(a, x, r->pick);
    else
        accept_pick(a, x, r->pick);
}

/* Acts on the selected pick once its costs are known. */
static void on_pick(app *a, aview *x, bool open)
{
    int p = x->list.sel;
    if (x->with[p]) {
        if (open)
            open_lab(a, x, p);
        else
            accept_pick(a, x, p);
        return;
    }
    if (x->pending) {
        app_message(a, true, "still planning the statements with the index: wait or press Esc to cancel");
        return;
    }
    pick_job *r = ixt_xcalloc(1, sizeof *r);
    r->adv = &x->adv;
    r->pick = p;
    r->open = open;
    r->with = ixt_xcalloc((size_t)x->adv.nstmts + 1, sizeof *r->with);
    x->pending = true;
    jobs_submit(a->jobs, job_new(open ? "planning the statements with the index, for the lab"
                                      : "planning the statements with the index, for the evidence",
                                 pick_run, pick_done, r, pick_job_free, &x->base));
}

static ui_request aview_key(app *a, ui_view *v, ui_action act, int ch)
{
    (void)ch;
    aview *x = (aview *)v;
    if (list_key(&x->list, act, x->adv.npicks, x->list_rows))
        return UI_HANDLED;
    if (act == ACT_ACCEPT && x->adv.npicks) {
        on_pick(a, x, false);
        return UI_HANDLED;
    }
    if (act == ACT_COPY && x->adv.npicks)
        return (ui_request){.kind = UI_REQ_COPY, .sql = x->adv.cands[x->adv.picks[x->list.sel]].def,
                            .what = "the index definition"};
    if (act == ACT_OPEN && x->adv.npicks) {
        on_pick(a, x, true);
        return UI_HANDLED;
    }
    return UI_IGNORED;
}

static void free_with(aview *x)
{
    for (int p = 0; x->with && p < x->adv.npicks; p++)
        free(x->with[p]);
    free(x->with);
    x->with = NULL;
}

static int nothing_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    (void)j, (void)lab, (void)e;
    return 0;
}

static void advisor_free(void *ctx)
{
    ixt_advisor_free(ctx);
    free(ctx);
}

static void aview_destroy(ui_view *v)
{
    aview *x = (aview *)v;
    free_with(x);
    ixt_adv_helped_free(&x->helped);
    /* a pick job queued before may still read the advisor: it goes with a
     * job queued behind it */
    if (x->app->jobs) {
        ixt_advisor *keep = ixt_xmalloc(sizeof *keep);
        *keep = x->adv;
        ui_job *j = job_new("leaving the advice", nothing_run, NULL, keep, advisor_free, NULL);
        j->quiet = true;
        jobs_submit(x->app->jobs, j);
    } else {
        ixt_advisor_free(&x->adv);
    }
    free(x);
}

/* ===== the search, as a job ===== */

typedef struct advice_job {
    ixt_advisor adv;
    /* the top statements, whose full texts the job reads first: more
     * than it takes, as COMMIT, SET... (no plan) take no place */
    int64_t ids[TOP_READ];
    double calls[TOP_READ], rows[TOP_READ];
    size_t nids;
    double wall_ms;
    /* the other servers: a statement only a standby ran has its text
     * there, and a hot standby counts no writes: the primary's */
    ixt_node_links links;
    char writes_note[IXT_ERR_MAX];
    ixt_adv_helped helped;
} advice_job;

static void advice_job_free(void *ctx)
{
    advice_job *x = ctx;
    ixt_advisor_free(&x->adv);
    ixt_node_links_free(&x->links);
    ixt_adv_helped_free(&x->helped);
    free(x);
}

static int advice_load(advice_job *x, ixt_conn *lab, ixt_err *e)
{
    char **texts;
    if (ixt_node_links_full_texts(&x->links, lab, x->ids, x->nids, &texts, e) != 0)
        return -1;
    for (size_t i = 0, n = 0; i < x->nids && n < TOP_STATEMENTS; i++)
        if (texts[i] && ixt_advisor_offer(&x->adv, texts[i], x->calls[i], x->rows[i], (long long)x->ids[i]))
            n++;
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
    ixt_conn *primary = NULL;
    if (ixt_conn_info(lab)->in_recovery) {
        const ixt_node_link *p = ixt_node_links_primary(&x->links);
        ixt_err pe;
        if (p && (primary = ixt_node_link_open(p, "lab", 3, &pe)) != NULL)
            snprintf(x->writes_note, sizeof x->writes_note, "write rates from %s", p->name);
        else if (p)
            snprintf(x->writes_note, sizeof x->writes_note, "write rates unknown, counted as none: %.900s", pe.msg);
        else
            snprintf(x->writes_note, sizeof x->writes_note, "write rates unknown, counted as none: a hot standby "
                                                            "counts no writes (add the primary with O)");
    }
    x->adv.writes_from = primary;
    double t0 = ixt_now_ms();
    int rc = ixt_advisor_run(&x->adv, advice_progress, j, e);
    x->wall_ms = ixt_now_ms() - t0;
    if (rc == 0 && !job_cancelled(j))
        ixt_advisor_helped(&x->adv, &x->helped);
    x->adv.stop = NULL;
    x->adv.writes_from = NULL;
    ixt_conn_close(primary);
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
    free_with(x);
    ixt_advisor_free(&x->adv);
    x->adv = r->adv;
    memset(&r->adv, 0, sizeof r->adv);
    x->with = ixt_xcalloc((size_t)x->adv.npicks + 1, sizeof *x->with);
    x->wall_ms = r->wall_ms;
    ixt_adv_helped_free(&x->helped);
    x->helped = r->helped;
    memset(&r->helped, 0, sizeof r->helped);
    snprintf(x->writes_note, sizeof x->writes_note, "%s", r->writes_note);
}

void view_advice_open(app *a)
{
    aview *x = ixt_xcalloc(1, sizeof *x);
    x->base.kind = UI_V_ADVICE;
    x->base.title = "Advice";
    x->base.draw = aview_draw;
    x->base.key = aview_key;
    x->base.destroy = aview_destroy;
    x->app = a;
    advice_job *r = ixt_xcalloc(1, sizeof *r);
    ixt_advisor_init(&r->adv, a->lab, a->opts->cfg.budget_mb, 0);
    r->adv.write_weight = a->opts->cfg.write_weight;
    ixt_advisor_init(&x->adv, a->lab, a->opts->cfg.budget_mb, 0);
    x->adv.write_weight = a->opts->cfg.write_weight;
    ixt_stmt **v;
    size_t n = ixt_workload_view(&a->wl, IXT_COL_TOTAL, true, NULL, &v);
    /* by id: the job reads the texts, those the list has not yet too */
    for (size_t i = 0; i < n && r->nids < TOP_READ; i++) {
        r->ids[r->nids] = v[i]->queryid;
        r->rows[r->nids] = v[i]->rows;
        r->calls[r->nids++] = v[i]->calls;
    }
    free(v);
    ixt_nodes_links(&a->nodes, &r->links);
    app_push(a, &x->base);
    jobs_submit(a->jobs, job_new("workload advice", advice_run, advice_done, r, advice_job_free, &x->base));
}
