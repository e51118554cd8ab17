/* batch_top: `idxtune top --once`, the slow-query list for scripts. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "sigcancel.h"
#include "idxtune/jsonout.h"
#include "idxtune/nodes.h"
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

int batch_nodes(const ixt_opts *o, ixt_conn *c, ixt_nodes *ns)
{
    ixt_err e;
    ixt_nodes_init(ns, c);
    for (int i = 0; i < o->cfg.nnodes; i++) {
        int rc = ixt_nodes_add(ns, o->cfg.nodes[i], 0, &e);
        if (rc < 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
            ixt_nodes_free(ns);
            return 1;
        }
        if (rc > 0)
            fprintf(stderr, "idxtune: warning: %s down: %s; going on without it\n",
                    ixt_node_label(&ns->items[ns->n - 1]), e.msg);
    }
    if (ns->n > 1 && ns->sysid_note[0])
        fprintf(stderr, "idxtune: warning: %s\n", ns->sysid_note);
    return 0;
}

int batch_workload(ixt_nodes *ns, ixt_workload *w, ixt_err *e)
{
    /* read once, printed in any order: no time spent on compression */
    for (size_t i = 0; i < ns->n; i++)
        ns->items[i].wl.texts.plain = true;
    w->texts.plain = true;
    ixt_node *m = &ns->items[0];
    if (ixt_workload_refresh(&m->wl, m->conn, e) != 0)
        return -1;
    bool were_up[ns->n];
    for (size_t i = 0; i < ns->n; i++)
        were_up[i] = ns->items[i].up;
    ixt_nodes_refresh(ns);
    for (size_t i = 1; i < ns->n; i++)
        if (were_up[i] && !ns->items[i].up)
            fprintf(stderr, "idxtune: warning: %s down: %s; going on without it\n",
                    ixt_node_label(&ns->items[i]), ns->items[i].error);
    ixt_nodes_merge(ns, &m->wl, w);
    return 0;
}

/* Rates (calls_per_s, ms_per_s) are null on one snapshot; the per-node
 * breakdown comes with --node. */
static json_t *stmt_json(const ixt_nodes *ns, const ixt_workload *w, const ixt_stmt *s, const char *text, bool rates)
{
    double hit, read;
    ixt_workload_blocks(w, s, &hit, &read);
    json_t *o = json_object();
    json_object_set_new(o, "queryid", ixt_json_id(s->queryid));
    json_object_set_new(o, "query", text ? json_string(text) : json_null());
    json_object_set_new(o, "calls", ixt_json_count(s->calls));
    json_object_set_new(o, "total_ms", ixt_json_real(s->total_ms, IXT_JSON_MS));
    json_object_set_new(o, "mean_ms", ixt_json_real(ixt_stmt_mean_ms(s), IXT_JSON_MS));
    json_object_set_new(o, "rows", ixt_json_count(s->rows));
    json_object_set_new(o, "share", ixt_json_real(s->share, IXT_JSON_RATIO));
    json_object_set_new(o, "shared_blks_hit", ixt_json_count(hit));
    json_object_set_new(o, "shared_blks_read", ixt_json_count(read));
    json_object_set_new(o, "calls_per_s", rates ? ixt_json_real(s->calls_r.avg, IXT_JSON_RATE) : json_null());
    json_object_set_new(o, "ms_per_s", rates ? ixt_json_real(s->ms_r.avg, IXT_JSON_RATE) : json_null());
    if (ns->n > 1) {
        ixt_node_share sh[IXT_CONFIG_NODES + 1];
        size_t k = ixt_nodes_breakdown(ns, &ns->items[0].wl, s->queryid, sh, IXT_CONFIG_NODES + 1);
        json_t *arr = json_array();
        for (size_t i = 0; i < k; i++)
            json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o}", "node", sh[i].name,
                                                 "calls", ixt_json_count(sh[i].calls),
                                                 "total_ms", ixt_json_real(sh[i].total_ms, IXT_JSON_MS),
                                                 "share", ixt_json_real(sh[i].share, IXT_JSON_RATIO)));
        json_object_set_new(o, "nodes", arr);
    }
    return o;
}

static void print_text(const ixt_nodes *ns, const ixt_workload *w, ixt_stmt **v, size_t n, bool rates)
{
    printf("%20s %12s %10s %12s %10s %6s", "queryid", "total_ms", "calls", "mean_ms", "rows", "share");
    if (rates)
        printf(" %10s %10s", "calls/s", "ms/s");
    if (ns->n > 1)
        printf("  %-32s", "where");
    printf("  %s\n", "query");
    for (size_t i = 0; i < n; i++) {
        const ixt_stmt *s = v[i];
        printf("%20" PRId64 " %12.1f %10.0f %12.3f %10.0f %5.1f%%", s->queryid, s->total_ms, s->calls, ixt_stmt_mean_ms(s),
               s->rows, s->share * 100);
        if (rates)
            printf(" %10.1f %10.1f", s->calls_r.avg, s->ms_r.avg);
        if (ns->n > 1) {
            char where[256];
            ixt_nodes_breakdown_text(ns, &ns->items[0].wl, s->queryid, where, sizeof where);
            printf("  %-32s", where);
        }
        char text[IXT_QUERY_LINE_BYTES];
        printf("  %s\n", ixt_workload_text(w, s, text, sizeof text));
    }
}

/* JSON carries the full texts: fetched for the rows printed only. */
static int print_json(const ixt_nodes *ns, const ixt_workload *w, ixt_stmt **v, size_t n, bool rates)
{
    int64_t *ids = ixt_xcalloc(n + 1, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i]->queryid;
    char **texts;
    ixt_err e;
    int rc = ixt_nodes_full_texts(ns, ids, n, &texts, &e);
    free(ids);
    if (rc != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, stmt_json(ns, w, v[i], texts[i], rates));
    ixt_workload_texts_free(texts, n);
    rc = json_dumpf(arr, stdout, IXT_JSON_DUMP) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(arr);
    return rc;
}

/* Rates need two snapshots: the first, a pause of --interval, the second.
 * A signal during the pause ends it early; main then exits. */
static int snapshots(const ixt_opts *o, ixt_workload *w, ixt_nodes *ns, bool rates, ixt_err *e)
{
    if (batch_workload(ns, w, e) != 0)
        return -1;
    if (!rates)
        return 0;
    double ms = o->interval_ms > 0 ? o->interval_ms : 1000;
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)((long long)ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    if (sigcancel_caught())
        return ixt_err_set(e, "interrupted");
    return batch_workload(ns, w, e);
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
    ixt_nodes ns;
    if (batch_nodes(o, c, &ns) != 0) {
        ixt_conn_close(c);
        return 1;
    }
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    int rc = 0;
    bool rates = col == IXT_COL_CALLS_RATE || col == IXT_COL_MS_RATE || o->interval_ms > 0;
    if (snapshots(o, &w, &ns, rates, &e) != 0) {
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
            rc = print_json(&ns, &w, v, n, rates);
        else
            print_text(&ns, &w, v, n, rates);
        free(v);
    }
    ixt_workload_free(&w);
    ixt_nodes_free(&ns);
    ixt_conn_close(c);
    return rc;
}
