/* workload: where the slow queries come from.  Snapshots of
 * pg_stat_statements with rates per second (over the last refresh interval,
 * and averaged over about IXT_RATE_TAU_S seconds), and what is
 * running now (pg_stat_activity).  The module builds the SQL and reads the
 * results; sending them is the caller's business (conn), so the UI can do it
 * without blocking. */
#ifndef IDXTUNE_WORKLOAD_H
#define IDXTUNE_WORKLOAD_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idxtune/conn.h"
#include "idxtune/rate.h"
#include "idxtune/util.h"

typedef enum ixt_stmt_col {
    IXT_COL_TOTAL,      /* total execution time */
    IXT_COL_CALLS,
    IXT_COL_MEAN,
    IXT_COL_ROWS,
    IXT_COL_SHARE,      /* share of all statements' total time */
    IXT_COL_CALLS_RATE, /* calls/s, averaged (ixt_rate) */
    IXT_COL_MS_RATE,    /* ms of execution per second, averaged */
    IXT_COL_QUERYID,
    IXT_COL_QUERY,
    IXT_COL_COUNT
} ixt_stmt_col;

#define IXT_QUERY_LINE_MAX 400
/* room for any listed text: IXT_QUERY_LINE_MAX characters of up to 4
 * bytes and the NUL (ixt_workload_text) */
#define IXT_QUERY_LINE_BYTES (IXT_QUERY_LINE_MAX * 4 + 1)

/* 50,000 of these live in the list (80 bytes each): counters in doubles
 * (they reach 1e15), rates in floats; what derives from them (the mean,
 * the block counts of `top --once`) is kept out. */
typedef struct ixt_stmt {
    int64_t queryid;
    double calls;
    double total_ms;
    double rows;
    /* calls and ms of execution per second: .avg (over ~IXT_RATE_TAU_S) is
     * what lists and sorts use, .last the last interval's value */
    ixt_rate calls_r;
    ixt_rate ms_r;
    float share;        /* 0..1 */
    unsigned seen;      /* snapshot generation that last saw it */
    /* where its one line lives in the workload's compressed texts: a
     * prefix of the text (IXT_QUERY_LINE_MAX characters), what the list
     * shows, so 50,000 long statements do not live in memory; 0 until
     * read.  Read it with ixt_workload_text; the full text is fetched when
     * a statement is opened (ixt_workload_full_texts). */
    uint32_t text;
    uint16_t text_len;  /* its length in bytes */
    uint8_t match;      /* against the workload's last filter (view) */
    bool query_cut;     /* the text is longer than the prefix */
    bool own;           /* an idxtune statement: never listed */
    bool fresh;         /* not yet in a snapshot's rates */
} ixt_stmt;

/* The list's texts, packed one after the other in blocks compressed with
 * zlib (the last one stays plain while it fills): 50,000 short texts cost
 * a fraction of their bytes, not a malloc each.  The blocks are rewritten
 * when the texts of statements gone outweigh the live ones. */
typedef struct ixt_text_block {
    unsigned char *z;    /* deflated bytes; NULL for the block being filled */
    uint32_t zlen, plain_len;
} ixt_text_block;

typedef struct ixt_text_cache ixt_text_cache;

typedef struct ixt_text_arena {
    ixt_text_block *blocks;
    size_t nblocks;
    char *open;          /* the last block's plain bytes */
    size_t used;         /* bytes taken in the last block */
    size_t live, dead;   /* bytes of texts still referenced, and dropped */
    ixt_text_cache *cache; /* the last block inflated, for reads by row */
    /* blocks kept plain: for a one-shot listing that reads every text in
     * no block order (`top --once`), where time counts more than memory */
    bool plain;
} ixt_text_arena;

typedef struct ixt_workload {
    ixt_stmt *items;
    size_t n, cap;
    /* shared blocks hit and read, two per item, when the snapshots carry
     * them (ixt_workload_refresh); NULL in the live list */
    double *blocks;
    uint32_t *slots;     /* hash of queryid -> index+1 */
    size_t nslots;
    ixt_text_arena texts;
    unsigned generation;
    /* changes with every ingest: a view taken at the same version still
     * holds (its pointers too) */
    unsigned version;
    double last_ms;      /* monotonic time of the last snapshot */
    double interval_s;   /* length of the last interval; 0 on the first */
    double total_ms_all;
    bool texts_hidden;   /* some texts are <insufficient privilege> */
    /* the filter the items' match flags answer (ixt_workload_view_top):
     * a filter that extends it tests only the items that matched */
    char *match_filter;
    /* entries of other roles without a queryid (the role lacks
     * pg_read_all_stats): not listed, counted in the last snapshot */
    size_t hidden;
} ixt_workload;

void ixt_workload_init(ixt_workload *w);
void ixt_workload_free(ixt_workload *w);

/* The numbers query of the live list (no texts: pg_stat_statements(false)),
 * for the server's version; $1 is the database oid.  Rows of arrays with
 * an element per entry (a few thousand a row), not grouped (the server's
 * cheapest form; ingest sums the entries of a query id): queryid (NULL for
 * the entries the role may not see), calls, total ms, rows.  Send it with binary results
 * (IXT_WORKLOAD_NUMBERS_FORMAT): ingest reads the arrays in place.  The
 * block counts are read by ixt_workload_refresh only.  caller frees */
