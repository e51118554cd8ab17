/* views: the line editor and the mouse, shared by every screen. */
#include "views.h"

#include <string.h>

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

bool views_draw_input(app *a)
{
    if (!a->input_on)
        return false;
    line_draw(&a->input, LINES - 1, 0, COLS, a->input_label, draw_style(IXT_ROLE_NORMAL));
    return true;
}

bool views_input_key(app *a, int ch)
{
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

void views_click(app *a, int y, int x)
{
    (void)x;
    a->click_y = y;
    a->view->key(a, a->view, ACT_NONE, KEY_MOUSE);
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

static void quit_answered(app *a, const char *text, bool ok)
{
    a->quit = ok && (text[0] == 'y' || text[0] == 'Y');
}

bool views_confirm_quit(app *a)
{
    if (a->review.n == 0 || !a->review.unsaved)
        return true;
    char label[160];
    snprintf(label, sizeof label, "%d accepted index%s not exported or saved: quit anyway? y/n: ",
             a->review.n, a->review.n == 1 ? " is" : "es are");
    app_input(a, label, NULL, NULL, quit_answered);
    return false;
}
