/* export: the review set as files a team can review, apply and roll back:
 * SQL (CREATE INDEX CONCURRENTLY with the rationale of each index), the
 * rollback SQL, and a Markdown report for a pull request or change ticket. */
#ifndef IDXTUNE_EXPORT_H
#define IDXTUNE_EXPORT_H

#include <stdbool.h>

#include "idxtune/review.h"
#include "idxtune/util.h"
#include "idxtune/verify.h"

typedef struct ixt_export_opts {
    bool concurrently;         /* false for migration tools that wrap files in a transaction */
    const char *date;          /* "2026-11-24 10:00 UTC"; NULL: now */
    const char *session;       /* the session file, for the verify command of each phase; NULL: SESSION.json */
} ixt_export_opts;

/* caller frees each */
char *ixt_export_sql(const ixt_review *r, const ixt_export_opts *o, ixt_err *e);
char *ixt_export_rollback(const ixt_review *r, const ixt_export_opts *o);
char *ixt_export_markdown(const ixt_review *r, const ixt_export_opts *o, ixt_err *e);
/* The rollout report of a verify run for the change ticket: verdicts,
 * the before/after table, regressions, the rollback.  caller frees */
char *ixt_export_verify_markdown(const ixt_review *r, const ixt_verify_report *v, const ixt_export_opts *o);

#endif
