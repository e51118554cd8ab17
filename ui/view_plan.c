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
#include "idxtune/workload.h"
#include "view_plan.h"
#include "views.h"

#define DETAIL_ROWS 7
#define METRIC_W 38

typedef struct pview {
    ui_view base;
    char *sql;                /* NULL until the job has read the statement's full text */
    long long queryid;
    /* the text is being read on another node (a statement the main server
     * did not run): the plan starts when it is in */
    char text_node[32];
    ixt_explain_prep prep;
    bool running;
    bool analyze;             /* the plan coming is ANALYZE */
    bool rolled_back;         /* the plan shown ran and was rolled back */
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
    char *copied;             /* the plan text last handed to the clipboard */
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

/* ===== the EXPLAIN job ===== */

typedef struct explain_job {
    char *sql;                 /* NULL: read by queryid first */
    long long queryid;
    bool analyze;
    bool may_example;          /* a normalized text may be replaced by a literal example */
    bool example;              /* sql is now that example */
    int timeout_ms;
    char **values;
    int nvalues;
    ixt_explain_prep prep;
    ixt_plan *plan;
} explain_job;

static void explain_job_free(void *ctx)
{
    explain_job *x = ctx;
    free(x->sql);
    for (int i = 0; i < x->nvalues; i++)
        free(x->values[i]);
    free(x->values);
    ixt_explain_prep_free(&x->prep);
    ixt_plan_free(x->plan);
    free(x);
}

static int explain_attempt(ui_job *j, explain_job *x, ixt_conn *lab, ixt_err *e)
{
    ixt_explain_req req = {.sql = x->sql, .analyze = x->analyze, .statement_timeout_ms = x->timeout_ms,
                           .params = (const char *const *)x->values, .nparams = x->nvalues};
    ixt_explain_prep_free(&x->prep);
    ixt_script_init(&x->prep.script);
    if (ixt_explain_prepare(lab, &req, &x->prep, e) != 0 || job_script_run(j, &x->prep.script, lab, e) != 0)
        return -1;
    x->plan = ixt_explain_plan(&x->prep, e);
    return x->plan ? 0 : -1;
}

/* The normalized text may not plan: then plan a literal example of it. */
static int explain_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    explain_job *x = j->ctx;
    if (!x->sql && !(x->sql = ixt_workload_full_text(lab, x->queryid, e)))
        return -1;
    if (explain_attempt(j, x, lab, e) == 0)
        return 0;
    if (!x->may_example || job_cancelled(j))
        return -1;
    ixt_err ee;
    char *example = ixt_explain_example(lab, x->queryid, &ee);
    if (!example) {
        size_t n = strlen(e->msg);
        snprintf(e->msg + n, sizeof e->msg - n, "; %s", ee.msg);
        return -1;
    }
    free(x->sql);
    x->sql = example;
    x->example = true;
    return explain_attempt(j, x, lab, e);
}

static void explain_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    explain_job *x = j->ctx;
    pview *p = (pview *)owner;
    if (!p)
        return;
    p->running = false;
    if (!p->sql && !x->example)
        p->sql = ixt_xstrdup(x->sql);
    a->dirty = true;
    const char *what = x->analyze ? "EXPLAIN ANALYZE" : "EXPLAIN";
    if (end == JOB_CANCELLED) {
        snprintf(p->error, sizeof p->error, "%s cancelled%s", what,
                 p->plan ? ": the plan shown is the one from before" : "");
        app_message(a, false, "%s cancelled", what);
        return;
    }
    if (end == JOB_FAILED) {
        snprintf(p->error, sizeof p->error, "%s", msg);
        return;
    }
    if (x->example) {
        free(p->sql);
        p->sql = ixt_xstrdup(x->sql);
        p->example = true;
        app_message(a, false, "the normalized text does not plan: planned a literal example from pg_stat_activity");
    }
    ixt_explain_prep_free(&p->prep);
    p->prep = x->prep;
    ixt_script_init(&x->prep.script);
    memset(&x->prep, 0, sizeof x->prep);
    ixt_plan_fold_free(&p->fold);
    ixt_plan_free(p->plan);
    p->plan = x->plan;
    x->plan = NULL;
    ixt_plan_fold_init(&p->fold, p->plan);
    p->costly_pos = 0;
    p->list.sel = p->plan->hottest ? ixt_plan_fold_row(&p->fold, p->plan->hottest) : 0;
    /* the mark goes with the plan that actually ran and was rolled back */
    p->rolled_back = x->analyze && p->prep.writes && p->plan->has_analyze;
    if (p->rolled_back)
        app_message(a, false, "EXPLAIN ANALYZE ran inside BEGIN ... ROLLBACK: the change was rolled back");
}

