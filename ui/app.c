/* app: terminal set-up, the poll() event loop, the monitor refresh
 * pipeline, the frame around every view (title, status line, key bar,
 * help overlay), and navigation: the views' requests are acted on here. */
#include "app.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "sigcancel.h"
#include "ui_theme.h"
#include "view_advice.h"
#include "view_lab.h"
#include "view_plan.h"
#include "view_queries.h"
#include "view_review.h"
#include "views.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define TICK_MS 250
#define JOB_TICK_MS 100   /* the running line's clock */
#define RECONNECT_MS 2000
#define BIG_RESULT_ROWS 10000
#define COSTLY_LIST_MIN 1000 /* statements before a refresh's cost is worth a word */

void app_message(app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    ixt_squash_ws(a->message);
    a->message_is_error = error;
    a->message_until_ms = ixt_now_ms() + (error ? 8000 : 4000);
    a->dirty = true;
}

void app_push(app *a, ui_view *v)
{
    v->below = a->view;
    a->view = v;
    a->dirty = true;
}

void app_pop(app *a)
{
    ui_view *v = a->view;
    if (!v || !v->below)
        return;
    a->view = v->below;
    jobs_orphan(a->jobs, v);
    if (v->destroy)
        v->destroy(v);
    a->dirty = true;
}

/* ===== monitor: numbers, then new texts, then activity ===== */

ixt_workload *app_mon_wl(app *a)
{
    return a->nodes.n > 1 ? &a->nodes.items[0].wl : &a->wl;
}

/* With other nodes, the list shows their snapshots merged. */
static void merge_nodes(app *a)
{
    if (a->nodes.n > 1)
        ixt_nodes_merge(&a->nodes, app_mon_wl(a), &a->wl);
    a->dirty = true;
}

/* Adds a node typed in the TUI (O): its first connect runs off the UI
 * thread (a server that does not answer would freeze the screen for the
 * connect timeout); the status line says so until ixt_nodes_tick has its
 * outcome (node_added). */
static void add_node_done(app *a, const char *text, bool ok)
{
    if (!ok || !text[0])
        return;
    ixt_err e;
    const char *name = ixt_nodes_add_start(&a->nodes, text, 3, &e);
    if (!name)
        app_message(a, true, "%s", e.msg);
    else
        app_message(a, false, "connecting to %s...", name);
}

/* The outcome of the node added with O; the monitor's snapshot moves to the
 * first node when the list becomes a merged one. */
static void node_added(app *a, size_t was_n)
{
    if (was_n == 1 && a->nodes.n > 1) {
        a->nodes.items[0].wl = a->wl;
        ixt_workload_init(&a->wl);
    }
    int rc;
    char msg[IXT_ERR_MAX];
    if (ixt_nodes_added(&a->nodes, &rc, msg, sizeof msg))
        app_message(a, rc != 0, "%s", msg);
}

static void mon_fail(app *a, const char *msg)
{
    a->stage = MON_IDLE;
    if (!ixt_conn_ok(a->mon)) {
        a->connected = false;
        snprintf(a->conn_error, sizeof a->conn_error, "%s", msg);
        a->next_reconnect_ms = ixt_now_ms() + RECONNECT_MS;
    } else {
        app_message(a, true, "%s", msg);
    }
    a->dirty = true;
}

