/* verify: baselines at accept time, snapshots after the rollout, and their
 * comparison. */
#include "idxtune/verify.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/nodes.h"
#include "idxtune/review.h"
#include "idxtune/sqlparse.h"
#include "idxtune/workload.h"

/* ===== baselines: taken from the server ===== */

static const char *pgss_schema(const ixt_server_info *in)
{
    return in->pgss_schema[0] ? in->pgss_schema : "public";
}

/* The candidates: the targets' query ids, and every statement whose text
 * names the table (the parse decides). */
static char *baseline_sql(const ixt_server_info *in)
{
    bool v13 = in->version_num >= 130000;
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT queryid, min(query), sum(calls), sum(%s), sum(rows), sum(shared_blks_hit),"
                         " sum(shared_blks_read), max(%s),"
                         " to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                         " FROM %s.pg_stat_statements(true)"
                         " WHERE dbid = $1 AND queryid IS NOT NULL AND queryid <> 0"
                         " AND (queryid IN (SELECT json_array_elements_text($2::json)::bigint)"
                         " OR strpos(lower(query), lower($3)) > 0)"
                         " GROUP BY queryid",
                         v13 ? "total_exec_time" : "total_time", v13 ? "stddev_exec_time" : "stddev_time",
                         pgss_schema(in));
}

static bool names_table(const ixt_sql_info *info, const ixt_review_item *it)
{
    for (int i = 0; i < info->ntables; i++)
        if (strcmp(info->tables[i].name, it->table) == 0 &&
            (!info->tables[i].schema || strcmp(info->tables[i].schema, it->schema) == 0))
            return true;
    return false;
}

/* Whether a pg_stat_statements entry belongs in the item's baseline, and
 * whether it writes the table. */
static bool wanted(const ixt_review_item *it, const ixt_baseline_target *t, int nt, const uint64_t *fps,
                   int64_t qid, const char *text, bool *write)
{
    if (strncmp(text, IXT_SQL_TAG, strlen(IXT_SQL_TAG)) == 0)
        return false;
    ixt_err pe;
    ixt_sql_info *info = ixt_sql_analyze(text, &pe);
    bool target = false;
    uint64_t fp = info ? ixt_sql_fingerprint(text) : 0;
    for (int i = 0; i < nt && !target; i++)
        target = qid == t[i].queryid || (fp && fp == fps[i]);
    *write = info && ixt_sql_writes(info) && names_table(info, it);
    ixt_sql_info_free(info);
    return target || *write;
}

/* The statements a baseline is taken for: the item's own first, then the
 * others, with their fingerprints and query ids (a JSON list). */
typedef struct targets {
    ixt_baseline_target *t;
    uint64_t *fps;
    int n;
    char *ids;
} targets;

static void targets_make(const ixt_review_item *it, const ixt_baseline_target *given, int ngiven, targets *ts)
{
    ts->n = ngiven + 1;
    ts->t = ixt_xcalloc((size_t)ts->n, sizeof *ts->t);
    ts->fps = ixt_xcalloc((size_t)ts->n, sizeof *ts->fps);
    ts->t[0] = (ixt_baseline_target){.queryid = it->ev.queryid, .sql = it->ev.sql};
    if (ngiven)
        memcpy(ts->t + 1, given, (size_t)ngiven * sizeof *ts->t);
    json_t *ids = json_array();
    for (int i = 0; i < ts->n; i++) {
        ts->fps[i] = ts->t[i].sql && ts->t[i].sql[0] ? ixt_sql_fingerprint(ts->t[i].sql) : 0;
        if (ts->t[i].queryid) {
            char q[32];
            snprintf(q, sizeof q, "%lld", (long long)ts->t[i].queryid);
            json_array_append_new(ids, json_string(q));
        }
    }
    ts->ids = json_dumps(ids, JSON_COMPACT);
    json_decref(ids);
}

static void targets_free(targets *ts)
{
    free(ts->t);
    free(ts->fps);
    free(ts->ids);
}

