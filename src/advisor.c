/* advisor: catalog facts once, candidates from the parse trees, greedy
 * selection scored with HypoPG, what-if results cached per (statement,
 * the active indexes that can matter to it). */
#include "idxtune/advisor.h"

#include <pg_query.h>
#include <math.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/facts.h"
#include "idxtune/lab.h"
#include "idxtune/plan.h"
#include "idxtune/sqlsplit.h"
#include "idxtune/trial.h"

/* ===== what-if cache ===== */

typedef struct centry {
    char *key;
    double cost;
    bool fresh;                /* fetched ahead by a batch, not looked up yet */
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

static centry *cache_find(const cache *c, const char *key)
{
    if (!c->cap)
        return NULL;
    for (size_t i = hash_str(key) & (c->cap - 1); c->slots[i].key; i = (i + 1) & (c->cap - 1))
        if (strcmp(c->slots[i].key, key) == 0)
            return &c->slots[i];
    return NULL;
}

static void cache_put(cache *c, const char *key, double cost, bool fresh)
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
    c->slots[j].fresh = fresh;
    c->n++;
}

static void cache_clear(cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].key);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

static void cache_free(cache *c)
{
    cache_clear(c);
    free(c);
}

/* ===== set-up ===== */

void ixt_advisor_init(ixt_advisor *a, ixt_conn *c, double budget_mb, double min_share)
{
    memset(a, 0, sizeof *a);
    a->c = c;
    a->budget_mb = budget_mb;
    a->min_share = min_share > 0 ? min_share : 0.001;
    a->write_weight = 1;
    a->span_s = 1;
    a->cache = ixt_xcalloc(1, sizeof(cache));
}

static void free_final(ixt_advisor *a)
{
    for (int i = 0; a->final && i < a->nstmts; i++)
        ixt_plan_free(a->final[i]);
    free(a->final);
    free(a->final_names);
    free(a->final_alone);
    a->final = NULL;
    a->final_names = NULL;
    a->final_alone = NULL;
}

void ixt_advisor_free(ixt_advisor *a)
{
    for (int i = 0; i < a->nstmts; i++) {
        free(a->stmts[i].sql);
        ixt_explain_prep_free(&a->stmts[i].typed);
        ixt_sql_info_free(a->stmts[i].info);
    }
    ixt_cand_set_free(&a->set);
    ixt_cand_facts_free(&a->facts);
    for (int i = 0; i < a->nunanalyzed; i++)
        free(a->unanalyzed[i]);
    free(a->unanalyzed);
    free(a->stmts);
    free(a->cands);
    free(a->picks);
    if (a->cache)
        cache_free(a->cache);
    free_final(a);
    memset(a, 0, sizeof *a);
}

/* A typed text's plan cost with the backend's hypothetical indexes, -1
 * when it does not plan. */
static double plan_cost(ixt_conn *c, const char *sql)
{
    ixt_explain_req req = {.sql = sql, .typed = true};
    ixt_explain_prep prep;
    ixt_err e;
    char *json = ixt_explain_run(c, &req, &prep, &e);
    ixt_plan *p = json ? ixt_plan_parse(json, &e) : NULL;
    double cost = p ? ixt_plan_cost_if_rows_late(p) : -1;
    if (json)
        ixt_explain_prep_free(&prep);
    ixt_plan_free(p);
    free(json);
    return cost;
}

void ixt_advisor_add(ixt_advisor *a, const char *sql, double weight, double rows, long long queryid)
{
    a->stmts = ixt_xrealloc(a->stmts, (size_t)(a->nstmts + 1) * sizeof *a->stmts);
    ixt_adv_stmt *s = &a->stmts[a->nstmts++];
    memset(s, 0, sizeof *s);
    s->sql = ixt_xstrdup(sql);
    s->weight = weight > 0 ? weight : 1;
    s->rows = rows;
    s->queryid = queryid;
    s->fired_by = -1;
}

bool ixt_advisor_offer(ixt_advisor *a, const char *sql, double calls, double rows, long long queryid)
{
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    bool plan = ixt_sql_info_has_plan(in);
    bool load = plan && in->kind == IXT_SQL_INSERT && calls <= 1 && rows >= IXT_BULK_ROWS;
    ixt_sql_info_free(in);
    a->loads_skipped += load;
    if (plan && !load)
        ixt_advisor_add(a, sql, calls, rows, queryid);
    return plan && !load;
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
        ixt_advisor_add(a, stmts[i], 1, -1, 0);
        free(stmts[i]);
    }
    free(stmts);
    free(text);
    return 0;
}

/* ===== candidates, their sizes and their write costs ===== */

/* One index entry written, in planner cost units: about one page touched
 * (the descent is cached), as seq_page_cost prices a page. */
#define ENTRY_COST 1.0
/* A row written under a BRIN: its range's summary is looked up (revmap
 * and summary page, both cached) and rewritten only when the value widens
 * it, which on a well-ordered column almost never happens (new rows land
 * in the last range, summarized by VACUUM later): the lookups without the
 * write and its WAL, about a tenth of a btree entry. */
#define BRIN_ENTRY_COST 0.1

static int existing_on(const ixt_advisor *a, const char *table)
{
    int n = 0;
    for (int i = 0; i < a->facts.nindexes; i++)
        n += strcmp(a->facts.indexes[i].table, table) == 0;
    return n;
}

/* Whether an UPDATE of statement st sets a column of s. */
static bool sets_column(const ixt_adv_stmt *st, const ixt_cand *s)
{
    if (!st->ok || st->info->kind != IXT_SQL_UPDATE || st->info->target < 0 ||
        strcmp(st->info->tables[st->info->target].name, s->table) != 0)
        return false;
    for (int p = 0; p < st->info->nset_cols; p++)
        if (ixt_cand_has_column(s, st->info->set_cols[p]))
            return true;
    return false;
}

/* Maintenance the index adds, per second: an entry for every insert and
 * every update that is not HOT; and when a workload UPDATE sets one of its
 * columns, the updates that were HOT no longer are, and then every index
 * of the table gets an entry.  From PostgreSQL 16 an update that changes
 * only BRIN (summarizing) columns stays HOT and just summarizes. */
static void write_cost_of(ixt_advisor *a, const ixt_cand *s, ixt_adv_cand *c)
{
    const ixt_table_fact *t = ixt_cand_table(&a->facts, s->table);
    c->writes_per_s = t ? t->writes_per_s : -1;
    if (!t || t->writes_per_s < 0)
        return;
    double entry = s->brin ? BRIN_ENTRY_COST : ENTRY_COST;
    bool keeps_hot = s->brin && ixt_conn_info(a->c)->version_num >= 160000;
    double cost = (t->writes_per_s - t->updates_per_s * t->hot_share) * entry;
    for (int i = 0; i < a->nstmts; i++) {
        const ixt_adv_stmt *st = &a->stmts[i];
        if (!sets_column(st, s))
            continue;
        /* rows it updates per second, else its runs */
        double rate = (st->rows >= 0 && a->timed ? st->rows : st->weight) / a->span_s;
        if (keeps_hot) {
            cost += rate * t->hot_share * entry;
            continue;
        }
        if (c->hot_breaks++ == 0) {
            /* cut on a character boundary: the example goes into the session as UTF-8 */
            char *one = ixt_one_line(st->sql, 80);
            snprintf(c->hot_example, sizeof c->hot_example, "%s", one);
            free(one);
        }
        c->hot_rate += rate;
        cost += rate * t->hot_share * (existing_on(a, s->table) * ENTRY_COST + entry);
    }
    c->write_cost = cost;
}

/* The size of btree candidate s as a fresh build makes it, from the
 * statistics: leaf tuples of 8 bytes of header and the average widths of
 * its keys and included columns over their non-NULL rows, 8-aligned, with
 * a 4-byte line pointer; PostgreSQL 13's deduplication keeps a run of
 * equal keys as one tuple and 6 bytes a row (not with INCLUDE); leaf pages
 * filled to 90 %, 1 % more for the upper levels, a metapage and a root
 * per index.  HypoPG's estimate assumes 30 % of bloat and no
 * deduplication: 1.3-2.2x a real build.  It stays where the statistics
 * cannot tell (an expression, a GIN or BRIN, an unknown share of a
 * partial index's rows), and is never exceeded. */
static double corrected_size(const ixt_advisor *a, const ixt_cand *s, double hypo, int partitions)
{
    const ixt_table_fact *t = ixt_cand_table(&a->facts, s->table);
    if (s->gin || s->brin || s->expr || (s->where && s->where_share <= 0) || !t || t->reltuples < 1)
        return hypo;
    double rows = t->reltuples * (s->where ? s->where_share : 1), groups = 1, width = 0, no_null = 1;
    for (int i = 0; i < s->nkeys + s->nincl; i++) {
        const char *col = i < s->nkeys ? s->keys[i] : s->incl[i - s->nkeys];
        const ixt_col_fact *cf = ixt_cand_col(&a->facts, s->table, col);
        if (!cf || cf->n_distinct == 0 || cf->avg_width <= 0)
            return hypo;
        if (i < s->nkeys)
            groups *= cf->n_distinct > 0 ? cf->n_distinct : -cf->n_distinct * rows;
        /* a fixed width of 2, 4 or 8 bytes aligns to it (padding before
         * it), a short text does not */
        int w = (int)cf->avg_width, align = w == 8 || w == 4 || w == 2 ? w : 1;
        double at = ceil(width / align) * align;
        width = at + cf->avg_width * (1 - cf->null_frac);
        no_null *= 1 - cf->null_frac;
    }
    /* a tuple with a NULL carries a bitmap: 8 bytes more, aligned */
    double head = 8 + 8 * (1 - no_null);
    double tuple = ceil((head + width) / 8) * 8 + 4, per_row = tuple;
    if (!s->nincl && groups < rows && ixt_conn_info(a->c)->version_num >= 130000) {
        double dup = rows / groups > 400 ? 400 : rows / groups; /* a posting list: a third of a page */
        per_row = tuple / dup + 6 < tuple ? tuple / dup + 6 : tuple;
    }
    double leaf = ceil(rows * per_row / ((8192 - 24 - 16) * 0.9));
    double built = 2 * 8192.0 * (partitions > 0 ? partitions : 1) + leaf * 8192 * 1.01;
    return built < hypo ? built : hypo;
}

/* An existing plain btree whose keys start with the candidate's: the
 * candidate adds nothing. */
static bool served(const ixt_advisor *a, int k)
{
    const ixt_cand *s = &a->set.v[k];
    if (s->where || s->expr || s->gin || s->nincl || s->opclass)
        return false;
    for (int i = 0; i < a->facts.nindexes; i++) {
        const ixt_index_fact *x = &a->facts.indexes[i];
        bool hit = x->plain && strcmp(x->table, s->table) == 0 && x->nkeys >= s->nkeys;
        for (int j = 0; hit && j < s->nkeys; j++)
            hit = x->keys[j] && strcmp(x->keys[j], s->keys[j]) == 0 && !s->desc[j];
        if (hit)
            return true;
    }
    return false;
}

/* ===== search state ===== */

/* Turning add on, and remove off (-1: none): its value per MB and the
 * storage it adds. */
typedef struct move {
    int add, remove;
    double ratio, size;
} move;

typedef struct search {
    unsigned *oid;             /* per candidate, 0 when not created */
    bool *active;
    bool *served;              /* an existing index does it already */
    bool *rel;                 /* [k * nstmts + i]: k may serve statement i */
    /* Lazy greedy: k's value per MB when last tried, with the pick it
     * would then replace.  A pick only lowers what the others can still
     * save, so a stale ratio bounds the fresh one and a step tries k again
     * only when that bound could beat the best move found so far.
     * INFINITY: never tried, or the pick it would replace has changed. */
    double *bound;
    int *bound_r;
    /* k's value (not per MB) when last tried as an addition, -INFINITY
     * when not known: what the swaps at the end start from */
    double *gain;
    move *mv;           /* k's move when last tried, valid when its bound is finite */
    /* moves made so far; when k was last tried, and when a move last
     * changed statement i's indexes (a second look, see below) */
    int nmoves;
    int *tried_at, *moved_at;
    int cap;
    /* A chosen move's creates, drops and plans, not sent yet: they go at
     * the head of the next batch (one round trip per greedy step), and
     * the costs of the statements it changes are taken from there. */
    struct batch *pend;
    /* The final plans went ahead, and reset the backend's hypothetical
     * indexes (prefetch_picks): the next batch makes them again. */
    bool wiped;
    /* what trying candidates has cost: the server's time beyond the
     * link's latency, over how many were tried */
    double try_ms;
    int ntries;
    bool looked;               /* the second look was taken */
} search;

