/* trial: trying an index.  Hypothetical indexes (HypoPG) live only in the
 * lab connection's backend: no lock, no write, gone with the connection.
 * Real trials build the index inside BEGIN ... ROLLBACK with lock_timeout
 * and statement_timeout, so nothing outlives the transaction. */
#ifndef IDXTUNE_TRIAL_H
#define IDXTUNE_TRIAL_H

#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/explain.h"
#include "idxtune/indexdef.h"
#include "idxtune/script.h"
#include "idxtune/util.h"

typedef struct ixt_hypo {
    unsigned int oid;   /* HypoPG's pseudo oid */
    char name[128];     /* e.g. "<13444>btree_runs_status" */
    double size_bytes;  /* hypopg_relation_size estimate: on a partitioned
                           table, one figure for all its partitions */
    int partitions;     /* leaf partitions of a partitioned table, else 0 */
} ixt_hypo;

/* Creates a hypothetical index of d->sql in c's backend. */
int ixt_hypo_create_def(ixt_conn *c, const ixt_indexdef *d, ixt_hypo *h, ixt_err *e);
/* The same for a definition held as text (the advisor's candidates): read
 * by ixt_indexdef_parse first. */
int ixt_hypo_create(ixt_conn *c, const char *create_sql, ixt_hypo *h, ixt_err *e);
int ixt_hypo_drop(ixt_conn *c, unsigned int oid, ixt_err *e);
/* Drops every hypothetical index of the backend. */
int ixt_hypo_reset(ixt_conn *c, ixt_err *e);
/* Its statement, to send in a pipeline (HypoPG installed).  caller frees */
char *ixt_hypo_reset_sql(const ixt_conn *c);
/* The message to show when HypoPG is missing, with how to install it. */
const char *ixt_hypo_missing_hint(const ixt_server_info *in);

/* What-if work in one round trip (one pipeline): hypothetical indexes
 * created and dropped, statements planned, in the order added.  A create
 * remembers its index's oid in the backend under a slot number, so that a
 * drop later in the same batch finds it without a round trip; a failed
 * step fails alone. */
typedef struct ixt_whatif_op {
    ixt_explain_prep prep;  /* its script is the op's requests */
} ixt_whatif_op;

typedef struct ixt_whatif {
    ixt_whatif_op *ops;
    int n, cap;
} ixt_whatif;

void ixt_whatif_init(ixt_whatif *w);
void ixt_whatif_free(ixt_whatif *w);
/* Each returns the op's number, or -1 with e filled (a definition or a
 * statement that cannot be read, HypoPG missing). */
int ixt_whatif_create(ixt_conn *c, ixt_whatif *w, const char *create_sql, int slot, ixt_err *e);
/* Drops the index of the slot, or the one of oid when oid > 0. */
int ixt_whatif_drop(ixt_conn *c, ixt_whatif *w, int slot, unsigned int oid, ixt_err *e);
/* Drops every hypothetical index of the backend. */
int ixt_whatif_reset(ixt_conn *c, ixt_whatif *w, ixt_err *e);
/* Plans a typed text (a prep's sql from an earlier run), as
 * ixt_explain_run does. */
int ixt_whatif_explain(ixt_whatif *w, const char *typed_sql, ixt_err *e);
/* The same for done's text, without parsing it again (see
 * ixt_explain_prepare_again).  Returns the op's number. */
int ixt_whatif_explain_again(ixt_whatif *w, const ixt_explain_prep *done, bool cost_only);
/* Runs every op added.  Returns -1 (e filled) only when the batch could
 * not run: the connection broke.  A failed op is told by the getters. */
int ixt_whatif_run(ixt_conn *c, ixt_whatif *w, ixt_err *e);
/* The index a create op made, or -1 with why it failed. */
int ixt_whatif_hypo(const ixt_whatif *w, int op, ixt_hypo *h, ixt_err *e);
/* The plan JSON of an explain op, or NULL with why it failed.  caller frees */
char *ixt_whatif_plan(const ixt_whatif *w, int op, ixt_err *e);

/* Write context of a table: its write counters and existing indexes. */
typedef struct ixt_table_index {
    char *name;         /* owned */
    char *def;          /* pg_get_indexdef.  owned */
    double scans;       /* idx_scan */
    double size_bytes;
} ixt_table_index;

typedef struct ixt_table_ctx {
    double writes;      /* n_tup_ins + n_tup_upd + n_tup_del, cumulative; -1 unknown */
    double sampled_ms;  /* when writes was read */
    double write_rate;  /* per second between the last two samples, -1 unknown */
    double rows;        /* reltuples */
    double size_bytes;
    bool never_analyzed;
    int partitions;     /* leaf partitions of a partitioned table, else 0 */
    ixt_table_index *indexes;
    int nindexes;
} ixt_table_ctx;

/* Reads (or refreshes, computing the write rate) the context of d's table
 * on c; the write counter from `writes`: c itself, or the primary when c
 * is a hot standby (which counts no writes); NULL when there is none to
 * ask: writes and write_rate are then unknown (-1). */
int ixt_table_ctx_read(ixt_conn *c, ixt_conn *writes, const ixt_indexdef *d, ixt_table_ctx *ctx, ixt_err *e);
void ixt_table_ctx_free(ixt_table_ctx *ctx);

/* A real trial: N runs of EXPLAIN ANALYZE without the index, the build,
 * N runs with it, then ROLLBACK - all in one transaction.  Each run sits in
 * a savepoint so a writing statement sees the same data every time; a
 * statement that does not write runs read-only. */
typedef struct ixt_real_trial {
    ixt_script script;
    int runs;
    int before_first, after_first;   /* steps of the first EXPLAIN of each half */
    int run_steps;                   /* steps per run */
    int build_first, nbuild, size_step;
} ixt_real_trial;

