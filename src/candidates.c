/* candidates: index candidates from parse trees and catalog facts, with
 * no server in the loop. */
#include "idxtune/candidates.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlquote.h"
#include "idxtune/util.h"

/* ===== facts ===== */

/* The catalog names tables outside public "schema.table"; statements
 * often name them bare. */
static bool same_table(const char *catname, const char *table)
{
    size_t tl = strlen(table), cl = strlen(catname);
    return strcmp(catname, table) == 0 ||
           (cl > tl && catname[cl - tl - 1] == '.' && strcmp(catname + cl - tl, table) == 0);
}

bool ixt_cand_same_table(const char *catname, const char *table)
{
    return same_table(catname, table);
}

const ixt_col_fact *ixt_cand_col(const ixt_cand_facts *f, const char *table, const char *column)
{
    for (int i = 0; i < f->ncols; i++)
        if (same_table(f->cols[i].table, table) && strcmp(f->cols[i].column, column) == 0)
            return &f->cols[i];
    return NULL;
}

const ixt_table_fact *ixt_cand_table(const ixt_cand_facts *f, const char *table)
{
    for (int i = 0; i < f->ntables; i++)
        if (same_table(f->tables[i].table, table))
            return &f->tables[i];
    return NULL;
}

void ixt_cand_facts_free(ixt_cand_facts *f)
{
    ixt_catalog_free(&f->cat);
    for (int i = 0; i < f->ncols; i++) {
        free(f->cols[i].table);
        free(f->cols[i].column);
        free(f->cols[i].hidden_rel);
        free(f->cols[i].pattern_ops);
    }
    for (int i = 0; i < f->npolicies; i++) {
        free(f->policies[i].table);
        free(f->policies[i].qual);
    }
    for (int i = 0; i < f->nquals; i++) {
        free(f->quals[i].table);
        free(f->quals[i].column);
        free(f->quals[i].op);
    }
    for (int i = 0; i < f->ntables; i++)
        free(f->tables[i].table);
    free(f->bulk.counted.example);
    free(f->bulk.counted.table);
    free(f->bulk.loads.example);
    free(f->bulk.loads.table);
    for (int i = 0; i < f->nindexes; i++) {
        ixt_index_fact *x = &f->indexes[i];
        free(x->table);
        free(x->name);
        free(x->def);
        for (int k = 0; k < x->nkeys; k++)
            free(x->keys[k]);
        free(x->keys);
    }
    for (int i = 0; i < f->nfks; i++) {
        free(f->fks[i].table);
        free(f->fks[i].parent);
        free(f->fks[i].name);
        free(f->fks[i].check);
        free(f->fks[i].parent_cols);
        free(f->fks[i].cols);
    }
    free(f->fks);
    free(f->cols);
    free(f->policies);
    free(f->quals);
    free(f->tables);
    free(f->indexes);
    memset(f, 0, sizeof *f);
}

bool ixt_sql_has_param(const char *text)
{
    if (!text)
        return false;
    PgQueryScanResult r = pg_query_scan(text);
    PgQuery__ScanResult *sr = r.error ? NULL
        : pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
    /* what does not scan cannot be checked: treat it as unbuildable */
    bool has = sr == NULL;
    for (size_t i = 0; sr && i < sr->n_tokens && !has; i++)
        has = sr->tokens[i]->token == PG_QUERY__TOKEN__PARAM;
    if (sr)
        pg_query__scan_result__free_unpacked(sr, NULL);
    pg_query_free_scan_result(r);
    return has;
}

/* ===== column sets ===== */

typedef struct colset {
    const char *cols[IXT_CAND_MAX_COLS];
    bool desc[IXT_CAND_MAX_COLS];
    int n;
} colset;

static void colset_add(colset *s, const char *col, bool desc)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->cols[i], col) == 0)
            return;
    if (s->n < IXT_CAND_MAX_COLS) {
        s->desc[s->n] = desc;
        s->cols[s->n++] = col;
    }
}

static void concat(colset *dst, const colset *src, int max)
{
    for (int i = 0; i < src->n && (max < 0 || i < max); i++)
        colset_add(dst, src->cols[i], src->desc[i]);
}

static bool colset_has(const colset *s, const char *col)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->cols[i], col) == 0)
            return true;
    return false;
}

static bool mixed_directions(const colset *s)
{
    for (int i = 1; i < s->n; i++)
        if (s->desc[i] != s->desc[0])
            return true;
    return false;
}

/* ===== rendering ===== */

