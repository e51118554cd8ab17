/* idxtune's advice against a plain greedy reference, side by side, on the demo (as the owner, and as the application's role under
 * row-level security), the analytic workload and the project tracker (demo/saas, as the owner and under row-level
 * security), at five budgets each.
 *
 * The reference: candidates are every column, and every ordered pair of
 * columns of one table, that the plans show in a Filter, Join Filter,
 * Hash/Merge/Index Cond, Sort or Group Key; each step adds the candidate
 * with the best workload cost reduction per hypothetical byte that fits
 * the budget and saves at least 0.1 % of the baseline; when (a, b) comes
 * while (a) is chosen, (a) goes if the cost does not rise.  The budget
 * counts sizes corrected for btree deduplication, as idxtune's does, so
 * both spend the same real megabytes.  When it picks an index an existing
 * one already starts with (which the advice never makes), or a set whose
 * plans wait for late rows under a LIMIT (which the advice costs as the
 * whole walk), it runs again by the advice's rules: "greedy_same_rules".
 * Each set's cost is also given as the advice counts it
 * ("cost_reduction_if_rows_late").
 *
 * One scorer for both: the sum over the workload of EXPLAIN total cost
 * with HypoPG, each statement once, in a fresh session.  And real time:
 * each set built for real in a transaction rolled back, each statement
 * run three times, the median of each, summed.  Budgets are
 * shares of the database's size, so IXT_BENCH_SCALE keeps them apt. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/advisor.h"
#include "idxtune/explain.h"
#include "idxtune/plan.h"
#include "idxtune/sqlsplit.h"
#include "idxtune/sqltree.h"
#include "idxtune/trial.h"

#define MB 1048576.0

typedef struct wl {
    char **sql;                /* as in the file */
    char **planned;            /* typed text for what-if plans; NULL when it does not plan */
    char ***tables;            /* per statement: relations its plan reads, NULL-terminated */
    int n;
} wl;

/* An index set as the scorer and the report see it. */
typedef struct advice {
    const char **defs;
    const ixt_cand **shapes;
    double *hypo_bytes;
    int n;
    double ms;
} advice;

/* late: a plan that waits for late rows under a LIMIT costs the whole
 * walk (ixt_plan_cost_if_rows_late), as the advice counts it */
static double plan_total(ixt_conn *c, const char *sql, bool typed, bool late, char **planned, ixt_plan **keep)
{
    ixt_explain_req req = {.sql = sql, .typed = typed};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    double cost = !p ? -1 : late ? ixt_plan_cost_if_rows_late(p) : p->total_cost;
    if (json && planned)
        *planned = ixt_xstrdup(prep.sql);
    if (json)
        ixt_explain_prep_free(&prep);
    free(json);
    if (keep)
        *keep = p;
    else
        ixt_plan_free(p);
    return cost;
}

/* The scorer: a fresh session, the set as hypothetical indexes, every
 * statement planned once.  *late: the same, should rows come late. */
static double score(const ixt_conn_opts *o, const wl *w, const advice *ad, double *late)
{
    ixt_err e;
    ixt_conn *c = ixt_conn_open(o, "bench", &e);
    if (!c)
        return -1;
    for (int k = 0; k < ad->n; k++) {
        ixt_hypo h;
        if (ixt_hypo_create(c, ad->defs[k], &h, &e) != 0)
            fprintf(stderr, "bench_greedy: %s: %s\n", ad->defs[k], e.msg);
    }
    double total = 0;
    *late = 0;
    for (int i = 0; i < w->n; i++) {
        ixt_plan *p = NULL;
        double v = w->planned[i] ? plan_total(c, w->sql[i], false, false, NULL, &p) : -1;
        total += v > 0 ? v : 0;
        *late += p ? ixt_plan_cost_if_rows_late(p) : 0;
        ixt_plan_free(p);
    }
    ixt_conn_close(c);
    return total;
}

/* ===== the greedy reference ===== */

typedef struct greedy {
    ixt_conn *c;
    const wl *w;
    ixt_catalog cat;
    ixt_cand_set set;
    char ***cols;              /* per table of cat: columns the plans show, NULL-terminated */
    unsigned *oid;             /* per candidate: 0 when not in the backend */
    ixt_advisor *facts;        /* idxtune's run on the same workload: corrected sizes */
    double *size;              /* HypoPG's bytes, 0 before the first creation */
    double *real;              /* corrected for deduplication: what the budget counts, as for idxtune */
    double *memo;              /* [k * n + i]: statement i's cost with the chosen set plus k; -1 unknown */
    double *cur;               /* statement i's cost with the chosen set */
    bool *chosen;
    bool late;                 /* costs as the advice counts them (same rules) */
} greedy;

