/* conn: libpq connections with server detection and non-blocking requests. */
#include "idxtune/conn.h"


#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ixt_conn {
    PGconn *pg;
    ixt_server_info info;
    char label[256];
    int statement_timeout_ms;
    int lock_timeout_ms;
    char *role;
    char **settings;
    int nsettings;
    char as[512];
    bool busy;
    bool resetting;
    PGresult *pending; /* results of the request under way read so far */
    char *sent;        /* the request under way, to mark error positions */
    char sqlstate[6];  /* of the last failed request */
    char notices[IXT_CONN_NOTICES][256];
    unsigned long nnotices;
    unsigned long roundtrips;
    double latency_ms;             /* quickest answer so far; 0 before any */
    char sysid[32];                /* "" when unreadable: sysid_problem says why */
    char sysid_problem[IXT_ERR_MAX + 32];
    bool one_at_a_time;            /* IXT_NO_PIPELINE: pipelines as single requests */
};

static int conn_setup(ixt_conn *c, ixt_err *e);

/* libpq's default prints notices on stderr, over the screen. */
static void keep_notice(void *arg, const PGresult *r)
{
    ixt_conn *c = arg;
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    char *slot = c->notices[c->nnotices % IXT_CONN_NOTICES];
    snprintf(slot, sizeof c->notices[0], "%s: %s", sev ? sev : "NOTICE", msg ? msg : PQresultErrorMessage(r));
    ixt_squash_ws(slot);
    c->nnotices++;
}

unsigned long ixt_conn_notice_count(const ixt_conn *c)
{
    return c->nnotices;
}

const char *ixt_conn_notice(const ixt_conn *c, int i)
{
    if (i < 0 || i >= IXT_CONN_NOTICES || (unsigned long)i >= c->nnotices)
        return NULL;
    return c->notices[(c->nnotices - 1 - (unsigned long)i) % IXT_CONN_NOTICES];
}

const char *ixt_conn_last_sqlstate(const ixt_conn *c)
{
    return c->sqlstate;
}

static void note_failure(ixt_conn *c, const PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", st ? st : "");
}

/* The one way statements reach the server: the extended protocol, which
 * takes exactly one statement. */
/* PostgreSQL 18 keeps a statement's text from its first token on, so the
 * leading IXT_SQL_TAG is gone from pg_stat_statements there; a copy at the
 * end survives normalization on every version.  The newline ends a "--"
 * comment the statement may close with; error positions are unchanged.
 * caller frees */
static char *tagged(const char *sql)
{
    return ixt_xasprintf("%s\n" IXT_SQL_TAG, sql);
}

/* A request sent at t0 (ixt_now_ms) has its first answer now. */
static void answered(ixt_conn *c, double t0)
{
    double ms = ixt_now_ms() - t0;
    if (c->latency_ms <= 0 || ms < c->latency_ms)
        c->latency_ms = ms > 0 ? ms : 1e-3;
}

static PGresult *exec_raw(ixt_conn *c, const char *sql, int nparams, const char *const *params,
                          int result_format)
{
    c->roundtrips++;
    char *text = tagged(sql);
    double t0 = ixt_now_ms();
    PGresult *r = PQexecParams(c->pg, text, nparams, NULL, params, NULL, NULL, result_format);
    answered(c, t0);
    free(text);
    return r;
}

ixt_conn *ixt_conn_open(const ixt_conn_opts *o, const char *purpose, ixt_err *e)
{
    const char *keys[10];
    const char *vals[10];
    int n = 0;
    char appname[64], timeout[16];
    snprintf(appname, sizeof appname, "idxtune/%s", purpose ? purpose : "cli");
    snprintf(timeout, sizeof timeout, "%d", o->connect_timeout_s > 0 ? o->connect_timeout_s : 10);
    /* The first dbname is expanded as a conninfo or URI; the explicit
     * options after it override what it says, as in psql. */
    if (o->target) { keys[n] = "dbname"; vals[n++] = o->target; }
    if (o->host) { keys[n] = "host"; vals[n++] = o->host; }
    if (o->port) { keys[n] = "port"; vals[n++] = o->port; }
    if (o->user) { keys[n] = "user"; vals[n++] = o->user; }
    if (o->dbname) { keys[n] = "dbname"; vals[n++] = o->dbname; }
    keys[n] = "application_name"; vals[n++] = appname;
    keys[n] = "connect_timeout"; vals[n++] = timeout;
    keys[n] = NULL; vals[n] = NULL;

    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        const char *msg = pg ? PQerrorMessage(pg) : "out of memory";
        ixt_err_set(e, "cannot connect: %s", msg);
        if (e)
            ixt_squash_ws(e->msg);
        PQfinish(pg);
        return NULL;
    }
    ixt_conn *c = ixt_xcalloc(1, sizeof *c);
    c->pg = pg;
    /* set by whoever runs idxtune through a proxy or a pooler that
     * mishandles pipelines (README, Environment) */
    c->one_at_a_time = getenv("IXT_NO_PIPELINE") != NULL;
    PQsetNoticeReceiver(pg, keep_notice, c);
    c->statement_timeout_ms = o->statement_timeout_ms;
    c->lock_timeout_ms = o->lock_timeout_ms > 0 ? o->lock_timeout_ms : IXT_LOCK_TIMEOUT_MS;
    c->role = ixt_xstrdup(o->role);
    c->settings = ixt_xcalloc((size_t)o->nsettings + 1, sizeof *c->settings);
    for (int i = 0; i < o->nsettings; i++)
        c->settings[c->nsettings++] = ixt_xstrdup(o->settings[i]);
    if (conn_setup(c, e) != 0) {
        ixt_conn_close(c);
        return NULL;
    }
    return c;
}