/* The item's baseline on one server into *out (caller frees). */
static int take_on(ixt_conn *c, const ixt_review_item *it, const targets *ts, ixt_baseline *out, ixt_err *e)
{
    memset(out, 0, sizeof *out);
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_pgss)
        return ixt_err_set(e, "no baseline: %s", in->pgss_problem);
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    char *sql = baseline_sql(in);
    const char *params[] = {oid, ts->ids, it->table};
    PGresult *res = ixt_conn_exec(c, sql, 3, params, e);
    free(sql);
    if (!res)
        return -1;
    out->s = ixt_xcalloc((size_t)PQntuples(res) + 1, sizeof *out->s);
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t qid = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        bool write;
        if (!wanted(it, ts->t, ts->n, ts->fps, qid, PQgetvalue(res, r, 1), &write))
            continue;
        ixt_baseline_stmt *s = &out->s[out->n++];
        s->queryid = qid;
        s->query = ixt_xstrndup(PQgetvalue(res, r, 1), ixt_utf8_cut(PQgetvalue(res, r, 1), IXT_QUERY_LINE_MAX));
        ixt_squash_ws(s->query);
        s->write = write;
        s->calls = atof(PQgetvalue(res, r, 2));
        s->total_ms = atof(PQgetvalue(res, r, 3));
        s->mean_ms = s->calls > 0 ? s->total_ms / s->calls : 0;
        s->rows = atof(PQgetvalue(res, r, 4));
        s->shared_hit = atof(PQgetvalue(res, r, 5));
        s->shared_read = atof(PQgetvalue(res, r, 6));
        s->stddev_ms = atof(PQgetvalue(res, r, 7));
        s->taken_at = ixt_xstrdup(PQgetvalue(res, r, 8));
    }
    PQclear(res);
    return 0;
}

int ixt_baseline_take(ixt_conn *c, ixt_review_item *it, const ixt_baseline_target *given, int ngiven, ixt_err *e)
{
    targets ts;
    targets_make(it, given, ngiven, &ts);
    ixt_baseline b;
    int rc = take_on(c, it, &ts, &b, e);
    if (rc == 0) {
        ixt_baseline_free(&it->baseline);
        it->baseline = b;
    }
    targets_free(&ts);
    return rc;
}

/* Adds one server's statement to the sum (taking its strings) and records
 * its part. */
static void add_part(ixt_baseline *sum, ixt_baseline_stmt *s, const char *node)
{
    ixt_baseline_stmt *t = NULL;
    for (int i = 0; i < sum->n && !t; i++)
        if (sum->s[i].queryid == s->queryid)
            t = &sum->s[i];
    if (!t) {
        sum->s = ixt_xrealloc(sum->s, (size_t)(sum->n + 1) * sizeof *sum->s);
        t = &sum->s[sum->n++];
        *t = *s;
        s->query = s->taken_at = NULL;
    } else {
        t->write |= s->write;
        t->calls += s->calls;
        t->total_ms += s->total_ms;
        t->mean_ms = t->calls > 0 ? t->total_ms / t->calls : 0;
        t->rows += s->rows;
        t->shared_hit += s->shared_hit;
        t->shared_read += s->shared_read;
        /* the spread within one server: the widest stands for all */
        if (s->stddev_ms > t->stddev_ms)
            t->stddev_ms = s->stddev_ms;
    }
    t->nodes = ixt_xrealloc(t->nodes, (size_t)(t->nnodes + 1) * sizeof *t->nodes);
    ixt_baseline_node *p = &t->nodes[t->nnodes++];
    snprintf(p->name, sizeof p->name, "%s", node);
    p->calls = s->calls;
    p->total_ms = s->total_ms;
}

/* One server's baseline added to sum.  The main's failure is the caller's
 * (-1, e filled); another server's leaves it out, named in why. */
static int take_part(ixt_conn *c, const char *name, bool is_main, const ixt_review_item *it, const targets *ts,
                     ixt_baseline *sum, ixt_buf *why, ixt_err *e)
{
    ixt_baseline b;
    ixt_err ne;
    if (take_on(c, it, ts, &b, &ne) != 0) {
        if (is_main)
            return ixt_err_set(e, "%s", ne.msg);
        ixt_buf_printf(why, "%s%s (%s)", why->len ? ", " : "", name, ne.msg);
        return 0;
    }
    for (int k = 0; k < b.n; k++)
        add_part(sum, &b.s[k], name);
    ixt_baseline_free(&b);
    return 0;
}

