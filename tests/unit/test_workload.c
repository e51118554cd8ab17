/* workload: snapshots, rates, texts, sorting and filtering, on results
 * built with libpq's own PGresult constructors (no server needed). */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/workload.h"
#include "testutil.h"

static PGresult *make_result(int ncols, int nrows, const char *const *cells)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc *att = calloc((size_t)ncols, sizeof *att);
    char names[8][16];
    for (int i = 0; i < ncols; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        att[i].name = names[i];
        att[i].format = 0;
        att[i].typid = 25;
        att[i].typlen = -1;
        att[i].atttypmod = -1;
    }
    assert_true(PQsetResultAttrs(r, ncols, att));
    free(att);
    for (int row = 0; row < nrows; row++)
        for (int col = 0; col < ncols; col++) {
            const char *v = cells[row * ncols + col];
            assert_true(PQsetvalue(r, row, col, (char *)v, (int)strlen(v)));
        }
    return r;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

/* The numbers query's result as the server sends it: rows of binary
 * int8[] (float8[] for the total time) arrays, an element per entry, the
 * entries split over nchunks rows (the server groups them so that no one
 * message is big).  cells[row * 6 + col] (queryid, calls, total, rows, hit,
 * read) in text; "NULL" is a NULL element; ncols 4 leaves the block
 * counts out. */
static PGresult *numbers_chunks(int ncols, int nrows, const char *const *cells, int nchunks)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc att[6];
    char names[6][16];
    for (int c = 0; c < ncols; c++) {
        snprintf(names[c], sizeof names[c], "c%d", c);
        att[c] = (PGresAttDesc){.name = names[c], .format = 1, .typid = c == 2 ? 1022 : 1016, .typlen = -1,
                                .atttypmod = -1};
    }
    assert_true(PQsetResultAttrs(r, ncols, att));
    unsigned char *buf = malloc(20 + (size_t)nrows * 12);
    for (int chunk = 0; chunk < nchunks; chunk++) {
        int from = nrows * chunk / nchunks, to = nrows * (chunk + 1) / nchunks;
        for (int c = 0; c < ncols; c++) {
            if (from == to) { /* array_agg of no entries */
                assert_true(PQsetvalue(r, chunk, c, NULL, -1));
                continue;
            }
            put_be32(buf, 1);
            put_be32(buf + 4, 1);
            put_be32(buf + 8, c == 2 ? 701 : 20);
            put_be32(buf + 12, (uint32_t)(to - from));
            put_be32(buf + 16, 1);
            size_t len = 20;
            for (int row = from; row < to; row++) {
                const char *v = cells[row * 6 + c];
                if (strcmp(v, "NULL") == 0) {
                    put_be32(buf + len, (uint32_t)-1);
                    len += 4;
                    continue;
                }
                uint64_t bits = (uint64_t)strtoll(v, NULL, 10);
                if (c == 2) {
                    double d = strtod(v, NULL);
                    memcpy(&bits, &d, sizeof bits);
                }
                put_be32(buf + len, 8);
                put_be64(buf + len + 4, bits);
                len += 12;
            }
            assert_true(PQsetvalue(r, chunk, c, (char *)buf, (int)len));
        }
    }
    free(buf);
    return r;
}

static PGresult *numbers_result(int ncols, int nrows, const char *const *cells)
{
    return numbers_chunks(ncols, nrows, cells, 1);
}

static double blocks_read(const ixt_workload *w, int64_t id)
{
    double hit, read;
    ixt_workload_blocks(w, ixt_workload_find(w, id), &hit, &read);
    return read;
}

/* queryid, calls, total, rows, hit, read */
static void ingest(ixt_workload *w, int nrows, const char *const *cells, double now)
{
    PGresult *r = numbers_result(6, nrows, cells);
    ixt_err e;
    assert_int_equal(ixt_workload_ingest_numbers(w, r, now, &e), 0);
    PQclear(r);
}