static void flush(ixt_advisor *a, search *h);

static bool touches(const ixt_adv_stmt *s, const char *table)
{
    for (int t = 0; s->ok && t < s->info->ntables; t++)
        if (strcmp(s->info->tables[t].name, table) == 0)
            return true;
    return false;
}

/* Whether candidate k can matter to statement i: it is on one of its
 * tables, one of its keys is a column (or the expression) the statement
 * filters, joins, sorts or groups on, and a partial one's predicate can
 * follow from the statement's conditions.  Only those statements are
 * planned again when k comes or goes. */
static bool relevant(ixt_advisor *a, int i, int k)
{
    const ixt_adv_stmt *st = &a->stmts[i];
    const ixt_cand *s = &a->set.v[k];
    if (!touches(st, s->table) || !ixt_cand_usable_by(s, st->info, &a->facts))
        return false;
    if (s->expr || s->gin) {
        for (int u = 0; u < st->info->nuses; u++)
            if ((s->expr && st->info->uses[u].expr && !strcmp(st->info->uses[u].expr, s->keys[0])) ||
                (s->gin && st->info->uses[u].column && !strcmp(st->info->uses[u].column, s->keys[0])))
                return true;
        return false;
    }
    const ixt_sql_info *one[] = {st->info};
    const char **cols;
    int n = ixt_cands_useful_cols(one, 1, s->table, &a->facts, &cols);
    bool hit = false;
    for (int c = 0; c < n && !hit; c++)
        hit = ixt_cand_has_column(s, cols[c]);
    free(cols);
    return hit;
}

/* Takes in the candidates the set gained since the last call. */
static void sync_cands(ixt_advisor *a, search *h)
{
    if (a->set.n > h->cap) {
        int cap = a->set.n * 2 + 16;
        h->oid = ixt_xrealloc(h->oid, (size_t)cap * sizeof *h->oid);
        h->active = ixt_xrealloc(h->active, (size_t)cap * sizeof *h->active);
        h->served = ixt_xrealloc(h->served, (size_t)cap * sizeof *h->served);
        h->rel = ixt_xrealloc(h->rel, (size_t)cap * (size_t)(a->nstmts + 1) * sizeof *h->rel);
        h->bound = ixt_xrealloc(h->bound, (size_t)cap * sizeof *h->bound);
        h->bound_r = ixt_xrealloc(h->bound_r, (size_t)cap * sizeof *h->bound_r);
        h->gain = ixt_xrealloc(h->gain, (size_t)cap * sizeof *h->gain);
        h->mv = ixt_xrealloc(h->mv, (size_t)cap * sizeof *h->mv);
        h->tried_at = ixt_xrealloc(h->tried_at, (size_t)cap * sizeof *h->tried_at);
        a->cands = ixt_xrealloc(a->cands, (size_t)cap * sizeof *a->cands);
        h->cap = cap;
    }
    for (int k = a->ncands; k < a->set.n; k++) {
        a->cands[k] = (ixt_adv_cand){.def = a->set.v[k].def, .table = a->set.v[k].table, .size_bytes = -1,
                                     .size_real = -1};
        a->ncands = k + 1;
        h->oid[k] = 0;
        h->active[k] = false;
        h->served[k] = served(a, k);
        h->bound[k] = INFINITY;
        h->bound_r[k] = -1;
        h->gain[k] = -INFINITY;
        h->tried_at[k] = 0;
        for (int i = 0; i < a->nstmts; i++)
            h->rel[(size_t)k * (size_t)a->nstmts + (size_t)i] = a->stmts[i].ok && relevant(a, i, k);
        write_cost_of(a, &a->set.v[k], &a->cands[k]);
    }
}

static bool rel(const ixt_advisor *a, const search *h, int k, int i)
{
    return h->rel[(size_t)k * (size_t)a->nstmts + (size_t)i];
}

/* ===== scoring ===== */

/* The cache key: the statement and the active indexes that can matter to it. */
static char *cache_key(const ixt_advisor *a, const search *h, int si)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, "%d", si);
    for (int k = 0; k < a->ncands; k++)
        if (h->active[k] && rel(a, h, k, si))
            ixt_buf_printf(&b, "|%d", k);
    return ixt_buf_take(&b);
}

/* A result fetched ahead by a batch counts as a what-if call when it is
 * first looked up, as it would have been made then. */
static double whatif_cost(ixt_advisor *a, search *h, int si)
{
    char *key = cache_key(a, h, si);
    centry *hit = cache_find(a->cache, key);
    if (!hit) {
        /* the server's indexes as the search has them, and what the
         * pending batch brings */
        flush(a, h);
        hit = cache_find(a->cache, key);
    }
    double cost;
    if (hit) {
        if (hit->fresh)
            a->whatif_calls++;
        else
            a->cache_hits++;
        hit->fresh = false;
        cost = hit->cost;
    } else {
        a->whatif_calls++;
        cost = plan_cost(a->c, a->stmts[si].planned);
        cache_put(a->cache, key, cost, false);
    }
    free(key);
    return cost;
}

/* What a create of candidate k gave: its oid and size, or why HypoPG
 * cannot simulate it. */
static int hypo_made(ixt_advisor *a, search *h, int k, int rc, const ixt_hypo *x, const ixt_err *e)
{
    if (rc != 0) {
        /* a lost server is the run's error, not the candidate's */
        if (!ixt_conn_ok(a->c))
            return -1;
        a->cands[k].untestable = true;
        snprintf(a->cands[k].why, sizeof a->cands[k].why, "%.150s", e->msg);
        return -1;
    }
    h->oid[k] = x->oid;
    a->cands[k].size_bytes = x->size_bytes;
    a->cands[k].partitions = x->partitions;
    a->cands[k].size_real = corrected_size(a, &a->set.v[k], x->size_bytes, x->partitions);
    return 0;
}

static int hypo_on(ixt_advisor *a, search *h, int k, ixt_err *e)
{
    flush(a, h);
    if (h->oid[k])
        return 0;
    ixt_hypo x;
    return hypo_made(a, h, k, ixt_hypo_create(a->c, a->cands[k].def, &x, e), &x, e);
}

static void hypo_off(ixt_advisor *a, search *h, int k)
{
    flush(a, h);
    if (h->oid[k])
        (void)ixt_hypo_drop(a->c, h->oid[k], NULL);
    h->oid[k] = 0;
}

static void set_active(ixt_advisor *a, search *h, int k, bool on)
{
    ixt_err e;
    if (on && hypo_on(a, h, k, &e) != 0)
        return;
    if (!on)
        hypo_off(a, h, k);
    h->active[k] = on;
}

/* Picks a swap may take out at once (swap_sets). */
#define SWAP_OUT 3

/* Turns k on (-1: none) and the nr candidates of rs off in the set's
 * flags only, or back. */
static void flip(search *h, int k, const int *rs, int nr, bool on)
{
    if (k >= 0)
        h->active[k] = on;
    for (int q = 0; q < nr; q++)
        h->active[rs[q]] = !on;
}

/* Whether k or one of rs can matter to statement i. */
static bool touched(const ixt_advisor *a, const search *h, int k, const int *rs, int nr, int i)
{
    bool hit = k >= 0 && rel(a, h, k, i);
    for (int q = 0; q < nr && !hit; q++)
        hit = rel(a, h, rs[q], i);
    return hit;
}

/* The statements k or rs can matter to whose cost in the set as it is is
 * neither cached nor in queued, with their cache keys (caller frees
 * them); stmts and keys may be NULL to count them. */
static int scan_unknown(ixt_advisor *a, search *h, int k, const int *rs, int nr, const cache *queued, int *stmts,
                        char **keys)
{
    int n = 0;
    for (int i = 0; i < a->nstmts; i++) {
        if (!touched(a, h, k, rs, nr, i))
            continue;
        char *key = cache_key(a, h, i);
        if (!cache_find(a->cache, key) && !(queued && cache_find(queued, key))) {
            if (stmts)
                stmts[n] = i;
            if (keys) {
                keys[n] = key;
                key = NULL;
            }
            n++;
        }
        free(key);
    }
    return n;
}

/* The same with k on and rs off (nr at most SWAP_OUT). */
static int unknown_costs(ixt_advisor *a, search *h, int k, const int *rs, int nr, const cache *queued, int *stmts,
                         char **keys)
{
    bool was_k = k >= 0 && h->active[k], was[SWAP_OUT] = {false};
    for (int q = 0; q < nr; q++)
        was[q] = h->active[rs[q]];
    flip(h, k, rs, nr, true);
    int n = scan_unknown(a, h, k, rs, nr, queued, stmts, keys);
    if (k >= 0)
        h->active[k] = was_k;
    for (int q = 0; q < nr; q++)
        h->active[rs[q]] = was[q];
    return n;
}

/* Nothing to ask the server: k's size and every cost needed are known. */
static bool known(ixt_advisor *a, search *h, int k, const int *rs, int nr)
{
    return (k < 0 || a->cands[k].size_bytes >= 0) && unknown_costs(a, h, k, rs, nr, NULL, NULL, NULL) == 0;
}

/* Weighted cost change of the statements k or rs can matter to, when k
 * is turned on and rs off (k may be -1, nr at most SWAP_OUT).  Leaves
 * the set as it was; -1 when k cannot be simulated.  The indexes are
 * created and dropped only when a cost is not known yet. */
static double saving_of_set(ixt_advisor *a, search *h, int k, const int *rs, int nr)
{
    ixt_err e;
    /* HypoPG refused it already (in a batch, maybe): not asked again */
    if (k >= 0 && a->cands[k].untestable)
        return -1;
    bool cached = known(a, h, k, rs, nr);
    if (cached) {
        flip(h, k, rs, nr, true);
    } else {
        if (k >= 0 && hypo_on(a, h, k, &e) != 0)
            return -1;
        if (k >= 0)
            h->active[k] = true;
        for (int q = 0; q < nr; q++)
            set_active(a, h, rs[q], false);
    }
    double saving = 0;
    for (int i = 0; i < a->nstmts; i++) {
        ixt_adv_stmt *s = &a->stmts[i];
        if (!touched(a, h, k, rs, nr, i))
            continue;
        double c = whatif_cost(a, h, i);
        if (c >= 0)
            saving += s->weight * (s->cost - c);
    }
    if (cached) {
        flip(h, k, rs, nr, false);
        return saving;
    }
    if (k >= 0)
        set_active(a, h, k, false);
    for (int q = 0; q < nr; q++)
        set_active(a, h, rs[q], true);
    return saving;
}

/* The same with r off (-1: none). */
static double saving_of(ixt_advisor *a, search *h, int k, int r)
{
    return saving_of_set(a, h, k, &r, r >= 0);
}

/* ===== what-if work batched into one round trip =====
 * What saving_of and recost would ask one request at a time, in the same
 * order (so the backend's hypothetical indexes go through the same
 * states and the advice is the same), sent as one pipeline ahead of them;
 * they then find every cost cached. */

typedef struct bplan {
    int op;                    /* the explain */
    int made;                  /* the create it depends on, -1 none */
    char *key;
} bplan;

typedef struct bhypo {
    int op, k;
    bool restore;              /* k was on before the probe */
} bhypo;

typedef struct batch {
    ixt_whatif w;
    bplan *plans;
    int nplans;
    bhypo *hypos;
    int nhypos;
    unsigned *oid;             /* per candidate; 0 once created in the batch: dropped by its slot */
    int noid;
    cache queued;              /* keys of the costs asked for */
    /* the chosen moves' candidates: their statements recosted once run */
    int *recost;
    int nrecost;
} batch;

static int batch_create(ixt_advisor *a, batch *b, int k, bool restore);

/* A new batch, or the pending one of a chosen move to add to; the
 * search's indexes made again first when a reset wiped them. */
