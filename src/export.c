/* export: SQL, rollback SQL and Markdown from the review set. */
#include "idxtune/export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idxtune/indexdef.h"
#include "idxtune/sqlquote.h"

static void now_text(const ixt_export_opts *o, char *buf, size_t len)
{
    if (o->date) {
        snprintf(buf, len, "%s", o->date);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* One comment line: prefix, then the formatted text on one line with no
 * control character, cut to max bytes, so nothing from a session file can
 * end the comment and start a statement. */
static void comment(ixt_buf *b, const char *prefix, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void comment(ixt_buf *b, const char *prefix, size_t max, const char *fmt, ...)
{
    ixt_buf raw;
    ixt_buf_init(&raw);
    va_list ap;
    va_start(ap, fmt);
    ixt_buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    char *one = ixt_comment_text(raw.s ? raw.s : "", max);
    ixt_buf_printf(b, "%s%s\n", prefix, one);
    free(one);
    ixt_buf_free(&raw);
}

static double change_pct(double before, double after)
{
    return before > 0 ? (after - before) / before * 100 : 0;
}

/* "s" after a count other than one. */
static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* What the advisor assessed beyond the first statement: the HOT updates
 * broken, every statement helped. */
static void impact_comment(ixt_buf *b, const ixt_review_item *it)
{
    const ixt_impact *im = &it->impact;
    if (im->known) {
        if (im->hot_breaks)
            comment(b, "--    HOT: ", 400, "breaks HOT updates for %d statement%s: %s (%.1f/s)", im->hot_breaks,
                    plural(im->hot_breaks), im->hot_example ? im->hot_example : "?", im->hot_rate);
        else
            ixt_buf_add(b, "--    HOT: no HOT update broken\n");
    }
    if (!it->nhelped)
        return;
    ixt_buf_printf(b, "--    helps %d statement%s, estimated cost before -> after:\n", it->nhelped + it->helped_more,
                   plural(it->nhelped + it->helped_more));
    for (int i = 0; i < it->nhelped; i++) {
        const ixt_helped *h = &it->helped[i];
        comment(b, "--      ", 400, "%.2f -> %.2f (%+.1f%%) queryid %lld: %s", h->cost_before, h->cost_after,
                change_pct(h->cost_before, h->cost_after), h->queryid, h->sql);
    }
    if (it->helped_more)
        ixt_buf_printf(b, "--      and %d more\n", it->helped_more);
}

static void review_line(ixt_buf *b, const ixt_decision *d)
{
    if (!d->by)
        comment(b, "--    review: ", 100, "%s (nobody decided yet)", ixt_verdict_label(d->verdict));
    else
        comment(b, "--    review: ", 600, "%s by %s at %s%s%s", ixt_verdict_label(d->verdict), d->by,
                d->at ? d->at : "?", d->comment ? ": " : "", d->comment ? d->comment : "");
}

static void rationale(ixt_buf *b, const ixt_review_item *it, int i)
{
    char t1[32], t2[32], sz[32];
    const ixt_evidence *ev = &it->ev;
    double pct = change_pct(ev->cost_before, ev->cost_after);
    comment(b, "-- ", 400, "Phase %d. %s on %s.%s (%s)", i + 1, it->name, it->schema, it->table, it->method);
    if (ev->queryid)
        ixt_buf_printf(b, "--    helps queryid %lld:\n", ev->queryid);
    else
        ixt_buf_add(b, "--    helps:\n");
    comment(b, "--      ", 200, "%s", ev->sql ? ev->sql : "");
    ixt_buf_printf(b, "--    estimated cost %.2f -> %.2f (%+.1f%%)\n", ev->cost_before, ev->cost_after, pct);
    if (ev->measured)
        ixt_buf_printf(b, "--    measured median %s -> %s (real trial, rolled back; build %.0f ms)\n",
                       ixt_fmt_ms(ev->ms_before, t1, sizeof t1), ixt_fmt_ms(ev->ms_after, t2, sizeof t2),
                       ev->build_ms);
    ixt_buf_printf(b, "--    size %s", ixt_fmt_bytes(it->size_bytes, sz, sizeof sz));
    if (it->impact.known)
        ixt_buf_printf(b, " (%scorrected for deduplication; HypoPG's estimate %s)\n", ev->measured ? "" : "estimate ",
                       ixt_fmt_bytes(it->impact.size_hypo, sz, sizeof sz));
    else
        ixt_buf_add(b, ev->measured ? "\n" : " (estimate)\n");
    char cps[64] = "";
    if (it->impact.known)
        snprintf(cps, sizeof cps, " (%.1f cost/s)", it->impact.write_cost);
    if (it->write_rate >= 0)
        comment(b, "--    write cost: ", 400, "%s.%s takes %.1f writes/s, each now also updates this index%s",
                it->schema, it->table, it->write_rate, cps);
    else if (it->impact.known)
        ixt_buf_printf(b, "--    write cost: %.1f cost/s\n", it->impact.write_cost);
    impact_comment(b, it);
    comment(b, "--    tried as: ", 300, "%s", it->def);
    review_line(b, &it->decision);
}

bool ixt_export_runs(const ixt_review_item *it)
{
    return it->decision.verdict == IXT_VERDICT_APPROVED;
}

/* The CREATE of an index that is not approved, on comment lines that no
 * character of any field can end. */
static void commented_out(ixt_buf *b, const ixt_review_item *it, const char *sql)
{
    comment(b, "-- NOT APPLIED: ", 200, "%s; approve it (idxtune review --approve %s) to run it",
            ixt_verdict_label(it->decision.verdict), it->name);
    comment(b, "-- ", strlen(sql) + 1, "%s;", sql);
    ixt_buf_addc(b, '\n');
}

/* Each index is a phase of the rollout: after its CREATE, its validity
 * check and the verify run that decides whether the next phase goes on. */
static void phase_end(ixt_buf *b, const ixt_review *r, int i, const ixt_export_opts *o)
{
    const ixt_review_item *it = &r->items[i];
    char *rel = ixt_quote_qualified(it->schema, it->name);
    char *lit = ixt_quote_literal(rel);
    ixt_buf_printf(b, "-- Phase %d check: valid must be true (false or no row: the build failed)\n"
                      "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass(%s);\n", i + 1, lit);
    comment(b, "-- ", 600, "Then, under the usual load%s: idxtune verify --session %s --phase %d --window 60",
            i + 1 < r->n ? ", before the next phase" : "", o->session ? o->session : "SESSION.json", i + 1);
    free(lit);
    free(rel);
}

/* ===== an index on a partitioned table =====
 * CREATE INDEX CONCURRENTLY is refused on a partitioned table, and a plain
 * CREATE INDEX on it blocks writes to every partition while it builds.
 * The online way, level by level: the parent's index alone (ON ONLY:
 * invalid, no build), likewise on each sub-partitioned partition; each
 * leaf partition's index built concurrently and attached to its parent's;
 * then each sub-partitioned partition's index, valid once its own are
 * attached, attached to its parent's, bottom-up.  The parent's index turns
 * valid when the last one is attached.  The partitions are those of the
 * table when the index was accepted. */

/* The index a partition's index is attached to, quoted.  caller frees */
static char *parent_index(const ixt_review_item *it, const ixt_partition *p)
{
    if (!p->parent)
        return ixt_quote_qualified(it->schema, it->name);
    const ixt_partition *up = &it->parts[p->parent - 1];
    return ixt_quote_qualified(up->schema, up->index);
}

static char *attach_sql(const ixt_review_item *it, const ixt_partition *p)
{
    char *parent = parent_index(it, p), *child = ixt_quote_qualified(p->schema, p->index);
    char *sql = ixt_xasprintf("ALTER INDEX %s ATTACH PARTITION %s", parent, child);
    free(parent);
    free(child);
    return sql;
}

/* The statements of the rollout, each without its ";".  caller frees
 * each and the array */
static char **partitioned_statements(const ixt_review_item *it, const ixt_indexdef *d, int *n, ixt_err *e)
{
    char **st = ixt_xcalloc((size_t)2 * it->nparts + 1, sizeof *st);
    ixt_index_target parent = {.schema = it->schema, .name = it->name, .only = true};
    st[0] = ixt_indexdef_render_on(d, &parent, false, true, e);
    *n = 1;
    /* parts is level by level: a parent's index exists before its partitions' */
    for (int i = 0; i < it->nparts && st[*n - 1]; i++) {
        const ixt_partition *p = &it->parts[i];
        ixt_index_target t = {.schema = p->schema, .table = p->table, .name = p->index, .only = true};
        if (p->partitioned)
            st[(*n)++] = ixt_indexdef_render_on(d, &t, false, true, e);
    }
    for (int i = 0; i < it->nparts && st[*n - 1]; i++) {
        const ixt_partition *p = &it->parts[i];
        ixt_index_target t = {.schema = p->schema, .table = p->table, .name = p->index};
        if (p->partitioned)
            continue;
        st[(*n)++] = ixt_indexdef_render_on(d, &t, true, true, e);
        st[(*n)++] = attach_sql(it, p);
    }
    /* backwards: a sub-partitioned partition's index is attached once its own are, so it is valid */
    for (int i = it->nparts - 1; i >= 0 && st[*n - 1]; i--)
        if (it->parts[i].partitioned)
            st[(*n)++] = attach_sql(it, &it->parts[i]);
    if (!st[*n - 1]) {
        for (int i = 0; i < *n; i++)
            free(st[i]);
        free(st);
        return NULL;
    }
    return st;
}

static void partitions_comment(ixt_buf *b, const ixt_review_item *it)
{
    ixt_buf_printf(b, "--    %s.%s is partitioned: one index per partition (%d), built concurrently and\n"
                      "--    attached to the parent's index; the partitions when the index was accepted:\n",
                   it->schema, it->table, it->nparts);
    for (int i = 0; i < it->nparts; i++) {
        const ixt_partition *p = &it->parts[i], *up = p->parent ? &it->parts[p->parent - 1] : NULL;
        comment(b, "--      ", 400, "%s.%s -> index %s%s%s%s%s%s", p->schema, p->table, p->index,
                up ? ", a partition of " : "", up ? up->schema : "", up ? "." : "", up ? up->table : "",
                p->partitioned ? " (itself partitioned: its index ON ONLY, attached once its partitions' are)" : "");
    }
    ixt_buf_add(b, "--    The estimates are HypoPG's for its index on the parent, which the planner uses on\n"
                   "--    each partition: the size is for all partitions together.\n");
    ixt_buf_add(b, "--    A partition added since is not covered: the parent's index stays invalid until it\n"
                   "--    has its own index attached (the check below says so).\n");
}
/* The rollout of an approved index, or its statements commented out. */
static int partitioned_rollout(ixt_buf *b, const ixt_review *r, int i, const ixt_indexdef *d,
                               const ixt_export_opts *o, ixt_err *e)
{
    const ixt_review_item *it = &r->items[i];
    partitions_comment(b, it);
    int n;
    char **st = partitioned_statements(it, d, &n, e);
    if (!st)
        return -1;
    if (ixt_export_runs(it)) {
        for (int k = 0; k < n; k++)
            ixt_buf_printf(b, "%s;\n", st[k]);
        phase_end(b, r, i, o);
        ixt_buf_addc(b, '\n');
    } else {
        comment(b, "-- NOT APPLIED: ", 200, "%s; approve it (idxtune review --approve %s) to run it",
                ixt_verdict_label(it->decision.verdict), it->name);
        for (int k = 0; k < n; k++)
            comment(b, "-- ", strlen(st[k]) + 1, "%s;", st[k]);
        ixt_buf_addc(b, '\n');
    }
    for (int k = 0; k < n; k++)
        free(st[k]);
    free(st);
    return 0;
}

/* Dropping the parent's index drops the indexes attached to it (DROP
 * INDEX CONCURRENTLY is refused on a partitioned index); then, level by
 * level, any sub-partitioned partition's index a half-done rollout left
 * unattached, with what is attached to it; then any leaf's left. */
static void partitioned_rollback(ixt_buf *b, const ixt_review_item *it, const ixt_export_opts *o)
{
    comment(b, "-- ", 400, "%s on partitioned %s.%s: dropping it drops the partitions' indexes attached to it; "
            "it locks the table briefly", it->name, it->schema, it->table);
    char *sql = ixt_index_drop_sql(it->schema, it->name, false);
    ixt_buf_printf(b, "%s;\n", sql);
    free(sql);
    for (int i = 0; i < it->nparts; i++) {
        if (!it->parts[i].partitioned)
            continue;
        sql = ixt_index_drop_sql(it->parts[i].schema, it->parts[i].index, false);
        ixt_buf_printf(b, "%s;\n", sql);
        free(sql);
    }
    for (int i = it->nparts - 1; i >= 0; i--) {
        if (it->parts[i].partitioned)
            continue;
        sql = ixt_index_drop_sql(it->parts[i].schema, it->parts[i].index, o->concurrently);
        ixt_buf_printf(b, "%s;\n", sql);
        free(sql);
    }
}

/* "Replace X by Y": X goes only once Y is valid.  The concurrent file runs
 * in psql, which checks it (\gset, \if); in a migration tool's
 * transaction Y is built when the drop is reached.  Not approved: the drop
 * is commented out with the CREATE. */
static void drop_replaced(ixt_buf *b, const ixt_review_item *it, int i, const ixt_export_opts *o)
{
    if (!it->replaces)
        return;
    char *drop = ixt_index_drop_sql(it->schema, it->replaces, o->concurrently);
    comment(b, "-- ", 400, "Phase %d replaces %s, which %s makes redundant: dropped once %s is valid", i + 1,
            it->replaces, it->name, it->name);
    if (!ixt_export_runs(it)) {
        comment(b, "-- ", strlen(drop) + 1, "%s;", drop);
    } else if (o->concurrently) {
        char *rel = ixt_quote_qualified(it->schema, it->name);
        char *lit = ixt_quote_literal(rel);
        ixt_buf_printf(b, "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)), false)"
                          " AS ixt_valid \\gset\n\\if :ixt_valid\n%s;\n\\else\n"
                          "\\echo 'Phase %d: the new index is not valid; the index it replaces is kept'\n\\endif\n",
                       lit, drop, i + 1);
        free(lit);
        free(rel);
    } else {
        ixt_buf_printf(b, "%s;\n", drop);
    }
    free(drop);
}

char *ixt_export_sql(const ixt_review *r, const ixt_export_opts *o, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "-- Index changes proposed by idxtune %s\n", IXT_VERSION);
    comment(&b, "-- Server:   ", 400, "%s (PostgreSQL %s)", r->conn_label ? r->conn_label : "?",
            r->server_version ? r->server_version : "?");
    int approved = ixt_review_count(r, IXT_VERDICT_APPROVED);
    ixt_buf_printf(&b, "-- Date:     %s\n-- Indexes:  %d\n", date, r->n);
    if (approved < r->n)
        ixt_buf_printf(&b, "-- Approved: %d; the %d not approved %s\n", approved, r->n - approved,
                       o->approved_only ? "are left out" : "are below, commented out");
    ixt_buf_add(&b, "--\n");
    if (o->concurrently)
        ixt_buf_add(&b, "-- Apply with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (not with -1 or --single-transaction):\n"
                        "-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.  It does not\n"
                        "-- block writes; if a build fails it leaves an INVALID index: see the checks at the\n"
                        "-- end, drop it, and run the statement again.  Roll back with the rollback file.\n\n");
    else
        ixt_buf_add(&b, "-- Written without CONCURRENTLY for a migration tool that runs each file in a\n"
                        "-- transaction: each CREATE INDEX blocks writes to its table while it builds.\n\n");
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        if (o->approved_only && !ixt_export_runs(it))
            continue;
        rationale(&b, it, i);
        ixt_indexdef d;
        char *sql = NULL;
        if (ixt_indexdef_parse(it->def, &d, e) == 0) {
            /* without CONCURRENTLY, PostgreSQL builds the partitions' indexes itself */
            if (it->partitioned && o->concurrently) {
                int rc = partitioned_rollout(&b, r, i, &d, o, e);
                ixt_indexdef_free(&d);
                if (rc == 0)
                    continue;
                ixt_buf_free(&b);
                return NULL;
            }
            sql = ixt_indexdef_render(&d, it->schema, it->name, o->concurrently, true, e);
            ixt_indexdef_free(&d);
        }
        if (!sql) {
            ixt_buf_free(&b);
            return NULL;
        }
        if (ixt_export_runs(it)) {
            ixt_buf_printf(&b, "%s;\n", sql);
            phase_end(&b, r, i, o);
            drop_replaced(&b, it, i, o);
            ixt_buf_addc(&b, '\n');
        } else {
            commented_out(&b, it, sql);
            drop_replaced(&b, it, i, o);
        }
        free(sql);
    }
    ixt_buf_add(&b, "-- Checks after the rollout\n"
                    "-- 1. Indexes left INVALID by a failed concurrent build (should return no rows):\n"
                    "SELECT n.nspname AS schema, c.relname AS index\n"
                    "  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid\n"
                    "  JOIN pg_namespace n ON n.oid = c.relnamespace\n"
                    " WHERE NOT i.indisvalid;\n"
                    "-- 2. Are the new indexes used?  (idx_scan grows with the workload)\n"
                    "SELECT schemaname, relname, indexrelname, idx_scan, pg_size_pretty(pg_relation_size(indexrelid))\n"
                    "  FROM pg_stat_user_indexes\n WHERE indexrelname IN (");
    int listed = 0;
    for (int i = 0; i < r->n; i++) {
        if (!ixt_export_runs(&r->items[i]))
            continue;
        char *lit = ixt_quote_literal(r->items[i].name);
        ixt_buf_printf(&b, "%s%s", listed++ ? ", " : "", lit);
        free(lit);
        /* a partitioned index has no statistics of its own: its leaf partitions' */
        for (int k = 0; r->items[i].partitioned && o->concurrently && k < r->items[i].nparts; k++) {
            if (r->items[i].parts[k].partitioned)
                continue;
            lit = ixt_quote_literal(r->items[i].parts[k].index);
            ixt_buf_printf(&b, ", %s", lit);
            free(lit);
        }
    }
    ixt_buf_add(&b, listed ? ");\n" : "NULL);\n");
    return ixt_buf_take(&b);
}

/* The index a phase dropped comes back before the phase's own index goes
 * (IF NOT EXISTS: the drop may not have run). */
static void recreate_replaced(ixt_buf *b, const ixt_review_item *it, const ixt_export_opts *o)
{
    ixt_indexdef d;
    ixt_err e;
    if (!it->replaces || ixt_indexdef_parse(it->replaces_def, &d, &e) != 0)
        return;
    char *sql = ixt_indexdef_render(&d, it->schema, it->replaces, o->concurrently, true, &e);
    ixt_indexdef_free(&d);
    if (sql)
        ixt_buf_printf(b, "%s;\n", sql);
    free(sql);
}

char *ixt_export_rollback(const ixt_review *r, const ixt_export_opts *o)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "-- Rollback of the index changes proposed by idxtune %s (%s)\n", IXT_VERSION, date);
    comment(&b, "-- Server: ", 400, "%s", r->conn_label ? r->conn_label : "?");
    ixt_buf_add(&b, "-- Drops the indexes in reverse order.\n");
    int approved = ixt_review_count(r, IXT_VERDICT_APPROVED);
    if (approved < r->n)
        ixt_buf_printf(&b, "-- Only the %d approved: the SQL file does not create the %d others.\n", approved,
                       r->n - approved);
    if (o->concurrently)
        ixt_buf_add(&b, "-- DROP INDEX CONCURRENTLY cannot run inside a transaction block.\n");
    ixt_buf_addc(&b, '\n');
    for (int i = r->n - 1; i >= 0; i--) {
        if (!ixt_export_runs(&r->items[i]))
            continue;
        recreate_replaced(&b, &r->items[i], o);
        if (r->items[i].partitioned && o->concurrently) {
            partitioned_rollback(&b, &r->items[i], o);
            continue;
        }
        char *sql = ixt_index_drop_sql(r->items[i].schema, r->items[i].name, o->concurrently);
        ixt_buf_printf(&b, "%s;\n", sql);
        free(sql);
    }
    return ixt_buf_take(&b);
}

