/* view_queries: the first screen.  Slow statements from pg_stat_statements
 * with rates over the last interval, a second tab with what is running
 * now, and a third with the health of the existing indexes; the selected
 * statement's full text in a detail pane. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_queries.h"
#include "views.h"

#define DETAIL_ROWS 5

typedef struct qview {
    ui_view base;             /* first: the app sees a ui_view */
    bool activity;            /* the running-now tab */
    bool indexes;             /* the indexes tab */
    ui_indexes *ix;
    ixt_stmt_col sort;
    bool desc;
    char filter[256];
    ui_list list;
    ui_list alist;
    int64_t sel_id;           /* the selection follows the statement */
    int list_rows;            /* rows of the list at the last draw */
    /* the sorted, filtered list, kept until the workload, the sort or the
     * filter changes: 50,000 rows are not sorted again for a key or a
     * clock tick; only the first rows_k are in order (the screen and the
     * next), scrolling further orders more */
    ixt_stmt **rows;
    size_t nrows, rows_k;
    unsigned rows_version;
    ixt_stmt_col rows_sort;
    bool rows_desc;
    char rows_filter[256];
    /* the selected statement's text, lent to a request (copy, lab) */
    char sel_text[IXT_QUERY_LINE_BYTES];
} qview;

typedef struct col_def {
    ixt_stmt_col col;
    const char *title;
    int width;
} col_def;

static const col_def COLS_DEF[] = {
    {IXT_COL_TOTAL, "Total", 9}, {IXT_COL_CALLS, "Calls", 8}, {IXT_COL_MEAN, "Mean", 9},
    {IXT_COL_ROWS, "Rows", 8}, {IXT_COL_SHARE, "%Tot", 6}, {IXT_COL_CALLS_RATE, "Calls/s", 8},
    {IXT_COL_MS_RATE, "ms/s", 8}, {IXT_COL_QUERYID, NULL, 0}, {IXT_COL_QUERY, "Query", 0},
};
#define NCOLS_DEF (sizeof COLS_DEF / sizeof COLS_DEF[0])

static char *fmt_count(double v, char *out, size_t len)
{
    if (v < 10000)
        snprintf(out, len, "%.0f", v);
    else if (v < 1e6)
        snprintf(out, len, "%.1fk", v / 1e3);
    else if (v < 1e9)
        snprintf(out, len, "%.1fM", v / 1e6);
    else
        snprintf(out, len, "%.1fG", v / 1e9);
    return out;
}

static char *fmt_rate(double v, char *out, size_t len)
{
    if (v <= 0)
        snprintf(out, len, "-");
    else if (v < 10)
        snprintf(out, len, "%.2f", v);
    else
        fmt_count(v, out, len);
    return out;
}

static void cell_text(const ixt_stmt *s, ixt_stmt_col col, char *out, size_t len)
{
    switch (col) {
    case IXT_COL_TOTAL: ixt_fmt_ms(s->total_ms, out, len); break;
    case IXT_COL_CALLS: fmt_count(s->calls, out, len); break;
    case IXT_COL_MEAN: ixt_fmt_ms(ixt_stmt_mean_ms(s), out, len); break;
    case IXT_COL_ROWS: fmt_count(s->rows, out, len); break;
    case IXT_COL_SHARE: snprintf(out, len, "%.1f", s->share * 100); break;
    case IXT_COL_CALLS_RATE: fmt_rate(s->calls_r.avg, out, len); break;
    case IXT_COL_MS_RATE: fmt_rate(s->ms_r.avg, out, len); break;
    default: out[0] = '\0'; break;
    }
}

