/* view_review: the accepted indexes with their evidence; rename, reorder,
 * drop, send back to the lab, export the SQL, rollback and Markdown files,
 * save the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/export.h"
#include "views.h"

#define DETAIL_ROWS 9

typedef struct rview {
    ui_view base;
    ui_list list;
    int list_rows;
    char pending_path[1024];   /* asked to overwrite */
} rview;

static rview *top_rview(app *a)
{
    return (rview *)a->view;
}

static void draw_detail(app *a, rview *r, int y, int rows)
{
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

static void rview_draw(app *a, ui_view *v, int top, int rows)
{
    rview *r = (rview *)v;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    char title[160];
    snprintf(title, sizeof title, " Review: %d accepted index%s, in rollout order%s", a->review.n,
             a->review.n == 1 ? "" : "es", a->review.unsaved ? " (not exported or saved)" : "");
    draw_fill(top, 0, COLS, draw_style(IXT_ROLE_NORMAL));
    draw_text(top, 0, COLS, title, draw_style(IXT_ROLE_NORMAL) | A_BOLD, true);
    draw_fill(top + 1, 0, COLS, h);
    draw_text(top + 1, 0, COLS, "  #  Index                              Table              Cost change    Size  Statement",
              h, true);
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
        snprintf(line, sizeof line, " %2d  %-34.34s %-18.18s %+10.1f%% %8s  %s", idx + 1, it->name, it->table, pct,
                 ixt_fmt_bytes(it->size_bytes, sz, sizeof sz), sql);
        free(sql);
        attr_t st = idx == r->list.sel ? draw_style(IXT_ROLE_SELECTED) : draw_style(IXT_ROLE_NORMAL);
        draw_fill(top + 2 + i, 0, COLS, st);
        draw_text(top + 2 + i, 0, COLS, line, st, true);
    }
    if (a->review.n == 0)
        draw_text(top + 3, 2, COLS - 4, "nothing accepted yet: in the lab, A accepts the selected index",
                  draw_style(IXT_ROLE_MUTED), true);
    draw_detail(a, r, top + rows - DETAIL_ROWS, DETAIL_ROWS);
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
    ixt_export_opts eo = {.concurrently = true};
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

static bool rview_key(app *a, ui_view *v, ui_action act, int ch)
{
    (void)ch;
    rview *r = (rview *)v;
    if (list_key(&r->list, act, a->review.n, r->list_rows))
        return true;
    bool any = a->review.n > 0;
    switch (act) {
    case ACT_RENAME:
        if (any)
            app_input(a, "Name: ", a->review.items[r->list.sel].name, NULL, rename_done);
        return true;
    case ACT_MOVE_UP: case ACT_MOVE_DOWN:
        if (any) {
            int d = act == ACT_MOVE_UP ? -1 : 1;
            ixt_review_move(&a->review, r->list.sel, d);
            r->list.sel += d;
            list_clamp(&r->list, a->review.n, r->list_rows);
        }
        return true;
    case ACT_DROP_INDEX:
        if (any)
            ixt_review_remove(&a->review, r->list.sel);
        return true;
    case ACT_OPEN:
        if (any) {
            const ixt_review_item *it = &a->review.items[r->list.sel];
            view_lab_open(a, it->ev.sql, it->ev.queryid, NULL, 0, it->def);
        }
        return true;
    case ACT_EXPORT: app_input(a, "Export to (name, without .sql): ", "idxtune-indexes", NULL, export_done); return true;
    case ACT_SAVE: app_input(a, "Save session to: ", "idxtune-session.json", NULL, save_done); return true;
    default: return false;
    }
}

static void rview_destroy(ui_view *v)
{
    free(v);
}

void view_review_open(app *a)
{
    rview *r = ixt_xcalloc(1, sizeof *r);
    r->base.kind = UI_V_REVIEW;
    r->base.title = "Review";
    r->base.draw = rview_draw;
    r->base.key = rview_key;
    r->base.destroy = rview_destroy;
    app_push(a, &r->base);
}
