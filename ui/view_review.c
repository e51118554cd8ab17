/* view_review: the accepted indexes with their evidence; rename, reorder,
 * drop, send back to the lab, approve or reject with a comment, show the
 * changes since an older session, export the SQL, rollback and Markdown
 * files, save the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idxtune/export.h"
#include "idxtune/review_diff.h"
#include "idxtune/sqlquote.h"
#include "view_review.h"
#include "views.h"

#define DETAIL_ROWS 10
#define VERIFY_WINDOW_S 10

/* A verify run: two snapshots taken by jobs on the lab connection,
 * VERIFY_WINDOW_S apart. */
typedef enum { VF_IDLE, VF_FIRST, VF_WINDOW, VF_SECOND, VF_DONE } vf_stage;

typedef struct rview {
    ui_view base;
    ui_list list;
    int list_rows;
    char pending_path[1024];   /* asked to overwrite */
    bool show_changes;         /* the detail area shows a->review_changes */
    vf_stage vf;
    ixt_verify_query vq;
    ixt_verify_snap va, vb;
    ixt_verify_report vr;
    double vf_until_ms;
    char vf_error[1024];
} rview;

static rview *top_rview(app *a)
{
    return (rview *)a->view;
}

/* "approved by alice at ...: comment"; the comment comes from a
 * colleague's file and is kept to its line. */
static void draw_verdict(int y, const ixt_decision *d)
{
    char *said = ixt_comment_text(d->comment ? d->comment : "", 600);
    char *line = d->by ? ixt_xasprintf(" %s by %s at %s%s%s", ixt_verdict_label(d->verdict), d->by,
                                       d->at ? d->at : "?", said[0] ? ": " : "", said)
                       : ixt_xasprintf(" %s: a approves, x rejects, t asks for a real trial, c comments",
                                       ixt_verdict_label(d->verdict));
    ixt_role role = d->verdict == IXT_VERDICT_APPROVED ? IXT_ROLE_GOOD
                    : d->verdict == IXT_VERDICT_PROPOSED ? IXT_ROLE_NORMAL : IXT_ROLE_BAD;
    draw_text(y, 0, COLS, line, draw_style(role) | A_BOLD, true);
    free(line);
    free(said);
}

/* The changes since the --diff-from session, in place of the evidence. */
static void draw_changes(app *a, int y, int rows)
{
    draw_text(y, 0, COLS, " Changes since the older session (D shows the evidence again)", draw_style(IXT_ROLE_HEADER),
              true);
    const char *p = a->review_changes;
    for (int k = 1; k < rows && p && *p; k++) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        char line[1024];
        snprintf(line, sizeof line, " %.*s", len, p);
        draw_text(y + k, 0, COLS, line, draw_style(IXT_ROLE_NORMAL), true);
        p = nl ? nl + 1 : NULL;
    }
}

static void draw_detail(app *a, rview *r, int y, int rows)
{
    if (r->show_changes && a->review_changes) {
        draw_changes(a, y, rows);
        return;
    }
    attr_t h = draw_style(IXT_ROLE_HEADER), n = draw_style(IXT_ROLE_NORMAL);
    draw_fill(y, 0, COLS, h);
    if (a->review.n == 0)
        return;
    const ixt_review_item *it = &a->review.items[r->list.sel];
    const ixt_evidence *ev = &it->ev;
    char line[1024], t1[32], t2[32], sz[32];
    snprintf(line, sizeof line, " %s on %s.%s (%s)", it->name, it->schema, it->table, it->method);
    draw_text(y, 0, COLS, line, h, true);
    int k = 1;
    draw_verdict(y + k++, &it->decision);
    double pct = ev->cost_before > 0 ? (ev->cost_after - ev->cost_before) / ev->cost_before * 100 : 0;
    snprintf(line, sizeof line, " cost %.2f -> %.2f (%+.1f%%)   size %s%s   write rate %s", ev->cost_before,
             ev->cost_after, pct, ixt_fmt_bytes(it->size_bytes, sz, sizeof sz), ev->measured ? "" : " (estimate)",
             it->write_rate >= 0 ? "" : "unknown");
    if (it->write_rate >= 0)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%.1f/s", it->write_rate);
    draw_text(y + k++, 0, COLS, line, draw_style(pct < 0 ? IXT_ROLE_GOOD : IXT_ROLE_BAD), true);
    if (ev->measured) {
        snprintf(line, sizeof line, " measured median %s -> %s, build %.0f ms (rolled back)",
                 ixt_fmt_ms(ev->ms_before, t1, sizeof t1), ixt_fmt_ms(ev->ms_after, t2, sizeof t2), ev->build_ms);
        draw_text(y + k++, 0, COLS, line, n, true);
    }
    snprintf(line, sizeof line, " tried as: %s", it->def);
    draw_text(y + k++, 0, COLS, line, n, true);
    draw_wrapped(y + k, 1, rows - k, COLS - 2, ev->sql ? ev->sql : "", draw_style(IXT_ROLE_MUTED));
}