static void render(ixt_cand *c)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char *t = ixt_quote_ident(c->table);
    ixt_buf_printf(&b, "CREATE INDEX ON %s ", t);
    free(t);
    if (c->gin || c->brin) {
        char *col = ixt_quote_ident(c->keys[0]);
        ixt_buf_printf(&b, c->gin ? "USING gin (%s jsonb_path_ops)" : "USING brin (%s)", col);
        free(col);
    } else if (c->expr) {
        ixt_buf_printf(&b, "((%s)%s%s)", c->keys[0], c->opclass ? " " : "", c->opclass ? c->opclass : "");
    } else {
        for (int i = 0; i < c->nkeys; i++) {
            char *col = ixt_quote_ident(c->keys[i]);
            bool last = i == c->nkeys - 1;
            ixt_buf_printf(&b, "%s%s%s%s%s", i ? ", " : "(", col, last && c->opclass ? " " : "",
                           last && c->opclass ? c->opclass : "", c->desc[i] ? " DESC" : "");
            free(col);
        }
        ixt_buf_addc(&b, ')');
    }
    for (int i = 0; i < c->nincl; i++) {
        char *col = ixt_quote_ident(c->incl[i]);
        ixt_buf_printf(&b, "%s%s", i ? ", " : " INCLUDE (", col);
        free(col);
    }
    if (c->nincl)
        ixt_buf_addc(&b, ')');
    if (c->where)
        ixt_buf_printf(&b, " WHERE %s", c->where);
    c->def = ixt_buf_take(&b);
}

static void cand_free(ixt_cand *c)
{
    free(c->def);
    free(c->table);
    for (int i = 0; i < c->nkeys; i++)
        free(c->keys[i]);
    for (int i = 0; i < c->nincl; i++)
        free(c->incl[i]);
    free(c->where);
    free(c->opclass);
    free(c->where_col);
    free(c->where_value);
}

/* Takes c; returns its index in the set (the existing one for a repeat). */
static int add(ixt_cand_set *set, ixt_cand *c)
{
    render(c);
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->v[i].def, c->def) == 0) {
            cand_free(c);
            return i;
        }
    set->v = ixt_xrealloc(set->v, (size_t)(set->n + 1) * sizeof *set->v);
    set->v[set->n] = *c;
    return set->n++;
}

/* A candidate of table keyed on key, unrendered.  caller frees (add) */
static ixt_cand keyed(const char *table, const colset *key, bool keep_desc)
{
    ixt_cand c = {.table = ixt_xstrdup(table), .nkeys = key->n};
    for (int i = 0; i < key->n; i++) {
        c.keys[i] = ixt_xstrdup(key->cols[i]);
        c.desc[i] = keep_desc && key->desc[i];
    }
    return c;
}

/* "CREATE INDEX ON t (a, b DESC) INCLUDE (c) WHERE ..." from column sets;
 * its index in the set, -1 without keys. */
static int add_keyed(ixt_cand_set *set, const char *table, const colset *key, const colset *incl, const char *where,
                      bool keep_desc)
{
    if (key->n == 0)
        return -1;
    ixt_cand c = keyed(table, key, keep_desc);
    c.where = ixt_xstrdup(where);
    for (int i = 0; incl && i < incl->n; i++)
        c.incl[c.nincl++] = ixt_xstrdup(incl->cols[i]);
    return add(set, &c);
}

/* ===== uses ===== */

/* The statement's table that has column col (for unqualified columns). */
static const char *owner_of(const ixt_catalog *cat, const ixt_sql_info *in, const char *col)
{
    for (int t = 0; t < in->ntables; t++)
        for (int i = 0; i < cat->ncols; i++)
            if (same_table(cat->col_table[i], in->tables[t].name) && strcmp(cat->cols[i], col) == 0)
                return in->tables[t].name;
    return NULL;
}

static const char *use_table(const ixt_catalog *cat, const ixt_sql_info *in, const ixt_col_use *u)
{
    if (u->table)
        return u->table;
    return u->column ? owner_of(cat, in, u->column) : NULL;
}

/* Only real columns of the table become index keys (not output names, not
 * columns of another query level). */
static bool has_column(const ixt_catalog *cat, const char *table, const char *col)
{
    for (int i = 0; i < cat->ncols; i++)
        if (same_table(cat->col_table[i], table) && strcmp(cat->cols[i], col) == 0)
            return true;
    return false;
}

/* eq: every equality, joins too; cst: those with a constant (a join's
 * column is an index condition only in a nested loop); pat: LIKE 'abc%' */
typedef struct tcols {
    colset lead, eq, cst, rng, pat, srt, grp, out;
    colset flt; /* filters no btree condition serves: LIKE '%x%' */
    colset nul; /* IS NULL: an index condition, but no equality to the order of the keys after it */
    bool limit; /* the statement has a LIMIT */
} tcols;