/* queryid, prefix, cut ("t"/"f"), own ("t"/"f") */
static void ingest_texts(ixt_workload *w, int nrows, const char *const *cells)
{
    PGresult *r = make_result(4, nrows, cells);
    ixt_err e;
    assert_int_equal(ixt_workload_ingest_texts(w, r, &e), 0);
    PQclear(r);
}

/* The listed text of id.  borrowed until the next call */
static const char *text_of(const ixt_workload *w, int64_t id)
{
    static char buf[IXT_QUERY_LINE_BYTES];
    return ixt_workload_text(w, ixt_workload_find(w, id), buf, sizeof buf);
}

/* n statements with ids 1..n and texts made by text(i, buf) (~100 bytes
 * of SQL, as a large application's), at time now. */
static void ingest_generated(ixt_workload *w, int n, void (*text)(int, char *, size_t), double now)
{
    char (*num)[6][24] = calloc((size_t)n, sizeof *num);
    char (*txt)[2][IXT_QUERY_LINE_BYTES] = calloc((size_t)n, sizeof *txt);
    const char **nflat = calloc((size_t)n * 6, sizeof *nflat);
    const char **tflat = calloc((size_t)n * 4, sizeof *tflat);
    for (int i = 0; i < n; i++) {
        snprintf(num[i][0], 24, "%d", i + 1);
        snprintf(num[i][1], 24, "%d", i % 97 + 1);
        snprintf(num[i][2], 24, "%d", i % 1009);
        for (int c = 3; c < 6; c++)
            snprintf(num[i][c], 24, "0");
        for (int c = 0; c < 6; c++)
            nflat[i * 6 + c] = num[i][c];
        snprintf(txt[i][0], 24, "%d", i + 1);
        text(i, txt[i][1], sizeof txt[i][1]);
        tflat[i * 4] = txt[i][0];
        tflat[i * 4 + 1] = txt[i][1];
        tflat[i * 4 + 2] = tflat[i * 4 + 3] = "f";
    }
    ingest(w, n, nflat, now);
    ingest_texts(w, n, tflat);
    free(num);
    free(txt);
    free(nflat);
    free(tflat);
}

static const char *const TABLES[] = {"runs", "events", "webhooks", "accounts", "invoices", "sessions", "jobs"};

static void app_text(int i, char *buf, size_t len)
{
    unsigned x = (unsigned)i * 2654435761u;
    snprintf(buf, len, "SELECT id, name, created_at, c%u FROM %s_%u WHERE tenant_id = $1 AND state = $2"
             " ORDER BY created_at DESC LIMIT %u",
             x % 50, TABLES[i % 7], (x >> 8) % 300, (x >> 4) % 100 + 1);
}

static void test_rates_over_interval(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s1[] = {"11", "100", "1000", "100", "0", "0", "22", "10", "3000", "10", "0", "0"};
    ingest(&w, 2, s1, 10000);
    assert_int_equal(w.n, 2);
    assert_true(w.interval_s == 0);
    const ixt_stmt *a = ixt_workload_find(&w, 11);
    assert_non_null(a);
    assert_true(a->calls_r.avg == 0);
    assert_true(ixt_stmt_mean_ms(a) == 10.0);
    assert_true(a->share == 0.25);
    /* two seconds later: 20 more calls of 11 taking 400 ms */
    const char *s2[] = {"11", "120", "1400", "120", "0", "0", "22", "10", "3000", "10", "0", "0"};
    ingest(&w, 2, s2, 12000);
    a = ixt_workload_find(&w, 11);
    assert_true(w.interval_s == 2.0);
    assert_true(a->calls_r.avg == 10.0);
    assert_true(a->ms_r.avg == 200.0);
    assert_true(ixt_workload_find(&w, 22)->calls_r.avg == 0);
    ixt_workload_free(&w);
}

/* The top statement with no call finishing in one 2 s interval still
 * lists a rate (not "-") and keeps its place in a sort by ms/s; the
 * interval's own value is kept for the detail pane. */