/* What `idxtune verify` shows: the countdown, then a line per index and
 * per statement. */
static void draw_verify(rview *r, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER), n = draw_style(IXT_ROLE_NORMAL);
    char line[1024];
    draw_fill(y, 0, COLS, h);
    if (r->vf_error[0])
        snprintf(line, sizeof line, " Verify failed: %.900s", r->vf_error);
    else if (r->vf != VF_DONE)
        snprintf(line, sizeof line, " Verify: measuring the workload, %.0f s left (Esc stops)",
                 r->vf == VF_WINDOW ? (r->vf_until_ms - ixt_now_ms()) / 1000 : r->vf == VF_FIRST ? VERIFY_WINDOW_S : 0);
    else
        snprintf(line, sizeof line, " Verify over %.0f s: %d regression%s (V runs again)", r->vr.window_s,
                 r->vr.nregressions, r->vr.nregressions == 1 ? "" : "s");
    draw_text(y, 0, COLS, line, h, true);
    if (r->vf != VF_DONE)
        return;
    int k = 1;
    for (int i = 0; i < r->vr.nidx && k < rows; i++, k++) {
        const ixt_verify_index *x = &r->vr.idx[i];
        snprintf(line, sizeof line, " %d %-28.28s %-9s scans %-6.0f %s", x->phase, x->name,
                 ixt_outcome_word(x->verdict), x->scans, x->reason);
        draw_text(y + k, 0, COLS, line,
                  draw_style(x->verdict == IXT_OUTCOME_KEEP ? IXT_ROLE_GOOD
                             : x->verdict == IXT_OUTCOME_WATCH ? IXT_ROLE_MUTED : IXT_ROLE_BAD), true);
    }
    for (int i = 0; i < r->vr.nst && k < rows; i++, k++) {
        const ixt_verify_stmt *s = &r->vr.st[i];
        char after[32] = "-", pct[32] = "";
        if (s->mean_after >= 0) {
            snprintf(after, sizeof after, "%.3f", s->mean_after);
            snprintf(pct, sizeof pct, "%+.1f%%", s->change_pct);
        }
        snprintf(line, sizeof line, "   %-5s %10.3f -> %-10s ms %9s %6.0f calls  %s", s->write ? "write" : "read",
                 s->mean_before, after, pct, s->calls, s->query);
        draw_text(y + k, 0, COLS, line, s->regressed ? draw_style(IXT_ROLE_BAD) : n, true);
    }
}

static void verify_reset(rview *r)
{
    ixt_verify_query_free(&r->vq);
    ixt_verify_snap_free(&r->va);
    ixt_verify_snap_free(&r->vb);
    ixt_verify_report_free(&r->vr);
    r->vf = VF_IDLE;
    r->vf_error[0] = '\0';
}

static void verify_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    rview *r = (rview *)owner;
    if (end == JOB_CANCELLED)
        app_message(a, false, "verify stopped");
    if (!r || (r->vf != VF_FIRST && r->vf != VF_SECOND))
        return;
    if (end == JOB_CANCELLED) {
        verify_reset(r);
        return;
    }
    PGresult *res = job_query_result(j);
    ixt_err e;
    ixt_verify_snap *s = r->vf == VF_FIRST ? &r->va : &r->vb;
    if (end == JOB_FAILED) {
        snprintf(r->vf_error, sizeof r->vf_error, "%s", msg);
        r->vf = VF_DONE;
    } else if (ixt_verify_snap_ingest(&a->review, res, ixt_now_ms(), s, &e) != 0) {
        snprintf(r->vf_error, sizeof r->vf_error, "%s", e.msg);
        r->vf = VF_DONE;
    } else if (r->vf == VF_FIRST) {
        r->vf = VF_WINDOW;
        r->vf_until_ms = ixt_now_ms() + VERIFY_WINDOW_S * 1000.0;
    } else {
        ixt_verify_compare(&a->review, &r->va, &r->vb, &r->vr);
        r->vf = VF_DONE;
    }
    PQclear(res);
}

