/* views: the line editor and the mouse, shared by every screen. */
#include "views.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"

void app_input(app *a, const char *label, const char *initial,
               void (*changed)(app *, const char *),
               void (*done)(app *, const char *, bool))
{
    a->input_on = true;
    line_set(&a->input, initial);
    snprintf(a->input_label, sizeof a->input_label, "%s", label);
    a->input_changed = changed;
    a->input_done = done;
    a->input_complete = NULL;
    a->dirty = true;
}

bool views_input_active(const app *a)
{
    return a->input_on;
}

void views_confirm(app *a, const char *question, void (*done)(app *, bool))
{
    snprintf(a->input_label, sizeof a->input_label, "%s", question);
    a->confirm_done = done;
    a->dirty = true;
}

static bool confirm_key(app *a, int ch)
{
    if (ch == KEY_RESIZE || ch == KEY_MOUSE)
        return true;
    bool yes = ch == 'y' || ch == 'Y';
    if (!yes && ch != 'n' && ch != 'N' && ch != 27)
        return true;
    void (*done)(app *, bool) = a->confirm_done;
    a->confirm_done = NULL;
    app_message(a, false, "%s %s", a->input_label, yes ? "yes" : "no");
    done(a, yes);
    return true;
}

bool views_draw_input(app *a)
{
    if (a->confirm_done) {
        draw_fill(LINES - 1, 0, COLS, draw_style(IXT_ROLE_KEYBAR));
        int x = draw_text(LINES - 1, 0, COLS, a->input_label, draw_style(IXT_ROLE_KEYBAR) | A_BOLD, false);
        draw_text(LINES - 1, x, COLS - x, " y/n (Esc: no)", draw_style(IXT_ROLE_KEY), false);
        return true;
    }
    if (!a->input_on)
        return false;
    line_draw(&a->input, LINES - 1, 0, COLS, a->input_label, draw_style(IXT_ROLE_NORMAL));
    return true;
}

bool views_input_key(app *a, int ch)
{
    if (a->confirm_done)
        return confirm_key(a, ch);
    if (!a->input_on)
        return false;
    if (ch == KEY_RESIZE || ch == KEY_MOUSE)
        return true;
    if (ch == '\t' && a->input_complete) {
        a->input_complete(a, &a->input);
        return true;
    }
    line_state st = line_key(&a->input, ch);
    if (st == LINE_EDITING) {
        if (a->input_changed)
            a->input_changed(a, a->input.buf);
        return true;
    }
    a->input_on = false;
    if (a->input_done)
        a->input_done(a, a->input.buf, st == LINE_DONE);
    return true;
}

ui_request views_click(app *a, int y, int x)
{
    (void)x;
    a->click_y = y;
    return a->view->key(a, a->view, ACT_NONE, KEY_MOUSE);
}

void list_clamp(ui_list *l, int n, int rows)
{
    if (l->sel >= n)
        l->sel = n - 1;
    if (l->sel < 0)
        l->sel = 0;
    if (rows < 1)
        rows = 1;
    if (l->top > l->sel)
        l->top = l->sel;
    if (l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    if (l->top > n - rows)
        l->top = n - rows;
    if (l->top < 0)
        l->top = 0;
}

bool list_key(ui_list *l, ui_action act, int n, int rows)
{
    switch (act) {
    case ACT_UP: l->sel--; break;
    case ACT_DOWN: l->sel++; break;
    case ACT_PGUP: l->sel -= rows; break;
    case ACT_PGDN: l->sel += rows; break;
    case ACT_HALF_UP: l->sel -= rows / 2; break;
    case ACT_HALF_DOWN: l->sel += rows / 2; break;
    case ACT_TOP: l->sel = 0; break;
    case ACT_BOTTOM: l->sel = n - 1; break;
    default: return false;
    }
    list_clamp(l, n, rows);
    return true;
}

static void quit_answered(app *a, bool yes)
{
    a->quit = yes;
}

bool views_confirm_quit(app *a)
{
    if (a->review.n == 0 || !a->review.unsaved)
        return true;
    char label[160];
    snprintf(label, sizeof label, "%d accepted index%s not exported or saved: quit anyway?",
             a->review.n, a->review.n == 1 ? " is" : "es are");
    views_confirm(a, label, quit_answered);
    return false;
}

/* ===== parameter values, asked one at a time ===== */

/* The prompt shows at once; the pg_stats suggestions for every parameter
 * are read by a job and fill in the prompt on screen unless the user has
 * typed into it already. */
static struct {
    char *sql;
    int nparams;
    char **values;
    int n;
    bool typed;              /* the user edited the current prompt */
    unsigned gen;            /* which ask a hints job belongs to */
    bool hints_known;
    char ***hints;           /* [nparams], each NULL-terminated.  owned */
    void (*done)(app *, char **, int, bool);
} ask;

typedef struct hints_job {
    unsigned gen;
    char *sql;
    int nparams;
    char ***hints;
} hints_job;

static void free_hints(char ***hints, int n)
{
    for (int p = 0; hints && p < n; p++) {
        for (int i = 0; hints[p] && hints[p][i]; i++)
            free(hints[p][i]);
        free(hints[p]);
    }
    free(hints);
}

static void hints_job_free(void *ctx)
{
    hints_job *h = ctx;
    free_hints(h->hints, h->nparams);
    free(h->sql);
    free(h);
}

/* Suggestions are a help, not a need: a parameter without them (or a failed
 * read) just gets none. */
static int hints_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    hints_job *h = j->ctx;
    (void)e;
    for (int p = 0; p < h->nparams && !job_cancelled(j); p++) {
        char **out = NULL;
        ixt_explain_param_hints(lab, h->sql, p + 1, &out, NULL);
        h->hints[p] = out;
    }
    return 0;
}

