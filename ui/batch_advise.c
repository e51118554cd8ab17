/* batch_advise: `idxtune advise`, indexes for the whole workload. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "idxtune/advisor.h"
#include "idxtune/verify.h"
#include "idxtune/export.h"
#include "idxtune/indexdef.h"
#include "idxtune/jsonout.h"
#include "idxtune/plan.h"
#include "idxtune/workload.h"

static void progress(void *ctx, int done, int total, const char *what)
{
    (void)ctx;
    fprintf(stderr, "\r%s: %d/%d   ", what, done, total);
}

/* The top statements by total time, in rounds of texts until enough of
 * them have a plan (usually one round trip).  Returns how many were added,
 * -1 on error. */
static int add_top(ixt_nodes *ns, ixt_advisor *a, ixt_stmt **v, size_t n, size_t want, ixt_err *e)
{
    size_t added = 0;
    for (size_t from = 0; from < n && added < want;) {
        size_t chunk = (want - added) * 2 + 8;
        chunk = chunk < n - from ? chunk : n - from;
        int64_t *ids = ixt_xcalloc(chunk + 1, sizeof *ids);
        for (size_t i = 0; i < chunk; i++)
            ids[i] = v[from + i]->queryid;
        char **texts;
        int rc = ixt_nodes_full_texts(ns, ids, chunk, &texts, e);
        free(ids);
        if (rc != 0)
            return -1;
        for (size_t i = 0; i < chunk && added < want; i++)
            if (texts[i] && ixt_advisor_offer(a, texts[i], v[from + i]->calls, v[from + i]->rows,
                                              (long long)v[from + i]->queryid))
                added++;
        ixt_workload_texts_free(texts, chunk);
        from += chunk;
    }
    return (int)added;
}

static int load_statements(const ixt_opts *o, ixt_nodes *ns, ixt_advisor *a)
{
    ixt_err e;
    if (o->file) {
        if (ixt_advisor_add_file(a, o->file, &e) == 0)
            return 0;
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return -1;
    }
    ixt_workload w;
    ixt_workload_init(&w);
    if (batch_workload(ns, &w, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_workload_free(&w);
        return -1;
    }
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_TOTAL, true, NULL, &v);
    int rc = add_top(ns, a, v, n, o->limit > 0 ? (size_t)o->limit : 50, &e) < 0 ? -1 : 0;
    if (rc != 0)
        fprintf(stderr, "idxtune: %s\n", e.msg);
    free(v);
    ixt_workload_free(&w);
    return rc;
}

/* The whole set's plan uses the pick for statement i, yet costs more. */
static bool cost_rises(const ixt_advisor *a, const ixt_adv_helped *h, int i)
{
    return h->final[i] >= a->stmts[i].base_cost;
}

static char *pretty(const char *def)
{
    ixt_indexdef d;
    char *p = NULL;
    if (ixt_indexdef_parse(def, &d, NULL) == 0) {
        p = ixt_indexdef_render(&d, NULL, NULL, false, false, NULL);
        ixt_indexdef_free(&d);
    }
    return p ? p : ixt_xstrdup(def);
}