void ixt_conn_close(ixt_conn *c)
{
    if (!c)
        return;
    PQclear(c->pending);
    free(c->sent);
    free(c->role);
    for (int i = 0; i < c->nsettings; i++)
        free(c->settings[i]);
    free(c->settings);
    PQfinish(c->pg);
    free(c);
}

static void make_label(ixt_conn *c)
{
    const char *host = PQhost(c->pg);
    if (!host || host[0] == '/' || host[0] == '\0')
        host = "[local]";
    snprintf(c->label, sizeof c->label, "%s@%s:%s/%s", PQuser(c->pg), host,
             PQport(c->pg), PQdb(c->pg));
}

static const char *conninfo_value(const PQconninfoOption *opts, const char *key)
{
    for (const PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val && o->val[0])
            return o->val;
    return NULL;
}

char *ixt_conninfo_label(const char *conninfo)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", NULL);
    if (!opts)
        return ixt_xstrdup("a connection string that does not parse");
    const char *user = conninfo_value(opts, "user"), *port = conninfo_value(opts, "port"),
               *db = conninfo_value(opts, "dbname"), *host = conninfo_value(opts, "host");
    if (!host)
        host = conninfo_value(opts, "hostaddr");
    if (!host)
        host = "[local]";
    char *label = ixt_xasprintf("%s%s%s%s%s%s%s", user ? user : "", user ? "@" : "", host, port ? ":" : "",
                                port ? port : "", db ? "/" : "", db ? db : "");
    PQconninfoFree(opts);
    return label;
}

const char *ixt_conn_as(const ixt_conn *c)
{
    return c->as;
}

const char *ixt_conn_role(const ixt_conn *c)
{
    return c->role;
}

static bool settings_pinned(ixt_conn *c)
{
    const char *scs = PQparameterStatus(c->pg, "standard_conforming_strings");
    return scs && strcmp(scs, "on") == 0;
}

/* The quoting rules libpg_query parses with, whatever PGOPTIONS, the role
 * or the database say, and the timeouts every statement runs under: the
 * statement into sql (ixt_buf_free it), its parameters into params (the
 * values borrow lock and stmt).  Returns the parameter count. */
static int pin_request(ixt_conn *c, ixt_buf *sql, const char **params, char lock[16], char stmt[16])
{
    snprintf(lock, 16, "%d", c->lock_timeout_ms);
    snprintf(stmt, 16, "%d", c->statement_timeout_ms);
    const char *p[] = {"standard_conforming_strings", "on", "backslash_quote", "off",
                       "escape_string_warning", "on", "lock_timeout", lock, "statement_timeout", stmt};
    int n = c->statement_timeout_ms > 0 ? 10 : 8;
    memcpy(params, p, (size_t)n * sizeof *params);
    ixt_buf_init(sql);
    ixt_buf_add(sql, IXT_SQL_TAG "SELECT ");
    for (int i = 0; i < n; i += 2)
        ixt_buf_printf(sql, "%sset_config($%d, $%d, false)", i ? ", " : "", i + 1, i + 2);
    return n;
}