/* The summed baseline into it unless rc failed; the servers left out into
 * skipped.  Frees sum, why and ts. */
static int take_end(int rc, ixt_review_item *it, ixt_baseline *sum, ixt_buf *why, targets *ts, char *skipped,
                    size_t len)
{
    if (rc == 0) {
        ixt_baseline_free(&it->baseline);
        it->baseline = *sum;
    } else {
        ixt_baseline_free(sum);
    }
    snprintf(skipped, len, "%s", why->len ? why->s : "");
    ixt_buf_free(why);
    targets_free(ts);
    return rc;
}

int ixt_baseline_take_nodes(ixt_nodes *ns, ixt_review_item *it, const ixt_baseline_target *given, int ngiven,
                            char *skipped, size_t len, ixt_err *e)
{
    skipped[0] = '\0';
    if (ns->n == 1)
        return ixt_baseline_take(ns->items[0].conn, it, given, ngiven, e);
    targets ts;
    targets_make(it, given, ngiven, &ts);
    ixt_baseline sum = {0};
    ixt_buf why;
    ixt_buf_init(&why);
    int rc = 0;
    for (size_t i = 0; i < ns->n && rc == 0; i++) {
        ixt_node *n = &ns->items[i];
        if (n->up)
            rc = take_part(n->conn, n->name, n->is_main, it, &ts, &sum, &why, e);
        else
            ixt_buf_printf(&why, "%s%s (down)", why.len ? ", " : "", n->name);
    }
    return take_end(rc, it, &sum, &why, &ts, skipped, len);
}

int ixt_baseline_take_links(ixt_conn *c, const char *main_name, const ixt_node_links *l, ixt_review_item *it,
                            const ixt_baseline_target *given, int ngiven, char *skipped, size_t len, ixt_err *e)
{
    skipped[0] = '\0';
    if (l->n == 0)
        return ixt_baseline_take(c, it, given, ngiven, e);
    targets ts;
    targets_make(it, given, ngiven, &ts);
    ixt_baseline sum = {0};
    ixt_buf why;
    ixt_buf_init(&why);
    int rc = take_part(c, main_name, true, it, &ts, &sum, &why, e);
    for (size_t k = 0; k < l->n && rc == 0; k++) {
        ixt_err ne;
        ixt_conn *nc = ixt_node_link_open(&l->items[k], "lab", 3, &ne);
        if (nc)
            take_part(nc, l->items[k].name, false, it, &ts, &sum, &why, e);
        else
            ixt_buf_printf(&why, "%s%s (%s)", why.len ? ", " : "", l->items[k].name, ne.msg);
        ixt_conn_close(nc);
    }
    return take_end(rc, it, &sum, &why, &ts, skipped, len);
}

/* ===== snapshots ===== */

/* One query for both: kind 'i' rows (key: the index's place in the
 * session) and 's' rows (key: the query id). */
int ixt_verify_query_make(const ixt_review *r, const ixt_server_info *in, ixt_verify_query *q, ixt_err *e)
{
    memset(q, 0, sizeof *q);
    if (!in->has_pgss)
        return ixt_err_set(e, "pg_stat_statements is needed: %s", in->pgss_problem);
    json_t *names = json_array(), *ids = json_array();
    for (int i = 0; i < r->n; i++) {
        json_array_append_new(names, json_pack("[s, s]", r->items[i].schema, r->items[i].name));
        for (int k = 0; k < r->items[i].baseline.n; k++) {
            char qid[32];
            snprintf(qid, sizeof qid, "%lld", (long long)r->items[i].baseline.s[k].queryid);
            json_array_append_new(ids, json_string(qid));
        }
    }
    q->params[0] = json_dumps(names, JSON_COMPACT);
    q->params[1] = json_dumps(ids, JSON_COMPACT);
    q->params[2] = ixt_xasprintf("%u", in->db_oid);
    json_decref(names);
    json_decref(ids);
    q->sql = ixt_xasprintf(
        IXT_SQL_TAG
        "SELECT 'i', x.ord, c.oid IS NOT NULL, coalesce(i.indisvalid, false),"
        " coalesce(pg_relation_size(c.oid), 0)::float8, coalesce(s.idx_scan, 0)::float8"
        " FROM json_array_elements($1::json) WITH ORDINALITY AS x(j, ord)"
        " LEFT JOIN pg_namespace n ON n.nspname = x.j->>0"
        " LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = x.j->>1 AND c.relkind = 'i'"
        " LEFT JOIN pg_index i ON i.indexrelid = c.oid"
        " LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = c.oid"
        " UNION ALL"
        " SELECT 's', queryid, false, false, sum(calls)::float8, sum(%s)::float8"
        " FROM %s.pg_stat_statements(false)"
        " WHERE dbid = $3::oid AND queryid IN (SELECT json_array_elements_text($2::json)::bigint)"
        " GROUP BY queryid",
        in->version_num >= 130000 ? "total_exec_time" : "total_time", pgss_schema(in));
    return 0;
}

