/* views: what the screens share (lists, the line editor, questions, the
 * Indexes tab of the first screen).  Each screen has its own header
 * (view_*.h) that only app.c includes: a view asks for another one by
 * returning a request from its key handler, never by opening it. */
#ifndef IDXTUNE_UI_VIEWS_H
#define IDXTUNE_UI_VIEWS_H

#include "app.h"

/* Selection and scrolling of a list of n rows shown in `rows` lines. */
typedef struct ui_list {
    int sel;
    int top;
} ui_list;

/* Applies a movement action; true when act was one. */
bool list_key(ui_list *l, ui_action act, int n, int rows);
/* Keeps sel inside 0..n-1 and visible. */
void list_clamp(ui_list *l, int n, int rows);

/* The Indexes tab of the first screen: the health of existing indexes. */
typedef struct ui_indexes ui_indexes;
ui_indexes *indexes_tab_new(void);      /* caller frees with indexes_tab_free */
void indexes_tab_free(ui_indexes *x);
/* " Indexes (12) ", or " Indexes (…) " until the first read ends. */
void indexes_tab_title(const ui_indexes *x, bool ascii, char *buf, size_t len);
/* Reads the indexes again, as a job on the lab connection; the current
 * view (the Queries screen holding x) is the job's owner. */
void indexes_tab_reload(app *a, ui_indexes *x);
void indexes_tab_draw(app *a, ui_indexes *x, int top, int rows);
ui_request indexes_tab_key(app *a, ui_indexes *x, ui_action act, int ch);

/* Asks for the values of $1..$n one at a time, offering values from
 * pg_stats (read by a job: the prompt shows at once and the suggestions
 * fill it in when they arrive, unless typed over); done gets them (NULL entries
 * are SQL NULL; values: callee frees) or ok false on Esc. */
void views_ask_values(app *a, const char *sql, int nparams,
                      void (*done)(app *a, char **values, int n, bool ok));

/* A y/n question answered with one key (Esc is no); the answer stays shown
 * on the status line. */
void views_confirm(app *a, const char *question, void (*done)(app *a, bool yes));

/* The line editor, drawn in place of the key bar while it is open. */
bool views_draw_input(app *a);
bool views_input_active(const app *a);
bool views_input_key(app *a, int ch);
/* A mouse click at a screen position: what the view asks for. */
ui_request views_click(app *a, int y, int x);
/* Whether q may quit now (asks first when work would be lost). */
bool views_confirm_quit(app *a);

#endif