/* The longest run of backticks in s. */
static size_t backtick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

void ixt_md_code(ixt_buf *b, const char *s, size_t max, bool in_table)
{
    char *one = ixt_comment_text(s, max);
    size_t n = backtick_run(one) + 1;
    bool pad = !one[0] || one[0] == '`' || one[strlen(one) - 1] == '`';
    for (size_t i = 0; i < n; i++)
        ixt_buf_addc(b, '`');
    if (pad)
        ixt_buf_addc(b, ' ');
    for (const char *p = one; *p; p++) {
        if (*p == '|' && in_table)
            ixt_buf_addc(b, '\\');
        ixt_buf_addc(b, *p);
    }
    if (pad)
        ixt_buf_addc(b, ' ');
    for (size_t i = 0; i < n; i++)
        ixt_buf_addc(b, '`');
    free(one);
}

void ixt_md_text(ixt_buf *b, const char *s, size_t max)
{
    char *one = ixt_comment_text(s, max);
    for (const char *p = one; *p; p++) {
        if (strchr("\\`*_[]<>|!~&", *p))
            ixt_buf_addc(b, '\\');
        ixt_buf_addc(b, *p);
    }
    free(one);
}

/* A fenced code block whose fence no line of the text can close. */
static void md_block(ixt_buf *b, const char *title, const char *text)
{
    size_t n = backtick_run(text) + 1;
    ixt_buf fence;
    ixt_buf_init(&fence);
    for (size_t i = 0; i < (n < 3 ? 3 : n); i++)
        ixt_buf_addc(&fence, '`');
    ixt_buf_printf(b, "\n## %s\n\n%ssql\n%s%s\n", title, fence.s, text, fence.s);
    ixt_buf_free(&fence);
}

