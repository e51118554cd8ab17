/* conn: libpq connections.  libpq reads conninfo strings, URIs, the PG*
 * environment, ~/.pgpass and service files; this module adds what idxtune
 * needs on top: an application_name, per-connection timeouts, detection of
 * the server version and extensions, and a non-blocking request API so the
 * UI's poll() loop never waits for the server. */
#ifndef IDXTUNE_CONN_H
#define IDXTUNE_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "idxtune/util.h"

/* Every statement idxtune sends starts with this comment (the connection
 * tags what it sends), so that a role that may not switch
 * pg_stat_statements off still does not see idxtune's own statements in
 * the list. */
#define IXT_SQL_TAG "/* idxtune */ "

/* Where to connect: a DBNAME, CONNINFO or URI (any may be NULL) plus psql's
 * -h -p -U -d, which override what the string says. */
typedef struct ixt_conn_opts {
    const char *target;
    const char *host;
    const char *port;
    const char *user;
    const char *dbname;
    int statement_timeout_ms; /* 0: server default */
    /* lock_timeout of every statement on the connection, so nothing idxtune
     * sends waits behind a lock for long.  0: IXT_LOCK_TIMEOUT_MS */
    int lock_timeout_ms;
    int connect_timeout_s;    /* 0: 10 s */
    /* Run as the application does: SET ROLE and settings such as
     * app.tenant_id=1, so row-level security policies apply as they do
     * for the application. */
    const char *role;
    const char *const *settings;  /* "name=value" */
    int nsettings;
} ixt_conn_opts;

#define IXT_LOCK_TIMEOUT_MS 2000

typedef struct ixt_server_info {
    int version_num;         /* server_version_num, e.g. 150018 */
    char version[64];        /* "15.18" */
    bool in_recovery;        /* hot standby: no real trials */
    bool is_superuser;
    bool read_all_stats;     /* superuser or pg_read_all_stats member */
    bool has_pgss;           /* pg_stat_statements usable in this database */
    char pgss_problem[512];  /* why not, and what to change */
    bool has_hypopg;         /* hypopg extension installed in this database */
    bool hypopg_available;   /* could be created (pg_available_extensions) */
    bool has_qualstats;      /* pg_qualstats installed */
    char pgss_schema[64];    /* where the extensions live (quoted when used) */
    char hypopg_schema[64];
    unsigned int db_oid;
} ixt_server_info;

typedef struct ixt_conn ixt_conn;

/* "role app_user, app.tenant_id=1" or "" when neither is set.  borrowed */
const char *ixt_conn_as(const ixt_conn *c);
/* The role the connection plans as (SET ROLE), NULL when none.  borrowed */
const char *ixt_conn_role(const ixt_conn *c);

/* Opens a connection, blocking.  purpose ("monitor", "lab", ...) goes into
 * application_name as "idxtune/purpose".  caller frees with ixt_conn_close */
ixt_conn *ixt_conn_open(const ixt_conn_opts *o, const char *purpose, ixt_err *e);
void ixt_conn_close(ixt_conn *c);

/* Re-establishes a broken connection one step at a time, without blocking:
 * call it on every tick until it returns 1 (connected again), 0 (still
 * trying) or -1 (failed; the next call starts a new attempt).  Server state
 * of the old session (hypothetical indexes, prepared statements) is gone. */
int ixt_conn_reconnect_step(ixt_conn *c, ixt_err *e);

PGconn *ixt_conn_pg(ixt_conn *c);                   /* borrowed */
const ixt_server_info *ixt_conn_info(const ixt_conn *c); /* borrowed */
/* "user@host:port/db" without any password.  borrowed */
const char *ixt_conn_label(const ixt_conn *c);
/* "user@host:port/db" of a conninfo or URI that was never connected,
 * without the password or any other option.  caller frees */
char *ixt_conninfo_label(const char *conninfo);
bool ixt_conn_ok(const ixt_conn *c);

/* The cluster's system identifier (pg_control_system()), read when the
 * connection was set up; "" when it could not be, and *why (when why is
 * not NULL) says why, e.g. the role may not run pg_control_system().
 * borrowed */
const char *ixt_conn_system_id(const ixt_conn *c, const char **why);

/* Re-reads the server facts (version, extensions, rights). */
int ixt_conn_detect(ixt_conn *c, ixt_err *e);

/* Every request goes through the extended protocol, one statement per call,
 * so no text can turn into several statements whatever the server's
 * quoting settings.  The settings libpg_query's parser assumes
 * (standard_conforming_strings on, backslash_quote off) are pinned at
 * connect and after every reconnect, and checked before each request. */

/* Runs one statement and waits.  Returns the result of a successful
 * command or NULL with e filled (the server's message, with the position
 * marked in the statement when the server gives one).  caller PQclear()s */
PGresult *ixt_conn_exec(ixt_conn *c, const char *sql, int nparams,
                        const char *const *params, ixt_err *e);
/* The same with results in result_format (1: binary, 0: text). */
PGresult *ixt_conn_exec_fmt(ixt_conn *c, const char *sql, int nparams,
                            const char *const *params, int result_format, ixt_err *e);

/* Runs a command whose result is not needed. */
int ixt_conn_run(ixt_conn *c, const char *sql, ixt_err *e);

