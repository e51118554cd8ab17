/* workload: pg_stat_statements snapshots with per-interval rates, and
 * pg_stat_activity. */
#include "idxtune/workload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ixt_workload_init(ixt_workload *w)
{
    memset(w, 0, sizeof *w);
}

static void stmt_free(ixt_stmt *s)
{
    free(s->query);
    free(s->query_full);
}

void ixt_workload_free(ixt_workload *w)
{
    for (size_t i = 0; i < w->n; i++)
        stmt_free(&w->items[i]);
    free(w->items);
    free(w->slots);
    ixt_workload_init(w);
}

char *ixt_workload_numbers_sql(const ixt_server_info *in)
{
    /* pg_stat_statements 1.8 (PostgreSQL 13) renamed total_time. */
    const char *total = in->version_num >= 130000 ? "total_exec_time" : "total_time";
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT queryid, sum(calls), sum(%s), sum(rows),"
                         " sum(shared_blks_hit), sum(shared_blks_read), count(*)"
                         " FROM %s.pg_stat_statements(false)"
                         " WHERE dbid = $1 GROUP BY queryid",
                         total, in->pgss_schema[0] ? in->pgss_schema : "public");
}

char *ixt_workload_texts_sql(const ixt_server_info *in)
{
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT DISTINCT ON (queryid) queryid, query"
                         " FROM %s.pg_stat_statements(true)"
                         " WHERE dbid = $1 AND queryid = ANY($2::bigint[])",
                         in->pgss_schema[0] ? in->pgss_schema : "public");
}

static size_t hash_id(int64_t id, size_t nslots)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 17) & (nslots - 1);
}

static void rehash(ixt_workload *w)
{
    size_t want = 64;
    while (want < w->n * 2 + 2)
        want *= 2;
    free(w->slots);
    w->nslots = want;
    w->slots = ixt_xcalloc(want, sizeof *w->slots);
    for (size_t i = 0; i < w->n; i++) {
        size_t h = hash_id(w->items[i].queryid, want);
        while (w->slots[h])
            h = (h + 1) & (want - 1);
        w->slots[h] = (int64_t)i + 1;
    }
}

static ixt_stmt *lookup(const ixt_workload *w, int64_t id)
{
    if (!w->nslots)
        return NULL;
    size_t h = hash_id(id, w->nslots);
    while (w->slots[h]) {
        ixt_stmt *s = &w->items[w->slots[h] - 1];
        if (s->queryid == id)
            return s;
        h = (h + 1) & (w->nslots - 1);
    }
    return NULL;
}

const ixt_stmt *ixt_workload_find(const ixt_workload *w, int64_t queryid)
{
    return lookup(w, queryid);
}

static ixt_stmt *add_stmt(ixt_workload *w, int64_t id)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->items = ixt_xrealloc(w->items, w->cap * sizeof *w->items);
    }
    ixt_stmt *s = &w->items[w->n++];
    memset(s, 0, sizeof *s);
    s->queryid = id;
    if (w->n * 2 + 2 > w->nslots) {
        rehash(w);
    } else {
        size_t h = hash_id(id, w->nslots);
        while (w->slots[h])
            h = (h + 1) & (w->nslots - 1);
        w->slots[h] = (int64_t)w->n;
    }
    return s;
}

static void drop_unseen(ixt_workload *w)
{
    size_t keep = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->items[i].seen == w->generation)
            w->items[keep++] = w->items[i];
        else
            stmt_free(&w->items[i]);
    }
    if (keep != w->n) {
        w->n = keep;
        rehash(w);
    }
}

static void update_stmt(ixt_stmt *s, double calls, double total, double interval_s, bool fresh)
{
    /* A statement whose counters went down was reset: count from zero. */
    double dcalls = fresh ? 0 : calls - s->calls;
    double dtotal = fresh ? 0 : total - s->total_ms;
    if (dcalls < 0 || dtotal < 0) {
        dcalls = calls;
        dtotal = total;
    }
    if (interval_s > 0 && !fresh) {
        ixt_rate_add(&s->calls_r, dcalls / interval_s, interval_s, IXT_RATE_TAU_S);
        ixt_rate_add(&s->ms_r, dtotal / interval_s, interval_s, IXT_RATE_TAU_S);
    }
    s->calls_rate = s->calls_r.avg;
    s->ms_rate = s->ms_r.avg;
    s->calls = calls;
    s->total_ms = total;
    s->mean_ms = calls > 0 ? total / calls : 0;
}

