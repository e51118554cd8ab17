/* health: the existing indexes of a database and what is wrong with them.
 * Invalid, unused, duplicate and redundant indexes cost every write and
 * every vacuum; foreign keys without an index make deletes and key updates
 * on the referenced table scan the referencing one.  The facts come from
 * one catalog query; the findings are a pure function of the facts, so
 * they can be tested on hand-built structs. */
#ifndef IDXTUNE_HEALTH_H
#define IDXTUNE_HEALTH_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "idxtune/conn.h"
#include "idxtune/util.h"

/* Statistics younger than this cannot tell an unused index from one used
 * by a weekly job. */
#define IXT_HEALTH_MIN_DAYS 7

typedef enum ixt_health_finding {
    IXT_HF_INVALID = 1 << 0,    /* indisvalid = false: a failed CREATE INDEX CONCURRENTLY */
    IXT_HF_UNUSED = 1 << 1,     /* no scan since the statistics were reset */
    IXT_HF_DUPLICATE = 1 << 2,  /* same table, method, keys, predicate, INCLUDE as `other` */
    IXT_HF_REDUNDANT = 1 << 3,  /* its keys lead the btree `other` with the same predicate */
} ixt_health_finding;
#define IXT_HF_COUNT 4

typedef enum ixt_constraint_kind {
    IXT_CON_NONE, IXT_CON_PRIMARY, IXT_CON_UNIQUE, IXT_CON_EXCLUSION, IXT_CON_FK_TARGET,
} ixt_constraint_kind;

typedef struct ixt_index_health {
    /* facts (owned) */
    char *schema, *table, *name, *method;
    char *def;           /* pg_get_indexdef */
    char *pred;          /* WHERE of a partial index, NULL for none */
    char *last_scan;     /* last_idx_scan (PostgreSQL 16+), NULL when unknown or never */
    unsigned table_oid;
    double size_bytes, idx_scan, tup_read, tup_fetch;
    bool valid;
    bool unique;
    bool attached;       /* a partition's part of a partitioned index: not dropped alone */
    ixt_constraint_kind constraint; /* the constraint it backs; FK_TARGET when only
                                      * a foreign key references it */
    bool fk_referenced;  /* a foreign key references it (besides any constraint) */
    char **keys;         /* per key column: its text, opclass, collation, options */
    int *key_attnums;    /* per key column: the table's attnum, 0 for an expression */
    int nkeys;
    char **includes;     /* INCLUDE columns */
    int nincludes;
    double table_writes; /* n_tup_ins + n_tup_upd + n_tup_del of its table */
    /* analysis, filled by ixt_health_analyze */
    unsigned findings;   /* ixt_health_finding bits */
    int other;           /* the index it duplicates or that covers it, -1 */
    bool droppable;      /* proposed for DROP INDEX */
    double write_rate;   /* table writes per second, -1 when unknown */
} ixt_index_health;

/* A foreign key and whether an index leads with its columns. */
typedef struct ixt_fk_health {
    char *schema, *table, *name, *def, *columns; /* columns: "a, b".  owned */
    unsigned table_oid;
    int *attnums;
    int nattnums;
    bool unindexed;      /* filled by ixt_health_analyze */
} ixt_fk_health;

typedef struct ixt_health {
    ixt_index_health *idx;
    size_t n;
    ixt_fk_health *fks;
    size_t nfks;
    double now_s;        /* server clock, epoch seconds */
    double since_s;      /* statistics collected since, epoch seconds */
    bool since_reset;    /* since_s is the last reset; else the server start
                          * (never reset: the counters may be older) */
    bool last_scan_known;/* the server reports last_idx_scan (16+) */
} ixt_health;

/* The catalog query for the server's version: one row per index and per
 * foreign key of the database.  caller frees */
char *ixt_health_sql(const ixt_server_info *in);
/* Reads the query's rows into h (facts only).  Free with ixt_health_free. */
int ixt_health_ingest(ixt_health *h, const PGresult *r, bool last_scan_known, ixt_err *e);
/* The findings, from the facts alone.  Idempotent. */
void ixt_health_analyze(ixt_health *h);
/* Blocking: query, ingest and analyze. */
int ixt_health_fetch(ixt_health *h, ixt_conn *c, ixt_err *e);
void ixt_health_free(ixt_health *h);

/* Days of statistics behind the unused finding. */
double ixt_health_stats_days(const ixt_health *h);

/* "invalid", "unused", "duplicate", "redundant" for one bit.  borrowed */
const char *ixt_health_finding_word(unsigned bit);
/* NULL, "primary_key", "unique", "exclusion", "fk_target".  borrowed */
const char *ixt_constraint_word(ixt_constraint_kind k);
/* Why index i was found so, one sentence per finding, joined by "; ";
 * "" when nothing.  caller frees */
char *ixt_health_reasons(const ixt_health *h, size_t i);

/* DROP INDEX CONCURRENTLY IF EXISTS for each droppable index, each with its
 * reasons as a comment; the rollback re-creates those dropped (except
 * invalid ones, said in a comment).  date as in export (NULL: now).
 * caller frees */
char *ixt_health_drop_sql(const ixt_health *h, const char *label, const char *date);
char *ixt_health_rollback_sql(const ixt_health *h, const char *label, const char *date, ixt_err *e);

#endif