static void print_text(const ixt_opts *o, ixt_advisor *a, const ixt_adv_helped *h, double wall_ms)
{
    char sz[32];
    const char *as = ixt_conn_as(a->c);
    int lookups = ixt_advisor_lookups(a);
    printf("Advice for %s%s%s%s: %d statements", ixt_conn_label(a->c), as[0] ? " (as " : "", as, as[0] ? ")" : "",
           a->nstmts - lookups);
    if (lookups)
        printf(" and %d foreign-key lookup%s they make the server run", lookups, lookups == 1 ? "" : "s");
    printf(", %d candidates\n", a->ncands);
    for (int p = 0; p < a->npicks; p++) {
        const ixt_adv_cand *c = &a->cands[a->picks[p]];
        char *def = pretty(c->def);
        char szr[32];
        printf("\n%d. %s\n   size %s (HypoPG estimate %s)", p + 1, def, ixt_fmt_bytes(c->size_real, szr, sizeof szr),
               ixt_fmt_bytes(c->size_bytes, sz, sizeof sz));
        if (c->partitions > 0)
            printf("; partitioned: %d partitions (one estimate on the parent; the export builds it on each)",
                   c->partitions);
        if (c->replaces[0])
            printf("; replaces the existing index %s, which it makes redundant", c->replaces);
        printf("\n   saves %.1f cost/s of reads; costs %.1f writes/s on %s = %.1f cost/s", c->benefit,
               c->writes_per_s, c->table, c->write_cost);
        if (c->hot_breaks)
            printf("; breaks HOT updates for %d statement%s: `%s` (%.1f/s)", c->hot_breaks,
                   c->hot_breaks > 1 ? "s" : "", c->hot_example, c->hot_rate);
        printf("\n");
        for (int i = 0; i < a->nstmts; i++) {
            if (!h->uses[p * a->nstmts + i])
                continue;
            char *one = ixt_xstrdup(a->stmts[i].sql);
            ixt_squash_ws(one);
            printf("   %s: cost %.2f -> %.2f  x%.0f  %.90s%s\n", cost_rises(a, h, i) ? "used, costs more" : "helps",
                   a->stmts[i].base_cost, h->final[i], a->stmts[i].weight, one, strlen(one) > 90 ? "..." : "");
            free(one);
        }
        free(def);
    }
    double pct = a->weighted_before > 0 ? (a->weighted_after - a->weighted_before) / a->weighted_before * 100 : 0;
    char szr[32];
    printf("\nWeighted workload cost %.0f -> %.0f (%+.1f%%); %d indexes, %s in all (HypoPG estimate %s)%s; "
           "write cost %.1f cost/s\n", a->weighted_before, a->weighted_after, pct, a->npicks,
           ixt_fmt_bytes(a->size_real, szr, sizeof szr), ixt_fmt_bytes(a->size_bytes, sz, sizeof sz),
           o->cfg.budget_mb > 0 ? " (within the budget)" : "", a->write_cost);
    printf("What-if calls %ld, cache hits %ld, wall time %.0f ms\n", a->whatif_calls, a->cache_hits, wall_ms);
    if (a->loads_skipped)
        printf("Left out of the top statements: %d one-off load%s (an INSERT of %d rows or more, run once)\n",
               a->loads_skipped, a->loads_skipped == 1 ? "" : "s", IXT_BULK_ROWS);
    for (int k = 0; k < a->ncands; k++)
        if (a->cands[k].untestable)
            printf("Not scored: %s (HypoPG cannot simulate it: %s); measure it with a real trial in the lab\n",
                   a->cands[k].def, a->cands[k].why);
    for (int i = 0; i < a->nunanalyzed; i++)
        printf("Warning: table %s was never analyzed: its estimates mean little (run ANALYZE)\n", a->unanalyzed[i]);
    for (int i = 0; i < a->nstmts; i++)
        if (!a->stmts[i].ok)
            printf("Skipped: %.70s: %s\n", a->stmts[i].sql, a->stmts[i].error);
}

/* Bulk writes of one kind and the biggest; null when none. */
static json_t *writes_seen_json(const ixt_writes_seen *w)
{
    if (w->n == 0)
        return json_null();
    return json_pack("{s:i, s:o, s:s, s:s, s:o, s:o, s:o}", "statements", w->n, "rows_per_s",
                     ixt_json_real(w->rows_per_s, IXT_JSON_RATE), "example", w->example, "table", w->table, "rows",
                     ixt_json_count(w->rows), "calls", ixt_json_count(w->calls), "table_share",
                     ixt_json_real(w->share, IXT_JSON_RATIO));
}