/* A snapshot of the statements' counters, as a job on the lab connection. */
static void verify_snapshot(app *a, rview *r, vf_stage stage)
{
    r->vf = stage;
    jobs_submit(a->jobs, job_query_new(stage == VF_FIRST ? "verify: first snapshot" : "verify: second snapshot",
                                       r->vq.sql, 3, (const char *const *)r->vq.params, verify_done, &r->base));
}

static void verify_start(app *a, rview *r)
{
    ixt_err e;
    if (r->vf == VF_FIRST || r->vf == VF_SECOND)
        return;   /* its job runs: Esc cancels it */
    verify_reset(r);
    if (a->review.n == 0)
        return;
    if (ixt_verify_query_make(&a->review, ixt_conn_info(a->lab), &r->vq, &e) != 0) {
        snprintf(r->vf_error, sizeof r->vf_error, "%s", e.msg);
        r->vf = VF_DONE;
        return;
    }
    verify_snapshot(a, r, VF_FIRST);
}

static void rview_tick(app *a, ui_view *v)
{
    rview *r = (rview *)v;
    if (r->vf != VF_WINDOW)
        return;
    a->dirty = true;   /* the countdown */
    if (ixt_now_ms() >= r->vf_until_ms)
        verify_snapshot(a, r, VF_SECOND);
}

static void rview_draw(app *a, ui_view *v, int top, int rows)
{
    rview *r = (rview *)v;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    char title[160];
    snprintf(title, sizeof title, " Review: %d accepted index%s, in rollout order, %d approved%s%s", a->review.n,
             a->review.n == 1 ? "" : "es", ixt_review_count(&a->review, IXT_VERDICT_APPROVED),
             a->review.unsaved ? " (not exported or saved)" : "",
             a->opts->review_only ? "  [read-only review: hypothetical plans only]" : "");
    draw_fill(top, 0, COLS, draw_style(IXT_ROLE_NORMAL));
    draw_text(top, 0, COLS, title, draw_style(IXT_ROLE_NORMAL) | A_BOLD, true);
    draw_fill(top + 1, 0, COLS, h);
    draw_text(top + 1, 0, COLS, "  #  Index                              Verdict          Table          Cost change    Size"
              "  Statement", h, true);
    r->list_rows = rows - 2 - DETAIL_ROWS;
    list_clamp(&r->list, a->review.n, r->list_rows);
    for (int i = 0; i < r->list_rows && r->list.top + i < a->review.n; i++) {
        int idx = r->list.top + i;
        const ixt_review_item *it = &a->review.items[idx];
        const ixt_evidence *ev = &it->ev;
        double pct = ev->cost_before > 0 ? (ev->cost_after - ev->cost_before) / ev->cost_before * 100 : 0;
        char line[1024], sz[32];
        char *sql = ixt_xstrdup(ev->sql ? ev->sql : "");
        ixt_squash_ws(sql);
        snprintf(line, sizeof line, " %2d  %-34.34s %-16.16s %-14.14s %+10.1f%% %8s  %s", idx + 1, it->name,
                 ixt_verdict_label(it->decision.verdict), it->table, pct, ixt_fmt_bytes(it->size_bytes, sz, sizeof sz),
                 sql);
        free(sql);
        attr_t st = idx == r->list.sel ? draw_style(IXT_ROLE_SELECTED) : draw_style(IXT_ROLE_NORMAL);
        draw_fill(top + 2 + i, 0, COLS, st);
        draw_text(top + 2 + i, 0, COLS, line, st, true);
    }
    if (a->review.n == 0)
        draw_text(top + 3, 2, COLS - 4, "nothing accepted yet: in the lab, A accepts the selected index",
                  draw_style(IXT_ROLE_MUTED), true);
    if (r->vf == VF_IDLE)
        draw_detail(a, r, top + rows - DETAIL_ROWS, DETAIL_ROWS);
    else
        draw_verify(r, top + rows - DETAIL_ROWS, DETAIL_ROWS);
}