static void test_quiet_interval_is_smoothed(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s1[] = {"1", "100", "1000", "1", "0", "0", "2", "100", "1000", "1", "0", "0"};
    ingest(&w, 2, s1, 1000);
    const char *s2[] = {"1", "200", "2400", "1", "0", "0", "2", "200", "1200", "1", "0", "0"};
    ingest(&w, 2, s2, 3000);
    const char *s3[] = {"1", "200", "2400", "1", "0", "0", "2", "300", "1400", "1", "0", "0"};
    ingest(&w, 2, s3, 5000);
    const ixt_stmt *a = ixt_workload_find(&w, 1);
    assert_true(a->ms_r.last == 0);
    assert_true(a->calls_r.last == 0);
    assert_true(a->ms_r.avg > 500 && a->ms_r.avg < 700);
    assert_true(a->calls_r.avg > 0);
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_MS_RATE, true, NULL, &v);
    assert_int_equal(n, 2);
    assert_true(v[0]->queryid == 1);
    free(v);
    ixt_workload_free(&w);
}

static void test_reset_and_disappearing_statements(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s1[] = {"1", "100", "1000", "1", "0", "0", "2", "5", "50", "5", "0", "0"};
    ingest(&w, 2, s1, 1000);
    /* statement 1 was reset (counters went down), statement 2 is gone */
    const char *s2[] = {"1", "4", "40", "1", "0", "0"};
    ingest(&w, 1, s2, 2000);
    assert_int_equal(w.n, 1);
    assert_null(ixt_workload_find(&w, 2));
    const ixt_stmt *a = ixt_workload_find(&w, 1);
    assert_true(a->calls_r.avg == 4.0);
    assert_true(a->ms_r.avg == 40.0);
    ixt_workload_free(&w);
}

static void test_texts_only_for_new_ids(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s1[] = {"5", "1", "1", "1", "0", "0", "-7", "1", "1", "1", "0", "0"};
    ingest(&w, 2, s1, 1000);
    char *ids = ixt_workload_missing_texts(&w, 100);
    assert_non_null(ids);
    assert_true(strcmp(ids, "{5,-7}") == 0 || strcmp(ids, "{-7,5}") == 0);
    free(ids);
    ids = ixt_workload_missing_texts(&w, 1);
    assert_true(strcmp(ids, "{5}") == 0 || strcmp(ids, "{-7}") == 0);
    free(ids);
    const char *t[] = {"5", "SELECT *\n  FROM runs", "t", "f", "-7", "/* idxtune */ SELECT 1", "f", "t"};
    ingest_texts(&w, 2, t);
    assert_null(ixt_workload_missing_texts(&w, 100));
    assert_string_equal(text_of(&w, 5), "SELECT * FROM runs");
    assert_true(ixt_workload_find(&w, 5)->query_cut);
    assert_false(ixt_workload_find(&w, 5)->own);
    assert_true(ixt_workload_find(&w, -7)->own);
    ixt_workload_free(&w);
}

static void test_view_sorts_filters_and_hides_own(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s[] = {"1", "10", "500", "1", "0", "0", "2", "1000", "100", "1", "0", "0",
                       "3", "5", "900", "1", "0", "0", "4", "1", "99999", "1", "0", "0"};
    ingest(&w, 4, s, 1000);
    const char *t[] = {"1", "SELECT * FROM webhooks WHERE slug = $1", "f", "f", "2", "SELECT * FROM runs", "f", "f",
                       "3", "DELETE FROM events", "f", "f", "4", "/* idxtune */ SELECT 1", "f", "t"};
    ingest_texts(&w, 4, t);
    ixt_stmt **v;
    size_t n = ixt_workload_view(&w, IXT_COL_TOTAL, true, NULL, &v);
    assert_int_equal(n, 3);
    assert_true(v[0]->queryid == 3 && v[1]->queryid == 1 && v[2]->queryid == 2);
    assert_true(v[0]->share > 0.59 && v[0]->share < 0.61); /* own statement left out of the total */
    free(v);
    n = ixt_workload_view(&w, IXT_COL_CALLS, false, NULL, &v);
    assert_true(v[0]->queryid == 3 && v[2]->queryid == 2);
    free(v);
    n = ixt_workload_view(&w, IXT_COL_TOTAL, true, "WEBHOOK", &v);
    assert_int_equal(n, 1);
    assert_true(v[0]->queryid == 1);
    free(v);
    ixt_workload_free(&w);
}