static void mon_send(app *a, mon_stage stage)
{
    const ixt_server_info *in = ixt_conn_info(a->mon);
    ixt_err e;
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    char *sql = NULL, *ids = NULL;
    int rc;
    if (stage == MON_NUMBERS) {
        sql = ixt_workload_numbers_sql(in);
        const char *p[] = {oid};
        rc = ixt_conn_send_fmt(a->mon, sql, 1, p, IXT_WORKLOAD_NUMBERS_FORMAT, &e);
        a->numbers_sent_ms = ixt_now_ms();
    } else if (stage == MON_TEXTS) {
        /* each read of the texts costs the server a pass over its whole
         * text file: the first refresh reads all of them at once, later
         * ones the new statements' */
        if (!ixt_workload_texts_wanted(app_mon_wl(a), 1000, &ids)) {
            mon_send(a, MON_ACTIVITY);
            return;
        }
        sql = ixt_workload_texts_sql(in);
        const char *p[] = {oid, ids};
        rc = ixt_conn_send(a->mon, sql, 2, p, &e);
    } else {
        rc = ixt_conn_send(a->mon, ixt_activity_sql(), 0, NULL, &e);
    }
    free(sql);
    free(ids);
    if (rc != 0)
        mon_fail(a, e.msg);
    else
        a->stage = stage;
}

static void mon_start(app *a)
{
    const ixt_server_info *in = ixt_conn_info(a->mon);
    a->next_refresh_ms = ixt_now_ms() + a->refresh_s * 1000;
    mon_send(a, in->has_pgss ? MON_NUMBERS : MON_ACTIVITY);
}

static void mon_ingest(app *a, PGresult *r)
{
    ixt_err e;
    int rc = 0;
    mon_stage next = MON_IDLE;
    switch (a->stage) {
    case MON_NUMBERS:
        a->numbers_ms = ixt_now_ms() - a->numbers_sent_ms;
        rc = ixt_workload_ingest_numbers(app_mon_wl(a), r, ixt_now_ms(), &e);
        next = MON_TEXTS;
        break;
    case MON_TEXTS:
        rc = ixt_workload_ingest_texts(app_mon_wl(a), r, &e);
        next = MON_ACTIVITY;
        break;
    case MON_ACTIVITY:
        rc = ixt_activity_ingest(&a->act, r, &e);
        a->last_refresh_ms = ixt_now_ms();
        break;
    default:
        break;
    }
    if (a->stage != MON_ACTIVITY)
        merge_nodes(a);
    a->dirty = true;
    if (rc != 0) {
        mon_fail(a, e.msg);
        return;
    }
    if (next == MON_IDLE)
        a->stage = MON_IDLE;
    else
        mon_send(a, next);
}

static void mon_collect(app *a)
{
    PGresult *r;
    ixt_err e;
    int rc = ixt_conn_collect(a->mon, &r, &e);
    if (rc == 0)
        return;
    if (rc < 0 || !r) {
        mon_fail(a, e.msg);
        return;
    }
    bool big = PQntuples(r) >= BIG_RESULT_ROWS;
    mon_ingest(a, r);
    PQclear(r);
    /* the first read of 50,000 texts is ~10 MB of libpq blocks, freed by now:
     * hand the pages back rather than hold them between refreshes */
    if (big)
        malloc_trim(0);
}

static int lab_reconnect_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    (void)j;
    int rc;
    while ((rc = ixt_conn_reconnect_step(lab, e)) == 0)
        poll(NULL, 0, 10);
    return rc < 0 ? -1 : 0;
}

static void lab_reconnect_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    (void)j;
    (void)owner;
    if (end == JOB_DONE)
        sigcancel_watch(a->lab);
    else
        app_message(a, true, "monitor reconnected, lab connection not: %s", msg);
}

static void mon_reconnect(app *a)
{
    if (ixt_now_ms() < a->next_reconnect_ms)
        return;
    ixt_err e;
    int rc = ixt_conn_reconnect_step(a->mon, &e);
    if (rc == 0)
        return;
    if (rc < 0) {
        snprintf(a->conn_error, sizeof a->conn_error, "%s", e.msg);
        a->next_reconnect_ms = ixt_now_ms() + RECONNECT_MS;
        a->dirty = true;
        return;
    }
    a->connected = true;
    a->conn_error[0] = '\0';
    sigcancel_watch(a->mon);
    /* the lab connection went with the server (libpq only notices on its
     * next use): renew it now that the server is back, in its turn */
    jobs_submit(a->jobs, job_new("reconnecting the lab connection", lab_reconnect_run, lab_reconnect_done,
                                 NULL, NULL, NULL));
    app_message(a, false, "reconnected to %s", ixt_conn_label(a->mon));
    mon_start(a);
}

