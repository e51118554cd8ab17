/* health: existing indexes, their facts from the catalog and the findings. */
#include "idxtune/health.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idxtune/indexdef.h"
#include "idxtune/sqlquote.h"

/* Rows of kind 'i' (an index) and 'f' (a foreign key) share the columns;
 * lists come as JSON arrays so no array literal has to be parsed here.
 * Each key is described by its text (pg_get_indexdef of the column, the
 * expression for an expression), opclass, collation and options (DESC,
 * NULLS FIRST): equal descriptions index equally. */
static const char SQL_FMT[] = IXT_SQL_TAG
    "WITH s AS (SELECT extract(epoch FROM now()) AS now_s,"
    "  extract(epoch FROM coalesce(d.stats_reset, pg_postmaster_start_time())) AS since_s,"
    "  d.stats_reset IS NOT NULL AS since_reset"
    " FROM pg_stat_database d WHERE d.datname = current_database()),"
    " rels AS (SELECT c.oid, c.relname, n.nspname FROM pg_class c"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')"
    " SELECT 'i' AS kind, t.nspname, t.relname, ic.relname, t.oid::text, am.amname,"
    "  pg_get_indexdef(i.indexrelid), pg_get_expr(i.indpred, i.indrelid), %s,"
    "  pg_relation_size(i.indexrelid)::float8, coalesce(st.idx_scan, 0)::float8,"
    "  coalesce(st.idx_tup_read, 0)::float8, coalesce(st.idx_tup_fetch, 0)::float8,"
    "  i.indisvalid, i.indisunique,"
    "  EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid),"
    "  (SELECT min(con.contype) FROM pg_constraint con WHERE con.conindid = i.indexrelid"
    "    AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))::text,"
    "  EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid),"
    "  to_json(ARRAY(SELECT concat_ws(' ', pg_get_indexdef(i.indexrelid, k + 1, false),"
    "    i.indclass[k], i.indcollation[k], i.indoption[k])"
    "    FROM generate_series(0, i.indnkeyatts - 1) k ORDER BY k))::text,"
    "  to_json(ARRAY(SELECT i.indkey[k] FROM generate_series(0, i.indnkeyatts - 1) k ORDER BY k))::text,"
    "  to_json(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, false)"
    "    FROM generate_series(i.indnkeyatts, i.indnatts - 1) k ORDER BY k))::text,"
    "  (coalesce(ts.n_tup_ins, 0) + coalesce(ts.n_tup_upd, 0) + coalesce(ts.n_tup_del, 0))::float8,"
    "  s.now_s, s.since_s, s.since_reset"
    " FROM pg_index i JOIN rels t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid"
    " JOIN pg_am am ON am.oid = ic.relam"
    " LEFT JOIN pg_stat_all_indexes st ON st.indexrelid = i.indexrelid"
    " LEFT JOIN pg_stat_all_tables ts ON ts.relid = i.indrelid CROSS JOIN s"
    " WHERE ic.relkind = 'i'"
    " UNION ALL"
    " SELECT 'f', t.nspname, t.relname, con.conname, t.oid::text, NULL,"
    "  pg_get_constraintdef(con.oid), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    "  to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(att, ord)"
    "    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.att ORDER BY k.ord))::text,"
    "  to_json(con.conkey)::text, NULL, NULL, s.now_s, s.since_s, s.since_reset"
    " FROM pg_constraint con JOIN rels t ON t.oid = con.conrelid CROSS JOIN s"
    " WHERE con.contype = 'f'"
    " ORDER BY 2, 3, 4";

enum {
    C_KIND, C_SCHEMA, C_TABLE, C_NAME, C_TOID, C_METHOD, C_DEF, C_PRED, C_LAST, C_SIZE, C_SCAN,
    C_READ, C_FETCH, C_VALID, C_UNIQUE, C_ATTACHED, C_CON, C_FKREF, C_KEYS, C_ATTNUMS, C_INCL,
    C_WRITES, C_NOW, C_SINCE, C_RESET, C_NCOLS
};

char *ixt_health_sql(const ixt_server_info *in)
{
    return ixt_xasprintf(SQL_FMT, in->version_num >= 160000 ? "st.last_idx_scan::text" : "NULL::text");
}

static char *opt_str(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : ixt_xstrdup(PQgetvalue(r, row, col));
}

static double num(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtod(PQgetvalue(r, row, col), NULL);
}

