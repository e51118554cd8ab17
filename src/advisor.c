/* advisor: candidates from the parse tree, greedy selection scored with
 * HypoPG, what-if results cached per (statement, indexes on its tables). */
#include "idxtune/advisor.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/lab.h"
#include "idxtune/plan.h"
#include "idxtune/sqlsplit.h"
#include "idxtune/trial.h"

/* ===== what-if cache ===== */

typedef struct centry {
    char *key;
    double cost;
} centry;

typedef struct cache {
    centry *slots;
    size_t cap, n;
} cache;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static double *cache_find(cache *c, const char *key)
{
    if (!c->cap)
        return NULL;
    for (size_t i = hash_str(key) & (c->cap - 1); c->slots[i].key; i = (i + 1) & (c->cap - 1))
        if (strcmp(c->slots[i].key, key) == 0)
            return &c->slots[i].cost;
    return NULL;
}

static void cache_put(cache *c, const char *key, double cost)
{
    if ((c->n + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        centry *old = c->slots;
        size_t oldcap = c->cap;
        c->slots = ixt_xcalloc(cap, sizeof *c->slots);
        c->cap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key) {
                size_t j = hash_str(old[i].key) & (cap - 1);
                while (c->slots[j].key)
                    j = (j + 1) & (cap - 1);
                c->slots[j] = old[i];
            }
        free(old);
    }
    size_t j = hash_str(key) & (c->cap - 1);
    while (c->slots[j].key)
        j = (j + 1) & (c->cap - 1);
    c->slots[j].key = ixt_xstrdup(key);
    c->slots[j].cost = cost;
    c->n++;
}

static void cache_free(cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].key);
    free(c->slots);
    free(c);
}

/* ===== set-up ===== */

void ixt_advisor_init(ixt_advisor *a, ixt_conn *c, double budget_mb, double min_share)
{
    memset(a, 0, sizeof *a);
    a->c = c;
    a->budget_mb = budget_mb;
    a->min_share = min_share > 0 ? min_share : 0.01;
    a->cache = ixt_xcalloc(1, sizeof(cache));
}

void ixt_advisor_free(ixt_advisor *a)
{
    for (int i = 0; i < a->nstmts; i++) {
        free(a->stmts[i].sql);
        free(a->stmts[i].planned);
        ixt_sql_info_free(a->stmts[i].info);
    }
    for (int i = 0; i < a->ncands; i++) {
        free(a->cands[i].def);
        free(a->cands[i].table);
    }
    for (int i = 0; i < a->nunanalyzed; i++)
        free(a->unanalyzed[i]);
    free(a->unanalyzed);
    free(a->stmts);
    free(a->cands);
    free(a->picks);
    if (a->cache)
        cache_free(a->cache);
    memset(a, 0, sizeof *a);
}

static double plan_cost(ixt_conn *c, const char *sql, bool typed, char **planned, char *err, size_t errlen)
{
    ixt_explain_req req = {.sql = sql, .typed = typed};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    double cost = p ? p->total_cost : -1;
    if (!p && err)
        snprintf(err, errlen, "%.*s", (int)errlen - 1, e.msg);
    if (json && planned)
        *planned = ixt_xstrdup(prep.sql);
    if (json)
        ixt_explain_prep_free(&prep);
    ixt_plan_free(p);
    free(json);
    return cost;
}

void ixt_advisor_add(ixt_advisor *a, const char *sql, double weight, long long queryid)
{
    a->stmts = ixt_xrealloc(a->stmts, (size_t)(a->nstmts + 1) * sizeof *a->stmts);
    ixt_adv_stmt *s = &a->stmts[a->nstmts++];
    memset(s, 0, sizeof *s);
    s->sql = ixt_xstrdup(sql);
    s->weight = weight > 0 ? weight : 1;
    s->queryid = queryid;
}

int ixt_advisor_add_file(ixt_advisor *a, const char *path, ixt_err *e)
{
    char *text = ixt_read_file(path, NULL, e);
    char **stmts;
    int n;
    if (!text || ixt_sql_split(text, &stmts, &n, e) != 0) {
        free(text);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        ixt_advisor_add(a, stmts[i], 1, 0);
        free(stmts[i]);
    }
    free(stmts);
    free(text);
    return 0;
}

/* ===== candidates ===== */