/* ===== the clipboard, through the terminal ===== */

/* OSC 52 asks the terminal (xterm, iTerm2, kitty, Windows Terminal; tmux
 * with set-clipboard on) to put text on the clipboard of the machine the
 * DBA sits at, so it works over SSH.  The sequence moves no cursor; it is
 * written after ncurses has flushed the frame so the two never interleave. */
static void clipboard_copy(app *a, const char *text, const char *what)
{
    if (!text || !text[0]) {
        app_message(a, true, "nothing to copy");
        return;
    }
    size_t len = strlen(text);
    char *b64 = ixt_base64(text, len);
    free(a->clipboard);
    a->clipboard = ixt_xasprintf("\033]52;c;%s\a", b64);
    free(b64);
    char sz[32];
    app_message(a, false, "copied %s (%s) to the clipboard", what, ixt_fmt_bytes((double)len, sz, sizeof sz));
}

/* The list keeps a one-line prefix of each text: y there copies the text as
 * the server keeps it, read by query id in a job like the plan's. */
typedef struct copy_ctx {
    long long queryid;
    char *listed;              /* the list's line, if the whole text cannot be read */
    char *text;
} copy_ctx;

static void copy_ctx_free(void *p)
{
    copy_ctx *c = p;
    free(c->listed);
    free(c->text);
    free(c);
}

static int copy_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    copy_ctx *c = j->ctx;
    c->text = ixt_workload_full_text(lab, (int64_t)c->queryid, e);
    return c->text ? 0 : -1;
}

static void copy_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    (void)owner;
    copy_ctx *c = j->ctx;
    if (end == JOB_DONE)
        clipboard_copy(a, c->text, "the statement");
    else if (end == JOB_CANCELLED)
        app_message(a, true, "copy cancelled");
    else {
        clipboard_copy(a, c->listed, "the statement as listed, on one line");
        app_message(a, true, "copied the statement as listed, on one line: %s", msg);
    }
}

static void copy_statement(app *a, long long queryid, const char *listed)
{
    copy_ctx *c = ixt_xmalloc(sizeof *c);
    *c = (copy_ctx){.queryid = queryid, .listed = ixt_xstrdup(listed ? listed : "")};
    jobs_submit(a->jobs, job_new("reading the statement's text", copy_run, copy_done, c, copy_ctx_free, NULL));
}

static void clipboard_flush(app *a)
{
    if (!a->clipboard)
        return;
    const char *p = a->clipboard;
    size_t left = strlen(p);
    while (left > 0) {
        ssize_t n = write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    free(a->clipboard);
    a->clipboard = NULL;
}

/* ===== frame ===== */

static void draw_title(app *a)
{
    attr_t t = draw_style(IXT_ROLE_TITLE);
    draw_fill(0, 0, COLS, t);
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, " idxtune ");
    ui_view *chain[8];
    int n = 0;
    for (ui_view *v = a->view; v && n < 8; v = v->below)
        chain[n++] = v;
    for (int i = n - 1; i >= 0; i--)
        ixt_buf_printf(&b, "%s%s", i == n - 1 ? "| " : " > ", chain[i]->title);
    int used = draw_text(0, 0, COLS, b.s, t | A_BOLD, true);
    ixt_buf_free(&b);
    const char *label = ixt_conn_label(a->mon);
    int lw = draw_width(label) + 1;
    if (used + lw + 2 < COLS)
        draw_text(0, COLS - lw, lw, label, t, true);
}