char *ixt_workload_numbers_sql(const ixt_server_info *in);
#define IXT_WORKLOAD_NUMBERS_FORMAT 1
/* What the list shows of the texts for the query ids in $2 (a bigint[]
 * literal; NULL for all): the one-line prefix, whether it was cut, whether
 * it is idxtune's own.  caller frees */
char *ixt_workload_texts_sql(const ixt_server_info *in);
/* The full texts of the query ids in $2 (a bigint[] literal).  caller frees */
char *ixt_workload_full_texts_sql(const ixt_server_info *in);

/* Takes a numbers snapshot taken at now_ms (monotonic), computes rates
 * against the previous one, and drops statements that disappeared.  r is
 * the numbers query's binary result (all its rows), with or without two
 * more arrays: shared blocks hit and read. */
int ixt_workload_ingest_numbers(ixt_workload *w, const PGresult *r, double now_ms, ixt_err *e);
/* Up to max statements still without text, as a bigint[] literal
 * ("{1,2}"), or NULL when none is missing.  caller frees */
char *ixt_workload_missing_texts(const ixt_workload *w, size_t max);
/* Whether texts are missing.  *ids is the texts query's $2: the literal of
 * the missing ones, or NULL (SQL NULL: every text of the database, in one
 * pass over the server's text file) when more than max are missing, as on
 * the first refresh.  *ids: caller frees */
bool ixt_workload_texts_wanted(const ixt_workload *w, size_t max, char **ids);
int ixt_workload_ingest_texts(ixt_workload *w, const PGresult *r, ixt_err *e);

/* Blocking: the texts of ids[0..n) in c's database as stored, for a
 * statement being opened (plan, lab, advice, export need all of it).
 * texts[i] is NULL for a statement gone, hidden from the role, or
 * idxtune's own.
 * *texts: caller frees each and the array (ixt_workload_texts_free) */
int ixt_workload_full_texts(ixt_conn *c, const int64_t *ids, size_t n, char ***texts, ixt_err *e);
void ixt_workload_texts_free(char **texts, size_t n);
/* The same for one statement: NULL with e filled when it is gone.
 * caller frees */
char *ixt_workload_full_text(ixt_conn *c, int64_t queryid, ixt_err *e);

/* The listed text of s, an item of w (the one-line prefix), copied into
 * buf (IXT_QUERY_LINE_BYTES hold any, a shorter one gets a cut copy);
 * "" when not read yet.  Returns buf. */
char *ixt_workload_text(const ixt_workload *w, const ixt_stmt *s, char *buf, size_t len);

/* The listed statements (own ones left out), filtered by a case-insensitive
 * substring of the listed text (its prefix) or query id (NULL or "" for all), sorted by col.
 * Returns the count; *out is an array of pointers into w, valid until the
 * next ingest.  w keeps which items matched the filter, so the next filter
 * that extends it (a character typed) tests only those; the texts are
 * inflated a block at a time.  *out: caller frees the array only */
size_t ixt_workload_view(ixt_workload *w, ixt_stmt_col col, bool desc,
                         const char *filter, ixt_stmt ***out);
/* The same with only the first k in order (the rows on screen), the rest
 * after them in no order: a linear selection instead of a full sort. */
size_t ixt_workload_view_top(ixt_workload *w, ixt_stmt_col col, bool desc,
                             const char *filter, size_t k, ixt_stmt ***out);

/* What the role may not see, for a warning ("showing only this role's
 * statements: 3 of other roles hidden; grant pg_read_all_stats ...").
 * Returns false, buf untouched, when nothing is hidden. */
bool ixt_workload_hidden_note(const ixt_workload *w, char *buf, size_t len);

const ixt_stmt *ixt_workload_find(const ixt_workload *w, int64_t queryid); /* borrowed */
/* Mean execution time in ms (0 before the first call). */
double ixt_stmt_mean_ms(const ixt_stmt *s);
/* Shared blocks hit and read by s, an item of w (0 when the snapshots did
 * not carry them). */
void ixt_workload_blocks(const ixt_workload *w, const ixt_stmt *s, double *hit, double *read);
const char *ixt_stmt_col_name(ixt_stmt_col col); /* borrowed, e.g. "total_ms" */
/* Parses a column name as used by --sort ("total", "total_ms", "calls"...);
 * returns -1 when unknown. */
int ixt_stmt_col_parse(const char *name);

/* Rebuilds dst as the sum of parts by query id (several servers of one
 * cluster): counters and rates add up, a text comes from the first part
 * that has it and is copied once, entries in no part are dropped.  dst is
 * updated in place, so its rows keep their texts between merges. */
void ixt_workload_merge(ixt_workload *dst, const ixt_workload *const *parts, size_t nparts);

/* Blocking convenience for batch mode: one numbers snapshot plus texts
 * (the first snapshot of w in one round trip, its texts with it). */
int ixt_workload_refresh(ixt_workload *w, ixt_conn *c, ixt_err *e);

/* What is running now. */
typedef struct ixt_activity {
    int pid;
    char *user;
    char *state;
    char *wait;          /* "Lock:relation" or "" */
    char *query;         /* one line */
    char *query_full;
    char *app;
    double query_ms;     /* since query_start; -1 when unknown */
    double xact_ms;
} ixt_activity;

typedef struct ixt_activity_list {
    ixt_activity *items;
    size_t n;
} ixt_activity_list;

const char *ixt_activity_sql(void); /* borrowed */
int ixt_activity_ingest(ixt_activity_list *l, const PGresult *r, ixt_err *e);
void ixt_activity_free(ixt_activity_list *l);

#endif
