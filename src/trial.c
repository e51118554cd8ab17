/* trial: hypothetical indexes (HypoPG), table write context, and real
 * trials inside a transaction that is always rolled back. */
#include "idxtune/trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"
#include "idxtune/sqlquote.h"

const char *ixt_hypo_missing_hint(const ixt_server_info *in)
{
    if (in->hypopg_available)
        return "HypoPG is not installed in this database: run CREATE EXTENSION hypopg; "
               "(real trials still work)";
    return "HypoPG is not available on this server: install the package "
           "postgresql-<version>-hypopg (Debian/Ubuntu) or hypopg_<version> (RPM), then "
           "CREATE EXTENSION hypopg; (real trials still work)";
}

static int need_hypopg(ixt_conn *c, ixt_err *e)
{
    const ixt_server_info *in = ixt_conn_info(c);
    return in->has_hypopg ? 0 : ixt_err_set(e, "%s", ixt_hypo_missing_hint(in));
}

/* The fourth column of a create: the leaf partitions under the index's
 * table when it is partitioned (HypoPG puts the index on the parent and
 * the planner uses it on each of them), 0 for a plain table. */
#define HYPO_PARTITIONS_SQL \
    " (SELECT count(*) FROM %s.hypopg() x, pg_partition_tree(x.indrelid) t" \
    "   WHERE x.indexrelid = h.indexrelid AND t.isleaf AND t.level > 0)"

static int hypo_read(const PGresult *r, ixt_hypo *h, ixt_err *e)
{
    if (PQntuples(r) != 1 || PQnfields(r) < 4)
        return ixt_err_set(e, "HypoPG did not create the index");
    h->oid = (unsigned int)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
    /* HypoPG names it "<oid>btree_table_cols", as plans show it */
    snprintf(h->name, sizeof h->name, "%s", PQgetvalue(r, 0, 1));
    h->size_bytes = atof(PQgetvalue(r, 0, 2));
    h->partitions = atoi(PQgetvalue(r, 0, 3));
    return 0;
}

int ixt_hypo_create_def(ixt_conn *c, const ixt_indexdef *d, ixt_hypo *h, ixt_err *e)
{
    memset(h, 0, sizeof *h);
    if (need_hypopg(c, e) != 0)
        return -1;
    const char *schema = ixt_conn_info(c)->hypopg_schema;
    char *sql = ixt_xasprintf(IXT_SQL_TAG "SELECT h.indexrelid, h.indexname,"
                              " %s.hypopg_relation_size(h.indexrelid)," HYPO_PARTITIONS_SQL
                              " FROM %s.hypopg_create_index($1) h",
                              schema, schema, schema);
    const char *params[] = {d->sql};
    PGresult *r = ixt_conn_exec(c, sql, 1, params, e);
    free(sql);
    if (!r)
        return -1;
    int rc = hypo_read(r, h, e);
    PQclear(r);
    return rc;
}

int ixt_hypo_create(ixt_conn *c, const char *create_sql, ixt_hypo *h, ixt_err *e)
{
    memset(h, 0, sizeof *h);
    ixt_indexdef d;
    if (ixt_indexdef_parse(create_sql, &d, e) != 0)
        return -1;
    int rc = ixt_hypo_create_def(c, &d, h, e);
    ixt_indexdef_free(&d);
    return rc;
}

int ixt_hypo_drop(ixt_conn *c, unsigned int oid, ixt_err *e)
{
    if (need_hypopg(c, e) != 0)
        return -1;
    char *sql = ixt_xasprintf(IXT_SQL_TAG "SELECT %s.hypopg_drop_index(%u)",
                              ixt_conn_info(c)->hypopg_schema, oid);
    int rc = ixt_conn_run(c, sql, e);
    free(sql);
    return rc;
}

char *ixt_hypo_reset_sql(const ixt_conn *c)
{
    return ixt_xasprintf(IXT_SQL_TAG "SELECT %s.hypopg_reset()", ixt_conn_info(c)->hypopg_schema);
}