static void status_text(app *a, ixt_buf *b)
{
    const ixt_server_info *in = ixt_conn_info(a->mon);
    char note[256];
    if (!a->connected) {
        ixt_buf_printf(b, "server unreachable, retrying: %s", a->conn_error);
        return;
    }
    ixt_buf_printf(b, " PG %s | HypoPG %s | refresh %.1fs", in->version,
                   in->has_hypopg ? "yes" : (in->hypopg_available ? "not installed" : "missing"),
                   a->refresh_s);
    if (a->paused)
        ixt_buf_add(b, " PAUSED");
    else if (a->last_refresh_ms > 0)
        ixt_buf_printf(b, ", updated %.0f s ago", (ixt_now_ms() - a->last_refresh_ms) / 1000);
    if (a->nodes.n > 1) {
        ixt_buf_add(b, " | nodes");
        for (size_t i = 0; i < a->nodes.n; i++)
            ixt_buf_printf(b, "%s%s%s", i ? ", " : " ", a->nodes.items[i].name,
                           a->nodes.items[i].up ? "" : " DOWN");
    }
    if (a->nodes.adding)
        ixt_buf_printf(b, " | connecting to %s...", a->nodes.adding->name);
    char down[IXT_ERR_MAX];
    if (ixt_nodes_down_text(&a->nodes, down, sizeof down))
        ixt_buf_printf(b, " | %s", down);
    /* what each refresh of the list costs the server, said plainly; past
     * 5 % of the server's time the slower refresh is offered, not imposed */
    if (a->numbers_ms > 0 && app_mon_wl(a)->n >= COSTLY_LIST_MIN) {
        ixt_buf_printf(b, " | refresh %.0f ms on the server", a->numbers_ms);
        if (a->numbers_ms > a->refresh_s * 1000 * 0.05)
            ixt_buf_add(b, " ('-' refreshes less often)");
    }
    if (!in->has_pgss)
        ixt_buf_printf(b, " | %s", in->pgss_problem);
    else if (ixt_workload_hidden_note(&a->wl, note, sizeof note))
        ixt_buf_printf(b, " | %s", note);
}

static void draw_status(app *a)
{
    int y = LINES - 2;
    char job[256];
    if (jobs_running_line(a->jobs, job, sizeof job)) {
        attr_t jt = draw_style(IXT_ROLE_COST_WARM) | A_BOLD;
        draw_fill(y, 0, COLS, jt);
        draw_text(y, 1, COLS - 2, job, jt, true);
        return;
    }
    bool msg = a->message[0] && ixt_now_ms() < a->message_until_ms;
    attr_t st = draw_style(IXT_ROLE_STATUS);
    if (msg || !a->connected)
        st = draw_style(msg && !a->message_is_error ? IXT_ROLE_STATUS : IXT_ROLE_ERROR);
    draw_fill(y, 0, COLS, st);
    if (msg) {
        draw_text(y, 1, COLS - 2, a->message, st, true);
        return;
    }
    ixt_buf b;
    ixt_buf_init(&b);
    status_text(a, &b);
    draw_text(y, 0, COLS, b.s, st, true);
    ixt_buf_free(&b);
}

static void draw_keybar(app *a)
{
    int y = LINES - 1;
    attr_t key = draw_style(IXT_ROLE_KEY), label = draw_style(IXT_ROLE_KEYBAR);
    draw_fill(y, 0, COLS, label);
    if (a->view->kind == 0)
        return;
    int x = 0;
    for (const ui_key *k = ui_key_table(); k->action != ACT_NONE && x < COLS; k++) {
        if (!k->bar || !(k->views & a->view->kind))
            continue;
        char kn[8];
        snprintf(kn, sizeof kn, "%.*s", (int)strcspn(k->keyname, " "), k->keyname);
        int need = draw_width(kn) + draw_width(k->bar) + 1;
        if (x + need > COLS)
            break;
        x += draw_text(y, x, COLS - x, kn, key, false);
        x += draw_text(y, x, COLS - x, k->bar, label, false);
        x += 1;
    }
}