static bool plain_op(const char *op)
{
    return !op || !*op || !strcmp(op, "=") || !strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "<=") ||
           !strcmp(op, ">=") || !strcmp(op, "IS NULL");
}

static void gather_use(const ixt_catalog *cat, const ixt_sql_info *in, const char *table, const ixt_col_use *u,
                       tcols *tc)
{
    const char *t = use_table(cat, in, u);
    if (!t || strcmp(t, table) != 0 || !u->column || !has_column(cat, table, u->column))
        return;
    switch (u->kind) {
    case IXT_USE_EQ: case IXT_USE_JOIN: case IXT_USE_NULL:
        if (plain_op(u->op))
            colset_add(&tc->eq, u->column, false);
        if (plain_op(u->op) && u->kind != IXT_USE_JOIN)
            colset_add(&tc->cst, u->column, false);
        if (plain_op(u->op) && u->kind == IXT_USE_NULL)
            colset_add(&tc->nul, u->column, false);
        if (u->opclass == IXT_OP_LIKE)
            colset_add(&tc->flt, u->column, false);
        break;
    case IXT_USE_RANGE:
        colset_add(&tc->rng, u->column, false);
        if (u->opclass == IXT_OP_LIKE_PREFIX)
            colset_add(&tc->pat, u->column, false);
        break;
    case IXT_USE_SORT: colset_add(&tc->srt, u->column, u->desc); break;
    case IXT_USE_GROUP: colset_add(&tc->grp, u->column, false); break;
    case IXT_USE_OUTPUT: colset_add(&tc->out, u->column, false); break;
    }
}

/* Row-level security: a policy that applies to the role adds its equality
 * to every statement on the table.  Its column leads the key when the
 * comparison can be an index condition (a leakproof =). */
static void policy_cols(const ixt_cand_facts *f, const char *table, colset *lead)
{
    for (int p = 0; p < f->npolicies; p++) {
        if (!same_table(f->policies[p].table, table))
            continue;
        char *q = ixt_xasprintf("SELECT 1 FROM %s WHERE %s", table, f->policies[p].qual);
        ixt_sql_info *pi = ixt_sql_analyze(q, NULL);
        free(q);
        for (int u = 0; pi && u < pi->nuses; u++) {
            const ixt_col_use *pu = &pi->uses[u];
            const ixt_col_fact *cf = pu->column ? ixt_cand_col(f, table, pu->column) : NULL;
            /* the name from the facts: it outlives the policy's parse tree */
            if (pu->kind == IXT_USE_EQ && pu->column && (!pu->op || !strcmp(pu->op, "=")) && cf &&
                cf->eq_leakproof)
                colset_add(lead, cf->column, false);
        }
        ixt_sql_info_free(pi);
    }
}

/* The uses ANDed at the top, and those of one OR branch (-1: of every
 * branch).  Returns the number of pg_qualstats predicates on the table. */
static int gather(const ixt_cand_facts *f, const ixt_sql_info *in, long long queryid, const char *table, int branch,
                  tcols *tc)
{
    int nquals = 0;
    memset(tc, 0, sizeof *tc);
    tc->limit = in->has_limit;
    policy_cols(f, table, &tc->lead);
    for (int i = 0; i < in->nuses; i++)
        if (in->uses[i].branch == 0 || branch < 0 || in->uses[i].branch == branch)
            gather_use(&f->cat, in, table, &in->uses[i], tc);
    /* pg_qualstats saw these predicates too (also those hidden in
     * functions or views) */
    for (int q = 0; queryid && q < f->nquals; q++) {
        const ixt_qual_fact *qf = &f->quals[q];
        if (qf->queryid != queryid)
            continue;
        ixt_col_use u = {.table = qf->table, .column = qf->column, .op = qf->op,
                         .kind = strcmp(qf->op, "=") == 0 ? IXT_USE_EQ : IXT_USE_RANGE};
        gather_use(&f->cat, in, table, &u, tc);
        nquals += strcmp(qf->table, table) == 0;
    }
    /* the policy's columns first, then the statement's equalities */
    colset eq = tc->lead, cst = tc->lead;
    concat(&eq, &tc->eq, -1);
    concat(&cst, &tc->cst, -1);
    tc->eq = eq;
    tc->cst = cst;
    return nquals;
}

/* The keys of before, then the sort, then the first of after; the same
 * with the statement's other output columns included, and with a range
 * last. */
