/* view_plan: a statement's plan as a tree.  The plan is fetched on the lab
 * connection without blocking (Esc cancels it); the most expensive node is
 * highlighted, n/N walk the costly nodes, subtrees fold, and the selected
 * node's conditions show in a detail pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/plan.h"
#include "idxtune/plan_fold.h"
#include "idxtune/plan_text.h"
#include "views.h"

#define DETAIL_ROWS 7
#define METRIC_W 38

typedef struct pview {
    ui_view base;
    char *sql;
    long long queryid;
    ixt_explain_prep prep;
    bool running;
    bool analyze;             /* the plan shown (or coming) is ANALYZE */
    double started_ms;
    ixt_plan *plan;
    ixt_plan_fold fold;       /* what is folded in plan, the rows shown */
    char error[IXT_ERR_MAX];
    ui_list list;
    int list_rows;
    int costly_pos;
    bool example;             /* sql is a literal example of the statement */
    char **values;            /* parameter values for ANALYZE */
    int nvalues;
} pview;

static pview *top_pview(app *a)
{
    return (pview *)a->view;
}

static void free_values(pview *p)
{
    for (int i = 0; i < p->nvalues; i++)
        free(p->values[i]);
    free(p->values);
    p->values = NULL;
    p->nvalues = 0;
}

static void start_explain(app *a, pview *p, bool analyze)
{
    if (ixt_conn_busy(a->lab)) {
        app_message(a, true, "the lab connection is busy: wait or press Esc to cancel");
        return;
    }
    ixt_explain_prep_free(&p->prep);
    ixt_explain_req req = {.sql = p->sql, .analyze = analyze,
                           .statement_timeout_ms = a->opts->cfg.statement_timeout_ms,
                           .params = (const char *const *)p->values, .nparams = p->nvalues};
    ixt_err e;
    p->error[0] = '\0';
    if (ixt_explain_prepare(a->lab, &req, &p->prep, &e) != 0 ||
        ixt_script_start(&p->prep.script, a->lab, &e) != 0) {
        snprintf(p->error, sizeof p->error, "%s", e.msg);
        return;
    }
    p->running = true;
    p->analyze = analyze;
    p->started_ms = ixt_now_ms();
}

static void plan_arrived(app *a, pview *p)
{
    ixt_err e;
    char *json = ixt_explain_json(&p->prep, &e);
    ixt_plan *plan = json ? ixt_plan_parse(json, &e) : NULL;
    free(json);
    if (!plan) {
        snprintf(p->error, sizeof p->error, "%s", e.msg);
        return;
    }
    ixt_plan_fold_free(&p->fold);
    ixt_plan_free(p->plan);
    p->plan = plan;
    ixt_plan_fold_init(&p->fold, plan);
    p->costly_pos = 0;
    p->list.sel = plan->hottest ? ixt_plan_fold_row(&p->fold, plan->hottest) : 0;
    if (p->analyze && p->prep.writes)
        app_message(a, false, "EXPLAIN ANALYZE ran inside BEGIN ... ROLLBACK: the change was rolled back");
}

/* The normalized text does not plan: plan a literal example of it. */
static void try_example(app *a, pview *p)
{
    ixt_err e;
    char *example = ixt_explain_example(a->lab, p->queryid, &e);
    if (!example) {
        size_t n = strlen(p->error);
        snprintf(p->error + n, sizeof p->error - n, "; %s", e.msg);
        return;
    }
    free(p->sql);
    p->sql = example;
    p->example = true;
    app_message(a, false, "the normalized text does not plan: planning a literal example from pg_stat_activity");
    start_explain(a, p, false);
}

static void pview_tick(app *a, ui_view *v)
{
    pview *p = (pview *)v;
    if (!p->running)
        return;
    ixt_err e;
    int rc = ixt_script_poll(&p->prep.script, a->lab, &e);
    if (rc == 0)
        return;
    p->running = false;
    a->dirty = true;
    if (rc >= 0 && !p->prep.script.failed) {
        plan_arrived(a, p);
        return;
    }
    snprintf(p->error, sizeof p->error, "%s", e.msg);
    if (!p->analyze && p->queryid && !p->example)
        try_example(a, p);
}