static void draw_help(app *a)
{
    int h = LINES - 4, w = COLS > 90 ? 84 : COLS - 4;
    int y0 = 2, x0 = (COLS - w) / 2;
    attr_t n = draw_style(IXT_ROLE_NORMAL), hd = draw_style(IXT_ROLE_HEADER);
    for (int i = 0; i < h; i++)
        draw_fill(y0 + i, x0, w, n);
    draw_fill(y0, x0, w, hd);
    char title[128];
    snprintf(title, sizeof title, " Keys: %s  (Esc or q closes, j/k scroll)", a->view->title);
    draw_text(y0, x0, w, title, hd, true);
    int line = 0, shown = 0;
    for (const ui_key *k = ui_key_table(); k->action != ACT_NONE; k++) {
        if (!(k->views & a->view->kind))
            continue;
        if (line++ < a->help_scroll || shown >= h - 2)
            continue;
        draw_text(y0 + 1 + shown, x0 + 2, 20, k->keyname, draw_style(IXT_ROLE_KEY), false);
        draw_text(y0 + 1 + shown, x0 + 22, w - 24, k->help, n, true);
        shown++;
    }
}

static void draw_too_small(void)
{
    erase();
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small: %dx%d, idxtune needs %dx%d", COLS, LINES,
             MIN_COLS, MIN_ROWS);
    mvaddnstr(LINES / 2, 0, msg, COLS);
    mvaddnstr(LINES / 2 + 1, 0, "enlarge the window, or press q to quit", COLS);
}

static void draw_all(app *a)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        draw_too_small();
    } else {
        draw_title(a);
        a->view->draw(a, a->view, 1, LINES - 3);
        draw_status(a);
        if (a->help_open)
            draw_help(a);
        else if (!views_draw_input(a))
            draw_keybar(a);
    }
    curs_set(views_input_active(a) ? 1 : 0);
    refresh();
    clipboard_flush(a);
    a->dirty = false;
}

/* ===== keys ===== */

static void help_key(app *a, int ch)
{
    if (ch == 'j' || ch == KEY_DOWN)
        a->help_scroll++;
    else if ((ch == 'k' || ch == KEY_UP) && a->help_scroll > 0)
        a->help_scroll--;
    else
        a->help_open = false;
}

/* The next theme that loads: a broken file is reported and skipped. */
static void cycle_theme(app *a)
{
    if (a->ntheme_names == 0)
        return;
    size_t i = 0;
    while (i < a->ntheme_names && strcmp(a->theme_names[i], a->theme.name) != 0)
        i++;
    ixt_err e, first;
    first.msg[0] = '\0';
    for (size_t step = 1; step <= a->ntheme_names; step++) {
        const char *next = a->theme_names[(i + step) % a->ntheme_names];
        if (ixt_theme_load(next, &a->theme, &e) == 0) {
            ui_theme_apply(&a->theme, a->color);
            if (first.msg[0])
                app_message(a, true, "%s; theme: %s", first.msg, a->theme.name);
            else
                app_message(a, false, "theme: %s", a->theme.name);
            return;
        }
        if (!first.msg[0])
            first = e;
    }
    app_message(a, true, "%s", first.msg);
}

static void global_key(app *a, ui_action act)
{
    switch (act) {
    case ACT_QUIT: a->quit = views_confirm_quit(a); break;
    case ACT_HELP: a->help_open = true; a->help_scroll = 0; break;
    case ACT_BACK: app_pop(a); break;
    case ACT_THEME: cycle_theme(a); break;
    case ACT_REDRAW: clearok(curscr, TRUE); break;
    case ACT_REVIEW:
        if (a->view->kind != UI_V_REVIEW)
            view_review_open(a);
        break;
    case ACT_ADD_NODE:
        app_input(a, "Another server of the cluster (conninfo or URI): ", "", NULL, add_node_done);
        break;
    default: break;
    }
}

static void query_typed(app *a, const char *text, bool ok)
{
    if (ok && text[0])
        view_plan_open(a, text, 0);
}