static int table_of(const ixt_catalog *cat, const char *name)
{
    for (int t = 0; name && t < cat->ntables; t++)
        if (strcmp(cat->tables[t], name) == 0)
            return t;
    return -1;
}

static bool has_col(const ixt_catalog *cat, int t, const char *col)
{
    for (int i = 0; i < cat->ncols; i++)
        if (strcmp(cat->col_table[i], cat->tables[t]) == 0 && strcmp(cat->cols[i], col) == 0)
            return true;
    return false;
}

static void note_col(greedy *g, int t, const char *col)
{
    int n = 0;
    for (; g->cols[t] && g->cols[t][n]; n++)
        if (strcmp(g->cols[t][n], col) == 0)
            return;
    g->cols[t] = ixt_xrealloc(g->cols[t], (size_t)(n + 2) * sizeof **g->cols);
    g->cols[t][n] = ixt_xstrdup(col);
    g->cols[t][n + 1] = NULL;
}

/* The table an identifier of a plan condition belongs to: its qualifier's
 * relation, else the node's own, else the first relation of the plan
 * that has such a column. */
static int owner(const greedy *g, const ixt_plan *p, const ixt_plan_node *n, const char *qual, const char *col)
{
    for (size_t i = 0; qual && i < p->nnodes; i++) {
        const ixt_plan_node *x = p->nodes[i];
        if (x->relation && ((x->alias && !strcmp(x->alias, qual)) || !strcmp(x->relation, qual))) {
            int t = table_of(&g->cat, x->relation);
            return t >= 0 && has_col(&g->cat, t, col) ? t : -1;
        }
    }
    int t = table_of(&g->cat, n->relation);
    if (t >= 0 && has_col(&g->cat, t, col))
        return t;
    for (size_t i = 0; i < p->nnodes; i++) {
        t = table_of(&g->cat, p->nodes[i]->relation);
        if (t >= 0 && has_col(&g->cat, t, col))
            return t;
    }
    return -1;
}

static void cond_cols(greedy *g, const ixt_plan *p, const ixt_plan_node *n, const char *text)
{
    ixt_tokens tk;
    ixt_err e;
    if (ixt_tok_scan(text, &tk, &e) != 0)
        return;
    for (int i = 0; i < tk.n; i++) {
        if (tk.tk[i]->token != PG_QUERY__TOKEN__IDENT)
            continue;
        char *word = ixt_xstrndup(text + tk.tk[i]->start, (size_t)(tk.tk[i]->end - tk.tk[i]->start));
        char *qual = NULL;
        if (i + 2 < tk.n && ixt_tok_is(tk.tk[i + 1], text, '.') && tk.tk[i + 2]->token == PG_QUERY__TOKEN__IDENT) {
            qual = word;
            i += 2;
            word = ixt_xstrndup(text + tk.tk[i]->start, (size_t)(tk.tk[i]->end - tk.tk[i]->start));
        }
        int t = owner(g, p, n, qual, word);
        if (t >= 0)
            note_col(g, t, word);
        free(word);
        free(qual);
    }
    ixt_tok_free(&tk);
}

static const char *const LABELS[] = {"Filter", "Join Filter", "Hash Cond", "Merge Cond", "Index Cond",
                                     "Sort Key", "Group Key"};

static void plan_cols(greedy *g, const ixt_plan *p)
{
    for (size_t i = 0; i < p->nnodes; i++)
        for (size_t l = 0; l < sizeof LABELS / sizeof *LABELS; l++) {
            const char *text = ixt_plan_node_cond(p->nodes[i], LABELS[l]);
            if (text)
                cond_cols(g, p, p->nodes[i], text);
        }
}

static bool reads(const wl *w, int i, const char *table)
{
    for (char **t = w->tables[i]; t && *t; t++)
        if (strcmp(*t, table) == 0)
            return true;
    return false;
}