int ixt_hypo_reset(ixt_conn *c, ixt_err *e)
{
    if (need_hypopg(c, e) != 0)
        return -1;
    char *sql = ixt_hypo_reset_sql(c);
    int rc = ixt_conn_run(c, sql, e);
    free(sql);
    return rc;
}

/* ===== what-if batches ===== */

void ixt_whatif_init(ixt_whatif *w)
{
    memset(w, 0, sizeof *w);
}

void ixt_whatif_free(ixt_whatif *w)
{
    for (int i = 0; i < w->n; i++)
        ixt_explain_prep_free(&w->ops[i].prep);
    free(w->ops);
    memset(w, 0, sizeof *w);
}

static ixt_whatif_op *add_op(ixt_whatif *w)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->ops = ixt_xrealloc(w->ops, (size_t)w->cap * sizeof *w->ops);
    }
    ixt_whatif_op *op = &w->ops[w->n++];
    memset(op, 0, sizeof *op);
    ixt_script_init(&op->prep.script);
    return op;
}

/* The custom setting that holds a slot's oid in the backend. */
static void slot_name(char *buf, size_t len, int slot)
{
    snprintf(buf, len, "idxtune.hypo_%d", slot);
}

int ixt_whatif_create(ixt_conn *c, ixt_whatif *w, const char *create_sql, int slot, ixt_err *e)
{
    ixt_indexdef d;
    if (need_hypopg(c, e) != 0 || ixt_indexdef_parse(create_sql, &d, e) != 0)
        return -1;
    const char *schema = ixt_conn_info(c)->hypopg_schema;
    char *sql = ixt_xasprintf(IXT_SQL_TAG "SELECT h.indexrelid, h.indexname,"
                              " %s.hypopg_relation_size(h.indexrelid)," HYPO_PARTITIONS_SQL ","
                              " set_config($2, h.indexrelid::text, false)"
                              " FROM %s.hypopg_create_index($1) h",
                              schema, schema, schema);
    char name[32];
    slot_name(name, sizeof name, slot);
    /* emptied first, in a request of its own (a failed create rolls back
     * what its own request set): a create that fails leaves no stale oid
     * for a drop of the slot to take */
    const char *clear[] = {name};
    ixt_script_add_params(&add_op(w)->prep.script, IXT_SQL_TAG "SELECT set_config($1, '0', false)", 1, clear, 0);
    const char *params[] = {d.sql, name};
    ixt_script_add_params(&add_op(w)->prep.script, sql, 2, params, IXT_STEP_KEEP);
    free(sql);
    ixt_indexdef_free(&d);
    return w->n - 1;
}

int ixt_whatif_drop(ixt_conn *c, ixt_whatif *w, int slot, unsigned int oid, ixt_err *e)
{
    if (need_hypopg(c, e) != 0)
        return -1;
    const char *schema = ixt_conn_info(c)->hypopg_schema;
    char name[32], id[16];
    slot_name(name, sizeof name, slot);
    snprintf(id, sizeof id, "%u", oid);
    /* a slot is emptied as it is dropped */
    char *sql = ixt_xasprintf(IXT_SQL_TAG "SELECT %s.hypopg_drop_index(coalesce(nullif($2, '0'),"
                              " current_setting($1, true))::oid), set_config($1, '0', false)",
                              schema);
    const char *params[] = {name, id};
    ixt_script_add_params(&add_op(w)->prep.script, sql, 2, params, 0);
    free(sql);
    return w->n - 1;
}

int ixt_whatif_reset(ixt_conn *c, ixt_whatif *w, ixt_err *e)
{
    if (need_hypopg(c, e) != 0)
        return -1;
    char *sql = ixt_hypo_reset_sql(c);
    ixt_script_add(&add_op(w)->prep.script, sql, 0);
    free(sql);
    return w->n - 1;
}

static int add_explain_op(ixt_whatif *w, const ixt_explain_prep *prep)
{
    ixt_whatif_op *op = add_op(w);
    ixt_script_free(&op->prep.script);
    op->prep = *prep;
    return w->n - 1;
}