static void batch_init(ixt_advisor *a, search *h, batch *b)
{
    if (h->pend) {
        *b = *h->pend;
        free(h->pend);
        h->pend = NULL;
    } else {
        memset(b, 0, sizeof *b);
        ixt_whatif_init(&b->w);
    }
    /* candidates the move's growth added since */
    b->oid = ixt_xrealloc(b->oid, ((size_t)a->ncands + 1) * sizeof *b->oid);
    for (; b->noid < a->ncands; b->noid++)
        b->oid[b->noid] = h->oid[b->noid];
    for (int k = 0; h->wiped && k < a->ncands; k++)
        if (h->active[k])
            (void)batch_create(a, b, k, true);
    h->wiped = false;
}

static void batch_free(batch *b)
{
    for (int i = 0; i < b->nplans; i++)
        free(b->plans[i].key);
    free(b->plans);
    free(b->hypos);
    free(b->oid);
    free(b->recost);
    cache_clear(&b->queued);
    ixt_whatif_free(&b->w);
}

static int batch_create(ixt_advisor *a, batch *b, int k, bool restore)
{
    ixt_err e;
    int op = ixt_whatif_create(a->c, &b->w, a->cands[k].def, k, &e);
    if (op < 0) {
        ixt_hypo none = {0};
        return hypo_made(a, NULL, k, -1, &none, &e);
    }
    b->hypos = ixt_xrealloc(b->hypos, (size_t)(b->nhypos + 1) * sizeof *b->hypos);
    b->hypos[b->nhypos++] = (bhypo){op, k, restore};
    b->oid[k] = 0;
    return op;
}

static void batch_drop(ixt_advisor *a, batch *b, int k)
{
    (void)ixt_whatif_drop(a->c, &b->w, k, b->oid[k], NULL);
    b->oid[k] = 0;
}

/* The costs of n statements in the state the batch has reached. */
static void batch_plans(ixt_advisor *a, batch *b, const int *stmts, char **keys, int n, int made)
{
    b->plans = ixt_xrealloc(b->plans, (size_t)(b->nplans + n + 1) * sizeof *b->plans);
    for (int j = 0; j < n; j++) {
        int op = ixt_whatif_explain_again(&b->w, &a->stmts[stmts[j]].typed, true);
        if (op < 0) {
            free(keys[j]);
            continue;
        }
        cache_put(&b->queued, keys[j], 0, false);
        b->plans[b->nplans++] = (bplan){op, made, keys[j]};
    }
}

static bool batch_run(ixt_advisor *a, search *h, batch *b);
static void recost(ixt_advisor *a, search *h, int k);

/* What saving_of_set(k, rs, nr) will need. */
static void queue_set(ixt_advisor *a, search *h, batch *b, int k, const int *rs, int nr)
{
    int *stmts = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *stmts);
    char **keys = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *keys);
    int n = unknown_costs(a, h, k, rs, nr, &b->queued, stmts, keys);
    int made = -1;
    if (n > 0 || (k >= 0 && a->cands[k].size_bytes < 0)) {
        if (k >= 0)
            made = batch_create(a, b, k, false);
        if (made >= 0 || k < 0) {
            for (int q = 0; q < nr; q++)
                batch_drop(a, b, rs[q]);
            batch_plans(a, b, stmts, keys, n, made);
            n = 0;
            if (k >= 0)
                batch_drop(a, b, k);
            for (int q = 0; q < nr; q++)
                (void)batch_create(a, b, rs[q], true);
        }
    }
    for (int j = 0; j < n; j++)
        free(keys[j]);
    free(keys);
    free(stmts);
}

/* What saving_of(k, r) will need. */
static void queue_probe(ixt_advisor *a, search *h, batch *b, int k, int r)
{
    queue_set(a, h, b, k, &r, r >= 0);
}

static bool batch_failed(const ixt_whatif *w, int op)
{
    return op >= 0 && w->ops[op].prep.script.failed;
}

/* The results of a batch that ran, where saving_of and recost look. */
static void batch_take(ixt_advisor *a, search *h, batch *b)
{
    ixt_err e;
    for (int i = 0; i < b->nhypos; i++) {
        const bhypo *x = &b->hypos[i];
        ixt_hypo made;
        int rc = ixt_whatif_hypo(&b->w, x->op, &made, &e);
        if (hypo_made(a, h, x->k, rc, &made, &e) == 0 && !x->restore)
            h->oid[x->k] = 0;   /* dropped again in the batch */
        else if (rc != 0 && x->restore)
            h->active[x->k] = false;
    }
    for (int i = 0; i < b->nplans; i++) {
        const bplan *p = &b->plans[i];
        if (batch_failed(&b->w, p->made))
            continue;
        char *json = ixt_whatif_plan(&b->w, p->op, &e);
        ixt_plan *plan = json ? ixt_plan_parse(json, &e) : NULL;
        cache_put(a->cache, p->key, plan ? ixt_plan_cost_if_rows_late(plan) : -1, true);
        ixt_plan_free(plan);
        free(json);
    }
}

/* One round trip; then the costs of a chosen move's statements.
 * Whether it ran. */
static bool batch_run(ixt_advisor *a, search *h, batch *b)
{
    ixt_err e;
    bool ran = b->w.n > 0 && ixt_whatif_run(a->c, &b->w, &e) == 0;
    if (ran)
        batch_take(a, h, b);
    for (int i = 0; i < b->nrecost; i++)
        recost(a, h, b->recost[i]);
    return ran;
}

/* Sends a chosen move's work on its own: something needs the server
 * before the next batch. */
static void flush(ixt_advisor *a, search *h)
{
    if (!h->pend && !h->wiped)
        return;
    batch b;
    batch_init(a, h, &b);
    batch_run(a, h, &b);
    batch_free(&b);
}

/* Runs the batch, unless it holds nothing but a chosen move's creates
 * and drops (no request since the pending ones, which are its first
 * pending, and no plan): the costs the move needs are all cached, so it
 * stays pending for the next batch that asks the server something, and
 * the move's statements are recosted now.  Whether it ran. */
static bool run_or_keep(ixt_advisor *a, search *h, batch *b, int pending)
{
    if (b->w.n == 0 || b->w.n > pending || b->nplans > 0)
        return batch_run(a, h, b);
    int *recost_of = b->recost, n = b->nrecost;
    b->recost = NULL;
    b->nrecost = 0;
    h->pend = ixt_xmalloc(sizeof *h->pend);
    *h->pend = *b;
    memset(b, 0, sizeof *b);
    ixt_whatif_init(&b->w);
    for (int i = 0; i < n; i++)
        recost(a, h, recost_of[i]);
    free(recost_of);
    return false;
}

/* At the end of the search, what is pending: when it has no plan (the
 * costs it needs are all cached), its statements are recosted and its
 * creates and drops are not sent, since the final plans reset the
 * backend's hypothetical indexes first. */
static void settle(ixt_advisor *a, search *h)
{
    if (!h->pend || h->pend->nplans > 0) {
        flush(a, h);
        return;
    }
    batch *b = h->pend;
    h->pend = NULL;
    for (int i = 0; i < b->nrecost; i++)
        recost(a, h, b->recost[i]);
    batch_free(b);
    free(b);
}

/* given: only the statements given, not the lookups they fire */
static double weighted(const ixt_advisor *a, bool given)
{
    double t = 0;
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok && (!given || a->stmts[i].fired_by < 0))
            t += a->stmts[i].weight * a->stmts[i].cost;
    return t;
}

static double total_weighted(const ixt_advisor *a)
{
    return weighted(a, false);
}

/* Value per second: read cost saved net of the weighted write cost.  A
 * file of statements has no rate, so its savings and the writes per
 * second have no common unit: the write cost is shown, not subtracted. */
static double value(const ixt_advisor *a, double saving, double write_cost)
{
    return saving / a->span_s - (a->timed ? a->write_weight * write_cost : 0);
}

/* Value below which a pick is not worth having. */
static double value_floor(const ixt_advisor *a)
{
    return a->min_share * a->floor_base / a->span_s;
}

static void recost(ixt_advisor *a, search *h, int k)
{
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok && rel(a, h, k, i)) {
            double c = whatif_cost(a, h, i);
            if (c >= 0)
                a->stmts[i].cost = c;
        }
}

static bool queue_change(ixt_advisor *a, search *h, int add, int remove);

/* Pipelined, pick p's drop and the costs of its statements without it
 * go with the next batch. */
static void drop_pick(ixt_advisor *a, search *h, int p)
{
    int k = a->picks[p];
    if (queue_change(a, h, -1, k))
        h->active[k] = false;
    else
        set_active(a, h, k, false);
    a->cands[k].chosen = false;
    memmove(&a->picks[p], &a->picks[p + 1], (size_t)(a->npicks - p - 1) * sizeof *a->picks);
    a->npicks--;
    if (a->sequential)
        recost(a, h, k);
}

/* The pick k would replace: one it extends (its keys are a prefix of k's),
 * a near duplicate (same keys, fewer INCLUDE columns) or one with the same
 * keys in another order (*reordered set).  -2 when k is itself a prefix or
 * near duplicate of a pick: never added. */
static int replaced_by(const ixt_advisor *a, int k, bool *reordered)
{
    *reordered = false;
    for (int p = 0; p < a->npicks; p++) {
        const ixt_cand *pk = &a->set.v[a->picks[p]], *ck = &a->set.v[k];
        if (ixt_cand_covers(pk, ck) || ixt_cand_near_dup(pk, ck))
            return -2;
        *reordered = ixt_cand_reordered(ck, pk);
        if (ixt_cand_covers(ck, pk) || ixt_cand_near_dup(ck, pk) || *reordered)
            return a->picks[p];
    }
    return -1;
}

static double real_size(const ixt_adv_cand *c)
{
    return c->size_real >= 0 ? c->size_real : 0;
}

/* The pick candidate k would replace when it is tried in a step (-1
 * none), -2 when it is not tried. */
static int probe_of(const ixt_advisor *a, const search *h, int k, bool *reordered)
{
    *reordered = false;
    if (h->active[k] || h->served[k] || a->cands[k].untestable)
        return -2;
    return replaced_by(a, k, reordered);
}

/* Candidates tried again per round trip once the untried ones are done,
 * on a link quicker than trying them. */
#define LAZY_BATCH 8

/* How many candidates the server tries within one round trip of the
 * link, when that is more than LAZY_BATCH; else 0: near the server. */
static int spare_tries(const ixt_advisor *a, const search *h)
{
    double each = h->ntries > 0 ? h->try_ms / h->ntries : 0;
    double more = each > 0 && ixt_conn_pipelined(a->c) ? ixt_conn_latency_ms(a->c) / each : 0;
    if (more < LAZY_BATCH)
        return 0;
    return more < a->ncands ? (int)more : a->ncands;
}

/* How many to try again in a step's round trip: LAZY_BATCH, and as many
 * more as the server tries within one round trip of the link.  Far from
 * the server a round trip costs more than trying dozens of candidates:
 * a step then settles in its first round trip, and, every bound fresh,
 * makes more moves in it (apart_move). */
static int lazy_batch(const ixt_advisor *a, const search *h)
{
    return LAZY_BATCH + spare_tries(a, h);
}

/* A candidate worth nothing when last tried that the greedy tries again
 * when it stops (second_look): a move has changed one of its statements
 * since, and it fits in what is left of the budget. */
static bool worth_a_second_look(const ixt_advisor *a, const search *h, int k, double used_bytes)
{
    bool reordered, changed = false;
    double budget = a->budget_mb * 1024 * 1024;
    if (h->looked || h->bound[k] > -INFINITY || h->gain[k] > value_floor(a) || probe_of(a, h, k, &reordered) == -2 ||
        (budget > 0 && used_bytes + real_size(&a->cands[k]) > budget))
        return false;
    for (int i = 0; i < a->nstmts && !changed; i++)
        changed = rel(a, h, k, i) && h->moved_at[i] > h->tried_at[k];
    return changed;
}

/* What try_move will need for candidate k. */
static void queue_move(ixt_advisor *a, search *h, batch *b, int k)
{
    bool reordered;
    queue_probe(a, h, b, k, probe_of(a, h, k, &reordered));
    if (reordered) /* try_move then weighs keeping both */
        queue_probe(a, h, b, k, -1);
}