static void hypo(greedy *g, int k, bool on)
{
    if (on && !g->oid[k]) {
        ixt_hypo h;
        ixt_err e;
        if (ixt_hypo_create(g->c, g->set.v[k].def, &h, &e) == 0) {
            g->oid[k] = h.oid;
            g->size[k] = h.size_bytes;
            ixt_adv_cand ac;
            ixt_advisor_assess(g->facts, &g->set.v[k], h.size_bytes, &ac);
            g->real[k] = ac.size_real;
        }
    } else if (!on && g->oid[k]) {
        (void)ixt_hypo_drop(g->c, g->oid[k], NULL);
        g->oid[k] = 0;
    }
}

/* Workload cost saved by adding k to the chosen set (memoized until a
 * pick on its table changes the set). */
static double saving(greedy *g, int k)
{
    const wl *w = g->w;
    double s = 0;
    bool on = false;
    for (int i = 0; i < w->n; i++) {
        if (!w->planned[i] || !reads(w, i, g->set.v[k].table))
            continue;
        double *m = &g->memo[(size_t)k * (size_t)w->n + (size_t)i];
        if (*m < 0) {
            if (!on)
                hypo(g, k, true);
            on = true;
            *m = plan_total(g->c, w->planned[i], true, g->late, NULL, NULL);
        }
        if (*m >= 0)
            s += g->cur[i] - *m;
    }
    if (on)
        hypo(g, k, false);
    return s;
}

/* The chosen set changed on table: its statements are planned again. */
static double recost(greedy *g, const char *table)
{
    const wl *w = g->w;
    double total = 0;
    for (int i = 0; i < w->n; i++) {
        if (w->planned[i] && reads(w, i, table)) {
            g->cur[i] = plan_total(g->c, w->planned[i], true, g->late, NULL, NULL);
            for (int k = 0; k < g->set.n; k++)
                g->memo[(size_t)k * (size_t)w->n + (size_t)i] = -1;
        }
        total += w->planned[i] ? g->cur[i] : 0;
    }
    return total;
}

/* An index an existing plain btree already starts with (lineitem
 * (l_orderkey) beside the primary key (l_orderkey, l_linenumber)): the
 * planner prices the thinner index lower, but the advice never makes
 * such a duplicate. */
static bool redundant(const ixt_advisor *a, const ixt_cand *s)
{
    for (int i = 0; i < a->facts.nindexes; i++) {
        const ixt_index_fact *x = &a->facts.indexes[i];
        bool dup = x->plain && !s->where && !s->expr && !s->nincl && !s->opclass && strcmp(x->table, s->table) == 0 &&
                   x->nkeys >= s->nkeys;
        for (int j = 0; dup && j < s->nkeys; j++)
            dup = x->keys[j] && strcmp(x->keys[j], s->keys[j]) == 0;
        if (dup)
            return true;
    }
    return false;
}

/* same_rules: without the candidates the advice never makes (redundant),
 * and a plan waiting for late rows costed as the advice costs it. */
