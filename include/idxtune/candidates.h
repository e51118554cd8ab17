/* candidates: the index candidates of a workload, as a pure function of
 * the statements' parse trees and facts about the catalog fetched once
 * beforehand (columns, pg_stats, row-security policies, pg_qualstats).
 * No server is asked here, so the generation is tested on captured
 * inputs.  Key orders: equality first (under row-level security the
 * policy's column before the statement's own), then the sort, then a
 * range; INCLUDE columns for index-only scans; partial indexes for a
 * constant on a column of few values, or for IS [NOT] NULL on a column
 * whose rows that keeps are at most half; expression and GIN indexes; BRIN
 * for a range (or a selective equality) on a column the rows lie in the
 * order of. */
#ifndef IDXTUNE_CANDIDATES_H
#define IDXTUNE_CANDIDATES_H

#include <stdbool.h>

#include "idxtune/lab.h"
#include "idxtune/sqlparse.h"

#define IXT_CAND_MAX_COLS 8

/* One column as pg_stats and the catalog know it. */
typedef struct ixt_col_fact {
    char *table;               /* as ixt_catalog names it.  owned */
    char *column;              /* owned */
    double n_distinct;         /* pg_stats: > 0 a count, < 0 minus a share of the rows, 0 unknown */
    double avg_width;          /* bytes; 0 unknown */
    /* pg_stats: how closely the rows' physical order follows the column's
     * (-1..1; 0 unknown or none): near ±1 a BRIN's ranges are narrow */
    double correlation;
    double null_frac;          /* pg_stats: the share of rows where it is NULL (0 unknown or none) */
    bool eq_leakproof;         /* its type's = is leakproof: usable as an index condition under RLS */
    /* its values name rows of another kind (a foreign key, a policy's
     * tenant column): "col = 7" is one tenant or customer, not a class
     * of rows a partial index is worth having for */
    bool names_rows;
    /* the btree operator class LIKE 'abc%' needs on it (text_pattern_ops,
     * varchar_pattern_ops, bpchar_pattern_ops): a string whose collation
     * is not "C" or "POSIX" orders by rules LIKE cannot use; NULL
     * otherwise.  owned */
    char *pattern_ops;
    /* pg_stats hides the column from the role (row-level security is
     * active on its table): the table as SQL names it, for the planner
     * to be asked instead; NULL otherwise.  owned */
    char *hidden_rel;
} ixt_col_fact;

/* The USING expression of a policy that applies to the role advised for. */
typedef struct ixt_policy_fact {
    char *table;               /* owned */
    char *qual;                /* owned */
} ixt_policy_fact;

/* A foreign key no index of its table leads with: each row a DELETE of
 * the referenced table removes (or an UPDATE of its key changes) makes
 * the server look the key up in this table, a scan per row. */
typedef struct ixt_fk_fact {
    char *table;               /* the referencing table.  owned */
    char *parent;              /* the referenced table.  owned */
    char *name;                /* the constraint.  owned */
    char *check;               /* the lookup, its key as $1::type...  owned */
    char *parent_cols;         /* the referenced columns, comma-separated.  owned */
    char *cols;                /* its own columns, comma-separated.  owned */
} ixt_fk_fact;

/* A predicate pg_qualstats saw a statement run with. */
typedef struct ixt_qual_fact {
    long long queryid;
    char *table, *column, *op; /* owned */
} ixt_qual_fact;

/* A table's size and what the server saw written to it. */
typedef struct ixt_table_fact {
    char *table;               /* owned */
    double reltuples;
    double writes, updates, hot_updates;  /* pg_stat_user_tables counters */
    double elapsed_s;          /* seconds the counters cover (since the statistics reset) */
    /* Rows written per second: by the write statements pg_stat_statements
     * saw (the window the read weights cover, without the bulk loads of
     * long ago the counters hold, nor the loads in it: see
     * ixt_bulk_fact), else the counters since their reset. */
    double writes_per_s;       /* inserts + updates + deletes per second; -1 unknown */
    double updates_per_s;      /* of which updates */
    bool from_statements;      /* the rates are pg_stat_statements' */
    double hot_share;          /* share of updates that were HOT (0..1), since the reset */
    bool never_analyzed;
} ixt_table_fact;

/* An index that exists: its table and its definition as pg_get_indexdef. */
typedef struct ixt_index_fact {
    char *table;               /* owned */
    char *name;                /* owned */
    char *def;                 /* owned */
    char **keys;               /* plain key columns; NULL entry for an expression.  owned */
    int nkeys;
    bool plain;                /* btree, no predicate, no expression, no INCLUDE */
    bool constraint;           /* backs a constraint: never replaced */
    double size_bytes;
} ixt_index_fact;

/* A write statement averaging this many rows a call or more is a bulk
 * write (INSERT ... SELECT, COPY, a big UPDATE or DELETE), not steady
 * traffic. */
#define IXT_BULK_ROWS 10000
/* A write statement averaging this many rows a call or more that wrote at
 * least half its table's rows is a load (a restore's COPY, a loader's
 * batches); below it, steady traffic on a small table. */
#define IXT_LOAD_ROWS 1000

/* Some write statements of one kind, and the one that wrote most. */
typedef struct ixt_writes_seen {
    int n;                     /* statements */
    double rows_per_s;         /* rows a second they wrote over the window */
    char *example;             /* the biggest, squashed, at most 80 characters.  owned */
    char *table;               /* its table.  owned */
    double rows, calls;        /* its rows and calls */
    double share;              /* its rows over its table's (reltuples) */
} ixt_writes_seen;

