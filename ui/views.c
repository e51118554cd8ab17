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

static struct {
    char *sql;
    int nparams;
    char **values;
    int n;
    void (*done)(app *, char **, int, bool);
} ask;

static void ask_next(app *a);

static void value_done(app *a, const char *text, bool ok)
{
    if (ok) {
        /* an empty answer is SQL NULL (LIMIT NULL: no limit) */
        ask.values[ask.n++] = text[0] ? ixt_xstrdup(text) : NULL;
        ask_next(a);
        return;
    }
    for (int i = 0; i < ask.n; i++)
        free(ask.values[i]);
    free(ask.values);
    free(ask.sql);
    ask.sql = NULL;
    ask.done(a, NULL, 0, false);
}

static void ask_next(app *a)
{
    if (ask.n >= ask.nparams) {
        free(ask.sql);
        ask.sql = NULL;
        ask.done(a, ask.values, ask.n, true);
        return;
    }
    char label[256];
    char **hints = NULL;
    ixt_conn *lab = jobs_lab_idle(a->jobs);
    int nh = lab ? ixt_explain_param_hints(lab, ask.sql, ask.n + 1, &hints, NULL) : 0;
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < nh && i < 4; i++)
        ixt_buf_printf(&b, "%s%s", i ? ", " : " e.g. ", hints[i]);
    snprintf(label, sizeof label, "$%d%s (empty: NULL): ", ask.n + 1, b.s ? b.s : "");
    app_input(a, label, nh > 0 ? hints[0] : NULL, NULL, value_done);
    for (int i = 0; i < nh; i++)
        free(hints[i]);
    free(hints);
    ixt_buf_free(&b);
}

void views_ask_values(app *a, const char *sql, int nparams, void (*done)(app *, char **, int, bool))
{
    free(ask.sql);
    ask.sql = ixt_xstrdup(sql);
    ask.nparams = nparams;
    ask.values = ixt_xcalloc((size_t)nparams + 1, sizeof *ask.values);
    ask.n = 0;
    ask.done = done;
    ask_next(a);
}