/* An identifier as SQL: as it is when the scanner reads it as one plain
 * word, else quoted by libpq. */
static char *ident(ixt_conn *c, const char *name)
{
    bool plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (plain) {
        PgQueryScanResult r = pg_query_scan(name);
        PgQuery__ScanResult *sr = r.error ? NULL
            : pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
        plain = sr && sr->n_tokens == 1 && sr->tokens[0]->token == PG_QUERY__TOKEN__IDENT;
        if (sr)
            pg_query__scan_result__free_unpacked(sr, NULL);
        pg_query_free_scan_result(r);
    }
    return plain ? ixt_xstrdup(name) : ixt_conn_quote_ident(c, name);
}

static void add_cand(ixt_advisor *a, const char *table, const char *def)
{
    for (int i = 0; i < a->ncands; i++)
        if (strcmp(a->cands[i].def, def) == 0)
            return;
    a->cands = ixt_xrealloc(a->cands, (size_t)(a->ncands + 1) * sizeof *a->cands);
    a->cands[a->ncands++] = (ixt_adv_cand){.def = ixt_xstrdup(def), .table = ixt_xstrdup(table), .size_bytes = -1};
}

typedef struct colset {
    const char *cols[8];
    bool desc[8];
    int n;
} colset;

static void colset_add(colset *s, const char *col, bool desc)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->cols[i], col) == 0)
            return;
    if (s->n < 8) {
        s->desc[s->n] = desc;
        s->cols[s->n++] = col;
    }
}

/* "CREATE INDEX ON t (a, b DESC) INCLUDE (c) WHERE ..." from column sets. */
static void add_keyed(ixt_advisor *a, const char *table, const colset *key, const colset *incl, const char *where,
                      bool keep_desc)
{
    if (key->n == 0)
        return;
    ixt_buf b;
    ixt_buf_init(&b);
    char *t = ident(a->c, table);
    ixt_buf_printf(&b, "CREATE INDEX ON %s (", t);
    free(t);
    for (int i = 0; i < key->n; i++) {
        char *col = ident(a->c, key->cols[i]);
        ixt_buf_printf(&b, "%s%s%s", i ? ", " : "", col, keep_desc && key->desc[i] ? " DESC" : "");
        free(col);
    }
    ixt_buf_addc(&b, ')');
    for (int i = 0; incl && i < incl->n; i++) {
        char *col = ident(a->c, incl->cols[i]);
        ixt_buf_printf(&b, "%s%s", i ? ", " : " INCLUDE (", col);
        free(col);
    }
    if (incl && incl->n)
        ixt_buf_addc(&b, ')');
    if (where)
        ixt_buf_printf(&b, " WHERE %s", where);
    add_cand(a, table, b.s);
    ixt_buf_free(&b);
}

/* The statement's table that has column col (for unqualified columns). */
static const char *owner_of(const ixt_catalog *cat, const ixt_sql_info *in, const char *col)
{
    for (int t = 0; t < in->ntables; t++)
        for (int i = 0; i < cat->ncols; i++)
            if (strcmp(cat->col_table[i], in->tables[t].name) == 0 && strcmp(cat->cols[i], col) == 0)
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
    size_t tl = strlen(table);
    for (int i = 0; i < cat->ncols; i++) {
        const char *ct = cat->col_table[i];
        size_t cl = strlen(ct);
        /* the catalog names tables outside public as "schema.table" */
        bool same = strcmp(ct, table) == 0 || (cl > tl && ct[cl - tl - 1] == '.' && strcmp(ct + cl - tl, table) == 0);
        if (same && strcmp(cat->cols[i], col) == 0)
            return true;
    }
    return false;
}

static bool mixed_directions(const colset *s)
{
    for (int i = 1; i < s->n; i++)
        if (s->desc[i] != s->desc[0])
            return true;
    return false;
}

typedef struct tcols {
    colset eq, rng, srt, grp, out;
} tcols;