/* One query id has an entry per role and nesting level: the list shows
 * their sum, and the rates are those of the sum. */
static void test_entries_of_one_id_are_summed(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    const char *s1[] = {"9", "10", "100", "1", "2", "3", "9", "30", "300", "4", "5", "6"};
    ingest(&w, 2, s1, 1000);
    assert_int_equal(w.n, 1);
    const ixt_stmt *a = ixt_workload_find(&w, 9);
    assert_true(a->calls == 40 && a->total_ms == 400 && a->rows == 5);
    double hit, read;
    ixt_workload_blocks(&w, a, &hit, &read);
    assert_true(hit == 7 && read == 9); /* top --once's form */
    const char *s2[] = {"9", "20", "200", "1", "2", "3", "9", "30", "300", "4", "5", "6"};
    ingest(&w, 2, s2, 2000);
    a = ixt_workload_find(&w, 9);
    assert_true(a->calls == 50 && a->calls_r.avg == 10.0 && a->ms_r.avg == 100.0);
    ixt_workload_free(&w);
}

/* The live list's form (no block counts), another role's entry without a
 * query id, a float total; a short array or a text result is refused. */
static void test_binary_arrays(void **state)
{
    (void)state;
    const char *cells[] = {"-42", "7", "1234.5", "70", "0", "0", "NULL", "1", "2", "3", "0", "0"};
    PGresult *r = numbers_result(4, 2, cells);
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 1000, &e), 0);
    PQclear(r);
    const ixt_stmt *a = ixt_workload_find(&w, -42);
    assert_non_null(a);
    assert_true(a->calls == 7 && a->total_ms == 1234.5 && a->rows == 70 && blocks_read(&w, -42) == 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.hidden, 1);
    /* no entries at all: array_agg gives NULLs */
    r = numbers_result(4, 0, cells);
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 2000, &e), 0);
    PQclear(r);
    assert_int_equal(w.n, 0);
    /* an array claiming more elements than it holds */
    r = numbers_result(4, 2, cells);
    unsigned char one[24];
    memcpy(one, PQgetvalue(r, 0, 1), 20);
    put_be32(one + 20, 8); /* the length of an element that is not there */
    assert_true(PQsetvalue(r, 0, 1, (char *)one, 24));
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 3000, &e), -1);
    PQclear(r);
    /* the text form (an older build's row per entry) */
    r = make_result(6, 1, cells);
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 4000, &e), -1);
    PQclear(r);
    ixt_workload_free(&w);
}

/* The texts live in blocks: statements come and go by the thousand, the
 * texts of those gone are reclaimed and the others stay intact. */
static void test_texts_survive_compaction(void **state)
{
    (void)state;
    enum { N = 4000 };
    char (*num)[6][24] = calloc(N, sizeof *num);
    char (*txt)[4][64] = calloc(N, sizeof *txt);
    const char **nflat = calloc(N * 6, sizeof *nflat), **tflat = calloc(N * 4, sizeof *tflat);
    ixt_workload w;
    ixt_workload_init(&w);
    for (int round = 0; round < 6; round++) {
        /* a new set of ids each round: all the previous texts are dead */
        for (int i = 0; i < N; i++) {
            snprintf(num[i][0], 24, "%d", round * N + i + 1);
            snprintf(num[i][1], 24, "1");
            snprintf(num[i][2], 24, "1");
            for (int c = 3; c < 6; c++)
                snprintf(num[i][c], 24, "0");
            snprintf(txt[i][0], 64, "%d", round * N + i + 1);
            snprintf(txt[i][1], 64, "SELECT  %d,\n  'a text long enough to fill blocks'", round * N + i + 1);
            snprintf(txt[i][2], 64, "f");
            snprintf(txt[i][3], 64, "f");
            for (int c = 0; c < 6; c++)
                nflat[i * 6 + c] = num[i][c];
            for (int c = 0; c < 4; c++)
                tflat[i * 4 + c] = txt[i][c];
        }
        ingest(&w, N, nflat, 1000.0 * (round + 1));
        ingest_texts(&w, N, tflat);
    }
    assert_int_equal(w.n, N);
    char want[64];
    for (int i = 0; i < N; i += 397) {
        snprintf(want, sizeof want, "SELECT %d, 'a text long enough to fill blocks'", 5 * N + i + 1);
        assert_string_equal(text_of(&w, 5 * N + i + 1), want);
    }
    /* what is held is about what is live, not six rounds of texts */
    assert_true(w.texts.dead <= w.texts.live);
    assert_true(w.texts.nblocks * 32 * 1024 < 3 * w.texts.live + 2 * 32 * 1024);
    ixt_workload_free(&w);
    free(num);
    free(txt);
    free(nflat);
    free(tflat);
}

