/* batch_try: `idxtune try`, an index tried on a statement for scripts:
 * hypothetical by default, --real for measured timings. */
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "idxtune/jsonout.h"
#include "idxtune/lab.h"
#include "idxtune/plan_json.h"
#include "idxtune/plan_text.h"

typedef struct try_result {
    ixt_conn *conn;
    ixt_lab lab;
    bool hypothetical;
    bool real;
    ixt_real_result rr;
    ixt_indexdef *defs;        /* per index, read once */
    ixt_table_ctx *ctx;        /* per index */
    batch_values values;       /* for a real trial */
    ixt_build_estimate est;
    char writes_on[64];        /* where the write counters come from: "" here, else the primary's name */
} try_result;

/* The builds estimated from the same indexes built over samples of their
 * tables; from the default rate when the sample cannot be taken. */
static void estimate_build(const ixt_opts *o, ixt_conn *c, try_result *t)
{
    ixt_build_sampler s;
    ixt_build_sample sample = {0};
    double bytes = 0;
    ixt_err e;
    if (ixt_build_sampler_make(&s, t->defs, o->nindexes, o->cfg.lock_timeout_ms, o->cfg.statement_timeout_ms,
                               &e) != 0 ||
        ixt_script_run(&s.script, c, &e) != 0 || ixt_build_sampler_result(&s, &bytes, &sample, &e) != 0) {
        fprintf(stderr, "idxtune: note: the build could not be measured on a sample: %s\n", e.msg);
        memset(&sample, 0, sizeof sample);
        bytes = 0;
        for (int i = 0; i < o->nindexes; i++)
            bytes += t->ctx[i].size_bytes;
    }
    ixt_build_sampler_free(&s);
    ixt_build_estimate_make(bytes, 0, &sample, o->cfg.lock_timeout_ms, &t->est);
}

static int run_real(const ixt_opts *o, ixt_conn *c, const char *sql, try_result *t, ixt_err *e)
{
    estimate_build(o, c, t);
    char est[192], lock[32];
    ixt_build_estimate_text(&t->est, est, sizeof est);
    if (!t->est.fits)
        return ixt_err_set(e, "not run: %s, longer than the lock timeout of %s (writers to %s would wait "
                              "on it); raise it with --lock-timeout %d", est, ixt_fmt_ms(o->cfg.lock_timeout_ms, lock, sizeof lock),
                           t->defs[0].table, t->est.suggest_timeout_ms);
    ixt_explain_req req = {.sql = sql, .analyze = true, .statement_timeout_ms = o->cfg.statement_timeout_ms,
                           .params = t->values.values, .nparams = t->values.n};
    ixt_explain_prep prep;
    if (ixt_explain_prepare(c, &req, &prep, e) != 0)
        return -1;
    const char *caveat = ixt_real_trial_caveat(&prep);
    if (caveat)
        fprintf(stderr, "idxtune: note: %s\n", caveat);
    for (int i = 0; i < o->nindexes; i++) {
        char locks[512];
        if (t->ctx[i].partitions > 0)
            fprintf(stderr, "idxtune: note: %s\n",
                    ixt_real_trial_locks(t->defs[i].table, t->ctx[i].partitions, locks, sizeof locks));
    }
    const char **creates = ixt_xcalloc((size_t)o->nindexes, sizeof *creates);
    for (int i = 0; i < o->nindexes; i++)
        creates[i] = t->defs[i].sql;
    ixt_real_trial trial;
    ixt_real_trial_build(&trial, creates, o->nindexes, &prep, o->cfg.runs, o->cfg.lock_timeout_ms,
                         o->cfg.statement_timeout_ms);
    free(creates);
    int rc = ixt_script_run(&trial.script, c, e);
    if (rc == 0)
        rc = ixt_real_trial_result(&trial, &t->rr, e);
    else {
        /* with the estimate it was started on, to judge a build that overran */
        char buf[IXT_ERR_MAX + 64], full[IXT_ERR_MAX + 256];
        snprintf(full, sizeof full, "%s (%s)", batch_run_error(&t->values, c, e, buf, sizeof buf), est);
        ixt_err_set(e, "%s", full);
    }
    t->real = rc == 0;
    ixt_real_trial_free(&trial);
    ixt_explain_prep_free(&prep);
    return rc;
}

