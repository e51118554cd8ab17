/* app: the application state of the terminal UI and its event loop.  One
 * thread, one poll() over the terminal and the libpq sockets: the screen
 * never waits for the server. */
#ifndef IDXTUNE_UI_APP_H
#define IDXTUNE_UI_APP_H

#include <stdbool.h>

#include "cli.h"
#include "draw.h"
#include "idxtune/conn.h"
#include "idxtune/review.h"
#include "idxtune/theme.h"
#include "idxtune/workload.h"
#include "jobs.h"
#include "keys.h"

typedef struct app app;
typedef struct ui_view ui_view;

/* A screen.  Views draw from the app's data and turn keys into requests to
 * the core; they hold no SQL. */
struct ui_view {
    unsigned kind;           /* ui_view_kind, selects the keys */
    const char *title;       /* breadcrumb */
    void (*draw)(app *a, ui_view *v, int top, int rows);
    /* Returns true when the key was handled. */
    bool (*key)(app *a, ui_view *v, ui_action act, int ch);
    /* Called on every loop turn so a view can collect async results. */
    void (*tick)(app *a, ui_view *v);
    void (*destroy)(ui_view *v);
    ui_view *below;
};

typedef enum mon_stage {
    MON_IDLE, MON_NUMBERS, MON_TEXTS, MON_ACTIVITY
} mon_stage;

struct app {
    ixt_opts *opts;
    ixt_conn *mon;           /* monitor: statistics refresh */
    ixt_conn *lab;           /* lab: EXPLAIN and index trials; owned by the jobs' worker */
    ui_jobs *jobs;           /* long work on the lab connection */
    double loop_max_ms;      /* longest turn of the loop outside poll() */
    ixt_workload wl;
    ixt_activity_list act;
    mon_stage stage;
    double next_refresh_ms;
    double refresh_s;
    double last_refresh_ms;  /* when the last snapshot completed */
    double numbers_sent_ms;  /* when the numbers query left */
    double numbers_ms;       /* its round trip: what a refresh costs the server */
    bool paused;
    bool connected;
    double next_reconnect_ms;
    char conn_error[IXT_ERR_MAX];
    char message[IXT_ERR_MAX];   /* status line message */
    bool message_is_error;
    double message_until_ms;
    ui_view *view;           /* top of the view stack */
    ixt_theme theme;
    char **theme_names;
    size_t ntheme_names;
    bool help_open;
    int help_scroll;
    bool dirty;              /* something changed: draw */
    bool quit;
    bool ascii;
    bool color;
    /* The line editor at the bottom (filter, typed query, prompts). */
    int click_y;             /* screen row of the last mouse click */
    bool input_on;
    ui_line input;
    char input_label[512];
    /* Called on every change (live filter) and at the end (ok false on Esc). */
    void (*input_changed)(app *a, const char *text);
    void (*input_done)(app *a, const char *text, bool ok);
    /* A y/n question in input_label, answered with one key. */
    void (*confirm_done)(app *a, bool yes);
    /* Tab in the line editor, when the view offers completion. */
    void (*input_complete)(app *a, ui_line *line);
    ixt_review review;       /* accepted indexes with their evidence */
    char *review_changes;    /* since the --diff-from session, one line each; NULL without.  owned */
    struct lab_work *labs;   /* the lab's work, per statement (view_lab) */
};

/* Runs the TUI until the user quits.  Returns the exit status. */
int app_run(ixt_opts *opts);

void app_push(app *a, ui_view *v);
void app_pop(app *a);
/* A message on the status line for a few seconds. */
void app_message(app *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Opens the line editor at the bottom; done is called with the text. */
void app_input(app *a, const char *label, const char *initial,
               void (*changed)(app *, const char *),
               void (*done)(app *, const char *, bool));

#endif
