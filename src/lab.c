/* lab: hypothetical indexes and before/after plans for one statement. */
#include "idxtune/lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"

/* Plans sql; typed: it is a planned text from an earlier run.  *planned
 * (when not NULL) gets the text that was planned.  caller frees both */
static ixt_plan *plan_of(ixt_conn *c, const char *sql, bool typed, bool *generic, char **planned, ixt_err *e)
{
    ixt_explain_req req = {.sql = sql, .typed = typed};
    ixt_explain_prep prep;
    char *json = ixt_explain_run(c, &req, &prep, e);
    if (!json)
        return NULL;
    if (generic)
        *generic = prep.generic;
    if (planned)
        *planned = ixt_xstrdup(prep.sql);
    ixt_explain_prep_free(&prep);
    ixt_plan *p = ixt_plan_parse(json, e);
    free(json);
    return p;
}

int ixt_lab_open(ixt_lab *l, ixt_conn *c, const char *sql, ixt_err *e)
{
    memset(l, 0, sizeof *l);
    if (ixt_conn_info(c)->has_hypopg && ixt_hypo_reset(c, e) != 0)
        return -1;
    l->before = plan_of(c, sql, false, &l->generic, &l->planned, e);
    if (!l->before)
        return -1;
    l->sql = ixt_xstrdup(sql);
    return 0;
}

void ixt_lab_close(ixt_lab *l, ixt_conn *c)
{
    for (int i = 0; i < l->nidx; i++) {
        if (c && ixt_conn_ok(c))
            (void)ixt_hypo_drop(c, l->idx[i].hypo.oid, NULL);
        free(l->idx[i].def);
        ixt_indexdef_free(&l->idx[i].index);
    }
    free(l->idx);
    ixt_plan_free(l->before);
    ixt_plan_free(l->after);
    ixt_plan_diff_free(l->diff);
    free(l->sql);
    free(l->planned);
    memset(l, 0, sizeof *l);
}

/* The plan with the active set (taken over; NULL: none) and what
 * changed. */
static int show_after(ixt_lab *l, ixt_plan *after)
{
    ixt_plan_free(l->after);
    ixt_plan_diff_free(l->diff);
    l->after = after;
    l->diff = NULL;
    if (!after)
        return -1;
    l->diff = ixt_plan_diff_new(l->before, l->after);
    for (int i = 0; i < l->nidx; i++)
        l->idx[i].used = ixt_plan_uses_index(l->after, l->idx[i].hypo.name);
    return 0;
}

/* Plans the statement with the active set and marks what changed. */
static int replan(ixt_lab *l, ixt_conn *c, ixt_err *e)
{
    if (l->nidx == 0)
        return show_after(l, NULL), 0;
    return show_after(l, plan_of(c, l->planned, true, NULL, NULL, e));
}

/* The create and the new plan in one round trip. */
int ixt_lab_add(ixt_lab *l, ixt_conn *c, const ixt_indexdef *d, ixt_err *e)
{
    ixt_lab_index x = {0};
    ixt_whatif w;
    ixt_whatif_init(&w);
    int made = ixt_whatif_create(c, &w, d->sql, 0, e);
    int op = made >= 0 ? ixt_whatif_explain(&w, l->planned, e) : -1;
    int rc = op >= 0 && ixt_whatif_run(c, &w, e) == 0 ? ixt_whatif_hypo(&w, made, &x.hypo, e) : -1;
    char *json = rc == 0 ? ixt_whatif_plan(&w, op, e) : NULL;
    ixt_whatif_free(&w);
    if (rc != 0)
        return -1;
    x.def = ixt_xstrdup(d->sql);
    ixt_indexdef_copy(&x.index, d);
    l->idx = ixt_xrealloc(l->idx, (size_t)(l->nidx + 1) * sizeof *l->idx);
    l->idx[l->nidx++] = x;
    ixt_plan *after = json ? ixt_plan_parse(json, e) : NULL;
    free(json);
    return show_after(l, after);
}

int ixt_lab_remove(ixt_lab *l, ixt_conn *c, int i, ixt_err *e)
{
    if (i < 0 || i >= l->nidx)
        return ixt_err_set(e, "no such index in the lab");
    /* an index whose drop failed still shapes the plans of this backend:
     * it stays listed, so the plans shown stay true and a retry can drop it */
    ixt_err de;
    if (ixt_hypo_drop(c, l->idx[i].hypo.oid, &de) != 0)
        return ixt_err_set(e, "the hypothetical index is still in the lab: its drop failed: %s", de.msg);
    free(l->idx[i].def);
    ixt_indexdef_free(&l->idx[i].index);
    memmove(&l->idx[i], &l->idx[i + 1], (size_t)(l->nidx - i - 1) * sizeof *l->idx);
    l->nidx--;
    return replan(l, c, e);
}