static json_t *index_json(const try_result *t, int i)
{
    const ixt_lab_index *x = t->hypothetical ? &t->lab.idx[i] : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "definition", json_string(x ? x->def : ""));
    json_object_set_new(o, "table", json_string(x ? x->index.table : ""));
    json_object_set_new(o, "used", json_boolean(x && x->used));
    json_object_set_new(o, "size_bytes", x ? ixt_json_count(x->hypo.size_bytes) : json_null());
    json_object_set_new(o, "hypothetical_name", json_string(x ? x->hypo.name : ""));
    const ixt_table_ctx *ctx = &t->ctx[i];
    /* 0 for a plain table; else size_bytes is for all of them together */
    json_object_set_new(o, "partitions", json_integer(ctx->partitions));
    json_object_set_new(o, "table_rows", ixt_json_count(ctx->rows));
    json_object_set_new(o, "table_writes", ctx->writes >= 0 ? ixt_json_count(ctx->writes) : json_null());
    json_t *existing = json_array();
    for (int k = 0; k < ctx->nindexes; k++)
        json_array_append_new(existing, json_pack("{s:s, s:o, s:o}", "name", ctx->indexes[k].name,
                                                  "idx_scan", ixt_json_count(ctx->indexes[k].scans),
                                                  "size_bytes", ixt_json_count(ctx->indexes[k].size_bytes)));
    json_object_set_new(o, "existing_indexes", existing);
    return o;
}

static const char *basis_name(ixt_build_basis b)
{
    return b == IXT_BUILD_SAMPLED ? "sample" : b == IXT_BUILD_MEASURED ? "measured" : "default";
}

static int print_json(const ixt_opts *o, const try_result *t)
{
    const ixt_lab *l = &t->lab;
    json_t *before = json_object(), *after = json_object();
    if (t->hypothetical) {
        json_object_set_new(before, "total_cost", ixt_json_real(l->before->total_cost, IXT_JSON_COST));
        json_object_set_new(before, "startup_cost", ixt_json_real(l->before->root->startup_cost, IXT_JSON_COST));
        json_object_set_new(before, "plan_rows", ixt_json_count(l->before->root->plan_rows));
        json_object_set_new(after, "total_cost", ixt_json_real(ixt_lab_after_cost(l), IXT_JSON_COST));
        json_object_set_new(after, "startup_cost",
                            ixt_json_real(l->after ? l->after->root->startup_cost : l->before->root->startup_cost,
                                          IXT_JSON_COST));
        json_object_set_new(after, "plan", l->after ? ixt_plan_to_json(l->after, l->diff) : json_null());
    }
    if (t->real) {
        json_object_set_new(before, "median_ms", ixt_json_real(t->rr.before_median_ms, IXT_JSON_MS));
        json_object_set_new(before, "min_ms", ixt_json_real(t->rr.before_min_ms, IXT_JSON_MS));
        json_object_set_new(before, "shared_hit", ixt_json_count(t->rr.before_hit));
        json_object_set_new(before, "shared_read", ixt_json_count(t->rr.before_read));
        json_object_set_new(after, "median_ms", ixt_json_real(t->rr.after_median_ms, IXT_JSON_MS));
        json_object_set_new(after, "min_ms", ixt_json_real(t->rr.after_min_ms, IXT_JSON_MS));
        json_object_set_new(after, "shared_hit", ixt_json_count(t->rr.after_hit));
        json_object_set_new(after, "shared_read", ixt_json_count(t->rr.after_read));
    }
    json_t *root = json_object();
    json_object_set_new(root, "statement", json_string(l->sql ? l->sql : ""));
    json_object_set_new(root, "generic", json_boolean(l->generic));
    json_object_set_new(root, "before", before);
    json_object_set_new(root, "after", after);
    json_object_set_new(root, "change_pct", t->hypothetical ? ixt_json_real(ixt_lab_change_pct(l), 1) : json_null());
    json_t *idx = json_array();
    for (int i = 0; i < o->nindexes; i++)
        json_array_append_new(idx, index_json(t, i));
    json_object_set_new(root, "indexes", idx);
    if (t->real) {
        json_object_set_new(root, "build_ms", ixt_json_real(t->rr.build_ms, IXT_JSON_MS));
        json_object_set_new(root, "build_estimate",
                            json_pack("{s:o, s:o, s:o, s:s, s:o, s:o}", "ms", ixt_json_real(t->est.ms, IXT_JSON_MS),
                                      "table_bytes", ixt_json_count(t->est.table_bytes), "rate_bytes_per_s",
                                      ixt_json_count(t->est.rate), "basis", basis_name(t->est.basis),
                                      "sample_bytes", ixt_json_count(t->est.sample.sample_bytes), "sample_ms",
                                      ixt_json_real(t->est.sample.ms, IXT_JSON_MS)));
        json_object_set_new(root, "real_size_bytes", ixt_json_count(t->rr.size_bytes));
        json_object_set_new(root, "runs", json_integer(o->cfg.runs));
    }
    int rc = json_dumpf(root, stdout, IXT_JSON_DUMP) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(root);
    return rc;
}