/* Builds the script from an ANALYZE explain prepared for the statement.
 * The runs without the index take no lock that blocks writers; from the
 * CREATE INDEX on, every step shares one budget of lock_timeout_ms, so
 * writers never wait on the trial for longer than that. */
void ixt_real_trial_build(ixt_real_trial *t, const char *const *creates, int ncreates,
                          const ixt_explain_prep *prep, int runs, int lock_timeout_ms,
                          int statement_timeout_ms);
void ixt_real_trial_free(ixt_real_trial *t);
/* How far a HypoPG size goes: "" for a plain table, else " for N
 * partitions together (...)" written into buf.  borrowed (buf or static) */
const char *ixt_hypo_size_scope(int partitions, char *buf, size_t len);
/* Whose writes wait during a real trial on table (partitions as in
 * ixt_table_ctx): every partition's when it is partitioned.  Written into
 * buf, returned. */
const char *ixt_real_trial_locks(const char *table, int partitions, char *buf, size_t len);
/* What a real trial of the statement changes for good, to tell the user
 * before it runs: NULL when nothing.  borrowed */
const char *ixt_real_trial_caveat(const ixt_explain_prep *prep);

/* How long the builds of a real trial hold their lock, estimated before
 * anything takes that lock, from the size of the tables and a build rate:
 * the one an earlier build of the same indexes ran at, else the one of the
 * same indexes built over a sample of their tables, else a conservative
 * default (what a loaded two-core server builds a two-column btree at). */
#define IXT_BUILD_RATE_DEFAULT (40.0 * 1024 * 1024)   /* bytes per second */
/* A sample's rate, scaled to the whole table, misses what only a big
 * build pays (a sort out of cache, WAL) and what only it gets (parallel
 * workers: a temporary table has none).  On the demo at scale 1, on a
 * loaded two-core machine, the real builds took 0.4 to 1.5 times the
 * estimate with this margin; one that overruns is still stopped at the
 * lock timeout. */
#define IXT_BUILD_SAMPLE_MARGIN 1.25

typedef enum ixt_build_basis {
    IXT_BUILD_DEFAULT,         /* nothing measured */
    IXT_BUILD_SAMPLED,         /* the same indexes built over a sample */
    IXT_BUILD_MEASURED,        /* an earlier build of the same indexes */
} ixt_build_basis;

/* The indexes built over samples of their tables. */
typedef struct ixt_build_sample {
    double sample_bytes;       /* the samples' heaps, summed */
    double ms;                 /* building every index once over its sample */
} ixt_build_sample;

typedef struct ixt_build_estimate {
    double ms;                 /* the builds, estimated */
    double table_bytes;        /* summed over the indexes built */
    double rate;               /* bytes per second used */
    ixt_build_basis basis;
    ixt_build_sample sample;   /* IXT_BUILD_SAMPLED */
    bool fits;                 /* ms within the lock timeout */
    int suggest_timeout_ms;    /* a lock timeout it would fit in (when it does not) */
} ixt_build_estimate;

/* Pure.  measured_rate > 0: an earlier build of the same indexes (bytes
 * per second); else sample when it measured something (may be NULL); else
 * the default rate. */
void ixt_build_estimate_make(double table_bytes, double measured_rate, const ixt_build_sample *sample,
                             int lock_timeout_ms, ixt_build_estimate *out);
/* "build estimated 1.6 s: a 1.3 % sample built in 14 ms (table 157 MB)".
 * Returns out */
char *ixt_build_estimate_text(const ixt_build_estimate *b, char *out, size_t n);
/* The rate a finished build ran at (bytes per second), 0 when unknown. */
double ixt_build_rate(double table_bytes, double build_ms);

/* Measuring the build on a sample: in one transaction that is rolled back,
 * a temporary table per index holds a copy of about
 * IXT_BUILD_SAMPLE_BYTES of its table's pages (TABLESAMPLE SYSTEM: the
 * real table is only read, under the ACCESS SHARE lock of any SELECT),
 * and the index is built on it IXT_BUILD_SAMPLE_BUILDS times, the median
 * kept: one short build is at the mercy of the scheduler. */
#define IXT_BUILD_SAMPLE_BYTES (2.0 * 1024 * 1024)
#define IXT_BUILD_SAMPLE_BUILDS 3

typedef struct ixt_build_sampler {
    ixt_script script;
    int n;                     /* indexes */
    int first;                 /* the first index's first build step */
    int steps;                 /* steps per index */
} ixt_build_sampler;

/* Builds the script (pure: nothing runs).  Free with
 * ixt_build_sampler_free, also after a failure. */
int ixt_build_sampler_make(ixt_build_sampler *s, const ixt_indexdef *defs, int n, int lock_timeout_ms,
                           int statement_timeout_ms, ixt_err *e);
/* After the script ran: the heaps the real builds would scan (of every
 * partition for a partitioned table), summed, and what the samples
 * measured. */
int ixt_build_sampler_result(const ixt_build_sampler *s, double *table_bytes, ixt_build_sample *out,
                             ixt_err *e);
void ixt_build_sampler_free(ixt_build_sampler *s);

typedef struct ixt_real_result {
    double before_median_ms, before_min_ms;
    double after_median_ms, after_min_ms;
    double before_hit, before_read, after_hit, after_read;  /* shared buffers, median run */
    double build_ms;
    double size_bytes;         /* of all the indexes built */
    char index_name[128];      /* the first one's name */
    char *after_json;       /* plan of the first run with the index.  owned */
} ixt_real_result;

/* Reads the results after the script ran. */
int ixt_real_trial_result(const ixt_real_trial *t, ixt_real_result *r, ixt_err *e);
void ixt_real_result_free(ixt_real_result *r);

#endif