void ixt_verify_query_free(ixt_verify_query *q)
{
    free(q->sql);
    for (int i = 0; i < 3; i++)
        free(q->params[i]);
    memset(q, 0, sizeof *q);
}

void ixt_verify_snap_free(ixt_verify_snap *s)
{
    free(s->idx);
    free(s->st);
    memset(s, 0, sizeof *s);
}

int ixt_verify_snap_ingest(const ixt_review *r, const PGresult *res, double at_ms, ixt_verify_snap *s, ixt_err *e)
{
    memset(s, 0, sizeof *s);
    if (PQnfields(res) != 6)
        return ixt_err_set(e, "unexpected snapshot result");
    s->at_ms = at_ms;
    s->nidx = r->n;
    s->idx = ixt_xcalloc((size_t)r->n + 1, sizeof *s->idx);
    s->st = ixt_xcalloc((size_t)PQntuples(res) + 1, sizeof *s->st);
    for (int row = 0; row < PQntuples(res); row++) {
        long long key = strtoll(PQgetvalue(res, row, 1), NULL, 10);
        double a = atof(PQgetvalue(res, row, 4)), b = atof(PQgetvalue(res, row, 5));
        if (PQgetvalue(res, row, 0)[0] == 'i' && key >= 1 && key <= r->n) {
            s->idx[key - 1].exists = PQgetvalue(res, row, 2)[0] == 't';
            s->idx[key - 1].valid = PQgetvalue(res, row, 3)[0] == 't';
            s->idx[key - 1].size_bytes = a;
            s->idx[key - 1].idx_scan = b;
        } else if (PQgetvalue(res, row, 0)[0] == 's') {
            s->st[s->nst].queryid = key;
            s->st[s->nst].calls = a;
            s->st[s->nst].total_ms = b;
            s->nst++;
        }
    }
    return 0;
}

int ixt_verify_snapshot(ixt_conn *c, const ixt_review *r, ixt_verify_snap *s, ixt_err *e)
{
    ixt_verify_query q;
    memset(s, 0, sizeof *s);
    if (ixt_verify_query_make(r, ixt_conn_info(c), &q, e) != 0)
        return -1;
    PGresult *res = ixt_conn_exec(c, q.sql, 3, (const char *const *)q.params, e);
    int rc = res ? ixt_verify_snap_ingest(r, res, ixt_now_ms(), s, e) : -1;
    PQclear(res);
    ixt_verify_query_free(&q);
    return rc;
}

/* ===== comparison ===== */

const char *ixt_outcome_word(ixt_outcome v)
{
    static const char *const words[] = {"keep", "watch", "regressed"};
    return words[v];
}

static int find_st(const ixt_verify_snap *s, int64_t qid)
{
    for (int i = 0; i < s->nst; i++)
        if (s->st[i].queryid == qid)
            return i;
    return -1;
}

/* The calls and time of one statement between the snapshots; a statement
 * missing from a, or counters that went back (a stats reset), count from
 * zero. */
static void window_delta(const ixt_verify_snap *a, const ixt_verify_snap *b, int64_t qid, double *calls,
                         double *ms)
{
    int ia = find_st(a, qid), ib = find_st(b, qid);
    *calls = *ms = 0;
    if (ib < 0)
        return;
    *calls = b->st[ib].calls;
    *ms = b->st[ib].total_ms;
    if (ia >= 0 && a->st[ia].calls <= *calls) {
        *calls -= a->st[ia].calls;
        *ms -= a->st[ia].total_ms;
    }
}

