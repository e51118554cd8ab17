/* explain: plans for typed, pasted and normalized statements; EXPLAIN
 * ANALYZE inside transactions that never commit. */
#include "idxtune/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>

#include "idxtune/sqlparse.h"
#include "idxtune/sqlplannable.h"

#define PREP_NAME "idxtune_explain"
#define OPTS_PLAN "FORMAT JSON, VERBOSE, COSTS, SETTINGS, SUMMARY"
/* the costs and the plan's shape alone: a quarter less to send and read */
#define OPTS_COST "FORMAT JSON, COSTS"
#define OPTS_ANALYZE "ANALYZE, BUFFERS, FORMAT JSON, VERBOSE, COSTS, SETTINGS"

void ixt_explain_prep_free(ixt_explain_prep *p)
{
    free(p->sql);
    ixt_script_free(&p->script);
    memset(p, 0, sizeof *p);
}

/* Says why a text cannot be explained before the server is asked. */
static int check_text(const char *sql, ixt_err *e)
{
    const char *p = sql;
    while (*p == ' ' || *p == '\n' || *p == '\t')
        p++;
    if (!*p)
        return ixt_err_set(e, "the statement is empty");
    if (strcmp(p, "<insufficient privilege>") == 0)
        return ixt_err_set(e, "the text of this statement is hidden from this role: grant it "
                              "pg_read_all_stats (or connect as the statement's owner) to explain it");
    return 0;
}

/* Parses the statement, rewriting pg_stat_statements placeholders that do
 * not parse or plan as written ("date $1", "extract($1 from x)"). */
static ixt_sql_info *parse_plannable(const char *sql, ixt_explain_prep *p, ixt_err *e)
{
    ixt_err first;
    ixt_sql_info *info = ixt_sql_analyze(sql, &first);
    bool has_params = strchr(sql, '$') != NULL;
    if (info && (!has_params || info->nparams == 0)) {
        p->sql = ixt_xstrdup(sql);
        return info;
    }
    ixt_sql_info_free(info);
    ixt_err rw;
    char *fixed = has_params ? ixt_sql_plannable(sql, &rw) : NULL;
    info = fixed ? ixt_sql_analyze(fixed, &rw) : NULL;
    if (!info) {
        free(fixed);
        /* The original error is the one that points at the user's text. */
        if (e)
            *e = first.msg[0] ? first : rw;
        return NULL;
    }
    p->rewritten = strcmp(fixed, sql) != 0;
    p->squashed = ixt_sql_has_squashed_list(sql);
    p->sql = fixed;
    return info;
}

static int classify(const ixt_sql_info *info, ixt_explain_prep *p, ixt_err *e)
{
    switch (info->kind) {
    case IXT_SQL_SELECT:
        p->writes = !info->read_only;
        return 0;
    case IXT_SQL_INSERT: case IXT_SQL_UPDATE: case IXT_SQL_DELETE: case IXT_SQL_MERGE:
        p->writes = true;
        return 0;
    case IXT_SQL_MULTIPLE:
        return ixt_err_set(e, "several statements: explain them one at a time");
    default:
        return ixt_err_set(e, "%s statements have no plan: only SELECT, INSERT, UPDATE, "
                              "DELETE and MERGE can be explained", ixt_sql_kind_name(info->kind));
    }
}

static void add_transaction(ixt_explain_prep *p, const ixt_explain_req *r)
{
    ixt_script *s = &p->script;
    ixt_script_add(s, p->writes || !r->analyze ? IXT_SQL_TAG "BEGIN" : IXT_SQL_TAG "BEGIN READ ONLY", 0);
    if (r->statement_timeout_ms > 0)
        ixt_script_addf(s, 0, IXT_SQL_TAG "SET LOCAL statement_timeout = %d", r->statement_timeout_ms);
}

/* The user's statement as one request of its own: EXPLAIN with the values
 * as parameters, which also gives the plan the application gets for them. */
