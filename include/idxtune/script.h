/* script: runs a short sequence of statements on one connection, one at a
 * time and without blocking, with clean-up steps (ROLLBACK, DEALLOCATE) that
 * run whatever happened before them: after an error, after a cancel.  This
 * is how EXPLAIN ANALYZE and real index trials make sure nothing they do
 * outlives them. */
#ifndef IDXTUNE_SCRIPT_H
#define IDXTUNE_SCRIPT_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/util.h"

enum {
    IXT_STEP_KEEP = 1 << 0,    /* keep the result for the caller */
    IXT_STEP_FINALLY = 1 << 1, /* always runs; its errors are ignored */
    IXT_STEP_TIMED = 1 << 2,   /* record the step's wall time */
    /* Runs within the script's time budget, which starts with the first
     * such step: it gets the rest of the budget as its statement_timeout,
     * and the script stops when the budget is spent.  This bounds how long
     * a real trial holds its lock. */
    IXT_STEP_BUDGET = 1 << 3,
    IXT_STEP_ON_FAILURE = 1 << 4, /* with FINALLY: only after a failure */
};

/* A step is one statement sent with the extended protocol: with its
 * parameters, or prepared under a name. */
typedef struct ixt_step {
    char *sql;
    char **params;             /* NULL entries are SQL NULL */
    int nparams;
    char *prepare;             /* prepare sql as this statement */
    unsigned flags;
    PGresult *result;          /* IXT_STEP_KEEP results */
    double ms;                 /* IXT_STEP_TIMED: wall time */
} ixt_step;

typedef struct ixt_script {
    ixt_step *steps;
    int n, cap;
    int cur;                   /* step under way, -1 before start */
    bool failed;
    bool cancelled;            /* the user asked to stop: clean-up only */
    double budget_ms;          /* for IXT_STEP_BUDGET steps; 0: none */
    double deadline_ms;        /* set when the first budget step starts */
    double step_start_ms;
    bool prelude;              /* a budget step's SET LOCAL is under way */
    ixt_err err;               /* the first error */
    char err_state[6];         /* its SQLSTATE */
    int err_step;              /* the step it came from, -1 none */
    long err_pos;              /* its statement position (1-based characters), 0 unknown */
} ixt_script;

void ixt_script_init(ixt_script *s);
void ixt_script_free(ixt_script *s);
/* Adds a step; sql is copied.  Returns the step's index. */
int ixt_script_add(ixt_script *s, const char *sql, unsigned flags);
int ixt_script_addf(ixt_script *s, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A step with parameters; sql and params are copied. */
int ixt_script_add_params(ixt_script *s, const char *sql, int nparams, const char *const *params,
                          unsigned flags);
/* A step that prepares sql as statement name. */
int ixt_script_add_prepare(ixt_script *s, const char *name, const char *sql, unsigned flags);

/* Sends the first step. */
int ixt_script_start(ixt_script *s, ixt_conn *c, ixt_err *e);
/* Reads what the server sent and sends the next step.  Returns 0 while
 * running, 1 when done (ok, or failed with e filled from the first error),
 * -1 when the connection broke. */
int ixt_script_poll(ixt_script *s, ixt_conn *c, ixt_err *e);
/* Stops the script: cancels the running statement and skips every step
 * but the clean-up ones, even when the cancel arrives between steps. */
int ixt_script_cancel(ixt_script *s, ixt_conn *c, ixt_err *e);
/* Start and wait until done.  Returns 0 when every step succeeded. */
int ixt_script_run(ixt_script *s, ixt_conn *c, ixt_err *e);
/* Runs n scripts in one pipeline, one round trip: each script's steps in
 * order, a failure skipping the rest of its script but its clean-up steps
 * and touching no other script.  For scripts whose clean-up steps come
 * last and that have no budget, timed or on-failure steps (what a plan
 * without ANALYZE needs).  Returns 0 when the pipeline ran (each script's
 * failed and err say how it went), -1 with e filled when a script cannot
 * be pipelined or the connection broke. */
int ixt_script_run_batch(ixt_script *const *s, int n, ixt_conn *c, ixt_err *e);
/* The kept result of step i.  borrowed */
PGresult *ixt_script_result(const ixt_script *s, int i);

#endif
