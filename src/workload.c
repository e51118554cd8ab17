/* workload: pg_stat_statements snapshots with per-interval rates, and
 * pg_stat_activity. */
#include "idxtune/workload.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

void ixt_workload_init(ixt_workload *w)
{
    memset(w, 0, sizeof *w);
}

/* 32 KB: a whole prefix (IXT_QUERY_LINE_BYTES) always fits; zlib's
 * window spans a block, and one inflates in tens of microseconds (a row
 * drawn from a block not cached). */
#define TEXT_BLOCK (32 * 1024)
/* Raw deflate, without zlib's header and adler32 trailer: the blocks never
 * leave memory, and a filter typed inflates every block, where the
 * checksum cost a third as much as the inflating. */
#define TEXT_WBITS (-15)

struct ixt_text_cache {
    size_t block; /* which block buf holds; SIZE_MAX for none */
    z_stream z;   /* reset for each block */
    bool z_ready;
    char buf[TEXT_BLOCK];
};

static void arena_free(ixt_text_arena *a)
{
    for (size_t i = 0; i < a->nblocks; i++)
        free(a->blocks[i].z);
    free(a->blocks);
    free(a->open);
    if (a->cache && a->cache->z_ready)
        inflateEnd(&a->cache->z);
    free(a->cache);
    memset(a, 0, sizeof *a);
}

/* src[0..len) deflated into *out (caller frees), or false. */
static bool deflate_raw(const char *src, size_t len, unsigned char **out, uint32_t *outlen)
{
    z_stream z = {0};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, TEXT_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    uLong bound = deflateBound(&z, (uLong)len);
    unsigned char *buf = ixt_xmalloc(bound);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)bound;
    bool ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
    *outlen = (uint32_t)z.total_out;
    deflateEnd(&z);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = ixt_xrealloc(buf, *outlen);
    return true;
}

/* The last block is full: deflated to its exact size (zlib's fastest
 * level: a refresh may bring thousands of texts), or kept plain when the
 * arena is (or zlib fails), and a new one opened. */
static void arena_seal(ixt_text_arena *a)
{
    ixt_text_block *b = &a->blocks[a->nblocks - 1];
    b->plain_len = (uint32_t)a->used;
    if (!a->plain && deflate_raw(a->open, a->used, &b->z, &b->zlen)) {
        if (a->cache && a->cache->block == a->nblocks - 1)
            a->cache->block = SIZE_MAX;
    } else {
        b->z = (unsigned char *)a->open; /* stored as is: zlen == 0 */
        a->open = NULL;
    }
}

/* The plain bytes of block i: the open block, or the block inflated into
 * the cache (NULL when its bytes do not inflate).  borrowed until the
 * next call */
static const char *arena_plain(const ixt_text_arena *a, size_t i)
{
    const ixt_text_block *b = &a->blocks[i];
    if (!b->z)
        return a->open;
    if (!b->zlen)
        return (const char *)b->z;
    ixt_text_cache *c = a->cache;
    if (c->block != i) {
        c->block = SIZE_MAX;
        if (!c->z_ready) {
            c->z = (z_stream){0};
            if (inflateInit2(&c->z, TEXT_WBITS) != Z_OK)
                return NULL;
            c->z_ready = true;
        } else if (inflateReset(&c->z) != Z_OK) {
            return NULL;
        }
        c->z.next_in = b->z;
        c->z.avail_in = b->zlen;
        c->z.next_out = (Bytef *)c->buf;
        c->z.avail_out = TEXT_BLOCK;
        if (inflate(&c->z, Z_FINISH) != Z_STREAM_END || c->z.total_out != b->plain_len)
            return NULL;
        c->block = i;
    }
    return c->buf;
}

/* A copy of text[0..len) with its whitespace squashed to one line, into
 * s (its reference and length). */
static void arena_line(ixt_text_arena *a, ixt_stmt *s, const char *text, size_t len)
{
    if (len + 1 > IXT_QUERY_LINE_BYTES)
        len = ixt_utf8_cut(text, IXT_QUERY_LINE_BYTES - 1);
    if (!a->cache) {
        a->cache = ixt_xmalloc(sizeof *a->cache);
        a->cache->block = SIZE_MAX;
        a->cache->z_ready = false;
    }
    if (!a->nblocks || a->used + len + 1 > TEXT_BLOCK) {
        if (a->nblocks)
            arena_seal(a);
        a->blocks = ixt_xrealloc(a->blocks, (a->nblocks + 1) * sizeof *a->blocks);
        a->blocks[a->nblocks++] = (ixt_text_block){0};
        if (!a->open)
            a->open = ixt_xmalloc(TEXT_BLOCK);
        a->used = 0;
    }
    char *p = a->open + a->used;
    memcpy(p, text, len);
    p[len] = '\0';
    ixt_squash_ws(p);
    size_t n = strlen(p) + 1;
    s->text = (uint32_t)((a->nblocks - 1) * TEXT_BLOCK + a->used + 1);
    s->text_len = (uint16_t)(n - 1);
    s->match = 0;
    a->used += n;
    a->live += n;
}