/* ===== export and save ===== */

static int write_one(app *a, const char *path, const char *text, bool force)
{
    ixt_err e;
    if (ixt_write_file_atomic(path, text, strlen(text), force, &e) == 0)
        return 0;
    app_message(a, true, "%s", e.msg);
    return -1;
}

static void export_files(app *a, const char *base, bool force)
{
    ixt_export_opts eo = {.concurrently = a->opts->cfg.concurrently};
    ixt_err e;
    char *sql = ixt_export_sql(&a->review, &eo, &e);
    char *rb = sql ? ixt_export_rollback(&a->review, &eo) : NULL;
    char *md = rb ? ixt_export_markdown(&a->review, &eo, &e) : NULL;
    char *p1 = ixt_xasprintf("%s.sql", base), *p2 = ixt_xasprintf("%s_rollback.sql", base),
         *p3 = ixt_xasprintf("%s.md", base);
    if (!md)
        app_message(a, true, "%s", e.msg);
    else if (write_one(a, p1, sql, force) == 0 && write_one(a, p2, rb, force) == 0 &&
             write_one(a, p3, md, force) == 0) {
        a->review.unsaved = false;
        app_message(a, false, "exported %s, %s and %s", p1, p2, p3);
    }
    free(sql);
    free(rb);
    free(md);
    free(p1);
    free(p2);
    free(p3);
}

static bool exists(const char *base)
{
    const char *suffixes[] = {".sql", "_rollback.sql", ".md"};
    for (int i = 0; i < 3; i++) {
        char *p = ixt_xasprintf("%s%s", base, suffixes[i]);
        FILE *f = fopen(p, "r");
        free(p);
        if (f) {
            fclose(f);
            return true;
        }
    }
    return false;
}

static void overwrite_answered(app *a, bool yes)
{
    rview *r = top_rview(a);
    if (yes)
        export_files(a, r->pending_path, true);
    else
        app_message(a, false, "not exported");
}

static void export_done(app *a, const char *text, bool ok)
{
    rview *r = top_rview(a);
    if (!ok || !text[0])
        return;
    if (!exists(text)) {
        export_files(a, text, false);
        return;
    }
    snprintf(r->pending_path, sizeof r->pending_path, "%s", text);
    views_confirm(a, "Files exist: replace them?", overwrite_answered);
}

static void save_overwrite(app *a, bool yes)
{
    rview *r = top_rview(a);
    ixt_err e;
    if (!yes)
        app_message(a, false, "not saved");
    else if (ixt_review_save(&a->review, r->pending_path, true, &e) != 0)
        app_message(a, true, "%s", e.msg);
    else
        app_message(a, false, "saved %s", r->pending_path);
}

static void save_done(app *a, const char *text, bool ok)
{
    rview *r = top_rview(a);
    ixt_err e;
    if (!ok || !text[0])
        return;
    FILE *f = fopen(text, "r");
    if (f) {
        fclose(f);
        snprintf(r->pending_path, sizeof r->pending_path, "%s", text);
        views_confirm(a, "The file exists: replace it?", save_overwrite);
    } else if (ixt_review_save(&a->review, text, false, &e) != 0) {
        app_message(a, true, "%s", e.msg);
    } else {
        app_message(a, false, "saved %s", text);
    }
}

static void rename_done(app *a, const char *text, bool ok)
{
    rview *r = top_rview(a);
    ixt_err e;
    if (ok && text[0] && ixt_review_rename(&a->review, r->list.sel, text, &e) != 0)
        app_message(a, true, "%s", e.msg);
}

/* The reviewer: --as, or the role idxtune is connected as. */
static const char *reviewer(app *a)
{
    return a->opts->as ? a->opts->as : PQuser(ixt_conn_pg(a->mon));
}

static void decide(app *a, rview *r, ixt_verdict v, const char *comment)
{
    ixt_err e;
    const ixt_review_item *it = &a->review.items[r->list.sel];
    if (ixt_review_decide(&a->review, r->list.sel, v, comment, reviewer(a), time(NULL), &e) != 0)
        app_message(a, true, "%s", e.msg);
    else
        app_message(a, false, "%s: %s by %s (s saves the session)", it->name, ixt_verdict_label(v), it->decision.by);
}