static void test_many_statements(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    enum { N = 5000 };
    char (*cells)[6][24] = calloc(N, sizeof *cells);
    const char **flat = calloc(N * 6, sizeof *flat);
    for (int i = 0; i < N; i++) {
        snprintf(cells[i][0], 24, "%d", i * 7919);
        snprintf(cells[i][1], 24, "%d", i + 1);
        snprintf(cells[i][2], 24, "%d", i * 2);
        for (int c = 3; c < 6; c++)
            snprintf(cells[i][c], 24, "0");
        for (int c = 0; c < 6; c++)
            flat[i * 6 + c] = cells[i][c];
    }
    ingest(&w, N, flat, 1000);
    ingest(&w, N, flat, 2000);
    assert_int_equal(w.n, N);
    assert_non_null(ixt_workload_find(&w, 4999 * 7919));
    assert_true(ixt_workload_find(&w, 4999 * 7919)->calls == 5000);
    free(flat);
    free(cells);
    ixt_workload_free(&w);
}

/* The numbers in several rows (the server's groups): read as one
 * snapshot, the entries of one id summed across rows, the hidden ones
 * counted, and a group with no entries is no row's worth of NULLs. */
static void test_numbers_in_several_rows(void **state)
{
    (void)state;
    const char *cells[] = {"5", "1", "10", "1", "0", "0", "6", "2", "20", "2", "0", "0",
                           "NULL", "1", "1", "1", "0", "0", "5", "3", "30", "3", "0", "0"};
    ixt_workload w;
    ixt_workload_init(&w);
    ixt_err e;
    PGresult *r = numbers_chunks(4, 4, cells, 3);
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 1000, &e), 0);
    PQclear(r);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.hidden, 1);
    assert_true(ixt_workload_find(&w, 5)->calls == 4 && ixt_workload_find(&w, 5)->total_ms == 40);
    /* a second snapshot over 4 rows, one of them empty: rates, not sums */
    const char *later[] = {"5", "3", "30", "1", "0", "0", "6", "2", "20", "2", "0", "0",
                           "5", "3", "30", "3", "0", "0"};
    r = numbers_chunks(4, 3, later, 4);
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 2000, &e), 0);
    PQclear(r);
    assert_int_equal(w.hidden, 0);
    assert_true(ixt_workload_find(&w, 5)->calls == 6 && ixt_workload_find(&w, 5)->calls_r.avg == 2.0);
    assert_true(ixt_workload_find(&w, 6)->calls_r.avg == 0);
    /* no entries and no groups: no rows at all */
    r = numbers_chunks(4, 0, cells, 0);
    assert_int_equal(ixt_workload_ingest_numbers(&w, r, 3000, &e), 0);
    PQclear(r);
    assert_int_equal(w.n, 0);
    ixt_workload_free(&w);
}

/* Bytes held for w's texts: the deflated blocks, the one being filled
 * and the inflated one. */
static size_t text_bytes(const ixt_workload *w)
{
    size_t n = 2 * 32 * 1024;
    for (size_t i = 0; i < w->texts.nblocks; i++)
        n += w->texts.blocks[i].zlen;
    return n;
}

/* What 50,000 statements cost the live list: 80 bytes each, and their
 * texts (~100 bytes of SQL each, 5 MB plain) well under 2 MB. */
