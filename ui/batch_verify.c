/* batch_verify: `idxtune verify`, the rolled-out indexes of a session
 * against their baselines, over a window of live load. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "sigcancel.h"
#include "idxtune/export.h"
#include "idxtune/indexdef.h"
#include "idxtune/nodes.h"
#include "idxtune/review.h"
#include "idxtune/verify.h"

static json_t *num_or_null(double v, bool known)
{
    return known ? json_real(v) : json_null();
}

/* The servers measured (with --node), and those left out. */
typedef struct servers {
    ixt_nodes ns;
    ixt_verify_snap *a, *b;      /* [ns.n] */
    char (*skipped)[IXT_ERR_MAX]; /* [ns.n]: why a server is not in the report; "" when it is */
} servers;

/* Each server's part of a statement: {"node", "mean_ms_before", "mean_ms_after", "calls"}. */
static json_t *parts_json(const ixt_verify_report *v, const ixt_verify_stmt *s)
{
    json_t *a = json_array();
    for (int k = 0; s->parts && k < v->nnodes; k++) {
        const ixt_verify_part *p = &s->parts[k];
        json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:f}", "node", v->nodes[k], "mean_ms_before",
                                           num_or_null(p->mean_before, p->mean_before >= 0), "mean_ms_after",
                                           num_or_null(p->mean_after, p->mean_after >= 0), "calls", p->calls));
    }
    return a;
}

static json_t *nodes_json(const servers *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->ns.n; i++) {
        json_t *o = json_pack("{s:s, s:s, s:b}", "node", sv->ns.items[i].name, "label",
                              ixt_node_label(&sv->ns.items[i]), "measured", !sv->skipped[i][0]);
        json_object_set_new(o, "reason", sv->skipped[i][0] ? json_string(sv->skipped[i]) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static char *report_json(const ixt_verify_report *v, const servers *sv)
{
    json_t *idx = json_array(), *st = json_array(), *reg = json_array();
    for (int i = 0; i < v->nidx; i++) {
        const ixt_verify_index *x = &v->idx[i];
        json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:f, s:f, s:f, s:s, s:s}", "phase", x->phase, "schema",
                              x->schema, "name", x->name, "table", x->table, "exists", x->exists, "valid", x->valid,
                              "idx_scan", x->idx_scan, "scans_in_window", x->scans, "size_bytes", x->size_bytes,
                              "verdict", ixt_outcome_word(x->verdict), "reason", x->reason);
        json_t *scans = json_object();
        for (int k = 0; x->scans_at && k < v->nnodes; k++)
            json_object_set_new(scans, v->nodes[k], json_real(x->scans_at[k]));
        json_object_set_new(o, "scans_by_node", scans);
        json_array_append_new(idx, o);
    }
    for (int i = 0; i < v->nst; i++) {
        const ixt_verify_stmt *s = &v->st[i];
        char qid[32];
        snprintf(qid, sizeof qid, "%lld", (long long)s->queryid);
        json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:f, s:o, s:f, s:o, s:b}", "queryid", qid, "query", s->query,
                              "kind", s->write ? "write" : "read", "phase", s->phase, "mean_ms_before",
                              s->mean_before, "mean_ms_after", num_or_null(s->mean_after, s->mean_after >= 0),
                              "calls", s->calls, "change_pct", num_or_null(s->change_pct, s->mean_after >= 0),
                              "regressed", s->regressed);
        json_object_set_new(o, "nodes", parts_json(v, s));
        json_array_append_new(st, o);
    }
    for (int i = 0; i < v->nregressions; i++)
        json_array_append_new(reg, json_string(v->regressions[i]));
    json_t *root = json_pack("{s:f, s:o, s:o, s:o, s:o}", "window_s", v->window_s, "nodes", nodes_json(sv),
                             "indexes", idx, "statements", st, "regressions", reg);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    char *out = ixt_xasprintf("%s\n", s);
    free(s);
    return out;
}

/* A mean in ms, "-" when unknown (negative). */
static const char *ms_text(double v, char *buf, size_t len)
{
    if (v >= 0)
        snprintf(buf, len, "%.3f", v);
    else
        snprintf(buf, len, "-");
    return buf;
}

