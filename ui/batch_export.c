/* batch_export: `idxtune export` writes the session's accepted indexes as
 * SQL, Markdown or JSON, with the rollback file beside; and `try --accept`
 * adds to a session file. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch.h"
#include "idxtune/export.h"
#include "idxtune/lab.h"

int batch_emit(const char *path, const char *text, bool force)
{
    if (!path)
        return fputs(text, stdout) < 0 ? 1 : 0;
    ixt_err e;
    if (ixt_write_file_atomic(path, text, strlen(text), force, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    fprintf(stderr, "wrote %s\n", path);
    return 0;
}

int batch_emit_pair(const ixt_opts *o, const char *text, const char *rollback, const ixt_err *e)
{
    if (!text || (o->rollback && !rollback)) {
        fprintf(stderr, "idxtune: %s\n", e->msg);
        return 1;
    }
    int rc = batch_emit(o->output, text, o->force);
    return rc == 0 && rollback ? batch_emit(o->rollback, rollback, o->force) : rc;
}

int batch_load_session(const ixt_opts *o, const char *cmd, ixt_review *r)
{
    if (!o->load_file) {
        fprintf(stderr, "idxtune: %s needs --session FILE\n", cmd);
        return 2;
    }
    ixt_err e;
    if (ixt_review_load(r, o->load_file, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    return 0;
}

/* The file a path names once links and ".." are resolved, for a path that
 * may not exist yet (its directory must).  caller frees */
static char *resolved(const char *path)
{
    char *full = realpath(path, NULL);
    if (full)
        return full;
    char *dir = ixt_xstrdup(path), *base = ixt_xstrdup(path);
    char *rdir = realpath(dirname(dir), NULL);
    char *out = ixt_xasprintf("%s/%s", rdir ? rdir : "?", basename(base));
    free(rdir);
    free(dir);
    free(base);
    return out;
}

/* Two of -o, --rollback and --session naming one file would lose one of
 * them. */
static bool same_file(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    char *ra = resolved(a), *rb = resolved(b);
    bool same = strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

int batch_export(const ixt_opts *o)
{
    if (o->load_file && (same_file(o->output, o->rollback) || same_file(o->output, o->load_file) ||
                         same_file(o->rollback, o->load_file))) {
        fprintf(stderr, "idxtune: -o, --rollback and --session must be three different files\n");
        return 2;
    }
    ixt_review r;
    ixt_err e = {{0}};
    int loaded = batch_load_session(o, "export", &r);
    if (loaded != 0)
        return loaded;
    if (r.n == 0)
        fprintf(stderr, "idxtune: %s has no accepted indexes: the files only hold the header\n", o->load_file);
    else if (o->format != FMT_JSON && ixt_review_count(&r, IXT_VERDICT_APPROVED) < r.n)
        fprintf(stderr, "idxtune: %d of %d indexes approved: the others are %s (idxtune review --session %s)\n",
                ixt_review_count(&r, IXT_VERDICT_APPROVED), r.n,
                o->approved_only ? "left out" : "written commented out", o->load_file);
    ixt_export_opts eo = {.concurrently = o->cfg.concurrently, .date = getenv("IXT_EXPORT_DATE"),
                          .approved_only = o->approved_only, .session = o->load_file};
    char *text = NULL;
    switch (o->format) {
    case FMT_MD: text = ixt_export_markdown(&r, &eo, &e); break;
    case FMT_JSON: text = ixt_review_to_json(&r); break;
    default: text = ixt_export_sql(&r, &eo, &e); break;
    }
    char *rollback = text && o->rollback ? ixt_export_rollback(&r, &eo) : NULL;
    int rc = batch_emit_pair(o, text, rollback, &e);
    free(text);
    free(rollback);
    ixt_review_free(&r);
    return rc;
}

void batch_baseline(ixt_nodes *ns, ixt_review_item *it, const ixt_baseline_target *t, int nt)
{
    ixt_err e;
    char skipped[IXT_ERR_MAX];
    if (ixt_baseline_take_nodes(ns, it, t, nt, skipped, sizeof skipped, &e) != 0)
        fprintf(stderr, "idxtune: warning: no baseline for verify: %s\n", e.msg);
    else if (skipped[0])
        fprintf(stderr, "idxtune: warning: the baseline of %s leaves out %s\n", it->name, skipped);
}

/* try --accept: the lab's evidence for each index goes into the session. */
int batch_accept(const ixt_opts *o, ixt_conn *c, const ixt_lab *lab, const ixt_real_result *rr, bool measured,
                 const ixt_table_ctx *ctx)
{
    ixt_review r;
    ixt_err e;
    struct stat st;
    if (stat(o->load_file, &st) == 0) {
        if (ixt_review_load(&r, o->load_file, &e) != 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
            return 1;
        }
    } else {
        memset(&r, 0, sizeof r);
    }
    free(r.conn_label);
    free(r.server_version);
    r.conn_label = ixt_xstrdup(ixt_conn_label(c));
    r.server_version = ixt_xstrdup(ixt_conn_info(c)->version);
    ixt_nodes ns;
    if (batch_nodes(o, c, &ns) != 0) {
        ixt_review_free(&r);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < lab->nidx && rc == 0; i++) {
        ixt_review_item it;
        if (ixt_review_item_make(c, &r, &lab->idx[i].index, &it, &e) != 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
            rc = 1;
            break;
        }
        it.size_bytes = measured ? rr->size_bytes / lab->nidx : lab->idx[i].hypo.size_bytes;
        it.write_rate = ctx[i].write_rate;
        it.ev.sql = ixt_xstrdup(lab->sql);
        it.ev.queryid = o->queryid ? strtoll(o->queryid, NULL, 10) : 0;
        it.ev.cost_before = lab->before->total_cost;
        it.ev.cost_after = ixt_lab_after_cost(lab);
        it.ev.measured = measured;
        it.ev.ms_before = measured ? rr->before_median_ms : 0;
        it.ev.ms_after = measured ? rr->after_median_ms : 0;
        it.ev.build_ms = measured ? rr->build_ms : 0;
        batch_baseline(&ns, &it, NULL, 0);
        ixt_review_accept(&r, &it);
        fprintf(stderr, "accepted %s as %s.%s into %s\n", it.def, it.schema, it.name, o->load_file);
        ixt_review_item_free(&it);
    }
    if (rc == 0 && ixt_review_save(&r, o->load_file, true, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        rc = 1;
    }
    ixt_nodes_free(&ns);
    ixt_review_free(&r);
    return rc;
}