/* s's text, or NULL when it has none or its block does not inflate.
 * borrowed until the next read of a */
static const char *arena_text(const ixt_text_arena *a, const ixt_stmt *s)
{
    if (!s->text)
        return NULL;
    size_t at = s->text - 1;
    const char *p = arena_plain(a, at / TEXT_BLOCK);
    return p ? p + at % TEXT_BLOCK : NULL;
}

char *ixt_workload_text(const ixt_workload *w, const ixt_stmt *s, char *buf, size_t len)
{
    const char *t = arena_text(&w->texts, s);
    if (!len)
        return buf;
    size_t n = t ? s->text_len : 0;
    if (n >= len)
        n = ixt_utf8_cut(t, len - 1);
    memcpy(buf, t ? t : "", n);
    buf[n] = '\0';
    return buf;
}

/* The texts of the statements gone are dropped from the count; when they
 * outweigh the live ones the live texts move to new blocks. */
static void arena_compact(ixt_workload *w)
{
    ixt_text_arena *a = &w->texts;
    if (a->dead < TEXT_BLOCK || a->dead < a->live)
        return;
    ixt_text_arena fresh = {.plain = a->plain};
    for (size_t i = 0; i < w->n; i++) {
        ixt_stmt *s = &w->items[i];
        const char *t = arena_text(a, s);
        uint8_t match = s->match;
        s->text = 0;
        if (t) {
            arena_line(&fresh, s, t, s->text_len);
            s->match = match;
        }
    }
    arena_free(a);
    *a = fresh;
}

void ixt_workload_free(ixt_workload *w)
{
    free(w->items);
    free(w->blocks);
    free(w->slots);
    arena_free(&w->texts);
    free(w->match_filter);
    ixt_workload_init(w);
}

/* in every statement idxtune sends (IXT_SQL_TAG and the lab's comments) */
#define OWN_MARK "/* idxtune "

static const char *pgss_schema(const ixt_server_info *in)
{
    return in->pgss_schema[0] ? in->pgss_schema : "public";
}

/* Arrays, one element per entry: libpq keeps a handful of values instead
 * of a tuple per entry (50,000 of them each second), and ingest reads the
 * binary arrays in place.  No GROUP BY and no sum(): the server's cost
 * stays close to reading the entries at all (sum() of a bigint is a
 * numeric, slow on 50,000 rows).  The arrays are sliced into rows of
 * NUMBERS_PER_ROW entries: libpq holds a whole message in its input
 * buffer, which never shrinks, and one row of 50,000 would keep 2.5 MB
 * there (slicing costs the server a copy, no sort).  The block counts
 * only when asked: the live list does not show them. */
#define NUMBERS_PER_ROW 4096

static char *numbers_sql(const ixt_server_info *in, bool blocks)
{
    /* pg_stat_statements 1.8 (PostgreSQL 13) renamed total_time */
    const char *total = in->version_num >= 130000 ? "total_exec_time" : "total_time";
    char slice[32];
    snprintf(slice, sizeof slice, "[i:i+%d]", NUMBERS_PER_ROW - 1);
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT q%s, c%s, t%s, r%s%s%s%s%s"
                         " FROM (SELECT array_agg(queryid) q, array_agg(calls) c, array_agg(%s) t,"
                         " array_agg(rows) r%s"
                         " FROM %s.pg_stat_statements(false) WHERE dbid = $1) a,"
                         " generate_series(1, cardinality(q), %d) i",
                         slice, slice, slice, slice, blocks ? ", h" : "", blocks ? slice : "",
                         blocks ? ", b" : "", blocks ? slice : "", total,
                         blocks ? ", array_agg(shared_blks_hit) h, array_agg(shared_blks_read) b" : "",
                         pgss_schema(in), NUMBERS_PER_ROW);
}

char *ixt_workload_numbers_sql(const ixt_server_info *in)
{
    return numbers_sql(in, false);
}

char *ixt_workload_texts_sql(const ixt_server_info *in)
{
    /* the prefix is cut on the server: long texts never cross the link, and
     * "own" is decided on the whole text (the tag may come after the cut) */
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT DISTINCT ON (queryid) queryid, left(query, %d),"
                         " length(query) > %d, strpos(query, '" OWN_MARK "') > 0"
                         " FROM %s.pg_stat_statements(true)"
                         " WHERE dbid = $1 AND ($2::bigint[] IS NULL OR queryid = ANY($2::bigint[]))",
                         IXT_QUERY_LINE_MAX, IXT_QUERY_LINE_MAX, pgss_schema(in));
}