static void gather(const ixt_catalog *cat, const ixt_sql_info *in, const char *table, tcols *tc)
{
    memset(tc, 0, sizeof *tc);
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(cat, in, u);
        if (!t || strcmp(t, table) != 0 || !u->column || !has_column(cat, table, u->column))
            continue;
        bool plain_op = !u->op || !*u->op || !strcmp(u->op, "=") || !strcmp(u->op, "<") || !strcmp(u->op, ">") ||
                        !strcmp(u->op, "<=") || !strcmp(u->op, ">=") || !strcmp(u->op, "IS NULL");
        switch (u->kind) {
        case IXT_USE_EQ: case IXT_USE_JOIN: case IXT_USE_NULL:
            if (plain_op)
                colset_add(&tc->eq, u->column, false);
            break;
        case IXT_USE_RANGE: colset_add(&tc->rng, u->column, false); break;
        case IXT_USE_SORT: colset_add(&tc->srt, u->column, u->desc); break;
        case IXT_USE_GROUP: colset_add(&tc->grp, u->column, false); break;
        case IXT_USE_OUTPUT: colset_add(&tc->out, u->column, false); break;
        }
    }
}

static void concat(colset *dst, const colset *src, int max)
{
    for (int i = 0; i < src->n && (max < 0 || i < max); i++)
        colset_add(dst, src->cols[i], src->desc[i]);
}

/* Key orders for one table of one statement: equality first, then the
 * sort, then a range. */
static void keyed_candidates(ixt_advisor *a, const char *table, const tcols *tc)
{
    colset k;
    for (int i = 0; i < tc->eq.n; i++) {
        colset one = {.n = 0};
        colset_add(&one, tc->eq.cols[i], false);
        add_keyed(a, table, &one, NULL, NULL, false);
    }
    for (int i = 0; i < tc->rng.n; i++) {
        colset one = {.n = 0};
        colset_add(&one, tc->rng.cols[i], false);
        add_keyed(a, table, &one, NULL, NULL, false);
    }
    k = (colset){.n = 0};
    concat(&k, &tc->eq, 3);
    concat(&k, &tc->rng, 1);
    add_keyed(a, table, &k, NULL, NULL, false);
    if (tc->srt.n) {
        k = (colset){.n = 0};
        concat(&k, &tc->eq, 3);
        concat(&k, &tc->srt, -1);
        bool keep = mixed_directions(&tc->srt);
        add_keyed(a, table, &k, NULL, NULL, keep);
        colset incl = {.n = 0};
        for (int i = 0; i < tc->out.n; i++) {
            bool in_key = false;
            for (int j = 0; j < k.n; j++)
                in_key |= strcmp(k.cols[j], tc->out.cols[i]) == 0;
            if (!in_key)
                colset_add(&incl, tc->out.cols[i], false);
        }
        if (incl.n > 0 && incl.n <= 3)
            add_keyed(a, table, &k, &incl, NULL, keep);
        if (tc->rng.n) {
            concat(&k, &tc->rng, 1);
            add_keyed(a, table, &k, NULL, NULL, keep);
        }
    }
    if (tc->grp.n) {
        k = (colset){.n = 0};
        concat(&k, &tc->eq, 3);
        concat(&k, &tc->grp, 3);
        add_keyed(a, table, &k, NULL, NULL, false);
    }
}

/* Whether a constant predicate on the column names a class of rows (a
 * status among a few) rather than one example value (run_id = 4242): only
 * the first makes a partial index worth having. */
static bool few_values(ixt_conn *c, const char *table, const char *column)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT n_distinct FROM pg_stats WHERE tablename = $1 AND attname = $2 LIMIT 1";
    const char *params[] = {table, column};
    PGresult *r = ixt_conn_exec(c, SQL, 2, params, NULL);
    double nd = r && PQntuples(r) ? atof(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return nd >= 1 && nd <= 20;
}

/* Partial indexes for constant equality predicates (status = 'queued'):
 * the rest of the key without that column. */
static void partial_candidates(ixt_advisor *a, const ixt_catalog *cat, const ixt_sql_info *in, const char *table,
                               const tcols *tc)
{
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(cat, in, u);
        if (!t || strcmp(t, table) != 0 || !u->column || !u->constant || u->kind != IXT_USE_EQ ||
            !u->op || strcmp(u->op, "=") != 0 || !few_values(a->c, table, u->column))
            continue;
        colset k = {.n = 0};
        for (int j = 0; j < tc->eq.n; j++)
            if (strcmp(tc->eq.cols[j], u->column) != 0)
                colset_add(&k, tc->eq.cols[j], false);
        concat(&k, &tc->srt, -1);
        concat(&k, &tc->rng, 1);
        if (k.n == 0)
            continue;
        char *col = ident(a->c, u->column);
        char *where = ixt_xasprintf("%s = %s", col, u->constant);
        add_keyed(a, table, &k, NULL, where, mixed_directions(&tc->srt));
        free(where);
        free(col);
    }
}