static void draw_tabs(app *a, qview *q, int y, size_t nstmts)
{
    attr_t on = draw_style(IXT_ROLE_TAB_ACTIVE), off = draw_style(IXT_ROLE_TAB_INACTIVE);
    char t1[64], t2[64], t3[64], info[384];
    snprintf(t1, sizeof t1, " Slow queries (%zu) ", nstmts);
    snprintf(t2, sizeof t2, " Running now (%zu) ", a->act.n);
    indexes_tab_title(q->ix, a->ascii, t3, sizeof t3);
    bool stmts = !q->activity && !q->indexes;
    draw_fill(y, 0, COLS, draw_style(IXT_ROLE_NORMAL));
    int x = draw_text(y, 0, COLS, t1, stmts ? on : off, false);
    x += 1 + draw_text(y, x + 1, COLS - x - 1, t2, q->activity ? on : off, false);
    x += 1 + draw_text(y, x + 1, COLS - x - 1, t3, q->indexes ? on : off, false);
    if (q->indexes)
        snprintf(info, sizeof info, "droppable in amber");
    else if (q->activity)
        snprintf(info, sizeof info, "filter: %s", q->filter[0] ? q->filter : "-");
    else
        snprintf(info, sizeof info, "sort: %s %s  filter: %s", ixt_stmt_col_name(q->sort),
                 q->desc ? "desc" : "asc", q->filter[0] ? q->filter : "-");
    draw_right(y, x + 1, COLS - x - 2, info, draw_style(IXT_ROLE_MUTED));
}

static void draw_stmt_header(app *a, qview *q, int y)
{
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y, 0, COLS, h);
    int x = 0;
    for (size_t i = 0; i < NCOLS_DEF; i++) {
        const col_def *c = &COLS_DEF[i];
        if (!c->title)
            continue;
        char t[32];
        const char *mark = q->sort == c->col ? (a->ascii ? (q->desc ? "v" : "^")
                                                         : (q->desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2"))
                                             : "";
        snprintf(t, sizeof t, "%s%s", c->title, mark);
        if (c->width)
            draw_right(y, x, c->width, t, h | (q->sort == c->col ? A_BOLD : 0));
        else
            draw_text(y, x + 1, COLS - x - 1, t, h | (q->sort == c->col ? A_BOLD : 0), true);
        x += c->width + 1;
    }
}

static attr_t row_style(const ixt_stmt *s, bool selected)
{
    if (selected)
        return draw_style(IXT_ROLE_SELECTED);
    if (s->share >= 0.25)
        return draw_style(IXT_ROLE_COST_HOT);
    if (s->share >= 0.05)
        return draw_style(IXT_ROLE_COST_WARM);
    return draw_style(IXT_ROLE_NORMAL);
}

/* The first match of the filter in a row's text shown in the match style,
 * where the row has room for it: the DBA sees why the row is listed. */
static void draw_match(int y, int x, int w, const char *text, const char *filter)
{
    const char *m = filter[0] ? strcasestr(text, filter) : NULL;
    if (!m)
        return;
    char before[IXT_QUERY_LINE_BYTES];
    snprintf(before, sizeof before, "%.*s", (int)(m - text), text);
    int at = draw_width(before), room = draw_width(text) > w ? w - 1 : w;
    snprintf(before, sizeof before, "%.*s", (int)strlen(filter), m);
    if (at < room)
        draw_text(y, x + at, room - at, before, draw_style(IXT_ROLE_MATCH), false);
}

static void draw_stmt_row(const ixt_workload *w, const ixt_stmt *s, int y, bool selected, const char *filter)
{
    attr_t st = row_style(s, selected);
    draw_fill(y, 0, COLS, st);
    int x = 0;
    char cell[48];
    for (size_t i = 0; i < NCOLS_DEF; i++) {
        const col_def *c = &COLS_DEF[i];
        if (!c->title)
            continue;
        if (c->width) {
            cell_text(s, c->col, cell, sizeof cell);
            draw_right(y, x, c->width, cell, st);
        } else {
            char text[IXT_QUERY_LINE_BYTES];
            const char *t = s->text ? ixt_workload_text(w, s, text, sizeof text) : "(text not read yet)";
            draw_text(y, x + 1, COLS - x - 1, t, st, true);
            draw_match(y, x + 1, COLS - x - 1, t, filter);
        }
        x += c->width + 1;
    }
}

static void draw_detail(const char *title, const char *text, int y, int rows)
{
    draw_fill(y, 0, COLS, draw_style(IXT_ROLE_HEADER));
    draw_text(y, 0, COLS, title, draw_style(IXT_ROLE_HEADER), true);
    if (text)
        draw_wrapped(y + 1, 1, rows - 1, COLS - 2, text, draw_style(IXT_ROLE_NORMAL));
}

static void sync_selection(qview *q, ixt_stmt **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i]->queryid == q->sel_id) {
            q->list.sel = (int)i;
            break;
        }
    list_clamp(&q->list, (int)n, q->list_rows);
    q->sel_id = n ? v[q->list.sel]->queryid : 0;
}