/* Far from the server, a step's round trip also asks what the search
 * will ask next should the step make no move: the second look's costs,
 * then each pick's value given the others (the clean-up's), up to spare
 * candidates.  Cached by the indexes in place, they then serve without a
 * round trip, and should the step make a move, those of the statements
 * it leaves alone still serve.  Returns how many were queued. */
static int queue_ahead(ixt_advisor *a, search *h, batch *b, double used_bytes, int spare)
{
    int n = 0;
    for (int k = 0; k < a->ncands && n < spare; k++)
        if (worth_a_second_look(a, h, k, used_bytes)) {
            queue_move(a, h, b, k);
            n++;
        }
    for (int p = 0; p < a->npicks && n < spare; p++, n++)
        queue_probe(a, h, b, -1, a->picks[p]);
    return n;
}

/* What try_move will need for the n candidates of ks, and what
 * queue_ahead adds: one round trip. */
static void prefetch_moves(ixt_advisor *a, search *h, const int *ks, int n, double used_bytes)
{
    if (a->sequential)
        return;
    batch b;
    batch_init(a, h, &b);
    int pending = b.w.n;
    for (int j = 0; j < n; j++)
        queue_move(a, h, &b, ks[j]);
    int spare = spare_tries(a, h);
    int ahead = spare > 0 ? queue_ahead(a, h, &b, used_bytes, spare) : 0;
    double t0 = ixt_now_ms();
    if (run_or_keep(a, h, &b, pending)) {
        double ms = ixt_now_ms() - t0 - ixt_conn_latency_ms(a->c);
        h->try_ms += ms > 0 ? ms : 0;
        h->ntries += n + ahead;
    }
    batch_free(&b);
}

/* The final plans' requests in a pipeline, and where their results are. */
typedef struct final_q {
    int *made, *op;            /* each pick's create, each statement's explain */
    bool clear;                /* the search's indexes go first */
    int cleared, reset, queued, last;
    bool *want;                /* the costs with each pick alone wanted, NULL none */
    int *aop, *amade;
} final_q;

static void final_queue(ixt_advisor *a, ixt_whatif *w, final_q *f, bool clear, bool alone);
static bool final_take(ixt_advisor *a, const ixt_whatif *w, final_q *f, bool ran, ixt_plan **plans,
                       char (*names)[128], double *alone);
static void alloc_final(ixt_advisor *a);

/* The final plans that went ahead with a batch (ran: it did), into
 * a->final; the backend's hypothetical indexes were reset after them. */
static void final_ahead(ixt_advisor *a, search *h, const ixt_whatif *w, final_q *f, bool ran)
{
    free_final(a);
    alloc_final(a);
    if (!final_take(a, w, f, ran, a->final, a->final_names, a->final_alone))
        free_final(a);
    for (int k = 0; k < a->ncands; k++)
        h->oid[k] = 0;
    h->wiped = true;
}

/* What saving_of(-1, p) will need for each pick p, in order.  final: the
 * clean-up's, which ends the search when it drops nothing.  Far from the
 * server, when these need a round trip, the final plans go in it too
 * (final_ahead), and the run may need no other. */
static void prefetch_picks(ixt_advisor *a, search *h, bool final)
{
    if (a->sequential)
        return;
    batch b;
    batch_init(a, h, &b);
    int pending = b.w.n;
    for (int p = 0; p < a->npicks; p++)
        queue_probe(a, h, &b, -1, a->picks[p]);
    bool ahead = final && b.w.n > 0 && spare_tries(a, h) > 0;
    final_q f = {0};
    if (ahead)
        final_queue(a, &b.w, &f, true, true);
    bool ran = ahead ? batch_run(a, h, &b) : run_or_keep(a, h, &b, pending);
    if (ahead)
        final_ahead(a, h, &b.w, &f, ran);
    batch_free(&b);
}

/* Value per MB of adding k (replacing the pick it takes over), into
 * *out; -INFINITY when it is worth nothing or does not fit. */
static double try_move(ixt_advisor *a, search *h, int k, double used_bytes, double floor, move *out)
{
    bool reordered;
    int r = probe_of(a, h, k, &reordered);
    double saving = saving_of(a, h, k, r);
    if (reordered) {
        /* both orders stay only when the pick still earns its place
         * beside k: each serves statements the other cannot */
        double beside = saving_of(a, h, k, -1);
        if (value(a, beside - saving, a->cands[r].write_cost) > floor) {
            r = -1;
            saving = beside;
        }
    }
    if (saving <= 0)
        return -INFINITY;
    double v = value(a, saving, a->cands[k].write_cost - (r >= 0 ? a->cands[r].write_cost : 0));
    double size = real_size(&a->cands[k]) - (r >= 0 ? real_size(&a->cands[r]) : 0);
    h->gain[k] = r < 0 ? v : -INFINITY;
    if (v <= floor)
        return -INFINITY;
    if (a->budget_mb > 0 && used_bytes + size > a->budget_mb * 1024 * 1024) {
        if (a->left_out_bytes == 0 || size < a->left_out_bytes)
            a->left_out_bytes = size;
        return -INFINITY;
    }
    *out = (move){k, r, v / (size > 8192 ? size / (1024.0 * 1024.0) : 0.0078125), size};
    return out->ratio;
}

/* Whether no statement can matter to both candidates: removing one
 * leaves what the other saves as it was. */
static bool apart(const ixt_advisor *a, const search *h, int k, int q)
{
    for (int i = 0; i < a->nstmts; i++)
        if (rel(a, h, k, i) && rel(a, h, q, i))
            return false;
    return true;
}

/* The next candidates a step must try: every one never tried (or whose
 * replaced pick changed), and up to lazy more, best bound first, while
 * their bound could beat best.  Returns how many. */
static int next_tries(ixt_advisor *a, search *h, const bool *tried, double best, int lazy, int *ks)
{
    int n = 0;
    for (int k = 0; k < a->ncands; k++) {
        bool reordered;
        if (tried[k] || probe_of(a, h, k, &reordered) == -2)
            continue;
        if (h->bound_r[k] != probe_of(a, h, k, &reordered))
            h->bound[k] = INFINITY;
        if (isinf(h->bound[k]) && h->bound[k] > 0)
            ks[n++] = k;
    }
    for (; lazy > 0; lazy--) {
        int top = -1;
        for (int k = 0; k < a->ncands; k++) {
            bool reordered, picked = false;
            for (int j = 0; j < n && !picked; j++)
                picked = ks[j] == k;
            if (!tried[k] && !picked && h->bound[k] > best && probe_of(a, h, k, &reordered) != -2 &&
                (top < 0 || h->bound[k] > h->bound[top]))
                top = k;
        }
        if (top < 0)
            break;
        ks[n++] = top;
    }
    return n;
}

/* The best move, with tried[k] set for the candidates tried (fresh in
 * h->bound and h->mv; tried has ncands entries). */
static move best_move(ixt_advisor *a, search *h, double used_bytes, bool *tried)
{
    move best = {-1, -1, -INFINITY, 0};
    double floor = value_floor(a);
    int *ks = ixt_xcalloc((size_t)a->ncands + 1, sizeof *ks);
    for (int n; (n = next_tries(a, h, tried, best.ratio, lazy_batch(a, h), ks)) > 0;) {
        prefetch_moves(a, h, ks, n, used_bytes);
        for (int j = 0; j < n; j++) {
            int k = ks[j];
            bool reordered;
            move m;
            tried[k] = true;
            h->tried_at[k] = h->nmoves;
            h->bound_r[k] = probe_of(a, h, k, &reordered);
            h->bound[k] = try_move(a, h, k, used_bytes, floor, &m);
            if (isfinite(h->bound[k]))
                h->mv[k] = m;
            if (h->bound[k] > best.ratio || (h->bound[k] == best.ratio && best.add >= 0 && k < best.add))
                best = m;
        }
    }
    free(ks);
    return best;
}

/* A move the greedy's next step would make too, known without asking the
 * server, after this step's moves (moved: the candidates they turned on
 * or off): a candidate tried in this step that shares no statement with
 * them (what it saves is what it was then), when every candidate that
 * shares a statement with it has a lower bound.  The bounds stay upper
 * bounds (a pick only lowers what the rest can save), so the greedy
 * takes it before any of those; the others may come first, but change
 * nothing it serves: only the order of the picks changes, not the set.
 * Under a budget the order decides what still fits (taken early, such a
 * move cost a tight budget a quarter of its value), so there it must
 * beat every other candidate's bound, and fit beside the picks (used
 * bytes): it is then the next step's move itself.  add -1 when there is
 * none. */
static move apart_move(ixt_advisor *a, search *h, const bool *tried, int ntried, const int *moved, int nmoved,
                       double used_bytes)
{
    move best = {-1, -1, -INFINITY, 0};
    double budget = a->budget_mb * 1024 * 1024;
    for (int k = 0; k < ntried; k++) {
        bool reordered, near = false, beaten = false;
        int r = probe_of(a, h, k, &reordered);
        if (!tried[k] || !isfinite(h->bound[k]) || r == -2 || h->mv[k].add != k || h->mv[k].remove != r ||
            (best.add >= 0 && h->bound[k] <= h->bound[best.add]) ||
            (budget > 0 && used_bytes + h->mv[k].size > budget))
            continue;
        for (int j = 0; j < nmoved && !near; j++)
            near = !apart(a, h, k, moved[j]);
        for (int j = 0; j < a->ncands && !near && !beaten; j++) {
            int rj = j == k ? -2 : probe_of(a, h, j, &reordered);
            /* a bound taken with another pick to replace says nothing */
            double bj = rj != -2 && h->bound_r[j] != rj ? INFINITY : h->bound[j];
            beaten = rj != -2 && (bj > h->bound[k] || (bj == h->bound[k] && j < k)) &&
                     (budget > 0 || !apart(a, h, j, k));
        }
        if (!near && !beaten)
            best = h->mv[k];
    }
    return best;
}

/* Extend: the chosen index, one column longer, by each column the
 * workload uses on its table. */
static void grow(ixt_advisor *a, search *h, int k)
{
    const ixt_sql_info **infos = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *infos);
    for (int i = 0; i < a->nstmts; i++)
        infos[i] = a->stmts[i].ok && rel(a, h, k, i) ? a->stmts[i].info : NULL;
    const char **cols;
    int n = ixt_cands_useful_cols(infos, a->nstmts, a->set.v[k].table, &a->facts, &cols);
    for (int c = 0; c < n && a->set.v[k].nkeys < 4; c++)
        (void)ixt_cands_extend(&a->set, k, cols[c], &a->facts);
    free(cols);
    free(infos);
    sync_cands(a, h);
}

/* What turning add on and remove off (either may be -1) does to the
 * backend's indexes, and the costs recost will then need, queued for the
 * next batch; the caller changes the flags.  False when sequential. */
static bool queue_change(ixt_advisor *a, search *h, int add, int remove)
{
    if (a->sequential)
        return false;
    batch *b = ixt_xcalloc(1, sizeof *b);
    batch_init(a, h, b);
    if (remove >= 0) {
        batch_drop(a, b, remove);
        h->oid[remove] = 0;
    }
    int made = add >= 0 ? batch_create(a, b, add, true) : -1;
    if (add < 0 || made >= 0) {
        int *stmts = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *stmts);
        char **keys = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *keys);
        batch_plans(a, b, stmts, keys, unknown_costs(a, h, add, &remove, remove >= 0, &b->queued, stmts, keys), made);
        free(keys);
        free(stmts);
    }
    b->recost = ixt_xrealloc(b->recost, (size_t)(b->nrecost + 2) * sizeof *b->recost);
    if (add >= 0)
        b->recost[b->nrecost++] = add;
    if (remove >= 0)
        b->recost[b->nrecost++] = remove;
    h->pend = b;
    return true;
}

/* Pipelined, the backend's indexes change, and the costs are taken, with
 * the next batch; the flags change now. */