static void print_text(const ixt_opts *o, const try_result *t)
{
    ixt_lab *l = (ixt_lab *)&t->lab;
    char b1[192], b2[32], b3[32];
    if (t->hypothetical) {
        printf("Estimated cost: %.2f -> %.2f (%+.1f%%)%s\n", l->before->total_cost, ixt_lab_after_cost(l),
               ixt_lab_change_pct(l), l->generic ? "  [generic plan]" : "");
        for (int i = 0; i < l->nidx; i++) {
            const ixt_lab_index *x = &l->idx[i];
            char scope[128];
            printf("Index %d: %s\n  %s; estimated size %s%s\n", i + 1, x->def,
                   x->used ? "used by the plan" : "NOT used by the planner for this statement",
                   ixt_fmt_bytes(x->hypo.size_bytes, b1, sizeof b1),
                   ixt_hypo_size_scope(x->hypo.partitions, scope, sizeof scope));
            const char *why = ixt_lab_unused_reason(l, t->conn, i);
            if (why)
                printf("  why: %s\n", why);
        }
    }
    for (int i = 0; i < o->nindexes; i++) {
        const ixt_table_ctx *ctx = &t->ctx[i];
        char parts[64] = "";
        if (ctx->partitions > 0)
            snprintf(parts, sizeof parts, " in %d partitions", ctx->partitions);
        char writes[160];
        if (ctx->writes < 0)
            snprintf(writes, sizeof writes, "writes unknown (a hot standby counts none: name the primary with --node)");
        else
            snprintf(writes, sizeof writes, "%.0f writes%s%s since statistics reset", ctx->writes,
                     t->writes_on[0] ? " on " : "", t->writes_on);
        printf("Table of index %d: %.0f rows%s, %s%s; existing indexes:\n", i + 1, ctx->rows, parts, writes,
               ctx->never_analyzed ? " (never analyzed: estimates mean little)" : "");
        for (int k = 0; k < ctx->nindexes; k++)
            printf("  %s  idx_scan=%.0f  %s\n", ctx->indexes[k].name, ctx->indexes[k].scans,
                   ixt_fmt_bytes(ctx->indexes[k].size_bytes, b1, sizeof b1));
    }
    if (t->real)
        printf("Real trial: %s, lock timeout %s\n", ixt_build_estimate_text(&t->est, b1, sizeof b1),
               ixt_fmt_ms(o->cfg.lock_timeout_ms, b2, sizeof b2));
    if (t->real)
        printf("Measured (%d runs each, rolled back): median %s -> %s, min %.2f -> %.2f ms; "
               "buffers hit+read %.0f -> %.0f; build %.0f ms, real size %s\n",
               o->cfg.runs, ixt_fmt_ms(t->rr.before_median_ms, b1, sizeof b1),
               ixt_fmt_ms(t->rr.after_median_ms, b2, sizeof b2), t->rr.before_min_ms, t->rr.after_min_ms,
               t->rr.before_hit + t->rr.before_read, t->rr.after_hit + t->rr.after_read, t->rr.build_ms,
               ixt_fmt_bytes(t->rr.size_bytes, b3, sizeof b3));
    if (t->hypothetical && l->after) {
        char *text = ixt_plan_render_text(l->after, o->cfg.ascii);
        printf("Plan with the index%s:\n%s", l->nidx > 1 ? "es" : "", text);
        free(text);
    }
}

/* The tables' contexts; a hot standby counts no writes: the primary's
 * among the nodes, else unknown. */