static void order_rows(app *a, qview *q, size_t k)
{
    free(q->rows);
    q->nrows = ixt_workload_view_top(&a->wl, q->sort, q->desc, q->filter, k, &q->rows);
    q->rows_k = k;
}

/* The rows of the list, borrowed from q's cache. */
static size_t sorted_rows(app *a, qview *q, ixt_stmt ***out)
{
    size_t want = (size_t)q->list.top + 2 * (size_t)(q->list_rows > 0 ? q->list_rows : 50);
    if (!q->rows || q->rows_version != a->wl.version || q->rows_sort != q->sort || q->rows_desc != q->desc ||
        strcmp(q->rows_filter, q->filter) != 0 || want > q->rows_k) {
        order_rows(a, q, want);
        /* the selected statement fell below the ordered rows: the list
         * follows it, so this once all are put in order */
        for (size_t i = q->rows_k; i < q->nrows; i++)
            if (q->rows[i]->queryid == q->sel_id) {
                order_rows(a, q, SIZE_MAX);
                break;
            }
        q->rows_version = a->wl.version;
        q->rows_sort = q->sort;
        q->rows_desc = q->desc;
        snprintf(q->rows_filter, sizeof q->rows_filter, "%s", q->filter);
    }
    *out = q->rows;
    return q->nrows;
}

static void draw_statements(app *a, qview *q, int top, int rows)
{
    ixt_stmt **v;
    size_t n = sorted_rows(a, q, &v);
    draw_tabs(a, q, top, n);
    draw_stmt_header(a, q, top + 1);
    q->list_rows = rows - 2 - DETAIL_ROWS;
    sync_selection(q, v, n);
    for (int i = 0; i < q->list_rows && q->list.top + i < (int)n; i++)
        draw_stmt_row(&a->wl, v[q->list.top + i], top + 2 + i, q->list.top + i == q->list.sel, q->filter);
    if (n == 0) {
        const ixt_server_info *in = ixt_conn_info(a->mon);
        const char *why = !in->has_pgss ? in->pgss_problem
                          : q->filter[0] ? "no statement matches the filter"
                                         : "no statements recorded yet in this database";
        draw_wrapped(top + 3, 2, 3, COLS - 4, why, draw_style(in->has_pgss ? IXT_ROLE_MUTED : IXT_ROLE_ERROR));
    }
    char title[512], where[256] = "";
    const ixt_stmt *s = n ? v[q->list.sel] : NULL;
    if (s && a->nodes.n > 1)
        ixt_nodes_breakdown_text(&a->nodes, app_mon_wl(a), s->queryid, where, sizeof where);
    int used = snprintf(title, sizeof title, " queryid %" PRId64 "%s%s", s ? s->queryid : 0, where[0] ? " | " : "",
                        where);
    /* the list shows the ~10 s average; the raw last interval is here */
    if (s && s->ms_r.known)
        snprintf(title + used, sizeof title - (size_t)used,
                 "   last %.1f s: %.1f ms/s, %.1f calls/s (list: %.0f s average)", a->wl.interval_s,
                 s->ms_r.last, s->calls_r.last, IXT_RATE_TAU_S);
    if (s && s->query_cut)
        snprintf(title + strlen(title), sizeof title - strlen(title), "  (the beginning; Enter reads it whole)");
    char text[IXT_QUERY_LINE_BYTES];
    draw_detail(s ? title : " statement", s ? ixt_workload_text(&a->wl, s, text, sizeof text) : NULL,
                top + rows - DETAIL_ROWS, DETAIL_ROWS);
}

static bool act_matches(const ixt_activity *x, const char *filter)
{
    return !filter[0] || strcasestr(x->query, filter) || strcasestr(x->user, filter) ||
           strcasestr(x->state, filter);
}