static void apply_move(ixt_advisor *a, search *h, move m)
{
    bool queued = queue_change(a, h, m.add, m.remove);
    h->nmoves++;
    for (int i = 0; i < a->nstmts; i++)
        if (rel(a, h, m.add, i) || (m.remove >= 0 && rel(a, h, m.remove, i)))
            h->moved_at[i] = h->nmoves;
    if (m.remove >= 0) {
        if (queued)
            h->active[m.remove] = false;
        else
            set_active(a, h, m.remove, false);
        a->cands[m.remove].chosen = false;
        for (int p = 0; p < a->npicks; p++)
            if (a->picks[p] == m.remove)
                a->picks[p] = m.add;
    } else {
        a->picks = ixt_xrealloc(a->picks, (size_t)(a->npicks + 1) * sizeof *a->picks);
        a->picks[a->npicks++] = m.add;
    }
    if (queued)
        h->active[m.add] = !a->cands[m.add].untestable;
    else
        set_active(a, h, m.add, true);
    a->cands[m.add].chosen = true;
    if (!queued) {
        recost(a, h, m.add);
        if (m.remove >= 0)
            recost(a, h, m.remove);
    }
    grow(a, h, m.add);
}

static bool stopped(const ixt_advisor *a)
{
    return a->stop && a->stop(a->stop_ctx);
}

/* Indexes work together: one worth nothing alone may help once others
 * are in (a narrow copy of a table that the join order the picks brought
 * now scans: part (p_name, p_partkey) beside lineitem's indexes for
 * TPC-H Q9).  A bound says nothing of that, so when the greedy stops,
 * the candidates worth nothing when last tried are tried again, in one
 * round trip, if a move has since changed one of their statements and
 * they fit in what is left of the budget.  Returns whether there is any.
 * Once: after the moves it finds, the greedy stops at its next stall.  A
 * second look after those re-tried every candidate of the statements they
 * changed (185 candidates, 1.3-1.8 s of the analytic workload's 10) and
 * changed no advice on the workloads measured (4 workloads, 5 budgets, as
 * owner and as the application's role). */
static bool second_look(ixt_advisor *a, search *h, double used_bytes)
{
    bool any = false;
    for (int k = 0; k < a->ncands; k++)
        if (worth_a_second_look(a, h, k, used_bytes)) {
            h->bound[k] = INFINITY;
            any = true;
        }
    h->looked = any;
    return any;
}

/* Each pick's value given all the others (a pick another one took over
 * is worth 0), its benefit noted.  npicks entries; caller frees */
static double *pick_values(ixt_advisor *a, search *h, bool final)
{
    double *v = ixt_xcalloc((size_t)a->npicks + 1, sizeof *v);
    prefetch_picks(a, h, final);
    for (int p = 0; p < a->npicks; p++) {
        int k = a->picks[p];
        double saving = -saving_of(a, h, -1, k);
        v[p] = value(a, saving, a->cands[k].write_cost);
        a->cands[k].benefit = saving / a->span_s;
    }
    return v;
}

/* Clean-up: the pick worth least given all the others goes while it is
 * worth less than the floor.  In the same round go the others below the
 * floor that no statement shares with a pick worth less than them: what
 * they are worth does not depend on those going first, so one at a time
 * would drop them too (one round trip, not one per pick). */
static void clean_up(ixt_advisor *a, search *h)
{
    double floor = value_floor(a);
    for (;;) {
        double *v = pick_values(a, h, true);
        int *gone = ixt_xcalloc((size_t)a->npicks + 1, sizeof *gone), ngone = 0;
        for (int p = 0; p < a->npicks; p++) {
            /* a weaker one below the floor (ties: the earlier pick) */
            bool alone = v[p] <= floor;
            for (int q = 0; q < a->npicks && alone; q++)
                alone = !(v[q] <= floor && (v[q] < v[p] || (v[q] == v[p] && q < p))) ||
                        apart(a, h, a->picks[q], a->picks[p]);
            if (alone)
                gone[ngone++] = a->picks[p];
        }
        free(v);
        for (int j = 0; j < ngone && ixt_conn_ok(a->c); j++)
            for (int p = 0; p < a->npicks; p++)
                if (a->picks[p] == gone[j]) {
                    drop_pick(a, h, p);
                    break;
                }
        free(gone);
        if (ngone == 0 || !ixt_conn_ok(a->c))
            return;
        /* the final plans that went ahead are not the advice's now */
        free_final(a);
    }
}

/* Swaps tried per round trip, and rounds at most. */
#define SWAP_TRIES 24
#define SWAP_ROUNDS 8

typedef struct swap {
    int k, r;                  /* candidate in, pick out */
    double est;                /* k's value when last tried, less r's now */
} swap;

