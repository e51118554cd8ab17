/* batch_explain: `idxtune explain`, the plan tree for scripts. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "idxtune/explain.h"
#include "idxtune/jsonout.h"
#include "idxtune/plan.h"
#include "idxtune/plan_json.h"
#include "idxtune/plan_text.h"
#include "idxtune/sqlquote.h"
#include "idxtune/workload.h"

bool batch_statement_given(const ixt_opts *o)
{
    if (!!o->sql + !!o->file + !!o->queryid == 1)
        return true;
    fprintf(stderr, "idxtune: give exactly one of -c SQL, -f FILE or --queryid ID\n");
    return false;
}

char *batch_statement(const ixt_opts *o, ixt_conn *c)
{
    ixt_err e;
    if (o->sql)
        return ixt_xstrdup(o->sql);
    if (o->file) {
        char *text = ixt_read_file(o->file, NULL, &e);
        if (!text)
            fprintf(stderr, "idxtune: %s\n", e.msg);
        return text;
    }
    long long id = o->queryid_id;
    ixt_nodes ns;
    if (batch_nodes(o, c, &ns) != 0)
        return NULL;
    ixt_workload w;
    ixt_workload_init(&w);
    char *text = NULL;
    if (batch_workload(&ns, &w, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
    } else {
        const ixt_stmt *s = ixt_workload_find(&w, id);
        char note[256];
        char **texts;
        if (s && s->text) {
            /* a statement only a standby ran has its text only there */
            int64_t qid = id;
            if (ixt_nodes_full_texts(&ns, &qid, 1, &texts, &e) != 0) {
                fprintf(stderr, "idxtune: %s\n", e.msg);
            } else {
                text = texts[0];
                if (!text)
                    fprintf(stderr, "idxtune: statement %s is no longer in pg_stat_statements, or its text is "
                                    "hidden from this role\n", o->queryid);
                free(texts);
            }
        } else if (ixt_workload_hidden_note(&w, note, sizeof note))
            fprintf(stderr, "idxtune: no statement with queryid %s visible to this role (it may be "
                            "another role's): %s\n", o->queryid, note);
        else
            fprintf(stderr, "idxtune: no statement with queryid %s in pg_stat_statements of this database\n",
                    o->queryid);
    }
    ixt_workload_free(&w);
    ixt_nodes_free(&ns);
    return text;
}

/* "$1 (runs.status): 'queued', 'done'; $2: none" */
static void add_suggestions(ixt_buf *b, const ixt_param_hint *h, int n)
{
    for (int i = 0; i < n; i++) {
        ixt_buf_printf(b, "%s$%d", i ? "; " : "", i + 1);
        if (h[i].column)
            ixt_buf_printf(b, " (%s)", h[i].column);
        ixt_buf_add(b, ":");
        for (int k = 0; k < h[i].nvalues && k < 4; k++) {
            char *lit = ixt_quote_literal(h[i].values[k]);
            ixt_buf_printf(b, "%s %s", k ? "," : "", lit);
            free(lit);
        }
        if (h[i].nvalues == 0)
            ixt_buf_add(b, " no suggestion");
    }
}

static void add_used(batch_values *v, int i, const char *source)
{
    json_array_append_new(v->used, json_pack("{s:i, s:s, s:s}", "param", i + 1, "value", v->values[i],
                                             "source", source));
}

/* pg_stats' first suggestion for each parameter; false when one has none. */
static bool pick_values(batch_values *v, const ixt_param_hint *h, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (h[i].nvalues == 0)
            return false;
    v->picked = ixt_xcalloc((size_t)n + 1, sizeof *v->picked);
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < n; i++) {
        v->picked[i] = ixt_xstrdup(h[i].values[0]);
        char source[256];
        snprintf(source, sizeof source, "%s of %s", h[i].nmcv > 0 ? "most common value" : "a histogram bound",
                 h[i].column);
        char *lit = ixt_quote_literal(v->picked[i]);
        ixt_buf_printf(&b, "%s$%d = %s (%s)", i ? ", " : "", i + 1, lit, source);
        free(lit);
        v->values = (const char *const *)v->picked;
        add_used(v, i, source);
    }
    v->n = n;
    fprintf(stderr, "idxtune: %s runs with %s; give --param VALUE for each to choose\n", what, b.s);
    ixt_buf_free(&b);
    return true;
}

