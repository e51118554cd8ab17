/* batch_review: `idxtune review` records a reviewer's verdict on an index
 * of a session file (or lists the verdicts), and `idxtune diff` shows what
 * changed between two session files.  Both work offline. */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "idxtune/export.h"
#include "idxtune/review_diff.h"
#include "idxtune/sqlquote.h"

/* Without a connection the reviewer is --as, or the operating system
 * user. */
static const char *reviewer(const ixt_opts *o)
{
    if (o->as)
        return o->as;
    const struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : getenv("USER");
}

static char *list_text(const ixt_review *r)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, "%-3s %-34s %-17s %-16s %-21s %s\n", "#", "index", "verdict", "by", "at", "comment");
    for (int i = 0; i < r->n; i++) {
        const ixt_decision *d = &r->items[i].decision;
        /* a terminal shows it: the file's text cannot move the cursor */
        char *by = ixt_comment_text(d->by ? d->by : "-", 200), *c = ixt_comment_text(d->comment ? d->comment : "", 4000);
        ixt_buf_printf(&b, "%-3d %-34s %-17s %-16s %-21s %s\n", i + 1, r->items[i].name,
                       ixt_verdict_label(d->verdict), by, d->at ? d->at : "-", c);
        free(by);
        free(c);
    }
    ixt_buf_printf(&b, "%d of %d approved\n", ixt_review_count(r, IXT_VERDICT_APPROVED), r->n);
    return ixt_buf_take(&b);
}

static char *list_json(const ixt_review *r)
{
    json_t *a = json_array();
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        const ixt_decision *d = &it->decision;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "name", it->name, "schema", it->schema,
                              "table", it->table, "verdict", ixt_verdict_name(d->verdict), "comment", d->comment,
                              "by", d->by, "at", d->at);
        ixt_review_evidence_json(it, o);
        json_array_append_new(a, o);
    }
    char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(a);
    char *out = ixt_xasprintf("%s\n", s);
    free(s);
    return out;
}

int batch_review(const ixt_opts *o)
{
    if (o->comment && !o->verdict_on) {
        fprintf(stderr, "idxtune: --comment goes with --approve, --reject or --needs-trial NAME\n");
        return 2;
    }
    ixt_review r;
    ixt_err e;
    int loaded = batch_load_session(o, "review", &r);
    if (loaded != 0)
        return loaded;
    int rc = 0;
    if (o->verdict_on) {
        int i = ixt_review_find(&r, o->verdict_on);
        const char *by = reviewer(o);
        if (i < 0) {
            fprintf(stderr, "idxtune: %s has no accepted index called %s (idxtune review --session %s lists them)\n",
                    o->load_file, o->verdict_on, o->load_file);
            rc = 1;
        } else if (ixt_review_decide(&r, i, o->verdict, o->comment, by ? by : "", time(NULL), &e) != 0 ||
                   ixt_review_save(&r, o->load_file, true, &e) != 0) {
            fprintf(stderr, "idxtune: %s\n", e.msg);
            rc = 1;
        } else {
            fprintf(stderr, "%s: %s by %s\n", r.items[i].name, ixt_verdict_label(o->verdict), r.items[i].decision.by);
        }
    }
    if (rc == 0) {
        char *text = o->format == FMT_JSON ? list_json(&r) : o->format == FMT_MD ? ixt_export_review_markdown(&r)
                                                                                : list_text(&r);
        rc = batch_emit(NULL, text, false);
        free(text);
    }
    ixt_review_free(&r);
    return rc;
}

int batch_diff(const ixt_opts *o)
{
    if (!o->conn.target || !o->target2) {
        fprintf(stderr, "idxtune: diff needs two session files: idxtune diff OLD.json NEW.json\n");
        return 2;
    }
    ixt_review old, new_;
    ixt_err e;
    if (ixt_review_load(&old, o->conn.target, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 1;
    }
    if (ixt_review_load(&new_, o->target2, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_review_free(&old);
        return 1;
    }
    ixt_review_diff d;
    ixt_review_diff_make(&old, &new_, &d);
    char *text = ixt_review_diff_text(&d, o->format == FMT_MD);
    int rc = batch_emit(NULL, text, false);
    free(text);
    ixt_review_diff_free(&d);
    ixt_review_free(&old);
    ixt_review_free(&new_);
    return rc;
}
