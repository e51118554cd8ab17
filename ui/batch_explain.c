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
    ixt_workload w;
    ixt_workload_init(&w);
    char *text = NULL;
    if (ixt_workload_refresh(&w, c, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
    } else {
        const ixt_stmt *s = ixt_workload_find(&w, id);
        char note[256];
        if (s && s->query) {
            text = ixt_workload_full_text(c, id, &e);
            if (!text)
                fprintf(stderr, "idxtune: %s\n", e.msg);
        } else if (ixt_workload_hidden_note(&w, note, sizeof note))
            fprintf(stderr, "idxtune: no statement with queryid %s visible to this role (it may be "
                            "another role's): %s\n", o->queryid, note);
        else
            fprintf(stderr, "idxtune: no statement with queryid %s in pg_stat_statements of this database\n",
                    o->queryid);
    }
    ixt_workload_free(&w);
    return text;
}

static int print_plan(const ixt_opts *o, const ixt_plan *p, const ixt_explain_prep *prep)
{
    if (o->format == FMT_JSON) {
        json_t *j = ixt_plan_to_json(p, NULL);
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
    int rc = 1;
    char *sql = batch_statement(o, c);
    ixt_explain_req req = {.sql = sql, .analyze = o->analyze,
                           .statement_timeout_ms = o->cfg.statement_timeout_ms};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = sql ? ixt_explain_run(c, &req, &prep, &e) : NULL;
    if (!json && sql && o->queryid) {
        /* the normalized text does not plan: a literal example may */
        ixt_err ex;
        char *example = ixt_explain_example(c, o->queryid_id, &ex);
        if (example) {
            fprintf(stderr, "idxtune: the normalized text does not plan (%s); planning a literal example\n", e.msg);
            free(sql);
            sql = example;
            req.sql = sql;
            json = ixt_explain_run(c, &req, &prep, &e);
        } else {
            snprintf(e.msg + strlen(e.msg), sizeof e.msg - strlen(e.msg), "; %.500s", ex.msg);
        }
    }
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    if (p)
        rc = print_plan(o, p, &prep);
    else if (sql)
        fprintf(stderr, "idxtune: cannot explain this statement: %s\n", e.msg);
    ixt_plan_free(p);
    free(json);
    if (sql)
        ixt_explain_prep_free(&prep);
    free(sql);
    ixt_conn_close(c);
    return rc;
}