static void nodes_text(ixt_buf *b, const servers *sv)
{
    if (sv->ns.n < 2)
        return;
    ixt_buf_printf(b, "nodes:");
    for (size_t i = 0; i < sv->ns.n; i++)
        if (!sv->skipped[i][0])
            ixt_buf_printf(b, " %s", ixt_node_label(&sv->ns.items[i]));
    ixt_buf_printf(b, "\n");
    for (size_t i = 0; i < sv->ns.n; i++)
        if (sv->skipped[i][0])
            ixt_buf_printf(b, "not measured: %s: %s\n", ixt_node_label(&sv->ns.items[i]), sv->skipped[i]);
}

static char *report_text(const ixt_verify_report *v, const servers *sv)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char sz[32], before[32], after[32];
    ixt_buf_printf(&b, "window %.0f s\n", v->window_s);
    nodes_text(&b, sv);
    ixt_buf_printf(&b, "\n%-5s %-32s %-9s %6s %5s %10s %8s  %s\n", "phase", "index", "verdict", "exists", "valid",
                   "scans", "size", "reason");
    for (int i = 0; i < v->nidx; i++) {
        const ixt_verify_index *x = &v->idx[i];
        ixt_buf_printf(&b, "%-5d %-32s %-9s %6s %5s %10.0f %8s  %s\n", x->phase, x->name,
                       ixt_outcome_word(x->verdict), x->exists ? "yes" : "no", x->valid ? "yes" : "no", x->scans,
                       ixt_fmt_bytes(x->size_bytes, sz, sizeof sz), x->reason);
        for (int k = 0; x->scans_at && k < v->nnodes; k++)
            ixt_buf_printf(&b, "%s%s %.0f%s", k ? ", " : "      scans: ", v->nodes[k], x->scans_at[k],
                           k == v->nnodes - 1 ? "\n" : "");
    }
    ixt_buf_printf(&b, "\n%-5s %20s %-5s %12s %12s %9s %8s  %s\n", "phase", "queryid", "kind", "before_ms",
                   "after_ms", "change", "calls", "query");
    for (int i = 0; i < v->nst; i++) {
        const ixt_verify_stmt *s = &v->st[i];
        char *q = ixt_xstrndup(s->query, ixt_utf8_cut(s->query, 100));
        ixt_buf_printf(&b, "%-5d %20lld %-5s %12.3f %12s %+8.1f%% %8.0f  %s%s\n", s->phase, (long long)s->queryid,
                       s->write ? "write" : "read", s->mean_before, ms_text(s->mean_after, after, sizeof after),
                       s->mean_after >= 0 ? s->change_pct : 0, s->calls, q, s->regressed ? "  REGRESSED" : "");
        free(q);
        for (int k = 0; s->parts && k < v->nnodes; k++)
            ixt_buf_printf(&b, "%38s %12s %12s %9s %8.0f  on %s\n", "",
                           ms_text(s->parts[k].mean_before, before, sizeof before),
                           ms_text(s->parts[k].mean_after, after, sizeof after), "", s->parts[k].calls,
                           v->nodes[k]);
    }
    ixt_buf_printf(&b, "\n%d regression%s\n", v->nregressions, v->nregressions == 1 ? "" : "s");
    for (int i = 0; i < v->nregressions; i++)
        ixt_buf_printf(&b, "  %s\n", v->regressions[i]);
    return ixt_buf_take(&b);
}

/* Waits out the window, with a progress line on a terminal; false when a
 * signal came. */