static void draw_activity(app *a, qview *q, int top, int rows)
{
    draw_tabs(a, q, top, a->wl.n);
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(top + 1, 0, COLS, h);
    draw_text(top + 1, 0, COLS, "    PID  Duration State        Wait              User       Query", h, true);
    q->list_rows = rows - 2 - DETAIL_ROWS;
    ixt_activity **shown = ixt_xcalloc(a->act.n + 1, sizeof *shown);
    int n = 0;
    for (size_t i = 0; i < a->act.n; i++)
        if (act_matches(&a->act.items[i], q->filter))
            shown[n++] = &a->act.items[i];
    list_clamp(&q->alist, n, q->list_rows);
    for (int i = 0; i < q->list_rows && q->alist.top + i < n; i++) {
        const ixt_activity *x = shown[q->alist.top + i];
        bool sel = q->alist.top + i == q->alist.sel;
        attr_t st = sel ? draw_style(IXT_ROLE_SELECTED)
                        : draw_style(x->query_ms > 1000 && strcmp(x->state, "active") == 0
                                         ? IXT_ROLE_COST_HOT : IXT_ROLE_NORMAL);
        char dur[32], line[512];
        snprintf(line, sizeof line, "%7d %9s %-12.12s %-17.17s %-10.10s %s", x->pid,
                 ixt_fmt_ms(x->query_ms, dur, sizeof dur), x->state, x->wait, x->user, x->query);
        draw_fill(top + 2 + i, 0, COLS, st);
        draw_text(top + 2 + i, 0, COLS, line, st, true);
    }
    if (n == 0)
        draw_text(top + 3, 2, COLS - 4, "no other sessions in this database", draw_style(IXT_ROLE_MUTED), true);
    const ixt_activity *x = n ? shown[q->alist.sel] : NULL;
    char title[64];
    snprintf(title, sizeof title, " pid %d", x ? x->pid : 0);
    draw_detail(x ? title : " query", x ? x->query_full : NULL, top + rows - DETAIL_ROWS, DETAIL_ROWS);
    free(shown);
}

static void qview_draw(app *a, ui_view *v, int top, int rows)
{
    qview *q = (qview *)v;
    if (q->indexes) {
        draw_tabs(a, q, top, a->wl.n);
        indexes_tab_draw(a, q->ix, top + 1, rows - 1);
    } else if (q->activity)
        draw_activity(a, q, top, rows);
    else
        draw_statements(a, q, top, rows);
}

static qview *current_qview(app *a)
{
    ui_view *v = a->view;
    while (v->below)
        v = v->below;
    return (qview *)v;
}

static void filter_changed(app *a, const char *text)
{
    qview *q = current_qview(a);
    snprintf(q->filter, sizeof q->filter, "%s", text);
    q->list.sel = q->alist.sel = 0;
}

static void filter_done(app *a, const char *text, bool ok)
{
    filter_changed(a, ok ? text : "");
}

/* The selected statement or running query, as a request of kind (the
 * plan, or the clipboard); a message when none is selected. */
static ui_request selected(app *a, qview *q, ui_req_kind kind)
{
    if (q->activity) {
        int n = 0;
        for (size_t i = 0; i < a->act.n; i++) {
            const ixt_activity *x = &a->act.items[i];
            if (!act_matches(x, q->filter))
                continue;
            if (n++ == q->alist.sel)
                return (ui_request){.kind = kind, .sql = x->query_full, .what = "the statement"};
        }
        app_message(a, true, "no running query selected");
        return UI_HANDLED;
    }
    const ixt_stmt *s = ixt_workload_find(&a->wl, q->sel_id);
    if (!s || !s->text) {
        app_message(a, true, "no statement selected");
        return UI_HANDLED;
    }
    /* the list holds a one-line prefix: the plan's and the copy's jobs read
     * the whole text */
    if (kind == UI_REQ_PLAN)
        return (ui_request){.kind = kind, .queryid = (long long)s->queryid};
    return (ui_request){.kind = kind, .sql = ixt_workload_text(&a->wl, s, q->sel_text, sizeof q->sel_text),
                        .queryid = (long long)s->queryid, .what = "the statement"};
}