/* Expression indexes (lower(email), payload->>'k') and GIN for @>. */
static void expression_candidates(ixt_advisor *a, const ixt_catalog *cat, const ixt_sql_info *in, const char *table)
{
    for (int i = 0; i < in->nuses; i++) {
        const ixt_col_use *u = &in->uses[i];
        const char *t = use_table(cat, in, u);
        if (!t || strcmp(t, table) != 0 || !u->op)
            continue;
        char *tq = ident(a->c, table);
        if (u->expr && !u->column && (!strcmp(u->op, "=") || u->kind == IXT_USE_RANGE)) {
            char *def = ixt_xasprintf("CREATE INDEX ON %s ((%s))", tq, u->expr);
            add_cand(a, table, def);
            free(def);
        } else if (u->column && !strcmp(u->op, "@>")) {
            char *col = ident(a->c, u->column);
            char *def = ixt_xasprintf("CREATE INDEX ON %s USING gin (%s jsonb_path_ops)", tq, col);
            add_cand(a, table, def);
            free(def);
            free(col);
        }
        free(tq);
    }
}

/* Existing plain btree indexes as "t:a,b," column lists, to leave out
 * candidates they already serve (same leading columns). */
static const char EXISTING_SQL[] = IXT_SQL_TAG
    "SELECT c.relname, string_agg(a.attname, ',' ORDER BY k.ord) || ','"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
    " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
    " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
    " WHERE am.amname = 'btree' AND i.indpred IS NULL AND c.relnamespace::regnamespace::text"
    "  NOT IN ('pg_catalog', 'information_schema')"
    " GROUP BY c.relname, i.indexrelid";

static bool served(PGresult *existing, const char *table, const char *def)
{
    /* only plain column lists: "CREATE INDEX ON t (a, b)" */
    const char *open = strchr(def, '(');
    if (!existing || !open || strstr(def, " WHERE ") || strstr(def, "INCLUDE") || strstr(def, "USING") ||
        strstr(def, "((") || strstr(def, " DESC"))
        return false;
    ixt_buf cols;
    ixt_buf_init(&cols);
    for (const char *p = open + 1; *p && *p != ')'; p++)
        if (*p != ' ' && *p != '"')
            ixt_buf_addc(&cols, *p);
    ixt_buf_addc(&cols, ',');
    bool hit = false;
    for (int r = 0; r < PQntuples(existing) && !hit; r++)
        hit = strcmp(PQgetvalue(existing, r, 0), table) == 0 &&
              strncmp(PQgetvalue(existing, r, 1), cols.s, cols.len) == 0;
    ixt_buf_free(&cols);
    return hit;
}

/* Row-level security: the policy predicates the planner adds (for a role
 * the policies apply to) become equality uses of the statement, so their
 * columns are candidates too. */
static void policy_uses(ixt_advisor *a, ixt_adv_stmt *s)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT qual FROM pg_policies WHERE tablename = $1 AND qual IS NOT NULL"
        " AND row_security_active(format('%I.%I', schemaname, tablename)::regclass)";
    int n = s->info->ntables;
    for (int t = 0; t < n; t++) {
        const char *params[] = {s->info->tables[t].name};
        PGresult *r = ixt_conn_exec(a->c, SQL, 1, params, NULL);
        for (int i = 0; r && i < PQntuples(r); i++) {
            char *q = ixt_xasprintf("SELECT 1 FROM %s WHERE %s", s->info->tables[t].name, PQgetvalue(r, i, 0));
            ixt_sql_info *pi = ixt_sql_analyze(q, NULL);
            for (int u = 0; pi && u < pi->nuses; u++) {
                if (pi->uses[u].kind != IXT_USE_EQ || !pi->uses[u].column)
                    continue;
                s->info->uses = ixt_xrealloc(s->info->uses, (size_t)(s->info->nuses + 1) * sizeof *s->info->uses);
                ixt_col_use *nu = &s->info->uses[s->info->nuses++];
                memset(nu, 0, sizeof *nu);
                nu->kind = IXT_USE_EQ;
                nu->table = ixt_xstrdup(s->info->tables[t].name);
                nu->column = ixt_xstrdup(pi->uses[u].column);
                nu->op = ixt_xstrdup("=");
            }
            ixt_sql_info_free(pi);
            free(q);
        }
        PQclear(r);
    }
}