int batch_param_values(const ixt_opts *o, ixt_conn *c, const char *sql, bool pick, const char *what,
                       batch_values *v)
{
    memset(v, 0, sizeof *v);
    v->used = json_array();
    ixt_param_hint *h;
    ixt_err e;
    int n = ixt_explain_hints(c, sql, &h, &e);
    if (n < 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    int rc = 0;
    if (o->nparams > n) {
        fprintf(stderr, "idxtune: %d --param given, but the statement has %d parameter%s\n", o->nparams, n,
                n == 1 ? "" : "s");
        rc = 2;
    } else if (o->nparams > 0 || n == 0) {
        v->values = o->params;
        v->n = o->nparams;
        for (int i = 0; i < v->n; i++)
            add_used(v, i, "--param");
    }
    bool picking = pick && o->nparams == 0;
    /* without suggestions for each, --queryid may still have a literal
     * example (batch_explain) */
    if (rc == 0 && v->n < n && !(picking && (pick_values(v, h, n, what) || o->queryid))) {
        ixt_buf b;
        ixt_buf_init(&b);
        add_suggestions(&b, h, n);
        fprintf(stderr, "idxtune: %s runs the statement: give a value for each of its %d parameters with "
                        "--param VALUE, in order ($1 first)%s; suggestions from pg_stats: %s\n",
                what, n, o->nparams ? " (fewer were given)" : "", b.s);
        ixt_buf_free(&b);
        rc = 2;
    }
    ixt_param_hints_free(h, n);
    return rc;
}

void batch_values_free(batch_values *v)
{
    for (int i = 0; v->picked && v->picked[i]; i++)
        free(v->picked[i]);
    free(v->picked);
    json_decref(v->used);
    memset(v, 0, sizeof *v);
}

const char *batch_run_error(const batch_values *v, ixt_conn *c, const ixt_err *e, char *buf, size_t n)
{
    /* SQLSTATE class 22: invalid input syntax, out of range, ... */
    if (v->n == 0 || strncmp(ixt_conn_last_sqlstate(c), "22", 2) != 0)
        return e->msg;
    snprintf(buf, n, "a value given for a parameter does not fit it: %s", e->msg);
    return buf;
}

static int print_plan(const ixt_opts *o, const ixt_plan *p, const ixt_explain_prep *prep, json_t *used)
{
    if (o->format == FMT_JSON) {
        json_t *j = ixt_plan_to_json(p, NULL);
        /* the values $1..$n ran or were planned with: [] for none */
        json_object_set(j, "param_values", used);
        json_object_set_new(j, "generic", json_boolean(prep->generic));
        json_object_set_new(j, "rolled_back", json_boolean(prep->writes && o->analyze));
        json_object_set_new(j, "planned_sql", json_string(prep->sql));
        int rc = json_dumpf(j, stdout, IXT_JSON_DUMP) == 0 ? 0 : 1;
        putchar('\n');
        json_decref(j);
        return rc;
    }
    if (prep->generic)
        printf("Generic plan: the statement has parameters ($1..$%d), planned without values.\n",
               prep->nparams);
    if (prep->rewritten)
        printf("Planned as: %s\n", prep->sql);
    if (prep->squashed)
        printf("An IN list was squashed by pg_stat_statements (its length is unknown): planned with the list as one array parameter.\n");
    if (prep->writes && o->analyze)
        printf("The statement ran inside BEGIN ... ROLLBACK: its changes were rolled back.\n");
    char *text = ixt_plan_render_text(p, o->cfg.ascii);
    fputs(text, stdout);
    free(text);
    return 0;
}

int batch_explain(const ixt_opts *o)
{
    if (o->format != FMT_TEXT && o->format != FMT_JSON) {
        fprintf(stderr, "idxtune: explain prints text or json\n");
        return 2;
    }
    if (!batch_statement_given(o))
        return 2;
    ixt_conn *c = batch_connect(o);
    if (!c)
        return 1;
    char *sql = batch_statement(o, c);
    batch_values v = {0};
    int rc = !sql ? 1 : o->analyze || o->nparams ? batch_param_values(o, c, sql, o->analyze, "ANALYZE", &v) : 0;
    if (!sql || rc != 0) {
        batch_values_free(&v);
        free(sql);
        ixt_conn_close(c);
        return rc ? rc : 1;
    }
    rc = 1;
    ixt_explain_req req = {.sql = sql, .analyze = o->analyze, .statement_timeout_ms = o->cfg.statement_timeout_ms,
                           .params = v.values, .nparams = v.n};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    if (!json && o->queryid && v.n == 0) {
        /* the normalized text does not plan: a literal example may */
        ixt_err ex;
        char *example = ixt_explain_example(c, o->queryid_id, &ex);
        if (example) {
            fprintf(stderr, "idxtune: the normalized text does not plan (%s); planning a literal example of it "
                            "running now: %.300s\n", e.msg, example);
            free(sql);
            sql = example;
            req.sql = sql;
            json = ixt_explain_run(c, &req, &prep, &e);
        } else {
            snprintf(e.msg + strlen(e.msg), sizeof e.msg - strlen(e.msg), "; %.500s", ex.msg);
        }
    }
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    char buf[IXT_ERR_MAX + 64];
    if (p)
        rc = print_plan(o, p, &prep, v.used);
    else
        fprintf(stderr, "idxtune: cannot explain this statement: %s\n", batch_run_error(&v, c, &e, buf, sizeof buf));
    ixt_plan_free(p);
    if (json)
        ixt_explain_prep_free(&prep);
    free(json);
    batch_values_free(&v);
    free(sql);
    ixt_conn_close(c);
    return rc;
}