/* Shares leave idxtune's own statements out; their texts come later, so
 * this runs after each kind of ingest. */
static void compute_shares(ixt_workload *w)
{
    w->total_ms_all = 0;
    for (size_t i = 0; i < w->n; i++)
        if (!w->items[i].own)
            w->total_ms_all += w->items[i].total_ms;
    for (size_t i = 0; i < w->n; i++)
        w->items[i].share = w->total_ms_all > 0 ? w->items[i].total_ms / w->total_ms_all : 0;
}

int ixt_workload_ingest_numbers(ixt_workload *w, const PGresult *r, double now_ms, ixt_err *e)
{
    if (PQnfields(r) < 6)
        return ixt_err_set(e, "unexpected pg_stat_statements result (%d columns)", PQnfields(r));
    double interval_s = w->last_ms > 0 ? (now_ms - w->last_ms) / 1000.0 : 0;
    w->generation++;
    w->hidden = 0;
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        /* without pg_read_all_stats other roles' entries have no queryid:
         * counted, so the UI can say what it cannot show */
        if (PQgetisnull(r, i, 0)) {
            w->hidden += PQnfields(r) > 6 ? strtoul(PQgetvalue(r, i, 6), NULL, 10) : 1;
            continue;
        }
        int64_t id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        ixt_stmt *s = lookup(w, id);
        bool fresh = !s;
        if (!s)
            s = add_stmt(w, id);
        update_stmt(s, atof(PQgetvalue(r, i, 1)), atof(PQgetvalue(r, i, 2)), interval_s, fresh);
        s->rows = atof(PQgetvalue(r, i, 3));
        s->shared_hit = atof(PQgetvalue(r, i, 4));
        s->shared_read = atof(PQgetvalue(r, i, 5));
        s->seen = w->generation;
    }
    drop_unseen(w);
    compute_shares(w);
    w->interval_s = interval_s;
    w->last_ms = now_ms;
    return 0;
}

char *ixt_workload_missing_texts(const ixt_workload *w, size_t max)
{
    ixt_buf b;
    ixt_buf_init(&b);
    size_t n = 0;
    for (size_t i = 0; i < w->n && n < max; i++) {
        if (w->items[i].query_full)
            continue;
        n++;
        ixt_buf_addc(&b, b.len ? ',' : '{');
        ixt_buf_printf(&b, "%" PRId64, w->items[i].queryid);
    }
    if (!b.len)
        return NULL;
    ixt_buf_addc(&b, '}');
    return ixt_buf_take(&b);
}

static bool is_own(const char *text)
{
    return strstr(text, IXT_SQL_TAG) != NULL || strstr(text, "/* idxtune ") != NULL;
}

int ixt_workload_ingest_texts(ixt_workload *w, const PGresult *r, ixt_err *e)
{
    if (PQnfields(r) < 2)
        return ixt_err_set(e, "unexpected pg_stat_statements text result");
    for (int i = 0; i < PQntuples(r); i++) {
        ixt_stmt *s = lookup(w, strtoll(PQgetvalue(r, i, 0), NULL, 10));
        if (!s || s->query_full)
            continue;
        const char *text = PQgetvalue(r, i, 1);
        s->query_full = ixt_xstrdup(text);
        /* the one-line form is for rows on screen: a prefix is enough */
        s->query = ixt_xstrndup(text, IXT_QUERY_LINE_MAX);
        ixt_squash_ws(s->query);
        s->own = is_own(text);
        if (strcmp(text, "<insufficient privilege>") == 0)
            w->texts_hidden = true;
    }
    compute_shares(w);
    return 0;
}

bool ixt_workload_hidden_note(const ixt_workload *w, char *buf, size_t len)
{
    if (w->hidden)
        snprintf(buf, len, "showing only this role's statements: %zu of other roles hidden; "
                           "grant pg_read_all_stats to see them", w->hidden);
    else if (w->texts_hidden)
        snprintf(buf, len, "some statement texts are hidden from this role: grant pg_read_all_stats to see them");
    else
        return false;
    return true;
}