/* pg_qualstats, when installed, saw the predicates the statement ran with:
 * they become uses too (also the ones the parse tree hides in functions or
 * views). */
static void qualstats_uses(ixt_advisor *a, ixt_adv_stmt *s)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT DISTINCT c.relname, a.attname, o.oprname FROM pg_qualstats() q"
        " JOIN pg_class c ON c.oid = q.lrelid"
        " JOIN pg_attribute a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum"
        " JOIN pg_operator o ON o.oid = q.opno WHERE q.queryid = $1::bigint";
    if (!ixt_conn_info(a->c)->has_qualstats || !s->queryid)
        return;
    char id[32];
    snprintf(id, sizeof id, "%lld", s->queryid);
    const char *params[] = {id};
    PGresult *r = ixt_conn_exec(a->c, SQL, 1, params, NULL);
    for (int i = 0; r && i < PQntuples(r); i++) {
        const char *op = PQgetvalue(r, i, 2);
        s->info->uses = ixt_xrealloc(s->info->uses, (size_t)(s->info->nuses + 1) * sizeof *s->info->uses);
        ixt_col_use *u = &s->info->uses[s->info->nuses++];
        memset(u, 0, sizeof *u);
        u->kind = strcmp(op, "=") == 0 ? IXT_USE_EQ : IXT_USE_RANGE;
        u->table = ixt_xstrdup(PQgetvalue(r, i, 0));
        u->column = ixt_xstrdup(PQgetvalue(r, i, 1));
        u->op = ixt_xstrdup(op);
        a->qualstats_uses++;
    }
    PQclear(r);
}

static void note_unanalyzed(ixt_advisor *a, const char *table)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT 1 FROM pg_stat_user_tables WHERE relname = $1 AND last_analyze IS NULL AND last_autoanalyze IS NULL";
    for (int i = 0; i < a->nunanalyzed; i++)
        if (strcmp(a->unanalyzed[i], table) == 0)
            return;
    const char *params[] = {table};
    PGresult *r = ixt_conn_exec(a->c, SQL, 1, params, NULL);
    if (r && PQntuples(r) > 0) {
        a->unanalyzed = ixt_xrealloc(a->unanalyzed, (size_t)(a->nunanalyzed + 1) * sizeof *a->unanalyzed);
        a->unanalyzed[a->nunanalyzed++] = ixt_xstrdup(table);
    }
    PQclear(r);
}

static void candidates_for(ixt_advisor *a, const ixt_catalog *cat, ixt_adv_stmt *s)
{
    policy_uses(a, s);
    qualstats_uses(a, s);
    for (int t = 0; t < s->info->ntables; t++) {
        const char *table = s->info->tables[t].name;
        bool seen = false;
        for (int k = 0; k < t; k++)
            seen |= strcmp(s->info->tables[k].name, table) == 0;
        if (seen)
            continue;
        note_unanalyzed(a, table);
        tcols tc;
        gather(cat, s->info, table, &tc);
        keyed_candidates(a, table, &tc);
        partial_candidates(a, cat, s->info, table, &tc);
        expression_candidates(a, cat, s->info, table);
    }
}

/* ===== scoring ===== */

static bool touches(const ixt_adv_stmt *s, const char *table)
{
    for (int t = 0; s->ok && t < s->info->ntables; t++)
        if (strcmp(s->info->tables[t].name, table) == 0)
            return true;
    return false;
}

/* The cache key: the statement and the active indexes on its tables. */
static char *cache_key(const ixt_advisor *a, int si, const bool *active)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, "%d", si);
    for (int k = 0; k < a->ncands; k++)
        if (active[k] && touches(&a->stmts[si], a->cands[k].table))
            ixt_buf_printf(&b, "|%d", k);
    return ixt_buf_take(&b);
}

