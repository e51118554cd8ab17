/* review: the indexes a user accepted (and the ones tried and rejected),
 * each with its evidence, so a second person can check the decision; saved
 * and loaded as a session file (JSON). */
#ifndef IDXTUNE_REVIEW_H
#define IDXTUNE_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "idxtune/conn.h"
#include "idxtune/indexdef.h"
#include "idxtune/util.h"
#include "idxtune/baseline.h"

/* 2: query ids are strings, unknown figures null; version 1 files load too */
#define IXT_SESSION_VERSION 2

typedef struct ixt_evidence {
    char *sql;                 /* the statement helped.  owned */
    long long queryid;         /* 0 when typed */
    double cost_before, cost_after;
    bool measured;             /* a real trial ran */
    double ms_before, ms_after;
    double build_ms;
} ixt_evidence;

/* A statement an index helps, planned with the whole advice. */
typedef struct ixt_helped {
    char *sql;                 /* on one line, cut to IXT_HELPED_SQL_MAX bytes.  owned; untrusted text */
    long long queryid;         /* 0 when typed */
    double cost_before, cost_after;
} ixt_helped;

#define IXT_HELPED_MAX 20          /* statements listed per index; the others are counted */
#define IXT_HELPED_SQL_MAX 300     /* bytes of a listed statement's text */
#define IXT_HOT_EXAMPLE_MAX 300    /* bytes of the HOT example's text */

/* What the advisor assessed besides the corrected size (advise, W): known
 * is false in older sessions and for an index accepted from the lab. */
typedef struct ixt_impact {
    bool known;
    double size_hypo;          /* HypoPG's estimate, bytes (the item's size_bytes is the corrected one) */
    double write_cost;         /* cost units per second of maintaining it */
    int hot_breaks;            /* UPDATE statements whose HOT updates it breaks */
    double hot_rate;           /* their executions per second */
    char *hot_example;         /* the first of them; NULL when none.  owned; untrusted text */
} ixt_impact;

/* A reviewer's decision on an accepted index.  Only an approved index is
 * exported to run; the others are written commented out. */
typedef enum ixt_verdict {
    IXT_VERDICT_PROPOSED,      /* the default: nobody decided yet */
    IXT_VERDICT_APPROVED,
    IXT_VERDICT_REJECTED,
    IXT_VERDICT_NEEDS_TRIAL,   /* needs a real trial before a decision */
} ixt_verdict;

#define IXT_REVIEW_COMMENT_MAX 4000  /* bytes of a comment */
#define IXT_REVIEWER_MAX 200         /* bytes of a reviewer's name */

typedef struct ixt_decision {
    ixt_verdict verdict;
    char *comment;             /* NULL when none.  owned (all strings); untrusted text */
    char *by;                  /* who decided (a role or a person); NULL while proposed */
    char *at;                  /* when, "YYYY-MM-DDTHH:MM:SSZ"; NULL while proposed */
} ixt_decision;

/* A partition of a partitioned table, at any level, with the name its
 * index gets in the rollout (one index per partition, attached to its
 * parent's).  owned (all strings) */
typedef struct ixt_partition {
    char *schema;
    char *table;
    char *index;
    int parent;                /* 0: a partition of the item's table; k: of parts[k - 1], listed before it */
    bool partitioned;          /* itself partitioned: its index is made ON ONLY and attached once valid */
} ixt_partition;

typedef struct ixt_review_item {
    char *def;                 /* CREATE INDEX ... as tried.  owned (all strings) */
    char *name;                /* the name it will get */
    char *schema;
    char *table;
    char *method;
    double size_bytes;         /* estimate, or real size when measured */
    double write_rate;         /* writes/s of the table when accepted, -1 unknown */
    ixt_evidence ev;
    ixt_impact impact;
    /* every statement it helps (the first IXT_HELPED_MAX; helped_more
     * counts the others); none in older sessions.  owned */
    ixt_helped *helped;
    int nhelped, helped_more;
    ixt_decision decision;     /* reset to proposed when new evidence replaces the old */
    ixt_baseline baseline;     /* pg_stat_statements when accepted (verify) */
    bool partitioned;          /* the table is partitioned: the export rolls out per partition */
    ixt_partition *parts;      /* its partitions when accepted, level by level (parents first).  owned */
    int nparts;
    /* An existing index of the same table this one makes redundant
     * ("replace X by Y"): the export drops it once this one is valid, the
     * rollback recreates it first.  Both NULL when none. */
    char *replaces;            /* its name */
    char *replaces_def;        /* pg_get_indexdef of it */
} ixt_review_item;