static int by_est(const void *x, const void *y)
{
    double a = ((const swap *)x)->est, b = ((const swap *)y)->est;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* When the budget is what stopped the greedy, its first picks (the best
 * per MB) can crowd out an index worth more in all: one pick goes and a
 * candidate that fits in its place comes, when the set is then worth
 * more.  The likeliest swaps (the candidate's value when last tried, less
 * the pick's) are tried together, one round trip a round. */
static void swap_picks(ixt_advisor *a, search *h, double *used)
{
    double budget = a->budget_mb * 1024 * 1024, floor = value_floor(a);
    for (int round = 0; a->budget_mb > 0 && round < SWAP_ROUNDS && !stopped(a) && ixt_conn_ok(a->c); round++) {
        double *vp = pick_values(a, h, false);
        swap *v = NULL;
        int n = 0;
        for (int k = 0; k < a->ncands; k++) {
            bool reordered;
            if (h->gain[k] <= floor || probe_of(a, h, k, &reordered) != -1)
                continue;
            for (int p = 0; p < a->npicks; p++) {
                int r = a->picks[p];
                if (*used - real_size(&a->cands[r]) + real_size(&a->cands[k]) > budget)
                    continue;
                v = ixt_xrealloc(v, (size_t)(n + 1) * sizeof *v);
                v[n++] = (swap){k, r, h->gain[k] - vp[p]};
            }
        }
        free(vp);
        if (n == 0)
            return;
        qsort(v, (size_t)n, sizeof *v, by_est);
        n = n < SWAP_TRIES ? n : SWAP_TRIES;
        if (!a->sequential) {
            batch b;
            batch_init(a, h, &b);
            for (int j = 0; j < n; j++)
                queue_probe(a, h, &b, v[j].k, v[j].r);
            batch_run(a, h, &b);
            batch_free(&b);
        }
        move best = {-1, -1, floor, 0};
        for (int j = 0; j < n; j++) {
            const ixt_adv_cand *ck = &a->cands[v[j].k], *cr = &a->cands[v[j].r];
            double gain = value(a, saving_of(a, h, v[j].k, v[j].r), ck->write_cost - cr->write_cost);
            if (gain > best.ratio)
                best = (move){v[j].k, v[j].r, gain, real_size(ck) - real_size(cr)};
        }
        free(v);
        if (best.add < 0)
            return;
        *used += best.size;
        apply_move(a, h, best);
    }
}

/* Swaps of several picks tried in a round (rounds as for single swaps). */
#define SWAP_SETS 4

typedef struct swap_set {
    int k;                     /* candidate in */
    int r[SWAP_OUT];           /* picks out */
    int n;
    double est;                /* k's value when last tried, less the picks' now */
} swap_set;

static int by_set_est(const void *x, const void *y)
{
    double a = ((const swap_set *)x)->est, b = ((const swap_set *)y)->est;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* The two or three picks (of vp's values) worth least together whose
 * sizes make room for k, worth gain; false when none do. */
static bool cheapest_room(const ixt_advisor *a, const double *vp, double need, int k, double gain, swap_set *out)
{
    bool found = false;
    for (int i = 0; i < a->npicks; i++)
        for (int j = i + 1; j < a->npicks; j++)
            for (int l = j; l < a->npicks; l++) {
                int n = l > j ? 3 : 2; /* l == j: the pair alone */
                swap_set o = {k, {a->picks[i], a->picks[j], a->picks[l]}, n, gain - vp[i] - vp[j] - (n == 3 ? vp[l] : 0)};
                double freed = 0;
                for (int q = 0; q < n; q++)
                    freed += real_size(&a->cands[o.r[q]]);
                if (freed >= need && (!found || o.est > out->est)) {
                    *out = o;
                    found = true;
                }
            }
    return found;
}

static int pick_index(const ixt_advisor *a, int k)
{
    for (int p = 0; p < a->npicks; p++)
        if (a->picks[p] == k)
            return p;
    return -1;
}

/* Makes the swap when the set is then worth more than the floor above
 * what it was. */
static bool try_swap_set(ixt_advisor *a, search *h, const swap_set *o, double *used, double floor)
{
    double writes = a->cands[o->k].write_cost, size = real_size(&a->cands[o->k]);
    for (int q = 0; q < o->n; q++) {
        writes -= a->cands[o->r[q]].write_cost;
        size -= real_size(&a->cands[o->r[q]]);
    }
    double saving = saving_of_set(a, h, o->k, o->r, o->n);
    if (value(a, saving, writes) <= floor)
        return false;
    for (int q = 0; q < o->n; q++)
        drop_pick(a, h, pick_index(a, o->r[q]));
    apply_move(a, h, (move){o->k, -1, 0, 0});
    *used += size;
    return true;
}

/* A candidate that needs the room of several picks (a wide index on the
 * biggest table at a tight budget) is worth more than they are together:
 * they go, it comes.  The likeliest such swaps (the candidate's value
 * when last tried, less the picks' given the others) are tried together,
 * one round trip a round, in that order; a round ends at the first that
 * raises the set's value. */
static void swap_sets(ixt_advisor *a, search *h, double *used)
{
    double budget = a->budget_mb * 1024 * 1024, floor = value_floor(a);
    for (int round = 0; a->budget_mb > 0 && round < SWAP_ROUNDS && !stopped(a) && ixt_conn_ok(a->c); round++) {
        double *vp = pick_values(a, h, false);
        swap_set *v = NULL;
        int n = 0;
        for (int k = 0; k < a->ncands; k++) {
            bool reordered;
            double need = *used + real_size(&a->cands[k]) - budget;
            swap_set o;
            if (h->gain[k] <= floor || need <= 0 || probe_of(a, h, k, &reordered) != -1)
                continue;
            if (!cheapest_room(a, vp, need, k, h->gain[k], &o) || o.est <= floor)
                continue;
            v = ixt_xrealloc(v, (size_t)(n + 1) * sizeof *v);
            v[n++] = o;
        }
        free(vp);
        if (n == 0)
            return;
        qsort(v, (size_t)n, sizeof *v, by_set_est);
        n = n < SWAP_SETS ? n : SWAP_SETS;
        if (!a->sequential) {
            batch b;
            batch_init(a, h, &b);
            for (int j = 0; j < n; j++)
                queue_set(a, h, &b, v[j].k, v[j].r, v[j].n);
            batch_run(a, h, &b);
            batch_free(&b);
        }
        bool kept = false;
        for (int j = 0; j < n && !kept && ixt_conn_ok(a->c); j++)
            kept = try_swap_set(a, h, &v[j], used, floor);
        free(v);
        if (!kept)
            return;
    }
}

/* An existing plain index the pick makes redundant (its keys start the
 * pick's): "replace X by Y".  Never one that backs a constraint. */
static void note_replaced(ixt_advisor *a)
{
    for (int p = 0; p < a->npicks; p++) {
        ixt_adv_cand *c = &a->cands[a->picks[p]];
        const ixt_cand *s = &a->set.v[a->picks[p]];
        /* a BRIN serves no order and no uniqueness, a pattern operator
         * class no order: the btree stays */
        if (s->where || s->expr || s->gin || s->brin || s->opclass)
            continue;
        for (int i = 0; i < a->facts.nindexes && !c->replaces[0]; i++) {
            const ixt_index_fact *x = &a->facts.indexes[i];
            bool hit = x->plain && !x->constraint && strcmp(x->table, s->table) == 0 && x->nkeys <= s->nkeys;
            for (int j = 0; hit && j < x->nkeys; j++)
                hit = x->keys[j] && strcmp(x->keys[j], s->keys[j]) == 0;
            if (hit)
                snprintf(c->replaces, sizeof c->replaces, "%s", x->name);
        }
    }
}

/* Whether the plan's partitions were all pruned when the executor
 * started (a generic plan's unknown parameters): it shows no scan, so no
 * index, of that table. */
static bool all_pruned(const ixt_plan *p)
{
    for (size_t j = 0; j < p->nnodes; j++) {
        const ixt_plan_node *n = p->nodes[j];
        bool members = false;
        for (int c = 0; c < n->nchildren && !members; c++)
            members = !n->children[c]->parent_rel || strcmp(n->children[c]->parent_rel, "Member") == 0;
        if (ixt_plan_node_cond(n, "Partitions") && !members)
            return true;
    }
    return false;
}

/* Rows a call of a write changes as planned: what its ModifyTable reads. */
static double changed_rows(const ixt_plan *p)
{
    const ixt_plan_node *r = p->root;
    return r && r->node_type && strcmp(r->node_type, "ModifyTable") == 0 && r->nchildren > 0
               ? r->children[0]->plan_rows : 0;
}

/* The plan of a statement without new indexes, from its script's run. */
static void planned(ixt_adv_stmt *s, ixt_explain_prep *prep)
{
    ixt_err e = prep->script.err;
    ixt_plan *p = prep->script.failed ? NULL : ixt_explain_plan(prep, &e);
    s->base_cost = p ? p->total_cost : -1;
    s->pruned = p && all_pruned(p);
    s->changed_rows = p ? changed_rows(p) : 0;
    if (!p) {
        snprintf(s->error, sizeof s->error, "%.*s", (int)sizeof s->error - 1, e.msg);
        ixt_explain_prep_free(prep);
        return;
    }
    ixt_plan_free(p);
    /* kept without its script: the what-ifs plan its text again */
    ixt_script_free(&prep->script);
    ixt_script_init(&prep->script);
    s->typed = *prep;
    s->planned = s->typed.sql;
    /* parse the planned text: its placeholders carry their types */
    s->info = ixt_sql_analyze(s->planned, NULL);
    s->ok = s->info != NULL;
    s->cost = s->base_cost;
}

/* The scripts, in one round trip (one request at a time when sequential). */
static void run_scripts(ixt_advisor *a, ixt_script **scripts, int n)
{
    ixt_err e;
    if (a->sequential)
        for (int j = 0; j < n; j++)
            (void)ixt_script_run(scripts[j], a->c, NULL);
    else /* a batch that cannot run fails every script in it */
        (void)ixt_script_run_batch(scripts, n, a->c, &e);
}

/* Every statement from `from` on planned without new indexes, in one
 * round trip with the npre scripts of pre before and the npost of post
 * after (one request at a time when sequential); a statement with
 * placeholders first asks their types. */
static void plan_all(ixt_advisor *a, ixt_adv_progress progress, void *ctx, ixt_script **pre, int npre,
                     ixt_script **post, int npost, int from)
{
    ixt_explain_prep *preps = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *preps);
    ixt_script **scripts = ixt_xcalloc((size_t)(npre + a->nstmts + npost) + 1, sizeof *scripts);
    int *of = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *of);
    int n = 0, ns = 0;
    for (int j = 0; j < npre; j++)
        scripts[ns++] = pre[j];
    for (int i = from; i < a->nstmts && !stopped(a); i++) {
        ixt_adv_stmt *s = &a->stmts[i];
        if (progress)
            progress(ctx, i, a->nstmts, "planning the statements");
        ixt_err e;
        ixt_sql_info *in = ixt_sql_analyze(s->sql, &e);
        if (!ixt_sql_info_has_plan(in)) {
            snprintf(s->error, sizeof s->error, "%s", in ? "not a statement with a plan" : "does not parse");
            ixt_sql_info_free(in);
            continue;
        }
        ixt_sql_info_free(in);
        /* placeholder types are probed only when planning fails for them */
        ixt_explain_req req = {.sql = s->sql};
        if (ixt_explain_prepare_text(&req, &preps[n], &e) != 0) {
            snprintf(s->error, sizeof s->error, "%.*s", (int)sizeof s->error - 1, e.msg);
            continue;
        }
        scripts[ns++] = &preps[n].script;
        of[n++] = i;
    }
    for (int j = 0; j < npost && !stopped(a); j++)
        scripts[ns++] = post[j];
    run_scripts(a, scripts, ns);
    /* a cast per round for the statements whose placeholders needed one */
    for (int round = 0; round < 16 && ns > 0; round++) {
        ns = 0;
        for (int j = 0; j < n && !stopped(a); j++) {
            ixt_err e;
            int rc = ixt_explain_retype(a->c, &preps[j], &e);
            if (rc > 0)
                scripts[ns++] = &preps[j].script;
            else if (rc < 0) /* planned() reports why */
                preps[j].script.err = e;
        }
        run_scripts(a, scripts, ns);
    }
    for (int j = 0; j < n; j++)
        planned(&a->stmts[of[j]], &preps[j]);
    free(of);
    free(scripts);
    free(preps);
}

/* HypoPG is installed but the role may not call it (REVOKE ... FROM
 * PUBLIC): says which functions and what to grant. */
static const char RIGHTS_SQL[] = IXT_SQL_TAG
    "SELECT current_user, string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.proname)"
    " FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid"
    "  AND d.deptype = 'e' JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'hypopg'"
    " WHERE p.proname IN ('hypopg_create_index', 'hypopg_drop_index', 'hypopg_reset', 'hypopg_relation_size')"
    "  AND NOT has_function_privilege(p.oid, 'EXECUTE')";

static int rights_of(const PGresult *r, ixt_err *e)
{
    if (PQgetisnull(r, 0, 1))
        return 0;
    return ixt_err_set(e, "advise needs EXECUTE on hypopg functions, which role %s lacks: %s; "
                          "GRANT EXECUTE ON FUNCTION ... TO %s, or advise as a role that has it",
                       PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0));
}

/* The connection went away under the run: one error for the whole run. */
static int lost(const ixt_advisor *a, ixt_err *e)
{
    if (ixt_conn_ok(a->c))
        return 0;
    return ixt_err_set(e, "connection to the server was lost: the advice is incomplete");
}


static void note_unanalyzed(ixt_advisor *a, const char *table)
{
    const ixt_table_fact *t = ixt_cand_table(&a->facts, table);
    for (int i = 0; i < a->nunanalyzed; i++)
        if (strcmp(a->unanalyzed[i], table) == 0)
            return;
    if (t && t->never_analyzed) {
        a->unanalyzed = ixt_xrealloc(a->unanalyzed, (size_t)(a->nunanalyzed + 1) * sizeof *a->unanalyzed);
        a->unanalyzed[a->nunanalyzed++] = ixt_xstrdup(table);
    }
}

/* The result of a script of one step that must have run, or NULL with e
 * filled. */
static PGresult *took(const ixt_script *s, ixt_err *e)
{
    PGresult *r = ixt_script_result(s, 0);
    if (!r)
        *e = s->failed ? s->err : (ixt_err){.msg = "not run"};
    return r;
}

/* The work before the search, in one round trip with the statements'
 * plans: HypoPG's rights and a backend without hypothetical indexes
 * before the plans, the catalog facts after them (the write counters in
 * a round trip of their own when `writes_from` is another server). */
static int plan_and_load(ixt_advisor *a, ixt_adv_progress progress, void *ctx, double *span, ixt_err *e)
{
    ixt_conn *writes = a->writes_from ? a->writes_from : a->c;
    ixt_script pre[2], post[IXT_FACTS_SCRIPTS];
    ixt_script *pp[2], *qq[IXT_FACTS_SCRIPTS];
    char *reset = ixt_hypo_reset_sql(a->c);
    for (int i = 0; i < 2; i++) {
        ixt_script_init(&pre[i]);
        pp[i] = &pre[i];
    }
    ixt_script_add(&pre[0], RIGHTS_SQL, IXT_STEP_KEEP);
    ixt_script_add(&pre[1], reset, IXT_STEP_KEEP);
    free(reset);
    ixt_cand_facts_scripts(a->c, writes == a->c, post);
    for (int i = 0; i < IXT_FACTS_SCRIPTS; i++)
        qq[i] = &post[i];
    plan_all(a, progress, ctx, pp, 2, qq, IXT_FACTS_SCRIPTS, 0);
    PGresult *r;
    int rc = 0;
    /* a lacking right also tells why the reset failed */
    if (!(r = took(&pre[0], e)) || rights_of(r, e) != 0 || !took(&pre[1], e))
        rc = -1;
    if (rc == 0 && stopped(a))
        rc = ixt_err_set(e, "cancelled");
    if (rc == 0 && (lost(a, e) != 0 || ixt_cand_facts_take(a->c, writes, post, &a->facts, span, e) != 0))
        rc = -1;
    for (int i = 0; i < 2; i++)
        ixt_script_free(&pre[i]);
    for (int i = 0; i < IXT_FACTS_SCRIPTS; i++)
        ixt_script_free(&post[i]);
    return rc;
}

/* Whether statement s deletes rows of fk's referenced table or changes
 * their key: the server then looks each one up in fk's table. */
static bool fires(const ixt_adv_stmt *s, const ixt_fk_fact *fk)
{
    const ixt_sql_info *in = s->info;
    if (!s->ok || s->fired_by >= 0 || in->target < 0 ||
        !ixt_cand_same_table(fk->parent, in->tables[in->target].name))
        return false;
    bool hit = in->kind == IXT_SQL_DELETE;
    for (int c = 0; c < in->nset_cols && !hit && in->kind == IXT_SQL_UPDATE; c++) {
        size_t n = strlen(in->set_cols[c]);
        for (const char *p = fk->parent_cols; *p && !hit; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
            hit = strncmp(p, in->set_cols[c], n) == 0 && (p[n] == ',' || p[n] == 0);
    }
    return hit;
}

/* Whether a row-level security policy filters the table for the role. */
static bool filtered(const ixt_advisor *a, const char *table)
{
    for (int p = 0; p < a->facts.npolicies; p++)
        if (ixt_cand_same_table(table, a->facts.policies[p].table))
            return true;
    return false;
}

/* Whether sql names every column of the comma-separated list cols as
 * the server's lookups do, always quoted. */
static bool names_quoted(const char *sql, const char *cols)
{
    bool all = true;
    for (const char *p = cols; *p && all; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0)) {
        char *q = ixt_xasprintf("\"%.*s\"", (int)strcspn(p, ","), p);
        all = strstr(sql, q) != NULL;
        free(q);
    }
    return all;
}

/* Whether one of the first n statements is the server's own lookup of
 * fk's table and columns, as pg_stat_statements shows it when it tracks
 * nested statements (track = all): "... FROM ONLY "public"."cart_items" x
 * WHERE "cart_id" OPERATOR(pg_catalog.=) $1 ...".  It is weighed as it
 * is. */
static bool seen(const ixt_advisor *a, int n, const ixt_fk_fact *fk)
{
    for (int i = 0; i < n; i++) {
        const ixt_adv_stmt *s = &a->stmts[i];
        if (!s->ok || !strstr(s->sql, "OPERATOR(pg_catalog.=)") || !names_quoted(s->sql, fk->cols))
            continue;
        for (int t = 0; t < s->info->ntables; t++)
            if (ixt_cand_same_table(fk->table, s->info->tables[t].name) ||
                ixt_cand_same_table(s->info->tables[t].name, fk->table))
                return true;
    }
    return false;
}

/* The lookup, with a comment saying what runs it (the statement cut, and
 * kept from closing or opening a comment).  caller frees */
static char *check_text(const ixt_fk_fact *fk, const char *by)
{
    char *cut = ixt_one_line(by, 60);
    for (char *p = cut; *p; p++)
        if (*p == '/' && (p[1] == '*' || (p > cut && p[-1] == '*')))
            *p = ' ';
    char *sql = ixt_xasprintf("%s /* foreign key %s: looked up for each row of %s */", fk->check, fk->name, cut);
    free(cut);
    return sql;
}

/* The foreign-key lookups the workload's writes make the server run (no
 * plan shows them: a DELETE of 300 carts scans cart_items 300 times when
 * no index of it leads with cart_id): a statement each, weighted by the
 * rows that fire it, planned in one round trip.  Not when the workload
 * has the server's own (seen), nor of a table a policy
 * filters for the role: the server's lookup runs past the policies, and
 * the role's plan of it would not. */
static void fk_checks(ixt_advisor *a)
{
    int n0 = a->nstmts;
    for (int f = 0; f < a->facts.nfks; f++) {
        const ixt_fk_fact *fk = &a->facts.fks[f];
        if (filtered(a, fk->table) || seen(a, n0, fk))
            continue;
        for (int i = 0; i < n0; i++) {
            const ixt_adv_stmt *s = &a->stmts[i];
            double rows = s->rows >= 0 ? s->rows : s->weight * s->changed_rows;
            if (!fires(s, fk) || rows <= 0)
                continue;
            char *sql = check_text(fk, s->sql);
            ixt_advisor_add(a, sql, rows, -1, 0);
            a->stmts[a->nstmts - 1].fired_by = i;
            free(sql);
        }
    }
    if (a->nstmts > n0)
        plan_all(a, NULL, NULL, NULL, 0, NULL, 0, n0);
}

int ixt_advisor_lookups(const ixt_advisor *a)
{
    int n = 0;
    for (int i = 0; i < a->nstmts; i++)
        n += a->stmts[i].fired_by >= 0;
    return n;
}

/* Statistics the role cannot read in pg_stats, for the workload's tables:
 * without them sizes go uncorrected and few-valued columns look unknown. */
static int hidden_stats(ixt_advisor *a, ixt_err *e)
{
    int n = 0;
    for (int i = 0; i < a->nstmts; i++)
        n += a->stmts[i].ok ? a->stmts[i].info->ntables : 0;
    const char **tables = ixt_xcalloc((size_t)n + 1, sizeof *tables);
    n = 0;
    for (int i = 0; i < a->nstmts; i++)
        for (int t = 0; a->stmts[i].ok && t < a->stmts[i].info->ntables; t++)
            tables[n++] = a->stmts[i].info->tables[t].name;
    int rc = ixt_cand_facts_hidden_stats(a->c, &a->facts, tables, n, e);
    free(tables);
    return rc;
}

static bool final_batch(ixt_advisor *a, ixt_plan **plans, char (*names)[128], bool clear, double *alone);

static void alloc_final(ixt_advisor *a)
{
    a->final = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *a->final);
    a->final_names = ixt_xcalloc((size_t)a->npicks + 1, sizeof *a->final_names);
    a->final_alone = ixt_xcalloc((size_t)a->npicks * (size_t)a->nstmts + 1, sizeof *a->final_alone);
}