static double whatif_cost(ixt_advisor *a, int si, const bool *active)
{
    char *key = cache_key(a, si, active);
    double *hit = cache_find(a->cache, key);
    double cost;
    if (hit) {
        a->cache_hits++;
        cost = *hit;
    } else {
        a->whatif_calls++;
        cost = plan_cost(a->c, a->stmts[si].planned, true, NULL, NULL, 0);
        cache_put(a->cache, key, cost);
    }
    free(key);
    return cost;
}

typedef struct hypos {
    unsigned *oid;             /* per candidate, 0 when not created */
} hypos;

static int hypo_on(ixt_advisor *a, hypos *h, int k, ixt_err *e)
{
    if (h->oid[k])
        return 0;
    ixt_hypo x;
    if (ixt_hypo_create(a->c, a->cands[k].def, &x, e) != 0) {
        /* a lost server is the run's error, not the candidate's */
        if (!ixt_conn_ok(a->c))
            return -1;
        a->cands[k].untestable = true;
        snprintf(a->cands[k].why, sizeof a->cands[k].why, "%.150s", e->msg);
        return -1;
    }
    h->oid[k] = x.oid;
    a->cands[k].size_bytes = x.size_bytes;
    return 0;
}

static void hypo_off(ixt_advisor *a, hypos *h, int k)
{
    if (h->oid[k])
        (void)ixt_hypo_drop(a->c, h->oid[k], NULL);
    h->oid[k] = 0;
}

/* Weighted saving of turning candidate k on (and r off, for an extension)
 * on top of the active set.  Leaves the hypothetical indexes as they were. */
static double saving_of(ixt_advisor *a, hypos *h, bool *active, int k, int r, double *size_delta)
{
    ixt_err e;
    if (hypo_on(a, h, k, &e) != 0)
        return -1;
    active[k] = true;
    if (r >= 0) {
        hypo_off(a, h, r);
        active[r] = false;
    }
    double saving = 0;
    for (int i = 0; i < a->nstmts; i++) {
        ixt_adv_stmt *s = &a->stmts[i];
        if (!touches(s, a->cands[k].table))
            continue;
        double c = whatif_cost(a, i, active);
        if (c >= 0)
            saving += s->weight * (s->cost - c);
    }
    active[k] = false;
    hypo_off(a, h, k);
    if (r >= 0) {
        active[r] = true;
        (void)hypo_on(a, h, r, &e);
    }
    *size_delta = a->cands[k].size_bytes - (r >= 0 ? a->cands[r].size_bytes : 0);
    return saving;
}

static double total_weighted(const ixt_advisor *a)
{
    double t = 0;
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok)
            t += a->stmts[i].weight * a->stmts[i].cost;
    return t;
}

/* An extension of chosen index r by one more column from candidate k:
 * "(a)" and "(a, b)" on the same table, plain column lists only. */
static bool extends(const ixt_advisor *a, int k, int r)
{
    const char *dk = a->cands[k].def, *dr = a->cands[r].def;
    size_t lr = strlen(dr);
    return strcmp(a->cands[k].table, a->cands[r].table) == 0 && lr > 1 && dr[lr - 1] == ')' &&
           !strstr(dr, " WHERE ") && !strstr(dr, "INCLUDE") && strncmp(dk, dr, lr - 1) == 0 && dk[lr - 1] == ',';
}

typedef struct move {
    int add, remove;
    double ratio, saving, size;
} move;

static move best_move(ixt_advisor *a, hypos *h, bool *active, double used_bytes)
{
    move best = {-1, -1, 0, 0, 0};
    double floor = a->min_share * total_weighted(a);
    for (int k = 0; k < a->ncands; k++) {
        if (active[k] || a->cands[k].chosen)
            continue;
        int r = -1;
        for (int p = 0; p < a->npicks && r < 0; p++)
            if (active[a->picks[p]] && extends(a, k, a->picks[p]))
                r = a->picks[p];
        double size;
        double saving = saving_of(a, h, active, k, r, &size);
        if (saving <= floor || saving <= 0)
            continue;
        if (a->budget_mb > 0 && used_bytes + size > a->budget_mb * 1024 * 1024) {
            if (a->left_out_bytes == 0 || size < a->left_out_bytes)
                a->left_out_bytes = size;
            continue;
        }
        double ratio = saving / (size > 8192 ? size / (1024.0 * 1024.0) : 0.0078125);
        if (best.add < 0 || ratio > best.ratio)
            best = (move){k, r, ratio, saving, size};
    }
    return best;
}