static void test_bounded_memory(void **state)
{
    (void)state;
    assert_true(sizeof(ixt_stmt) <= 80);
    ixt_workload w;
    ixt_workload_init(&w);
    ingest_generated(&w, 50000, app_text, 1000);
    assert_int_equal(w.n, 50000);
    assert_true(w.texts.live > 4500000);
    assert_true(text_bytes(&w) < 2000000);
    /* the list's usual work leaves it so */
    ixt_stmt **v;
    free((ixt_workload_view_top(&w, IXT_COL_TOTAL, true, "jobs_1", 50, &v), v));
    free((ixt_workload_view_top(&w, IXT_COL_QUERY, false, NULL, 50, &v), v));
    assert_true(text_bytes(&w) < 2000000);
    ixt_workload_free(&w);
}

/* Texts go in compressed and come out as they went in, one line; a
 * buffer too short gets a cut copy, never half a character. */
static void test_text_round_trip(void **state)
{
    (void)state;
    ixt_workload w;
    ixt_workload_init(&w);
    ingest_generated(&w, 20000, app_text, 1000);
    char want[IXT_QUERY_LINE_BYTES], got[IXT_QUERY_LINE_BYTES];
    for (int i = 0; i < 20000; i += 7) {
        app_text(i, want, sizeof want);
        assert_string_equal(ixt_workload_text(&w, ixt_workload_find(&w, i + 1), got, sizeof got), want);
    }
    assert_true(w.texts.nblocks > 10);
    const char *t[] = {"20001", "SELECT 'é€'\n\t FROM  t", "f", "f"};
    const char *num[] = {"20001", "1", "1", "0", "0", "0"};
    ingest(&w, 1, num, 2000); /* the others gone: their texts dropped */
    ingest_texts(&w, 1, t);
    assert_string_equal(text_of(&w, 20001), "SELECT 'é€' FROM t");
    assert_string_equal(ixt_workload_text(&w, ixt_workload_find(&w, 20001), got, 11), "SELECT 'é");
    assert_string_equal(ixt_workload_text(&w, ixt_workload_find(&w, 20001), got, 10), "SELECT '");
    ixt_workload_free(&w);
}

static void word_text(int i, char *buf, size_t len)
{
    static const char *const words[] = {"alpha", "Alpine", "alps", "beta", "ALPHABET", "gamma"};
    snprintf(buf, len, "SELECT %d FROM t WHERE x = '%s' AND y = '%s'", i, words[i % 6], words[(i / 6) % 6]);
}

/* The matching rows by brute force over the texts as generated. */
static size_t count_matching_of(int n, const char *filter, void (*text)(int, char *, size_t))
{
    size_t k = 0;
    char buf[IXT_QUERY_LINE_BYTES], id[24];
    for (int i = 0; i < n; i++) {
        text(i, buf, sizeof buf);
        snprintf(id, sizeof id, "%d", i + 1);
        k += strcasestr(buf, filter) || strstr(id, filter);
    }
    return k;
}

static size_t count_matching(int n, const char *filter)
{
    return count_matching_of(n, filter, word_text);
}

static size_t view_count(ixt_workload *w, const char *filter)
{
    ixt_stmt **v;
    size_t n = ixt_workload_view_top(w, IXT_COL_TOTAL, true, filter, 10, &v);
    for (size_t i = 0; i < n; i++) {
        char buf[IXT_QUERY_LINE_BYTES], id[24];
        snprintf(id, sizeof id, "%" PRId64, v[i]->queryid);
        assert_true(strcasestr(ixt_workload_text(w, v[i], buf, sizeof buf), filter) || strstr(id, filter));
    }
    free(v);
    return n;
}

/* A filter over the compressed texts finds what a search of the plain
 * texts finds, as it is typed (narrowing), erased (widening) and changed,
 * and for statements read after it was set. */
