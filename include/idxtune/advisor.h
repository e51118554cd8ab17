/* advisor: suggests indexes for a workload.  The catalog facts are
 * fetched once (facts), candidates come from the parse trees
 * (candidates), and a greedy search scored with HypoPG picks the set with
 * the most value per MB within a storage budget, value being the read
 * cost saved per second net of the write cost the index adds.  Chosen
 * indexes grow by the next column that helps; a final pass drops any pick
 * whose own value given the others falls below the threshold.  When the
 * budget stops the greedy, a pick is swapped for a candidate that fits in
 * its place when the set is then worth more.  The greedy
 * is lazy: a candidate is scored again only when its last value per MB
 * could still win the step, and each step's what-ifs go in one pipeline;
 * without a budget a step also takes the next moves it already knows
 * exactly (candidates whose statements read none of the tables just
 * indexed).  Statements whose placeholders need casts get them in rounds
 * for all of them together, from the errors of the first plans. */
#ifndef IDXTUNE_ADVISOR_H
#define IDXTUNE_ADVISOR_H

#include <stdbool.h>

#include "idxtune/candidates.h"
#include "idxtune/conn.h"
#include "idxtune/explain.h"
#include "idxtune/plan.h"
#include "idxtune/sqlparse.h"
#include "idxtune/util.h"

typedef struct ixt_adv_stmt {
    char *sql;                 /* as given.  owned */
    char *planned;             /* typed text that plans: typed.sql.  borrowed */
    ixt_explain_prep typed;    /* its plan request, script empty: what-ifs copy it */
    long long queryid;
    double weight;             /* calls (1 for a file of statements) */
    double rows;               /* rows over those calls (pg_stat_statements), -1 unknown */
    double base_cost;          /* without new indexes */
    double changed_rows;       /* rows a call of a write changes, as planned */
    /* the statement whose rows make the server run this one: a foreign
     * key's lookup (see facts' ixt_fk_fact), -1 when given */
    int fired_by;
    double cost;               /* with the chosen set */
    ixt_sql_info *info;
    bool ok;
    /* its plan without new indexes leaves every partition to pruning at
     * executor start (a generic plan of a partitioned table) */
    bool pruned;
    char error[256];           /* why it was skipped */
} ixt_adv_stmt;

typedef struct ixt_adv_cand {
    char *def;                 /* CREATE INDEX ...  borrowed from the advisor's set */
    char *table;               /* borrowed from the advisor's set */
    double size_bytes;         /* HypoPG's estimate (for all partitions together) */
    int partitions;            /* leaf partitions of a partitioned table, else 0 */
    double size_real;          /* corrected for btree deduplication; the budget counts this */
    double write_cost;         /* cost units per second of index maintenance (same unit as benefit) */
    double writes_per_s;       /* rows written to its table per second */
    int hot_breaks;            /* workload UPDATEs that would no longer be HOT */
    double hot_rate;           /* their executions per second */
    char hot_example[96];      /* the first of them */
    double benefit;            /* read cost saved per second, given the other picks */
    char replaces[160];        /* existing index this one makes redundant, "" when none */
    bool chosen;
    /* HypoPG cannot simulate it (GIN, GiST): worth a real trial */
    bool untestable;
    char why[160];
} ixt_adv_cand;

typedef struct ixt_advisor {
    ixt_conn *c;
    /* where table writes are counted: the primary when c is a hot standby
     * (a standby counts none); NULL: c.  borrowed */
    ixt_conn *writes_from;
    ixt_adv_stmt *stmts;
    int nstmts;
    ixt_adv_cand *cands;
    int ncands;
    int *picks;                /* indexes into cands, in the order chosen */
    int npicks;
    double budget_mb;          /* 0: no limit (checked against corrected sizes) */
    /* size of the smallest index that would have helped but did not fit
     * the budget; 0 when the budget left none out */
    double left_out_bytes;
    double min_share;          /* a pick must be worth at least this share of the workload (0.001) */
    double write_weight;       /* scales write costs in the objective (1) */
    double span_s;             /* seconds the weights cover (1 for a file of statements) */
    bool timed;                /* weights are calls over span_s: write costs count in the choice */
    ixt_cand_set set;          /* the candidates' shapes, parallel to cands */
    ixt_cand_facts facts;
    double weighted_before, weighted_after, size_bytes, size_real, write_cost;
    /* weighted cost before of the statements given, without the
     * foreign-key lookups they fire (one index takes those away): what
     * min_share is a share of */
    double floor_base;
    long whatif_calls, cache_hits;
    int qualstats_uses;        /* predicates learned from pg_qualstats */
    int loads_skipped;         /* top statements ixt_advisor_offer left out as one-off loads */
    char **unanalyzed;         /* tables never analyzed.  owned */
    int nunanalyzed;
    void *cache;               /* what-if results */
    /* One what-if request at a time instead of a pipeline per greedy step
     * (the advice is the same; for comparison and old links). */
    bool sequential;
    /* Asked between two what-if steps: true stops the run, which then
     * fails with "cancelled" (the TUI's Esc).  NULL: never. */
    bool (*stop)(void *ctx);
    void *stop_ctx;
    /* The final plans the run made in its last round trip (the clean-up
     * of its hypothetical indexes rides along), until
     * ixt_advisor_final_plans takes them.  owned; NULL: none */
    ixt_plan **final;
    char (*final_names)[128];
    /* and [p * nstmts + i]: statement i's cost with pick p alone, where
     * its plan leaves every partition to pruning at executor start (no
     * index shows in it); NAN where not made.  owned; NULL: none */
    double *final_alone;
} ixt_advisor;