static void apply_move(ixt_advisor *a, hypos *h, bool *active, move m)
{
    ixt_err e;
    if (m.remove >= 0) {
        hypo_off(a, h, m.remove);
        active[m.remove] = false;
        a->cands[m.remove].chosen = false;
        for (int p = 0; p < a->npicks; p++)
            if (a->picks[p] == m.remove)
                a->picks[p] = m.add;
    } else {
        a->picks = ixt_xrealloc(a->picks, (size_t)(a->npicks + 1) * sizeof *a->picks);
        a->picks[a->npicks++] = m.add;
    }
    (void)hypo_on(a, h, m.add, &e);
    active[m.add] = true;
    a->cands[m.add].chosen = true;
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok && touches(&a->stmts[i], a->cands[m.add].table)) {
            double c = whatif_cost(a, i, active);
            if (c >= 0)
                a->stmts[i].cost = c;
        }
}

static bool stopped(const ixt_advisor *a)
{
    return a->stop && a->stop(a->stop_ctx);
}

static void plan_all(ixt_advisor *a, ixt_adv_progress progress, void *ctx)
{
    for (int i = 0; i < a->nstmts && !stopped(a); i++) {
        ixt_adv_stmt *s = &a->stmts[i];
        if (progress)
            progress(ctx, i, a->nstmts, "planning the statements");
        ixt_err e;
        ixt_sql_info *in = ixt_sql_analyze(s->sql, &e);
        if (!in || in->kind == IXT_SQL_UTILITY || in->kind == IXT_SQL_MULTIPLE) {
            snprintf(s->error, sizeof s->error, "%s", in ? "not a statement with a plan" : "does not parse");
            ixt_sql_info_free(in);
            continue;
        }
        s->base_cost = plan_cost(a->c, s->sql, false, &s->planned, s->error, sizeof s->error);
        if (s->base_cost < 0) {
            ixt_sql_info_free(in);
            continue;
        }
        /* parse the planned text: its placeholders carry their types */
        s->info = ixt_sql_analyze(s->planned, NULL);
        ixt_sql_info_free(in);
        s->ok = s->info != NULL;
        s->cost = s->base_cost;
    }
}

/* HypoPG is installed but the role may not call it (REVOKE ... FROM
 * PUBLIC): say which functions and what to grant. */
static int check_hypopg_rights(ixt_advisor *a, ixt_err *e)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT current_user, string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.proname)"
        " FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid"
        "  AND d.deptype = 'e' JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'hypopg'"
        " WHERE p.proname IN ('hypopg_create_index', 'hypopg_drop_index', 'hypopg_reset', 'hypopg_relation_size')"
        "  AND NOT has_function_privilege(p.oid, 'EXECUTE')";
    PGresult *r = ixt_conn_exec(a->c, SQL, 0, NULL, e);
    if (!r)
        return -1;
    int rc = 0;
    if (!PQgetisnull(r, 0, 1))
        rc = ixt_err_set(e, "advise needs EXECUTE on hypopg functions, which role %s lacks: %s; "
                            "GRANT EXECUTE ON FUNCTION ... TO %s, or advise as a role that has it",
                         PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

/* The connection went away under the run: one error for the whole run. */
static int lost(const ixt_advisor *a, ixt_err *e)
{
    if (ixt_conn_ok(a->c))
        return 0;
    return ixt_err_set(e, "connection to the server was lost: the advice is incomplete");
}

int ixt_advisor_run(ixt_advisor *a, ixt_adv_progress progress, void *ctx, ixt_err *e)
{
    if (!ixt_conn_info(a->c)->has_hypopg)
        return ixt_err_set(e, "%s", ixt_hypo_missing_hint(ixt_conn_info(a->c)));
    if (check_hypopg_rights(a, e) != 0 || ixt_hypo_reset(a->c, e) != 0)
        return -1;
    plan_all(a, progress, ctx);
    if (lost(a, e) != 0)
        return -1;
    if (stopped(a))
        return ixt_err_set(e, "cancelled");
    ixt_catalog cat;
    if (ixt_catalog_load(a->c, &cat, e) != 0)
        return -1;
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok)
            candidates_for(a, &cat, &a->stmts[i]);
    ixt_catalog_free(&cat);
    PGresult *existing = ixt_conn_exec(a->c, EXISTING_SQL, 0, NULL, NULL);
    for (int k = 0; k < a->ncands; k++)
        a->cands[k].chosen = served(existing, a->cands[k].table, a->cands[k].def); /* never considered */
    PQclear(existing);
    a->weighted_before = total_weighted(a);
    hypos h = {ixt_xcalloc((size_t)a->ncands + 1, sizeof *h.oid)};
    bool *active = ixt_xcalloc((size_t)a->ncands + 1, sizeof *active);
    bool *served_set = ixt_xcalloc((size_t)a->ncands + 1, sizeof *served_set);
    for (int k = 0; k < a->ncands; k++)
        served_set[k] = a->cands[k].chosen;
    double used = 0;
    for (int step = 0; step < 64; step++) {
        if (progress)
            progress(ctx, step, a->ncands, "choosing indexes");
        if (stopped(a))
            break;
        move m = best_move(a, &h, active, used);
        if (lost(a, e) != 0)
            break;
        if (m.add < 0)
            break;
        used += m.size;
        apply_move(a, &h, active, m);
    }
    a->size_bytes = 0;
    for (int p = 0; p < a->npicks; p++)
        a->size_bytes += a->cands[a->picks[p]].size_bytes;
    a->weighted_after = total_weighted(a);
    (void)ixt_hypo_reset(a->c, NULL);
    for (int k = 0; k < a->ncands; k++)
        if (served_set[k])
            a->cands[k].chosen = false;
    free(served_set);
    free(active);
    free(h.oid);
    if (stopped(a))
        return ixt_err_set(e, "cancelled");
    return lost(a, e);
}