static json_t *advice_json(ixt_advisor *a, const ixt_adv_helped *h, double wall_ms)
{
    json_t *idx = json_array();
    for (int p = 0; p < a->npicks; p++) {
        const ixt_adv_cand *c = &a->cands[a->picks[p]];
        char *def = pretty(c->def);
        json_t *hs = json_array();
        for (int i = 0; i < a->nstmts; i++)
            if (h->uses[p * a->nstmts + i])
                json_array_append_new(hs, json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "statement", a->stmts[i].sql,
                                                    "queryid", ixt_json_id(a->stmts[i].queryid), "cost_before",
                                                    ixt_json_real(a->stmts[i].base_cost, IXT_JSON_COST),
                                                    "cost_after", ixt_json_real(h->final[i], IXT_JSON_COST),
                                                    "weight", ixt_json_count(a->stmts[i].weight), "cost_rises",
                                                    cost_rises(a, h, i)));
        for (int i = 0, n = 0; i < a->nstmts; i++)
            if (h->uses[p * a->nstmts + i]) {
                int by = a->stmts[i].fired_by;
                json_object_set_new(json_array_get(hs, (size_t)n++), "lookup_for",
                                    by >= 0 ? json_string(a->stmts[by].sql) : json_null());
            }
        json_t *one = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o}", "definition", def, "table",
                                c->table, "size_bytes", ixt_json_count(c->size_bytes), "size_corrected_bytes",
                                ixt_json_count(c->size_real), "write_rate", ixt_json_known(c->writes_per_s, IXT_JSON_RATE),
                                "write_cost_per_s", ixt_json_real(c->write_cost, IXT_JSON_COST), "benefit_per_s",
                                ixt_json_real(c->benefit, IXT_JSON_COST), "hot_breaks", c->hot_breaks, "hot_rate",
                                ixt_json_real(c->hot_rate, IXT_JSON_RATE), "helps", hs);
        json_object_set_new(one, "hot_example", c->hot_breaks ? json_string(c->hot_example) : json_null());
        json_object_set_new(one, "replaces", c->replaces[0] ? json_string(c->replaces) : json_null());
        json_object_set_new(one, "partitions", json_integer(c->partitions));
        json_array_append_new(idx, one);
        free(def);
    }
    json_t *skipped = json_array();
    for (int i = 0; i < a->nstmts; i++)
        if (!a->stmts[i].ok)
            json_array_append_new(skipped, json_pack("{s:s, s:s}", "statement", a->stmts[i].sql, "reason",
                                                     a->stmts[i].error));
    json_t *untestable = json_array();
    for (int k = 0; k < a->ncands; k++)
        if (a->cands[k].untestable)
            json_array_append_new(untestable, json_pack("{s:s, s:s}", "definition", a->cands[k].def, "reason",
                                                        a->cands[k].why));
    json_t *un = json_array();
    for (int i = 0; i < a->nunanalyzed; i++)
        json_array_append_new(un, json_string(a->unanalyzed[i]));
    const char *as = ixt_conn_as(a->c);
    json_t *j = json_pack("{s:s, s:o, s:i, s:i, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
                          "connection", ixt_conn_label(a->c), "as", as[0] ? json_string(as) : json_null(),
                          "statements", a->nstmts - ixt_advisor_lookups(a),
                          "candidates", a->ncands, "weighted_cost_before",
                          ixt_json_real(a->weighted_before, IXT_JSON_COST), "weighted_cost_after",
                          ixt_json_real(a->weighted_after, IXT_JSON_COST), "total_size_bytes",
                          ixt_json_count(a->size_bytes), "budget_left_out_bytes",
                     a->left_out_bytes > 0 ? ixt_json_count(a->left_out_bytes) : json_null(), "whatif_calls",
                     (json_int_t)a->whatif_calls, "cache_hits", (json_int_t)a->cache_hits, "wall_ms",
                     ixt_json_real(wall_ms, IXT_JSON_MS), "indexes", idx, "skipped", skipped, "never_analyzed", un,
                     "not_scored", untestable);
    json_object_set_new(j, "foreign_key_lookups", json_integer(ixt_advisor_lookups(a)));
    json_object_set_new(j, "total_size_corrected_bytes", ixt_json_count(a->size_real));
    json_object_set_new(j, "write_cost_per_s", ixt_json_real(a->write_cost, IXT_JSON_COST));
    json_object_set_new(j, "write_weight", ixt_json_real(a->write_weight, IXT_JSON_RATIO));
    char note[2048];
    json_object_set_new(j, "bulk_note", ixt_advisor_bulk_note(a, note, sizeof note) ? json_string(note) : json_null());
    json_object_set_new(j, "loads_left_out", writes_seen_json(&a->facts.bulk.loads));
    json_object_set_new(j, "one_off_loads_not_advised", json_integer(a->loads_skipped));
    json_object_set_new(j, "bulk_writes_counted", writes_seen_json(&a->facts.bulk.counted));
    return j;
}