typedef void (*ixt_adv_progress)(void *ctx, int done, int total, const char *what);

/* min_share 0: the default.  write_weight starts at 1: set it after. */
void ixt_advisor_init(ixt_advisor *a, ixt_conn *c, double budget_mb, double min_share);
void ixt_advisor_free(ixt_advisor *a);
/* Adds a statement, run `weight` times for `rows` rows in all (-1:
 * unknown; a write statement's rows are its table's writes); one that
 * cannot be planned is kept with the reason. */
void ixt_advisor_add(ixt_advisor *a, const char *sql, double weight, double rows, long long queryid);
/* Adds one of the top statements of pg_stat_statements, run calls times
 * for rows rows, unless it has no plan (COMMIT, SET, ...) or is a one-off
 * load: an INSERT of IXT_BULK_ROWS rows or more run once, which no index
 * makes faster and which does not come again (counted in loads_skipped).
 * Returns whether it was added. */
bool ixt_advisor_offer(ixt_advisor *a, const char *sql, double calls, double rows, long long queryid);
/* Adds every statement of a file (split on ';'), weight 1. */
int ixt_advisor_add_file(ixt_advisor *a, const char *path, ixt_err *e);
/* How many of the statements are foreign-key lookups the others fire
 * (fired_by set), added by the run after the statements given. */
int ixt_advisor_lookups(const ixt_advisor *a);
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
/* Every statement planned with the whole advice (the picks as
 * hypothetical indexes, removed again after): plans[i] per statement,
 * NULL when it cannot be; names[p] the hypothetical name of pick p, ""
 * when it could not be made.  Those the run made the first time, else
 * one round trip unless sequential.  plans has nstmts entries, names
 * npicks, both given by the caller; caller frees the plans with
 * ixt_plan_free */
void ixt_advisor_final_plans(ixt_advisor *a, ixt_plan **plans, char (*names)[128]);
/* What bulk writes did to the write rates, into buf: the loads left out
 * (see ixt_bulk_fact), and, when write costs count in the choice, the
 * bulk writes counted when they made at least half the rows written, with
 * what to do; false (buf untouched) when neither. */
bool ixt_advisor_bulk_note(const ixt_advisor *a, char *buf, size_t len);
/* Size corrected for deduplication, write cost and HOT impact of an index
 * of any shape (HypoPG's size_bytes given), from the facts of a run: to
 * weigh another method's advice on the same scale.  out borrows from s. */
void ixt_advisor_assess(ixt_advisor *a, const ixt_cand *s, double size_bytes, ixt_adv_cand *out);
/* The existing index pick p makes redundant (its "replaces"), NULL when
 * none.  borrowed from the advisor's facts */
const ixt_index_fact *ixt_advisor_replaced(const ixt_advisor *a, int pick);
/* Cost of every statement with only the chosen index p (for reports),
 * into costs[nstmts] (-1 when it cannot be planned).  One round trip
 * unless sequential. */
void ixt_advisor_costs_with(ixt_advisor *a, int pick, double *costs);

/* Which statements each pick helps, from the final plans (one round trip
 * unless sequential): uses[p * nstmts + i] when statement i planned with
 * the whole advice uses pick p; final[i] its cost then.  Both owned: free
 * with ixt_adv_helped_free. */
typedef struct ixt_adv_helped {
    bool *uses;
    double *final;
} ixt_adv_helped;
void ixt_advisor_helped(ixt_advisor *a, ixt_adv_helped *h);
void ixt_adv_helped_free(ixt_adv_helped *h);
#endif