static int pin_settings(ixt_conn *c, ixt_err *e)
{
    char lock[16], stmt[16];
    const char *params[10];
    ixt_buf sql;
    int n = pin_request(c, &sql, params, lock, stmt);
    PGresult *r = exec_raw(c, sql.s, n, params, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        ixt_conn_result_error(r, sql.s, e);
    PQclear(r);
    ixt_buf_free(&sql);
    if (ok && !settings_pinned(c))
        return ixt_err_set(e, "the server keeps standard_conforming_strings off: idxtune sends "
                              "nothing to it");
    return ok ? 0 : -1;
}

bool ixt_conn_ok(const ixt_conn *c)
{
    return c && c->pg && !c->resetting && PQstatus(c->pg) == CONNECTION_OK;
}

int ixt_conn_reconnect_step(ixt_conn *c, ixt_err *e)
{
    if (!c->resetting) {
        c->busy = false;
        PQclear(c->pending);
        c->pending = NULL;
        if (!PQresetStart(c->pg))
            return ixt_err_set(e, "reconnect failed: %s", PQerrorMessage(c->pg));
        c->resetting = true;
    }
    switch (PQresetPoll(c->pg)) {
    case PGRES_POLLING_OK:
        c->resetting = false;
        return conn_setup(c, e) == 0 ? 1 : -1;
    case PGRES_POLLING_FAILED:
        c->resetting = false;
        ixt_err_set(e, "server unreachable: %s", PQerrorMessage(c->pg));
        if (e)
            ixt_squash_ws(e->msg);
        return -1;
    default:
        return 0;
    }
}

PGconn *ixt_conn_pg(ixt_conn *c) { return c->pg; }
const ixt_server_info *ixt_conn_info(const ixt_conn *c) { return &c->info; }
const char *ixt_conn_label(const ixt_conn *c) { return c->label; }

static const char DETECT_SQL[] =
    IXT_SQL_TAG "SELECT current_setting('server_version_num')::int,"
    " current_setting('server_version'),"
    " pg_is_in_recovery(),"
    " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),"
    " pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER'),"
    " (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_stat_statements'),"
    " (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'hypopg'),"
    " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'),"
    " EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_qualstats'),"
    " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'),"
    " (SELECT oid FROM pg_database WHERE datname = current_database()),"
    " current_database(),"
    /* pg_stat_statements defines its settings only when it is loaded
     * through shared_preload_libraries (otherwise its functions refuse to
     * run), and a placeholder never shows in pg_settings */
    " EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max'),"
    " (SELECT has_schema_privilege(p.pronamespace, 'USAGE') AND has_function_privilege(p.oid, 'EXECUTE')"
    "  FROM pg_extension x JOIN pg_proc p ON p.pronamespace = x.extnamespace"
    "  WHERE x.extname = 'pg_stat_statements' AND p.proname = 'pg_stat_statements' AND p.pronargs = 1"
    "  LIMIT 1)";

/* Read with the set-up rather than when a --node needs it: a request in
 * the set-up pipeline costs no round trip of its own. */
static const char SYSID_SQL[] = IXT_SQL_TAG "SELECT system_identifier::text FROM pg_control_system()";

static bool bool_at(const PGresult *r, int col)
{
    return strcmp(PQgetvalue(r, 0, col), "t") == 0;
}

static void copy_field(char *dst, size_t len, const PGresult *r, int col)
{
    snprintf(dst, len, "%s", PQgetisnull(r, 0, col) ? "" : PQgetvalue(r, 0, col));
}

/* Says exactly what to change when pg_stat_statements cannot be read:
 * from DETECT_SQL's answers, so that finding its schema and checking it
 * take no round trip after the set-up. */
static void check_pgss(ixt_conn *c, bool installed, bool available, bool loaded, bool callable,
                       const char *db)
{
    ixt_server_info *in = &c->info;
    in->has_pgss = installed && loaded && callable;
    in->pgss_problem[0] = '\0';
    if (!installed)
        snprintf(in->pgss_problem, sizeof in->pgss_problem,
                 available ? "pg_stat_statements is not installed in database %s: run "
                             "CREATE EXTENSION pg_stat_statements; there (and make sure "
                             "shared_preload_libraries includes pg_stat_statements)"
                           : "pg_stat_statements is not available on this server: install "
                             "the postgresql-contrib package, add pg_stat_statements to "
                             "shared_preload_libraries, restart, then CREATE EXTENSION "
                             "pg_stat_statements in database %s",
                 db);
    else if (!loaded)
        snprintf(in->pgss_problem, sizeof in->pgss_problem,
                 "pg_stat_statements is installed but not loaded: add pg_stat_statements "
                 "to shared_preload_libraries in postgresql.conf and restart the server");
    else if (!callable)
        snprintf(in->pgss_problem, sizeof in->pgss_problem,
                 "cannot read pg_stat_statements: this role may not run %s.pg_stat_statements() "
                 "(grant USAGE on schema %s and EXECUTE on the function, or connect as its owner)",
                 in->pgss_schema, in->pgss_schema);
}

static int detect_from(ixt_conn *c, PGresult *r);

int ixt_conn_detect(ixt_conn *c, ixt_err *e)
{
    PGresult *r = ixt_conn_exec(c, DETECT_SQL, 0, NULL, e);
    if (!r)
        return -1;
    int rc = detect_from(c, r);
    PQclear(r);
    return rc;
}

/* The server facts from DETECT_SQL's result (which stays the caller's). */
static int detect_from(ixt_conn *c, PGresult *r)
{
    ixt_server_info *in = &c->info;
    memset(in, 0, sizeof *in);
    in->version_num = atoi(PQgetvalue(r, 0, 0));
    copy_field(in->version, sizeof in->version, r, 1);
    char *sp = strchr(in->version, ' ');
    if (sp)
        *sp = '\0';
    in->in_recovery = bool_at(r, 2);
    in->is_superuser = bool_at(r, 3);
    in->read_all_stats = in->is_superuser || bool_at(r, 4);
    copy_field(in->pgss_schema, sizeof in->pgss_schema, r, 5);
    copy_field(in->hypopg_schema, sizeof in->hypopg_schema, r, 6);
    in->has_hypopg = !PQgetisnull(r, 0, 6);
    in->hypopg_available = bool_at(r, 7);
    in->has_qualstats = bool_at(r, 8);
    bool pgss_available = bool_at(r, 9);
    in->db_oid = (unsigned int)strtoul(PQgetvalue(r, 0, 10), NULL, 10);
    char db[128];
    copy_field(db, sizeof db, r, 11);
    bool pgss_installed = !PQgetisnull(r, 0, 5);
    check_pgss(c, pgss_installed, pgss_available, bool_at(r, 12), bool_at(r, 13), db);
    return 0;
}

/* Counts UTF-8 characters to turn the server's character position into a
 * byte offset. */
static size_t char_to_byte(const char *s, long pos)
{
    size_t i = 0;
    long ch = 0;
    while (s[i] && ch < pos) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        ch++;
    }
    return i;
}

