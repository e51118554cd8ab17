/* view_indexes: the Indexes tab of the first screen.  The health of the
 * existing indexes (from the core, read by a job on the lab connection),
 * one row per index, and the selected one's definition and
 * reasons in a detail pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/health.h"
#include "views.h"

#define DETAIL_ROWS 5

struct ui_indexes {
    ixt_health h;
    bool loaded;
    bool running;        /* its job is queued or running */
    char error[IXT_ERR_MAX];
    ui_list list;
    int list_rows;
};

ui_indexes *indexes_tab_new(void)
{
    return ixt_xcalloc(1, sizeof(ui_indexes));
}

void indexes_tab_free(ui_indexes *x)
{
    if (!x)
        return;
    ixt_health_free(&x->h);
    free(x);
}

static size_t indexes_tab_count(const ui_indexes *x)
{
    return x->loaded ? x->h.n : 0;
}

void indexes_tab_title(const ui_indexes *x, bool ascii, char *buf, size_t len)
{
    if (x->loaded)
        snprintf(buf, len, " Indexes (%zu) ", x->h.n);
    else
        snprintf(buf, len, " Indexes (%s) ", ascii ? "..." : "\u2026");
}

static void health_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    ui_indexes *x = j->ref;
    a->dirty = true;
    if (!owner)
        return;
    x->running = false;
    if (end == JOB_CANCELLED) {
        snprintf(x->error, sizeof x->error, "reading the indexes was cancelled (F5 reads them again)");
        return;
    }
    if (end == JOB_FAILED) {
        snprintf(x->error, sizeof x->error, "%s", msg);
        return;
    }
    PGresult *r = job_query_result(j);
    ixt_err e;
    ixt_health_free(&x->h);
    if (ixt_health_ingest(&x->h, r, ixt_conn_info(a->lab)->version_num >= 160000, &e) != 0) {
        snprintf(x->error, sizeof x->error, "%s", e.msg);
        x->loaded = false;
    } else {
        ixt_health_analyze(&x->h);
        x->loaded = true;
    }
    PQclear(r);
}

void indexes_tab_reload(app *a, ui_indexes *x)
{
    if (x->running)
        return;
    char *sql = ixt_health_sql(ixt_conn_info(a->lab));
    ui_job *j = job_query_new("reading the indexes", sql, 0, NULL, health_done, a->view);
    free(sql);
    j->ref = x;
    jobs_submit(a->jobs, j);
    x->running = true;
    x->error[0] = '\0';
}

static void findings_cell(unsigned f, char *out, size_t len)
{
    out[0] = '\0';
    size_t used = 0;
    for (int b = 0; b < IXT_HF_COUNT; b++)
        if (f & (1u << b))
            used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? "," : "",
                                     ixt_health_finding_word(1u << b));
}

static attr_t row_style(const ixt_index_health *i, bool sel)
{
    if (sel)
        return draw_style(IXT_ROLE_SELECTED);
    if (i->droppable)
        return draw_style(IXT_ROLE_COST_WARM);
    return draw_style(IXT_ROLE_NORMAL);
}

static void draw_detail(ui_indexes *x, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    if (!x->loaded || x->h.n == 0) {
        draw_text(y, 0, COLS, " index", h, true);
        return;
    }
    const ixt_index_health *i = &x->h.idx[x->list.sel];
    char title[256], wr[64] = "";
    if (i->write_rate >= 0)
        snprintf(wr, sizeof wr, ", table writes %.1f/s", i->write_rate);
    snprintf(title, sizeof title, " %s.%s (%s%s%s)", i->schema, i->name, i->method,
             ixt_constraint_word(i->constraint) ? ", " : "",
             ixt_constraint_word(i->constraint) ? ixt_constraint_word(i->constraint) : "");
    size_t n = strlen(title);
    snprintf(title + n, sizeof title - n, "%s", wr);
    draw_text(y, 0, COLS, title, h, true);
    char *why = ixt_health_reasons(&x->h, (size_t)x->list.sel);
    char *text = ixt_xasprintf("%s%s%s", i->def, why[0] ? "\n" : "", why);
    draw_wrapped(y + 1, 1, rows - 1, COLS - 2, text, draw_style(IXT_ROLE_NORMAL));
    free(text);
    free(why);
}

void indexes_tab_draw(app *a, ui_indexes *x, int top, int rows)
{
    (void)a;
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(top, 0, COLS, h);
    char line[1024];
    snprintf(line, sizeof line, " %-28.28s %-30.30s %9s %8s  %s", "Table", "Index", "Size", "Scans", "Findings");
    draw_text(top, 0, COLS, line, h, true);
    x->list_rows = rows - 1 - DETAIL_ROWS;
    const char *msg = x->error[0] ? x->error : x->running && !x->loaded ? "reading the indexes..."
                      : x->loaded && x->h.n == 0 ? "no indexes in this database" : NULL;
    if (msg)
        draw_wrapped(top + 2, 2, 3, COLS - 4, msg, draw_style(x->error[0] ? IXT_ROLE_ERROR : IXT_ROLE_MUTED));
    if (x->loaded && !x->error[0]) {
        int n = (int)x->h.n;
        list_clamp(&x->list, n, x->list_rows);
        for (int r = 0; r < x->list_rows && x->list.top + r < n; r++) {
            int k = x->list.top + r;
            const ixt_index_health *i = &x->h.idx[k];
            char tbl[256], sz[32], f[96];
            snprintf(tbl, sizeof tbl, "%s.%s", i->schema, i->table);
            findings_cell(i->findings, f, sizeof f);
            snprintf(line, sizeof line, " %-28.28s %-30.30s %9s %8.0f  %s", tbl, i->name,
                     ixt_fmt_bytes(i->size_bytes, sz, sizeof sz), i->idx_scan, f);
            attr_t st = row_style(i, k == x->list.sel);
            draw_fill(top + 1 + r, 0, COLS, st);
            draw_text(top + 1 + r, 0, COLS, line, st, true);
        }
    }
    draw_detail(x, top + rows - DETAIL_ROWS, DETAIL_ROWS);
}

ui_request indexes_tab_key(app *a, ui_indexes *x, ui_action act, int ch)
{
    int n = (int)indexes_tab_count(x);
    if (ch == KEY_MOUSE && act == ACT_NONE) {
        int row = a->click_y - 3;
        if (row >= 0 && row < x->list_rows) {
            x->list.sel = x->list.top + row;
            list_clamp(&x->list, n, x->list_rows);
        }
        return UI_HANDLED;
    }
    if (act == ACT_RELOAD) {
        indexes_tab_reload(a, x);
        return UI_HANDLED;
    }
    if (act == ACT_COPY && x->list.sel < n)
        return (ui_request){.kind = UI_REQ_COPY, .sql = x->h.idx[x->list.sel].def, .what = "the index definition"};
    return ui_handled(list_key(&x->list, act, n, x->list_rows));
}