static void sort_candidates(ixt_cand_set *set, const char *table, const tcols *tc, const colset *before,
                            const colset *after)
{
    colset k = *before;
    concat(&k, &tc->srt, -1);
    if (after)
        concat(&k, after, 1);
    bool keep = mixed_directions(&tc->srt);
    add_keyed(set, table, &k, NULL, NULL, keep);
    colset incl = {.n = 0};
    for (int i = 0; i < tc->out.n; i++)
        if (!colset_has(&k, tc->out.cols[i]))
            colset_add(&incl, tc->out.cols[i], false);
    if (incl.n > 0 && incl.n <= 3)
        add_keyed(set, table, &k, &incl, NULL, keep);
    if (tc->rng.n) {
        concat(&k, &tc->rng, 1);
        add_keyed(set, table, &k, NULL, NULL, keep);
    }
}

/* Key orders for one table of one statement: equality first, then the
 * sort, then a range. */
static void keyed_candidates(ixt_cand_set *set, const char *table, const tcols *tc)
{
    colset k;
    for (int i = 0; i < tc->eq.n; i++) {
        colset one = {.n = 0};
        colset_add(&one, tc->eq.cols[i], false);
        add_keyed(set, table, &one, NULL, NULL, false);
    }
    for (int i = 0; i < tc->rng.n; i++) {
        colset one = {.n = 0};
        concat(&one, &tc->lead, -1);
        colset_add(&one, tc->rng.cols[i], false);
        add_keyed(set, table, &one, NULL, NULL, false);
        /* and alone: on a column the rows lie in the order of (a time),
         * the planner may cost its scan well below one led by the
         * policy's column, whose order it does not follow.  Not under a
         * LIMIT: there that walk would wait for the tenant's rows. */
        if (!tc->limit) {
            one = (colset){.n = 0};
            colset_add(&one, tc->rng.cols[i], false);
            add_keyed(set, table, &one, NULL, NULL, false);
        }
    }
    k = (colset){.n = 0};
    concat(&k, &tc->eq, 3);
    concat(&k, &tc->rng, 1);
    add_keyed(set, table, &k, NULL, NULL, false);
    /* the same without the join's columns: under a hash join the range
     * follows the constant equalities, e.g. (l_shipmode, l_receiptdate) */
    if (tc->cst.n > tc->lead.n && tc->cst.n < tc->eq.n && tc->rng.n) {
        k = (colset){.n = 0};
        concat(&k, &tc->cst, 3);
        concat(&k, &tc->rng, 1);
        add_keyed(set, table, &k, NULL, NULL, false);
    }
    /* each other equality first (after the policy's), then the rest:
     * a lookup by that column that also reads the others from the index,
     * e.g. (c_nationkey, c_custkey) for a join on each */
    for (int i = tc->lead.n + 1; i < tc->eq.n && i < 3; i++) {
        k = (colset){.n = 0};
        concat(&k, &tc->lead, -1);
        colset_add(&k, tc->eq.cols[i], false);
        concat(&k, &tc->eq, 3);
        add_keyed(set, table, &k, NULL, NULL, false);
    }
    if (tc->srt.n) {
        colset eq = {.n = 0}, cst = {.n = 0};
        concat(&eq, &tc->eq, 3);
        sort_candidates(set, table, tc, &eq, NULL);
        /* a join's column or one tested IS NULL gives the keys after it
         * no order (the planner's ordering knows only = constant): the
         * constant equalities, the sort, then IS NULL, where the scan
         * still filters on it, e.g. (tenant_id, is_business, created_at,
         * deleted_at) */
        for (int i = 0; i < tc->cst.n && cst.n < 3; i++)
            if (!colset_has(&tc->nul, tc->cst.cols[i]))
                colset_add(&cst, tc->cst.cols[i], false);
        sort_candidates(set, table, tc, &cst, &tc->nul);
    }
    /* a filter no index condition serves, then every other column the
     * statement reads on the table: an index-only scan reads that narrow
     * copy instead of the table, e.g. (p_name, p_partkey) for a join on
     * p_partkey with p_name LIKE '%green%' */
    if (tc->flt.n) {
        k = (colset){.n = 0};
        concat(&k, &tc->lead, -1);
        concat(&k, &tc->flt, 2);
        const colset *read[] = {&tc->eq, &tc->rng, &tc->srt, &tc->grp, &tc->out};
        for (size_t i = 0; i < sizeof read / sizeof *read; i++)
            concat(&k, read[i], -1);
        if (k.n <= 4)
            add_keyed(set, table, &k, NULL, NULL, false);
    }
    if (tc->grp.n) {
        k = (colset){.n = 0};
        concat(&k, &tc->eq, 3);
        concat(&k, &tc->grp, 3);
        add_keyed(set, table, &k, NULL, NULL, false);
        /* the group key, then every other column the statement reads on
         * the table (what its aggregates sum): an index-only scan feeds a
         * sorted GROUP BY, e.g. (l_orderkey, l_quantity) for GROUP BY
         * l_orderkey HAVING sum(l_quantity) > ... */
        colset rest = {.n = 0};
        concat(&rest, &k, -1);
        concat(&rest, &tc->rng, -1);
        concat(&rest, &tc->srt, -1);
        concat(&rest, &tc->out, -1);
        if (rest.n > k.n && rest.n - k.n <= 3)
            add_keyed(set, table, &rest, NULL, NULL, false);
    }
}