static void comment_done(app *a, const char *text, bool ok)
{
    rview *r = top_rview(a);
    if (ok)
        decide(a, r, a->review.items[r->list.sel].decision.verdict, text);
}

static ui_request rview_key(app *a, ui_view *v, ui_action act, int ch)
{
    (void)ch;
    rview *r = (rview *)v;
    /* A snapshot's job can be over but not yet collected: the job runner no
     * longer waits for it, so Esc reaches this view and stops, never leaves. */
    if (act == ACT_BACK && (r->vf == VF_FIRST || r->vf == VF_WINDOW || r->vf == VF_SECOND)) {
        verify_reset(r);
        app_message(a, false, "verify stopped");
        return UI_HANDLED;
    }
    if (list_key(&r->list, act, a->review.n, r->list_rows))
        return UI_HANDLED;
    bool any = a->review.n > 0;
    switch (act) {
    case ACT_RENAME:
        if (any)
            app_input(a, "Name: ", a->review.items[r->list.sel].name, NULL, rename_done);
        return UI_HANDLED;
    case ACT_MOVE_UP: case ACT_MOVE_DOWN:
        if (any) {
            int d = act == ACT_MOVE_UP ? -1 : 1;
            ixt_review_move(&a->review, r->list.sel, d);
            r->list.sel += d;
            list_clamp(&r->list, a->review.n, r->list_rows);
        }
        return UI_HANDLED;
    case ACT_DROP_INDEX:
        if (any)
            ixt_review_remove(&a->review, r->list.sel);
        return UI_HANDLED;
    case ACT_OPEN:
        if (any) {
            const ixt_review_item *it = &a->review.items[r->list.sel];
            return (ui_request){.kind = UI_REQ_LAB, .sql = it->ev.sql, .queryid = it->ev.queryid, .def = it->def};
        }
        return UI_HANDLED;
    case ACT_COPY:
        if (any)
            return (ui_request){.kind = UI_REQ_COPY, .sql = a->review.items[r->list.sel].def,
                                .what = "the index definition"};
        return UI_HANDLED;
    case ACT_APPROVE: case ACT_REJECT: case ACT_NEEDS_TRIAL:
        if (any)
            decide(a, r, act == ACT_APPROVE ? IXT_VERDICT_APPROVED
                         : act == ACT_REJECT ? IXT_VERDICT_REJECTED : IXT_VERDICT_NEEDS_TRIAL, NULL);
        return UI_HANDLED;
    case ACT_COMMENT:
        if (any)
            app_input(a, "Comment (Enter keeps it, empty removes it): ", a->review.items[r->list.sel].decision.comment,
                      NULL, comment_done);
        return UI_HANDLED;
    case ACT_CHANGES:
        if (a->review_changes)
            r->show_changes = !r->show_changes;
        else
            app_message(a, false, "no older session to compare with: start with --load NEW --diff-from OLD");
        return UI_HANDLED;
    case ACT_EXPORT: app_input(a, "Export to (name, without .sql): ", "idxtune-indexes", NULL, export_done); return UI_HANDLED;
    case ACT_SAVE: app_input(a, "Save session to: ", "idxtune-session.json", NULL, save_done); return UI_HANDLED;
    case ACT_VERIFY: verify_start(a, r); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static void rview_destroy(ui_view *v)
{
    verify_reset((rview *)v);
    free(v);
}

static rview *review_new(app *a)
{
    rview *r = ixt_xcalloc(1, sizeof *r);
    r->base.kind = UI_V_REVIEW;
    r->base.title = "Review";
    r->base.draw = rview_draw;
    r->base.key = rview_key;
    r->base.destroy = rview_destroy;
    r->base.tick = rview_tick;
    app_push(a, &r->base);
    return r;
}

void view_review_open(app *a)
{
    review_new(a);
}

int view_review_open_changes(app *a, const char *old, ixt_err *e)
{
    ixt_review before;
    if (ixt_review_load(&before, old, e) != 0)
        return -1;
    ixt_review_diff d;
    ixt_review_diff_make(&before, &a->review, &d);
    free(a->review_changes);
    a->review_changes = ixt_review_diff_text(&d, false);
    app_message(a, false, "%d change%s since %s (D shows the evidence)", d.n, d.n == 1 ? "" : "s", old);
    ixt_review_diff_free(&d);
    ixt_review_free(&before);
    review_new(a)->show_changes = true;
    return 0;
}
