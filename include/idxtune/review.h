/* review: the indexes a user accepted, each with the evidence for it, so a
 * second person can check the decision. */
#ifndef IDXTUNE_REVIEW_H
#define IDXTUNE_REVIEW_H

#include <stdbool.h>

typedef struct ixt_evidence {
    char *sql;                 /* the statement helped.  owned */
    long long queryid;         /* 0 when typed */
    double cost_before, cost_after;
    bool measured;             /* a real trial ran */
    double ms_before, ms_after;
    double build_ms;
} ixt_evidence;

typedef struct ixt_review_item {
    char *def;                 /* CREATE INDEX ... .  owned */
    char *table;               /* owned */
    double size_bytes;         /* estimate, or real size when measured */
    double write_rate;         /* writes/s of the table when accepted, -1 unknown */
    ixt_evidence ev;
} ixt_review_item;

typedef struct ixt_review {
    ixt_review_item *items;
    int n;
    bool unsaved;              /* accepted since the last export or save */
} ixt_review;

/* Adds an item; strings are copied.  An index already accepted (same
 * definition) is replaced with the newer evidence. */
void ixt_review_accept(ixt_review *r, const ixt_review_item *item);
void ixt_review_remove(ixt_review *r, int i);
void ixt_review_free(ixt_review *r);

#endif