/* The baseline of pick p for verify: the statements it helps and the
 * writes on its table. */
static void take_baseline(ixt_nodes *ns, ixt_advisor *a, const ixt_adv_helped *h, int p, ixt_review_item *it)
{
    ixt_baseline_target *t = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *t);
    int nt = 0;
    for (int i = 0; i < a->nstmts; i++)
        if (h->uses[p * a->nstmts + i])
            t[nt++] = (ixt_baseline_target){.queryid = a->stmts[i].queryid, .sql = a->stmts[i].sql};
    batch_baseline(ns, it, t, nt);
    free(t);
}

/* The picks as a review set: for --format sql|md and --session (with
 * baselines). */
static int to_review(ixt_nodes *ns, ixt_advisor *a, const ixt_adv_helped *h, bool baseline, ixt_review *r, ixt_err *e)
{
    memset(r, 0, sizeof *r);
    r->conn_label = ixt_xstrdup(ixt_conn_label(a->c));
    r->server_version = ixt_xstrdup(ixt_conn_info(a->c)->version);
    for (int p = 0; p < a->npicks; p++) {
        const ixt_adv_cand *c = &a->cands[a->picks[p]];
        ixt_review_item it;
        ixt_indexdef d;
        if (ixt_indexdef_parse(c->def, &d, e) != 0)
            return -1;
        int rc = ixt_review_item_make(a->c, r, &d, &it, e);
        ixt_indexdef_free(&d);
        if (rc != 0)
            return -1;
        it.size_bytes = c->size_real;
        it.write_rate = c->writes_per_s;
        it.impact = (ixt_impact){.known = true, .size_hypo = c->size_bytes, .write_cost = c->write_cost,
                                 .hot_breaks = c->hot_breaks, .hot_rate = c->hot_rate,
                                 .hot_example = c->hot_breaks ? ixt_xstrdup(c->hot_example) : NULL};
        const ixt_index_fact *old = ixt_advisor_replaced(a, p);
        if (old) {
            it.replaces = ixt_xstrdup(old->name);
            it.replaces_def = ixt_xstrdup(old->def);
        }
        int best = -1;
        for (int i = 0; i < a->nstmts; i++)
            if (h->uses[p * a->nstmts + i])
                ixt_review_add_helped(&it, a->stmts[i].sql, a->stmts[i].queryid, a->stmts[i].base_cost, h->final[i]);
        for (int i = 0; i < a->nstmts; i++)
            if (h->uses[p * a->nstmts + i] &&
                (best < 0 || a->stmts[i].weight * (a->stmts[i].base_cost - h->final[i]) >
                                 a->stmts[best].weight * (a->stmts[best].base_cost - h->final[best])))
                best = i;
        if (best >= 0)
            it.ev = (ixt_evidence){.sql = ixt_xstrdup(a->stmts[best].sql), .queryid = a->stmts[best].queryid,
                                   .cost_before = a->stmts[best].base_cost, .cost_after = h->final[best]};
        else
            it.ev.sql = ixt_xstrdup("");
        if (baseline)
            take_baseline(ns, a, h, p, &it);
        ixt_review_accept(r, &it);
        ixt_review_item_free(&it);
    }
    return 0;
}

