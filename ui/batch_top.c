/* batch_top: `idxtune top --once`, the slow-query list for scripts. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "sigcancel.h"
#include "idxtune/workload.h"

ixt_conn *batch_connect(const ixt_opts *o)
{
    ixt_err e;
    ixt_conn *c = ixt_conn_open(&o->conn, "batch", &e);
    if (!c)
        fprintf(stderr, "idxtune: %s\n", e.msg);
    else
        sigcancel_watch(c);
    return c;
}

static json_t *stmt_json(const ixt_stmt *s)
{
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, s->queryid);
    return json_pack("{s:s, s:s?, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                     "queryid", id, "query", s->query_full, "calls", s->calls,
                     "total_ms", s->total_ms, "mean_ms", s->mean_ms, "rows", s->rows,
                     "share", s->share, "shared_blks_hit", s->shared_hit,
                     "shared_blks_read", s->shared_read);
}

static void print_text(ixt_stmt **v, size_t n)
{
    printf("%20s %12s %10s %12s %10s %6s  %s\n", "queryid", "total_ms", "calls", "mean_ms",
           "rows", "share", "query");
    for (size_t i = 0; i < n; i++) {
        const ixt_stmt *s = v[i];
        printf("%20" PRId64 " %12.1f %10.0f %12.3f %10.0f %5.1f%%  %s\n", s->queryid, s->total_ms,
               s->calls, s->mean_ms, s->rows, s->share * 100, s->query ? s->query : "");
    }
}

static int print_json(ixt_stmt **v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, stmt_json(v[i]));
    int rc = json_dumpf(arr, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(arr);
    return rc;
}

int batch_top(const ixt_opts *o)
{
    int col = o->sort ? ixt_stmt_col_parse(o->sort) : IXT_COL_TOTAL;
    if (col < 0) {
        fprintf(stderr, "idxtune: unknown sort column '%s' (total_ms, calls, mean_ms, rows, "
                        "share, calls_per_s, ms_per_s, queryid, query)\n", o->sort);
        return 2;
    }
    if (o->format != FMT_TEXT && o->format != FMT_JSON) {
        fprintf(stderr, "idxtune: top prints text or json\n");
        return 2;
    }
    ixt_conn *c = batch_connect(o);
    if (!c)
        return 1;
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    int rc = 0;
    if (ixt_workload_refresh(&w, c, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        rc = 1;
    } else {
        char note[256];
        if (ixt_workload_hidden_note(&w, note, sizeof note))
            fprintf(stderr, "idxtune: warning: %s\n", note);
        ixt_stmt **v;
        size_t n = ixt_workload_view(&w, (ixt_stmt_col)col, col != IXT_COL_QUERY, NULL, &v);
        if (o->limit > 0 && (size_t)o->limit < n)
            n = (size_t)o->limit;
        if (o->format == FMT_JSON)
            rc = print_json(v, n);
        else
            print_text(v, n);
        free(v);
    }
    ixt_workload_free(&w);
    ixt_conn_close(c);
    return rc;
}