static int greedy_run(ixt_advisor *facts, const wl *w, double budget_bytes, bool same_rules, ixt_cand_set *out_set,
                      advice *ad)
{
    ixt_conn *c = facts->c;
    greedy g = {.c = c, .w = w, .facts = facts, .late = same_rules};
    ixt_err e;
    if (ixt_catalog_load(c, &g.cat, &e) != 0 || ixt_hypo_reset(c, &e) != 0) {
        fprintf(stderr, "bench_greedy: %s\n", e.msg);
        return -1;
    }
    g.cols = ixt_xcalloc((size_t)g.cat.ntables + 1, sizeof *g.cols);
    g.cur = ixt_xcalloc((size_t)w->n + 1, sizeof *g.cur);
    double base = 0;
    for (int i = 0; i < w->n; i++) {
        ixt_plan *p = NULL;
        g.cur[i] = w->planned[i] ? plan_total(c, w->sql[i], false, false, NULL, &p) : 0;
        if (p)
            plan_cols(&g, p);
        ixt_plan_free(p);
        base += g.cur[i];
    }
    for (int t = 0; t < g.cat.ntables; t++)
        for (int a = 0; g.cols[t] && g.cols[t][a]; a++) {
            const char *one[] = {g.cols[t][a]};
            ixt_cands_add_plain(&g.set, g.cat.tables[t], one, 1);
            for (int b = 0; g.cols[t][b]; b++)
                if (b != a) {
                    const char *two[] = {g.cols[t][a], g.cols[t][b]};
                    ixt_cands_add_plain(&g.set, g.cat.tables[t], two, 2);
                }
        }
    int n = g.set.n;
    g.oid = ixt_xcalloc((size_t)n + 1, sizeof *g.oid);
    g.size = ixt_xcalloc((size_t)n + 1, sizeof *g.size);
    g.real = ixt_xcalloc((size_t)n + 1, sizeof *g.real);
    g.chosen = ixt_xcalloc((size_t)n + 1, sizeof *g.chosen);
    g.memo = ixt_xcalloc((size_t)n * (size_t)w->n + 1, sizeof *g.memo);
    for (size_t i = 0; i < (size_t)n * (size_t)w->n; i++)
        g.memo[i] = -1;
    double used = 0, total = base;
    for (;;) {
        int best = -1;
        double best_ratio = 0;
        for (int k = 0; k < n; k++) {
            if (g.chosen[k] || (same_rules && redundant(facts, &g.set.v[k])))
                continue;
            double s = saving(&g, k);
            if (s < 0.001 * base || g.size[k] <= 0 || (budget_bytes > 0 && used + g.real[k] > budget_bytes))
                continue;
            if (best < 0 || s / g.size[k] > best_ratio) {
                best = k;
                best_ratio = s / g.size[k];
            }
        }
        if (best < 0)
            break;
        hypo(&g, best, true);
        g.chosen[best] = true;
        used += g.real[best];
        total = recost(&g, g.set.v[best].table);
        /* (a) goes when (a, b) came and the cost does not rise without it */
        for (int k = 0; k < n && g.set.v[best].nkeys == 2; k++) {
            if (!g.chosen[k] || k == best || g.set.v[k].nkeys != 1 || !ixt_cand_covers(&g.set.v[best], &g.set.v[k]))
                continue;
            hypo(&g, k, false);
            double without = recost(&g, g.set.v[k].table);
            if (without <= total) {
                g.chosen[k] = false;
                used -= g.real[k];
                total = without;
            } else {
                hypo(&g, k, true);
                total = recost(&g, g.set.v[k].table);
            }
        }
    }
    for (int k = 0; k < n; k++)
        if (g.chosen[k]) {
            ad->defs = ixt_xrealloc(ad->defs, (size_t)(ad->n + 1) * sizeof *ad->defs);
            ad->shapes = ixt_xrealloc(ad->shapes, (size_t)(ad->n + 1) * sizeof *ad->shapes);
            ad->hypo_bytes = ixt_xrealloc(ad->hypo_bytes, (size_t)(ad->n + 1) * sizeof *ad->hypo_bytes);
            ad->defs[ad->n] = g.set.v[k].def;
            ad->shapes[ad->n] = &g.set.v[k];
            ad->hypo_bytes[ad->n++] = g.size[k];
        }
    (void)ixt_hypo_reset(c, NULL);
    for (int t = 0; t < g.cat.ntables; t++) {
        for (int a = 0; g.cols[t] && g.cols[t][a]; a++)
            free(g.cols[t][a]);
        free(g.cols[t]);
    }
    free(g.cols);
    free(g.oid);
    free(g.size);
    free(g.real);
    free(g.chosen);
    free(g.memo);
    free(g.cur);
    ixt_catalog_free(&g.cat);
    *out_set = g.set; /* the advice's defs and shapes point into it */
    return 0;
}

/* ===== the workload and the report ===== */

static int wl_load(ixt_conn *c, const char *path, wl *w)
{
    ixt_err e;
    char *text = ixt_read_file(path, NULL, &e);
    if (!text || ixt_sql_split(text, &w->sql, &w->n, &e) != 0) {
        fprintf(stderr, "bench_greedy: %s\n", e.msg);
        free(text);
        return -1;
    }
    free(text);
    w->planned = ixt_xcalloc((size_t)w->n + 1, sizeof *w->planned);
    w->tables = ixt_xcalloc((size_t)w->n + 1, sizeof *w->tables);
    for (int i = 0; i < w->n; i++) {
        ixt_plan *p = NULL;
        if (plan_total(c, w->sql[i], false, false, &w->planned[i], &p) < 0)
            continue;
        int nt = 0;
        for (size_t j = 0; j < p->nnodes; j++)
            if (p->nodes[j]->relation) {
                w->tables[i] = ixt_xrealloc(w->tables[i], (size_t)(nt + 2) * sizeof **w->tables);
                w->tables[i][nt++] = ixt_xstrdup(p->nodes[j]->relation);
                w->tables[i][nt] = NULL;
            }
        ixt_plan_free(p);
    }
    return 0;
}