/* Whether a constant predicate on the column names a class of rows (a
 * status among a few) rather than one example value (run_id = 4242, or
 * tenant_id = 1 among 20 tenants): only the first makes a partial index
 * worth having. */
static bool few_values(const ixt_cand_facts *f, const char *table, const char *column)
{
    const ixt_col_fact *cf = ixt_cand_col(f, table, column);
    return cf && cf->n_distinct >= 1 && cf->n_distinct <= 20 && !cf->names_rows;
}

/* The share of the table's rows "col IS [NOT] NULL" keeps when that is at
 * most half (an index of them is then at most half as large), else 0. */
static double null_share(const ixt_cand_facts *f, const char *table, const ixt_col_use *u)
{
    const ixt_col_fact *cf = ixt_cand_col(f, table, u->column);
    if (!cf || cf->null_frac <= 0 || u->kind != IXT_USE_NULL)
        return 0;
    double share = u->opclass == IXT_OP_IS_NULL ? cf->null_frac : u->opclass == IXT_OP_NOT_NULL ? 1 - cf->null_frac : 0;
    return share > 0 && share <= 0.5 ? share : 0;
}

/* The predicate of a partial index for use u, NULL when none: a constant
 * equality naming a class of rows (status = 'queued'), or IS [NOT] NULL
 * keeping at most half of them (closed_at IS NULL).  caller frees */
static char *partial_where(const ixt_cand_facts *f, const char *table, const ixt_col_use *u, double *share)
{
    *share = null_share(f, table, u);
    char *col = ixt_quote_ident(u->column), *where = NULL;
    if (*share > 0)
        where = ixt_xasprintf("%s %s", col, u->opclass == IXT_OP_IS_NULL ? "IS NULL" : "IS NOT NULL");
    else if (u->constant && u->kind == IXT_USE_EQ && u->op && strcmp(u->op, "=") == 0 &&
             !ixt_sql_has_param(u->constant) && few_values(f, table, u->column))
        where = ixt_xasprintf("%s = %s", col, u->constant);
    free(col);
    return where;
}

/* Partial indexes (see partial_where): the rest of the key without that
 * column. */
static void partial_candidates(ixt_cand_set *set, const ixt_cand_facts *f, const ixt_sql_info *in, const char *table,
                               const tcols *tc)
{
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(&f->cat, in, u);
        double share;
        char *where = t && strcmp(t, table) == 0 && u->column ? partial_where(f, table, u, &share) : NULL;
        if (!where)
            continue;
        colset k = {.n = 0};
        for (int j = 0; j < tc->eq.n; j++)
            if (strcmp(tc->eq.cols[j], u->column) != 0)
                colset_add(&k, tc->eq.cols[j], false);
        concat(&k, &tc->srt, -1);
        concat(&k, &tc->rng, 1);
        int at = k.n > 0 ? add_keyed(set, table, &k, NULL, where, mixed_directions(&tc->srt)) : -1;
        free(where);
        if (at >= 0 && !set->v[at].where_col) {
            set->v[at].where_col = ixt_xstrdup(u->column);
            set->v[at].where_value = share > 0 ? NULL : ixt_xstrdup(u->constant);
            set->v[at].where_share = share;
        }
    }
}

/* LIKE 'abc%' on a string whose collation orders by other rules (every
 * collation but "C"): a plain btree cannot serve it, the column's pattern
 * operator class can.  The constant equalities first, then that column. */
static void pattern_candidates(ixt_cand_set *set, const ixt_cand_facts *f, const char *table, const tcols *tc)
{
    for (int i = 0; i < tc->pat.n; i++) {
        const ixt_col_fact *cf = ixt_cand_col(f, table, tc->pat.cols[i]);
        bool equal = false;
        for (int j = 0; j < tc->cst.n; j++)
            equal |= strcmp(tc->cst.cols[j], tc->pat.cols[i]) == 0;
        if (!cf || !cf->pattern_ops || equal)
            continue;
        colset k = {.n = 0};
        concat(&k, &tc->cst, 3);
        colset_add(&k, tc->pat.cols[i], false);
        ixt_cand c = keyed(table, &k, false);
        c.opclass = ixt_xstrdup(cf->pattern_ops);
        add(set, &c);
    }
}