static void add_explain(ixt_explain_prep *p, const ixt_explain_req *r, const char *opts)
{
    char *sql = ixt_xasprintf(IXT_SQL_TAG "EXPLAIN (%s) %s", opts, p->sql);
    p->explain_step = ixt_script_add_params(&p->script, sql, p->generic ? 0 : p->nparams, r->params,
                                            IXT_STEP_KEEP);
    p->user_step = p->explain_step;
    free(sql);
}

/* A plan without ANALYZE runs nothing.  Without values for its parameters
 * the statement is prepared and its generic plan explained with NULLs (the
 * way that works on every version). */
static void build_plan_script(const ixt_explain_req *r, ixt_explain_prep *p, const char *opts)
{
    ixt_script *s = &p->script;
    if (!p->generic) {
        add_explain(p, r, opts);
        return;
    }
    char *sql = ixt_xasprintf(IXT_SQL_TAG "%s", p->sql);
    p->user_step = ixt_script_add_prepare(s, PREP_NAME, sql, 0);
    free(sql);
    ixt_script_add(s, IXT_SQL_TAG "BEGIN", 0);
    ixt_script_add(s, IXT_SQL_TAG "SET LOCAL plan_cache_mode = force_generic_plan", 0);
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, IXT_SQL_TAG "EXPLAIN (%s) EXECUTE " PREP_NAME "(", opts);
    for (int i = 0; i < p->nparams; i++)
        ixt_buf_add(&b, i ? ", NULL" : "NULL");
    ixt_buf_add(&b, ")");
    p->explain_step = ixt_script_add(s, b.s, IXT_STEP_KEEP);
    ixt_buf_free(&b);
    ixt_script_add(s, IXT_SQL_TAG "ROLLBACK", IXT_STEP_FINALLY);
    ixt_script_add(s, IXT_SQL_TAG "DEALLOCATE " PREP_NAME, IXT_STEP_FINALLY);
}

/* EXPLAIN ANALYZE runs the statement: inside a transaction that is always
 * rolled back, READ ONLY for a SELECT.  What a rollback leaves behind -
 * session-level advisory locks - goes too. */
static void build_analyze_script(const ixt_explain_req *r, ixt_explain_prep *p)
{
    add_transaction(p, r);
    add_explain(p, r, OPTS_ANALYZE);
    ixt_script_add(&p->script, IXT_SQL_TAG "ROLLBACK", IXT_STEP_FINALLY);
    ixt_script_add(&p->script, IXT_EXPLAIN_RESET_SQL, IXT_STEP_FINALLY);
}

/* No operator or function for unknown types: numeric operands around
 * + - * /, else numeric arguments of the call the server points at (pos:
 * its 1-based character in the tagged statement, 0 unknown). */
static char *cast_for_call(long pos, const char *sql)
{
    char *fixed = ixt_sql_cast_arith_params(sql, NULL);
    if (fixed)
        return fixed;
    long at = pos > 0 ? pos - 1 - (long)strlen(IXT_SQL_TAG) : -1;
    if (at < 0)
        return NULL;
    size_t byte = 0;
    for (long ch = 0; sql[byte] && ch < at; ch++)
        while (sql[++byte] && (sql[byte] & 0xC0) == 0x80) {}
    return ixt_sql_cast_params_in_call(sql, (int)byte, "numeric", NULL);
}

/* The text with the cast a failed PREPARE calls for: a placeholder whose
 * type the server cannot guess (state 42P18, msg naming "$n") becomes
 * text; no operator or function for unknown types (42725, 42883) makes
 * numbers of them.  NULL when the error is another.  caller frees */
static bool typing_state(const char *state)
{
    return state && (!strcmp(state, "42P18") || !strcmp(state, "42725") || !strcmp(state, "42883"));
}

static char *typing_fix(const char *sql, const char *state, const char *msg, long pos)
{
    const char *dollar = msg ? strchr(msg, '$') : NULL;
    if (!typing_state(state))
        return NULL;
    if (!strcmp(state, "42P18"))
        return dollar ? ixt_sql_cast_param(sql, atoi(dollar + 1), "text", NULL) : NULL;
    return cast_for_call(pos, sql);
}