static void test_filter_compressed(void **state)
{
    (void)state;
    enum { N = 12000 };
    ixt_workload w;
    ixt_workload_init(&w);
    ingest_generated(&w, N, word_text, 1000);
    assert_true(w.texts.nblocks > 10);
    const char *steps[] = {"al", "alp", "ALPH", "alpha", "alphab", "alpha", "al", "a", "beta", "77", "7", "gamma'"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        assert_int_equal(view_count(&w, steps[i]), count_matching(N, steps[i]));
    /* more statements read while the filter stays */
    ingest_generated(&w, N + 3000, word_text, 2000);
    assert_int_equal(view_count(&w, "gamma'"), count_matching(N + 3000, "gamma'"));
    assert_int_equal(view_count(&w, "gamma' AND"), count_matching(N + 3000, "gamma' AND"));
    assert_int_equal(view_count(&w, ""), N + 3000);
    ixt_workload_free(&w);
}

/* Texts that end and begin with what a filter looks for, repeat it, or
 * hold letters outside ASCII; some long, so blocks end at many places. */
static void edge_text(int i, char *buf, size_t len)
{
    static const char *const texts[] = {"Abc", "xYz", "\xc3\x89T\xc3\x89 abc", "zz ABC zz ABC", "c", "x", "", "ABCX"};
    if (i % 20 == 19) /* within the list's prefix of 400 characters */
        snprintf(buf, len, "%0*d abc", 390, i);
    else
        snprintf(buf, len, "%s", texts[i % 8]);
}

/* A whole block is searched at once: a match is the text's own, never one
 * that runs from the end of a text into the next, at any place in a block
 * (its first and last texts, the block still being filled). */
static void test_filter_block_edges(void **state)
{
    (void)state;
    enum { N = 20000 };
    ixt_workload w;
    ixt_workload_init(&w);
    ingest_generated(&w, N, edge_text, 1000);
    assert_true(w.texts.nblocks > 10);
    const char *filters[] = {"cx", "abc", "ABCX", "zx", "c", "x", "abc zz abc", "\xc3\x89t", "\xc3\xa9", "0 abc", "39 ab", "9"};
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        free(w.match_filter); /* each one tested over all the rows */
        w.match_filter = NULL;
        assert_int_equal(view_count(&w, filters[i]), count_matching_of(N, filters[i], edge_text));
    }
    ixt_workload_free(&w);
}

/* The screen's rows in order without sorting them all: the first k are
 * those of the full sort, whatever k, column and direction. */
static void test_view_top_matches_full_sort(void **state)
{
    (void)state;
    enum { N = 3000 };
    char (*cells)[6][24] = calloc(N, sizeof *cells);
    const char **flat = calloc(N * 6, sizeof *flat);
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(cells[i][0], 24, "%d", i + 1);
        snprintf(cells[i][1], 24, "%u", (x >> 16) % 50); /* many ties: the id breaks them */
        snprintf(cells[i][2], 24, "%u", (x >> 8) % 100000);
        for (int c = 3; c < 6; c++)
            snprintf(cells[i][c], 24, "0");
        for (int c = 0; c < 6; c++)
            flat[i * 6 + c] = cells[i][c];
    }
    ixt_workload w;
    ixt_workload_init(&w);
    ingest(&w, N, flat, 1000);
    const ixt_stmt_col cols[] = {IXT_COL_CALLS, IXT_COL_TOTAL, IXT_COL_QUERYID, IXT_COL_QUERY};
    const size_t ks[] = {0, 1, 17, 100, N - 1, N, N + 5};
    for (size_t c = 0; c < 4; c++)
        for (int desc = 0; desc < 2; desc++) {
            ixt_stmt **full;
            size_t n = ixt_workload_view(&w, cols[c], desc, NULL, &full);
            assert_int_equal(n, N);
            for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++) {
                ixt_stmt **top;
                assert_int_equal(ixt_workload_view_top(&w, cols[c], desc, NULL, ks[k], &top), N);
                for (size_t i = 0; i < ks[k] && i < n; i++)
                    assert_ptr_equal(top[i], full[i]);
                free(top);
            }
            free(full);
        }
    ixt_workload_free(&w);
    free(flat);
    free(cells);
}

