/* jobs: long work on the lab connection, off the UI thread.  One worker
 * thread owns the lab connection while a job runs and runs the core's
 * plain blocking calls (the same ones the batch commands use), in the order
 * the jobs were submitted, so work that depends on the lab backend's
 * hypothetical state sees it as the previous jobs left it.  A finished job
 * is announced through a pipe the UI's poll() loop watches, and its done
 * callback runs on the UI thread.  Cancelling sends PQcancel and lets the
 * job's clean-up steps (ROLLBACK) run.
 *
 * The rule that keeps this simple: run touches only the job (its ctx and
 * the connection it is given), never the views or the app; done may touch
 * everything.  The UI thread never uses the lab connection itself: what
 * needs the server is a job, queued behind the others. */
#ifndef IDXTUNE_UI_JOBS_H
#define IDXTUNE_UI_JOBS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/script.h"

typedef struct app app;
typedef struct ui_view ui_view;
typedef struct ui_job ui_job;
typedef struct ui_jobs ui_jobs;

typedef enum job_end { JOB_DONE, JOB_FAILED, JOB_CANCELLED } job_end;

struct ui_job {
    char what[96];             /* "EXPLAIN ANALYZE", on the running line */
    /* On the worker.  Returns 0, or -1 with e filled. */
    int (*run)(ui_job *j, ixt_conn *lab, ixt_err *e);
    /* On the UI thread once run returned; owner is NULL when the view that
     * asked went away meanwhile.  msg is the failure's reason (JOB_FAILED). */
    void (*done)(app *a, ui_job *j, ui_view *owner, job_end end, const char *msg);
    void (*free_ctx)(void *ctx);
    void *ctx;                 /* owned by the job */
    ui_view *owner;
    void *ref;                 /* the owner's state done updates.  borrowed, valid while owner is */
    /* Background upkeep: no running line, and Esc leaves it alone. */
    bool quiet;
    /* ----- runner's ----- */
    atomic_bool cancel;
    atomic_int progress_done, progress_total;
    _Atomic(const char *) progress_what;   /* a static string */
    double started_ms;
    int rc;
    ixt_err err;
    ui_job *next;
};

/* Starts the worker for lab.  caller frees with jobs_stop */
ui_jobs *jobs_start(ixt_conn *lab);
/* Cancels what runs and waits (at most wait_ms) for the worker to finish;
 * the jobs left are dropped without their done callbacks.  False when the
 * worker did not finish: it keeps the lab connection until the exit. */
bool jobs_stop(ui_jobs *q, int wait_ms);

/* A new job running fn; ctx is freed with free_ctx.  caller submits it */
ui_job *job_new(const char *what, int (*run)(ui_job *, ixt_conn *, ixt_err *),
                void (*done)(app *, ui_job *, ui_view *, job_end, const char *),
                void *ctx, void (*free_ctx)(void *), ui_view *owner);
/* Queues j behind the jobs already there.  The queue owns it. */
void jobs_submit(ui_jobs *q, ui_job *j);

/* The read end of the pipe, for poll(). */
int jobs_fd(const ui_jobs *q);
/* Calls the done callbacks of the finished jobs, in order, and frees them.
 * Returns how many finished. */
int jobs_collect(ui_jobs *q, app *a);
/* Cancels every queued and running job. */
void jobs_cancel(ui_jobs *q);
/* The views going away: their jobs still finish (the connection must be
 * left clean) but report to no one. */
void jobs_orphan(ui_jobs *q, const ui_view *owner);
/* A job the user waits for is queued or running (Esc cancels it). */
bool jobs_waited_for(ui_jobs *q);
/* Nothing queued or running. */
bool jobs_idle(ui_jobs *q);
/* Describes the running job ("EXPLAIN ANALYZE 1.2 s"); false when none. */
bool jobs_running_line(ui_jobs *q, char *buf, size_t len);
/* A job running one statement (sql with its parameters, copied) on the lab
 * connection; done takes the result with job_query_result.  caller
 * submits it */
ui_job *job_query_new(const char *what, const char *sql, int nparams, const char *const *params,
                      void (*done)(app *, ui_job *, ui_view *, job_end, const char *), ui_view *owner);
/* In done: the result of a query job that ended JOB_DONE, else NULL.
 * caller PQclear()s */
PGresult *job_query_result(ui_job *j);

/* ----- for run functions ----- */
bool job_cancelled(ui_job *j);
void job_progress(ui_job *j, int done, int total, const char *what);
/* Runs a script on lab and waits, stopping it (clean-up steps still run)
 * as soon as the job is cancelled.  Returns 0 when every step succeeded. */
int job_script_run(ui_job *j, ixt_script *s, ixt_conn *lab, ixt_err *e);

#endif