const char *ixt_lab_unused_reason(ixt_lab *l, ixt_conn *c, int i)
{
    static const char SQL[] = IXT_SQL_TAG "SELECT row_security_active(to_regclass($1))";
    if (i < 0 || i >= l->nidx || l->idx[i].used)
        return NULL;
    const char *params[] = {l->idx[i].index.table};
    PGresult *r = ixt_conn_exec(c, SQL, 1, params, NULL);
    bool rls = r && PQntuples(r) && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!rls)
        return NULL;
    return "row-level security applies to this role on this table: only leakproof operators (=, <, > on "
           "plain columns) can use an index; lower(...), LIKE, @> and other non-leakproof ones cannot";
}

double ixt_lab_after_cost(const ixt_lab *l)
{
    return l->after ? l->after->total_cost : l->before->total_cost;
}

double ixt_lab_change_pct(const ixt_lab *l)
{
    double b = l->before->total_cost;
    return b > 0 ? (ixt_lab_after_cost(l) - b) / b * 100.0 : 0;
}

static double cost_of(ixt_conn *c, const char *sql, char *err, size_t errlen)
{
    ixt_err e;
    ixt_plan *p = plan_of(c, sql, false, NULL, NULL, &e);
    if (!p) {
        snprintf(err, errlen, "%.255s", e.msg);
        return -1;
    }
    double cost = p->total_cost;
    ixt_plan_free(p);
    return cost;
}

/* Hypothetical indexes cannot be switched off one by one: the "before"
 * costs are taken with the set dropped, then the set is made again. */
int ixt_lab_workload(ixt_lab *l, ixt_conn *c, const char *const *sqls, int n,
                     ixt_lab_effect *out, ixt_err *e)
{
    for (int i = 0; i < l->nidx; i++)
        if (ixt_hypo_drop(c, l->idx[i].hypo.oid, e) != 0)
            return -1;
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].before_cost = cost_of(c, sqls[i], out[i].error, sizeof out[i].error);
    }
    for (int i = 0; i < l->nidx; i++)
        if (ixt_hypo_create_def(c, &l->idx[i].index, &l->idx[i].hypo, e) != 0)
            return -1;
    for (int i = 0; i < n; i++)
        out[i].after_cost = out[i].before_cost < 0 ? -1 : cost_of(c, sqls[i], out[i].error, sizeof out[i].error);
    return replan(l, c, e);
}

/* ===== completion ===== */

static const char CATALOG_SQL[] =
    IXT_SQL_TAG
    "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,"
    " a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
    " AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, a.attnum LIMIT 50000";

/* Each partition and the table at the top of its tree, named as above. */
static const char CATALOG_PARTS_SQL[] =
    IXT_SQL_TAG
    "SELECT n.nspname || '.' || c.relname,"
    " CASE WHEN rn.nspname = 'public' THEN r.relname ELSE rn.nspname || '.' || r.relname END"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_class r ON r.oid = pg_partition_root(c.oid) JOIN pg_namespace rn ON rn.oid = r.relnamespace"
    " WHERE c.relispartition AND c.relkind IN ('r', 'p', 'f') ORDER BY 1 LIMIT 50000";

static int catalog_parts(ixt_conn *c, ixt_catalog *cat, ixt_err *e)
{
    PGresult *r = ixt_conn_exec(c, CATALOG_PARTS_SQL, 0, NULL, e);
    if (!r)
        return -1;
    int n = PQntuples(r);
    cat->part_names = ixt_xcalloc((size_t)n + 1, sizeof *cat->part_names);
    cat->part_roots = ixt_xcalloc((size_t)n + 1, sizeof *cat->part_roots);
    for (int i = 0; i < n; i++) {
        cat->part_names[i] = ixt_xstrdup(PQgetvalue(r, i, 0));
        cat->part_roots[i] = ixt_xstrdup(PQgetvalue(r, i, 1));
    }
    cat->nparts = n;
    PQclear(r);
    return 0;
}

const char *ixt_catalog_index_table(const ixt_catalog *cat, const char *schema, const char *relation)
{
    for (int i = 0; schema && i < cat->nparts; i++) {
        const char *name = cat->part_names[i];
        size_t ls = strlen(schema);
        if (strncmp(name, schema, ls) == 0 && name[ls] == '.' && strcmp(name + ls + 1, relation) == 0)
            return cat->part_roots[i];
    }
    return relation;
}