/* PREPARE checks what EXPLAIN will need: placeholders whose type the
 * server cannot guess ("$8 + $9", a bare "$1" in a select list) get a cast
 * and the statement is tried again. */
static int probe_types(ixt_conn *c, ixt_explain_prep *p, ixt_err *e)
{
    for (int round = 0; round < 16; round++) {
        char *sql = ixt_xasprintf(IXT_SQL_TAG "%s", p->sql);
        PGresult *r = ixt_conn_prepare(c, "idxtune_probe", sql, e);
        if (!r) {
            free(sql);
            return -1;
        }
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            PQclear(r);
            free(sql);
            return ixt_conn_run(c, IXT_SQL_TAG "DEALLOCATE idxtune_probe", e);
        }
        const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
        char *fixed = typing_fix(p->sql, PQresultErrorField(r, PG_DIAG_SQLSTATE),
                                 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY), pos ? atol(pos) : 0);
        if (!fixed) {
            ixt_conn_result_error(r, sql, e);
            PQclear(r);
            free(sql);
            return -1;
        }
        PQclear(r);
        free(sql);
        free(p->sql);
        p->sql = fixed;
        p->rewritten = true;
    }
    return ixt_err_set(e, "cannot find types for the parameters of this statement");
}

/* The statement exactly as the parser located it: without the empty
 * statements (";") around it, which would end the EXPLAIN put in front. */
static void trim_to_statement(ixt_explain_prep *p)
{
    PgQuerySplitResult sr = pg_query_split_with_parser(p->sql);
    if (!sr.error && sr.n_stmts == 1) {
        const PgQuerySplitStmt *st = sr.stmts[0];
        char *only = ixt_xstrndup(p->sql + st->stmt_location, (size_t)st->stmt_len);
        free(p->sql);
        p->sql = only;
    }
    pg_query_free_split_result(sr);
}

/* Everything that can be checked without the server. */
static int check_request(const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e)
{
    memset(p, 0, sizeof *p);
    ixt_script_init(&p->script);
    if (check_text(r->sql, e) != 0)
        return -1;
    ixt_sql_info *info = r->typed ? ixt_sql_analyze(r->sql, e) : parse_plannable(r->sql, p, e);
    if (info && r->typed)
        p->sql = ixt_xstrdup(r->sql);
    if (!info)
        return -1;
    int rc = classify(info, p, e);
    trim_to_statement(p);
    p->nparams = info->nparams;
    ixt_sql_info_free(info);
    if (rc != 0) {
        ixt_explain_prep_free(p);
        return -1;
    }
    /* the protocol counts parameters in 16 bits */
    if (p->nparams > 65535) {
        int n = p->nparams;
        ixt_explain_prep_free(p);
        return ixt_err_set(e, "$%d: PostgreSQL allows at most 65535 parameters", n);
    }
    p->generic = p->nparams > 0 && r->nparams < p->nparams;
    if (r->analyze && p->generic) {
        int n = p->nparams;
        ixt_explain_prep_free(p);
        return ixt_err_set(e, "EXPLAIN ANALYZE runs the statement: it needs a value for each of its "
                              "%d parameters ($1..$%d: --param VALUE for each in order; the TUI asks for them, "
                              "with suggestions from pg_stats)", n, n);
    }
    return 0;
}

static void build_script(const ixt_explain_req *r, ixt_explain_prep *p)
{
    if (r->analyze)
        build_analyze_script(r, p);
    else
        build_plan_script(r, p, OPTS_PLAN);
}

int ixt_explain_prepare_text(const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e)
{
    if (check_request(r, p, e) != 0)
        return -1;
    build_script(r, p);
    return 0;
}

