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
    bool approved_only;        /* leave out what is not approved instead of commenting it out */
    const char *session;       /* the session file, for the verify command of each phase; NULL: SESSION.json */
} ixt_export_opts;

/* caller frees each */
char *ixt_export_sql(const ixt_review *r, const ixt_export_opts *o, ixt_err *e);
char *ixt_export_rollback(const ixt_review *r, const ixt_export_opts *o);
char *ixt_export_markdown(const ixt_review *r, const ixt_export_opts *o, ixt_err *e);
/* The rollout report of a verify run for the change ticket: verdicts,
 * the before/after table, regressions, the rollback.  caller frees */
char *ixt_export_verify_markdown(const ixt_review *r, const ixt_verify_report *v, const ixt_export_opts *o);

/* Only approved indexes are written to run: the others are written
 * commented out (or left out with approved_only), and the rollback drops
 * only what the SQL creates. */
bool ixt_export_runs(const ixt_review_item *it);

/* The Markdown report's review table alone: each index's verdict,
 * reviewer, time and comment.  caller frees */
char *ixt_export_review_markdown(const ixt_review *r);

/* Markdown for text from the catalog or the user, here and in every other
 * Markdown report (index health).  ixt_md_code: inline code on one line
 * (at most max bytes), fenced by more backticks than the text holds so it
 * cannot close the span (HTML in a span stays text), pipes escaped inside
 * a table.  ixt_md_text: the characters that start inline markup
 * (emphasis, code, links, images, raw HTML, entities, table pipes)
 * escaped; one line in the middle of a sentence, so block markup cannot
 * start. */
void ixt_md_code(ixt_buf *b, const char *s, size_t max, bool in_table);
void ixt_md_text(ixt_buf *b, const char *s, size_t max);

#endif