static bool wait_window(int window_s)
{
    bool tty = isatty(2);
    double end = ixt_now_ms() + window_s * 1000.0;
    for (double now = ixt_now_ms(); now < end; now = ixt_now_ms()) {
        if (sigcancel_caught())
            return false;
        if (tty)
            fprintf(stderr, "\r\033[Kverify: measuring, %.0f of %d s (Ctrl-C stops)", (end - now) / 1000, window_s);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (tty)
        fputs("\r\033[K", stderr);
    return !sigcancel_caught();
}

/* Both snapshots of every server that is up; a server other than the
 * main that fails is left out with its reason (a warning).  0, or -1 with
 * e filled when the main fails. */
static int snapshot_all(servers *sv, const ixt_review *r, bool second, ixt_err *e)
{
    for (size_t i = 0; i < sv->ns.n; i++) {
        ixt_node *n = &sv->ns.items[i];
        ixt_verify_snap *s = second ? &sv->b[i] : &sv->a[i];
        ixt_err ne;
        if (sv->skipped[i][0])
            continue;
        if (!n->up) {
            snprintf(sv->skipped[i], sizeof sv->skipped[i], "down: %.900s", n->error);
            continue;
        }
        if (ixt_verify_snapshot(n->conn, r, s, &ne) == 0)
            continue;
        if (n->is_main)
            return ixt_err_set(e, "%s", ne.msg);
        snprintf(sv->skipped[i], sizeof sv->skipped[i], "%s", ne.msg);
        fprintf(stderr, "idxtune: warning: %s: %s; verified without it\n", ixt_node_label(n), ne.msg);
    }
    return 0;
}

/* The report over the servers measured in both snapshots. */
static void compare(const servers *sv, const ixt_review *r, ixt_verify_report *v)
{
    ixt_verify_snap *a = ixt_xcalloc(sv->ns.n, sizeof *a), *b = ixt_xcalloc(sv->ns.n, sizeof *b);
    const char **names = ixt_xcalloc(sv->ns.n, sizeof *names);
    int k = 0;
    for (size_t i = 0; i < sv->ns.n; i++)
        if (!sv->skipped[i][0]) {
            a[k] = sv->a[i];
            b[k] = sv->b[i];
            names[k++] = sv->ns.items[i].name;
        }
    /* one server: the report of old, without parts */
    ixt_verify_compare_nodes(r, a, b, sv->ns.n > 1 ? names : NULL, k, v);
    free(a);
    free(b);
    free(names);
}

int batch_verify(const ixt_opts *o)
{
    ixt_review r;
    ixt_err e;
    int loaded = batch_load_session(o, "verify", &r);
    if (loaded != 0)
        return loaded;
    if (o->phase > r.n) {
        fprintf(stderr, "idxtune: --phase %d: %s has %d phases\n", o->phase, o->load_file, r.n);
        ixt_review_free(&r);
        return 2;
    }
    /* phases after the one named are not applied yet */
    while (o->phase > 0 && r.n > o->phase)
        ixt_review_remove(&r, r.n - 1);
    ixt_conn *c = batch_connect(o);
    servers sv = {0};
    if (!c || batch_nodes(o, c, &sv.ns) != 0) {
        ixt_conn_close(c);
        ixt_review_free(&r);
        return 1;
    }
    sv.a = ixt_xcalloc(sv.ns.n, sizeof *sv.a);
    sv.b = ixt_xcalloc(sv.ns.n, sizeof *sv.b);
    sv.skipped = ixt_xcalloc(sv.ns.n, sizeof *sv.skipped);
    int rc = 1;
    if (snapshot_all(&sv, &r, false, &e) == 0 && wait_window(o->window_s) && snapshot_all(&sv, &r, true, &e) == 0) {
        ixt_verify_report v;
        compare(&sv, &r, &v);
        ixt_export_opts eo = {.concurrently = o->cfg.concurrently, .date = getenv("IXT_EXPORT_DATE"),
                              .session = o->load_file};
        char *text = o->format == FMT_JSON ? report_json(&v, &sv)
                     : o->format == FMT_MD ? ixt_export_verify_markdown(&r, &v, &eo)
                                           : report_text(&v, &sv);
        rc = batch_emit(o->output, text, o->force);
        free(text);
        ixt_verify_report_free(&v);
    } else if (!sigcancel_caught()) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
    }
    if (sigcancel_caught())
        rc = sigcancel_exit();
    for (size_t i = 0; i < sv.ns.n; i++) {
        ixt_verify_snap_free(&sv.a[i]);
        ixt_verify_snap_free(&sv.b[i]);
    }
    free(sv.a);
    free(sv.b);
    free(sv.skipped);
    ixt_nodes_free(&sv.ns);
    ixt_conn_close(c);
    ixt_review_free(&r);
    return rc;
}