/* Each index's verdict, who decided, when and why. */
static void md_review(ixt_buf *b, const ixt_review *r)
{
    int approved = ixt_review_count(r, IXT_VERDICT_APPROVED);
    ixt_buf_printf(b, "\n## Review\n\n%d of %d approved; only approved indexes are created by the SQL.\n\n"
                      "| # | Index | Verdict | Reviewer | When | Comment |\n|---|---|---|---|---|---|\n",
                   approved, r->n);
    for (int i = 0; i < r->n; i++) {
        const ixt_decision *d = &r->items[i].decision;
        ixt_buf_printf(b, "| %d | ", i + 1);
        ixt_md_code(b, r->items[i].name, 100, true);
        ixt_buf_printf(b, " | **%s** | ", ixt_verdict_label(d->verdict));
        ixt_md_text(b, d->by ? d->by : "-", IXT_REVIEWER_MAX);
        ixt_buf_printf(b, " | %s | ", d->at ? d->at : "-");
        ixt_md_text(b, d->comment ? d->comment : "-", IXT_REVIEW_COMMENT_MAX);
        ixt_buf_add(b, " |\n");
    }
}

/* Per index the advisor assessed: both sizes, the write cost, the HOT
 * impact and every statement it helps. */
static void md_evidence(ixt_buf *b, const ixt_review *r)
{
    char sz[32], szh[32];
    bool any = false;
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        const ixt_impact *im = &it->impact;
        if (!im->known && !it->nhelped)
            continue;
        if (!any)
            ixt_buf_add(b, "\n## Evidence per index\n");
        any = true;
        ixt_buf_printf(b, "\n### %d. ", i + 1);
        ixt_md_code(b, it->name, 100, false);
        ixt_buf_add(b, "\n\n");
        if (im->known) {
            ixt_buf_printf(b, "- Size: %s corrected for deduplication (HypoPG's estimate %s)\n",
                           ixt_fmt_bytes(it->size_bytes, sz, sizeof sz), ixt_fmt_bytes(im->size_hypo, szh, sizeof szh));
            ixt_buf_add(b, "- Write cost: ");
            if (it->write_rate >= 0)
                ixt_buf_printf(b, "%.1f writes/s, ", it->write_rate);
            ixt_buf_printf(b, "%.1f cost/s of index maintenance\n", im->write_cost);
            if (im->hot_breaks) {
                ixt_buf_printf(b, "- HOT: breaks HOT updates for %d statement%s: ", im->hot_breaks,
                               plural(im->hot_breaks));
                ixt_md_code(b, im->hot_example ? im->hot_example : "?", 200, false);
                ixt_buf_printf(b, " (%.1f/s)\n", im->hot_rate);
            } else {
                ixt_buf_add(b, "- HOT: no HOT update broken\n");
            }
        }
        if (!it->nhelped)
            continue;
        ixt_buf_printf(b, "\nHelps %d statement%s:\n\n| Query id | Statement | Cost before | Cost after | Change |\n"
                          "|---:|---|---:|---:|---:|\n", it->nhelped + it->helped_more,
                       plural(it->nhelped + it->helped_more));
        for (int k = 0; k < it->nhelped; k++) {
            const ixt_helped *h = &it->helped[k];
            ixt_buf_printf(b, "| %lld | ", h->queryid);
            ixt_md_code(b, h->sql, 120, true);
            ixt_buf_printf(b, " | %.2f | %.2f | %+.1f%% |\n", h->cost_before, h->cost_after,
                           change_pct(h->cost_before, h->cost_after));
        }
        if (it->helped_more)
            ixt_buf_printf(b, "| | and %d more | | | |\n", it->helped_more);
    }
}