/* ===== drawing ===== */

static attr_t node_style(const ixt_plan *plan, const ixt_plan_node *n, bool sel)
{
    if (sel)
        return draw_style(IXT_ROLE_SELECTED);
    if (n == plan->hottest || n->share >= 0.5)
        return draw_style(IXT_ROLE_COST_HOT);
    if (n->share >= 0.1)
        return draw_style(IXT_ROLE_COST_WARM);
    if (n->never_executed)
        return draw_style(IXT_ROLE_MUTED);
    return draw_style(IXT_ROLE_NORMAL);
}

static void node_metrics(const ixt_plan *plan, const ixt_plan_node *n, char *buf, size_t len)
{
    if (plan->has_analyze && n->has_actual) {
        char ms[24], mis[24] = "";
        if (n->misestimate >= 10)
            snprintf(mis, sizeof mis, "x%.0f %s", n->misestimate, n->mis_under ? "under" : "over");
        snprintf(buf, len, "%9s %5.1f%% %9.0f %-10s", ixt_fmt_ms(n->exclusive_ms, ms, sizeof ms),
                 n->share * 100, n->actual_rows, mis);
    } else {
        snprintf(buf, len, "%12.2f %5.1f%% %10.0f   ", n->total_cost, n->share * 100, n->plan_rows);
    }
}

static void draw_header(app *a, pview *p, int y)
{
    attr_t st = draw_style(IXT_ROLE_NORMAL);
    char info[512], t1[24], t2[24];
    const ixt_plan *plan = p->plan;
    if (plan)
        snprintf(info, sizeof info, "%s%s%s  cost %.2f  planning %s%s%s%s",
                 p->example ? "LITERAL EXAMPLE  " : p->prep.generic ? "GENERIC PLAN (parameters unknown)  " : "",
                 p->prep.squashed ? "IN list as = ANY(array)  " : "",
                 plan->has_analyze ? "ANALYZE" : "estimated (a: run ANALYZE)", plan->total_cost,
                 ixt_fmt_ms(plan->planning_ms, t1, sizeof t1),
                 plan->execution_ms >= 0 ? "  execution " : "",
                 plan->execution_ms >= 0 ? ixt_fmt_ms(plan->execution_ms, t2, sizeof t2) : "",
                 p->analyze && p->prep.writes ? "  (rolled back)" : "");
    else
        snprintf(info, sizeof info, "%s", p->sql);
    draw_fill(y, 0, COLS, st);
    draw_text(y, 1, COLS - 2, info, st | A_BOLD, true);
    attr_t h = draw_style(IXT_ROLE_HEADER);
    draw_fill(y + 1, 0, COLS, h);
    draw_text(y + 1, 1, COLS - METRIC_W - 2, "Node", h, false);
    bool an = plan && plan->has_analyze;
    char cols[64];
    if (an)
        snprintf(cols, sizeof cols, "%9s %6s %9s %-10s", "Excl time", "Share", "Act rows", "Misest.");
    else
        snprintf(cols, sizeof cols, "%12s %6s %10s   ", "Total cost", "Share", "Est rows");
    draw_right(y + 1, COLS - METRIC_W, METRIC_W, cols, h);
    (void)a;
}

static void draw_node(app *a, pview *p, const ixt_plan_node *n, int y, bool sel)
{
    attr_t st = node_style(p->plan, n, sel);
    draw_fill(y, 0, COLS, st);
    char prefix[512], label[512], line[1100], metrics[96];
    ixt_plan_prefix(n, a->ascii, prefix, sizeof prefix);
    ixt_plan_node_label(n, label, sizeof label);
    snprintf(line, sizeof line, "%s%s%s%s", prefix, ixt_plan_fold_collapsed(&p->fold, n) ? "[+] " : "",
             label, n->selective_seq_scan ? (a->ascii ? "  <- index?" : "  \xe2\x97\x86 index?") : "");
    draw_text(y, 1, COLS - METRIC_W - 2, line, st, true);
    node_metrics(p->plan, n, metrics, sizeof metrics);
    draw_right(y, COLS - METRIC_W, METRIC_W, metrics, st);
}

