/* app: the application state of the terminal UI and its event loop.  One
 * thread, one poll() over the terminal and the libpq sockets: the screen
 * never waits for the server. */
#ifndef IDXTUNE_UI_APP_H
#define IDXTUNE_UI_APP_H

#include <stdbool.h>

#include "cli.h"
#include "draw.h"
#include "idxtune/conn.h"
#include "idxtune/nodes.h"
#include "idxtune/review.h"
#include "idxtune/theme.h"
#include "idxtune/workload.h"
#include "jobs.h"
#include "keys.h"

typedef struct app app;
typedef struct ui_view ui_view;

/* What a view's key handler asks of the app, which owns navigation and the
 * terminal (htop's actions return a reaction the screen manager acts on):
 * views never open each other. */
typedef enum ui_req_kind {
    UI_REQ_NONE,        /* not the view's key: the app's own keys apply */
    UI_REQ_HANDLED,     /* the view did what the key asks */
    UI_REQ_PLAN,        /* the plan of sql (queryid when known) */
    UI_REQ_ASK_QUERY,   /* ask for a statement, then open its plan */
    UI_REQ_LAB,         /* the lab for sql/queryid, with values and def (may be NULL) */
    UI_REQ_ADVICE,      /* the advisor over the workload */
    UI_REQ_COPY,        /* text to the clipboard; what names it ("the statement");
                         * with a queryid, the whole text is read first */
} ui_req_kind;

/* The strings are the view's (borrowed): the app acts on the request as
 * soon as the handler returns, and copies what it keeps. */
typedef struct ui_request {
    ui_req_kind kind;
    const char *sql;         /* PLAN, LAB; the text for COPY */
    long long queryid;
    char *const *values;     /* LAB: parameter values given for ANALYZE */
    int nvalues;
    const char *def;         /* LAB: an index to try at once */
    const char *what;        /* COPY */
} ui_request;

#define UI_HANDLED ((ui_request){.kind = UI_REQ_HANDLED})
#define UI_IGNORED ((ui_request){.kind = UI_REQ_NONE})
static inline ui_request ui_handled(bool handled)
{
    return handled ? UI_HANDLED : UI_IGNORED;
}

/* A screen.  Views draw from the app's data and turn keys into requests to
 * the core or to the app; they hold no SQL. */
struct ui_view {
    unsigned kind;           /* ui_view_kind, selects the keys */
    const char *title;       /* breadcrumb */
    void (*draw)(app *a, ui_view *v, int top, int rows);
    /* What the key asks for (UI_IGNORED when it is not the view's). */
    ui_request (*key)(app *a, ui_view *v, ui_action act, int ch);
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
    double loop_steady_max_ms; /* the same after the first refresh */
    /* the list's workload: the monitor's snapshot, or with other nodes
     * (--node) their snapshots merged, the monitor's then in nodes.items[0] */
    ixt_workload wl;
    ixt_nodes nodes;         /* [0] is the monitor */
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
    char *clipboard;         /* OSC 52 sequence written after the next frame.  owned */
};

/* Runs the TUI until the user quits.  Returns the exit status. */
int app_run(ixt_opts *opts);

void app_push(app *a, ui_view *v);
void app_pop(app *a);
/* Acts on a request a view makes outside its key handler (a job's done
 * callback: "open the lab" once the work it needed is in). */
void app_request(app *a, ui_request r);
/* A message on the status line for a few seconds. */
void app_message(app *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The monitor's own snapshot (borrowed). */
ixt_workload *app_mon_wl(app *a);

/* Opens the line editor at the bottom; done is called with the text. */
void app_input(app *a, const char *label, const char *initial,
               void (*changed)(app *, const char *),
               void (*done)(app *, const char *, bool));

#endif
