/* batch_indexes: `idxtune indexes`, the health of the existing indexes as
 * text, JSON, Markdown, or the SQL that drops those that can go (with the
 * rollback beside). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "idxtune/export.h"
#include "idxtune/health.h"
#include "idxtune/jsonout.h"

static json_t *findings_json(unsigned findings)
{
    json_t *a = json_array();
    for (int b = 0; b < IXT_HF_COUNT; b++)
        if (findings & (1u << b))
            json_array_append_new(a, json_string(ixt_health_finding_word(1u << b)));
    return a;
}

static json_t *index_json(const ixt_health *h, size_t i)
{
    const ixt_index_health *x = &h->idx[i];
    char *why = ixt_health_reasons(h, i);
    const char *con = ixt_constraint_word(x->constraint);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:b, s:o, s:s}",
                          "schema", x->schema, "table", x->table, "index", x->name, "method", x->method,
                          "definition", x->def, "valid", x->valid, "size_bytes", ixt_json_count(x->size_bytes),
                          "idx_scan", ixt_json_count(x->idx_scan), "idx_tup_read", ixt_json_count(x->tup_read),
                          "idx_tup_fetch", ixt_json_count(x->tup_fetch),
                          "last_idx_scan", x->last_scan ? json_string(x->last_scan) : json_null(),
                          "constraint", con ? json_string(con) : json_null(), "fk_referenced", x->fk_referenced,
                          "table_writes_per_s", ixt_json_known(x->write_rate, IXT_JSON_RATE),
                          "findings", findings_json(x->findings), "droppable", x->droppable,
                          "other_index", x->other >= 0 ? json_string(h->idx[x->other].name) : json_null(),
                          "reasons", why);
    free(why);
    return o;
}

/* A table-level finding: a foreign key no index leads with. */
static json_t *fk_json(const ixt_fk_health *f)
{
    char *why = ixt_xasprintf("no index leads with (%s): deletes and key updates on the referenced table "
                              "scan %s.%s", f->columns, f->schema, f->table);
    json_t *o = json_pack("{s:s, s:s, s:n, s:n, s:[s], s:s, s:s, s:s, s:s}", "schema", f->schema, "table", f->table,
                          "index", "constraint", "findings", "unindexed_foreign_key", "foreign_key", f->name,
                          "columns", f->columns, "definition", f->def, "reasons", why);
    free(why);
    return o;
}

static char *to_json_text(const ixt_health *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(arr, index_json(h, i));
    for (size_t i = 0; i < h->nfks; i++)
        if (h->fks[i].unindexed)
            json_array_append_new(arr, fk_json(&h->fks[i]));
    char *s = ixt_json_text(arr);
    json_decref(arr);
    return s;
}

static void findings_text(ixt_buf *b, unsigned findings)
{
    const char *sep = "";
    for (int k = 0; k < IXT_HF_COUNT; k++)
        if (findings & (1u << k)) {
            ixt_buf_printf(b, "%s%s", sep, ixt_health_finding_word(1u << k));
            sep = ",";
        }
    if (!findings)
        ixt_buf_add(b, "-");
}

static char *to_text(const ixt_health *h, bool md)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char sz[32];
    if (md)
        ixt_buf_add(&b, "# Index health\n\n| Table | Index | Size | Scans | Constraint | Findings | Why |\n"
                        "|---|---|---:|---:|---|---|---|\n");
    else
        ixt_buf_printf(&b, "%-32s %-36s %9s %10s %-11s %s\n", "table", "index", "size", "scans", "constraint",
                       "findings");
    for (size_t i = 0; i < h->n; i++) {
        const ixt_index_health *x = &h->idx[i];
        const char *con = ixt_constraint_word(x->constraint);
        char *tbl = ixt_xasprintf("%s.%s", x->schema, x->table);
        ixt_buf f;
        ixt_buf_init(&f);
        findings_text(&f, x->findings);
        char *why = ixt_health_reasons(h, i);
        ixt_fmt_bytes(x->size_bytes, sz, sizeof sz);
        if (md) {
            ixt_buf_add(&b, "| ");
            ixt_md_code(&b, tbl, 200, true);
            ixt_buf_add(&b, " | ");
            ixt_md_code(&b, x->name, 100, true);
            ixt_buf_printf(&b, " | %s | %.0f | %s | %s | ", sz, x->idx_scan, con ? con : "", f.s);
            ixt_md_text(&b, why, 1000);
            ixt_buf_add(&b, " |\n");
        } else {
            ixt_buf_printf(&b, "%-32s %-36s %9s %10.0f %-11s %s\n", tbl, x->name, sz, x->idx_scan, con ? con : "-",
                           f.s);
            if (why[0])
                ixt_buf_printf(&b, "    %s\n", why);
        }
        free(why);
        ixt_buf_free(&f);
        free(tbl);
    }
    ixt_buf_add(&b, md ? "\n" : "");
    for (size_t i = 0; i < h->nfks; i++) {
        const ixt_fk_health *fk = &h->fks[i];
        if (!fk->unindexed)
            continue;
        char *what = ixt_xasprintf("%s.%s: foreign key %s (%s)", fk->schema, fk->table, fk->name, fk->columns);
        ixt_buf_add(&b, md ? "- " : "unindexed foreign key: ");
        if (md)
            ixt_md_text(&b, what, 1000);
        else
            ixt_buf_add(&b, what);
        ixt_buf_add(&b, " has no index leading with its columns: deletes and key updates on the referenced "
                        "table scan this one\n");
        free(what);
    }
    return ixt_buf_take(&b);
}

int batch_indexes(const ixt_opts *o)
{
    if (o->rollback && o->format != FMT_SQL) {
        fprintf(stderr, "idxtune: --rollback goes with --format sql\n");
        return 2;
    }
    ixt_conn *c = batch_connect(o);
    if (!c)
        return 1;
    ixt_health h;
    ixt_err e;
    if (ixt_health_fetch(&h, c, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        ixt_conn_close(c);
        return 1;
    }
    double days = ixt_health_stats_days(&h);
    if (days < IXT_HEALTH_MIN_DAYS)
        fprintf(stderr, "idxtune: the index statistics cover %.1f days: too short to call an index unused\n", days);
    const char *date = getenv("IXT_EXPORT_DATE");
    char *text = NULL, *rollback = NULL;
    switch (o->format) {
    case FMT_JSON: text = to_json_text(&h); break;
    case FMT_MD: text = to_text(&h, true); break;
    case FMT_SQL:
        text = ixt_health_drop_sql(&h, ixt_conn_label(c), date);
        if (text && o->rollback)
            rollback = ixt_health_rollback_sql(&h, ixt_conn_label(c), date, &e);
        break;
    default: text = to_text(&h, false); break;
    }
    int rc = batch_emit_pair(o, text, rollback, &e);
    free(text);
    free(rollback);
    ixt_health_free(&h);
    ixt_conn_close(c);
    return rc;
}