static void draw_detail(pview *p, int y, int rows)
{
    attr_t h = draw_style(IXT_ROLE_HEADER), n = draw_style(IXT_ROLE_NORMAL);
    draw_fill(y, 0, COLS, h);
    const ixt_plan_node *node = p->list.sel < (int)p->fold.nvisible ? p->fold.visible[p->list.sel] : NULL;
    if (!node)
        return;
    char label[512];
    ixt_plan_node_label(node, label, sizeof label);
    draw_text(y, 1, COLS - 2, label, h, true);
    int line = 1;
    char metrics[512];
    ixt_plan_node_metrics(p->plan, node, metrics, sizeof metrics);
    draw_text(y + line++, 2, COLS - 4, metrics, draw_style(IXT_ROLE_MUTED), true);
    for (int i = 0; i < node->nconds && line < rows; i++) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s: %s", node->conds[i].label, node->conds[i].text);
        line += draw_wrapped(y + line, 2, rows - line, COLS - 4, buf, n);
    }
}

static void pview_draw(app *a, ui_view *v, int top, int rows)
{
    pview *p = (pview *)v;
    draw_header(a, p, top);
    p->list_rows = rows - 2 - DETAIL_ROWS;
    int y = top + 2;
    if (p->running) {
        char t[32], msg[128];
        snprintf(msg, sizeof msg, "%s... %s (Esc cancels)", p->analyze ? "running EXPLAIN ANALYZE" : "planning",
                 ixt_fmt_ms(ixt_now_ms() - p->started_ms, t, sizeof t));
        draw_text(y + 1, 2, COLS - 4, msg, draw_style(IXT_ROLE_MUTED), true);
        a->dirty = true;
    }
    if (p->error[0])
        draw_wrapped(y + (p->plan ? p->list_rows - 3 : 1), 2, 4, COLS - 4, p->error, draw_style(IXT_ROLE_ERROR));
    if (!p->plan)
        return;
    list_clamp(&p->list, (int)p->fold.nvisible, p->list_rows);
    for (int i = 0; i < p->list_rows && p->list.top + i < (int)p->fold.nvisible; i++) {
        if (p->error[0] && i >= p->list_rows - 3)
            break;
        draw_node(a, p, p->fold.visible[p->list.top + i], y + i, p->list.top + i == p->list.sel);
    }
    draw_detail(p, top + rows - DETAIL_ROWS, DETAIL_ROWS);
}

/* ===== keys ===== */

static const ixt_plan_node *selected(pview *p)
{
    if (!p->plan || p->list.sel >= (int)p->fold.nvisible)
        return NULL;
    return p->fold.visible[p->list.sel];
}

static void select_node(pview *p, const ixt_plan_node *n)
{
    ixt_plan_fold_reveal(&p->fold, n);
    p->list.sel = ixt_plan_fold_row(&p->fold, n);
    list_clamp(&p->list, (int)p->fold.nvisible, p->list_rows);
}

static void walk_costly(pview *p, int dir)
{
    size_t n = p->plan->ncostly;
    if (!n)
        return;
    p->costly_pos = (int)((p->costly_pos + dir + (int)n) % (int)n);
    select_node(p, p->plan->costly[p->costly_pos]);
}

static void fold(pview *p, ui_action act)
{
    const ixt_plan_node *n = selected(p);
    if (act == ACT_EXPAND_ALL)
        ixt_plan_fold_expand_all(&p->fold);
    else if (n)
        ixt_plan_fold_set(&p->fold, n, act == ACT_COLLAPSE);
    if (n)
        p->list.sel = ixt_plan_fold_row(&p->fold, n);
}

static void value_done(app *a, const char *text, bool ok);