static void ask_end(void)
{
    free(ask.sql);
    ask.sql = NULL;
    free_hints(ask.hints, ask.nparams);
    ask.hints = NULL;
}

static void ask_prompt(app *a);

static void value_typed(app *a, const char *text)
{
    (void)a, (void)text;
    ask.typed = true;
}

static void value_done(app *a, const char *text, bool ok)
{
    if (ok) {
        /* an empty answer is SQL NULL (LIMIT NULL: no limit) */
        ask.values[ask.n++] = text[0] ? ixt_xstrdup(text) : NULL;
        if (ask.n < ask.nparams) {
            ask_prompt(a);
            return;
        }
        ask_end();
        ask.done(a, ask.values, ask.n, true);
        return;
    }
    for (int i = 0; i < ask.n; i++)
        free(ask.values[i]);
    free(ask.values);
    ask_end();
    ask.done(a, NULL, 0, false);
}

static void ask_prompt(app *a)
{
    char label[256];
    char **hints = ask.hints_known ? ask.hints[ask.n] : NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; hints && hints[i] && i < 4; i++)
        ixt_buf_printf(&b, "%s%s", i ? ", " : " e.g. ", hints[i]);
    snprintf(label, sizeof label, "$%d%s (empty: NULL): ", ask.n + 1,
             b.s ? b.s : ask.hints_known ? "" : " (reading suggestions from pg_stats)");
    ask.typed = false;
    app_input(a, label, hints && hints[0] ? hints[0] : NULL, value_typed, value_done);
    ixt_buf_free(&b);
}

static void hints_done(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg)
{
    hints_job *h = j->ctx;
    (void)owner, (void)end, (void)msg;
    if (h->gen != ask.gen || !ask.sql)
        return;   /* that question was answered or given up */
    ask.hints = h->hints;
    h->hints = NULL;
    ask.hints_known = true;
    if (a->input_on && a->input_done == value_done && !ask.typed)
        ask_prompt(a);
}

void views_ask_values(app *a, const char *sql, int nparams, void (*done)(app *, char **, int, bool))
{
    ask_end();
    ask.sql = ixt_xstrdup(sql);
    ask.nparams = nparams;
    ask.values = ixt_xcalloc((size_t)nparams + 1, sizeof *ask.values);
    ask.n = 0;
    ask.done = done;
    ask.gen++;
    ask.hints_known = false;
    hints_job *h = ixt_xcalloc(1, sizeof *h);
    h->gen = ask.gen;
    h->sql = ixt_xstrdup(sql);
    h->nparams = nparams;
    h->hints = ixt_xcalloc((size_t)nparams, sizeof *h->hints);
    /* quiet: the prompt itself is on screen, and Esc there gives up both */
    ui_job *j = job_new("reading suggestions from pg_stats", hints_run, hints_done, h, hints_job_free, NULL);
    j->quiet = true;
    jobs_submit(a->jobs, j);
    ask_prompt(a);
}