static void mark_position(ixt_buf *b, const char *sql, long pos)
{
    size_t at = char_to_byte(sql, pos - 1);
    size_t start = at, end = at;
    int line = 1;
    while (start > 0 && sql[start - 1] != '\n')
        start--;
    for (size_t i = 0; i < start; i++)
        line += sql[i] == '\n';
    while (sql[end] && sql[end] != '\n')
        end++;
    char head[32];
    int col = snprintf(head, sizeof head, "LINE %d: ", line);
    for (size_t i = start; i < at; i++)
        col += (sql[i] & 0xC0) != 0x80;
    ixt_buf_printf(b, "\n%s%.*s\n%*s^", head, (int)(end - start), sql + start, col, "");
}

void ixt_conn_result_error(const PGresult *r, const char *sql, ixt_err *e)
{
    if (!e)
        return;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *sev = r ? PQresultErrorField(r, PG_DIAG_SEVERITY) : NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    if (msg) {
        ixt_buf_printf(&b, "%s: %s", sev ? sev : "ERROR", msg);
    } else {
        ixt_buf_add(&b, r ? PQresultErrorMessage(r) : "no result from server");
        while (b.len && (b.s[b.len - 1] == '\n'))
            b.s[--b.len] = '\0';
    }
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
    if (detail)
        ixt_buf_printf(&b, "\nDETAIL: %s", detail);
    if (hint)
        ixt_buf_printf(&b, "\nHINT: %s", hint);
    const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
    if (pos && sql)
        mark_position(&b, sql, atol(pos));
    snprintf(e->msg, sizeof e->msg, "%s", b.s ? b.s : "error");
    ixt_buf_free(&b);
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY;
}

/* The cluster's system identifier from SYSID_SQL's result, or why there
 * is none. */
static void keep_sysid(ixt_conn *c, const PGresult *r)
{
    c->sysid[0] = c->sysid_problem[0] = '\0';
    if (result_ok(r) && PQntuples(r) == 1) {
        snprintf(c->sysid, sizeof c->sysid, "%s", PQgetvalue(r, 0, 0));
        return;
    }
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (st && strcmp(st, "42501") == 0) {
        snprintf(c->sysid_problem, sizeof c->sysid_problem, "this role may not run pg_control_system() "
                                                            "(grant pg_monitor or EXECUTE on it)");
    } else {
        ixt_err why;
        ixt_conn_result_error(r, SYSID_SQL, &why);
        snprintf(c->sysid_problem, sizeof c->sysid_problem, "pg_control_system() failed: %s", why.msg);
        ixt_squash_ws(c->sysid_problem);
    }
}

const char *ixt_conn_system_id(const ixt_conn *c, const char **why)
{
    if (why)
        *why = c->sysid_problem;
    return c->sysid;
}

/* The set-up of every (re)connection in one round trip: the pinned
 * settings; pg_stat_statements' tracking off for a superuser (idxtune's
 * own statements must not show up in the slow-query list; other roles
 * rely on IXT_SQL_TAG); the check for a vanished client while a statement
 * runs (PostgreSQL 14+; platforms without it refuse it: no harm); SET
 * ROLE and the application's settings; the server facts; the cluster's
 * system identifier (a role may not read it: no harm).  Each request
 * behind its own sync point, so that one that may fail skips nothing. */