static void test_sort_column_names(void **state)
{
    (void)state;
    assert_int_equal(ixt_stmt_col_parse("total_ms"), IXT_COL_TOTAL);
    assert_int_equal(ixt_stmt_col_parse("CALLS"), IXT_COL_CALLS);
    assert_int_equal(ixt_stmt_col_parse("mean"), IXT_COL_MEAN);
    assert_int_equal(ixt_stmt_col_parse("nonsense"), -1);
    assert_string_equal(ixt_stmt_col_name(IXT_COL_MS_RATE), "ms_per_s");
}

static void test_version_specific_sql(void **state)
{
    (void)state;
    ixt_server_info in;
    memset(&in, 0, sizeof in);
    snprintf(in.pgss_schema, sizeof in.pgss_schema, "public");
    in.version_num = 150000;
    char *sql = ixt_workload_numbers_sql(&in);
    assert_non_null(strstr(sql, "total_exec_time"));
    assert_non_null(strstr(sql, "pg_stat_statements(false)"));
    assert_non_null(strstr(sql, IXT_SQL_TAG));
    free(sql);
    in.version_num = 120000;
    sql = ixt_workload_numbers_sql(&in);
    assert_non_null(strstr(sql, "total_time"));
    assert_null(strstr(sql, "GROUP BY")); /* summed by ingest, not by the server */
    assert_null(strstr(sql, "shared_blks")); /* the live list does not show them */
    free(sql);
}

/* Two servers of one cluster: counters add up by query id, the text comes
 * once, a statement gone from both is dropped on the next merge. */
static void test_merge(void **state)
{
    (void)state;
    ixt_workload p, s, m;
    ixt_workload_init(&p);
    ixt_workload_init(&s);
    ixt_workload_init(&m);
    const char *np[] = {"1", "10", "100", "10", "1", "2", "2", "5", "50", "5", "0", "0"};
    const char *ns[] = {"1", "30", "300", "30", "3", "4"};
    ingest(&p, 2, np, 1000);
    ingest(&s, 1, ns, 1000);
    const char *t[] = {"1", "SELECT 1", "f", "f"};
    ingest_texts(&s, 1, t);
    const ixt_workload *parts[] = {&p, &s};
    ixt_workload_merge(&m, parts, 2);
    assert_int_equal(m.n, 2);
    const ixt_stmt *a = ixt_workload_find(&m, 1);
    assert_true(a->calls == 40 && a->total_ms == 400 && ixt_stmt_mean_ms(a) == 10 && blocks_read(&m, 1) == 6);
    assert_string_equal(text_of(&m, 1), "SELECT 1");
    assert_true(a->share == (float)(400.0 / 450.0));
    /* merged again: sums, not accumulations; 2 is gone from the primary */
    const char *np2[] = {"1", "10", "100", "10", "1", "2"};
    ingest(&p, 1, np2, 2000);
    ixt_workload_merge(&m, parts, 2);
    assert_int_equal(m.n, 1);
    assert_true(ixt_workload_find(&m, 1)->calls == 40);
    ixt_workload_free(&p);
    ixt_workload_free(&s);
    ixt_workload_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates_over_interval),
        cmocka_unit_test(test_quiet_interval_is_smoothed),
        cmocka_unit_test(test_reset_and_disappearing_statements),
        cmocka_unit_test(test_texts_only_for_new_ids),
        cmocka_unit_test(test_view_sorts_filters_and_hides_own),
        cmocka_unit_test(test_entries_of_one_id_are_summed),
        cmocka_unit_test(test_binary_arrays),
        cmocka_unit_test(test_texts_survive_compaction),
        cmocka_unit_test(test_many_statements),
        cmocka_unit_test(test_numbers_in_several_rows),
        cmocka_unit_test(test_bounded_memory),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_filter_compressed),
        cmocka_unit_test(test_filter_block_edges),
        cmocka_unit_test(test_view_top_matches_full_sort),
        cmocka_unit_test(test_sort_column_names),
        cmocka_unit_test(test_version_specific_sql),
        cmocka_unit_test(test_merge),
    };
    return IXT_RUN_TESTS(tests);
}
