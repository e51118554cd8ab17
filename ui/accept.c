/* accept: the review item made and its baseline taken on the worker, the
 * review set changed on the UI thread. */
#include "accept.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/nodes.h"
#include "idxtune/review.h"
#include "idxtune/verify.h"
#include "views.h"

/* The accept job queued or running: a second one waits for its name. */
static bool under_way;

typedef struct accept_job {
    ixt_indexdef def;
    bool accept;
    ixt_review taken;        /* the review set's names when submitted (only .name set) */
    ixt_review_item extra;   /* the view's evidence, moved into it by the job */
    ixt_baseline_target *t;  /* sql owned */
    int nt;
    ixt_review_item it;      /* the result */
    /* the baseline is taken on every server of the cluster that is up,
     * as batch advise --session does, so verify --node has each one's part */
    char main_name[32];
    ixt_node_links links;
    char baseline_error[IXT_ERR_MAX];
    char skipped[IXT_ERR_MAX];   /* the servers the baseline left out */
} accept_job;

static void accept_job_free(void *ctx)
{
    accept_job *x = ctx;
    ixt_indexdef_free(&x->def);
    ixt_review_free(&x->taken);
    ixt_review_item_free(&x->extra);
    for (int i = 0; i < x->nt; i++)
        free((char *)x->t[i].sql);
    free(x->t);
    ixt_review_item_free(&x->it);
    ixt_node_links_free(&x->links);
    free(x);
}

static int accept_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    accept_job *x = j->ctx;
    if (ixt_review_item_make(lab, &x->taken, &x->def, &x->it, e) != 0)
        return -1;
    ixt_review_item *it = &x->it, *ex = &x->extra;
    it->size_bytes = ex->size_bytes;
    it->write_rate = ex->write_rate;
    it->ev = ex->ev;
    it->impact = ex->impact;
    it->helped = ex->helped;
    it->nhelped = ex->nhelped;
    it->helped_more = ex->helped_more;
    memset(&ex->impact, 0, sizeof ex->impact);
    ex->helped = NULL;
    ex->nhelped = 0;
    it->replaces = ex->replaces;
    it->replaces_def = ex->replaces_def;
    memset(&ex->ev, 0, sizeof ex->ev);
    ex->replaces = ex->replaces_def = NULL;
    if (!x->accept || job_cancelled(j))
        return 0;
    /* without a baseline the index is still accepted: verify says why later */
    ixt_err be;
    if (ixt_baseline_take_links(lab, x->main_name, &x->links, it, x->t, x->nt, x->skipped, sizeof x->skipped,
                                &be) != 0 && !job_cancelled(j))
        snprintf(x->baseline_error, sizeof x->baseline_error, "%s", be.msg);
    return 0;
}

static void accept_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    accept_job *x = j->ctx;
    (void)owner;   /* the review set is the app's: it changes even if the view went away */
    under_way = false;
    const char *what = x->accept ? "accept" : "reject";
    if (end == JOB_CANCELLED)
        app_message(a, false, "%s cancelled: %s is not in the review set", what, x->def.sql);
    else if (end == JOB_FAILED)
        app_message(a, true, "%s failed: %s", what, msg);
    else if (!x->accept) {
        ixt_review_reject(&a->review, &x->it);
        app_message(a, false, "rejected: %s (kept with its evidence as tried and rejected)", x->it.def);
    } else {
        ixt_review_accept(&a->review, &x->it);
        if (x->baseline_error[0])
            app_message(a, true, "accepted: %s as %s (%d in the review set; R reviews), but no baseline "
                        "for verify: %s", x->it.def, x->it.name, a->review.n, x->baseline_error);
        else if (x->skipped[0])
            app_message(a, true, "accepted: %s as %s (%d in the review set; R reviews); its baseline leaves "
                        "out %s", x->it.def, x->it.name, a->review.n, x->skipped);
        else
            app_message(a, false, "accepted: %s as %s (%d in the review set; R reviews)", x->it.def,
                        x->it.name, a->review.n);
    }
}

static char *dup_or_null(const char *s)
{
    return s ? ixt_xstrdup(s) : NULL;
}

bool accept_submit(app *a, const ui_accept_req *r)
{
    if (under_way) {
        app_message(a, true, "an accept is under way: wait for it (Esc cancels it)");
        return false;
    }
    accept_job *x = ixt_xcalloc(1, sizeof *x);
    ixt_err e;
    if (ixt_indexdef_parse(r->def, &x->def, &e) != 0) {
        app_message(a, true, "%s", e.msg);
        free(x);
        return false;
    }
    x->accept = r->accept;
    x->taken.items = ixt_xcalloc((size_t)a->review.n + 1, sizeof *x->taken.items);
    for (int i = 0; i < a->review.n; i++)
        x->taken.items[x->taken.n++].name = ixt_xstrdup(a->review.items[i].name);
    x->extra.size_bytes = r->size_bytes;
    x->extra.write_rate = r->write_rate;
    x->extra.ev = r->ev;
    x->extra.ev.sql = ixt_xstrdup(r->ev.sql ? r->ev.sql : "");
    x->extra.impact = r->impact;
    x->extra.impact.hot_example = dup_or_null(r->impact.hot_example);
    for (int i = 0; i < r->nhelped; i++)
        ixt_review_add_helped(&x->extra, r->helped[i].sql, r->helped[i].queryid, r->helped[i].cost_before,
                              r->helped[i].cost_after);
    x->extra.replaces = dup_or_null(r->replaces);
    x->extra.replaces_def = dup_or_null(r->replaces_def);
    x->t = ixt_xcalloc((size_t)r->ntargets + 1, sizeof *x->t);
    for (int i = 0; i < r->ntargets; i++)
        x->t[x->nt++] = (ixt_baseline_target){.queryid = r->targets[i].queryid,
                                              .sql = dup_or_null(r->targets[i].sql)};
    snprintf(x->main_name, sizeof x->main_name, "%s", a->nodes.items[0].name);
    ixt_nodes_links(&a->nodes, &x->links);
    char what[96];
    snprintf(what, sizeof what, "%s %s", r->accept ? "accepting" : "rejecting", x->def.table);
    jobs_submit(a->jobs, job_new(what, accept_run, accept_done, x, accept_job_free, a->view));
    under_way = true;
    return true;
}
