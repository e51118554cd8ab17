/* batch: the subcommands for scripts, CI and tests (top, explain, ...),
 * built on the same core calls as the screens.  They print text or JSON
 * and return the exit status: 0 ok, 1 error. */
#ifndef IDXTUNE_UI_BATCH_H
#define IDXTUNE_UI_BATCH_H

#include <jansson.h>

#include "cli.h"
#include "idxtune/lab.h"
#include "idxtune/nodes.h"
#include "idxtune/verify.h"

int batch_top(const ixt_opts *o);
int batch_explain(const ixt_opts *o);
int batch_try(const ixt_opts *o);
int batch_export(const ixt_opts *o);
int batch_advise(const ixt_opts *o);
int batch_indexes(const ixt_opts *o);
int batch_review(const ixt_opts *o);
int batch_diff(const ixt_opts *o);
int batch_verify(const ixt_opts *o);
/* Writes text to path (atomically; existing files only with --force), or
 * to standard output when path is NULL.  Returns the exit status. */
int batch_emit(const char *path, const char *text, bool force);
/* Writes text to -o (or standard output) and rollback, when there is one,
 * to --rollback; either NULL means it could not be made (e says why).
 * Returns the exit status. */
int batch_emit_pair(const ixt_opts *o, const char *text, const char *rollback, const ixt_err *e);
/* Loads the session file of --session for the command cmd ("export"):
 * 0 with r filled, else the exit status with the error printed (2: no
 * --session, 1: a bad file).  r: free with ixt_review_free */
int batch_load_session(const ixt_opts *o, const char *cmd, ixt_review *r);
/* Whether exactly one of -c, -f and --queryid was given; false with the
 * usage error printed (exit 2). */
bool batch_statement_given(const ixt_opts *o);
/* The statement of -c, -f or --queryid (batch_statement_given holds), or
 * NULL with the error printed.  caller frees */
char *batch_statement(const ixt_opts *o, ixt_conn *c);

/* Values for the statement's $1..$n. */
typedef struct batch_values {
    const char *const *values; /* borrowed from the options or picked */
    int n;
    char **picked;             /* owned */
    json_t *used;              /* [{param, value, source}]: what ran.  owned */
} batch_values;

/* --param as given, checked against the statement's parameters; without
 * them and with pick, pg_stats' first suggestion for each, said on stderr
 * up front (none picked for --queryid when a parameter has no suggestion:
 * a literal example may do).  what ("a real trial") names the run in messages.  Returns 0
 * (v->n may be 0: no parameters, or none picked), else the exit status
 * with the message printed: 2 when values are missing (the message lists
 * pg_stats' suggestions) or too many, 1 on error.  v: free with
 * batch_values_free */
int batch_param_values(const ixt_opts *o, ixt_conn *c, const char *sql, bool pick, const char *what,
                       batch_values *v);
void batch_values_free(batch_values *v);
/* The message for a run that failed: a --param value the server refused
 * (a data exception) is named as such.  borrowed: points into e or buf */
const char *batch_run_error(const batch_values *v, ixt_conn *c, const ixt_err *e, char *buf, size_t n);

/* Opens a connection for a batch command, printing the error.  caller
 * frees with ixt_conn_close */
ixt_conn *batch_connect(const ixt_opts *o);

/* The servers of --node around the main connection c: 0 with ns ready, or
 * 1 with the error printed (a node of another cluster is refused).  A node
 * that cannot be reached is a warning on stderr; the others go on.
 * ns: free with ixt_nodes_free */
int batch_nodes(const ixt_opts *o, ixt_conn *c, ixt_nodes *ns);
/* The workload of every node that is up, merged into w (ixt_workload_init
 * first).  A node that goes down is a warning; 0, or -1 with e filled when
 * the main connection fails. */
int batch_workload(ixt_nodes *ns, ixt_workload *w, ixt_err *e);

/* The baseline of it over the servers of ns (ixt_baseline_take_nodes),
 * a failure or a server left out a warning on stderr. */
void batch_baseline(ixt_nodes *ns, ixt_review_item *it, const ixt_baseline_target *t, int nt);
/* Adds the lab's indexes with their evidence to the --session file. */
int batch_accept(const ixt_opts *o, ixt_conn *c, const ixt_lab *lab, const ixt_real_result *rr, bool measured,
                 const ixt_table_ctx *ctx);

#endif