typedef struct ixt_review {
    ixt_review_item *items;    /* accepted, in rollout order */
    int n;
    ixt_review_item *rejected;
    int nrejected;
    char *conn_label;          /* "user@host:port/db", never a password.  owned */
    char *server_version;      /* owned */
    bool unsaved;              /* accepted since the last export or save */
} ixt_review;

/* Fills an item for a definition tried on c: the table's schema as the
 * server resolves it, the access method, and a name following
 * table_cols_idx that no relation of the schema (a catalog look-up) and no
 * other item has.  On a partitioned table, its partitions too, at every
 * level, each with a free index name (partition_cols_idx); a foreign
 * partition is refused with the reason.  Strings in *item are owned by
 * it; free with ixt_review_item_free. */
int ixt_review_item_make(ixt_conn *c, const ixt_review *r, const ixt_indexdef *d, ixt_review_item *item,
                         ixt_err *e);
void ixt_review_item_free(ixt_review_item *it);
/* Records a statement the item helps (the text put on one line and cut);
 * past IXT_HELPED_MAX it is only counted. */
void ixt_review_add_helped(ixt_review_item *it, const char *sql, long long queryid, double cost_before,
                           double cost_after);

/* Adds a copy of item.  An index already accepted (same definition) gets
 * the newer evidence. */
void ixt_review_accept(ixt_review *r, const ixt_review_item *item);
void ixt_review_reject(ixt_review *r, const ixt_review_item *item);
void ixt_review_remove(ixt_review *r, int i);
/* Moves item i by delta places (rollout order). */
void ixt_review_move(ixt_review *r, int i, int delta);
/* Renames item i (made plain: lower case, digits and "_"). */
int ixt_review_rename(ixt_review *r, int i, const char *name, ixt_err *e);
void ixt_review_free(ixt_review *r);

/* The verdict's name in session files and on the command line
 * ("needs_trial"), and as people read it ("needs real trial").  static */
const char *ixt_verdict_name(ixt_verdict v);
const char *ixt_verdict_label(ixt_verdict v);
/* 0 and *v set for a name of ixt_verdict_name, -1 otherwise. */
int ixt_verdict_parse(const char *name, ixt_verdict *v);

/* The accepted index called name, or -1. */
int ixt_review_find(const ixt_review *r, const char *name);
/* Records a decision on item i: the verdict, by whom (not empty), at
 * when (time(NULL) for now); comment NULL keeps the item's comment, ""
 * removes it. */
int ixt_review_decide(ixt_review *r, int i, ixt_verdict v, const char *comment, const char *by, time_t when,
                      ixt_err *e);
/* How many accepted indexes have verdict v. */
int ixt_review_count(const ixt_review *r, ixt_verdict v);

/* Sets the item's advisor evidence as members of o ("impact", "helped",
 * "helped_more"), as in the session file: each only when known, so that
 * older sessions save as they loaded. */
void ixt_review_evidence_json(const ixt_review_item *it, json_t *o);

/* The session as JSON text (stable: saving what was loaded gives the same
 * bytes).  caller frees */
char *ixt_review_to_json(const ixt_review *r);
int ixt_review_from_json(ixt_review *r, const char *text, const char *where, ixt_err *e);
/* Written to a temporary name and renamed; an existing file only with
 * overwrite. */
int ixt_review_save(ixt_review *r, const char *path, bool overwrite, ixt_err *e);
int ixt_review_load(ixt_review *r, const char *path, ixt_err *e);

#endif