static int output(const ixt_opts *o, ixt_nodes *ns, ixt_advisor *a, const ixt_adv_helped *h, double wall_ms)
{
    ixt_err e;
    ixt_review r;
    bool need_review = o->format == FMT_SQL || o->format == FMT_MD || o->load_file;
    if (need_review && to_review(ns, a, h, o->load_file != NULL, &r, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_review_free(&r);
        return 1;
    }
    int rc = 0;
    ixt_export_opts eo = {.concurrently = o->cfg.concurrently};
    char *text = NULL;
    if (o->format == FMT_JSON) {
        json_t *j = advice_json(a, h, wall_ms);
        rc = json_dumpf(j, stdout, IXT_JSON_DUMP) == 0 ? 0 : 1;
        putchar('\n');
        json_decref(j);
    } else if (o->format == FMT_SQL || o->format == FMT_MD) {
        text = o->format == FMT_SQL ? ixt_export_sql(&r, &eo, &e) : ixt_export_markdown(&r, &eo, &e);
        if (text)
            fputs(text, stdout);
        else
            rc = 1;
    } else {
        print_text(o, a, h, wall_ms);
    }
    free(text);
    if (rc == 0 && o->load_file) {
        ixt_review s;
        FILE *f = fopen(o->load_file, "r");
        if (f) {
            fclose(f);
            if (ixt_review_load(&s, o->load_file, &e) != 0) {
                fprintf(stderr, "idxtune: %s\n", e.msg);
                ixt_review_free(&r);
                return 1;
            }
        } else {
            memset(&s, 0, sizeof s);
            s.conn_label = ixt_xstrdup(r.conn_label);
            s.server_version = ixt_xstrdup(r.server_version);
        }
        for (int i = 0; i < r.n; i++)
            ixt_review_accept(&s, &r.items[i]);
        if (ixt_review_save(&s, o->load_file, true, &e) != 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
            rc = 1;
        } else {
            fprintf(stderr, "recorded %d indexes as accepted in %s\n", r.n, o->load_file);
        }
        ixt_review_free(&s);
    }
    if (need_review)
        ixt_review_free(&r);
    return rc;
}

/* A budget that leaves every useful index out says what the smallest
 * would need, rather than an empty list with no reason. */
static void budget_hint(const ixt_advisor *a)
{
    if (a->npicks > 0 || a->left_out_bytes <= 0)
        return;
    char sz[32];
    fprintf(stderr, "idxtune: no useful index fits the budget of %.0f MB: the smallest needs %s "
                    "(--budget-mb %.0f or more)\n", a->budget_mb, ixt_fmt_bytes(a->left_out_bytes, sz, sizeof sz),
            ceil(a->left_out_bytes / (1024.0 * 1024.0)));
}

/* Write rates a bulk load inflates: said whatever the format. */
static void bulk_hint(const ixt_advisor *a)
{
    char note[2048];
    if (ixt_advisor_bulk_note(a, note, sizeof note))
        fprintf(stderr, "idxtune: note: %s\n", note);
}

int batch_advise(const ixt_opts *o)
{
    ixt_conn *c = batch_connect(o);
    if (!c)
        return 1;
    ixt_nodes ns;
    if (batch_nodes(o, c, &ns) != 0) {
        ixt_conn_close(c);
        return 1;
    }
    ixt_advisor a;
    ixt_advisor_init(&a, c, o->cfg.budget_mb, 0);
    a.write_weight = o->cfg.write_weight;
    /* a standby counts no writes: the primary's are the write cost */
    const ixt_node *primary = ixt_nodes_primary(&ns);
    if (primary && primary->up && !primary->is_main)
        a.writes_from = primary->conn;
    else if (ixt_conn_info(c)->in_recovery)
        fprintf(stderr, "idxtune: warning: write rates unknown, counted as none: a hot standby counts no writes "
                        "(name the primary with --node)\n");
    /* the advice is the same either way: this checks it, and serves a
     * proxy that mishandles pipelines */
    a.sequential = getenv("IXT_NO_PIPELINE") != NULL;
    int rc = 1;
    double t0 = ixt_now_ms();
    ixt_err e;
    if (load_statements(o, &ns, &a) == 0) {
        if (ixt_advisor_run(&a, isatty(2) ? progress : NULL, NULL, &e) != 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
        } else {
            double wall = ixt_now_ms() - t0;
            if (isatty(2))
                fputs("\r\033[K", stderr);
            budget_hint(&a);
            bulk_hint(&a);
            ixt_adv_helped h;
            ixt_advisor_helped(&a, &h);
            if (ixt_conn_ok(c))
                rc = output(o, &ns, &a, &h, wall);
            else
                fprintf(stderr, "idxtune: connection to the server was lost: the advice is incomplete\n");
            ixt_adv_helped_free(&h);
        }
    }
    ixt_advisor_free(&a);
    ixt_nodes_free(&ns);
    /* what a long link costs: this many times its round-trip time */
    if (getenv("IXT_ROUNDTRIPS"))
        fprintf(stderr, "idxtune: %lu round trips to %s\n", ixt_conn_roundtrips(c), ixt_conn_label(c));
    ixt_conn_close(c);
    return rc;
}