/* Navigation: what a view's key asked for.  act is the key's action, for
 * the keys no view took. */
static void act_on(app *a, ui_request r, ui_action act)
{
    switch (r.kind) {
    case UI_REQ_NONE: global_key(a, act); break;
    case UI_REQ_HANDLED: break;
    case UI_REQ_PLAN: view_plan_open(a, r.sql, r.queryid); break;
    case UI_REQ_ASK_QUERY: app_input(a, "Query: ", NULL, NULL, query_typed); break;
    case UI_REQ_LAB: view_lab_open(a, r.sql, r.queryid, r.values, r.nvalues, r.def); break;
    case UI_REQ_ADVICE: view_advice_open(a); break;
    case UI_REQ_COPY:
        if (r.queryid)
            copy_statement(a, r.queryid, r.sql);
        else
            clipboard_copy(a, r.sql, r.what);
        break;
    }
}

void app_request(app *a, ui_request r)
{
    act_on(a, r, ACT_NONE);
}

static void mouse_key(app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & BUTTON4_PRESSED)
        act_on(a, a->view->key(a, a->view, ACT_UP, KEY_MOUSE), ACT_NONE);
    else if (ev.bstate & BUTTON5_PRESSED)
        act_on(a, a->view->key(a, a->view, ACT_DOWN, KEY_MOUSE), ACT_NONE);
    else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
        act_on(a, views_click(a, ev.y, ev.x), ACT_NONE);
}

static void handle_key(app *a, int ch)
{
    a->dirty = true;
    if (ch == KEY_RESIZE)
        return;
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        if (ch == 'q')
            a->quit = true;
        return;
    }
    if (a->help_open) {
        help_key(a, ch);
        return;
    }
    if (views_input_key(a, ch))
        return;
    if (ch == 27 && jobs_waited_for(a->jobs)) {
        jobs_cancel(a->jobs);
        return;
    }
    if (ch == KEY_MOUSE) {
        mouse_key(a);
        return;
    }
    ui_action act = ui_key_action(a->view->kind, ch);
    act_on(a, a->view->key(a, a->view, act, ch), act);
}

/* ===== loop ===== */

static void loop_once(app *a)
{
    struct pollfd fds[3 + IXT_CONFIG_NODES * 2];
    int nfds = 0;
    fds[nfds++] = (struct pollfd){.fd = 0, .events = POLLIN};
    fds[nfds++] = (struct pollfd){.fd = jobs_fd(a->jobs), .events = POLLIN};
    int mon_fd = a->connected && ixt_conn_busy(a->mon) ? ixt_conn_socket(a->mon) : -1;
    if (mon_fd >= 0)
        fds[nfds++] = (struct pollfd){.fd = mon_fd, .events = POLLIN};
    int node_fds[IXT_CONFIG_NODES * 2];
    size_t nnode = ixt_nodes_sockets(&a->nodes, node_fds, IXT_CONFIG_NODES * 2);
    for (size_t i = 0; i < nnode; i++)
        fds[nfds++] = (struct pollfd){.fd = node_fds[i], .events = POLLIN};
    bool working = jobs_waited_for(a->jobs);
    static double turn_start_ms;
    if (turn_start_ms > 0) {
        double turn = ixt_now_ms() - turn_start_ms;
        a->loop_max_ms = fmax(a->loop_max_ms, turn);
        /* once the first refresh has read all the texts */
        if (a->last_refresh_ms > 0 && a->last_refresh_ms < turn_start_ms)
            a->loop_steady_max_ms = fmax(a->loop_steady_max_ms, turn);
    }
    int rc = poll(fds, (nfds_t)nfds, working ? JOB_TICK_MS : TICK_MS);
    turn_start_ms = ixt_now_ms();
    /* the terminal went away (ssh dropped): nothing more will come */
    if ((rc < 0 && errno != EINTR) || (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) || sigcancel_caught()) {
        a->quit = true;
        return;
    }
    if (working)
        a->dirty = true;
    int ch;
    while ((ch = getch()) != ERR && !a->quit)
        handle_key(a, ch);
    if (fds[1].revents & POLLIN)
        jobs_collect(a->jobs, a);
    if (mon_fd >= 0 && ixt_conn_busy(a->mon))
        mon_collect(a);
    double now = ixt_now_ms();
    size_t was_n = a->nodes.n;
    bool changed = ixt_nodes_tick(&a->nodes, now, a->paused ? 0 : a->refresh_s * 1000);
    node_added(a, was_n);
    if (changed)
        merge_nodes(a);
    if (!a->connected)
        mon_reconnect(a);
    else if (!a->paused && a->stage == MON_IDLE && now >= a->next_refresh_ms)
        mon_start(a);
    for (ui_view *v = a->view; v; v = v->below)
        if (v->tick)
            v->tick(a, v);
    /* The status line shows the refresh age: redraw it once a second. */
    static const double AGE_MS = 1000;
    if (a->last_refresh_ms > 0 && now - a->last_refresh_ms >= AGE_MS &&
        (long)((now - a->last_refresh_ms) / AGE_MS) != (long)((now - a->last_refresh_ms - TICK_MS) / AGE_MS))
        a->dirty = true;
    if (a->message[0] && now >= a->message_until_ms) {
        a->message[0] = '\0';
        a->dirty = true;
    }
}