static int conn_setup(ixt_conn *c, ixt_err *e)
{
    make_label(c);
    PQsetErrorVerbosity(c->pg, PQERRORS_DEFAULT);
    for (int i = 0; i < c->nsettings; i++) {
        const char *eq = strchr(c->settings[i], '=');
        if (!eq || eq == c->settings[i])
            return ixt_err_set(e, "--set needs name=value, not '%s'", c->settings[i]);
    }
    enum { FIXED = 6 };
    ixt_pipe_req *q = ixt_xcalloc((size_t)(FIXED + c->nsettings), sizeof *q);
    bool *may_fail = ixt_xcalloc((size_t)(FIXED + c->nsettings), sizeof *may_fail);
    char **owned = ixt_xcalloc((size_t)(2 * c->nsettings + 2), sizeof *owned);
    const char **vals = ixt_xcalloc((size_t)(2 * c->nsettings + 1), sizeof *vals);
    int n = 0, nowned = 0;
    char lock[16], stmt[16];
    const char *pin_params[10];
    ixt_buf pin;
    int npin = pin_request(c, &pin, pin_params, lock, stmt);
    q[n++] = (ixt_pipe_req){.sql = pin.s, .nparams = npin, .params = pin_params, .sync = true};
    const char *su = PQparameterStatus(c->pg, "is_superuser");
    if (su && strcmp(su, "on") == 0) {
        may_fail[n] = true;
        q[n++] = (ixt_pipe_req){.sql = IXT_SQL_TAG "SET pg_stat_statements.track = 'none'", .sync = true};
    }
    if (PQserverVersion(c->pg) >= 140000) {
        may_fail[n] = true;
        q[n++] = (ixt_pipe_req){.sql = IXT_SQL_TAG "SET client_connection_check_interval = '2s'", .sync = true};
    }
    ixt_buf as;
    ixt_buf_init(&as);
    if (c->role) {
        char *quoted = ixt_conn_quote_ident(c, c->role);
        owned[nowned++] = ixt_xasprintf(IXT_SQL_TAG "SET ROLE %s", quoted);
        free(quoted);
        q[n++] = (ixt_pipe_req){.sql = owned[nowned - 1], .sync = true};
        ixt_buf_printf(&as, "role %s", c->role);
    }
    for (int i = 0; i < c->nsettings; i++) {
        const char *eq = strchr(c->settings[i], '=');
        owned[nowned++] = ixt_xstrndup(c->settings[i], (size_t)(eq - c->settings[i]));
        vals[2 * i] = owned[nowned - 1];
        vals[2 * i + 1] = eq + 1;
        q[n++] = (ixt_pipe_req){.sql = IXT_SQL_TAG "SELECT set_config($1, $2, false)", .nparams = 2,
                                .params = vals + 2 * i, .sync = true};
        ixt_buf_printf(&as, "%s%s", as.len ? ", " : "", c->settings[i]);
    }
    snprintf(c->as, sizeof c->as, "%s", as.s ? as.s : "");
    ixt_buf_free(&as);
    q[n++] = (ixt_pipe_req){.sql = DETECT_SQL, .sync = true};
    may_fail[n] = true;
    q[n++] = (ixt_pipe_req){.sql = SYSID_SQL, .sync = true};
    PGresult **out = ixt_xcalloc((size_t)n, sizeof *out);
    int failed;
    ixt_err pe;
    int rc = ixt_conn_pipeline(c, q, n, out, &failed, &pe);
    if (rc != 0 && failed < 0) {
        *e = pe;
    } else {
        rc = 0;
        for (int i = 0; i < n && rc == 0; i++)
            if (!may_fail[i] && !result_ok(out[i])) {
                note_failure(c, out[i]);
                ixt_conn_result_error(out[i], q[i].sql, e);
                rc = -1;
            }
        if (rc == 0 && !settings_pinned(c))
            rc = ixt_err_set(e, "the server keeps standard_conforming_strings off: idxtune sends "
                                "nothing to it");
    }
    if (rc == 0)
        rc = detect_from(c, out[n - 2]);
    if (rc == 0)
        keep_sysid(c, out[n - 1]);
    for (int i = 0; i < n; i++)
        PQclear(out[i]);
    free(out);
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(vals);
    free(may_fail);
    free(q);
    ixt_buf_free(&pin);
    return rc;
}

/* Before every request: connected, idle, and the quoting settings still
 * pinned (a function the statement ran may have changed them). */
static int ready(ixt_conn *c, ixt_err *e)
{
    if (!ixt_conn_ok(c))
        return ixt_err_set(e, "not connected to the server");
    if (c->busy)
        return ixt_err_set(e, "the connection is busy with another request");
    return settings_pinned(c) ? 0 : pin_settings(c, e);
}