static void start_explain(app *a, pview *p, bool analyze)
{
    explain_job *x = ixt_xcalloc(1, sizeof *x);
    x->sql = ixt_xstrdup(p->sql);
    x->queryid = p->queryid;
    x->analyze = analyze;
    x->may_example = !analyze && p->queryid && !p->example;
    x->timeout_ms = a->opts->cfg.statement_timeout_ms;
    x->values = ixt_xcalloc((size_t)p->nvalues + 1, sizeof *x->values);
    for (int i = 0; i < p->nvalues; i++)
        x->values[x->nvalues++] = p->values[i] ? ixt_xstrdup(p->values[i]) : NULL;
    ixt_script_init(&x->prep.script);
    p->error[0] = '\0';
    p->running = true;
    p->analyze = analyze;
    p->started_ms = ixt_now_ms();
    jobs_submit(a->jobs, job_new(analyze ? "EXPLAIN ANALYZE" : "planning", explain_run, explain_done, x,
                                 explain_job_free, &p->base));
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
                 p->rolled_back ? "  (rolled back)" : "");
    else
        snprintf(info, sizeof info, "%s", p->sql ? p->sql : "reading the statement's text");
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
    snprintf(line, sizeof line, "%s%s", ixt_plan_fold_collapsed(&p->fold, n) ? "[+] " : "", label);
    /* the guides and the index hint in their own roles, except on the
     * selected row, which reads as one bar */
    int x = 1, w = COLS - METRIC_W - 2;
    int used = draw_text(y, x, w, prefix, sel ? st : draw_style(IXT_ROLE_TREE), false);
    used += draw_text(y, x + used, w - used, line, st, true);
    if (n->selective_seq_scan)
        draw_text(y, x + used, w - used, a->ascii ? "  <- index?" : "  \xe2\x97\x86 index?",
                  sel ? st : draw_style(IXT_ROLE_WARNING), true);
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
        if (p->text_node[0])
            snprintf(msg, sizeof msg, "reading the statement's text on %s... %s", p->text_node,
                     ixt_fmt_ms(ixt_now_ms() - p->started_ms, t, sizeof t));
        else
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

static void values_given(app *a, char **values, int n, bool ok)
{
    pview *p = top_pview(a);
    free_values(p);
    if (!ok) {
        app_message(a, false, "EXPLAIN ANALYZE not started");
        return;
    }
    p->values = values;
    p->nvalues = n;
    start_explain(a, p, true);
}

/* The keys that act on the statement need its text, read with the plan. */
static bool have_text(app *a, pview *p)
{
    if (p->sql)
        return true;
    if (p->running)
        app_message(a, false, "the statement's text is being read");
    else
        app_message(a, true, "the statement's text could not be read: %s", p->error);
    return false;
}

static void analyze(app *a, pview *p)
{
    if (p->running || !have_text(a, p))
        return;
    if (p->prep.nparams > 0)
        views_ask_values(a, p->sql, p->prep.nparams, values_given);
    else
        start_explain(a, p, true);
}

/* The plan as EXPLAIN prints it, or the statement while there is none. */
static ui_request copy_request(pview *p)
{
    if (!p->plan)
        return (ui_request){.kind = UI_REQ_COPY, .sql = p->sql, .what = "the statement"};
    free(p->copied);
    p->copied = ixt_plan_render_text(p->plan, false);
    return (ui_request){.kind = UI_REQ_COPY, .sql = p->copied, .what = "the plan"};
}