char *ixt_export_review_markdown(const ixt_review *r)
{
    ixt_buf b;
    ixt_buf_init(&b);
    md_review(&b, r);
    return ixt_buf_take(&b);
}

char *ixt_export_markdown(const ixt_review *r, const ixt_export_opts *o, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64], sz[32], t1[32], t2[32];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "# Index changes\n\nProposed by idxtune %s on %s for ", IXT_VERSION, date);
    ixt_md_code(&b, r->conn_label ? r->conn_label : "?", 400, false);
    ixt_buf_add(&b, " (PostgreSQL ");
    ixt_md_text(&b, r->server_version ? r->server_version : "?", 100);
    ixt_buf_add(&b, ").\n\n");
    ixt_buf_add(&b, "| # | Index | Table | Statement | Cost before | Cost after | Change | Measured | Size | Write cost |\n"
                    "|---|---|---|---|---:|---:|---:|---|---:|---:|\n");
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        const ixt_evidence *ev = &it->ev;
        double pct = change_pct(ev->cost_before, ev->cost_after);
        char *rel = ixt_xasprintf("%s.%s", it->schema, it->table);
        ixt_buf_printf(&b, "| %d | ", i + 1);
        ixt_md_code(&b, it->name, 100, true);
        ixt_buf_add(&b, " | ");
        ixt_md_code(&b, rel, 200, true);
        /* the rollout below is per partition */
        if (it->partitioned)
            ixt_buf_printf(&b, " (partitioned: %d partitions)", it->nparts);
        ixt_buf_add(&b, " | ");
        ixt_md_code(&b, ev->sql, 80, true);
        free(rel);
        ixt_buf_printf(&b, " | %.2f | %.2f | %+.1f%% | ", ev->cost_before, ev->cost_after, pct);
        if (ev->measured)
            ixt_buf_printf(&b, "%s -> %s", ixt_fmt_ms(ev->ms_before, t1, sizeof t1),
                           ixt_fmt_ms(ev->ms_after, t2, sizeof t2));
        else
            ixt_buf_add(&b, "-");
        ixt_buf_printf(&b, " | %s | ", ixt_fmt_bytes(it->size_bytes, sz, sizeof sz));
        if (it->write_rate >= 0)
            ixt_buf_printf(&b, "%.1f writes/s |\n", it->write_rate);
        else
            ixt_buf_add(&b, "- |\n");
    }
    md_evidence(&b, r);
    md_review(&b, r);
    char *sql = ixt_export_sql(r, o, e);
    if (!sql) {
        ixt_buf_free(&b);
        return NULL;
    }
    char *rb = ixt_export_rollback(r, o);
    md_block(&b, "SQL", sql);
    md_block(&b, "Rollback", rb);
    free(sql);
    free(rb);
    return ixt_buf_take(&b);
}