void ixt_explain_prepare_again(const ixt_explain_prep *done, bool cost_only, ixt_explain_prep *p)
{
    memset(p, 0, sizeof *p);
    ixt_script_init(&p->script);
    p->sql = ixt_xstrdup(done->sql);
    p->nparams = done->nparams;
    p->generic = done->generic;
    p->writes = done->writes;
    p->rewritten = done->rewritten;
    p->squashed = done->squashed;
    build_plan_script(&(ixt_explain_req){0}, p, cost_only ? OPTS_COST : OPTS_PLAN);
}

int ixt_explain_retype(ixt_conn *c, ixt_explain_prep *p, ixt_err *e)
{
    const ixt_script *s = &p->script;
    if (!p->generic || !s->failed || s->err_step != p->user_step || !typing_state(s->err_state))
        return 0;
    char *fixed = typing_fix(p->sql, s->err_state, s->err.msg, s->err_pos);
    if (fixed) {
        free(p->sql);
        p->sql = fixed;
        p->rewritten = true;
    } else if (probe_types(c, p, e) != 0) {
        return -1;
    }
    ixt_script_free(&p->script);
    ixt_script_init(&p->script);
    build_plan_script(&(ixt_explain_req){0}, p, OPTS_PLAN);
    return 1;
}

int ixt_explain_prepare(ixt_conn *c, const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e)
{
    if (check_request(r, p, e) != 0)
        return -1;
    if (p->nparams > 0 && !r->typed && probe_types(c, p, e) != 0) {
        ixt_explain_prep_free(p);
        return -1;
    }
    build_script(r, p);
    return 0;
}

char *ixt_explain_json(const ixt_explain_prep *p, ixt_err *e)
{
    PGresult *r = ixt_script_result(&p->script, p->explain_step);
    if (!r || PQntuples(r) < 1 || PQnfields(r) < 1) {
        ixt_err_set(e, "EXPLAIN returned no plan");
        return NULL;
    }
    /* FORMAT JSON gives one row of one column; keep it whole. */
    return ixt_xstrdup(PQgetvalue(r, 0, 0));
}

ixt_plan *ixt_explain_plan(ixt_explain_prep *p, ixt_err *e)
{
    PGresult *r = ixt_script_result(&p->script, p->explain_step);
    ixt_plan *plan = NULL;
    if (!r || PQntuples(r) < 1 || PQnfields(r) < 1)
        ixt_err_set(e, "EXPLAIN returned no plan");
    else
        plan = ixt_plan_parse(PQgetvalue(r, 0, 0), e);
    ixt_script_free(&p->script);
    return plan;
}

char *ixt_explain_run(ixt_conn *c, const ixt_explain_req *r, ixt_explain_prep *p, ixt_err *e)
{
    if (ixt_explain_prepare(c, r, p, e) != 0)
        return NULL;
    char *json = ixt_script_run(&p->script, c, e) == 0 ? ixt_explain_json(p, e) : NULL;
    if (!json)
        ixt_explain_prep_free(p);
    return json;
}

static const char HINTS_SQL[] =
    IXT_SQL_TAG
    "SELECT v, k = 1 FROM (SELECT v, 1 AS k, o FROM pg_stats s,"
    "  unnest(s.most_common_vals::text::text[]) WITH ORDINALITY AS u(v, o)"
    "  WHERE s.tablename = $1 AND s.attname = $2"
    " UNION ALL SELECT v, 2, o FROM pg_stats s,"
    "  unnest(s.histogram_bounds::text::text[]) WITH ORDINALITY AS u(v, o)"
    "  WHERE s.tablename = $1 AND s.attname = $2 AND o % 25 = 1) x"
    " ORDER BY k, o LIMIT 8";

/* The statement as the hints see it: placeholders keep their numbers
 * when the text parses as written.  caller frees */
static ixt_sql_info *hints_info(const char *sql)
{
    ixt_sql_info *info = ixt_sql_analyze(sql, NULL);
    if (!info) {
        char *fixed = ixt_sql_plannable(sql, NULL);
        info = fixed ? ixt_sql_analyze(fixed, NULL) : NULL;
        free(fixed);
    }
    return info;
}

