/* lab: the index lab for one statement.  Hypothetical indexes are made in
 * the lab connection's backend; the statement is planned before and after,
 * and the difference is what the screen and `idxtune try` show. */
#ifndef IDXTUNE_LAB_H
#define IDXTUNE_LAB_H

#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/indexdef.h"
#include "idxtune/plan.h"
#include "idxtune/plan_diff.h"
#include "idxtune/trial.h"
#include "idxtune/util.h"

typedef struct ixt_lab_index {
    char *def;                 /* CREATE INDEX ... as tried (index.sql).  owned */
    ixt_indexdef index;        /* owned */
    ixt_hypo hypo;
    bool used;                 /* the plan with the active set uses it */
} ixt_lab_index;

typedef struct ixt_lab {
    char *sql;                 /* owned */
    char *planned;             /* the text as planned (typed placeholders).  owned */
    ixt_plan *before;          /* without hypothetical indexes.  owned */
    ixt_plan *after;           /* with the active set; NULL when empty.  owned */
    ixt_plan_diff *diff;       /* after against before; NULL without after.  owned */
    bool generic;
    ixt_lab_index *idx;
    int nidx;
} ixt_lab;

/* Plans the statement without hypothetical indexes (any left in the lab
 * connection are dropped first). */
int ixt_lab_open(ixt_lab *l, ixt_conn *c, const char *sql, ixt_err *e);
/* Drops the lab's hypothetical indexes and frees it. */
void ixt_lab_close(ixt_lab *l, ixt_conn *c);
/* Adds a hypothetical index (a copy of d) and plans again. */
int ixt_lab_add(ixt_lab *l, ixt_conn *c, const ixt_indexdef *d, ixt_err *e);
/* Drops index i and plans again.  When the drop fails the index stays in
 * the lab (it still lives in the backend) and e says so. */
int ixt_lab_remove(ixt_lab *l, ixt_conn *c, int i, ixt_err *e);
/* Why the planner may not use index i, when the reason can be told:
 * under row-level security only leakproof operators become index
 * conditions for a role the policies apply to.  NULL when no such reason.
 * borrowed */
const char *ixt_lab_unused_reason(ixt_lab *l, ixt_conn *c, int i);
/* Total cost change after vs before in percent (negative is better). */
double ixt_lab_change_pct(const ixt_lab *l);
double ixt_lab_after_cost(const ixt_lab *l);

/* The active set's effect on other statements. */
typedef struct ixt_lab_effect {
    double before_cost;
    double after_cost;         /* -1 when the statement could not be planned */
    char error[256];
} ixt_lab_effect;

/* Plans each statement without and with the active set.  out has n
 * entries, filled by the caller's order. */
int ixt_lab_workload(ixt_lab *l, ixt_conn *c, const char *const *sqls, int n,
                     ixt_lab_effect *out, ixt_err *e);


/* Table and column names for completing index definitions. */
typedef struct ixt_catalog {
    char **tables;             /* "runs", or "schema.table" outside public */
    int ntables;
    char **col_table;          /* parallel arrays: the column's table */
    char **cols;
    int ncols;
    /* parallel arrays: each partition as "schema.table", and the table at
     * the top of its tree as in tables (where an index for it goes) */
    char **part_names;
    char **part_roots;
    int nparts;
} ixt_catalog;

int ixt_catalog_load(ixt_conn *c, ixt_catalog *cat, ixt_err *e);
/* The same from a result fetched otherwise: table and column in its first
 * two columns, ordered by table. */
void ixt_catalog_read(const PGresult *r, ixt_catalog *cat);
void ixt_catalog_free(ixt_catalog *cat);
/* The table an index helping a scan of schema.relation (as plans name
 * them) goes on: a partition's partitioned table at the top of its tree,
 * else relation itself.  borrowed */
const char *ixt_catalog_index_table(const ixt_catalog *cat, const char *schema, const char *relation);
/* Completes the word before cursor in a CREATE INDEX being typed: a table
 * after ON, else a column of the table named after ON.  Returns the
 * matches; *prefix gets their longest common prefix.  *out: caller frees
 * the array only (strings are borrowed); *prefix: caller frees */
int ixt_catalog_complete(const ixt_catalog *cat, const char *text, size_t cursor,
                         const char ***out, char **prefix);

#endif
