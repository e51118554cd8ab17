/* advisor: suggests indexes for a workload.  Candidates come from each
 * statement's parse tree (equality, range, join, sort and group columns;
 * multi-column orders with equality first, then the sort, then a range;
 * partial indexes for constant predicates; expression and GIN indexes;
 * INCLUDE columns for index-only scans; the columns of row-level security
 * policies).  A greedy search scored with HypoPG picks the set that cuts
 * the weighted workload cost most per MB, within a storage budget. */
#ifndef IDXTUNE_ADVISOR_H
#define IDXTUNE_ADVISOR_H

#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/plan.h"
#include "idxtune/sqlparse.h"
#include "idxtune/util.h"

typedef struct ixt_adv_stmt {
    char *sql;                 /* as given.  owned */
    char *planned;             /* typed text that plans.  owned */
    long long queryid;
    double weight;             /* calls (1 for a file of statements) */
    double base_cost;          /* without new indexes */
    double cost;               /* with the chosen set */
    ixt_sql_info *info;
    bool ok;
    char error[256];           /* why it was skipped */
} ixt_adv_stmt;

typedef struct ixt_adv_cand {
    char *def;                 /* CREATE INDEX ...  owned */
    char *table;               /* owned */
    double size_bytes;
    bool chosen;
    /* HypoPG cannot simulate it (GIN, GiST): worth a real trial */
    bool untestable;
    char why[160];
} ixt_adv_cand;

typedef struct ixt_advisor {
    ixt_conn *c;
    ixt_adv_stmt *stmts;
    int nstmts;
    ixt_adv_cand *cands;
    int ncands;
    int *picks;                /* indexes into cands, in the order chosen */
    int npicks;
    double budget_mb;          /* 0: no limit */
    /* size of the smallest index that would have helped but did not fit
     * the budget; 0 when the budget left none out */
    double left_out_bytes;
    double min_share;          /* a step must save at least this share (0.01) */
    double weighted_before, weighted_after, size_bytes;
    long whatif_calls, cache_hits;
    int qualstats_uses;        /* predicates learned from pg_qualstats */
    char **unanalyzed;         /* tables never analyzed.  owned */
    int nunanalyzed;
    void *cache;               /* what-if results */
    /* Asked between two what-if steps: true stops the run, which then
     * fails with "cancelled" (the TUI's Esc).  NULL: never. */
    bool (*stop)(void *ctx);
    void *stop_ctx;
} ixt_advisor;

typedef void (*ixt_adv_progress)(void *ctx, int done, int total, const char *what);

void ixt_advisor_init(ixt_advisor *a, ixt_conn *c, double budget_mb, double min_share);
void ixt_advisor_free(ixt_advisor *a);
/* Adds a statement; one that cannot be planned is kept with the reason. */
void ixt_advisor_add(ixt_advisor *a, const char *sql, double weight, long long queryid);
/* Adds every statement of a file (split on ';'), weight 1. */
int ixt_advisor_add_file(ixt_advisor *a, const char *path, ixt_err *e);
/* Generates the candidates, then the greedy search.  Fails (e filled)
 * when HypoPG is missing or the role may not execute its functions, and
 * when the connection is lost: never a candidate's property. */
int ixt_advisor_run(ixt_advisor *a, ixt_adv_progress progress, void *ctx, ixt_err *e);
/* Every candidate alone on one statement: up to max candidates that cut
 * its cost, cheapest plan first.  Returns the count. */
int ixt_advisor_rank(ixt_advisor *a, int stmt, int *order, double *costs, int max);
/* Statement i planned with the hypothetical indexes of the backend now,
 * NULL when it cannot be.  caller frees with ixt_plan_free */
ixt_plan *ixt_advisor_plan(ixt_advisor *a, int stmt);
/* Cost of statement i with only the chosen index p (for reports), or -1. */
double ixt_advisor_cost_with(ixt_advisor *a, int stmt, int pick);

#endif