#define WIND_DOWN_MS 3000

/* Leaving with work under way on the lab connection (a signal, a lost
 * terminal): cancel it and let the jobs' scripts run their clean-up
 * (ROLLBACK) before the connection closes. */
static void wind_down(app *a)
{
    if (!jobs_stop(a->jobs, WIND_DOWN_MS))
        a->lab = NULL;   /* still in the worker's hands: closed by the exit */
    a->jobs = NULL;
}

/* IXT_LOOP_STATS=FILE: the longest turn of the loop outside poll(), i.e.
 * the longest the keyboard waited, written when idxtune ends; and the same
 * after the first refresh (which reads every text once). */
static void loop_stats(const app *a)
{
    const char *path = getenv("IXT_LOOP_STATS");
    FILE *f = path && path[0] ? fopen(path, "w") : NULL;
    if (!f)
        return;
    fprintf(f, "max_blocked_ms %.1f\nsteady_max_blocked_ms %.1f\n", a->loop_max_ms, a->loop_steady_max_ms);
    fclose(f);
}

/* The nodes of --node: one that is down at start is shown as down and
 * rejoins; one of another cluster stops idxtune. */
static int app_nodes_open(app *a, ixt_err *e)
{
    ixt_nodes_init(&a->nodes, a->mon);
    for (int i = 0; i < a->opts->cfg.nnodes; i++) {
        ixt_err ne;
        if (ixt_nodes_add(&a->nodes, a->opts->cfg.nodes[i], 0, &ne) < 0) {
            *e = ne;
            return -1;
        }
    }
    return 0;
}

static bool want_ascii(const ixt_opts *o)
{
    return o->cfg.ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
}

static bool want_color(const ixt_opts *o)
{
    return ixt_color_wanted(o->cfg.no_color, getenv("NO_COLOR")) && has_colors();
}

static void load_themes(app *a)
{
    ixt_err e;
    a->ntheme_names = ixt_theme_list(&a->theme_names);
    if (ixt_theme_load(a->opts->cfg.theme, &a->theme, &e) != 0) {
        ixt_theme_builtin(&a->theme);
        app_message(a, true, "%s (using the built-in theme)", e.msg);
    }
}

/* Out of memory aborts; the terminal must not be left raw behind it. */
static void terminal_restore(void)
{
    if (!isendwin())
        endwin();
}

