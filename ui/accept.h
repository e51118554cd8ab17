/* accept: putting a tried index into the review set (accepted, or tried and
 * rejected), as a job on the lab connection: its name and schema come from
 * the server's catalog and an accepted one's baseline from
 * pg_stat_statements, so the screen does not wait for either. */
#ifndef IDXTUNE_UI_ACCEPT_H
#define IDXTUNE_UI_ACCEPT_H

#include "app.h"
#include "idxtune/verify.h"

/* What the view knows of the index when the key is pressed.  Everything is
 * copied: the view may change or go away while the job runs. */
typedef struct ui_accept_req {
    const char *def;                 /* CREATE INDEX ... */
    bool accept;                     /* false: tried and rejected (no baseline) */
    double size_bytes;
    double write_rate;               /* -1 unknown */
    ixt_evidence ev;                 /* strings borrowed */
    ixt_impact impact;               /* hot_example borrowed */
    const ixt_helped *helped;        /* every statement it helps (strings borrowed) */
    int nhelped;
    const char *replaces, *replaces_def;   /* NULL when none */
    /* the statements it helps, for the baseline (strings borrowed) */
    const ixt_baseline_target *targets;
    int ntargets;
} ui_accept_req;

/* Queues the job; its end is said on the status line ("accepted ... as
 * name", "accept cancelled", the reason it failed).  One at a time, so
 * two new items never get the same name: false (and said) while one is
 * under way. */
bool accept_submit(app *a, const ui_accept_req *r);

#endif