/* Prepares sql as the named statement.  Returns the server's answer, a
 * failure too (its SQLSTATE and position tell what to fix), or NULL with e
 * filled when nothing could be sent.  caller PQclear()s */
PGresult *ixt_conn_prepare(ixt_conn *c, const char *name, const char *sql, ixt_err *e);

/* SQLSTATE of the last request that failed on c ("" when none).  borrowed */
const char *ixt_conn_last_sqlstate(const ixt_conn *c);
/* After a lock timeout (sqlstate 55P03), outside a failed transaction:
 * rewrites e to say which table is locked by which backend, e.g. "table t
 * is locked by pid 42 (LOCK TABLE t ...)".  Requests do it themselves;
 * a script does it once its transaction is rolled back. */
void ixt_conn_explain_lock_wait(ixt_conn *c, const char *sqlstate, ixt_err *e);

/* What the server said besides results (NOTICE, WARNING): libpq would print
 * it on stderr, over the screen; it is kept here instead.  The count of
 * notices received so far (to see that new ones came) and the i-th newest
 * of the last IXT_CONN_NOTICES (0 is the newest; NULL past the end).  Read
 * them while no other thread uses the connection.  borrowed */
#define IXT_CONN_NOTICES 8
unsigned long ixt_conn_notice_count(const ixt_conn *c);
const char *ixt_conn_notice(const ixt_conn *c, int i);

/* Pipelines (libpq's pipeline mode): several requests sent at once and
 * their results read back in one round trip, for what-if work over a long
 * link.  Every request keeps the rules above (extended protocol, tagged,
 * pinned settings checked before the pipeline and after each result,
 * lock_timeout, notices kept); ixt_conn_cancel stops the running request.
 * A failed request skips the requests after it up to the next sync point;
 * what follows a sync runs whatever failed before it.  With IXT_NO_PIPELINE
 * set in the environment when the connection opened, the requests go one
 * at a time under the same rules (for a proxy or a pooler that mishandles
 * pipelines): one round trip each, and requests between two sync points
 * share no implicit transaction (every caller opens its own with BEGIN). */
typedef struct ixt_pipe_req {
    const char *sql;
    int nparams;
    const char *const *params;  /* NULL entries are SQL NULL */
    const char *prepare;        /* prepare sql as this statement instead */
    int result_format;          /* 1: binary results, 0: text */
    bool sync;                  /* a sync point follows this request */
} ixt_pipe_req;

/* Runs the n requests, blocking.  out[i] gets request i's result (an
 * error result too; NULL when it was skipped or the connection broke).
 * Returns 0 when every request succeeded, else -1 with e filled from the
 * first failure ("request 3 of 7: ..." with the position marked) and
 * *failed set to its index (-1 when nothing could be sent or the
 * connection broke).  out[]: caller PQclear()s each */
int ixt_conn_pipeline(ixt_conn *c, const ixt_pipe_req *reqs, int n, PGresult **out, int *failed,
                      ixt_err *e);

/* Non-blocking requests, one at a time per connection: a statement with
 * its parameters (NULL entries are SQL NULL), or a named prepare. */
int ixt_conn_send(ixt_conn *c, const char *sql, int nparams,
                  const char *const *params, ixt_err *e);
/* The same with results in result_format (1: binary, which a large numeric
 * snapshot parses without text conversion; 0: text). */
int ixt_conn_send_fmt(ixt_conn *c, const char *sql, int nparams,
                      const char *const *params, int result_format, ixt_err *e);
int ixt_conn_send_prepare(ixt_conn *c, const char *name, const char *sql, ixt_err *e);
bool ixt_conn_busy(const ixt_conn *c);   /* a request is under way */
/* Round trips to the server since the connection opened (its set-up
 * requests included, the connect itself not): one per request, one per
 * pipeline (one per request in it under IXT_NO_PIPELINE).  What a long link costs is this many times its delay. */
unsigned long ixt_conn_roundtrips(const ixt_conn *c);
/* The quickest a request has been answered so far, in ms: the link's
 * round trip plus the server's least work, an upper bound of what one
 * more round trip costs.  0 before the first answer. */
double ixt_conn_latency_ms(const ixt_conn *c);
/* Whether a pipeline is one round trip (not under IXT_NO_PIPELINE). */
bool ixt_conn_pipelined(const ixt_conn *c);
int ixt_conn_socket(const ixt_conn *c);  /* for poll(); -1 when broken */
/* Reads what the server sent.  Returns 1 and sets *out when the request is
 * complete (NULL result and e filled when it failed), 0 while waiting,
 * -1 when the connection broke (e filled).  *out: caller PQclear()s */
int ixt_conn_collect(ixt_conn *c, PGresult **out, ixt_err *e);
/* Asks the server to cancel the running request. */
int ixt_conn_cancel(ixt_conn *c, ixt_err *e);

/* Fills e from a failed result: the server's message plus, when the
 * server reports a position, the statement line with a caret under it. */
void ixt_conn_result_error(const PGresult *r, const char *sql, ixt_err *e);

/* Quotes an identifier or a literal with libpq.  caller frees */
char *ixt_conn_quote_ident(ixt_conn *c, const char *ident);
char *ixt_conn_quote_literal(ixt_conn *c, const char *lit);

#endif