/* Expression indexes (lower(email), payload->>'k') and GIN for @>.  An
 * expression holding a placeholder ($1 of a normalized text) names no
 * index that can exist: left out. */
static void expression_candidates(ixt_cand_set *set, const ixt_cand_facts *f, const ixt_sql_info *in,
                                  const char *table)
{
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(&f->cat, in, u);
        if (!t || strcmp(t, table) != 0 || !u->op)
            continue;
        if (u->expr && !u->column && (!strcmp(u->op, "=") || u->kind == IXT_USE_RANGE) &&
            !ixt_sql_has_param(u->expr)) {
            ixt_cand c = {.table = ixt_xstrdup(table), .expr = true, .nkeys = 1, .keys = {ixt_xstrdup(u->expr)}};
            /* lower(name) LIKE 'abc%': a text, as LIKE takes (see pattern_candidates) */
            if (u->opclass == IXT_OP_LIKE_PREFIX)
                c.opclass = ixt_xstrdup("text_pattern_ops");
            add(set, &c);
        } else if (u->column && !strcmp(u->op, "@>")) {
            ixt_cand c = {.table = ixt_xstrdup(table), .gin = true, .nkeys = 1, .keys = {ixt_xstrdup(u->column)}};
            add(set, &c);
        }
    }
}

/* |correlation| from which a BRIN's ranges are narrow enough to skip most
 * of the table: at 0.9 the planner reckons a range predicate reads about
 * 1.1 times the ranges it would on a perfectly ordered table. */
#define BRIN_MIN_CORRELATION 0.9

static bool well_ordered(const ixt_cand_facts *f, const char *table, const char *column)
{
    const ixt_col_fact *cf = ixt_cand_col(f, table, column);
    return cf && (cf->correlation >= BRIN_MIN_CORRELATION || cf->correlation <= -BRIN_MIN_CORRELATION);
}

/* An equality a BRIN can narrow to a few ranges: a column of many values
 * (a share of the rows, or at least a hundred), so one value lies in few
 * of its ranges. */
static bool many_values(const ixt_cand_facts *f, const char *table, const char *column)
{
    const ixt_col_fact *cf = ixt_cand_col(f, table, column);
    return cf && (cf->n_distinct < 0 || cf->n_distinct >= 100);
}

static void add_brin(ixt_cand_set *set, const char *table, const char *column)
{
    ixt_cand c = {.table = ixt_xstrdup(table), .brin = true, .nkeys = 1, .keys = {ixt_xstrdup(column)}};
    add(set, &c);
}

/* BRIN for a range on a column the rows lie in the order of (append-only
 * times, serial keys), and for an equality with a value on one of many
 * values.  Not for a join: each outer row would read the whole BRIN. */
static void brin_candidates(ixt_cand_set *set, const ixt_cand_facts *f, const ixt_sql_info *in, const char *table,
                            const tcols *tc)
{
    for (int i = 0; i < tc->rng.n; i++)
        if (well_ordered(f, table, tc->rng.cols[i]))
            add_brin(set, table, tc->rng.cols[i]);
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(&f->cat, in, u);
        if (t && strcmp(t, table) == 0 && u->column && u->kind == IXT_USE_EQ && u->branch == 0 && u->op &&
            strcmp(u->op, "=") == 0 && has_column(&f->cat, table, u->column) &&
            well_ordered(f, table, u->column) && many_values(f, table, u->column))
            add_brin(set, table, u->column);
    }
}

static bool seen_before(const ixt_sql_info *in, int t)
{
    for (int k = 0; k < t; k++)
        if (strcmp(in->tables[k].name, in->tables[t].name) == 0)
            return true;
    return false;
}

static int max_branch(const ixt_sql_info *in)
{
    int n = 0;
    for (int i = 0; i < in->nuses; i++)
        n = in->uses[i].branch > n ? in->uses[i].branch : n;
    return n;
}

static bool branch_on(const ixt_catalog *cat, const ixt_sql_info *in, const char *table, int branch)
{
    for (int i = 0; i < in->nuses; i++) {
        const char *t = in->uses[i].branch == branch ? use_table(cat, in, &in->uses[i]) : NULL;
        if (t && strcmp(t, table) == 0)
            return true;
    }
    return false;
}

static bool plain_keys(const ixt_cand *c)
{
    return !c->where && !c->expr && !c->gin && !c->brin && !c->opclass;
}