/* A server's mean, or "-" when it has none. */
static void md_ms(ixt_buf *b, double ms)
{
    if (ms >= 0)
        ixt_buf_printf(b, "%.3f", ms);
    else
        ixt_buf_add(b, "-");
}

char *ixt_export_verify_markdown(const ixt_review *r, const ixt_verify_report *v, const ixt_export_opts *o)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64], sz[32];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "# Index rollout: verification\n\nMeasured by idxtune %s on %s over a %.0f s window on ",
                   IXT_VERSION, date, v->window_s);
    ixt_md_code(&b, r->conn_label ? r->conn_label : "?", 400, false);
    ixt_buf_add(&b, ", against the baselines taken when the indexes were accepted.\n\n");
    for (int k = 0; k < v->nnodes; k++) {
        ixt_buf_add(&b, k ? ", " : "Servers of the cluster measured (each one's part under the merged figures): ");
        ixt_md_code(&b, v->nodes[k], 40, false);
        ixt_buf_add(&b, k == v->nnodes - 1 ? ".\n\n" : "");
    }
    ixt_buf_add(&b, "| Phase | Index | Exists | Valid | Scans in window | Size | Verdict | Reason |\n"
                    "|---:|---|---|---|---:|---:|---|---|\n");
    for (int i = 0; i < v->nidx; i++) {
        const ixt_verify_index *x = &v->idx[i];
        ixt_buf_printf(&b, "| %d | ", x->phase);
        ixt_md_code(&b, x->name, 100, true);
        ixt_buf_printf(&b, " | %s | %s | %.0f | %s | **%s** | ", x->exists ? "yes" : "no", x->valid ? "yes" : "no",
                       x->scans, ixt_fmt_bytes(x->size_bytes, sz, sizeof sz), ixt_outcome_word(x->verdict));
        ixt_md_text(&b, x->reason, 300);
        ixt_buf_add(&b, " |\n");
        for (int k = 0; x->scans_at && k < v->nnodes; k++) {
            ixt_buf_add(&b, "| | on ");
            ixt_md_code(&b, v->nodes[k], 40, true);
            ixt_buf_printf(&b, " | | | %.0f | | | |\n", x->scans_at[k]);
        }
    }
    ixt_buf_add(&b, "\n## Statements, before and after\n\n"
                    "| Phase | Query id | Kind | Statement | Mean before (ms) | Mean after (ms) | Change | Calls |\n"
                    "|---:|---:|---|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < v->nst; i++) {
        const ixt_verify_stmt *s = &v->st[i];
        ixt_buf_printf(&b, "| %d | %lld | %s | ", s->phase, (long long)s->queryid, s->write ? "write" : "read");
        ixt_md_code(&b, s->query, 80, true);
        if (s->mean_after >= 0)
            ixt_buf_printf(&b, " | %.3f | %.3f | %+.1f%%%s | %.0f |\n", s->mean_before, s->mean_after,
                           s->change_pct, s->regressed ? " (regressed)" : "", s->calls);
        else
            ixt_buf_printf(&b, " | %.3f | - | - | 0 |\n", s->mean_before);
        for (int k = 0; s->parts && k < v->nnodes; k++) {
            ixt_buf_add(&b, "| | | | on ");
            ixt_md_code(&b, v->nodes[k], 40, true);
            ixt_buf_add(&b, " | ");
            md_ms(&b, s->parts[k].mean_before);
            ixt_buf_add(&b, " | ");
            md_ms(&b, s->parts[k].mean_after);
            ixt_buf_printf(&b, " | | %.0f |\n", s->parts[k].calls);
        }
    }
    ixt_buf_printf(&b, "\n## Regressions\n\n");
    if (v->nregressions == 0)
        ixt_buf_add(&b, "None.\n");
    for (int i = 0; i < v->nregressions; i++) {
        ixt_buf_add(&b, "- ");
        ixt_md_text(&b, v->regressions[i], 600);
        ixt_buf_addc(&b, '\n');
    }
    ixt_buf_add(&b, "\nidxtune drops nothing by itself: a regressed index is rolled back by a person.\n");
    char *rb = ixt_export_rollback(r, o);
    md_block(&b, "Rollback", rb);
    free(rb);
    return ixt_buf_take(&b);
}