/* The end of a run: the final plans made in the round trip that clears
 * the search's hypothetical indexes, for ixt_advisor_final_plans. */
static void keep_final(ixt_advisor *a)
{
    free_final(a);
    if (a->sequential || stopped(a) || !ixt_conn_ok(a->c)) {
        (void)ixt_hypo_reset(a->c, NULL);
        return;
    }
    alloc_final(a);
    if (!final_batch(a, a->final, a->final_names, true, a->final_alone))
        free_final(a);
}

int ixt_advisor_run(ixt_advisor *a, ixt_adv_progress progress, void *ctx, ixt_err *e)
{
    if (!ixt_conn_info(a->c)->has_hypopg)
        return ixt_err_set(e, "%s", ixt_hypo_missing_hint(ixt_conn_info(a->c)));
    free_final(a);
    double span;
    if (plan_and_load(a, progress, ctx, &span, e) != 0)
        return -1;
    fk_checks(a);
    if (lost(a, e) != 0 || hidden_stats(a, e) != 0)
        return -1;
    /* weights are calls since pg_stat_statements' reset, or one run of a file */
    bool from_stats = false;
    for (int i = 0; i < a->nstmts; i++)
        from_stats |= a->stmts[i].queryid != 0;
    a->timed = from_stats && span > 0;
    a->span_s = a->timed ? span : 1;
    for (int i = 0; i < a->nstmts; i++)
        if (a->stmts[i].ok) {
            a->qualstats_uses += ixt_cands_for(&a->set, a->stmts[i].info, a->stmts[i].queryid, &a->facts);
            for (int t = 0; t < a->stmts[i].info->ntables; t++)
                note_unanalyzed(a, a->stmts[i].info->tables[t].name);
        }
    search h = {.moved_at = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *h.moved_at)};
    sync_cands(a, &h);
    a->weighted_before = total_weighted(a);
    a->floor_base = weighted(a, true);
    double used = 0;
    for (int step = 0; step < 256; step++) {
        if (progress)
            progress(ctx, step, a->ncands, "choosing indexes");
        if (stopped(a))
            break;
        int ntried = a->ncands;
        bool *tried = ixt_xcalloc((size_t)ntried + 1, sizeof *tried);
        move m = best_move(a, &h, used, tried);
        /* more moves in the same step when the next ones are known */
        int *moved = ixt_xcalloc((size_t)ntried * 2 + 2, sizeof *moved);
        int moves = 0, nmoved = 0;
        for (; lost(a, e) == 0 && m.add >= 0; m = apart_move(a, &h, tried, ntried, moved, nmoved, used), moves++) {
            moved[nmoved++] = m.add;
            if (m.remove >= 0)
                moved[nmoved++] = m.remove;
            used += m.size;
            apply_move(a, &h, m);
        }
        free(moved);
        free(tried);
        if (lost(a, e) != 0 || (moves == 0 && !second_look(a, &h, used)))
            break;
    }
    swap_picks(a, &h, &used);
    swap_sets(a, &h, &used);
    clean_up(a, &h);
    /* the final plans went ahead with the clean-up's last round trip, and
     * the reset with them: nothing is left to send */
    bool ended = a->final != NULL;
    if (!ended)
        settle(a, &h);
    note_replaced(a);
    a->size_bytes = a->size_real = a->write_cost = 0;
    for (int p = 0; p < a->npicks; p++) {
        const ixt_adv_cand *c = &a->cands[a->picks[p]];
        a->size_bytes += c->size_bytes;
        a->size_real += c->size_real;
        a->write_cost += c->write_cost;
    }
    a->weighted_after = total_weighted(a);
    if (!ended)
        keep_final(a);
    free(h.oid);
    free(h.active);
    free(h.served);
    free(h.rel);
    free(h.bound);
    free(h.bound_r);
    free(h.gain);
    free(h.mv);
    free(h.tried_at);
    free(h.moved_at);
    if (stopped(a))
        return ixt_err_set(e, "cancelled");
    return lost(a, e);
}

/* "rows in calls into table", of the biggest of some statements. */
static const char *biggest(const ixt_writes_seen *w, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s (%.0f rows in %.0f call%s into %s, %.0f %% of its rows)", w->n == 1 ? "" : "the biggest ",
             w->example, w->rows, w->calls, w->calls == 1 ? "" : "s", w->table, 100 * w->share);
    return buf;
}

bool ixt_advisor_bulk_note(const ixt_advisor *a, char *buf, size_t len)
{
    const ixt_bulk_fact *b = &a->facts.bulk;
    const ixt_writes_seen *l = &b->loads, *c = &b->counted;
    bool heavy = a->timed && a->write_weight > 0 && c->n > 0 && c->rows_per_s >= 0.5 * b->all_per_s;
    if (l->n == 0 && !heavy)
        return false;
    char one[256], span[32];
    int n = 0;
    if (l->n > 0)
        n = snprintf(buf, len, "Left out of the write rates, as loads and no steady traffic (%d rows a call or "
                     "more, half their table's rows or more): %d statement%s, %s.", IXT_LOAD_ROWS, l->n,
                     l->n == 1 ? "" : "s", biggest(l, one, sizeof one));
    if (heavy && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "%s%.0f %% of the rows written in the last %s (the window of "
                 "pg_stat_statements) come from %d bulk statement%s of %d rows a call or more, %s. Spread over the "
                 "window as a steady rate, they weigh against every index on %s. If that was a one-off load, SELECT "
                 "pg_stat_statements_reset() and a while of the application's own traffic give its write rates; "
                 "--write-weight 0 weighs reads alone.", n ? " " : "", 100 * c->rows_per_s / b->all_per_s,
                 ixt_fmt_ms(a->span_s * 1000, span, sizeof span), c->n, c->n == 1 ? "" : "s", IXT_BULK_ROWS,
                 biggest(c, one, sizeof one), c->n == 1 ? c->table : "the tables they wrote");
    return true;
}

void ixt_advisor_assess(ixt_advisor *a, const ixt_cand *s, double size_bytes, ixt_adv_cand *out)
{
    *out = (ixt_adv_cand){.def = s->def, .table = s->table, .size_bytes = size_bytes,
                          .size_real = corrected_size(a, s, size_bytes, 0)};
    write_cost_of(a, s, out);
}

const ixt_index_fact *ixt_advisor_replaced(const ixt_advisor *a, int pick)
{
    const ixt_adv_cand *c = &a->cands[a->picks[pick]];
    for (int i = 0; c->replaces[0] && i < a->facts.nindexes; i++)
        if (strcmp(a->facts.indexes[i].name, c->replaces) == 0 && strcmp(a->facts.indexes[i].table, c->table) == 0)
            return &a->facts.indexes[i];
    return NULL;
}

/* Statement i's cost with only pick p, one request at a time. */
static double cost_with(ixt_advisor *a, int stmt, int pick)
{
    ixt_hypo h;
    if (!a->stmts[stmt].ok || ixt_hypo_create(a->c, a->cands[a->picks[pick]].def, &h, NULL) != 0)
        return -1;
    double c = plan_cost(a->c, a->stmts[stmt].planned);
    (void)ixt_hypo_drop(a->c, h.oid, NULL);
    return c;
}

/* Queues into w statement i's plan with pick p alone for each
 * want[p * nstmts + i] (op: the explains' ops, -1 for the rest; made:
 * each pick's create, -1 when none), each pick dropped after.  Returns
 * the last drop, -1 when none or when one could not be queued: when w
 * then has more ops than before, the caller resets the backend. */
static int queue_alone(ixt_advisor *a, ixt_whatif *w, const bool *want, int *op, int *made)
{
    int last = -1;
    bool stuck = false;
    for (int p = 0; p < a->npicks; p++) {
        bool some = false;
        made[p] = -1;
        for (int i = 0; i < a->nstmts; i++) {
            size_t at = (size_t)p * (size_t)a->nstmts + (size_t)i;
            op[at] = -1;
            some |= want[at] && a->stmts[i].ok;
        }
        if (!some || stuck || (made[p] = ixt_whatif_create(a->c, w, a->cands[a->picks[p]].def, p, NULL)) < 0)
            continue;
        for (int i = 0; i < a->nstmts; i++) {
            size_t at = (size_t)p * (size_t)a->nstmts + (size_t)i;
            if (want[at] && a->stmts[i].ok)
                op[at] = ixt_whatif_explain_again(w, &a->stmts[i].typed, true);
        }
        /* the next pick is planned without this one */
        last = ixt_whatif_drop(a->c, w, p, 0, NULL);
        stuck = last < 0;
    }
    return last;
}

/* The costs queue_alone asked for, once w ran, into costs (-1 where
 * none). */
static void take_alone(ixt_advisor *a, const ixt_whatif *w, const int *op, const int *made, double *costs)
{
    for (size_t at = 0; at < (size_t)a->npicks * (size_t)a->nstmts; at++) {
        int p = (int)(at / (size_t)a->nstmts);
        char *json = op[at] >= 0 && !batch_failed(w, made[p]) ? ixt_whatif_plan(w, op[at], NULL) : NULL;
        ixt_plan *plan = json ? ixt_plan_parse(json, NULL) : NULL;
        costs[at] = plan ? ixt_plan_cost_if_rows_late(plan) : -1;
        ixt_plan_free(plan);
        free(json);
    }
}

/* Costs with one pick alone: costs[p * nstmts + i] for each statement
 * wanted (want, the same shape), -1 elsewhere and where it cannot be
 * planned.  Every pick's in one round trip unless sequential. */