/* How many leading keys of the candidates from n0 on are policy columns. */
static void mark_led(ixt_cand_set *set, int n0, const char *table, const colset *lead)
{
    for (int k = n0; k < set->n; k++) {
        ixt_cand *c = &set->v[k];
        if (strcmp(c->table, table) != 0 || !plain_keys(c))
            continue;
        for (c->led = 0; c->led < c->nkeys; c->led++) {
            bool in = false;
            for (int i = 0; i < lead->n && !in; i++)
                in = strcmp(lead->cols[i], c->keys[c->led]) == 0;
            if (!in)
                break;
        }
    }
}

int ixt_cands_for(ixt_cand_set *set, const ixt_sql_info *in, long long queryid, const ixt_cand_facts *f)
{
    int nquals = 0;
    for (int t = 0; t < in->ntables; t++) {
        if (seen_before(in, t))
            continue;
        const char *table = in->tables[t].name;
        int n0 = set->n;
        tcols tc;
        nquals += gather(f, in, queryid, table, 0, &tc);
        colset lead = tc.lead;
        keyed_candidates(set, table, &tc);
        partial_candidates(set, f, in, table, &tc);
        pattern_candidates(set, f, table, &tc);
        expression_candidates(set, f, in, table);
        brin_candidates(set, f, in, table, &tc);
        /* each OR branch on the table: its conjunction, for a BitmapOr */
        for (int b = 1; b <= max_branch(in); b++)
            if (branch_on(&f->cat, in, table, b)) {
                (void)gather(f, in, 0, table, b, &tc);
                keyed_candidates(set, table, &tc);
            }
        mark_led(set, n0, table, &lead);
    }
    return nquals;
}

int ixt_cands_useful_cols(const ixt_sql_info *const *infos, int n, const char *table, const ixt_cand_facts *f,
                          const char ***out)
{
    const char **v = NULL;
    int nv = 0;
    for (int s = 0; s < n; s++) {
        if (!infos[s])
            continue;
        tcols tc;
        (void)gather(f, infos[s], 0, table, -1, &tc);
        const colset *sets[] = {&tc.eq, &tc.rng, &tc.srt, &tc.grp};
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < sets[k]->n; i++) {
                bool dup = false;
                for (int j = 0; j < nv && !dup; j++)
                    dup = strcmp(v[j], sets[k]->cols[i]) == 0;
                if (!dup) {
                    v = ixt_xrealloc(v, (size_t)(nv + 1) * sizeof *v);
                    v[nv++] = sets[k]->cols[i];
                }
            }
    }
    *out = v;
    return nv;
}

int ixt_cands_extend(ixt_cand_set *set, int base, const char *column, const ixt_cand_facts *f)
{
    const ixt_cand *b = &set->v[base];
    if (!plain_keys(b) || b->nkeys >= IXT_CAND_MAX_COLS)
        return -1;
    for (int i = 0; i < b->nkeys; i++)
        if (strcmp(b->keys[i], column) == 0)
            return -1;
    colset lead = {.n = 0};
    if (f)
        policy_cols(f, b->table, &lead);
    bool front = false;
    for (int i = 0; i < lead.n; i++)
        front |= strcmp(lead.cols[i], column) == 0;
    /* a policy's column goes first: every statement compares it with = */
    int at = front ? 0 : b->nkeys;
    ixt_cand c = {.table = ixt_xstrdup(b->table), .nkeys = b->nkeys + 1};
    for (int i = 0; i < b->nkeys; i++) {
        c.keys[i + (i >= at)] = ixt_xstrdup(b->keys[i]);
        c.desc[i + (i >= at)] = b->desc[i];
    }
    c.keys[at] = ixt_xstrdup(column);
    c.led = b->led + front;
    for (int i = 0; i < b->nincl; i++)
        if (strcmp(b->incl[i], column) != 0)
            c.incl[c.nincl++] = ixt_xstrdup(b->incl[i]);
    return add(set, &c);
}

int ixt_cands_add_plain(ixt_cand_set *set, const char *table, const char *const *cols, int n)
{
    ixt_cand c = {.table = ixt_xstrdup(table), .nkeys = n < IXT_CAND_MAX_COLS ? n : IXT_CAND_MAX_COLS};
    for (int i = 0; i < c.nkeys; i++)
        c.keys[i] = ixt_xstrdup(cols[i]);
    return add(set, &c);
}

static bool covers_from(const ixt_cand *a, int skip, const ixt_cand *b)
{
    if (a->nkeys - skip < b->nkeys)
        return false;
    for (int i = 0; i < b->nkeys; i++)
        if (strcmp(a->keys[skip + i], b->keys[i]) != 0 || a->desc[skip + i] != b->desc[i])
            return false;
    return true;
}

bool ixt_cand_covers(const ixt_cand *a, const ixt_cand *b)
{
    if (strcmp(a->table, b->table) != 0 || !plain_keys(a) || !plain_keys(b))
        return false;
    return covers_from(a, 0, b) || (a->led > 0 && b->led == 0 && covers_from(a, a->led, b));
}

