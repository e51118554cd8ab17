/* verify: did the rolled-out indexes do what they were accepted for?  At
 * accept time a baseline of the statements an index affects is taken from
 * pg_stat_statements (the statements it helps and the writes on its
 * table); after the rollout two snapshots a window apart give the mean
 * time of each statement over the window, compared with the baseline, and
 * the growth of each index's idx_scan.  The verdict is for a human:
 * idxtune never drops anything. */
#ifndef IDXTUNE_VERIFY_H
#define IDXTUNE_VERIFY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "idxtune/baseline.h"
#include "idxtune/conn.h"
#include "idxtune/util.h"

/* A regression: the mean rose by more than both of these. */
#define IXT_VERIFY_REGRESS_PCT 20.0
#define IXT_VERIFY_REGRESS_MS 1.0
/* Fewer calls of an index's statements in the window: "watch". */
#define IXT_VERIFY_MIN_CALLS 5

struct ixt_nodes;
struct ixt_node_links;
struct ixt_review;
struct ixt_review_item;

/* A statement the index was accepted for or helps: its query id, or its
 * text when typed (matched by fingerprint). */
typedef struct ixt_baseline_target {
    int64_t queryid;     /* 0: unknown */
    const char *sql;     /* may be NULL.  borrowed */
} ixt_baseline_target;

/* Replaces it->baseline with pg_stat_statements' numbers now for the
 * item's own statement, the targets, and the writing statements on
 * it->table. */
int ixt_baseline_take(ixt_conn *c, struct ixt_review_item *it, const ixt_baseline_target *t, int nt,
                      ixt_err *e);
/* The same over the servers of a cluster (--node) that are up: each
 * statement's numbers summed, with each server's part.  A server other
 * than the main that is down or fails is left out and named in skipped
 * ("standby-1 (down)"; "" when none); the main's failure fails it. */
int ixt_baseline_take_nodes(struct ixt_nodes *ns, struct ixt_review_item *it, const ixt_baseline_target *t, int nt,
                            char *skipped, size_t len, ixt_err *e);
/* The same from a worker thread: on c (the main's server, named
 * main_name) and on a connection of its own to each link, opened and
 * closed (one that cannot be reached is named in skipped).  Without links
 * it is ixt_baseline_take. */
int ixt_baseline_take_links(ixt_conn *c, const char *main_name, const struct ixt_node_links *l,
                            struct ixt_review_item *it, const ixt_baseline_target *t, int nt, char *skipped,
                            size_t len, ixt_err *e);

/* ===== after the rollout ===== */

typedef struct ixt_verify_snap {
    double at_ms;             /* monotonic */
    struct {
        bool exists, valid;
        double size_bytes, idx_scan;
    } *idx;                   /* [nidx], the session's accepted indexes in order.  owned */
    int nidx;
    struct {
        int64_t queryid;
        double calls, total_ms;
    } *st;                    /* owned */
    int nst;
} ixt_verify_snap;

/* The snapshot query and its parameters for the accepted indexes of r and
 * their baseline statements; sent blocking or not by the caller. */
typedef struct ixt_verify_query {
    char *sql;
    char *params[3];
} ixt_verify_query;

int ixt_verify_query_make(const struct ixt_review *r, const ixt_server_info *in, ixt_verify_query *q, ixt_err *e);
void ixt_verify_query_free(ixt_verify_query *q);
int ixt_verify_snap_ingest(const struct ixt_review *r, const PGresult *res, double at_ms, ixt_verify_snap *s,
                           ixt_err *e);
/* Blocking: query, send, ingest. */
int ixt_verify_snapshot(ixt_conn *c, const struct ixt_review *r, ixt_verify_snap *s, ixt_err *e);
void ixt_verify_snap_free(ixt_verify_snap *s);

typedef enum ixt_outcome { IXT_OUTCOME_KEEP, IXT_OUTCOME_WATCH, IXT_OUTCOME_REGRESSED } ixt_outcome;
const char *ixt_outcome_word(ixt_outcome v);   /* "keep", "watch", "regressed".  borrowed */

/* One server's part of a statement over the window (several servers). */
typedef struct ixt_verify_part {
    double mean_before;                  /* its part of the baseline; -1 not in it */
    double mean_after;                   /* -1 without calls */
    double calls;                        /* in the window */
} ixt_verify_part;

typedef struct ixt_verify_index {
    const char *schema, *name, *table;   /* borrowed from the review */
    int phase;                           /* 1-based rollout order */
    bool exists, valid;
    double size_bytes, idx_scan, scans;  /* scans: idx_scan growth over the window */
    double calls;                        /* calls of its reading statements in the window */
    double *scans_at;                    /* [report nnodes]: scans per server, NULL with one.  owned */
    ixt_outcome verdict;
    char reason[256];
} ixt_verify_index;

typedef struct ixt_verify_stmt {
    int64_t queryid;
    const char *query;                   /* borrowed from the review */
    bool write;
    int phase;                           /* of the first index it is a baseline of */
    double mean_before;                  /* the baseline's mean */
    double mean_after;                   /* over the window; -1 without calls */
    double calls;                        /* in the window */
    double change_pct;                   /* meaningful when mean_after >= 0 */
    bool regressed;
    ixt_verify_part *parts;              /* [report nnodes], NULL with one server.  owned */
} ixt_verify_stmt;

typedef struct ixt_verify_report {
    double window_s;
    ixt_verify_index *idx;               /* owned */
    int nidx;
    ixt_verify_stmt *st;                 /* one per query id.  owned */
    int nst;
    char **regressions;                  /* sentences.  owned */
    int nregressions;
    char (*nodes)[32];                   /* the servers compared when several, in order.  owned */
    int nnodes;
} ixt_verify_report;

/* Pure: compares two snapshots of r (a before b) with r's baselines.
 * The strings of *out point into r: free out before r. */
void ixt_verify_compare(const struct ixt_review *r, const ixt_verify_snap *a, const ixt_verify_snap *b,
                        ixt_verify_report *out);
/* Over several servers of a cluster (--node): a[i] before b[i] on the
 * server names[i] (the main first: the indexes' existence, validity and
 * size are its).  A statement's mean after is over the calls on all of
 * them, its mean before over the parts of its baseline taken on these
 * servers (the whole baseline when it has none of theirs); index scans
 * are summed.  Each statement and index also gets each server's part. */
void ixt_verify_compare_nodes(const struct ixt_review *r, const ixt_verify_snap *a, const ixt_verify_snap *b,
                              const char *const *names, int nnodes, ixt_verify_report *out);
void ixt_verify_report_free(ixt_verify_report *out);

#endif