int ixt_whatif_explain(ixt_whatif *w, const char *typed_sql, ixt_err *e)
{
    ixt_explain_req req = {.sql = typed_sql, .typed = true};
    ixt_explain_prep prep;
    if (ixt_explain_prepare_text(&req, &prep, e) != 0)
        return -1;
    return add_explain_op(w, &prep);
}

int ixt_whatif_explain_again(ixt_whatif *w, const ixt_explain_prep *done, bool cost_only)
{
    ixt_explain_prep prep;
    ixt_explain_prepare_again(done, cost_only, &prep);
    return add_explain_op(w, &prep);
}

int ixt_whatif_run(ixt_conn *c, ixt_whatif *w, ixt_err *e)
{
    ixt_script **s = ixt_xcalloc((size_t)w->n + 1, sizeof *s);
    for (int i = 0; i < w->n; i++)
        s[i] = &w->ops[i].prep.script;
    int rc = ixt_script_run_batch(s, w->n, c, e);
    free(s);
    return rc;
}

int ixt_whatif_hypo(const ixt_whatif *w, int op, ixt_hypo *h, ixt_err *e)
{
    memset(h, 0, sizeof *h);
    const ixt_script *s = &w->ops[op].prep.script;
    if (s->failed) {
        if (e)
            *e = s->err;
        return -1;
    }
    return hypo_read(ixt_script_result(s, 0), h, e);
}

char *ixt_whatif_plan(const ixt_whatif *w, int op, ixt_err *e)
{
    const ixt_explain_prep *p = &w->ops[op].prep;
    if (p->script.failed) {
        if (e)
            *e = p->script.err;
        return NULL;
    }
    return ixt_explain_json(p, e);
}

/* ===== table context ===== */

static char *qualified(ixt_conn *c, const ixt_indexdef *t)
{
    char *tbl = ixt_conn_quote_ident(c, t->table);
    if (!t->schema)
        return tbl;
    char *sch = ixt_conn_quote_ident(c, t->schema);
    char *q = ixt_xasprintf("%s.%s", sch, tbl);
    free(sch);
    free(tbl);
    return q;
}

static const char TABLE_SQL[] =
    IXT_SQL_TAG
    /* a partitioned table's writes and size are its partitions' (the
     * tree of a table outside any partitioning is empty) */
    "SELECT (SELECT coalesce(sum(ts.n_tup_ins + ts.n_tup_upd + ts.n_tup_del), 0) FROM pg_stat_all_tables ts"
    "   WHERE ts.relid = c.oid OR ts.relid IN (SELECT relid FROM pg_partition_tree(c.oid))), c.reltuples,"
    " (SELECT sum(pg_table_size(x.oid)) FROM pg_class x"
    "   WHERE x.oid = c.oid OR x.oid IN (SELECT relid FROM pg_partition_tree(c.oid))),"
    " coalesce(s.last_analyze, s.last_autoanalyze) IS NULL"
    /* a hot standby has no analyze times, but the primary's statistics */
    "  AND NOT EXISTS (SELECT 1 FROM pg_stats st JOIN pg_namespace sn ON sn.nspname = st.schemaname"
    "   WHERE sn.oid = c.relnamespace AND st.tablename = c.relname),"
    " (SELECT count(*) FROM pg_partition_tree(c.oid) t WHERE t.isleaf AND t.level > 0)"
    " FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid"
    " WHERE c.oid = $1::regclass";

static const char INDEXES_SQL[] =
    IXT_SQL_TAG
    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
    " coalesce(s.idx_scan, 0), pg_relation_size(i.indexrelid)"
    " FROM pg_index i LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid"
    " WHERE i.indrelid = $1::regclass ORDER BY 1";