/* Both NULL, or the same text. */
static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool ixt_cand_near_dup(const ixt_cand *a, const ixt_cand *b)
{
    if (strcmp(a->table, b->table) != 0 || a->nkeys != b->nkeys || a->expr != b->expr || a->gin != b->gin ||
        a->brin != b->brin || !same_text(a->where, b->where) || !same_text(a->opclass, b->opclass))
        return false;
    for (int i = 0; i < a->nkeys; i++)
        if (strcmp(a->keys[i], b->keys[i]) != 0 || a->desc[i] != b->desc[i])
            return false;
    for (int i = 0; i < b->nincl; i++) {
        bool in = false;
        for (int j = 0; j < a->nincl && !in; j++)
            in = strcmp(a->incl[j], b->incl[i]) == 0;
        if (!in)
            return false;
    }
    return true;
}

bool ixt_cand_reordered(const ixt_cand *a, const ixt_cand *b)
{
    if (strcmp(a->table, b->table) != 0 || !plain_keys(a) || !plain_keys(b) || a->nkeys != b->nkeys)
        return false;
    bool same_order = true;
    for (int i = 0; i < a->nkeys; i++) {
        bool in = false;
        for (int j = 0; j < b->nkeys && !in; j++)
            in = strcmp(a->keys[i], b->keys[j]) == 0;
        if (!in)
            return false;
        same_order &= strcmp(a->keys[i], b->keys[i]) == 0;
    }
    return !same_order;
}

static bool word_char(char ch)
{
    return ch == '_' || ((ch | 32) >= 'a' && (ch | 32) <= 'z') || (ch >= '0' && ch <= '9');
}

/* Whether word appears in text as a whole identifier. */
static bool mentions(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text ? strstr(text, word) : NULL; p; p = strstr(p + 1, word))
        if ((p == text || !word_char(p[-1])) && !word_char(p[n]))
            return true;
    return false;
}

bool ixt_cand_has_column(const ixt_cand *c, const char *column)
{
    for (int i = 0; i < c->nkeys; i++)
        if (c->expr ? mentions(c->keys[i], column) : strcmp(c->keys[i], column) == 0)
            return true;
    for (int i = 0; i < c->nincl; i++)
        if (strcmp(c->incl[i], column) == 0)
            return true;
    return mentions(c->where, column);
}

/* A constant whose text alone names its value: 'queued', 42 (not
 * '42'::int, E'..', 042): two such texts differ only for two values. */
static bool bare_literal(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'')
        return true;
    s += *s == '-';
    if (!*s || (*s == '0' && s[1]))
        return false;
    return strspn(s, "0123456789") == strlen(s);
}

/* Whether use u of the statement could make the predicate of c true: a
 * condition on c's predicate column, but for = another bare literal (an
 * ORDER BY, GROUP BY or output column filters nothing). */
static bool use_may_imply(const ixt_cand *c, const ixt_col_use *u, const char *table, bool plain_eq)
{
    if ((table && !same_table(table, c->table) && !same_table(c->table, table)) || u->kind == IXT_USE_SORT ||
        u->kind == IXT_USE_GROUP || u->kind == IXT_USE_OUTPUT)
        return false;
    if (!u->column)
        return mentions(u->expr, c->where_col);
    if (strcmp(u->column, c->where_col) != 0)
        return false;
    bool other_value = plain_eq && u->kind == IXT_USE_EQ && u->op && strcmp(u->op, "=") == 0 && u->constant &&
                       bare_literal(u->constant) && strcmp(u->constant, c->where_value) != 0;
    return !other_value;
}

bool ixt_cand_usable_by(const ixt_cand *c, const ixt_sql_info *in, const ixt_cand_facts *f)
{
    if (!c->where_col || in->has_having)
        return true;
    for (int p = 0; p < f->npolicies; p++)
        if (same_table(f->policies[p].table, c->table) && mentions(f->policies[p].qual, c->where_col))
            return true;
    /* other values are other rows only where = is plain equality */
    const ixt_col_fact *cf = ixt_cand_col(f, c->table, c->where_col);
    bool plain_eq = cf && cf->eq_leakproof && c->where_value && bare_literal(c->where_value);
    for (int i = 0; i < in->nuses; i++)
        if (use_may_imply(c, &in->uses[i], use_table(&f->cat, in, &in->uses[i]), plain_eq))
            return true;
    return false;
}

void ixt_cand_set_free(ixt_cand_set *set)
{
    for (int i = 0; i < set->n; i++)
        cand_free(&set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = 0;
}