static void ask_next_value(app *a, pview *p)
{
    if (p->nvalues >= p->prep.nparams) {
        start_explain(a, p, true);
        return;
    }
    char label[256];
    char **hints = NULL;
    ixt_err e;
    int nh = ixt_explain_param_hints(a->lab, p->sql, p->nvalues + 1, &hints, &e);
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < nh && i < 4; i++)
        ixt_buf_printf(&b, "%s%s", i ? ", " : " e.g. ", hints[i]);
    snprintf(label, sizeof label, "$%d%s (empty: NULL): ", p->nvalues + 1, b.s ? b.s : "");
    app_input(a, label, nh > 0 ? hints[0] : NULL, NULL, value_done);
    for (int i = 0; i < nh; i++)
        free(hints[i]);
    free(hints);
    ixt_buf_free(&b);
}

static void value_done(app *a, const char *text, bool ok)
{
    pview *p = top_pview(a);
    if (!ok) {
        free_values(p);
        app_message(a, false, "EXPLAIN ANALYZE cancelled");
        return;
    }
    p->values = ixt_xrealloc(p->values, (size_t)(p->nvalues + 1) * sizeof *p->values);
    /* an empty answer is SQL NULL (LIMIT NULL: no limit) */
    p->values[p->nvalues++] = text[0] ? ixt_xstrdup(text) : NULL;
    ask_next_value(a, p);
}

static void analyze(app *a, pview *p)
{
    if (p->running)
        return;
    free_values(p);
    if (p->prep.nparams > 0)
        ask_next_value(a, p);
    else
        start_explain(a, p, true);
}

static bool pview_key(app *a, ui_view *v, ui_action act, int ch)
{
    pview *p = (pview *)v;
    if (act == ACT_BACK && p->running) {
        ixt_err e;
        if (ixt_script_cancel(&p->prep.script, a->lab, &e) != 0)
            app_message(a, true, "%s", e.msg);
        else
            app_message(a, false, "cancelling...");
        return true;
    }
    if (act == ACT_ANALYZE) {
        if (a->opts->review_only)
            app_message(a, true, "read-only review (--review-only): EXPLAIN ANALYZE does not run; "
                                 "the plan shown is the planner's estimate");
        else
            analyze(a, p);
        return true;
    }
    if (act == ACT_LAB) {
        view_lab_open(a, p->sql, p->queryid, p->values, p->nvalues);
        return true;
    }
    if (!p->plan)
        return false;
    if (ch == KEY_MOUSE && act == ACT_NONE) {
        p->list.sel = p->list.top + a->click_y - 3;
        list_clamp(&p->list, (int)p->fold.nvisible, p->list_rows);
        return true;
    }
    if (list_key(&p->list, act, (int)p->fold.nvisible, p->list_rows))
        return true;
    switch (act) {
    case ACT_HOTTEST:
        if (p->plan->hottest)
            select_node(p, p->plan->hottest);
        return true;
    case ACT_NEXT_COSTLY: walk_costly(p, 1); return true;
    case ACT_PREV_COSTLY: walk_costly(p, -1); return true;
    case ACT_COLLAPSE: case ACT_EXPAND: case ACT_EXPAND_ALL: fold(p, act); return true;
    default: return false;
    }
}

static void pview_destroy(ui_view *v)
{
    pview *p = (pview *)v;
    ixt_explain_prep_free(&p->prep);
    ixt_plan_fold_free(&p->fold);
    ixt_plan_free(p->plan);
    free_values(p);
    free(p->sql);
    free(p);
}

void view_plan_open(app *a, const char *sql, long long queryid)
{
    pview *p = ixt_xcalloc(1, sizeof *p);
    p->base.kind = UI_V_PLAN;
    p->base.title = "Plan";
    p->base.draw = pview_draw;
    p->base.key = pview_key;
    p->base.tick = pview_tick;
    p->base.destroy = pview_destroy;
    p->sql = ixt_xstrdup(sql);
    p->queryid = queryid;
    ixt_script_init(&p->prep.script);
    app_push(a, &p->base);
    start_explain(a, p, false);
}