char *ixt_workload_full_texts_sql(const ixt_server_info *in)
{
    return ixt_xasprintf(IXT_SQL_TAG
                         "SELECT DISTINCT ON (queryid) queryid, query"
                         " FROM %s.pg_stat_statements(true)"
                         " WHERE dbid = $1 AND queryid = ANY($2::bigint[])",
                         pgss_schema(in));
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
        w->slots[h] = (uint32_t)i + 1;
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
        if (w->blocks)
            w->blocks = ixt_xrealloc(w->blocks, w->cap * 2 * sizeof *w->blocks);
    }
    ixt_stmt *s = &w->items[w->n++];
    memset(s, 0, sizeof *s);
    s->queryid = id;
    s->fresh = true;
    if (w->n * 2 + 2 > w->nslots) {
        rehash(w);
    } else {
        size_t h = hash_id(id, w->nslots);
        while (w->slots[h])
            h = (h + 1) & (w->nslots - 1);
        w->slots[h] = (uint32_t)w->n;
    }
    return s;
}

static void drop_unseen(ixt_workload *w)
{
    size_t keep = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->items[i].seen == w->generation) {
            if (keep != i) { /* most refreshes drop nothing: no copying */
                w->items[keep] = w->items[i];
                if (w->blocks)
                    memcpy(&w->blocks[2 * keep], &w->blocks[2 * i], 2 * sizeof *w->blocks);
            }
            keep++;
        } else if (w->items[i].text) {
            size_t n = w->items[i].text_len + 1u;
            w->texts.live -= n;
            w->texts.dead += n;
        }
    }
    if (keep != w->n) {
        w->n = keep;
        rehash(w);
        arena_compact(w);
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
    s->calls = calls;
    s->total_ms = total;
}

double ixt_stmt_mean_ms(const ixt_stmt *s)
{
    return s->calls > 0 ? s->total_ms / s->calls : 0;
}

void ixt_workload_blocks(const ixt_workload *w, const ixt_stmt *s, double *hit, double *read)
{
    size_t i = (size_t)(s - w->items);
    *hit = w->blocks ? w->blocks[2 * i] : 0;
    *read = w->blocks ? w->blocks[2 * i + 1] : 0;
}

/* The block counts come with the snapshots of ixt_workload_refresh: the
 * array is made on the first of them. */