static const char LOCK_SQL[] =
    IXT_SQL_TAG
    "SELECT l.relation::regclass::text, l.pid, coalesce(a.query, '')"
    " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.mode = ANY ($1::text[])"
    " ORDER BY array_position($1::text[], l.mode), l.relation LIMIT 1";

void ixt_conn_explain_lock_wait(ixt_conn *c, const char *sqlstate, ixt_err *e)
{
    if (!e || strcmp(sqlstate, "55P03") != 0 || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return;
    /* The wait is over, so pg_blocking_pids() has nothing to say: the
     * strongest lock another backend holds in this database is the one a
     * statement of idxtune's waits for. */
    const char *modes[] = {"{AccessExclusiveLock,ExclusiveLock,ShareRowExclusiveLock,ShareLock,"
                           "ShareUpdateExclusiveLock,RowExclusiveLock}"};
    PGresult *r = exec_raw(c, LOCK_SQL, 1, modes, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        char query[160];
        snprintf(query, sizeof query, "%s", PQgetvalue(r, 0, 2));
        ixt_squash_ws(query);
        ixt_err_set(e, "table %s is locked by pid %s (%s): gave up after lock_timeout",
                    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), query);
    }
    PQclear(r);
}

PGresult *ixt_conn_exec(ixt_conn *c, const char *sql, int nparams,
                        const char *const *params, ixt_err *e)
{
    return ixt_conn_exec_fmt(c, sql, nparams, params, 0, e);
}

PGresult *ixt_conn_exec_fmt(ixt_conn *c, const char *sql, int nparams,
                            const char *const *params, int result_format, ixt_err *e)
{
    if (ready(c, e) != 0)
        return NULL;
    PGresult *r = exec_raw(c, sql, nparams, params, result_format);
    if (r && result_ok(r))
        return r;
    note_failure(c, r);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        ixt_err_set(e, "connection to the server was lost: %s", PQerrorMessage(c->pg));
    } else {
        ixt_conn_result_error(r, sql, e);
        ixt_conn_explain_lock_wait(c, c->sqlstate, e);
    }
    PQclear(r);
    return NULL;
}

