/* baseline: a session's record of the statements an index affects, as
 * pg_stat_statements had them when the index was accepted.  verify takes
 * it from the server and compares against it; review keeps it in the
 * session file.  Pure data and its JSON form. */
#ifndef IDXTUNE_BASELINE_H
#define IDXTUNE_BASELINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "idxtune/util.h"

/* One server's part of a statement's baseline, taken over several servers
 * of a cluster (--node). */
typedef struct ixt_baseline_node {
    char name[32];       /* "primary", "standby-1" */
    double calls, total_ms;
} ixt_baseline_node;

/* One statement as pg_stat_statements had it when the index was accepted. */
typedef struct ixt_baseline_stmt {
    int64_t queryid;     /* a string in JSON: a bigint does not fit a double */
    char *query;         /* one line.  owned */
    bool write;          /* INSERT/UPDATE/DELETE/MERGE on the index's table */
    double calls, total_ms, mean_ms, stddev_ms, rows, shared_hit, shared_read;
    char *taken_at;      /* server time of the snapshot, "YYYY-MM-DDTHH:MM:SSZ".  owned */
    /* taken over several servers: the numbers above are their sum, these
     * each one's part (servers that had not run it are left out).  owned */
    ixt_baseline_node *nodes;
    int nnodes;
} ixt_baseline_stmt;

typedef struct ixt_baseline {
    ixt_baseline_stmt *s;   /* owned */
    int n;
} ixt_baseline;

void ixt_baseline_free(ixt_baseline *b);
ixt_baseline ixt_baseline_copy(const ixt_baseline *b);   /* caller frees */
/* The session file's "baseline" list.  new reference */
json_t *ixt_baseline_to_json(const ixt_baseline *b);
/* Checks every field (an error names it); on failure *b is empty. */
int ixt_baseline_from_json(json_t *a, ixt_baseline *b, ixt_err *e);

#endif