static void want_blocks(ixt_workload *w)
{
    if (!w->blocks) /* add_stmt grows it with the items */
        w->blocks = ixt_xcalloc((w->cap ? w->cap : 1) * 2, sizeof *w->blocks);
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

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* A one-dimensional int8[] or float8[] of a binary result, read in place
 * (PostgreSQL's array_send: dimensions, null flag, element type, then each
 * element as a length, -1 for NULL, and its bytes). */
typedef struct num_array {
    const unsigned char *p, *end;
    size_t n;
    bool is_float;
} num_array;

#define INT8_ARRAY_OID 1016
#define FLOAT8_ARRAY_OID 1022

static bool array_open(const PGresult *r, int row, int col, num_array *a)
{
    memset(a, 0, sizeof *a);
    if (PQgetisnull(r, row, col)) /* array_agg of no entries */
        return true;
    Oid t = PQftype(r, col);
    if (PQfformat(r, col) != 1 || (t != INT8_ARRAY_OID && t != FLOAT8_ARRAY_OID))
        return false;
    const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    if (len < 12)
        return false;
    uint32_t ndim = be32(p);
    if (ndim == 0)
        return true;
    if (ndim != 1 || len < 20)
        return false;
    a->n = be32(p + 12);
    a->p = p + 20;
    a->end = p + len;
    a->is_float = t == FLOAT8_ARRAY_OID;
    return true;
}

/* The next element's 8 bytes: 1, 0 for a NULL, -1 past the end. */
static int array_next(num_array *a, uint64_t *bits)
{
    if (a->end - a->p < 4)
        return -1;
    int32_t len = (int32_t)be32(a->p);
    a->p += 4;
    if (len < 0)
        return 0;
    if (len != 8 || a->end - a->p < 8)
        return -1;
    *bits = be64(a->p);
    a->p += 8;
    return 1;
}

static double array_num(const num_array *a, uint64_t bits)
{
    if (!a->is_float)
        return (double)(int64_t)bits;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

enum { NUM_ID, NUM_CALLS, NUM_TOTAL, NUM_ROWS, NUM_HIT, NUM_READ, NUM_COLS };

/* What one snapshot adds up per item, before the rates are taken: the
 * entries of one query id (roles, nesting levels) are summed.  Held for
 * the ingest only, so the list's items stay small. */
typedef struct ingest_acc {
    double (*sum)[2]; /* calls, total ms per item: room for all, made once */
} ingest_acc;

static ixt_stmt *ingest_entry(ixt_workload *w, ingest_acc *acc, size_t *guess, int64_t id)
{
    /* the server lists its entries in the same order each time, and
     * new statements are appended in that order: the item after the
     * last one found is almost always the next entry's, read in
     * sequence instead of a cache miss through the hash */
    ixt_stmt *s = *guess < w->n && w->items[*guess].queryid == id ? &w->items[*guess] : lookup(w, id);
    if (!s)
        s = add_stmt(w, id);
    size_t i = (size_t)(s - w->items);
    *guess = i + 1;
    if (s->seen != w->generation) {
        s->seen = w->generation;
        acc->sum[i][0] = acc->sum[i][1] = s->rows = 0;
        if (w->blocks)
            w->blocks[2 * i] = w->blocks[2 * i + 1] = 0;
    }
    return s;
}

/* One row of the numbers result: its arrays, an element per entry. */
static int ingest_row(ixt_workload *w, const PGresult *r, int row, ingest_acc *acc, size_t *guess, ixt_err *e)
{
    int ncols = PQnfields(r);
    num_array a[NUM_COLS] = {0};
    bool ok = true;
    for (int c = 0; ok && c < ncols; c++)
        ok = array_open(r, row, c, &a[c]) && a[c].n == a[0].n;
    if (!ok)
        return ixt_err_set(e, "unexpected pg_stat_statements result (%d columns)", ncols);
    for (size_t k = 0; k < a[0].n; k++) {
        uint64_t bits[NUM_COLS] = {0};
        int got[NUM_COLS];
        for (int c = 0; c < ncols; c++)
            if ((got[c] = array_next(&a[c], &bits[c])) < 0)
                return ixt_err_set(e, "unexpected pg_stat_statements result (a short array)");
        /* without pg_read_all_stats other roles' entries have no queryid:
         * counted, so the UI can say what it cannot show */
        if (!got[NUM_ID]) {
            w->hidden++;
            continue;
        }
        ixt_stmt *s = ingest_entry(w, acc, guess, (int64_t)bits[NUM_ID]);
        size_t i = (size_t)(s - w->items);
        acc->sum[i][0] += array_num(&a[NUM_CALLS], bits[NUM_CALLS]);
        acc->sum[i][1] += array_num(&a[NUM_TOTAL], bits[NUM_TOTAL]);
        s->rows += array_num(&a[NUM_ROWS], bits[NUM_ROWS]);
        if (ncols == NUM_COLS) {
            w->blocks[2 * i] += array_num(&a[NUM_HIT], bits[NUM_HIT]);
            w->blocks[2 * i + 1] += array_num(&a[NUM_READ], bits[NUM_READ]);
        }
    }
    return 0;
}

int ixt_workload_ingest_numbers(ixt_workload *w, const PGresult *r, double now_ms, ixt_err *e)
{
    /* without the block counts (the live list) or with them (top --once) */
    int ncols = PQnfields(r);
    if (ncols != NUM_HIT && ncols != NUM_COLS)
        return ixt_err_set(e, "unexpected pg_stat_statements result (%d columns)", ncols);
    if (ncols == NUM_COLS)
        want_blocks(w);
    double interval_s = w->last_ms > 0 ? (now_ms - w->last_ms) / 1000.0 : 0;
    w->generation++;
    w->version++;
    w->hidden = 0;
    /* every entry a new statement at most */
    size_t entries = 0;
    for (int row = 0; row < PQntuples(r); row++) {
        num_array ids;
        if (!array_open(r, row, NUM_ID, &ids))
            return ixt_err_set(e, "unexpected pg_stat_statements result (not an int8[])");
        entries += ids.n;
    }
    ingest_acc acc = {ixt_xmalloc((w->n + entries + 1) * sizeof *acc.sum)};
    size_t guess = 0;
    int rc = 0;
    for (int row = 0; rc == 0 && row < PQntuples(r); row++)
        rc = ingest_row(w, r, row, &acc, &guess, e);
    if (rc == 0) {
        /* the rates first: the items gone are dropped after, unread */
        for (size_t i = 0; i < w->n; i++) {
            ixt_stmt *s = &w->items[i];
            if (s->seen != w->generation)
                continue;
            update_stmt(s, acc.sum[i][0], acc.sum[i][1], interval_s, s->fresh);
            s->fresh = false;
        }
        drop_unseen(w);
        compute_shares(w);
        w->interval_s = interval_s;
        w->last_ms = now_ms;
    }
    free(acc.sum);
    return rc;
}

char *ixt_workload_missing_texts(const ixt_workload *w, size_t max)
{
    ixt_buf b;
    ixt_buf_init(&b);
    size_t n = 0;
    for (size_t i = 0; i < w->n && n < max; i++) {
        if (w->items[i].text)
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

bool ixt_workload_texts_wanted(const ixt_workload *w, size_t max, char **ids)
{
    *ids = ixt_workload_missing_texts(w, max + 1);
    if (!*ids)
        return false;
    size_t n = 1;
    for (const char *p = *ids; *p; p++)
        n += *p == ',';
    if (n > max) {
        free(*ids);
        *ids = NULL;
    }
    return true;
}

static const char HIDDEN_TEXT[] = "<insufficient privilege>";

int ixt_workload_ingest_texts(ixt_workload *w, const PGresult *r, ixt_err *e)
{
    if (PQnfields(r) < 4)
        return ixt_err_set(e, "unexpected pg_stat_statements text result");
    w->version++;
    for (int i = 0; i < PQntuples(r); i++) {
        ixt_stmt *s = lookup(w, strtoll(PQgetvalue(r, i, 0), NULL, 10));
        if (!s || s->text)
            continue;
        const char *text = PQgetvalue(r, i, 1);
        arena_line(&w->texts, s, text, (size_t)PQgetlength(r, i, 1));
        s->query_cut = PQgetvalue(r, i, 2)[0] == 't';
        s->own = PQgetvalue(r, i, 3)[0] == 't';
        if (strcmp(text, HIDDEN_TEXT) == 0)
            w->texts_hidden = true;
    }
    compute_shares(w);
    return 0;
}

static int cmp_pos(const void *a, const void *b, void *arg)
{
    const int64_t *ids = arg;
    int64_t x = ids[*(const size_t *)a], y = ids[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

int ixt_workload_full_texts(ixt_conn *c, const int64_t *ids, size_t n, char ***texts, ixt_err *e)
{
    *texts = ixt_xcalloc(n + 1, sizeof **texts);
    if (!n)
        return 0;
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_pgss) {
        ixt_err_set(e, "%s", in->pgss_problem);
        goto fail;
    }
    ixt_buf b;
    ixt_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        ixt_buf_printf(&b, "%c%" PRId64, i ? ',' : '{', ids[i]);
    ixt_buf_addc(&b, '}');
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    char *sql = ixt_workload_full_texts_sql(in);
    const char *p[] = {oid, b.s};
    PGresult *r = ixt_conn_exec(c, sql, 2, p, e);
    free(sql);
    ixt_buf_free(&b);
    if (!r)
        goto fail;
    /* positions sorted by id: `top --once` may ask for 50,000 */
    size_t *pos = ixt_xmalloc(n * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        pos[i] = i;
    qsort_r(pos, n, sizeof *pos, cmp_pos, (void *)ids);
    for (int row = 0; row < PQntuples(r); row++) {
        int64_t id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
        const char *text = PQgetvalue(r, row, 1);
        /* the list may ask before it has read whether a text is idxtune's */
        if (strcmp(text, HIDDEN_TEXT) == 0 || strstr(text, OWN_MARK))
            continue;
        size_t lo = 0, hi = n;
        while (lo < hi) { /* the first position holding id */
            size_t mid = (lo + hi) / 2;
            if (ids[pos[mid]] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < n && ids[pos[lo]] == id; lo++)
            if (!(*texts)[pos[lo]])
                (*texts)[pos[lo]] = ixt_xstrdup(text);
    }
    free(pos);
    PQclear(r);
    return 0;
fail:
    free(*texts);
    *texts = NULL;
    return -1;
}

void ixt_workload_texts_free(char **texts, size_t n)
{
    if (!texts)
        return;
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
}

char *ixt_workload_full_text(ixt_conn *c, int64_t queryid, ixt_err *e)
{
    char **t;
    if (ixt_workload_full_texts(c, &queryid, 1, &t, e) != 0)
        return NULL;
    char *text = t[0];
    free(t);
    if (!text)
        ixt_err_set(e, "statement %" PRId64 " is no longer in pg_stat_statements, or its text is hidden from this role",
                    queryid);
    return text;
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
    case IXT_COL_MEAN: return ixt_stmt_mean_ms(s);
    case IXT_COL_ROWS: return s->rows;
    case IXT_COL_SHARE: return s->share;
    case IXT_COL_CALLS_RATE: return s->calls_r.avg;
    case IXT_COL_MS_RATE: return s->ms_r.avg;
    case IXT_COL_QUERYID: return (double)s->queryid;
    default: return 0;
    }
}

/* A row to sort by a number: the key and the tie-break next to each
 * other, so 50,000 rows sort without chasing pointers into the items. */
typedef struct sort_key {
    double v;
    int64_t id;
    ixt_stmt *s;
} sort_key;

/* The same to sort by text (its plain bytes, inflated for the sort). */
typedef struct text_key {
    const char *t;
    int64_t id;
    ixt_stmt *s;
} text_key;
_Static_assert(sizeof(text_key) <= sizeof(sort_key), "swap_bytes holds a sort_key");

static int cmp_key(const void *a, const void *b, void *arg)
{
    const sort_key *x = a, *y = b;
    int r = x->v < y->v ? -1 : x->v > y->v;
    if (r == 0) /* as cmp_text */
        r = x->id < y->id ? -1 : x->id > y->id;
    return *(const bool *)arg ? -r : r;
}

static void swap_bytes(char *a, char *b, size_t sz)
{
    char t[sizeof(sort_key)];
    memcpy(t, a, sz);
    memcpy(a, b, sz);
    memcpy(b, t, sz);
}

/* Puts the k first of base[0..n) in the comparator's order at the front,
 * sorted; the rest after them in no order.  A screen of 50 rows out of
 * 50,000 costs a linear selection, not a full sort.  Elements are at most
 * a sort_key. */
static void partial_sort(void *base, size_t n, size_t sz, size_t k,
                         int (*cmp)(const void *, const void *, void *), void *arg)
{
    char *b = base;
    if (k < n) {
        size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
        while (hi - lo > 16) {
            /* median of three to the front, then a Lomuto partition */
            size_t mid = lo + (hi - lo) / 2, last = hi - 1;
            if (cmp(b + mid * sz, b + lo * sz, arg) < 0)
                swap_bytes(b + mid * sz, b + lo * sz, sz);
            if (cmp(b + last * sz, b + lo * sz, arg) < 0)
                swap_bytes(b + last * sz, b + lo * sz, sz);
            if (cmp(b + last * sz, b + mid * sz, arg) < 0)
                swap_bytes(b + last * sz, b + mid * sz, sz);
            swap_bytes(b + mid * sz, b + lo * sz, sz);
            size_t store = lo;
            for (size_t i = lo + 1; i < hi; i++)
                if (cmp(b + i * sz, b + lo * sz, arg) < 0)
                    swap_bytes(b + ++store * sz, b + i * sz, sz);
            swap_bytes(b + lo * sz, b + store * sz, sz);
            if (store == k)
                break;
            if (store < k)
                lo = store + 1;
            else
                hi = store;
        }
        if (hi - lo <= 16) /* a few left around the k-th: sorted outright */
            qsort_r(b + lo * sz, hi - lo, sz, cmp, arg);
    }
    qsort_r(b, k < n ? k : n, sz, cmp, arg);
}

/* An item's match flag against w->match_filter */
enum { MATCH_UNKNOWN, MATCH_YES, MATCH_NO };

/* Whether the new filter keeps only rows the old one kept: it contains
 * it (both compared case-insensitively, as the texts are). */
static bool filter_narrows(const char *old, const char *filter)
{
    return old && strcasestr(filter, old);
}

/* The plain bytes block b holds */
static size_t block_len(const ixt_text_arena *a, size_t b)
{
    return a->blocks[b].z ? a->blocks[b].plain_len : a->used;
}

static size_t text_block(const ixt_stmt *s)
{
    return (s->text - 1) / TEXT_BLOCK;
}

/* ASCII letters folded to lower case, as strcasestr does in the C locale:
 * a block folded once is searched as a whole.  Eight bytes at a time: a
 * byte gets 0x20 when it lies in 'A'..'Z' (the sums cannot carry into the
 * next byte, their high bits are masked first). */
static void fold_ascii(char *dst, const char *src, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, low;
        memcpy(&x, src + i, 8);
        low = x & ~high;
        uint64_t from_a = low + ones * (0x80 - 'A'), past_z = low + ones * (0x80 - 'Z' - 1);
        x |= ((from_a & ~past_z & ~x & high) >> 2);
        memcpy(dst + i, &x, 8);
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
}

/* Sets in hit (a bit per byte of the block) the first byte of each text of
 * plain[0..len) that holds needle: one memmem over the whole block, which
 * after a hit goes on past the end of that text (the texts are NUL-ended,
 * so no match spans two). */
static void block_hits(const char *plain, size_t len, const char *needle, size_t nlen, uint64_t *hit)
{
    const char *p = plain, *end = plain + len;
    while ((p = memmem(p, (size_t)(end - p), needle, nlen)) != NULL) {
        const char *nul = memrchr(plain, '\0', (size_t)(p - plain));
        size_t at = nul ? (size_t)(nul + 1 - plain) : 0;
        hit[at / 64] |= UINT64_C(1) << (at % 64);
        if (!(p = memchr(p, '\0', (size_t)(end - p))))
            break;
    }
}

/* An item to test, in block order: its place in todo and its text's
 * offset in the block, so the search does not touch the items. */
typedef struct todo_at {
    uint32_t i;
    uint16_t at;
} todo_at;

/* Tests the items in todo[0..n) against filter and sets their flags.  The
 * texts are read a block at a time: the items are put in block order
 * first (a counting sort), so each compressed block inflates once and is
 * searched once; the results go back to the items in todo's order. */
static void filter_items(ixt_workload *w, const uint32_t *todo, size_t n, const char *filter)
{
    const ixt_text_arena *a = &w->texts;
    bool filter_id = filter[strspn(filter, "-0123456789")] == '\0';
    /* a filter without letters is searched in the plain bytes as they are */
    bool fold = filter[strcspn(filter, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] != '\0';
    size_t flen = strlen(filter);
    char *folded_filter = ixt_xmalloc(flen + 1), *folded = fold ? ixt_xmalloc(TEXT_BLOCK) : NULL;
    fold_ascii(folded_filter, filter, flen + 1);
    uint64_t *hit = ixt_xmalloc(TEXT_BLOCK / 8);
    size_t nb = a->nblocks + 1; /* the last slot: items without text */
    size_t *start = ixt_xcalloc(nb + 1, sizeof *start);
    for (size_t i = 0; i < n; i++) {
        const ixt_stmt *s = &w->items[todo[i]];
        start[(s->text ? text_block(s) : nb - 1) + 1]++;
    }
    for (size_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    todo_at *order = ixt_xmalloc((n + 1) * sizeof *order);
    size_t *fill = ixt_xmalloc(nb * sizeof *fill);
    memcpy(fill, start, nb * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        const ixt_stmt *s = &w->items[todo[i]];
        order[fill[s->text ? text_block(s) : nb - 1]++] =
            (todo_at){(uint32_t)i, (uint16_t)(s->text ? (s->text - 1) % TEXT_BLOCK : 0)};
    }
    free(fill);
    bool *yes = ixt_xcalloc(n + 1, sizeof *yes);
    for (size_t b = 0; b + 1 < nb; b++) {
        const char *plain = start[b] < start[b + 1] ? arena_plain(a, b) : NULL;
        if (!plain)
            continue;
        size_t len = block_len(a, b);
        if (fold) {
            fold_ascii(folded, plain, len);
            plain = folded;
        }
        memset(hit, 0, TEXT_BLOCK / 8);
        block_hits(plain, len, folded_filter, flen, hit);
        for (size_t j = start[b]; j < start[b + 1]; j++)
            yes[order[j].i] = hit[order[j].at / 64] >> (order[j].at % 64) & 1;
    }
    for (size_t i = 0; i < n; i++) {
        ixt_stmt *s = &w->items[todo[i]];
        if (!yes[i] && filter_id) {
            char id[32];
            snprintf(id, sizeof id, "%" PRId64, s->queryid);
            yes[i] = strstr(id, filter) != NULL;
        }
        s->match = yes[i] ? MATCH_YES : MATCH_NO;
    }
    free(yes);
    free(order);
    free(start);
    free(hit);
    free(folded);
    free(folded_filter);
}

/* The listed items matching filter, into v.  Only the items whose flag
 * may have changed are tested: all of them for a new filter, those that
 * matched for a narrower one, the ones read since for the same one. */
static size_t filtered(ixt_workload *w, const char *filter, ixt_stmt **v)
{
    size_t n = 0;
    if (!filter || !*filter) {
        for (size_t i = 0; i < w->n; i++)
            if (!w->items[i].own)
                v[n++] = &w->items[i];
        return n;
    }
    bool same = w->match_filter && strcmp(w->match_filter, filter) == 0;
    bool narrower = !same && filter_narrows(w->match_filter, filter);
    uint32_t *todo = ixt_xmalloc((w->n + 1) * sizeof *todo);
    size_t ntodo = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ixt_stmt *s = &w->items[i];
        if (s->own)
            continue;
        if (s->match == MATCH_UNKNOWN || (!same && !narrower) || (narrower && s->match == MATCH_YES))
            todo[ntodo++] = (uint32_t)i;
    }
    filter_items(w, todo, ntodo, filter);
    free(todo);
    if (!same) {
        free(w->match_filter);
        w->match_filter = ixt_xstrdup(filter);
    }
    for (size_t i = 0; i < w->n; i++)
        if (!w->items[i].own && w->items[i].match == MATCH_YES)
            v[n++] = &w->items[i];
    return n;
}

/* By text, then query id: stable order between refreshes, rows must not jump. */
static int cmp_text(const void *a, const void *b, void *arg)
{
    const text_key *x = a, *y = b;
    int r = strcmp(x->t, y->t);
    if (r == 0)
        r = x->id < y->id ? -1 : x->id > y->id;
    return *(const bool *)arg ? -r : r;
}

/* Sorting by text inflates every block once for the sort, into memory
 * freed after it: the plain texts live only while the list is sorted. */
static void sort_by_text(const ixt_workload *w, ixt_stmt **v, size_t n, size_t k, bool desc)
{
    const ixt_text_arena *a = &w->texts;
    char **plain = ixt_xcalloc(a->nblocks + 1, sizeof *plain);
    for (size_t b = 0; b < a->nblocks; b++) {
        const char *p = arena_plain(a, b);
        if (p) {
            plain[b] = ixt_xmalloc(TEXT_BLOCK);
            memcpy(plain[b], p, block_len(a, b));
        }
    }
    text_key *key = ixt_xmalloc((n + 1) * sizeof *key);
    for (size_t i = 0; i < n; i++) {
        const ixt_stmt *s = v[i];
        const char *p = s->text ? plain[text_block(s)] : NULL;
        key[i] = (text_key){p ? p + (s->text - 1) % TEXT_BLOCK : "", s->queryid, v[i]};
    }
    partial_sort(key, n, sizeof *key, k, cmp_text, &desc);
    for (size_t i = 0; i < n; i++)
        v[i] = key[i].s;
    free(key);
    for (size_t b = 0; b < a->nblocks; b++)
        free(plain[b]);
    free(plain);
}

size_t ixt_workload_view_top(ixt_workload *w, ixt_stmt_col col, bool desc,
                             const char *filter, size_t k, ixt_stmt ***out)
{
    ixt_stmt **v = ixt_xmalloc((w->n + 1) * sizeof *v);
    size_t n = filtered(w, filter, v);
    if (col == IXT_COL_QUERY) {
        sort_by_text(w, v, n, k, desc);
    } else {
        sort_key *key = ixt_xmalloc((n + 1) * sizeof *key);
        for (size_t i = 0; i < n; i++)
            key[i] = (sort_key){col_value(v[i], col), v[i]->queryid, v[i]};
        partial_sort(key, n, sizeof *key, k, cmp_key, &desc);
        for (size_t i = 0; i < n; i++)
            v[i] = key[i].s;
        free(key);
    }
    *out = v;
    return n;
}

size_t ixt_workload_view(ixt_workload *w, ixt_stmt_col col, bool desc,
                         const char *filter, ixt_stmt ***out)
{
    return ixt_workload_view_top(w, col, desc, filter, SIZE_MAX, out);
}

/* The nodes' rates of one statement add up. */
static void add_rate(ixt_rate *dst, const ixt_rate *src)
{
    dst->last += src->last;
    dst->avg += src->avg;
    dst->known |= src->known;
}

void ixt_workload_merge(ixt_workload *dst, const ixt_workload *const *parts, size_t nparts)
{
    dst->generation++;
    dst->version++;
    dst->hidden = 0;
    dst->texts_hidden = false;
    for (size_t p = 0; p < nparts; p++) {
        const ixt_workload *w = parts[p];
        dst->hidden += w->hidden;
        dst->texts_hidden |= w->texts_hidden;
        if (w->blocks)
            want_blocks(dst);
        for (size_t i = 0; i < w->n; i++) {
            const ixt_stmt *src = &w->items[i];
            ixt_stmt *s = lookup(dst, src->queryid);
            if (!s)
                s = add_stmt(dst, src->queryid);
            size_t k = (size_t)(s - dst->items);
            if (s->seen != dst->generation) {
                s->calls = s->total_ms = s->rows = 0;
                s->calls_r = s->ms_r = (ixt_rate){0};
                s->own = false;
                s->seen = dst->generation;
                if (dst->blocks)
                    dst->blocks[2 * k] = dst->blocks[2 * k + 1] = 0;
            }
            if (w->blocks) {
                dst->blocks[2 * k] += w->blocks[2 * i];
                dst->blocks[2 * k + 1] += w->blocks[2 * i + 1];
            }
            s->calls += src->calls;
            s->total_ms += src->total_ms;
            s->rows += src->rows;
            add_rate(&s->calls_r, &src->calls_r);
            add_rate(&s->ms_r, &src->ms_r);
            s->own |= src->own;
            const char *t = s->text ? NULL : arena_text(&w->texts, src);
            if (t) {
                arena_line(&dst->texts, s, t, src->text_len);
                s->query_cut = src->query_cut;
            }
        }
    }
    drop_unseen(dst);
    compute_shares(dst);
    dst->interval_s = nparts ? parts[0]->interval_s : 0;
    dst->last_ms = nparts ? parts[0]->last_ms : 0;
}

/* Past this many, all the texts are read in one pass. */
#define TEXTS_BY_ID_MAX 1000

int ixt_workload_refresh(ixt_workload *w, ixt_conn *c, ixt_err *e)
{
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_pgss)
        return ixt_err_set(e, "%s", in->pgss_problem);
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    char *sql = numbers_sql(in, true);
    const char *p1[] = {oid};
    /* a first snapshot wants every text: asked for with the numbers, in
     * one round trip */
    bool first = w->n == 0;
    char *all_sql = first ? ixt_workload_texts_sql(in) : NULL;
    const char *all[] = {oid, NULL};
    ixt_pipe_req q[] = {{.sql = sql, .nparams = 1, .params = p1, .result_format = IXT_WORKLOAD_NUMBERS_FORMAT},
                        {.sql = all_sql, .nparams = 2, .params = all}};
    PGresult *out[2] = {NULL, NULL};
    int failed, rc = 0;
    if (first)
        rc = ixt_conn_pipeline(c, q, 2, out, &failed, e);
    else if (!(out[0] = ixt_conn_exec_fmt(c, sql, 1, p1, IXT_WORKLOAD_NUMBERS_FORMAT, e)))
        rc = -1;
    free(sql);
    free(all_sql);
    if (rc == 0)
        rc = ixt_workload_ingest_numbers(w, out[0], ixt_now_ms(), e);
    if (rc == 0 && first)
        rc = ixt_workload_ingest_texts(w, out[1], e);
    PQclear(out[0]);
    PQclear(out[1]);
    char *ids;
    if (rc != 0 || first || !ixt_workload_texts_wanted(w, TEXTS_BY_ID_MAX, &ids))
        return rc;
    sql = ixt_workload_texts_sql(in);
    const char *p2[] = {oid, ids};
    PGresult *r = ixt_conn_exec(c, sql, 2, p2, e);
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