static void wl_free(wl *w)
{
    for (int i = 0; i < w->n; i++) {
        free(w->sql[i]);
        free(w->planned[i]);
        for (char **t = w->tables[i]; t && *t; t++)
            free(*t);
        free(w->tables[i]);
    }
    free(w->sql);
    free(w->planned);
    free(w->tables);
}

static void advice_free(advice *ad)
{
    free(ad->defs);
    free(ad->shapes);
    free(ad->hypo_bytes);
}

/* One line of the table: the scorer's reduction, sizes, write cost. */
/* One statement's execution time in ms (EXPLAIN ANALYZE, in a savepoint
 * rolled back when it fails), -1 when it fails. */
static double run_ms(ixt_conn *c, const char *sql)
{
    ixt_err e;
    char *q = ixt_xasprintf("EXPLAIN (ANALYZE, FORMAT JSON) %s", sql);
    (void)ixt_conn_run(c, "SAVEPOINT one", &e);
    PGresult *r = ixt_conn_exec(c, q, 0, NULL, &e);
    ixt_plan *p = r && PQntuples(r) == 1 ? ixt_plan_parse(PQgetvalue(r, 0, 0), &e) : NULL;
    double ms = p ? p->execution_ms : -1;
    (void)ixt_conn_run(c, ms < 0 ? "ROLLBACK TO SAVEPOINT one" : "RELEASE SAVEPOINT one", &e);
    ixt_plan_free(p);
    PQclear(r);
    free(q);
    return ms;
}

#define REAL_RUNS 3

/* The workload's real time with the set built for real, in a transaction
 * rolled back (as the owner; the statements then as o's role): each
 * statement run REAL_RUNS times, the writes rolled back after each run,
 * the median of each, summed.  -1 when the set cannot be built. */
static double real_ms(const ixt_conn_opts *o, const wl *w, const advice *ad)
{
    ixt_err e;
    ixt_conn *c = ixt_conn_open(o, "bench", &e);
    if (!c)
        return -1;
    bool ok = ixt_conn_run(c, "BEGIN", &e) == 0 && (!o->role || ixt_conn_run(c, "RESET ROLE", &e) == 0);
    for (int k = 0; ok && k < ad->n; k++)
        ok = ixt_conn_run(c, ad->defs[k], &e) == 0;
    if (ok && o->role) {
        char *q = ixt_conn_quote_ident(c, o->role), *set = ixt_xasprintf("SET ROLE %s", q);
        ok = ixt_conn_run(c, set, &e) == 0;
        free(set);
        free(q);
    }
    double *t = ixt_xcalloc((size_t)w->n * REAL_RUNS + 1, sizeof *t), total = 0;
    for (int run = 0; ok && run < REAL_RUNS; run++) {
        (void)ixt_conn_run(c, "SAVEPOINT run", &e);
        for (int i = 0; i < w->n; i++)
            t[i * REAL_RUNS + run] = w->planned[i] ? run_ms(c, w->sql[i]) : -1;
        (void)ixt_conn_run(c, "ROLLBACK TO SAVEPOINT run", &e);
    }
    for (int i = 0; ok && i < w->n; i++) {
        double med = ixt_median(t + i * REAL_RUNS, REAL_RUNS);
        total += med > 0 ? med : 0;
        /* where the time goes, while tuning */
        if (getenv("IXT_BENCH_VERBOSE") && med > 20)
            printf("#    %8.1f ms  %.90s\n", med, w->sql[i]);
    }
    if (!ok)
        fprintf(stderr, "bench_greedy: real time: %s\n", e.msg);
    (void)ixt_conn_run(c, "ROLLBACK", &e);
    free(t);
    ixt_conn_close(c);
    return ok ? total : -1;
}

