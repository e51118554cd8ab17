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
#include "idxtune/review.h"
#include "idxtune/verify.h"

static json_t *num_or_null(double v, bool known)
{
    return known ? json_real(v) : json_null();
}

static char *report_json(const ixt_verify_report *v)
{
    json_t *idx = json_array(), *st = json_array(), *reg = json_array();
    for (int i = 0; i < v->nidx; i++) {
        const ixt_verify_index *x = &v->idx[i];
        json_array_append_new(idx, json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:f, s:f, s:f, s:s, s:s}", "phase",
                                             x->phase, "schema", x->schema, "name", x->name, "table", x->table,
                                             "exists", x->exists, "valid", x->valid, "idx_scan", x->idx_scan,
                                             "scans_in_window", x->scans, "size_bytes", x->size_bytes, "verdict",
                                             ixt_outcome_word(x->verdict), "reason", x->reason));
    }
    for (int i = 0; i < v->nst; i++) {
        const ixt_verify_stmt *s = &v->st[i];
        char qid[32];
        snprintf(qid, sizeof qid, "%lld", (long long)s->queryid);
        json_array_append_new(st, json_pack("{s:s, s:s, s:s, s:i, s:f, s:o, s:f, s:o, s:b}", "queryid", qid,
                                            "query", s->query, "kind", s->write ? "write" : "read", "phase",
                                            s->phase, "mean_ms_before", s->mean_before, "mean_ms_after",
                                            num_or_null(s->mean_after, s->mean_after >= 0), "calls", s->calls,
                                            "change_pct", num_or_null(s->change_pct, s->mean_after >= 0),
                                            "regressed", s->regressed));
    }
    for (int i = 0; i < v->nregressions; i++)
        json_array_append_new(reg, json_string(v->regressions[i]));
    json_t *root = json_pack("{s:f, s:o, s:o, s:o}", "window_s", v->window_s, "indexes", idx, "statements", st,
                             "regressions", reg);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    char *out = ixt_xasprintf("%s\n", s);
    free(s);
    return out;
}

static void after_text(const ixt_verify_stmt *s, char *buf, size_t len)
{
    if (s->mean_after >= 0)
        snprintf(buf, len, "%.3f", s->mean_after);
    else
        snprintf(buf, len, "-");
}

static char *report_text(const ixt_verify_report *v)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char sz[32], after[32];
    ixt_buf_printf(&b, "window %.0f s\n\n%-5s %-32s %-9s %6s %5s %10s %8s  %s\n", v->window_s, "phase", "index",
                   "verdict", "exists", "valid", "scans", "size", "reason");
    for (int i = 0; i < v->nidx; i++) {
        const ixt_verify_index *x = &v->idx[i];
        ixt_buf_printf(&b, "%-5d %-32s %-9s %6s %5s %10.0f %8s  %s\n", x->phase, x->name,
                       ixt_outcome_word(x->verdict), x->exists ? "yes" : "no", x->valid ? "yes" : "no", x->scans,
                       ixt_fmt_bytes(x->size_bytes, sz, sizeof sz), x->reason);
    }
    ixt_buf_printf(&b, "\n%-5s %20s %-5s %12s %12s %9s %8s  %s\n", "phase", "queryid", "kind", "before_ms",
                   "after_ms", "change", "calls", "query");
    for (int i = 0; i < v->nst; i++) {
        const ixt_verify_stmt *s = &v->st[i];
        after_text(s, after, sizeof after);
        char *q = ixt_xstrndup(s->query, ixt_utf8_cut(s->query, 100));
        ixt_buf_printf(&b, "%-5d %20lld %-5s %12.3f %12s %+8.1f%% %8.0f  %s%s\n", s->phase, (long long)s->queryid,
                       s->write ? "write" : "read", s->mean_before, after, s->mean_after >= 0 ? s->change_pct : 0,
                       s->calls, q, s->regressed ? "  REGRESSED" : "");
        free(q);
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
    ixt_verify_snap a = {0}, b = {0};
    int rc = 1;
    if (c && ixt_verify_snapshot(c, &r, &a, &e) == 0 && wait_window(o->window_s) &&
        ixt_verify_snapshot(c, &r, &b, &e) == 0) {
        ixt_verify_report v;
        ixt_verify_compare(&r, &a, &b, &v);
        ixt_export_opts eo = {.concurrently = o->cfg.concurrently, .date = getenv("IXT_EXPORT_DATE"),
                              .session = o->load_file};
        char *text = o->format == FMT_JSON ? report_json(&v)
                     : o->format == FMT_MD ? ixt_export_verify_markdown(&r, &v, &eo)
                                           : report_text(&v);
        rc = batch_emit(o->output, text, o->force);
        free(text);
        ixt_verify_report_free(&v);
    } else if (c && !sigcancel_caught()) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
    }
    if (sigcancel_caught())
        rc = sigcancel_exit();
    ixt_verify_snap_free(&a);
    ixt_verify_snap_free(&b);
    ixt_conn_close(c);
    ixt_review_free(&r);
    return rc;
}