/* The servers compared, as report_stmt and the index facts need them. */
typedef struct servers {
    const ixt_verify_snap *a, *b;
    const char *const *names;   /* NULL: one server, no parts */
    int n;
} servers;

/* The baseline's part taken on the server named; NULL when none. */
static const ixt_baseline_node *base_part(const ixt_baseline_stmt *bs, const char *name)
{
    for (int k = 0; k < bs->nnodes; k++)
        if (strcmp(bs->nodes[k].name, name) == 0)
            return &bs->nodes[k];
    return NULL;
}

/* The mean before over the baseline's parts on the servers compared, or
 * the whole baseline's. */
static double mean_before(const ixt_baseline_stmt *bs, const servers *sv)
{
    double calls = 0, ms = 0;
    for (int i = 0; sv->names && i < sv->n; i++) {
        const ixt_baseline_node *p = base_part(bs, sv->names[i]);
        calls += p ? p->calls : 0;
        ms += p ? p->total_ms : 0;
    }
    return calls > 0 ? ms / calls : bs->mean_ms;
}

static int report_stmt(ixt_verify_report *out, const ixt_baseline_stmt *bs, int phase, const servers *sv)
{
    for (int i = 0; i < out->nst; i++)
        if (out->st[i].queryid == bs->queryid)
            return i;
    ixt_verify_stmt *s = &out->st[out->nst];
    double ms = 0;
    *s = (ixt_verify_stmt){.queryid = bs->queryid, .query = bs->query, .write = bs->write, .phase = phase,
                           .mean_before = mean_before(bs, sv), .mean_after = -1};
    if (sv->names)
        s->parts = ixt_xcalloc((size_t)sv->n, sizeof *s->parts);
    for (int i = 0; i < sv->n; i++) {
        double c, m;
        window_delta(&sv->a[i], &sv->b[i], bs->queryid, &c, &m);
        s->calls += c;
        ms += m;
        if (s->parts) {
            const ixt_baseline_node *p = base_part(bs, sv->names[i]);
            s->parts[i] = (ixt_verify_part){.mean_before = p && p->calls > 0 ? p->total_ms / p->calls : -1,
                                            .mean_after = c > 0 ? m / c : -1, .calls = c};
        }
    }
    if (s->calls > 0) {
        s->mean_after = ms / s->calls;
        s->change_pct = s->mean_before > 0 ? (s->mean_after - s->mean_before) / s->mean_before * 100 : 0;
        s->regressed = s->calls >= IXT_VERIFY_MIN_CALLS && s->change_pct > IXT_VERIFY_REGRESS_PCT &&
                       s->mean_after - s->mean_before > IXT_VERIFY_REGRESS_MS;
    }
    if (s->regressed)
        out->regressions[out->nregressions++] =
            ixt_xasprintf("%s statement %lld: mean %.3f ms -> %.3f ms (%+.0f%%) over %.0f calls: %s",
                          s->write ? "write" : "read", (long long)s->queryid, s->mean_before, s->mean_after,
                          s->change_pct, s->calls, s->query);
    return out->nst++;
}

/* Index i's facts: the main's, its scans summed over the servers. */
static void index_facts(ixt_verify_index *x, int i, const servers *sv)
{
    if (sv->names)
        x->scans_at = ixt_xcalloc((size_t)sv->n, sizeof *x->scans_at);
    for (int k = 0; k < sv->n; k++) {
        const ixt_verify_snap *a = &sv->a[k], *b = &sv->b[k];
        if (i >= a->nidx || i >= b->nidx)
            continue;
        if (k == 0) {
            x->exists = b->idx[i].exists;
            x->valid = b->idx[i].valid;
            x->size_bytes = b->idx[i].size_bytes;
        }
        double scans = b->idx[i].idx_scan - (a->idx[i].idx_scan <= b->idx[i].idx_scan ? a->idx[i].idx_scan : 0);
        x->idx_scan += b->idx[i].idx_scan;
        x->scans += scans;
        if (x->scans_at)
            x->scans_at[k] = scans;
    }
}