int ixt_conn_run(ixt_conn *c, const char *sql, ixt_err *e)
{
    PGresult *r = ixt_conn_exec(c, sql, 0, NULL, e);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

PGresult *ixt_conn_prepare(ixt_conn *c, const char *name, const char *sql, ixt_err *e)
{
    if (ready(c, e) != 0)
        return NULL;
    c->roundtrips++;
    char *text = tagged(sql);
    PGresult *r = PQprepare(c->pg, name, text, 0, NULL);
    free(text);
    if (!r)
        ixt_err_set(e, "cannot prepare: %s", PQerrorMessage(c->pg));
    else if (!result_ok(r))
        note_failure(c, r);
    return r;
}

static void sent(ixt_conn *c, const char *sql)
{
    c->roundtrips++;
    c->busy = true;
    free(c->sent);
    c->sent = ixt_xstrdup(sql);
}

int ixt_conn_send(ixt_conn *c, const char *sql, int nparams,
                  const char *const *params, ixt_err *e)
{
    return ixt_conn_send_fmt(c, sql, nparams, params, 0, e);
}

int ixt_conn_send_fmt(ixt_conn *c, const char *sql, int nparams,
                      const char *const *params, int result_format, ixt_err *e)
{
    if (ready(c, e) != 0)
        return -1;
    char *text = tagged(sql);
    int ok = PQsendQueryParams(c->pg, text, nparams, NULL, params, NULL, NULL, result_format);
    free(text);
    if (!ok)
        return ixt_err_set(e, "cannot send the query: %s", PQerrorMessage(c->pg));
    sent(c, sql);
    return 0;
}

int ixt_conn_send_prepare(ixt_conn *c, const char *name, const char *sql, ixt_err *e)
{
    if (ready(c, e) != 0)
        return -1;
    char *text = tagged(sql);
    int ok = PQsendPrepare(c->pg, name, text, 0, NULL);
    free(text);
    if (!ok)
        return ixt_err_set(e, "cannot send the query: %s", PQerrorMessage(c->pg));
    sent(c, sql);
    return 0;
}

/* ===== pipelines ===== */

/* Waits until the server sent something, flushing what libpq still holds
 * meanwhile: the socket is non-blocking during a pipeline, so neither side
 * can stall writing while the other one writes too. */
static int pipe_wait(ixt_conn *c)
{
    int pending = PQflush(c->pg);
    if (pending < 0)
        return -1;
    struct pollfd p = {.fd = PQsocket(c->pg), .events = (short)(POLLIN | (pending ? POLLOUT : 0))};
    if (poll(&p, 1, 1000) < 0 && errno != EINTR)
        return -1;
    return PQconsumeInput(c->pg) ? 0 : -1;
}

/* The next result of the pipeline; NULL ends a request's results. */
static int pipe_next(ixt_conn *c, PGresult **r)
{
    *r = NULL;
    while (PQisBusy(c->pg))
        if (pipe_wait(c) != 0)
            return -1;
    *r = PQgetResult(c->pg);
    return 0;
}

static int pipe_send(ixt_conn *c, const ixt_pipe_req *q, bool last)
{
    char *text = tagged(q->sql);
    int ok = q->prepare ? PQsendPrepare(c->pg, q->prepare, text, 0, NULL)
                        : PQsendQueryParams(c->pg, text, q->nparams, NULL, q->params, NULL, NULL,
                                            q->result_format);
    free(text);
    return ok && ((!q->sync && !last) || PQpipelineSync(c->pg)) ? 0 : -1;
}

/* Reads request i's results: the first one is kept (a request holds one
 * statement), then its sync point when it has one. */
static int pipe_read(ixt_conn *c, const ixt_pipe_req *q, bool last, PGresult **out)
{
    PGresult *r;
    for (;;) {
        if (pipe_next(c, &r) != 0)
            return -1;
        if (!r)
            break;
        if (*out)
            PQclear(r);
        else
            *out = r;
    }
    if (!q->sync && !last)
        return 0;
    if (pipe_next(c, &r) != 0)
        return -1;
    bool synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    return synced ? 0 : -1;
}

static bool pipe_ok(const PGresult *r)
{
    return r && result_ok(r);
}

/* Sends everything, then reads every result; returns the index of the
 * request whose results broke off, n when all came. */
static int pipe_exchange(ixt_conn *c, const ixt_pipe_req *reqs, int n, PGresult **out, int *unpinned)
{
    double t0 = ixt_now_ms();
    for (int i = 0; i < n; i++)
        if (pipe_send(c, &reqs[i], i == n - 1) != 0)
            return 0;
    for (int i = 0; i < n; i++) {
        if (pipe_read(c, &reqs[i], i == n - 1, &out[i]) != 0)
            return i;
        if (i == 0)
            answered(c, t0);
        /* a request that changed the pinned settings: what was parsed
         * after it does not count */
        if (*unpinned < 0 && !settings_pinned(c))
            *unpinned = i;
    }
    return n;
}

/* After a pipeline broke off (a result that never came, a send that
 * failed), what the server still owes is read and dropped, behind one more
 * sync so that nothing waits for one: the connection leaves pipeline mode
 * and serves the next request.  False when it cannot within 5 s. */
static bool pipe_drain(ixt_conn *c)
{
    double until = ixt_now_ms() + 5000;
    (void)PQpipelineSync(c->pg);
    while (PQexitPipelineMode(c->pg) != 1) {
        /* the deadline holds while waiting too: a server that stopped
         * answering does not keep the caller */
        while (PQisBusy(c->pg))
            if (ixt_now_ms() > until || pipe_wait(c) != 0)
                return false;
        if (PQstatus(c->pg) != CONNECTION_OK)
            return false;
        PQclear(PQgetResult(c->pg));
    }
    return true;
}

/* IXT_NO_PIPELINE: the requests one at a time, for a proxy or a pooler
 * that mishandles pipelines, with a pipeline's rules: a failure skips the
 * requests after it up to the next sync point.  A request that changed
 * the pinned settings ends it: nothing is sent parsed otherwise.  Returns
 * the index of the request whose result broke off, n when all came. */
static int pipe_one_by_one(ixt_conn *c, const ixt_pipe_req *reqs, int n, PGresult **out, int *unpinned)
{
    bool skipping = false;
    for (int i = 0; i < n && *unpinned < 0; i++) {
        if (!skipping) {
            c->roundtrips++;
            char *text = tagged(reqs[i].sql);
            double t0 = ixt_now_ms();
            out[i] = reqs[i].prepare ? PQprepare(c->pg, reqs[i].prepare, text, 0, NULL)
                                     : PQexecParams(c->pg, text, reqs[i].nparams, NULL, reqs[i].params, NULL,
                                                    NULL, reqs[i].result_format);
            answered(c, t0);
            free(text);
            if (PQstatus(c->pg) != CONNECTION_OK)
                return i;
            skipping = !pipe_ok(out[i]);
            if (!settings_pinned(c))
                *unpinned = i;
        }
        skipping = skipping && !reqs[i].sync;
    }
    return n;
}

/* The requests in one pipeline.  Returns as pipe_one_by_one does; *left
 * is false when the connection could not leave pipeline mode. */
static int pipe_all(ixt_conn *c, const ixt_pipe_req *reqs, int n, PGresult **out, int *unpinned, bool *left)
{
    c->roundtrips++;
    int done = pipe_exchange(c, reqs, n, out, unpinned);
    *left = PQexitPipelineMode(c->pg) == 1 || pipe_drain(c);
    (void)PQsetnonblocking(c->pg, 0);
    return done;
}

int ixt_conn_pipeline(ixt_conn *c, const ixt_pipe_req *reqs, int n, PGresult **out, int *failed,
                      ixt_err *e)
{
    *failed = -1;
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    if (n <= 0)
        return 0;
    if (ready(c, e) != 0)
        return -1;
    if (!c->one_at_a_time && (!PQenterPipelineMode(c->pg) || PQsetnonblocking(c->pg, 1) != 0)) {
        (void)PQexitPipelineMode(c->pg);
        return ixt_err_set(e, "cannot start a pipeline: %s", PQerrorMessage(c->pg));
    }
    c->busy = true;
    int unpinned = -1;
    bool left = true;
    int done = c->one_at_a_time ? pipe_one_by_one(c, reqs, n, out, &unpinned)
                                : pipe_all(c, reqs, n, out, &unpinned, &left);
    c->busy = false;
    if (done < n || !left || PQstatus(c->pg) != CONNECTION_OK) {
        ixt_err_set(e, "%s: %s", left && PQstatus(c->pg) == CONNECTION_OK ? "the pipeline was interrupted"
                                     : "connection to the server was lost during a pipeline", PQerrorMessage(c->pg));
        if (e)
            ixt_squash_ws(e->msg);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (pipe_ok(out[i]) && (unpinned < 0 || i <= unpinned))
            continue;
        *failed = i;
        ixt_err why;
        if (pipe_ok(out[i]) || (unpinned >= 0 && i > unpinned))
            ixt_err_set(&why, "standard_conforming_strings changed during the pipeline: results "
                              "after request %d are discarded", unpinned + 1);
        else
            ixt_conn_result_error(out[i], reqs[i].sql, &why);
        ixt_err_set(e, "request %d of %d: %s", i + 1, n, why.msg);
        note_failure(c, out[i]);
        ixt_conn_explain_lock_wait(c, c->sqlstate, e);
        if (unpinned >= 0)
            for (int j = unpinned + 1; j < n; j++) {
                PQclear(out[j]);
                out[j] = NULL;
            }
        return -1;
    }
    return 0;
}

bool ixt_conn_busy(const ixt_conn *c) { return c->busy; }

unsigned long ixt_conn_roundtrips(const ixt_conn *c)
{
    return c->roundtrips;
}

double ixt_conn_latency_ms(const ixt_conn *c)
{
    return c->latency_ms;
}

bool ixt_conn_pipelined(const ixt_conn *c)
{
    return !c->one_at_a_time;
}

int ixt_conn_socket(const ixt_conn *c)
{
    return c->pg ? PQsocket(c->pg) : -1;
}

/* Keeps the first error, otherwise the last result. */
static void keep_result(ixt_conn *c, PGresult *r)
{
    if (c->pending && !result_ok(c->pending)) {
        PQclear(r);
        return;
    }
    PQclear(c->pending);
    c->pending = r;
}

int ixt_conn_collect(ixt_conn *c, PGresult **out, ixt_err *e)
{
    *out = NULL;
    if (!c->busy)
        return ixt_err_set(e, "no request under way");
    if (!PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK) {
        c->busy = false;
        PQclear(c->pending);
        c->pending = NULL;
        ixt_err_set(e, "connection to the server was lost: %s", PQerrorMessage(c->pg));
        if (e)
            ixt_squash_ws(e->msg);
        return -1;
    }
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r) {
            keep_result(c, r);
            continue;
        }
        c->busy = false;
        PGresult *done = c->pending;
        c->pending = NULL;
        if (done && !result_ok(done)) {
            note_failure(c, done);
            ixt_conn_result_error(done, c->sent, e);
            ixt_conn_explain_lock_wait(c, c->sqlstate, e);
            PQclear(done);
        } else {
            *out = done;
        }
        return 1;
    }
    return 0;
}

int ixt_conn_cancel(ixt_conn *c, ixt_err *e)
{
    PGcancel *cn = PQgetCancel(c->pg);
    char buf[256];
    if (!cn)
        return ixt_err_set(e, "cannot cancel: no connection");
    int ok = PQcancel(cn, buf, sizeof buf);
    PQfreeCancel(cn);
    return ok ? 0 : ixt_err_set(e, "cancel failed: %s", buf);
}

char *ixt_conn_quote_ident(ixt_conn *c, const char *ident)
{
    char *q = PQescapeIdentifier(c->pg, ident, strlen(ident));
    char *out = ixt_xstrdup(q ? q : "\"\"");
    PQfreemem(q);
    return out;
}

char *ixt_conn_quote_literal(ixt_conn *c, const char *lit)
{
    char *q = PQescapeLiteral(c->pg, lit, strlen(lit));
    char *out = ixt_xstrdup(q ? q : "''");
    PQfreemem(q);
    return out;
}