void ixt_catalog_read(const PGresult *r, ixt_catalog *cat)
{
    memset(cat, 0, sizeof *cat);
    int n = PQntuples(r);
    cat->tables = ixt_xcalloc((size_t)n + 1, sizeof *cat->tables);
    cat->col_table = ixt_xcalloc((size_t)n + 1, sizeof *cat->col_table);
    cat->cols = ixt_xcalloc((size_t)n + 1, sizeof *cat->cols);
    for (int i = 0; i < n; i++) {
        const char *t = PQgetvalue(r, i, 0);
        if (!cat->ntables || strcmp(cat->tables[cat->ntables - 1], t) != 0)
            cat->tables[cat->ntables++] = ixt_xstrdup(t);
        cat->col_table[cat->ncols] = cat->tables[cat->ntables - 1];
        cat->cols[cat->ncols++] = ixt_xstrdup(PQgetvalue(r, i, 1));
    }
}

int ixt_catalog_load(ixt_conn *c, ixt_catalog *cat, ixt_err *e)
{
    memset(cat, 0, sizeof *cat);
    PGresult *r = ixt_conn_exec(c, CATALOG_SQL, 0, NULL, e);
    if (!r)
        return -1;
    ixt_catalog_read(r, cat);
    PQclear(r);
    if (catalog_parts(c, cat, e) != 0) {
        ixt_catalog_free(cat);
        return -1;
    }
    return 0;
}

void ixt_catalog_free(ixt_catalog *cat)
{
    for (int i = 0; i < cat->ntables; i++)
        free(cat->tables[i]);
    for (int i = 0; i < cat->ncols; i++)
        free(cat->cols[i]);
    for (int i = 0; i < cat->nparts; i++) {
        free(cat->part_names[i]);
        free(cat->part_roots[i]);
    }
    free(cat->tables);
    free(cat->col_table);
    free(cat->cols);
    free(cat->part_names);
    free(cat->part_roots);
    memset(cat, 0, sizeof *cat);
}

static bool word_char(char ch)
{
    return ch == '_' || ch == '.' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z') ||
           (unsigned char)ch >= 0x80;
}

/* The table written after ON in text[0..end), into buf. */
static bool table_after_on(const char *text, size_t end, char *buf, size_t len)
{
    const char *on = NULL;
    for (size_t i = 0; i + 3 <= end; i++)
        if ((i == 0 || !word_char(text[i - 1])) && strncasecmp(text + i, "on", 2) == 0 &&
            (text[i + 2] == ' ' || text[i + 2] == '\t'))
            on = text + i + 2;
    if (!on)
        return false;
    while (*on == ' ' || *on == '\t')
        on++;
    if (strncasecmp(on, "only ", 5) == 0)
        on += 5;
    size_t n = 0;
    while (on + n < text + end && word_char(on[n]))
        n++;
    snprintf(buf, len, "%.*s", (int)n, on);
    return n > 0 && (size_t)(on + n - text) < end;
}

static void add_match(const char ***out, int *n, const char *s, const char *word, size_t wlen)
{
    if (strncasecmp(s, word, wlen) != 0)
        return;
    for (int i = 0; i < *n; i++)
        if (strcmp((*out)[i], s) == 0)
            return;
    *out = ixt_xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
    (*out)[(*n)++] = s;
}

int ixt_catalog_complete(const ixt_catalog *cat, const char *text, size_t cursor,
                         const char ***out, char **prefix)
{
    size_t start = cursor;
    while (start > 0 && word_char(text[start - 1]))
        start--;
    const char *word = text + start;
    size_t wlen = cursor - start;
    *out = NULL;
    *prefix = NULL;
    int n = 0;
    char table[256];
    /* a table right after ON, else columns of that table */
    size_t before = start;
    while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t'))
        before--;
    bool want_table = before >= 2 && strncasecmp(text + before - 2, "on", 2) == 0;
    if (want_table || !table_after_on(text, start, table, sizeof table)) {
        for (int i = 0; i < cat->ntables; i++)
            add_match(out, &n, cat->tables[i], word, wlen);
    } else {
        for (int i = 0; i < cat->ncols; i++)
            if (strcmp(cat->col_table[i], table) == 0)
                add_match(out, &n, cat->cols[i], word, wlen);
    }
    if (n == 0)
        return 0;
    size_t common = strlen((*out)[0]);
    for (int i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && (*out)[i][k] == (*out)[0][k])
            k++;
        common = k;
    }
    *prefix = ixt_xstrndup((*out)[0], common);
    return n;
}