static void terminal_start(app *a)
{
    ixt_set_oom_hook(terminal_restore);
    initscr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    draw_set_ascii(a->ascii);
    a->color = want_color(a->opts);
    if (a->color) {
        start_color();
        use_default_colors();
    }
    if (a->opts->cfg.mouse)
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    ui_theme_apply(&a->theme, a->color);
}

static void app_free(app *a)
{
    while (a->view) {
        ui_view *v = a->view;
        a->view = v->below;
        if (v->destroy)
            v->destroy(v);
    }
    view_lab_store_free(a);
    ixt_workload_free(&a->wl);
    ixt_nodes_free(&a->nodes);
    ixt_activity_free(&a->act);
    ixt_review_free(&a->review);
    free(a->review_changes);
    ixt_theme_list_free(a->theme_names, a->ntheme_names);
    free(a->clipboard);
    ixt_conn_close(a->lab);
    ixt_conn_close(a->mon);
}

int app_run(ixt_opts *opts)
{
    setlocale(LC_ALL, "");
    /* each refresh of 50,000 statements allocates a few blocks of several
     * hundred KB (libpq's arrays, the sorted rows) and frees them: keep
     * them in their own mappings, handed back when freed, rather than let
     * glibc raise its threshold and hold them in the heap */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (!isatty(0) || !isatty(1)) {
        fprintf(stderr, "idxtune: the terminal UI needs a terminal; for scripts use the batch commands "
                        "(idxtune top --once, explain, try, advise, export)\n");
        return 2;
    }
    if ((opts->review_only || opts->diff_from) && !opts->load_file) {
        fprintf(stderr, "idxtune: --review-only and --diff-from go with --load FILE\n");
        return 2;
    }
    app a;
    memset(&a, 0, sizeof a);
    a.opts = opts;
    a.refresh_s = opts->cfg.refresh;
    a.ascii = want_ascii(opts);
    ixt_err e;
    a.mon = ixt_conn_open(&opts->conn, "monitor", &e);
    if (!a.mon) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    a.lab = ixt_conn_open(&opts->conn, "lab", &e);
    if (!a.lab) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_conn_close(a.mon);
        return 1;
    }
    a.connected = true;
    sigcancel_watch(a.mon);
    sigcancel_watch(a.lab);

    ixt_workload_init(&a.wl);
    if (app_nodes_open(&a, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_nodes_free(&a.nodes);
        ixt_conn_close(a.lab);
        ixt_conn_close(a.mon);
        return 1;
    }
    if (opts->load_file && ixt_review_load(&a.review, opts->load_file, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_nodes_free(&a.nodes);
        ixt_conn_close(a.lab);
        ixt_conn_close(a.mon);
        return 1;
    }
    a.jobs = jobs_start(a.lab);
    if (!a.jobs) {
        fprintf(stderr, "idxtune: cannot start the worker thread\n");
        ixt_nodes_free(&a.nodes);
        ixt_conn_close(a.lab);
        ixt_conn_close(a.mon);
        return 1;
    }
    /* a reviewer's own connection is not where the indexes were chosen */
    if (!opts->review_only) {
        free(a.review.conn_label);
        free(a.review.server_version);
        a.review.conn_label = ixt_xstrdup(ixt_conn_label(a.mon));
        a.review.server_version = ixt_xstrdup(ixt_conn_info(a.mon)->version);
    }
    load_themes(&a);
    signal(SIGPIPE, SIG_IGN);
    terminal_start(&a);
    app_push(&a, view_queries_new());
    if (opts->diff_from && view_review_open_changes(&a, opts->diff_from, &e) != 0)
        app_message(&a, true, "%s", e.msg);
    else if (opts->review_only && !opts->diff_from)
        view_review_open(&a);
    mon_start(&a);
    a.dirty = true;
    while (!a.quit) {
        if (a.dirty)
            draw_all(&a);
        loop_once(&a);
    }
    wind_down(&a);
    endwin();
    loop_stats(&a);
    app_free(&a);
    return 0;
}