static void judge(ixt_verify_report *out, ixt_verify_index *x, const ixt_review_item *it)
{
    int worst = -1, reads = 0;
    for (int k = 0; k < it->baseline.n; k++) {
        const ixt_verify_stmt *s = NULL;
        for (int i = 0; i < out->nst && !s; i++)
            if (out->st[i].queryid == it->baseline.s[k].queryid)
                s = &out->st[i];
        if (!s->write) {
            x->calls += s->calls;
            reads++;
        }
        if (s->regressed && (worst < 0 || s->change_pct > out->st[worst].change_pct))
            worst = (int)(s - out->st);
    }
    x->verdict = IXT_OUTCOME_REGRESSED;
    if (!x->exists)
        snprintf(x->reason, sizeof x->reason, "does not exist: phase %d not applied, or its build failed", x->phase);
    else if (!x->valid)
        snprintf(x->reason, sizeof x->reason, "INVALID: the concurrent build failed; drop it and build it again");
    else if (worst >= 0)
        snprintf(x->reason, sizeof x->reason, "%s statement %lld got slower: %.3f -> %.3f ms (%+.0f%%)",
                 out->st[worst].write ? "write" : "read", (long long)out->st[worst].queryid,
                 out->st[worst].mean_before, out->st[worst].mean_after, out->st[worst].change_pct);
    else if (x->scans <= 0 && x->calls >= IXT_VERIFY_MIN_CALLS)
        snprintf(x->reason, sizeof x->reason, "not scanned in the window although its statements ran %.0f times",
                 x->calls);
    else if (x->scans <= 0 || (x->calls < IXT_VERIFY_MIN_CALLS && reads > 0)) {
        x->verdict = IXT_OUTCOME_WATCH;
        snprintf(x->reason, sizeof x->reason, "not enough in the window: %.0f calls of its statements, %.0f scans",
                 x->calls, x->scans);
    } else {
        x->verdict = IXT_OUTCOME_KEEP;
        snprintf(x->reason, sizeof x->reason, "scanned %.0f times in the window, no statement slower", x->scans);
    }
    if (x->verdict == IXT_OUTCOME_REGRESSED && (!x->exists || !x->valid || worst < 0))
        out->regressions[out->nregressions++] = ixt_xasprintf("index %s.%s: %s", x->schema, x->name, x->reason);
}

void ixt_verify_compare_nodes(const ixt_review *r, const ixt_verify_snap *a, const ixt_verify_snap *b,
                              const char *const *names, int nnodes, ixt_verify_report *out)
{
    memset(out, 0, sizeof *out);
    servers sv = {.a = a, .b = b, .names = names, .n = nnodes};
    out->window_s = (b->at_ms - a->at_ms) / 1000;
    if (names) {
        out->nnodes = nnodes;
        out->nodes = ixt_xcalloc((size_t)nnodes, sizeof *out->nodes);
        for (int i = 0; i < nnodes; i++)
            snprintf(out->nodes[i], sizeof out->nodes[i], "%s", names[i]);
    }
    int nb = 0;
    for (int i = 0; i < r->n; i++)
        nb += r->items[i].baseline.n;
    out->idx = ixt_xcalloc((size_t)r->n + 1, sizeof *out->idx);
    out->st = ixt_xcalloc((size_t)nb + 1, sizeof *out->st);
    out->regressions = ixt_xcalloc((size_t)(nb + r->n) + 1, sizeof *out->regressions);
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < r->items[i].baseline.n; k++)
            report_stmt(out, &r->items[i].baseline.s[k], i + 1, &sv);
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        ixt_verify_index *x = &out->idx[out->nidx++];
        *x = (ixt_verify_index){.schema = it->schema, .name = it->name, .table = it->table, .phase = i + 1};
        index_facts(x, i, &sv);
        judge(out, x, it);
    }
}

void ixt_verify_compare(const ixt_review *r, const ixt_verify_snap *a, const ixt_verify_snap *b,
                        ixt_verify_report *out)
{
    ixt_verify_compare_nodes(r, a, b, NULL, 1, out);
}

void ixt_verify_report_free(ixt_verify_report *out)
{
    for (int i = 0; i < out->nregressions; i++)
        free(out->regressions[i]);
    free(out->regressions);
    for (int i = 0; i < out->nidx; i++)
        free(out->idx[i].scans_at);
    for (int i = 0; i < out->nst; i++)
        free(out->st[i].parts);
    free(out->idx);
    free(out->st);
    free(out->nodes);
    memset(out, 0, sizeof *out);
}