static void change_sort(qview *q, ui_action act)
{
    int c = (int)q->sort;
    do {
        c = act == ACT_SORT_NEXT ? (c + 1) % IXT_COL_COUNT : (c + IXT_COL_COUNT - 1) % IXT_COL_COUNT;
    } while (c == IXT_COL_QUERYID);
    q->sort = (ixt_stmt_col)c;
    q->desc = q->sort != IXT_COL_QUERY;
}

static void set_refresh(app *a, double s)
{
    if (s < 0.5)
        s = 0.5;
    if (s > 60)
        s = 60;
    a->refresh_s = s;
    a->next_refresh_ms = ixt_now_ms() + s * 1000;
    app_message(a, false, "refresh every %.1f s", s);
}

/* Slow queries -> running now -> indexes (read again on each visit). */
static void next_tab(app *a, qview *q)
{
    if (q->indexes) {
        q->indexes = false;
    } else if (q->activity) {
        q->activity = false;
        q->indexes = true;
        indexes_tab_reload(a, q->ix);
    } else {
        q->activity = true;
    }
    q->base.kind = q->indexes ? UI_V_INDEXES : q->activity ? UI_V_ACTIVITY : UI_V_QUERIES;
}

/* The statement at the selected row, now: the next key typed ahead (Enter
 * after j) acts on it whatever the drawing did in between. */
static void follow_row(app *a, qview *q)
{
    ixt_stmt **v;
    size_t n = sorted_rows(a, q, &v);
    q->sel_id = 0;
    sync_selection(q, v, n);
}

static ui_request qview_key(app *a, ui_view *v, ui_action act, int ch)
{
    qview *q = (qview *)v;
    if (act == ACT_TAB) {
        next_tab(a, q);
        return UI_HANDLED;
    }
    if (q->indexes)
        return indexes_tab_key(a, q->ix, act, ch);
    ui_list *l = q->activity ? &q->alist : &q->list;
    int n = q->activity ? (int)a->act.n : (int)a->wl.n;
    if (ch == KEY_MOUSE && act == ACT_NONE) {
        int row = a->click_y - 3;
        if (row >= 0 && row < q->list_rows) {
            l->sel = l->top + row;
            list_clamp(l, n, q->list_rows);
        }
        return UI_HANDLED;
    }
    if (list_key(l, act, n, q->list_rows)) {
        if (!q->activity)
            follow_row(a, q);
        return UI_HANDLED;
    }
    switch (act) {
    case ACT_OPEN: return selected(a, q, UI_REQ_PLAN);
    case ACT_COPY: return selected(a, q, UI_REQ_COPY);
    case ACT_FILTER: app_input(a, "Filter: ", q->filter, filter_changed, filter_done); return UI_HANDLED;
    case ACT_QUERY_INPUT: return (ui_request){.kind = UI_REQ_ASK_QUERY};
    case ACT_SORT_NEXT: case ACT_SORT_PREV: change_sort(q, act); return UI_HANDLED;
    case ACT_SORT_INVERT: q->desc = !q->desc; return UI_HANDLED;
    case ACT_ADVISE: return (ui_request){.kind = UI_REQ_ADVICE};
    case ACT_PAUSE:
        a->paused = !a->paused;
        app_message(a, false, a->paused ? "refresh paused (Z resumes)" : "refresh resumed");
        return UI_HANDLED;
    case ACT_FASTER: set_refresh(a, a->refresh_s / 2); return UI_HANDLED;
    case ACT_SLOWER: set_refresh(a, a->refresh_s * 2); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static void qview_destroy(ui_view *v)
{
    indexes_tab_free(((qview *)v)->ix);
    free(((qview *)v)->rows);
    free(v);
}

ui_view *view_queries_new(void)
{
    qview *q = ixt_xcalloc(1, sizeof *q);
    q->base.kind = UI_V_QUERIES;
    q->base.title = "Queries";
    q->base.draw = qview_draw;
    q->base.key = qview_key;
    q->base.destroy = qview_destroy;
    q->ix = indexes_tab_new();
    q->sort = IXT_COL_TOTAL;
    q->desc = true;
    return &q->base;
}