static void hint_free(ixt_param_hint *h)
{
    for (int k = 0; k < h->nvalues; k++)
        free(h->values[k]);
    free(h->values);
    free(h->column);
}

/* Fills h for $n from pg_stats of the column it is compared with: IN
 * lists, BETWEEN bounds, SET too. */
static int hint_for(ixt_conn *c, const ixt_sql_info *info, int n, ixt_param_hint *h, ixt_err *e)
{
    memset(h, 0, sizeof *h);
    h->values = ixt_xcalloc(1, sizeof *h->values);
    const ixt_sql_param *u = ixt_sql_param_target(info, n);
    if (!u || !u->table || !u->column)
        return 0;
    h->column = ixt_xasprintf("%s.%s", u->table, u->column);
    const char *params[] = {u->table, u->column};
    PGresult *r = ixt_conn_exec(c, HINTS_SQL, 2, params, e);
    if (!r)
        return -1;
    h->nvalues = PQntuples(r);
    h->values = ixt_xrealloc(h->values, ((size_t)h->nvalues + 1) * sizeof *h->values);
    for (int i = 0; i < h->nvalues; i++) {
        h->values[i] = ixt_xstrdup(PQgetvalue(r, i, 0));
        h->nmcv += strcmp(PQgetvalue(r, i, 1), "t") == 0;
    }
    h->values[h->nvalues] = NULL;
    PQclear(r);
    return 0;
}

int ixt_explain_param_hints(ixt_conn *c, const char *sql, int n, char ***out, ixt_err *e)
{
    ixt_sql_info *info = hints_info(sql);
    ixt_param_hint h;
    int rc = info ? hint_for(c, info, n, &h, e) : -1;
    ixt_sql_info_free(info);
    *out = NULL;
    if (rc != 0) {
        if (info)
            hint_free(&h);
        return 0;
    }
    free(h.column);
    *out = h.values;
    return h.nvalues;
}

int ixt_explain_hints(ixt_conn *c, const char *sql, ixt_param_hint **out, ixt_err *e)
{
    *out = NULL;
    ixt_sql_info *info = hints_info(sql);
    if (!info)
        return 0;
    int n = info->nparams;
    *out = ixt_xcalloc((size_t)n + 1, sizeof **out);
    for (int i = 0; i < n; i++)
        if (hint_for(c, info, i + 1, &(*out)[i], e) != 0) {
            ixt_param_hints_free(*out, i + 1);
            *out = NULL;
            n = -1;
            break;
        }
    ixt_sql_info_free(info);
    return n;
}

void ixt_param_hints_free(ixt_param_hint *h, int n)
{
    for (int i = 0; h && i < n; i++)
        hint_free(&h[i]);
    free(h);
}

char *ixt_explain_example(ixt_conn *c, long long queryid, ixt_err *e)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", queryid);
    const char *params[] = {id};
    const ixt_server_info *in = ixt_conn_info(c);
    if (in->version_num >= 140000) {
        PGresult *r = ixt_conn_exec(c, IXT_SQL_TAG "SELECT query FROM pg_stat_activity WHERE query_id = $1::bigint"
                                       " AND pid <> pg_backend_pid() ORDER BY query_start DESC LIMIT 1",
                                    1, params, NULL);
        char *text = r && PQntuples(r) ? ixt_xstrdup(PQgetvalue(r, 0, 0)) : NULL;
        PQclear(r);
        if (text)
            return text;
    }
    if (in->has_qualstats) {
        PGresult *r = ixt_conn_exec(c, IXT_SQL_TAG "SELECT pg_qualstats_example_query($1::bigint)", 1, params, NULL);
        char *text = r && PQntuples(r) && !PQgetisnull(r, 0, 0) ? ixt_xstrdup(PQgetvalue(r, 0, 0)) : NULL;
        PQclear(r);
        if (text)
            return text;
    }
    ixt_err_set(e, "no literal example of queryid %lld: it is not running now%s", queryid,
                in->has_qualstats ? " and pg_qualstats has none" : " (pg_qualstats would keep examples)");
    return NULL;
}