/* Returns whether a plan of the set waits for late rows. */
static bool report(const char *name, const ixt_conn_opts *o, const wl *w, double before, ixt_advisor *facts,
                   const advice *ad)
{
    double late, after = score(o, w, ad, &late), hypo_b = 0, real_b = 0, writes = 0;
    for (int k = 0; k < ad->n; k++) {
        ixt_adv_cand c;
        ixt_advisor_assess(facts, ad->shapes[k], ad->hypo_bytes[k], &c);
        hypo_b += c.size_bytes;
        real_b += c.size_real;
        writes += c.write_cost;
    }
    printf("%s_cost_reduction_pct %.2f\n%s_size_hypopg_mb %.1f\n%s_size_corrected_mb %.1f\n", name,
           before > 0 ? (before - after) / before * 100 : 0, name, hypo_b / MB, name, real_b / MB);
    /* the same, should the rows a LIMIT waits for come late */
    printf("%s_cost_reduction_if_rows_late_pct %.2f\n", name, before > 0 ? (before - late) / before * 100 : 0);
    printf("%s_write_cost_per_s %.1f\n%s_indexes %d\n%s_wall_ms %.0f\n", name, writes, name, ad->n, name, ad->ms);
    /* the same set built for real: what a DBA would see (IXT_BENCH_NO_REAL: skipped) */
    if (!getenv("IXT_BENCH_NO_REAL"))
        printf("%s_real_workload_ms %.1f\n", name, real_ms(o, w, ad));
    return late > after * 1.0001;
}

/* The best any search could do with idxtune's candidates, under the
 * rules of the advice: every index saves at least 0.1 % of the workload
 * given the others, none is a prefix or a near duplicate of another.
 * Every set of the candidates worth that much alone that fits the budget
 * is scored, when there are few. */
#define OPT_MAX 16
#define OPT_MAX_SETS 1500

static bool clash(const ixt_cand *x, const ixt_cand *y)
{
    return ixt_cand_covers(x, y) || ixt_cand_covers(y, x) || ixt_cand_near_dup(x, y) || ixt_cand_near_dup(y, x);
}

/* A set that fits and holds no clashing pair. */
static bool feasible(const ixt_cand *const *shape, const double *size, int n, unsigned set, double budget)
{
    double used = 0;
    for (int j = 0; j < n; j++) {
        if (!(set & (1u << j)))
            continue;
        used += size[j];
        for (int i = 0; i < j; i++)
            if (set & (1u << i) && clash(shape[i], shape[j]))
                return false;
    }
    return used <= budget;
}

static void optimum(const char *name, const ixt_conn_opts *o, const wl *w, double before, ixt_advisor *a,
                    double budget)
{
    const char *defs[OPT_MAX];
    const ixt_cand *shape[OPT_MAX];
    double size[OPT_MAX];
    int n = 0, nsets = 0;
    double late;
    advice ad = {.defs = ixt_xcalloc(OPT_MAX + 1, sizeof *ad.defs)};
    for (int k = 0; k < a->ncands && n <= OPT_MAX; k++) {
        const ixt_adv_cand *c = &a->cands[k];
        if (c->untestable || c->size_real <= 0 || c->size_real > budget)
            continue;
        ad.n = 1;
        ad.defs[0] = c->def;
        double alone = score(o, w, &ad, &late);
        if (alone >= 0 && before - alone >= before * 0.001 && n++ < OPT_MAX) {
            defs[n - 1] = c->def;
            shape[n - 1] = &a->set.v[k];
            size[n - 1] = c->size_real;
        }
    }
    double *cost = n <= OPT_MAX ? ixt_xcalloc((size_t)1 << n, sizeof *cost) : NULL;
    for (unsigned set = 0; cost && set < (1u << n); set++) {
        cost[set] = -1;
        if (!feasible(shape, size, n, set, budget) || nsets++ > OPT_MAX_SETS)
            continue;
        ad.n = 0;
        for (int j = 0; j < n; j++)
            if (set & (1u << j))
                ad.defs[ad.n++] = defs[j];
        cost[set] = set ? score(o, w, &ad, &late) : before;
    }
    double best = before;
    unsigned best_set = 0;
    for (unsigned set = 1; cost && nsets <= OPT_MAX_SETS && set < (1u << n); set++) {
        bool worth = cost[set] >= 0 && cost[set] < best;
        for (int j = 0; worth && j < n; j++)
            worth = !(set & (1u << j)) || cost[set & ~(1u << j)] - cost[set] >= before * 0.001;
        if (worth) {
            best = cost[set];
            best_set = set;
        }
    }
    for (int j = 0; j < n && getenv("IXT_BENCH_VERBOSE"); j++)
        if (best_set & (1u << j))
            printf("#  optimum %s\n", defs[j]);
    if (n > OPT_MAX || nsets > OPT_MAX_SETS)
        printf("%s_optimum_skipped 1 (%s)\n", name, n > OPT_MAX ? "too many candidates" : "too many sets");
    else
        printf("%s_optimum_cost_reduction_pct %.2f\n%s_optimum_candidates %d\n%s_optimum_sets %d\n", name,
               (before - best) / before * 100, name, n, name, nsets);
    free(cost);
    free(ad.defs);
}

