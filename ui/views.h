/* views: the screens of the TUI and what they share. */
#ifndef IDXTUNE_UI_VIEWS_H
#define IDXTUNE_UI_VIEWS_H

#include "app.h"

ui_view *view_queries_new(void);   /* freed through its destroy */
/* Opens the plan of sql (a statement text as typed or as stored by
 * pg_stat_statements) over the current view. */
void view_plan_open(app *a, const char *sql, long long queryid);

/* Selection and scrolling of a list of n rows shown in `rows` lines. */
typedef struct ui_list {
    int sel;
    int top;
} ui_list;

/* Applies a movement action; true when act was one. */
bool list_key(ui_list *l, ui_action act, int n, int rows);
/* Keeps sel inside 0..n-1 and visible. */
void list_clamp(ui_list *l, int n, int rows);

/* Opens the index lab for sql with what was tried on it before; values are
 * the parameter values the plan view was given for ANALYZE (may be NULL),
 * def an index to try at once (may be NULL). */
void view_lab_open(app *a, const char *sql, long long queryid, char *const *values, int nvalues,
                   const char *def);
/* Frees the lab's work of every statement (once the jobs stopped). */
void view_lab_store_free(app *a);

/* The advisor over the top statements of the workload. */
void view_advice_open(app *a);

/* The review set: accepted indexes with their evidence. */
void view_review_open(app *a);
/* The changes from the session file old to the loaded one, shown in the
 * Review screen (opened over the current view). */
int view_review_open_changes(app *a, const char *old, ixt_err *e);

/* The Indexes tab of the first screen: the health of existing indexes. */
typedef struct ui_indexes ui_indexes;
ui_indexes *indexes_tab_new(void);      /* caller frees with indexes_tab_free */
void indexes_tab_free(ui_indexes *x);
size_t indexes_tab_count(const ui_indexes *x);
/* Sends the catalog query on the lab connection; the tick collects it. */
void indexes_tab_reload(app *a, ui_indexes *x);
void indexes_tab_tick(app *a, ui_indexes *x);
void indexes_tab_draw(app *a, ui_indexes *x, int top, int rows);
bool indexes_tab_key(app *a, ui_indexes *x, ui_action act, int ch);

/* Asks for the values of $1..$n one at a time, offering values from
 * pg_stats (when the lab connection is free); done gets them (NULL entries
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
/* A mouse click at a screen position. */
void views_click(app *a, int y, int x);
/* Whether q may quit now (asks first when work would be lost). */
bool views_confirm_quit(app *a);

#endif