static void read_indexes(const PGresult *r, ixt_table_ctx *ctx)
{
    for (int i = 0; i < ctx->nindexes; i++) {
        free(ctx->indexes[i].name);
        free(ctx->indexes[i].def);
    }
    free(ctx->indexes);
    ctx->nindexes = PQntuples(r);
    ctx->indexes = ixt_xcalloc((size_t)ctx->nindexes + 1, sizeof *ctx->indexes);
    for (int i = 0; i < ctx->nindexes; i++) {
        ixt_table_index *x = &ctx->indexes[i];
        x->name = ixt_xstrdup(PQgetvalue(r, i, 0));
        x->def = ixt_xstrdup(PQgetvalue(r, i, 1));
        x->scans = atof(PQgetvalue(r, i, 2));
        x->size_bytes = atof(PQgetvalue(r, i, 3));
    }
}

/* The table's write counter on the server that counts them, or -1. */
static int read_writes(ixt_conn *c, ixt_conn *writes, const char *rel, const PGresult *here, double *out, ixt_err *e)
{
    *out = -1;
    if (!writes)
        return 0;
    if (writes == c) {
        *out = atof(PQgetvalue(here, 0, 0));
        return 0;
    }
    const char *params[] = {rel};
    PGresult *r = ixt_conn_exec(writes, TABLE_SQL, 1, params, e);
    if (!r)
        return -1;
    *out = atof(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

int ixt_table_ctx_read(ixt_conn *c, ixt_conn *writes, const ixt_indexdef *t, ixt_table_ctx *ctx, ixt_err *e)
{
    char *rel = qualified(c, t);
    const char *params[] = {rel};
    PGresult *r = ixt_conn_exec(c, TABLE_SQL, 1, params, e);
    PGresult *ri = r ? ixt_conn_exec(c, INDEXES_SQL, 1, params, e) : NULL;
    double n = -1;
    int rc = ri ? read_writes(c, writes, rel, r, &n, e) : -1;
    free(rel);
    if (rc != 0) {
        PQclear(r);
        PQclear(ri);
        return -1;
    }
    double now = ixt_now_ms();
    ctx->write_rate = n >= 0 && ctx->writes >= 0 && ctx->sampled_ms > 0 && now > ctx->sampled_ms
                          ? (n - ctx->writes) / ((now - ctx->sampled_ms) / 1000.0)
                          : -1;
    ctx->writes = n;
    ctx->sampled_ms = now;
    ctx->rows = atof(PQgetvalue(r, 0, 1));
    ctx->size_bytes = atof(PQgetvalue(r, 0, 2));
    ctx->never_analyzed = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
    ctx->partitions = atoi(PQgetvalue(r, 0, 4));
    read_indexes(ri, ctx);
    PQclear(r);
    PQclear(ri);
    return 0;
}

void ixt_table_ctx_free(ixt_table_ctx *ctx)
{
    for (int i = 0; i < ctx->nindexes; i++) {
        free(ctx->indexes[i].name);
        free(ctx->indexes[i].def);
    }
    free(ctx->indexes);
    memset(ctx, 0, sizeof *ctx);
}

/* ===== real trials ===== */

/* Each run sits in a savepoint that is rolled back; a statement that does
 * not write runs read-only in it, as plain EXPLAIN ANALYZE runs it. */
static void add_runs(ixt_real_trial *t, const ixt_step *explain, bool read_only, unsigned budget, int *first)
{
    for (int i = 0; i < t->runs; i++) {
        int start = ixt_script_add(&t->script, IXT_SQL_TAG "SAVEPOINT idxtune_run", budget);
        if (read_only)
            ixt_script_add(&t->script, IXT_SQL_TAG "SET LOCAL transaction_read_only = on", budget);
        int s = ixt_script_add_params(&t->script, explain->sql, explain->nparams,
                                      (const char *const *)explain->params, IXT_STEP_KEEP | budget);
        if (i == 0)
            *first = s;
        ixt_script_add(&t->script, IXT_SQL_TAG "ROLLBACK TO SAVEPOINT idxtune_run", budget);
        /* back in the top transaction, so the index below is its own */
        ixt_script_add(&t->script, IXT_SQL_TAG "RELEASE SAVEPOINT idxtune_run", budget);
        t->run_steps = t->script.n - start;
    }
}

void ixt_real_trial_build(ixt_real_trial *t, const char *const *creates, int ncreates,
                          const ixt_explain_prep *prep, int runs, int lock_timeout_ms,
                          int statement_timeout_ms)
{
    memset(t, 0, sizeof *t);
    ixt_script_init(&t->script);
    t->runs = runs > 0 ? runs : 1;
    ixt_script *s = &t->script;
    const ixt_step *explain = &prep->script.steps[prep->explain_step];
    s->budget_ms = lock_timeout_ms;
    ixt_script_add(s, IXT_SQL_TAG "BEGIN", 0);
    ixt_script_addf(s, 0, IXT_SQL_TAG "SET LOCAL lock_timeout = %d", lock_timeout_ms);
    ixt_script_addf(s, 0, IXT_SQL_TAG "SET LOCAL statement_timeout = %d", statement_timeout_ms);
    add_runs(t, explain, !prep->writes, 0, &t->before_first);
    t->nbuild = ncreates;
    for (int i = 0; i < ncreates; i++) {
        char *sql = ixt_xasprintf(IXT_SQL_TAG "%s", creates[i]);
        int st = ixt_script_add(s, sql, IXT_STEP_TIMED | IXT_STEP_BUDGET);
        free(sql);
        if (i == 0)
            t->build_first = st;
    }
    /* The indexes made by this transaction: their pg_class rows have our xid. */
    t->size_step = ixt_script_add(s, IXT_SQL_TAG
                                  "SELECT min(c.oid::regclass::text), sum(pg_relation_size(c.oid))"
                                  " FROM pg_class c WHERE c.relkind = 'i'"
                                  " AND c.xmin = pg_current_xact_id()::xid",
                                  IXT_STEP_KEEP | IXT_STEP_BUDGET);
    add_runs(t, explain, !prep->writes, IXT_STEP_BUDGET, &t->after_first);
    ixt_script_add(s, IXT_SQL_TAG "ROLLBACK", IXT_STEP_FINALLY);
    ixt_script_add(s, IXT_EXPLAIN_RESET_SQL, IXT_STEP_FINALLY);
}

const char *ixt_hypo_size_scope(int partitions, char *buf, size_t len)
{
    if (partitions <= 0)
        return "";
    snprintf(buf, len, " for %d partition%s together (HypoPG's estimate on the parent)", partitions,
             partitions == 1 ? "" : "s");
    return buf;
}

const char *ixt_real_trial_locks(const char *table, int partitions, char *buf, size_t len)
{
    if (partitions > 0)
        snprintf(buf, len, "%s is partitioned: the real trial builds the index on each of its %d partitions "
                 "(CREATE INDEX on the parent, rolled back) and writes to all of them wait while it lives",
                 table, partitions);
    else
        snprintf(buf, len, "writes to %s wait while the trial index lives", table);
    return buf;
}

const char *ixt_real_trial_caveat(const ixt_explain_prep *prep)
{
    return prep->writes ? "sequences advance: the measured statement's rows are rolled back, but "
                          "PostgreSQL cannot roll back the sequence values it took"
                        : NULL;
}

void ixt_real_trial_free(ixt_real_trial *t)
{
    ixt_script_free(&t->script);
}

typedef struct run_stats {
    double median, min, hit, read;
} run_stats;

/* Median and min execution time of the runs starting at step first, and
 * the buffers of the run closest to the median. */
static int read_runs(const ixt_real_trial *t, int first, run_stats *st, char **first_json, ixt_err *e)
{
    double *ms = ixt_xcalloc((size_t)t->runs, sizeof *ms);
    double hit = 0, read = 0;
    for (int i = 0; i < t->runs; i++) {
        PGresult *r = ixt_script_result(&t->script, first + i * t->run_steps);
        ixt_plan *p = r ? ixt_plan_parse(PQgetvalue(r, 0, 0), e) : NULL;
        if (!p) {
            free(ms);
            return r ? -1 : ixt_err_set(e, "a trial run returned no plan");
        }
        ms[i] = p->execution_ms;
        hit += p->root->shared_hit;
        read += p->root->shared_read;
        if (i == 0 && first_json)
            *first_json = ixt_xstrdup(PQgetvalue(r, 0, 0));
        ixt_plan_free(p);
    }
    st->median = ixt_median(ms, (size_t)t->runs);
    st->min = ms[0];
    st->hit = hit / t->runs;
    st->read = read / t->runs;
    free(ms);
    return 0;
}

int ixt_real_trial_result(const ixt_real_trial *t, ixt_real_result *r, ixt_err *e)
{
    memset(r, 0, sizeof *r);
    run_stats before, after;
    if (read_runs(t, t->before_first, &before, NULL, e) != 0 ||
        read_runs(t, t->after_first, &after, &r->after_json, e) != 0)
        return -1;
    r->before_median_ms = before.median;
    r->before_min_ms = before.min;
    r->before_hit = before.hit;
    r->before_read = before.read;
    r->after_median_ms = after.median;
    r->after_min_ms = after.min;
    r->after_hit = after.hit;
    r->after_read = after.read;
    for (int i = 0; i < t->nbuild; i++)
        r->build_ms += t->script.steps[t->build_first + i].ms;
    PGresult *sz = ixt_script_result(&t->script, t->size_step);
    if (sz && PQntuples(sz) == 1) {
        snprintf(r->index_name, sizeof r->index_name, "%s", PQgetvalue(sz, 0, 0));
        r->size_bytes = atof(PQgetvalue(sz, 0, 1));
    }
    return 0;
}

void ixt_real_result_free(ixt_real_result *r)
{
    free(r->after_json);
    memset(r, 0, sizeof *r);
}

/* ===== build estimate ===== */

void ixt_build_estimate_make(double table_bytes, double measured_rate, const ixt_build_sample *sample,
                             int lock_timeout_ms, ixt_build_estimate *out)
{
    memset(out, 0, sizeof *out);
    out->table_bytes = table_bytes > 0 ? table_bytes : 0;
    if (measured_rate > 0) {
        out->basis = IXT_BUILD_MEASURED;
        out->rate = measured_rate;
    } else if (sample && sample->ms > 0 && sample->sample_bytes > 0) {
        out->basis = IXT_BUILD_SAMPLED;
        out->sample = *sample;
        out->rate = ixt_build_rate(sample->sample_bytes, sample->ms) / IXT_BUILD_SAMPLE_MARGIN;
    } else {
        out->basis = IXT_BUILD_DEFAULT;
        out->rate = IXT_BUILD_RATE_DEFAULT;
    }
    out->ms = out->table_bytes / out->rate * 1000.0;
    out->fits = out->ms <= lock_timeout_ms;
    /* the estimate and half again, in whole seconds: rates vary with load */
    double want = out->ms * 1.5 / 1000.0;
    out->suggest_timeout_ms = out->fits ? lock_timeout_ms : (int)(want + 0.999) * 1000;
}

char *ixt_build_estimate_text(const ixt_build_estimate *b, char *out, size_t n)
{
    char size[32], rate[32], ms[32];
    ixt_fmt_ms(b->ms, ms, sizeof ms);
    ixt_fmt_bytes(b->table_bytes, size, sizeof size);
    ixt_fmt_bytes(b->rate, rate, sizeof rate);
    if (b->basis == IXT_BUILD_SAMPLED) {
        /* the share of the table the sample copied, as the message gives it */
        double pct = b->table_bytes > 0 ? 100.0 * b->sample.sample_bytes / b->table_bytes : 100;
        snprintf(out, n, "build estimated %s: a %.*f %% sample built in %.0f ms (table %s)", ms,
                 pct < 10 ? 1 : 0, pct > 100 ? 100 : pct, b->sample.ms, size);
    } else
        snprintf(out, n, "build estimated %s (table %s at %s/s %s)", ms, size, rate,
                 b->basis == IXT_BUILD_MEASURED ? "measured by the last build" : "default rate: not measured");
    return out;
}

double ixt_build_rate(double table_bytes, double build_ms)
{
    return table_bytes > 0 && build_ms > 0 ? table_bytes / (build_ms / 1000.0) : 0;
}

/* The heap a build scans (TOAST is read only for a toasted key; a copy has
 * no free space or visibility map yet): of the table named by $1, or of
 * its partitions when it has them (a partitioned table has no heap of its
 * own; pg_partition_tree lists nothing for a plain table). */
#define HEAP_BYTES "greatest(pg_relation_size($1::regclass), (SELECT coalesce(sum(pg_relation_size(relid)), 0)" \
                   " FROM pg_partition_tree($1::regclass)))"

int ixt_build_sampler_make(ixt_build_sampler *s, const ixt_indexdef *defs, int n, int lock_timeout_ms,
                           int statement_timeout_ms, ixt_err *e)
{
    memset(s, 0, sizeof *s);
    ixt_script_init(&s->script);
    s->n = n;
    ixt_script_add(&s->script, IXT_SQL_TAG "BEGIN", 0);
    ixt_script_addf(&s->script, 0, IXT_SQL_TAG "SET LOCAL lock_timeout = %d", lock_timeout_ms);
    ixt_script_addf(&s->script, 0, IXT_SQL_TAG "SET LOCAL statement_timeout = %d", statement_timeout_ms);
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "idxtune_sample_%d", i + 1);
        char *create = ixt_indexdef_render_on(&defs[i], &(ixt_index_target){.schema = "pg_temp", .table = name, .unnamed = true}, false, false, e);
        if (!create) {
            ixt_build_sampler_free(s);
            return -1;
        }
        char *rel = ixt_quote_qualified(defs[i].schema, defs[i].table);
        char *copy = ixt_xasprintf(IXT_SQL_TAG "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT * FROM %s"
                                   " TABLESAMPLE SYSTEM (least(100, %.0f * 100.0 / greatest(" HEAP_BYTES ", 1)))",
                                   name, rel, IXT_BUILD_SAMPLE_BYTES);
        const char *params[] = {rel};
        int start = ixt_script_add_params(&s->script, copy, 1, params, 0);
        for (int k = 0; k < IXT_BUILD_SAMPLE_BUILDS; k++) {
            char *sql = ixt_xasprintf(IXT_SQL_TAG "%s", create);
            int st = ixt_script_add(&s->script, sql, IXT_STEP_TIMED);
            free(sql);
            if (i == 0 && k == 0)
                s->first = st;
        }
        char *size = ixt_xasprintf(IXT_SQL_TAG "SELECT pg_relation_size('pg_temp.%s'::regclass), " HEAP_BYTES, name);
        ixt_script_add_params(&s->script, size, 1, params, IXT_STEP_KEEP);
        s->steps = s->script.n - start;
        free(size);
        free(copy);
        free(rel);
        free(create);
    }
    ixt_script_add(&s->script, IXT_SQL_TAG "ROLLBACK", IXT_STEP_FINALLY);
    return 0;
}

int ixt_build_sampler_result(const ixt_build_sampler *s, double *table_bytes, ixt_build_sample *out, ixt_err *e)
{
    memset(out, 0, sizeof *out);
    *table_bytes = 0;
    for (int i = 0; i < s->n; i++) {
        int first = s->first + i * s->steps;
        PGresult *r = ixt_script_result(&s->script, first + IXT_BUILD_SAMPLE_BUILDS);
        if (!r || PQntuples(r) != 1)
            return ixt_err_set(e, "the sample's size was not read");
        double ms[IXT_BUILD_SAMPLE_BUILDS];
        for (int k = 0; k < IXT_BUILD_SAMPLE_BUILDS; k++)
            ms[k] = s->script.steps[first + k].ms;
        out->ms += ixt_median(ms, IXT_BUILD_SAMPLE_BUILDS);
        out->sample_bytes += atof(PQgetvalue(r, 0, 0));
        *table_bytes += atof(PQgetvalue(r, 0, 1));
    }
    return 0;
}

void ixt_build_sampler_free(ixt_build_sampler *s)
{
    ixt_script_free(&s->script);
}