static int read_contexts(const ixt_opts *o, ixt_conn *c, try_result *t, ixt_err *e)
{
    ixt_nodes ns;
    bool standby = ixt_conn_info(c)->in_recovery;
    if (standby && batch_nodes(o, c, &ns) != 0)
        return ixt_err_set(e, "a --node was refused");
    const ixt_node *p = standby ? ixt_nodes_primary(&ns) : NULL;
    ixt_conn *writes = !standby ? c : p && p->up ? p->conn : NULL;
    if (p && p->up)
        snprintf(t->writes_on, sizeof t->writes_on, "%s", p->name);
    int rc = 0;
    for (int i = 0; i < o->nindexes && rc == 0; i++) {
        rc = ixt_indexdef_parse(o->indexes[i], &t->defs[i], e);
        if (rc == 0)
            rc = ixt_table_ctx_read(c, writes, &t->defs[i], &t->ctx[i], e);
    }
    if (standby)
        ixt_nodes_free(&ns);
    return rc;
}

static int try_all(const ixt_opts *o, ixt_conn *c, const char *sql, try_result *t, ixt_err *e)
{
    t->defs = ixt_xcalloc((size_t)o->nindexes, sizeof *t->defs);
    t->ctx = ixt_xcalloc((size_t)o->nindexes, sizeof *t->ctx);
    if (read_contexts(o, c, t, e) != 0)
        return -1;
    for (int i = 0; i < o->nindexes; i++)
        if (t->defs[i].note)
            fprintf(stderr, "idxtune: note: index %d: %s\n", i + 1, t->defs[i].note);
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_hypopg && !o->real)
        return ixt_err_set(e, "%s; or use --real", ixt_hypo_missing_hint(in));
    if (in->has_hypopg) {
        if (ixt_lab_open(&t->lab, c, sql, e) != 0)
            return -1;
        t->hypothetical = true;
        for (int i = 0; i < o->nindexes; i++)
            if (ixt_lab_add(&t->lab, c, &t->defs[i], e) != 0)
                return -1;
    }
    return o->real ? run_real(o, c, sql, t, e) : 0;
}

/* Before anything runs: where a real trial can run, and its values. */
static int real_values(const ixt_opts *o, ixt_conn *c, const char *sql, try_result *t)
{
    if (!o->real && o->nparams) {
        fprintf(stderr, "idxtune: --param gives the values of a real trial: add --real\n");
        return 2;
    }
    if (!o->real)
        return 0;
    if (ixt_conn_info(c)->in_recovery) {
        ixt_nodes ns;
        char why[IXT_ERR_MAX] = "real trials need a primary: this server is a hot standby";
        if (batch_nodes(o, c, &ns) == 0) {
            ixt_nodes_real_trial_refusal(&ns, why, sizeof why);
            ixt_nodes_free(&ns);
        }
        fprintf(stderr, "idxtune: %s\n", why);
        return 1;
    }
    return batch_param_values(o, c, sql, false, "a real trial", &t->values);
}

int batch_try(const ixt_opts *o)
{
    if (!batch_statement_given(o))
        return 2;
    if (o->nindexes == 0) {
        fprintf(stderr, "idxtune: try needs at least one --index \"CREATE INDEX ON table (columns)\"\n");
        return 2;
    }
    if (o->format != FMT_TEXT && o->format != FMT_JSON) {
        fprintf(stderr, "idxtune: try prints text or json\n");
        return 2;
    }
    if (o->accept && !o->load_file) {
        fprintf(stderr, "idxtune: --accept needs --session FILE\n");
        return 2;
    }
    ixt_conn *c = batch_connect(o);
    if (!c)
        return 1;
    char *sql = batch_statement(o, c);
    try_result t;
    memset(&t, 0, sizeof t);
    t.conn = c;
    ixt_err e;
    int rc = sql ? real_values(o, c, sql, &t) : 1;
    if (rc == 0 && try_all(o, c, sql, &t, &e) == 0) {
        rc = o->format == FMT_JSON ? print_json(o, &t) : (print_text(o, &t), 0);
        if (rc == 0 && o->accept)
            rc = t.hypothetical ? batch_accept(o, c, &t.lab, &t.rr, t.real, t.ctx)
                                : (fprintf(stderr, "idxtune: --accept needs HypoPG for the evidence\n"), 1);
    } else if (rc == 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        rc = 1;
    }
    for (int i = 0; t.ctx && i < o->nindexes; i++) {
        ixt_table_ctx_free(&t.ctx[i]);
        ixt_indexdef_free(&t.defs[i]);
    }
    free(t.ctx);
    free(t.defs);
    ixt_real_result_free(&t.rr);
    batch_values_free(&t.values);
    ixt_lab_close(&t.lab, c);
    free(sql);
    ixt_conn_close(c);
    return rc;
}
