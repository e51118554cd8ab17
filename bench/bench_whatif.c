/* The what-if round trip (create a hypothetical index, EXPLAIN, drop it)
 * over the demo statements, next to a bare EXPLAIN of the same statements:
 * one request at a time, and as one pipeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/sqlparse.h"
#include "idxtune/sqlsplit.h"
#include "idxtune/trial.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double explain_ms(ixt_conn *c, const char *sql)
{
    ixt_explain_req req = {.sql = sql, .typed = true};
    ixt_explain_prep prep;
    ixt_err e;
    double t0 = ixt_now_ms();
    char *json = ixt_explain_run(c, &req, &prep, &e);
    double dt = ixt_now_ms() - t0;
    if (!json)
        return -1;
    free(json);
    ixt_explain_prep_free(&prep);
    return dt;
}

/* The same round trip as one pipeline. */
static double pipelined_ms(ixt_conn *c, const char *def, const char *sql)
{
    ixt_whatif w;
    ixt_whatif_init(&w);
    ixt_err e;
    double t0 = ixt_now_ms();
    int made = ixt_whatif_create(c, &w, def, 0, &e);
    int plan = made >= 0 ? ixt_whatif_explain(&w, sql, &e) : -1;
    char *json = NULL;
    ixt_hypo h;
    if (plan >= 0 && ixt_whatif_drop(c, &w, 0, 0, &e) >= 0 && ixt_whatif_run(c, &w, &e) == 0 &&
        ixt_whatif_hypo(&w, made, &h, &e) == 0)
        json = ixt_whatif_plan(&w, plan, &e);
    double dt = ixt_now_ms() - t0;
    ixt_whatif_free(&w);
    free(json);
    return json ? dt : -1;
}

/* An index on the first column the statement filters its tables by. */
static char *index_for(const char *sql)
{
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    char *def = NULL;
    for (int i = 0; in && i < in->nuses && !def; i++) {
        const ixt_col_use *u = &in->uses[i];
        if (u->table && u->column && (u->kind == IXT_USE_EQ || u->kind == IXT_USE_RANGE))
            def = ixt_xasprintf("CREATE INDEX ON %s (%s)", u->table, u->column);
    }
    ixt_sql_info_free(in);
    return def;
}

static void report(const char *name, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%s_median_ms %.2f\n%s_p95_ms %.2f\n", name, v[n / 2], name, v[(n * 95 + 99) / 100 - 1]);
}

int main(void)
{
    ixt_err e;
    ixt_conn_opts o = {0};
    ixt_conn *c = ixt_conn_open(&o, "bench", &e);
    char *text = c ? ixt_read_file("demo/statements.sql", NULL, &e) : NULL;
    char **stmts;
    int n;
    if (!text || ixt_sql_split(text, &stmts, &n, &e) != 0) {
        fprintf(stderr, "bench_whatif: %s\n", e.msg);
        return 1;
    }
    enum { ROUNDS = 10 };
    double *bare = calloc((size_t)n * ROUNDS, sizeof *bare), *trip = calloc((size_t)n * ROUNDS, sizeof *trip);
    double *pipe = calloc((size_t)n * ROUNDS, sizeof *pipe);
    int nb = 0, nt = 0, np = 0;
    for (int i = 0; i < n; i++) {
        /* the lab plans a statement's text once, then reuses it typed */
        ixt_explain_req first = {.sql = stmts[i]};
        ixt_explain_prep prep;
        char *json = ixt_explain_run(c, &first, &prep, &e);
        if (!json)
            continue;
        free(json);
        free(stmts[i]);
        stmts[i] = ixt_xstrdup(prep.sql);
        ixt_explain_prep_free(&prep);
        char *def = index_for(stmts[i]);
        for (int r = 0; def && r < ROUNDS; r++) {
            double b = explain_ms(c, stmts[i]);
            double t0 = ixt_now_ms();
            ixt_hypo h;
            if (b < 0 || ixt_hypo_create(c, def, &h, &e) != 0)
                break;
            double x = explain_ms(c, stmts[i]);
            ixt_hypo_drop(c, h.oid, &e);
            double t1 = ixt_now_ms();
            double p = pipelined_ms(c, def, stmts[i]);
            if (x < 0 || p < 0)
                break;
            bare[nb++] = b;
            trip[nt++] = t1 - t0;
            pipe[np++] = p;
        }
        free(def);
        free(stmts[i]);
    }
    printf("whatif_statements %d\nwhatif_samples %d\n", n, nt);
    report("explain_bare", bare, nb);
    report("whatif_sequential", trip, nt);
    report("whatif_pipelined", pipe, np);
    printf("whatif_pipelined_p95_ratio %.2f\n", pipe[(np * 95 + 99) / 100 - 1] / bare[(nb * 95 + 99) / 100 - 1]);
    free(stmts);
    free(text);
    free(bare);
    free(trip);
    free(pipe);
    ixt_conn_close(c);
    return 0;
}
