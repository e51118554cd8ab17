/* export: SQL, rollback SQL and Markdown from the review set. */
#include "idxtune/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idxtune/indexdef.h"

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

/* A statement's text on comment lines: one line, cut. */
static void comment_text(ixt_buf *b, const char *prefix, const char *text, size_t max)
{
    char *one = ixt_xstrdup(text ? text : "");
    ixt_squash_ws(one);
    size_t n = strlen(one);
    /* a comment must not be closed or continued by the text itself */
    for (char *p = one; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    ixt_buf_printf(b, "%s%.*s%s\n", prefix, (int)(n > max ? max : n), one, n > max ? " ..." : "");
    free(one);
}

static void rationale(ixt_buf *b, const ixt_review_item *it, int i)
{
    char t1[32], t2[32], sz[32];
    const ixt_evidence *ev = &it->ev;
    double pct = ev->cost_before > 0 ? (ev->cost_after - ev->cost_before) / ev->cost_before * 100 : 0;
    ixt_buf_printf(b, "-- %d. %s on %s.%s (%s)\n", i + 1, it->name, it->schema, it->table, it->method);
    if (ev->queryid)
        ixt_buf_printf(b, "--    helps queryid %lld:\n", ev->queryid);
    else
        ixt_buf_add(b, "--    helps:\n");
    comment_text(b, "--      ", ev->sql, 200);
    ixt_buf_printf(b, "--    estimated cost %.2f -> %.2f (%+.1f%%)\n", ev->cost_before, ev->cost_after, pct);
    if (ev->measured)
        ixt_buf_printf(b, "--    measured median %s -> %s (real trial, rolled back; build %.0f ms)\n",
                       ixt_fmt_ms(ev->ms_before, t1, sizeof t1), ixt_fmt_ms(ev->ms_after, t2, sizeof t2),
                       ev->build_ms);
    ixt_buf_printf(b, "--    size %s%s\n", ixt_fmt_bytes(it->size_bytes, sz, sizeof sz),
                   ev->measured ? "" : " (estimate)");
    if (it->write_rate >= 0)
        ixt_buf_printf(b, "--    write cost: %s.%s takes %.1f writes/s, each now also updates this index\n",
                       it->schema, it->table, it->write_rate);
    comment_text(b, "--    tried as: ", it->def, 300);
}

char *ixt_export_sql(const ixt_review *r, const ixt_export_opts *o, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "-- Index changes proposed by idxtune %s\n", IXT_VERSION);
    ixt_buf_printf(&b, "-- Server:   %s (PostgreSQL %s)\n", r->conn_label ? r->conn_label : "?",
                   r->server_version ? r->server_version : "?");
    ixt_buf_printf(&b, "-- Date:     %s\n-- Indexes:  %d\n--\n", date, r->n);
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
        rationale(&b, it, i);
        char *sql = ixt_indexdef_render(it->def, it->schema, it->name, o->concurrently, true, e);
        if (!sql) {
            ixt_buf_free(&b);
            return NULL;
        }
        ixt_buf_printf(&b, "%s;\n\n", sql);
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
    for (int i = 0; i < r->n; i++)
        ixt_buf_printf(&b, "%s'%s'", i ? ", " : "", r->items[i].name);
    ixt_buf_add(&b, r->n ? ");\n" : "NULL);\n");
    return ixt_buf_take(&b);
}

char *ixt_export_rollback(const ixt_review *r, const ixt_export_opts *o, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "-- Rollback of the index changes proposed by idxtune %s (%s)\n", IXT_VERSION, date);
    ixt_buf_printf(&b, "-- Server: %s.  Drops the indexes in reverse order.\n", r->conn_label ? r->conn_label : "?");
    if (o->concurrently)
        ixt_buf_add(&b, "-- DROP INDEX CONCURRENTLY cannot run inside a transaction block.\n");
    ixt_buf_addc(&b, '\n');
    for (int i = r->n - 1; i >= 0; i--) {
        char *sql = ixt_index_drop_sql(r->items[i].schema, r->items[i].name, o->concurrently, e);
        if (!sql) {
            ixt_buf_free(&b);
            return NULL;
        }
        ixt_buf_printf(&b, "%s;\n", sql);
        free(sql);
    }
    return ixt_buf_take(&b);
}

/* Markdown table cells: no pipes or newlines from the data. */
static void md_cell(ixt_buf *b, const char *s, size_t max)
{
    char *one = ixt_xstrdup(s ? s : "");
    ixt_squash_ws(one);
    size_t n = 0;
    for (const char *p = one; *p && n < max; p++, n++) {
        if (*p == '|')
            ixt_buf_add(b, "\\|");
        else if (*p == '`')
            ixt_buf_addc(b, '\'');
        else
            ixt_buf_addc(b, *p);
    }
    if (strlen(one) > max)
        ixt_buf_add(b, " ...");
    free(one);
}

char *ixt_export_markdown(const ixt_review *r, const ixt_export_opts *o, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char date[64], sz[32], t1[32], t2[32];
    now_text(o, date, sizeof date);
    ixt_buf_printf(&b, "# Index changes\n\nProposed by idxtune %s on %s for `%s` (PostgreSQL %s).\n\n", IXT_VERSION,
                   date, r->conn_label ? r->conn_label : "?", r->server_version ? r->server_version : "?");
    ixt_buf_add(&b, "| # | Index | Table | Statement | Cost before | Cost after | Change | Measured | Size |\n"
                    "|---|---|---|---|---:|---:|---:|---|---:|\n");
    for (int i = 0; i < r->n; i++) {
        const ixt_review_item *it = &r->items[i];
        const ixt_evidence *ev = &it->ev;
        double pct = ev->cost_before > 0 ? (ev->cost_after - ev->cost_before) / ev->cost_before * 100 : 0;
        ixt_buf_printf(&b, "| %d | `%s` | `%s.%s` | `", i + 1, it->name, it->schema, it->table);
        md_cell(&b, ev->sql, 80);
        ixt_buf_printf(&b, "` | %.2f | %.2f | %+.1f%% | ", ev->cost_before, ev->cost_after, pct);
        if (ev->measured)
            ixt_buf_printf(&b, "%s -> %s", ixt_fmt_ms(ev->ms_before, t1, sizeof t1),
                           ixt_fmt_ms(ev->ms_after, t2, sizeof t2));
        else
            ixt_buf_add(&b, "-");
        ixt_buf_printf(&b, " | %s |\n", ixt_fmt_bytes(it->size_bytes, sz, sizeof sz));
    }
    char *sql = ixt_export_sql(r, o, e);
    char *rb = sql ? ixt_export_rollback(r, o, e) : NULL;
    if (!rb) {
        free(sql);
        ixt_buf_free(&b);
        return NULL;
    }
    ixt_buf_printf(&b, "\n## SQL\n\n```sql\n%s```\n\n## Rollback\n\n```sql\n%s```\n", sql, rb);
    free(sql);
    free(rb);
    return ixt_buf_take(&b);
}