static void costs_alone(ixt_advisor *a, const bool *want, double *costs)
{
    size_t n = (size_t)a->npicks * (size_t)a->nstmts;
    if (a->sequential) {
        for (size_t at = 0; at < n; at++)
            costs[at] = want[at] ? cost_with(a, (int)(at % (size_t)a->nstmts), (int)(at / (size_t)a->nstmts)) : -1;
        return;
    }
    int *op = ixt_xcalloc(n + 1, sizeof *op);
    int *made = ixt_xcalloc((size_t)a->npicks + 1, sizeof *made);
    ixt_whatif w;
    ixt_whatif_init(&w);
    int last = queue_alone(a, &w, want, op, made);
    if (w.n == 0 || ixt_whatif_run(a->c, &w, NULL) != 0)
        memset(op, 0xff, n * sizeof *op); /* all -1: nothing to take */
    take_alone(a, &w, op, made, costs);
    if (w.n > 0 && (last < 0 || batch_failed(&w, last)))
        (void)ixt_hypo_reset(a->c, NULL);
    ixt_whatif_free(&w);
    free(made);
    free(op);
}

void ixt_advisor_costs_with(ixt_advisor *a, int pick, double *costs)
{
    size_t n = (size_t)a->npicks * (size_t)a->nstmts;
    bool *want = ixt_xcalloc(n + 1, sizeof *want);
    double *all = ixt_xcalloc(n + 1, sizeof *all);
    for (int i = 0; i < a->nstmts; i++)
        want[(size_t)pick * (size_t)a->nstmts + (size_t)i] = true;
    costs_alone(a, want, all);
    memcpy(costs, all + (size_t)pick * (size_t)a->nstmts, (size_t)a->nstmts * sizeof *costs);
    free(all);
    free(want);
}

/* Where a pick alone may serve a statement whose final plan cannot show
 * it (pruned[i]: every partition pruned at executor start; NULL: as in
 * the plans without new indexes): want[p * nstmts + i].  caller frees */
static bool *alone_wanted(ixt_advisor *a, const bool *pruned)
{
    bool *want = ixt_xcalloc((size_t)a->npicks * (size_t)a->nstmts + 1, sizeof *want);
    for (int p = 0; p < a->npicks; p++)
        for (int i = 0; i < a->nstmts; i++)
            want[(size_t)p * (size_t)a->nstmts + (size_t)i] =
                (pruned ? pruned[i] : a->stmts[i].pruned) && relevant(a, i, a->picks[p]);
    return want;
}

/* Queues into w the final plans (clear: the backend's hypothetical
 * indexes go first), the reset after them and, when alone, the costs
 * with each pick alone of the statements whose plans prune at executor
 * start.  Not sequential. */
static void final_queue(ixt_advisor *a, ixt_whatif *w, final_q *f, bool clear, bool alone)
{
    f->made = ixt_xcalloc((size_t)a->npicks + 1, sizeof *f->made);
    f->op = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *f->op);
    f->clear = clear;
    f->cleared = clear ? ixt_whatif_reset(a->c, w, NULL) : -1;
    for (int p = 0; p < a->npicks; p++)
        f->made[p] = ixt_whatif_create(a->c, w, a->cands[a->picks[p]].def, p, NULL);
    for (int i = 0; i < a->nstmts; i++)
        f->op[i] = a->stmts[i].ok ? ixt_whatif_explain_again(w, &a->stmts[i].typed, false) : -1;
    /* the clean-up rides along */
    f->reset = ixt_whatif_reset(a->c, w, NULL);
    size_t n = (size_t)a->npicks * (size_t)a->nstmts;
    f->want = alone ? alone_wanted(a, NULL) : NULL;
    f->aop = ixt_xcalloc(n + 1, sizeof *f->aop);
    f->amade = ixt_xcalloc((size_t)a->npicks + 1, sizeof *f->amade);
    f->queued = w->n;
    f->last = f->want ? queue_alone(a, w, f->want, f->aop, f->amade) : -1;
}

/* The results of final_queue's requests once w ran (ran: it did), as
 * final_batch gives them; frees f.  The backend is reset when the reset
 * did not.  Whether the plans are the advice's. */
static bool final_take(ixt_advisor *a, const ixt_whatif *w, final_q *f, bool ran, ixt_plan **plans,
                       char (*names)[128], double *alone)
{
    /* planned beside the search's indexes, the plans would not be the advice's */
    ran = ran && (!f->clear || (f->cleared >= 0 && !batch_failed(w, f->cleared)));
    size_t n = (size_t)a->npicks * (size_t)a->nstmts;
    if (ran && w->n > f->queued)
        take_alone(a, w, f->aop, f->amade, alone);
    for (size_t at = 0; alone && at < n; at++)
        alone[at] = ran && w->n > f->queued && f->want[at] ? alone[at] : NAN;
    for (int p = 0; p < a->npicks; p++) {
        ixt_hypo x;
        names[p][0] = '\0';
        if (ran && f->made[p] >= 0 && ixt_whatif_hypo(w, f->made[p], &x, NULL) == 0)
            snprintf(names[p], sizeof names[p], "%s", x.name);
    }
    for (int i = 0; i < a->nstmts; i++) {
        char *json = ran && f->op[i] >= 0 ? ixt_whatif_plan(w, f->op[i], NULL) : NULL;
        plans[i] = json ? ixt_plan_parse(json, NULL) : NULL;
        free(json);
    }
    /* judged once the pipeline ran: each pick alone dropped after it */
    bool tidy = w->n == f->queued || (f->last >= 0 && !batch_failed(w, f->last));
    if (!ran || f->reset < 0 || batch_failed(w, f->reset) || !tidy)
        (void)ixt_hypo_reset(a->c, NULL);
    free(f->aop);
    free(f->amade);
    free(f->want);
    free(f->op);
    free(f->made);
    return ran;
}

/* The final plans, in one round trip unless sequential; clear: the
 * backend's hypothetical indexes go first (the run's, in the same round
 * trip); alone (NULL: not wanted): in the same round trip, the costs
 * with each pick alone of the statements whose plans prune at executor
 * start, as final_alone keeps them.  False when they could not be made
 * in one. */
static bool final_batch(ixt_advisor *a, ixt_plan **plans, char (*names)[128], bool clear, double *alone)
{
    if (a->sequential) {
        for (int p = 0; p < a->npicks; p++) {
            ixt_hypo x;
            names[p][0] = '\0';
            if (ixt_hypo_create(a->c, a->cands[a->picks[p]].def, &x, NULL) == 0)
                snprintf(names[p], sizeof names[p], "%s", x.name);
        }
        for (int i = 0; i < a->nstmts; i++)
            plans[i] = a->stmts[i].ok ? ixt_advisor_plan(a, i) : NULL;
        for (size_t at = 0; alone && at < (size_t)a->npicks * (size_t)a->nstmts; at++)
            alone[at] = NAN;
        (void)ixt_hypo_reset(a->c, NULL);
        return false;
    }
    ixt_whatif w;
    final_q f;
    ixt_whatif_init(&w);
    final_queue(a, &w, &f, clear, alone != NULL);
    bool ran = (!clear || f.cleared >= 0) && ixt_whatif_run(a->c, &w, NULL) == 0;
    ran = final_take(a, &w, &f, ran, plans, names, alone);
    ixt_whatif_free(&w);
    return ran;
}

void ixt_advisor_final_plans(ixt_advisor *a, ixt_plan **plans, char (*names)[128])
{
    if (!a->final) {
        (void)final_batch(a, plans, names, false, NULL);
        return;
    }
    memcpy(plans, a->final, (size_t)a->nstmts * sizeof *plans);
    memcpy(names, a->final_names, (size_t)a->npicks * sizeof *names);
    memset(a->final, 0, (size_t)a->nstmts * sizeof *a->final); /* the caller's now */
    free_final(a);
}

/* Every candidate on the statement's tables alone, in one round trip:
 * create, plan, drop each in turn. */
static void rank_batch(ixt_advisor *a, int stmt, double *all)
{
    ixt_whatif w;
    ixt_whatif_init(&w);
    int *made = ixt_xcalloc((size_t)a->ncands + 1, sizeof *made);
    for (int k = 0; k < a->ncands; k++) {
        all[k] = -1;
        made[k] = touches(&a->stmts[stmt], a->cands[k].table)
                      ? ixt_whatif_create(a->c, &w, a->cands[k].def, k, NULL) : -1;
        if (made[k] < 0)
            continue;
        /* the plan follows its create */
        int plan = ixt_whatif_explain_again(&w, &a->stmts[stmt].typed, true);
        (void)ixt_whatif_drop(a->c, &w, k, 0, NULL);
        if (plan < 0)
            made[k] = -1;
    }
    if (ixt_whatif_run(a->c, &w, NULL) == 0)
        for (int k = 0; k < a->ncands; k++) {
            ixt_hypo h;
            if (made[k] < 0 || ixt_whatif_hypo(&w, made[k], &h, NULL) != 0)
                continue;
            a->cands[k].size_bytes = h.size_bytes;
            a->cands[k].partitions = h.partitions;
            char *json = ixt_whatif_plan(&w, made[k] + 1, NULL);
            ixt_plan *p = json ? ixt_plan_parse(json, NULL) : NULL;
            all[k] = p ? ixt_plan_cost_if_rows_late(p) : -1;
            ixt_plan_free(p);
            free(json);
        }
    free(made);
    ixt_whatif_free(&w);
}

int ixt_advisor_rank(ixt_advisor *a, int stmt, int *order, double *costs, int max)
{
    int n = 0;
    if (stmt < 0 || stmt >= a->nstmts || !a->stmts[stmt].ok)
        return 0;
    double *all = ixt_xcalloc((size_t)a->ncands + 1, sizeof *all);
    if (a->sequential) {
        for (int k = 0; k < a->ncands; k++) {
            all[k] = -1;
            ixt_hypo h;
            if (!touches(&a->stmts[stmt], a->cands[k].table) || ixt_hypo_create(a->c, a->cands[k].def, &h, NULL) != 0)
                continue;
            a->cands[k].size_bytes = h.size_bytes;
            a->cands[k].partitions = h.partitions;
            all[k] = plan_cost(a->c, a->stmts[stmt].planned);
            (void)ixt_hypo_drop(a->c, h.oid, NULL);
        }
    } else {
        rank_batch(a, stmt, all);
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


void ixt_advisor_helped(ixt_advisor *a, ixt_adv_helped *h)
{
    h->uses = ixt_xcalloc((size_t)(a->npicks * a->nstmts) + 1, sizeof *h->uses);
    h->final = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *h->final);
    char (*names)[128] = ixt_xcalloc((size_t)a->npicks + 1, sizeof *names);
    ixt_plan **plans = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *plans);
    bool *pruned = ixt_xcalloc((size_t)a->nstmts + 1, sizeof *pruned);
    double *kept = a->final_alone; /* final_plans frees it */
    a->final_alone = NULL;
    ixt_advisor_final_plans(a, plans, names);
    for (int i = 0; i < a->nstmts; i++) {
        if (!a->stmts[i].ok)
            continue;
        h->final[i] = plans[i] ? ixt_plan_cost_if_rows_late(plans[i]) : a->stmts[i].cost;
        pruned[i] = plans[i] && all_pruned(plans[i]);
        for (int p = 0; plans[i] && p < a->npicks; p++)
            h->uses[p * a->nstmts + i] = names[p][0] && ixt_plan_uses_index(plans[i], names[p]);
        ixt_plan_free(plans[i]);
    }
    /* there, a pick that lowers the statement's cost alone serves it: the
     * costs the run kept, and in one round trip those it could not tell */
    size_t n = (size_t)a->npicks * (size_t)a->nstmts;
    bool *want = alone_wanted(a, pruned);
    bool *missing = ixt_xcalloc(n + 1, sizeof *missing), any = false;
    double *alone = ixt_xcalloc(n + 1, sizeof *alone);
    for (size_t at = 0; at < n; at++) {
        missing[at] = want[at] && !(kept && !isnan(kept[at]));
        any |= missing[at];
    }
    if (any)
        costs_alone(a, missing, alone);
    for (size_t at = 0; at < n; at++) {
        double cost = missing[at] ? alone[at] : kept ? kept[at] : -1;
        if (want[at] && cost >= 0 && cost < a->stmts[at % (size_t)a->nstmts].base_cost * 0.99)
            h->uses[at] = true;
    }
    free(alone);
    free(missing);
    free(want);
    free(kept);
    free(pruned);
    free(plans);
    free(names);
}

void ixt_adv_helped_free(ixt_adv_helped *h)
{
    free(h->uses);
    free(h->final);
    memset(h, 0, sizeof *h);
}