/* The bulk writes among the write statements pg_stat_statements saw.  A
 * load, IXT_LOAD_ROWS rows a call or more and at least half its table's
 * rows in all (the table filled or rewritten in the window), says nothing
 * of the traffic to come: it is left out of the write rates.  The other
 * bulk writes count, spread over the window: when they make most of the
 * rows, the advice says so. */
typedef struct ixt_bulk_fact {
    ixt_writes_seen counted;   /* bulk writes in the rates */
    ixt_writes_seen loads;     /* left out */
    double all_per_s;          /* rows a second all the counted write statements wrote */
} ixt_bulk_fact;

typedef struct ixt_cand_facts {
    ixt_catalog cat;
    ixt_col_fact *cols;
    int ncols;
    ixt_policy_fact *policies;
    int npolicies;
    ixt_qual_fact *quals;
    int nquals;
    ixt_table_fact *tables;
    int ntables;
    ixt_index_fact *indexes;
    int nindexes;
    ixt_fk_fact *fks;
    int nfks;
    ixt_bulk_fact bulk;
} ixt_cand_facts;

/* The shape of a candidate: what the search compares (prefixes, near
 * duplicates, extensions) and what write costs look at. */
typedef struct ixt_cand {
    char *def;                 /* CREATE INDEX ...  owned */
    char *table;               /* owned */
    char *keys[IXT_CAND_MAX_COLS];  /* column names, or one expression.  owned */
    bool desc[IXT_CAND_MAX_COLS];
    int nkeys;
    char *incl[IXT_CAND_MAX_COLS];  /* owned */
    int nincl;
    char *where;               /* partial index predicate, NULL when none.  owned */
    /* the last key's operator class (text_pattern_ops: LIKE 'abc%' under a
     * collation other than "C"), NULL for the default.  Such an index
     * serves no ORDER BY: it covers, and is covered by, no plain one.
     * owned */
    char *opclass;
    /* where is "where_col = where_value", both as the statement wrote
     * them, or "where_col IS [NOT] NULL" (where_value NULL); NULL without
     * a predicate.  owned */
    char *where_col, *where_value;
    /* the share of the table's rows the predicate keeps, 0 when unknown */
    double where_share;
    bool expr;                 /* keys[0] is an expression */
    bool gin;
    /* one key column, USING brin: tens of KB where a btree takes MB */
    bool brin;
    /* leading keys that are columns of a row-level security policy: every
     * statement on the table compares them with =, so the index serves
     * what the keys after them serve */
    int led;
} ixt_cand;

typedef struct ixt_cand_set {
    ixt_cand *v;
    int n;
} ixt_cand_set;

void ixt_cand_facts_free(ixt_cand_facts *f);
/* The facts of a column, NULL when unknown.  borrowed */
const ixt_col_fact *ixt_cand_col(const ixt_cand_facts *f, const char *table, const char *column);
const ixt_table_fact *ixt_cand_table(const ixt_cand_facts *f, const char *table);
/* Whether the catalog's name of a table ("schema.table" outside public)
 * names the table a statement names (often bare). */
bool ixt_cand_same_table(const char *catname, const char *table);

/* Adds the candidates of one statement (info: its parse tree, queryid for
 * pg_qualstats, 0 when none) to set, without duplicates.  Returns how many
 * pg_qualstats predicates it used. */
int ixt_cands_for(ixt_cand_set *set, const ixt_sql_info *info, long long queryid, const ixt_cand_facts *f);
/* The columns of table an index key could use in any of the statements
 * (equality, range, sort, group), in order of first use.  *out: caller
 * frees the array only (strings borrowed from infos and f) */
int ixt_cands_useful_cols(const ixt_sql_info *const *infos, int n, const char *table, const ixt_cand_facts *f,
                          const char ***out);
/* Adds candidate base extended by one more key column (last; first when
 * it is the column of a row-level security policy in f, which may be
 * NULL); returns its index in set (an existing one when already there),
 * -1 when base cannot grow. */
int ixt_cands_extend(ixt_cand_set *set, int base, const char *column, const ixt_cand_facts *f);
/* Adds the plain btree on table (cols) to set; returns its index in set. */
int ixt_cands_add_plain(ixt_cand_set *set, const char *table, const char *const *cols, int n);
/* Whether a's keys start with b's keys and a has at least as many, or
 * do so after a's policy columns when b has none (same table; neither
 * partial nor an expression nor GIN nor BRIN). */
bool ixt_cand_covers(const ixt_cand *a, const ixt_cand *b);
/* Same keys and a's INCLUDE holds b's: b is a near duplicate of a. */
bool ixt_cand_near_dup(const ixt_cand *a, const ixt_cand *b);
/* The same key columns in another order, e.g. (tenant_id, created_at)
 * and (created_at, tenant_id): near duplicates unless each one serves
 * statements the other cannot. */
bool ixt_cand_reordered(const ixt_cand *a, const ixt_cand *b);
/* Whether an UPDATE setting column changes a key or INCLUDE column of c
 * (or one its predicate reads): the update is no longer HOT. */
bool ixt_cand_has_column(const ixt_cand *c, const char *column);
/* Whether the statement can use partial index c: the planner takes one
 * only where the statement's conditions imply its predicate.  False when
 * the statement's conditions compare that column of c's table with other
 * constants alone ('queued' against WHERE status = 'running'), or not at
 * all (an ORDER BY, GROUP BY or output column filters nothing), and no
 * row-security policy on the table names it.  True without a predicate,
 * and whenever in doubt: a cast, a placeholder, an expression, a HAVING,
 * a type whose = is not plain equality. */
bool ixt_cand_usable_by(const ixt_cand *c, const ixt_sql_info *in, const ixt_cand_facts *f);
void ixt_cand_set_free(ixt_cand_set *set);

/* Whether the text holds a $n placeholder: no index can be built on it. */
bool ixt_sql_has_param(const char *text);

#endif