double ixt_advisor_cost_with(ixt_advisor *a, int stmt, int pick)
{
    ixt_hypo h;
    if (!a->stmts[stmt].ok || ixt_hypo_create(a->c, a->cands[a->picks[pick]].def, &h, NULL) != 0)
        return -1;
    double c = plan_cost(a->c, a->stmts[stmt].planned, true, NULL, NULL, 0);
    (void)ixt_hypo_drop(a->c, h.oid, NULL);
    return c;
}

int ixt_advisor_rank(ixt_advisor *a, int stmt, int *order, double *costs, int max)
{
    int n = 0;
    if (stmt < 0 || stmt >= a->nstmts || !a->stmts[stmt].ok)
        return 0;
    double *all = ixt_xcalloc((size_t)a->ncands + 1, sizeof *all);
    for (int k = 0; k < a->ncands; k++) {
        all[k] = -1;
        ixt_hypo h;
        if (!touches(&a->stmts[stmt], a->cands[k].table) || ixt_hypo_create(a->c, a->cands[k].def, &h, NULL) != 0)
            continue;
        a->cands[k].size_bytes = h.size_bytes;
        all[k] = plan_cost(a->c, a->stmts[stmt].planned, true, NULL, NULL, 0);
        (void)ixt_hypo_drop(a->c, h.oid, NULL);
    }
    /* the cheapest plans first; plans within 1% of the statement's cost
     * are equals, and the smaller index goes first between equals */
    double tol = a->stmts[stmt].base_cost * 0.01;
    for (; n < max; n++) {
        int best = -1;
        for (int k = 0; k < a->ncands; k++) {
            if (all[k] < 0 || all[k] >= a->stmts[stmt].base_cost - tol)
                continue;
            if (best < 0 || all[k] < all[best] - tol ||
                (all[k] <= all[best] + tol && a->cands[k].size_bytes < a->cands[best].size_bytes))
                best = k;
        }
        if (best < 0)
            break;
        order[n] = best;
        costs[n] = all[best];
        all[best] = -1;
    }
    free(all);
    return n;
}

ixt_plan *ixt_advisor_plan(ixt_advisor *a, int stmt)
{
    if (stmt < 0 || stmt >= a->nstmts || !a->stmts[stmt].ok)
        return NULL;
    ixt_explain_req req = {.sql = a->stmts[stmt].planned, .typed = true};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(a->c, &req, &prep, &e);
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    if (json)
        ixt_explain_prep_free(&prep);
    free(json);
    return p;
}