static const char *const COL_NAMES[IXT_COL_COUNT] = {
    "total_ms", "calls", "mean_ms", "rows", "share", "calls_per_s", "ms_per_s", "queryid", "query",
};

const char *ixt_stmt_col_name(ixt_stmt_col col)
{
    return col < IXT_COL_COUNT ? COL_NAMES[col] : "?";
}

int ixt_stmt_col_parse(const char *name)
{
    static const struct { const char *alias; ixt_stmt_col col; } aliases[] = {
        {"total", IXT_COL_TOTAL}, {"time", IXT_COL_TOTAL}, {"mean", IXT_COL_MEAN},
        {"pct", IXT_COL_SHARE}, {"calls_s", IXT_COL_CALLS_RATE}, {"ms_s", IXT_COL_MS_RATE},
        {"rate", IXT_COL_MS_RATE}, {"text", IXT_COL_QUERY},
    };
    for (int i = 0; i < IXT_COL_COUNT; i++)
        if (strcasecmp(name, COL_NAMES[i]) == 0)
            return i;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0)
            return (int)aliases[i].col;
    return -1;
}

static double col_value(const ixt_stmt *s, ixt_stmt_col col)
{
    switch (col) {
    case IXT_COL_TOTAL: return s->total_ms;
    case IXT_COL_CALLS: return s->calls;
    case IXT_COL_MEAN: return s->mean_ms;
    case IXT_COL_ROWS: return s->rows;
    case IXT_COL_SHARE: return s->share;
    case IXT_COL_CALLS_RATE: return s->calls_rate;
    case IXT_COL_MS_RATE: return s->ms_rate;
    case IXT_COL_QUERYID: return (double)s->queryid;
    default: return 0;
    }
}

typedef struct sort_ctx {
    ixt_stmt_col col;
    bool desc;
} sort_ctx;

static int cmp_stmt(const void *a, const void *b, void *arg)
{
    const sort_ctx *c = arg;
    const ixt_stmt *x = *(ixt_stmt *const *)a, *y = *(ixt_stmt *const *)b;
    int r;
    if (c->col == IXT_COL_QUERY) {
        r = strcmp(x->query ? x->query : "", y->query ? y->query : "");
    } else {
        double vx = col_value(x, c->col), vy = col_value(y, c->col);
        r = vx < vy ? -1 : vx > vy;
    }
    if (r == 0) /* stable order between refreshes: rows must not jump */
        r = x->queryid < y->queryid ? -1 : x->queryid > y->queryid;
    return c->desc ? -r : r;
}

static bool matches(const ixt_stmt *s, const char *filter)
{
    if (!filter || !*filter)
        return true;
    if (s->query_full && strcasestr(s->query_full, filter))
        return true;
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, s->queryid);
    return strstr(id, filter) != NULL;
}