/* Whether the list a,b,c has the item s. */
static bool named(const char *only, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = only; p && *p; p += strcspn(p, ","), p += *p == ',')
        if (strcspn(p, ",") == n && strncmp(p, s, n) == 0)
            return true;
    return false;
}

/* IXT_BENCH_ONLY=a,b: whether it names the leg label or one of its
 * budgets (label_25pct); unset, every leg. */
static bool wanted(const char *only, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = only; p && *p; p += strcspn(p, ","), p += *p == ',')
        if (strncmp(p, label, n) == 0 && (p[n] == ',' || !p[n] || (p[n] == '_' && isdigit((unsigned char)p[n + 1]))))
            return true;
    return !only;
}

/* role NULL: as the connecting user; else SET ROLE and app.tenant_id=1,
 * as the demo's application runs (its tenant's policy applies). */
static void compare(const char *label, const char *db, const char *role, const char *path, const double *shares,
                    int nshares)
{
    ixt_err e;
    static const char *const tenant[] = {"app.tenant_id=1"};
    ixt_conn_opts o = {.dbname = db, .role = role, .settings = role ? tenant : NULL, .nsettings = role ? 1 : 0};
    ixt_conn *c = ixt_conn_open(&o, "bench", &e);
    if (!c) {
        fprintf(stderr, "bench_greedy: %s\n", e.msg);
        return;
    }
    wl w = {0};
    PGresult *r = ixt_conn_exec(c, "SELECT pg_database_size(current_database())", 0, NULL, &e);
    double dbsize = r ? atof(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    advice none = {0};
    double late, before = wl_load(c, path, &w) == 0 ? score(&o, &w, &none, &late) : -1;
    if (before > 0 && !getenv("IXT_BENCH_NO_REAL"))
        printf("%s_no_index_real_workload_ms %.1f\n", label, real_ms(&o, &w, &none));
    for (int b = 0; before > 0 && b < nshares; b++) {
        double budget_mb = dbsize * shares[b] / MB;
        char name[96];
        snprintf(name, sizeof name, "%s_%.0fpct", label, shares[b] * 100);
        /* IXT_BENCH_ONLY=analytic_25pct: that budget alone */
        const char *only = getenv("IXT_BENCH_ONLY");
        if (only && !named(only, label) && !named(only, name))
            continue;
        printf("%s_budget_mb %.1f\n", name, budget_mb);

        ixt_advisor a;
        ixt_advisor_init(&a, c, budget_mb, 0);
        for (int i = 0; i < w.n; i++)
            ixt_advisor_add(&a, w.sql[i], 1, -1, 0);
        advice mine = {0};
        double t0 = ixt_now_ms();
        if (ixt_advisor_run(&a, NULL, NULL, &e) != 0) {
            fprintf(stderr, "bench_greedy: %s\n", e.msg);
            ixt_advisor_free(&a);
            break;
        }
        mine.ms = ixt_now_ms() - t0;
        mine.n = a.npicks;
        mine.defs = ixt_xcalloc((size_t)a.npicks + 1, sizeof *mine.defs);
        mine.shapes = ixt_xcalloc((size_t)a.npicks + 1, sizeof *mine.shapes);
        mine.hypo_bytes = ixt_xcalloc((size_t)a.npicks + 1, sizeof *mine.hypo_bytes);
        for (int p = 0; p < a.npicks; p++) {
            mine.defs[p] = a.cands[a.picks[p]].def;
            mine.shapes[p] = &a.set.v[a.picks[p]];
            mine.hypo_bytes[p] = a.cands[a.picks[p]].size_bytes;
        }
        char sub[128];
        snprintf(sub, sizeof sub, "%s_idxtune", name);
        report(sub, &o, &w, before, &a, &mine);

        ixt_cand_set gset = {0};
        advice ref = {0};
        t0 = ixt_now_ms();
        /* the reference takes minutes: skipped while tuning idxtune alone */
        if (!getenv("IXT_BENCH_NO_REFERENCE") && greedy_run(&a, &w, budget_mb * MB, false, &gset, &ref) == 0) {
            ref.ms = ixt_now_ms() - t0;
            snprintf(sub, sizeof sub, "%s_greedy", name);
            bool dup = report(sub, &o, &w, before, &a, &ref);
            for (int k = 0; k < ref.n; k++)
                dup |= redundant(&a, ref.shapes[k]);
            /* then again, as the advice would: without those */
            ixt_cand_set same_set = {0};
            advice same = {0};
            t0 = ixt_now_ms();
            if (dup && greedy_run(&a, &w, budget_mb * MB, true, &same_set, &same) == 0) {
                same.ms = ixt_now_ms() - t0;
                snprintf(sub, sizeof sub, "%s_greedy_same_rules", name);
                report(sub, &o, &w, before, &a, &same);
                for (int k = 0; k < same.n && getenv("IXT_BENCH_VERBOSE"); k++)
                    printf("#  same    %s\n", same.defs[k]);
            }
            advice_free(&same);
            ixt_cand_set_free(&same_set);
        }
        if (getenv("IXT_BENCH_VERBOSE")) {
            for (int k = 0; k < mine.n; k++)
                printf("#  idxtune %s\n", mine.defs[k]);
            for (int k = 0; k < ref.n; k++)
                printf("#  greedy  %s\n", ref.defs[k]);
        }
        /* IXT_BENCH_OPTIMUM: where the figures tie, whether any set could do better */
        if (getenv("IXT_BENCH_OPTIMUM"))
            optimum(name, &o, &w, before, &a, budget_mb * MB);
        advice_free(&ref);
        ixt_cand_set_free(&gset);
        advice_free(&mine);
        ixt_advisor_free(&a);
    }
    wl_free(&w);
    ixt_conn_close(c);
}

int main(void)
{
    /* from tight to generous, as shares of the database's size */
    double shares[8] = {0.01, 0.05, 0.10, 0.25, 0.50};
    int n = 5;
    /* IXT_BENCH_SHARES=0.5,1: other budgets (generous ones, as a DBA with room might give) */
    const char *want = getenv("IXT_BENCH_SHARES");
    if (want) {
        n = 0;
        for (const char *p = want; *p && n < 8; p += strcspn(p, ","), p += *p == ',')
            shares[n++] = atof(p);
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures as they come: the reference is slow */
    /* IXT_BENCH_ONLY: the legs whose label it names (while tuning one) */
    const char *only = getenv("IXT_BENCH_ONLY");
    if (wanted(only, "demo"))
        compare("demo", "idxdemo", NULL, "demo/statements.sql", shares, n);
    if (wanted(only, "rls"))
        compare("rls", "idxdemo", "app_user", "demo/statements.sql", shares, n);
    if (wanted(only, "analytic"))
        compare("analytic", "idxtpch", NULL, "demo/analytics/statements.sql", shares, n);
    /* a workload the advisor was not tuned on, as the owner and as its application under RLS */
    if (wanted(only, "saas"))
        compare("saas", "idxsaas", NULL, "demo/saas/statements.sql", shares, n);
    if (wanted(only, "saas_rls"))
        compare("saas_rls", "idxsaas", "app_user", "demo/saas/statements.sql", shares, n);
    /* IXT_BENCH_WORKLOAD=label:database:role:file (role may be empty): a workload of one's own */
    const char *own = getenv("IXT_BENCH_WORKLOAD");
    char f[4][512] = {{0}};
    if (own && sscanf(own, "%511[^:]:%511[^:]:%511[^:]:%511s", f[0], f[1], f[2], f[3]) == 4) {
        if (wanted(only, f[0]))
            compare(f[0], f[1], f[2], f[3], shares, n);
    } else if (own && sscanf(own, "%511[^:]:%511[^:]::%511s", f[0], f[1], f[3]) == 3) {
        if (wanted(only, f[0]))
            compare(f[0], f[1], NULL, f[3], shares, n);
    } else if (own) {
        fprintf(stderr, "bench_greedy: IXT_BENCH_WORKLOAD is label:database:role:file\n");
    }
    return 0;
}
