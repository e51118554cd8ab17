/* explain: gets a plan for a statement as a DBA has it - typed, pasted, or
 * normalized by pg_stat_statements with $1..$n - and runs EXPLAIN ANALYZE
 * safely: a SELECT in a READ ONLY transaction, anything that writes inside
 * BEGIN ... ROLLBACK. */
#ifndef IDXTUNE_EXPLAIN_H
#define IDXTUNE_EXPLAIN_H

#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/plan.h"
#include "idxtune/script.h"
#include "idxtune/util.h"
#include "idxtune/workload.h"

typedef struct ixt_explain_req {
    const char *sql;
    bool analyze;
    int statement_timeout_ms;   /* for ANALYZE; 0: the connection's */
    /* Values for $1..$n (NULL entries are SQL NULL).  Without values a
     * statement with parameters gets a generic plan; ANALYZE needs them. */
    const char *const *params;
    int nparams;
    /* The text is a prep's sql from an earlier run: already rewritten and
     * typed, so the checks against the server are skipped. */
    bool typed;
} ixt_explain_req;

typedef struct ixt_explain_prep {
    char *sql;          /* the text that is planned (placeholders typed).  owned */
    int nparams;
    bool generic;       /* a generic plan: parameters unknown */
    bool writes;        /* INSERT/UPDATE/DELETE/MERGE or SELECT ... FOR UPDATE */
    bool rewritten;     /* the text had to be rewritten to be planned */
    bool squashed;      /* an IN list of unknown length, planned as = ANY(array) */
    ixt_script script;  /* the statements to run, one per request */
    int explain_step;   /* the step whose result is the plan; with
                         * ANALYZE it is the one to repeat, with its values */
    int user_step;      /* the only step that carries the statement's text */
} ixt_explain_prep;

/* Undoes what outlives a rollback of a statement that ran: session-level
 * advisory locks.  (Settings it changed are rolled back with it.) */
#define IXT_EXPLAIN_RESET_SQL IXT_SQL_TAG "SELECT pg_advisory_unlock_all()"

/* Checks the statement and builds the script that explains it.  Fails with
 * a clear reason for what cannot be explained (utility commands, hidden or
 * truncated texts, syntax errors with the position marked).  Free with
 * ixt_explain_prep_free. */
int ixt_explain_prepare(ixt_conn *c, const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e);
void ixt_explain_prep_free(ixt_explain_prep *p);
/* The same without the server: no checks against it and no probing of
 * parameter types.  What idxtune would send for a text; for tests. */
int ixt_explain_prepare_text(const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e);
/* done's plan request again (a prep without values, from an earlier run),
 * without parsing its text again: the advisor plans the same statements
 * thousands of times.  cost_only: without VERBOSE and SETTINGS, for a
 * caller that reads the costs and the plan's shape alone.  Free with
 * ixt_explain_prep_free. */
void ixt_explain_prepare_again(const ixt_explain_prep *done, bool cost_only, ixt_explain_prep *p);
/* After a plan script of ixt_explain_prepare_text failed at its PREPARE
 * because the server could not type a placeholder: the text gets the
 * cast the error calls for (asked of the server, a round trip or two,
 * when the error does not tell it) and the script is built again, to run
 * again (several rounds may be needed, one cast each).  1 then; 0 when
 * the error is another or was not at the PREPARE; -1 with e filled when
 * no cast makes it plannable. */
int ixt_explain_retype(ixt_conn *c, ixt_explain_prep *p, ixt_err *e);
/* The plan JSON after the script ran.  caller frees */
char *ixt_explain_json(const ixt_explain_prep *p, ixt_err *e);
/* The plan after the script ran, read straight from the server's result;
 * the script's results are freed then (the JSON of a 10,000-node plan is
 * ~5 MB), its other fields stay.  caller frees with ixt_plan_free */
ixt_plan *ixt_explain_plan(ixt_explain_prep *p, ixt_err *e);

/* Prepare, run (blocking) and return the plan JSON; on failure p is
 * already freed.  caller frees */
char *ixt_explain_run(ixt_conn *c, const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e);

/* A literal example of a normalized statement, for when its text cannot be
 * planned: the same query id running now (pg_stat_activity, PostgreSQL
 * 14+), else pg_qualstats' example query when that extension is there.
 * NULL with e filled when there is none.  caller frees */
char *ixt_explain_example(ixt_conn *c, long long queryid, ixt_err *e);

/* Suggested values for parameter n (1-based) from pg_stats of the column it
 * is compared with: most common values first, then histogram bounds.
 * Returns the count; *out: caller frees each and the array. */
int ixt_explain_param_hints(ixt_conn *c, const char *sql, int n, char ***out, ixt_err *e);

/* The suggestions for every parameter at once, with where they come from,
 * for a script that must say which values it used. */
typedef struct ixt_param_hint {
    char *column;       /* "runs.status": what $n is compared with; NULL when unknown.  owned */
    char **values;      /* most common values first, then histogram bounds.  owned */
    int nvalues;
    int nmcv;           /* values[0 .. nmcv-1] are most common values */
} ixt_param_hint;

/* Returns the number of parameters ($1..$n as the text is written), with
 * *out[n] filled, or -1 with e set.  *out: free with ixt_param_hints_free */
int ixt_explain_hints(ixt_conn *c, const char *sql, ixt_param_hint **out, ixt_err *e);
void ixt_param_hints_free(ixt_param_hint *h, int n);

#endif