size_t ixt_workload_view(const ixt_workload *w, ixt_stmt_col col, bool desc,
                         const char *filter, ixt_stmt ***out)
{
    ixt_stmt **v = ixt_xmalloc((w->n + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        if (!w->items[i].own && matches(&w->items[i], filter))
            v[n++] = &w->items[i];
    sort_ctx ctx = {col, desc};
    qsort_r(v, n, sizeof *v, cmp_stmt, &ctx);
    *out = v;
    return n;
}

void ixt_workload_merge(ixt_workload *dst, const ixt_workload *const *parts, size_t nparts)
{
    dst->generation++;
    dst->hidden = 0;
    dst->texts_hidden = false;
    for (size_t p = 0; p < nparts; p++) {
        const ixt_workload *w = parts[p];
        dst->hidden += w->hidden;
        dst->texts_hidden |= w->texts_hidden;
        for (size_t i = 0; i < w->n; i++) {
            const ixt_stmt *src = &w->items[i];
            ixt_stmt *s = lookup(dst, src->queryid);
            if (!s)
                s = add_stmt(dst, src->queryid);
            if (s->seen != dst->generation) {
                s->calls = s->total_ms = s->rows = s->shared_hit = s->shared_read = 0;
                s->calls_rate = s->ms_rate = 0;
                s->own = false;
                s->seen = dst->generation;
            }
            s->calls += src->calls;
            s->total_ms += src->total_ms;
            s->rows += src->rows;
            s->shared_hit += src->shared_hit;
            s->shared_read += src->shared_read;
            s->calls_rate += src->calls_rate;
            s->ms_rate += src->ms_rate;
            s->own |= src->own;
            if (!s->query_full && src->query_full) {
                s->query_full = ixt_xstrdup(src->query_full);
                s->query = ixt_xstrdup(src->query);
            }
        }
    }
    drop_unseen(dst);
    for (size_t i = 0; i < dst->n; i++) {
        ixt_stmt *s = &dst->items[i];
        s->mean_ms = s->calls > 0 ? s->total_ms / s->calls : 0;
    }
    compute_shares(dst);
    dst->interval_s = nparts ? parts[0]->interval_s : 0;
    dst->last_ms = nparts ? parts[0]->last_ms : 0;
}

int ixt_workload_refresh(ixt_workload *w, ixt_conn *c, ixt_err *e)
{
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_pgss)
        return ixt_err_set(e, "%s", in->pgss_problem);
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    char *sql = ixt_workload_numbers_sql(in);
    const char *p1[] = {oid};
    PGresult *r = ixt_conn_exec(c, sql, 1, p1, e);
    free(sql);
    if (!r)
        return -1;
    int rc = ixt_workload_ingest_numbers(w, r, ixt_now_ms(), e);
    PQclear(r);
    char *ids = rc == 0 ? ixt_workload_missing_texts(w, w->n) : NULL;
    if (!ids)
        return rc;
    sql = ixt_workload_texts_sql(in);
    const char *p2[] = {oid, ids};
    r = ixt_conn_exec(c, sql, 2, p2, e);
    free(sql);
    free(ids);
    if (!r)
        return -1;
    rc = ixt_workload_ingest_texts(w, r, e);
    PQclear(r);
    return rc;
}

const char *ixt_activity_sql(void)
{
    return IXT_SQL_TAG
        "SELECT pid, coalesce(usename, ''), coalesce(state, ''),"
        " coalesce(wait_event_type || ':' || wait_event, ''), coalesce(query, ''),"
        " coalesce(application_name, ''),"
        " coalesce(extract(epoch FROM clock_timestamp() - query_start) * 1000, -1),"
        " coalesce(extract(epoch FROM clock_timestamp() - xact_start) * 1000, -1)"
        " FROM pg_stat_activity"
        " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
        " AND datname = current_database()"
        " AND coalesce(application_name, '') NOT LIKE 'idxtune/%'"
        " ORDER BY state = 'active' DESC, query_start";
}

void ixt_activity_free(ixt_activity_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        ixt_activity *a = &l->items[i];
        free(a->user);
        free(a->state);
        free(a->wait);
        free(a->query);
        free(a->query_full);
        free(a->app);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int ixt_activity_ingest(ixt_activity_list *l, const PGresult *r, ixt_err *e)
{
    if (PQnfields(r) < 8)
        return ixt_err_set(e, "unexpected pg_stat_activity result");
    ixt_activity_free(l);
    l->n = (size_t)PQntuples(r);
    l->items = ixt_xcalloc(l->n + 1, sizeof *l->items);
    for (size_t i = 0; i < l->n; i++) {
        ixt_activity *a = &l->items[i];
        int row = (int)i;
        a->pid = atoi(PQgetvalue(r, row, 0));
        a->user = ixt_xstrdup(PQgetvalue(r, row, 1));
        a->state = ixt_xstrdup(PQgetvalue(r, row, 2));
        a->wait = ixt_xstrdup(PQgetvalue(r, row, 3));
        a->query_full = ixt_xstrdup(PQgetvalue(r, row, 4));
        a->query = ixt_xstrdup(a->query_full);
        ixt_squash_ws(a->query);
        a->app = ixt_xstrdup(PQgetvalue(r, row, 5));
        a->query_ms = atof(PQgetvalue(r, row, 6));
        a->xact_ms = atof(PQgetvalue(r, row, 7));
    }
    return 0;
}