static bool flag(const PGresult *r, int row, int col)
{
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

/* A JSON array of strings from the server; NULL elements become "". */
static int json_strings(const char *text, char ***out, int *n, ixt_err *e)
{
    json_error_t je;
    json_t *a = json_loads(text, 0, &je);
    if (!json_is_array(a)) {
        json_decref(a);
        return ixt_err_set(e, "unexpected list from the catalog: %s", text);
    }
    *n = (int)json_array_size(a);
    *out = ixt_xcalloc((size_t)*n + 1, sizeof **out);
    for (int i = 0; i < *n; i++) {
        const char *s = json_string_value(json_array_get(a, (size_t)i));
        (*out)[i] = ixt_xstrdup(s ? s : "");
    }
    json_decref(a);
    return 0;
}

static int json_ints(const char *text, int **out, int *n, ixt_err *e)
{
    json_error_t je;
    json_t *a = json_loads(text, 0, &je);
    if (!json_is_array(a)) {
        json_decref(a);
        return ixt_err_set(e, "unexpected list from the catalog: %s", text);
    }
    *n = (int)json_array_size(a);
    *out = ixt_xcalloc((size_t)*n + 1, sizeof **out);
    for (int i = 0; i < *n; i++)
        (*out)[i] = (int)json_integer_value(json_array_get(a, (size_t)i));
    json_decref(a);
    return 0;
}

static ixt_constraint_kind constraint_kind(const char *contype, bool fk_referenced)
{
    if (contype && contype[0] == 'p')
        return IXT_CON_PRIMARY;
    if (contype && contype[0] == 'u')
        return IXT_CON_UNIQUE;
    if (contype && contype[0] == 'x')
        return IXT_CON_EXCLUSION;
    return fk_referenced ? IXT_CON_FK_TARGET : IXT_CON_NONE;
}

static int ingest_index(ixt_index_health *x, const PGresult *r, int row, ixt_err *e)
{
    x->schema = opt_str(r, row, C_SCHEMA);
    x->table = opt_str(r, row, C_TABLE);
    x->name = opt_str(r, row, C_NAME);
    x->method = opt_str(r, row, C_METHOD);
    x->def = opt_str(r, row, C_DEF);
    x->pred = opt_str(r, row, C_PRED);
    x->last_scan = opt_str(r, row, C_LAST);
    x->table_oid = (unsigned)strtoul(PQgetvalue(r, row, C_TOID), NULL, 10);
    x->size_bytes = num(r, row, C_SIZE);
    x->idx_scan = num(r, row, C_SCAN);
    x->tup_read = num(r, row, C_READ);
    x->tup_fetch = num(r, row, C_FETCH);
    x->valid = flag(r, row, C_VALID);
    x->unique = flag(r, row, C_UNIQUE);
    x->attached = flag(r, row, C_ATTACHED);
    x->fk_referenced = flag(r, row, C_FKREF);
    x->constraint = constraint_kind(PQgetisnull(r, row, C_CON) ? NULL : PQgetvalue(r, row, C_CON),
                                    x->fk_referenced);
    x->table_writes = num(r, row, C_WRITES);
    x->other = -1;
    int nattnums;
    if (json_strings(PQgetvalue(r, row, C_KEYS), &x->keys, &x->nkeys, e) != 0 ||
        json_ints(PQgetvalue(r, row, C_ATTNUMS), &x->key_attnums, &nattnums, e) != 0 ||
        json_strings(PQgetvalue(r, row, C_INCL), &x->includes, &x->nincludes, e) != 0)
        return -1;
    if (nattnums != x->nkeys)
        return ixt_err_set(e, "index %s: %d key columns but %d attribute numbers", x->name, x->nkeys, nattnums);
    return 0;
}

static int ingest_fk(ixt_fk_health *f, const PGresult *r, int row, ixt_err *e)
{
    f->schema = opt_str(r, row, C_SCHEMA);
    f->table = opt_str(r, row, C_TABLE);
    f->name = opt_str(r, row, C_NAME);
    f->def = opt_str(r, row, C_DEF);
    f->table_oid = (unsigned)strtoul(PQgetvalue(r, row, C_TOID), NULL, 10);
    char **cols;
    int ncols;
    if (json_strings(PQgetvalue(r, row, C_KEYS), &cols, &ncols, e) != 0)
        return -1;
    ixt_buf b;
    ixt_buf_init(&b);
    for (int i = 0; i < ncols; i++) {
        ixt_buf_printf(&b, "%s%s", i ? ", " : "", cols[i]);
        free(cols[i]);
    }
    free(cols);
    f->columns = b.s ? ixt_buf_take(&b) : ixt_xstrdup("");
    return json_ints(PQgetvalue(r, row, C_ATTNUMS), &f->attnums, &f->nattnums, e);
}

int ixt_health_ingest(ixt_health *h, const PGresult *r, bool last_scan_known, ixt_err *e)
{
    memset(h, 0, sizeof *h);
    h->last_scan_known = last_scan_known;
    if (PQnfields(r) != C_NCOLS)
        return ixt_err_set(e, "index health: %d columns, expected %d", PQnfields(r), C_NCOLS);
    int rows = PQntuples(r);
    h->idx = ixt_xcalloc((size_t)rows + 1, sizeof *h->idx);
    h->fks = ixt_xcalloc((size_t)rows + 1, sizeof *h->fks);
    for (int row = 0; row < rows; row++) {
        if (row == 0) {
            h->now_s = num(r, 0, C_NOW);
            h->since_s = num(r, 0, C_SINCE);
            h->since_reset = flag(r, 0, C_RESET);
        }
        int rc = PQgetvalue(r, row, C_KIND)[0] == 'i' ? ingest_index(&h->idx[h->n++], r, row, e)
                                                      : ingest_fk(&h->fks[h->nfks++], r, row, e);
        if (rc != 0) {
            ixt_health_free(h);
            return -1;
        }
    }
    return 0;
}

int ixt_health_fetch(ixt_health *h, ixt_conn *c, ixt_err *e)
{
    const ixt_server_info *in = ixt_conn_info(c);
    char *sql = ixt_health_sql(in);
    PGresult *r = ixt_conn_exec(c, sql, 0, NULL, e);
    free(sql);
    if (!r)
        return -1;
    int rc = ixt_health_ingest(h, r, in->version_num >= 160000, e);
    PQclear(r);
    if (rc == 0)
        ixt_health_analyze(h);
    return rc;
}

static void free_strings(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ixt_health_free(ixt_health *h)
{
    for (size_t i = 0; i < h->n; i++) {
        ixt_index_health *x = &h->idx[i];
        free(x->schema);
        free(x->table);
        free(x->name);
        free(x->method);
        free(x->def);
        free(x->pred);
        free(x->last_scan);
        free_strings(x->keys, x->nkeys);
        free(x->key_attnums);
        free_strings(x->includes, x->nincludes);
    }
    for (size_t i = 0; i < h->nfks; i++) {
        ixt_fk_health *f = &h->fks[i];
        free(f->schema);
        free(f->table);
        free(f->name);
        free(f->def);
        free(f->columns);
        free(f->attnums);
    }
    free(h->idx);
    free(h->fks);
    memset(h, 0, sizeof *h);
}

/* ===== findings: a pure function of the facts ===== */

double ixt_health_stats_days(const ixt_health *h)
{
    return (h->now_s - h->since_s) / 86400.0;
}

static bool strings_equal(char *const *a, int na, char *const *b, int nb)
{
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

static bool same_shape(const ixt_index_health *a, const ixt_index_health *b)
{
    return a->table_oid == b->table_oid && strcmp(a->method, b->method) == 0 && ixt_streq(a->pred, b->pred);
}

static bool duplicates(const ixt_index_health *a, const ixt_index_health *b)
{
    return same_shape(a, b) && strings_equal(a->keys, a->nkeys, b->keys, b->nkeys) &&
           strings_equal(a->includes, a->nincludes, b->includes, b->nincludes);
}

static bool has_string(char *const *v, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* a's keys lead b's and b includes what a includes: a btree on b's first
 * columns, with the same predicate, answers nothing b does not.  A unique a
 * enforces something b does not; and when a is scanned while b is not, b
 * is the one to question. */
static bool covered_by(const ixt_index_health *a, const ixt_index_health *b)
{
    if (!same_shape(a, b) || strcmp(a->method, "btree") != 0 || a->unique || a->nkeys > b->nkeys ||
        (a->idx_scan > 0 && b->idx_scan == 0) || duplicates(a, b))
        return false;
    for (int i = 0; i < a->nkeys; i++)
        if (strcmp(a->keys[i], b->keys[i]) != 0)
            return false;
    for (int i = 0; i < a->nincludes; i++)
        if (!has_string(b->includes, b->nincludes, a->includes[i]))
            return false;
    return true;
}

/* Of two duplicates the one to keep: a constraint's, a unique one, the
 * most scanned, then the first by name (the catalog order). */
static bool keep_first(const ixt_index_health *a, const ixt_index_health *b)
{
    if ((a->constraint != IXT_CON_NONE) != (b->constraint != IXT_CON_NONE))
        return a->constraint != IXT_CON_NONE;
    if (a->unique != b->unique)
        return a->unique;
    if (a->idx_scan != b->idx_scan)
        return a->idx_scan > b->idx_scan;
    return true;
}

/* Does index x serve lookups by the foreign key's columns: they are its
 * leading keys, in any order, and it is valid and not partial. */
static bool serves_fk(const ixt_index_health *x, const ixt_fk_health *f)
{
    if (!x->valid || x->pred || x->table_oid != f->table_oid || x->nkeys < f->nattnums)
        return false;
    for (int i = 0; i < f->nattnums; i++) {
        bool found = false;
        for (int k = 0; k < f->nattnums && !found; k++)
            found = x->key_attnums[k] == f->attnums[i];
        if (!found)
            return false;
    }
    return true;
}

void ixt_health_analyze(ixt_health *h)
{
    double secs = h->now_s - h->since_s;
    for (size_t i = 0; i < h->n; i++) {
        ixt_index_health *x = &h->idx[i];
        x->findings = 0;
        x->other = -1;
        x->write_rate = secs > 0 ? x->table_writes / secs : -1;
        if (!x->valid)
            x->findings |= IXT_HF_INVALID;
    }
    for (size_t i = 0; i < h->n; i++) {
        ixt_index_health *x = &h->idx[i];
        if (!x->valid || x->attached)
            continue;
        /* duplicate first: a duplicate is also "covered", and says more */
        for (size_t j = 0; j < h->n && x->other < 0; j++) {
            const ixt_index_health *y = &h->idx[j];
            if (j == i || !y->valid || !duplicates(x, y))
                continue;
            bool x_first = keep_first(x, y) && (keep_first(y, x) ? i < j : true);
            if (!x_first) {
                x->findings |= IXT_HF_DUPLICATE;
                x->other = (int)j;
            }
        }
        /* two that cover each other (INCLUDE in another order): the later goes */
        for (size_t j = 0; j < h->n && x->other < 0; j++)
            if (j != i && h->idx[j].valid && covered_by(x, &h->idx[j]) &&
                !(i < j && covered_by(&h->idx[j], x))) {
                x->findings |= IXT_HF_REDUNDANT;
                x->other = (int)j;
            }
        /* a unique index is used by every insert, scanned or not */
        if (x->idx_scan == 0 && !x->unique && x->constraint == IXT_CON_NONE)
            x->findings |= IXT_HF_UNUSED;
    }
    for (size_t i = 0; i < h->n; i++) {
        ixt_index_health *x = &h->idx[i];
        x->droppable = x->findings != 0 && x->constraint == IXT_CON_NONE && !x->attached;
    }
    for (size_t f = 0; f < h->nfks; f++) {
        ixt_fk_health *fk = &h->fks[f];
        fk->unindexed = true;
        for (size_t i = 0; i < h->n && fk->unindexed; i++)
            if (serves_fk(&h->idx[i], fk))
                fk->unindexed = false;
    }
}

/* ===== words and reasons ===== */

const char *ixt_health_finding_word(unsigned bit)
{
    switch (bit) {
    case IXT_HF_INVALID: return "invalid";
    case IXT_HF_UNUSED: return "unused";
    case IXT_HF_DUPLICATE: return "duplicate";
    case IXT_HF_REDUNDANT: return "redundant";
    default: return "?";
    }
}

const char *ixt_constraint_word(ixt_constraint_kind k)
{
    switch (k) {
    case IXT_CON_PRIMARY: return "primary_key";
    case IXT_CON_UNIQUE: return "unique";
    case IXT_CON_EXCLUSION: return "exclusion";
    case IXT_CON_FK_TARGET: return "fk_target";
    default: return NULL;
    }
}

static void since_text(const ixt_health *h, char *out, size_t len)
{
    time_t t = (time_t)h->since_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    double days = ixt_health_stats_days(h);
    snprintf(out, len, "since %s%s (%.1f days%s)", h->since_reset ? "the statistics reset at " : "the server start at ",
             when, days, days < IXT_HEALTH_MIN_DAYS ? ": too short to judge" : "");
}

char *ixt_health_reasons(const ixt_health *h, size_t i)
{
    const ixt_index_health *x = &h->idx[i];
    const ixt_index_health *o = x->other >= 0 ? &h->idx[x->other] : NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    const char *sep = "";
    if (x->findings & IXT_HF_INVALID) {
        ixt_buf_add(&b, "invalid: a failed or unfinished CREATE INDEX CONCURRENTLY; it is updated by "
                        "every write but never used");
        sep = "; ";
    }
    if ((x->findings & IXT_HF_DUPLICATE) && o) {
        ixt_buf_printf(&b, "%sduplicate of %s.%s (same method, keys, predicate and INCLUDE)", sep, o->schema,
                       o->name);
        sep = "; ";
    }
    if ((x->findings & IXT_HF_REDUNDANT) && o) {
        ixt_buf_printf(&b, "%sredundant: its keys lead %s.%s, which serves the same lookups", sep, o->schema,
                       o->name);
        sep = "; ";
    }
    if (x->findings & IXT_HF_UNUSED) {
        char since[160];
        since_text(h, since, sizeof since);
        ixt_buf_printf(&b, "%sunused: no scan %s", sep, since);
        sep = "; ";
    }
    if (x->findings && !x->droppable)
        ixt_buf_printf(&b, "%snot proposed for dropping: %s", sep,
                       x->attached ? "part of a partitioned index" : "it backs a constraint");
    return b.s ? ixt_buf_take(&b) : ixt_xstrdup("");
}

/* ===== drop and rollback SQL ===== */

/* Every comment line goes through here: catalog names may hold newlines,
 * which must not end the comment and start a statement. */
static void __attribute__((format(printf, 2, 3))) commentf(ixt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = NULL;
    if (vasprintf(&raw, fmt, ap) < 0)
        raw = NULL;
    va_end(ap);
    char *one = ixt_comment_text(raw ? raw : "", 2000);
    ixt_buf_printf(b, "-- %s\n", one);
    free(one);
    free(raw);
}

static void header(ixt_buf *b, const char *what, const char *label, const char *date)
{
    char now[64];
    if (!date) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
        date = now;
    }
    commentf(b, "%s, by idxtune %s", what, IXT_VERSION);
    commentf(b, "Server: %s", label ? label : "?");
    commentf(b, "Date:   %s", date);
    ixt_buf_add(b, "-- Apply with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (not in a transaction:\n"
                   "-- CONCURRENTLY cannot run inside a transaction block).\n\n");
}

/* One comment line per reason: the text comes from the catalog and must
 * neither end the comment line nor start a statement. */

char *ixt_health_drop_sql(const ixt_health *h, const char *label, const char *date)
{
    ixt_buf b;
    ixt_buf_init(&b);
    header(&b, "Indexes that can go", label, date);
    int n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const ixt_index_health *x = &h->idx[i];
        if (!x->droppable)
            continue;
        char *why = ixt_health_reasons(h, i);
        char *sql = ixt_index_drop_sql(x->schema, x->name, true);
        char sz[32];
        commentf(&b, "%d. %s.%s on %s (%s)", ++n, x->schema, x->name, x->table,
                       ixt_fmt_bytes(x->size_bytes, sz, sizeof sz));
        commentf(&b, "%s", why);
        ixt_buf_printf(&b, "%s;\n\n", sql);
        free(why);
        free(sql);
    }
    if (n == 0)
        ixt_buf_add(&b, "-- No index to drop.\n");
    return ixt_buf_take(&b);
}

/* pg_get_indexdef always begins "CREATE INDEX " or "CREATE UNIQUE INDEX ";
 * the words go in right after.  (Not through the deparser: libpg_query's
 * leaves index names unquoted, and the server's text is already exact.) */
static char *concurrent_def(const char *def, ixt_err *e)
{
    static const char *const heads[] = {"CREATE INDEX ", "CREATE UNIQUE INDEX "};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(heads[i]);
        if (strncmp(def, heads[i], n) == 0)
            return ixt_xasprintf("%sCONCURRENTLY IF NOT EXISTS %s", heads[i], def + n);
    }
    ixt_err_set(e, "unexpected index definition from the server: %.80s", def);
    return NULL;
}

char *ixt_health_rollback_sql(const ixt_health *h, const char *label, const char *date, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    header(&b, "Rollback of the index drops: re-creates them", label, date);
    for (size_t i = 0; i < h->n; i++) {
        const ixt_index_health *x = &h->idx[i];
        if (!x->droppable)
            continue;
        if (!x->valid) {
            commentf(&b, "%s.%s was invalid: not re-created (a failed build has nothing to restore)",
                     x->schema, x->name);
            ixt_buf_add(&b, "\n");
            continue;
        }
        char *sql = concurrent_def(x->def, e);
        if (!sql) {
            ixt_buf_free(&b);
            return NULL;
        }
        ixt_buf_printf(&b, "%s;\n\n", sql);
        free(sql);
    }
    return ixt_buf_take(&b);
}