static ui_request pview_key(app *a, ui_view *v, ui_action act, int ch)
{
    pview *p = (pview *)v;
    if (act == ACT_ANALYZE) {
        if (a->opts->review_only)
            app_message(a, true, "read-only review (--review-only): EXPLAIN ANALYZE does not run; "
                                 "the plan shown is the planner's estimate");
        else
            analyze(a, p);
        return UI_HANDLED;
    }
    if ((act == ACT_LAB || act == ACT_COPY) && !have_text(a, p))
        return UI_HANDLED;
    if (act == ACT_LAB)
        return (ui_request){.kind = UI_REQ_LAB, .sql = p->sql, .queryid = p->queryid, .values = p->values,
                            .nvalues = p->nvalues};
    if (act == ACT_COPY)
        return copy_request(p);
    if (!p->plan)
        return UI_IGNORED;
    if (ch == KEY_MOUSE && act == ACT_NONE) {
        p->list.sel = p->list.top + a->click_y - 3;
        list_clamp(&p->list, (int)p->fold.nvisible, p->list_rows);
        return UI_HANDLED;
    }
    if (list_key(&p->list, act, (int)p->fold.nvisible, p->list_rows))
        return UI_HANDLED;
    switch (act) {
    case ACT_HOTTEST:
        if (p->plan->hottest)
            select_node(p, p->plan->hottest);
        return UI_HANDLED;
    case ACT_NEXT_COSTLY: walk_costly(p, 1); return UI_HANDLED;
    case ACT_PREV_COSTLY: walk_costly(p, -1); return UI_HANDLED;
    case ACT_COLLAPSE: case ACT_EXPAND: case ACT_EXPAND_ALL: fold(p, act); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static void pview_destroy(ui_view *v)
{
    pview *p = (pview *)v;
    ixt_explain_prep_free(&p->prep);
    ixt_plan_fold_free(&p->fold);
    ixt_plan_free(p->plan);
    free_values(p);
    free(p->copied);
    free(p->sql);
    free(p);
}

/* The text asked of another node came in: the plan starts. */
static void pview_tick(app *a, ui_view *v)
{
    pview *p = (pview *)v;
    if (!p->text_node[0])
        return;
    char *text;
    ixt_err e;
    int rc = ixt_nodes_text_answer(&a->nodes, p->queryid, &text, &e);
    if (rc == 0)
        return;
    p->text_node[0] = '\0';
    p->running = false;
    a->dirty = true;
    if (!text) {
        snprintf(p->error, sizeof p->error, "%s", e.msg);
        return;
    }
    p->sql = text;
    start_explain(a, p, false);
}

/* A statement the main server did not run (only a standby did) has its
 * text only on the nodes that ran it: asked there, between their
 * refreshes, by the UI that owns their connections. */
static bool ask_other_node(app *a, pview *p)
{
    if (p->sql || !p->queryid || a->nodes.n < 2 || ixt_workload_find(app_mon_wl(a), p->queryid))
        return false;
    const ixt_node *n = ixt_nodes_ask_text(&a->nodes, p->queryid);
    if (!n)
        return false;
    snprintf(p->text_node, sizeof p->text_node, "%s", n->name);
    p->running = true;
    p->started_ms = ixt_now_ms();
    return true;
}

void view_plan_open(app *a, const char *sql, long long queryid)
{
    pview *p = ixt_xcalloc(1, sizeof *p);
    p->base.kind = UI_V_PLAN;
    p->base.title = "Plan";
    p->base.draw = pview_draw;
    p->base.key = pview_key;
    p->base.destroy = pview_destroy;
    p->base.tick = pview_tick;
    p->sql = ixt_xstrdup(sql);
    p->queryid = queryid;
    ixt_script_init(&p->prep.script);
    app_push(a, &p->base);
    if (!ask_other_node(a, p))
        start_explain(a, p, false);
}
