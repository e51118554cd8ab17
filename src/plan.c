/* plan: EXPLAIN JSON to a tree with derived metrics (see plan.h).  Every
 * walk over the tree is a loop over the preorder array or an explicit
 * stack: a plan of 10,000 siblings or 1,000 levels costs no C stack.
 * Nodes are written only here, through the array build() returns; the
 * plan hands them out read-only. */
#include "idxtune/plan.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's defaults, used when SETTINGS does not list a change. */
#define SEQ_PAGE_COST 1.0
#define CPU_TUPLE_COST 0.01
#define CPU_OPERATOR_COST 0.0025

/* ===== small helpers ===== */

/* Values from a hostile document can overflow to inf or NaN when
 * multiplied; every derived figure goes through this. */
static double fin(double d)
{
    return isfinite(d) ? d : 0;
}

static int clamp_int(double d, int lo, int hi)
{
    if (!(d >= lo))
        return lo;
    return d > hi ? hi : (int)d;
}

/* ===== memory: one arena per plan for nodes and their strings ===== */

/* A plan of 10,000 nodes would otherwise make ~120,000 small allocations;
 * the arena makes a few dozen and frees them at once. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

/* under glibc's mmap threshold, so chunks reuse what the JSON document
 * gives back while the tree is built */
#define CHUNK_BYTES (64 * 1024)

static void *arena_alloc(ixt_plan *p, size_t n)
{
    chunk *c = p->arena;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
        chunk *nc = ixt_xmalloc(sizeof *nc + cap);
        nc->used = 0;
        nc->cap = cap;
        /* a big one-off goes behind the current chunk, which keeps filling */
        if (c && cap > CHUNK_BYTES) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            p->arena = nc;
        }
        c = nc;
    }
    void *r = (char *)c->data + c->used;
    c->used += n;
    memset(r, 0, n);
    return r;
}

static char *arena_strndup(ixt_plan *p, const char *s, size_t n)
{
    char *r = arena_alloc(p, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static char *arena_take(ixt_plan *p, char *heap)
{
    if (!heap)
        return NULL;
    char *r = arena_strndup(p, heap, strlen(heap));
    free(heap);
    return r;
}

static void arena_free(ixt_plan *p)
{
    for (chunk *c = p->arena, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    p->arena = NULL;
}

/* ===== reading the JSON ===== */

static char *str_field(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? ixt_xstrdup(s) : NULL;
}

static double num_field(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? fin(json_number_value(v)) : dflt;
}

static char *scalar_text(json_t *v)
{
    if (json_is_string(v))
        return ixt_xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return ixt_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) {
        double d = json_real_value(v);
        return d == floor(d) && fabs(d) < 1e15 ? ixt_xasprintf("%.0f", d) : ixt_xasprintf("%g", d);
    }
    if (json_is_boolean(v))
        return ixt_xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

/* A condition as text: scalars as they are, arrays of scalars joined with
 * ", " ("Sort Key", "Output"); anything else is not a condition. */
static char *cond_text(json_t *v)
{
    if (!json_is_array(v))
        return scalar_text(v);
    ixt_buf b;
    ixt_buf_init(&b);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char *t = scalar_text(item);
        if (t)
            ixt_buf_printf(&b, "%s%s", b.len ? ", " : "", t);
        free(t);
    }
    if (!b.len) {
        ixt_buf_free(&b);
        return NULL;
    }
    return ixt_buf_take(&b);
}

/* VERBOSE lists per-worker figures: "#0 rows=.. loops=.. time=.. ms; #1 ...". */
static char *workers_text(json_t *v)
{
    if (!json_is_array(v))
        return NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    size_t i;
    json_t *w;
    json_array_foreach(v, i, w) {
        if (!json_is_object(w))
            continue;
        ixt_buf_printf(&b, "%s#%d", b.len ? "; " : "",
                       clamp_int(num_field(w, "Worker Number", (double)i), 0, 1 << 20));
        if (json_object_get(w, "Actual Rows"))
            ixt_buf_printf(&b, " rows=%.0f", num_field(w, "Actual Rows", 0));
        if (json_object_get(w, "Actual Loops"))
            ixt_buf_printf(&b, " loops=%.0f", num_field(w, "Actual Loops", 0));
        if (json_object_get(w, "Actual Total Time"))
            ixt_buf_printf(&b, " time=%.3f ms", num_field(w, "Actual Total Time", 0));
        if (json_object_get(w, "Shared Hit Blocks") || json_object_get(w, "Shared Read Blocks"))
            ixt_buf_printf(&b, " hit=%.0f read=%.0f", num_field(w, "Shared Hit Blocks", 0),
                           num_field(w, "Shared Read Blocks", 0));
    }
    if (!b.len) {
        ixt_buf_free(&b);
        return NULL;
    }
    return ixt_buf_take(&b);
}

/* The details shown under a node, in the order EXPLAIN prints them. */
static const char *const COND_KEYS[] = {
    "Sort Key", "Presorted Key", "Group Key", "Index Cond", "Recheck Cond", "Join Filter",
    "Hash Cond", "Merge Cond", "Filter", "One-Time Filter", "Rows Removed by Index Recheck",
    "Rows Removed by Join Filter", "Rows Removed by Filter", "Heap Fetches", "Exact Heap Blocks",
    "Lossy Heap Blocks", "Sort Method", "Sort Space Used", "Sort Space Type", "Hash Buckets",
    "Hash Batches", "Original Hash Batches", "Peak Memory Usage", "Disk Usage", "Cache Key",
    "Cache Hits", "Cache Misses", "Cache Evictions", "Workers Planned", "Workers Launched",
    "Output", "Partitions", "Workers",
};
enum { NCOND_KEYS = sizeof COND_KEYS / sizeof COND_KEYS[0], COND_WORKERS = NCOND_KEYS - 1,
       COND_PARTITIONS = NCOND_KEYS - 2 };

/* How a node's key is read: into a string or number field of the node,
 * as a condition (COND_KEYS index), or both.  Sorted by key: each key of
 * a node is looked up once, instead of every field being looked up in
 * every node. */
/* Keys read apart from the conditions. */
enum { COND_CTE_NAME = -2, COND_REMOVED = -3 };

typedef struct field {
    const char *key;
    enum { F_STR, F_NUM, F_BOOL, F_NONE } kind;
    size_t off;
    int cond;            /* -1 when not shown as a condition */
} field;

#define S(k, m) {k, F_STR, offsetof(ixt_plan_node, m), -1}
#define N(k, m, c) {k, F_NUM, offsetof(ixt_plan_node, m), c}
#define C(k, c) {k, F_NONE, 0, c}
static const field FIELDS[] = {
    N("Actual Loops", loops, -1),
    N("Actual Rows", actual_rows, -1),
    N("Actual Startup Time", actual_startup_ms, -1),
    N("Actual Total Time", actual_total_ms, -1),
    S("Alias", alias),
    C("CTE Name", COND_CTE_NAME),
    C("Cache Evictions", 27),
    C("Cache Hits", 25),
    C("Cache Key", 24),
    C("Cache Misses", 26),
    C("Disk Usage", 23),
    C("Exact Heap Blocks", 14),
    C("Filter", 8),
    S("Function Name", function_name),
    C("Group Key", 2),
    C("Hash Batches", 20),
    C("Hash Buckets", 19),
    C("Hash Cond", 6),
    N("Heap Fetches", heap_fetches, 13),
    N("I/O Read Time", io_read_ms, -1),
    N("I/O Write Time", io_write_ms, -1),
    C("Index Cond", 3),
    S("Index Name", index_name),
    C("Join Filter", 5),
    S("Join Type", join_type),
    N("Local Hit Blocks", local_hit, -1),
    N("Local Read Blocks", local_read, -1),
    C("Lossy Heap Blocks", 15),
    C("Merge Cond", 7),
    S("Node Type", node_type),
    C("One-Time Filter", 9),
    S("Operation", operation),
    C("Original Hash Batches", 21),
    C("Output", 30),
    {"Parallel Aware", F_BOOL, offsetof(ixt_plan_node, parallel_aware), -1},
    S("Parent Relationship", parent_rel),
    S("Partial Mode", partial_mode),
    C("Peak Memory Usage", 22),
    N("Plan Rows", plan_rows, -1),
    N("Plan Width", plan_width, -1),
    C("Presorted Key", 1),
    C("Recheck Cond", 4),
    S("Relation Name", relation),
    N("Rows Removed by Filter", rows_removed, 12),
    N("Rows Removed by Index Recheck", rows_removed_recheck, 10),
    N("Rows Removed by Join Filter", rows_removed_join, 11),
    S("Scan Direction", scan_direction),
    S("Schema", schema),
    N("Shared Dirtied Blocks", shared_dirtied, -1),
    N("Shared Hit Blocks", shared_hit, -1),
    N("Shared Read Blocks", shared_read, -1),
    N("Shared Written Blocks", shared_written, -1),
    C("Sort Key", 0),
    C("Sort Method", 16),
    C("Sort Space Type", 18),
    C("Sort Space Used", 17),
    N("Startup Cost", startup_cost, -1),
    S("Strategy", strategy),
    S("Subplan Name", subplan_name),
    C("Subplans Removed", COND_REMOVED),
    N("Temp Read Blocks", temp_read, -1),
    N("Temp Written Blocks", temp_written, -1),
    N("Total Cost", total_cost, -1),
    C("Workers", COND_WORKERS),
    C("Workers Launched", 29),
    C("Workers Planned", 28),
};
#undef S
#undef N
#undef C
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

static int cmp_field(const void *key, const void *f)
{
    return strcmp(key, ((const field *)f)->key);
}

/* An Append or Merge Append over partitions that can be pruned while the
 * statement runs: its members are the partitions left after planning (those
 * pruned while planning do not appear in a plan at all), less those pruned
 * when the executor started (parameters, now()).  Under ANALYZE, a member
 * never executed was skipped while the query ran (an InitPlan's value, a
 * join's parameter).  An InitPlan under the node is not a partition.
 * caller frees */
static char *partitions_text(double removed, ixt_plan_node *const *kids, size_t nkids, bool analyzed)
{
    long long scanned = 0, skipped = 0, pruned = (long long)fmax(0, fin(removed));
    for (size_t i = 0; i < nkids; i++) {
        if (kids[i]->parent_rel && strcmp(kids[i]->parent_rel, "Member") != 0)
            continue;
        if (analyzed && kids[i]->has_actual && kids[i]->loops == 0)
            skipped++;
        else
            scanned++;
    }
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, "%lld of %lld scanned", scanned, scanned + skipped + pruned);
    if (pruned > 0)
        ixt_buf_printf(&b, " (%lld pruned at executor start)", pruned);
    if (skipped > 0)
        ixt_buf_printf(&b, ", %lld never executed", skipped);
    return ixt_buf_take(&b);
}

/* What a node's keys give before the node is complete: its conditions
 * (arena strings, in COND_KEYS order) and the figures read at the end. */
typedef struct pending {
    char *conds[NCOND_KEYS];
    double wp, wl;
    bool has_removed;
    double removed;      /* "Subplans Removed" */
} pending;

/* One key of a node.  A key given twice keeps its last value, as a JSON
 * object would. */
static void node_field(ixt_plan *p, ixt_plan_node *n, pending *pd, const char *key, json_t *v)
{
    const field *f = bsearch(key, FIELDS, NFIELDS, sizeof *FIELDS, cmp_field);
    if (!f)
        return;
    char *base = (char *)n;
    if (f->kind == F_STR)
        *(char **)(base + f->off) = json_is_string(v) ? arena_strndup(p, json_string_value(v), json_string_length(v)) : NULL;
    else if (f->kind == F_NUM && json_is_number(v))
        *(double *)(base + f->off) = fin(json_number_value(v));
    else if (f->kind == F_BOOL)
        *(bool *)(base + f->off) = json_is_true(v);
    if (f->cond == COND_CTE_NAME)
        n->cte_name = json_is_string(v) ? arena_strndup(p, json_string_value(v), json_string_length(v)) : NULL;
    if (f->cond == COND_REMOVED) {
        pd->has_removed = json_is_number(v);
        pd->removed = json_number_value(v);
    }
    if (f->cond == 28 || f->cond == 29)
        *(f->cond == 28 ? &pd->wp : &pd->wl) = json_is_number(v) ? fin(json_number_value(v)) : 0;
    if (f->cond >= 0 && json_is_string(v))   /* most are: no copy on the heap first */
        pd->conds[f->cond] = arena_strndup(p, json_string_value(v), json_string_length(v));
    else if (f->cond >= 0)
        pd->conds[f->cond] = arena_take(p, f->cond == COND_WORKERS ? workers_text(v) : cond_text(v));
    if (f->cond == -1 && strcmp(key, "Actual Loops") == 0)
        n->has_actual = json_is_number(v);
}

/* The node once all its keys and children are read. */
static void node_finish(ixt_plan *p, ixt_plan_node *n, pending *pd, ixt_plan_node *const *kids, size_t nkids)
{
    if (!n->node_type)
        n->node_type = arena_strndup(p, "?", 1);
    n->children = arena_alloc(p, (nkids + 1) * sizeof *n->children);
    if (nkids)
        memcpy(n->children, kids, nkids * sizeof *kids);
    n->nchildren = (int)nkids;
    if (pd->has_removed)
        pd->conds[COND_PARTITIONS] = arena_take(p, partitions_text(pd->removed, kids, nkids, n->has_actual));
    n->workers_planned = clamp_int(pd->wp, 0, 1 << 20);
    n->workers_launched = clamp_int(pd->wl, 0, 1 << 20);
    n->loops = fmax(0, n->loops);
    n->never_executed = n->has_actual && n->loops == 0;
    /* reported per loop; kept over all loops */
    double loops = fmax(n->loops, 1);
    n->rows_removed = fin(n->rows_removed * loops);
    n->rows_removed_recheck = fin(n->rows_removed_recheck * loops);
    n->rows_removed_join = fin(n->rows_removed_join * loops);
    int nc = 0;
    for (int i = 0; i < NCOND_KEYS; i++)
        nc += pd->conds[i] != NULL;
    n->conds = arena_alloc(p, (size_t)(nc ? nc : 1) * sizeof *n->conds);
    for (int i = 0; i < NCOND_KEYS; i++) {
        if (!pd->conds[i])
            continue;
        n->conds[n->nconds].label = COND_KEYS[i];
        n->conds[n->nconds++].text = pd->conds[i];
    }
}

/* ===== walking the text =====
 *
 * jansson's document of a 10,000-node plan takes ~2 KB per node, several
 * times the tree built from it, and its parse is most of the time.  So the
 * text is walked object by object: our walk steps only over the punctuation
 * around the nodes ({ } [ ] , :) and the "Plan"/"Plans" keys, and finds
 * where a value ends; jansson decodes everything else, a node's own keys
 * (all but "Plans") at a time, and that small document is freed at once.
 * Nothing is held for the whole plan but the tree, and a node's pending
 * state while its subtree is read (depth, not size).  Every byte is still
 * checked by jansson or by the walk; when either refuses the text,
 * explain_failure() has jansson load it whole to say why. */

typedef struct walker {
    const char *at;      /* where the walk is */
    ixt_buf scratch;     /* "{" + a run of keys + "}" for jansson */
} walker;

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    return s;
}

/* s at a '"': past the closing quote, or NULL when the text ends first. */
static const char *skip_string(const char *s)
{
    for (s++;;) {
        s += strcspn(s, "\"\\");
        if (*s == '"')
            return s + 1;
        if (!*s || !s[1])
            return NULL;
        s += 2;              /* an escaped character */
    }
}

/* s at a value: past it, or NULL when the text ends first or no value
 * starts there.  Whether the value is valid is jansson's to say when it
 * decodes it. */
static const char *skip_value(const char *s)
{
    if (*s == '"')
        return skip_string(s);
    if (*s != '{' && *s != '[') {
        size_t n = strcspn(s, ",]} \t\r\n");
        return n && s[n] ? s + n : NULL;
    }
    for (int depth = 0;;) {
        s += strcspn(s, "\"{}[]");
        if (!*s)
            return NULL;
        if (*s == '"') {
            if (!(s = skip_string(s)))
                return NULL;
            continue;
        }
        depth += *s == '{' || *s == '[' ? 1 : -1;
        s++;
        if (depth == 0)
            return s;
    }
}

/* Whether the key text [k, end) (quotes included) is the string want. */
static bool key_is(const char *k, const char *end, const char *want)
{
    size_t n = (size_t)(end - k);
    if (!memchr(k, '\\', n))
        return n == strlen(want) + 2 && memcmp(k + 1, want, n - 2) == 0;
    json_t *s = json_loadb(k, n, JSON_DECODE_ANY, NULL);
    bool r = json_is_string(s) && strcmp(json_string_value(s), want) == 0;
    json_decref(s);
    return r;
}

/* The run of keys [from, to) ("k": v, "k": v) as an object.  NULL when
 * jansson refuses it.  The run is copied without the whitespace between
 * tokens: PostgreSQL indents its JSON by depth, and jansson takes its time
 * over every byte it reads.  caller decrefs */
static json_t *decode_keys(walker *w, const char *from, const char *to)
{
    ixt_buf_reset(&w->scratch);
    ixt_buf_addc(&w->scratch, '{');
    for (const char *s = from; s < to;) {
        const char *t = s;
        if (*s == '"') {
            t = skip_string(s);
        } else {
            t += strcspn(t, "\" \n\r\t");
            if (t > to)
                t = to;
        }
        ixt_buf_addn(&w->scratch, s, (size_t)(t - s));
        s = skip_ws(t);
    }
    ixt_buf_addc(&w->scratch, '}');
    return json_loadb(w->scratch.s, w->scratch.len, 0, NULL);
}

/* An object being read: the plan's top object (special key "Plan", an
 * object: the root node) or a node (special key "Plans", an array of
 * child nodes). */
typedef struct open_obj {
    ixt_plan_node *n;    /* NULL: the top object */
    pending pd;
    size_t kids_from;    /* its children: kids[kids_from..] */
    const char *run;     /* start of the keys not yet decoded, NULL when none */
    const char *run_end;
    bool in_kids;        /* inside the "Plans" array */
    bool first;          /* nothing read yet in the object or the array */
} open_obj;

typedef struct walk {
    walker w;
    open_obj *st;
    size_t top, cap;
    ixt_plan_node **kids;   /* the children of the open nodes, in order */
    size_t nkids, kcap;
    ixt_plan_node **nodes;  /* preorder */
    size_t ncap;
    json_t *top_keys;       /* the top object's keys but "Plan" */
} walk;

static void push_obj(walk *k, ixt_plan_node *n)
{
    if (k->top == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 64;
        k->st = ixt_xrealloc(k->st, k->cap * sizeof *k->st);
    }
    k->st[k->top++] = (open_obj){.n = n, .kids_from = k->nkids, .first = true};
}

/* A node starts (at its '{'): it gets its id in preorder. */
static void open_node(ixt_plan *p, walk *k, ixt_plan_node *parent)
{
    ixt_plan_node *n = arena_alloc(p, sizeof *n);
    n->parent = parent;
    if (parent) {
        n->depth = parent->depth + 1;
        n->child_index = (int)(k->nkids - k->st[k->top - 1].kids_from);
        if (k->nkids == k->kcap) {
            k->kcap = k->kcap ? k->kcap * 2 : 64;
            k->kids = ixt_xrealloc(k->kids, k->kcap * sizeof *k->kids);
        }
        k->kids[k->nkids++] = n;
    }
    if (p->nnodes == k->ncap) {
        k->ncap = k->ncap ? k->ncap * 2 : 64;
        k->nodes = ixt_xrealloc(k->nodes, k->ncap * sizeof *k->nodes);
    }
    n->id = (int)p->nnodes;
    k->nodes[p->nnodes++] = n;
    push_obj(k, n);
}

/* Decodes the run of keys the object has pending and applies it. */
static int flush_keys(ixt_plan *p, walk *k, open_obj *o)
{
    if (!o->run)
        return 0;
    json_t *obj = decode_keys(&k->w, o->run, o->run_end);
    o->run = NULL;
    if (!obj)
        return -1;
    const char *key;
    json_t *v;
    if (o->n) {
        json_object_foreach(obj, key, v)
            node_field(p, o->n, &o->pd, key, v);
        json_decref(obj);
    } else if (!k->top_keys) {
        k->top_keys = obj;
    } else {
        json_object_update(k->top_keys, obj);
        json_decref(obj);
    }
    return 0;
}

/* One step inside the innermost open object; -1 when the text is not
 * what EXPLAIN prints (or not JSON). */
/* s at the next member of o (an array element or a key): past the comma
 * that must separate it from the one before, NULL when there is none. */
static const char *next_member(open_obj *o, const char *s)
{
    if (!o->first) {
        if (*s != ',')
            return NULL;
        s = skip_ws(s + 1);
    }
    o->first = false;
    return s;
}

static int walk_step(ixt_plan *p, walk *k)
{
    open_obj *o = &k->st[k->top - 1];
    const char *s = skip_ws(k->w.at);
    if (o->in_kids) {
        if (*s == ']') {
            k->w.at = s + 1;
            o->in_kids = false;
            o->first = false;
            return 0;
        }
        if (!(s = next_member(o, s)))
            return -1;
        if (*s == '{') {
            k->w.at = s + 1;
            open_node(p, k, o->n);
            return 0;
        }
        /* not a node: checked, then left out */
        const char *end = skip_value(s);
        json_t *v = end ? json_loadb(s, (size_t)(end - s), JSON_DECODE_ANY, NULL) : NULL;
        json_decref(v);
        k->w.at = end;
        return v ? 0 : -1;
    }
    if (*s == '}') {
        if (flush_keys(p, k, o) != 0)
            return -1;
        k->w.at = s + 1;
        if (o->n) {
            size_t nk = k->nkids - o->kids_from;
            node_finish(p, o->n, &o->pd, nk ? k->kids + o->kids_from : NULL, nk);
            k->nkids = o->kids_from;
        }
        k->top--;
        if (k->top)
            k->st[k->top - 1].first = false;
        return 0;
    }
    if (!(s = next_member(o, s)))
        return -1;
    if (*s != '"')
        return -1;
    const char *key = s, *key_end = skip_string(s);
    if (!key_end || *(s = skip_ws(key_end)) != ':')
        return -1;
    s = skip_ws(s + 1);
    if (o->n && *s == '[' && key_is(key, key_end, "Plans")) {
        if (flush_keys(p, k, o) != 0)
            return -1;
        o->in_kids = true;
        o->first = true;
        k->w.at = s + 1;
        return 0;
    }
    if (!o->n && *s == '{' && p->nnodes == 0 && key_is(key, key_end, "Plan")) {
        k->w.at = s + 1;
        open_node(p, k, NULL);
        return 0;
    }
    const char *end = skip_value(s);
    if (!end)
        return -1;
    if (!o->run)
        o->run = key;
    o->run_end = end;
    k->w.at = end;
    return 0;
}

/* The text around the top object: "[ {top}, anything... ]" as PostgreSQL
 * prints it, or "{top}".  Elements after the first are checked, not read. */
static int walk_document(ixt_plan *p, walk *k, const char *json)
{
    const char *s = skip_ws(json);
    bool array = *s == '[';
    if (array)
        s = skip_ws(s + 1);
    if (*s != '{')
        return -1;
    k->w.at = s + 1;
    push_obj(k, NULL);
    while (k->top)
        if (walk_step(p, k) != 0)
            return -1;
    s = skip_ws(k->w.at);
    while (array && *s == ',') {
        s = skip_ws(s + 1);
        const char *end = skip_value(s);
        json_t *v = end ? json_loadb(s, (size_t)(end - s), JSON_DECODE_ANY, NULL) : NULL;
        if (!v)
            return -1;
        json_decref(v);
        s = skip_ws(end);
    }
    if (array && *s++ != ']')
        return -1;
    return *skip_ws(s) || !p->nnodes ? -1 : 0;
}

/* Builds the tree in preorder.  Returns the nodes in preorder, writable,
 * for derive(); NULL when the walk stops, p then holding no nodes. */
static ixt_plan_node **build(ixt_plan *p, const char *json, json_t **top_keys)
{
    walk k = {0};
    ixt_buf_init(&k.w.scratch);
    int rc = walk_document(p, &k, json);
    ixt_buf_free(&k.w.scratch);
    free(k.st);
    free(k.kids);
    *top_keys = k.top_keys;
    if (rc != 0) {
        json_decref(k.top_keys);
        *top_keys = NULL;
        free(k.nodes);
        arena_free(p);
        p->nnodes = 0;
        return NULL;
    }
    ixt_plan_node **nodes = k.nodes;
    nodes[0]->last_child = true;
    /* children have larger ids than their parent: one backward pass sums
     * the subtree sizes */
    for (size_t i = p->nnodes; i-- > 0;) {
        ixt_plan_node *n = nodes[i];
        n->subtree += 1;
        if (n->nchildren)
            nodes[n->children[n->nchildren - 1]->id]->last_child = true;
        if (n->parent)
            nodes[n->parent->id]->subtree += n->subtree;
    }
    return nodes;
}

static void read_settings(ixt_plan *p, json_t *top)
{
    json_t *s = json_object_get(top, "Settings");
    if (!json_is_object(s) || !json_object_size(s))
        return;
    p->settings = ixt_xcalloc(json_object_size(s), sizeof *p->settings);
    const char *key;
    json_t *v;
    json_object_foreach(s, key, v) {
        char *t = scalar_text(v);
        if (!t)
            continue;
        p->settings[p->nsettings].key = ixt_xstrdup(key);
        p->settings[p->nsettings++].value = t;
    }
}

static void read_triggers(ixt_plan *p, json_t *top)
{
    json_t *t = json_object_get(top, "Triggers");
    p->triggers_ms = -1;
    if (!json_is_array(t) || !json_array_size(t))
        return;
    p->triggers = ixt_xcalloc(json_array_size(t), sizeof *p->triggers);
    size_t i;
    json_t *o;
    json_array_foreach(t, i, o) {
        if (!json_is_object(o))
            continue;
        ixt_plan_trigger *tr = &p->triggers[p->ntriggers++];
        tr->name = str_field(o, "Trigger Name");
        if (!tr->name)
            tr->name = ixt_xstrdup("?");
        tr->constraint = str_field(o, "Constraint Name");
        tr->relation = str_field(o, "Relation");
        tr->time_ms = num_field(o, "Time", 0);
        tr->calls = num_field(o, "Calls", 0);
        p->triggers_ms = fin(fmax(p->triggers_ms, 0) + tr->time_ms);
    }
}

static void read_jit(ixt_plan *p, json_t *top)
{
    json_t *jit = json_object_get(top, "JIT");
    p->jit_ms = -1;
    if (!json_is_object(jit))
        return;
    p->jit_functions = clamp_int(num_field(jit, "Functions", 0), 0, 1 << 30);
    p->jit_ms = num_field(json_object_get(jit, "Timing"), "Total", -1);
}

/* ===== derived metrics ===== */

static bool is_gather(const ixt_plan_node *n)
{
    return strncmp(n->node_type, "Gather", 6) == 0;
}

static bool is_init_or_sub(const ixt_plan_node *n)
{
    return ixt_streq(n->parent_rel, "InitPlan") || ixt_streq(n->parent_rel, "SubPlan");
}

static bool is_cte(const ixt_plan_node *n)
{
    return ixt_streq(n->parent_rel, "InitPlan") && n->subplan_name && strncmp(n->subplan_name, "CTE ", 4) == 0;
}

/* How many times the planner expects n to run per run of its parent: the
 * inner side of a Nested Loop once per outer row, a SubPlan once per row of
 * the node it serves. */
static double calls_per_parent(const ixt_plan_node *n)
{
    const ixt_plan_node *par = n->parent;
    if (!par)
        return 1;
    if (ixt_streq(n->parent_rel, "SubPlan"))
        return fmax(1, par->plan_rows);
    if (ixt_streq(par->node_type, "Nested Loop") && n->child_index > 0 && !is_init_or_sub(n) &&
        par->nchildren > 0 && !is_init_or_sub(par->children[0]))
        return fmax(1, par->children[0]->plan_rows);
    return 1;
}

/* Processes that ran a node: under a Gather, its launched workers (planned
 * ones without ANALYZE) and the leader unless parallel_leader_participation
 * is off.  Not carried into InitPlans and SubPlans (PEV2 does the same). */
static int processes(const ixt_plan_node *n, bool leader)
{
    const ixt_plan_node *par = n->parent;
    if (!par || is_init_or_sub(n))
        return 1;
    if (is_gather(par)) {
        int w = par->has_actual ? par->workers_launched : par->workers_planned;
        return w + (leader || w == 0 ? 1 : 0);
    }
    return par->processes;
}

static void derive_node(ixt_plan_node *n)
{
    double child_ms = 0, child_cost = 0, child_hit = 0, child_read = 0;
    for (int i = 0; i < n->nchildren; i++) {
        const ixt_plan_node *c = n->children[i];
        /* an InitPlan's time is charged to the node using its result */
        if (!ixt_streq(c->parent_rel, "InitPlan"))
            child_ms += c->inclusive_ms;
        child_cost += c->total_cost * calls_per_parent(c);
        child_hit += c->shared_hit;
        child_read += c->shared_read;
    }
    n->exclusive_ms = fin(fmax(0, n->inclusive_ms - child_ms));
    n->exclusive_cost = fin(fmax(0, n->total_cost - child_cost) * n->est_loops);
    n->excl_shared_hit = fin(fmax(0, n->shared_hit - child_hit));
    n->excl_shared_read = fin(fmax(0, n->shared_read - child_read));
    n->misestimate = 1;
    if (n->has_actual && !n->never_executed) {
        double a = fmax(fin(n->actual_rows * n->loops), 1), p = fmax(fin(n->plan_rows * n->loops), 1);
        n->misestimate = fin(a > p ? a / p : p / a);
        if (n->misestimate < 1)
            n->misestimate = 1;
        n->mis_under = a > p;
    }
}

/* ----- InitPlans: whose time is it? ----- */

typedef struct ref_key {
    int kind;            /* 0: "$N" parameter, 1: "InitPlan N" (PostgreSQL 16+) */
    long num;
    ixt_plan_node *ip;
} ref_key;

static int cmp_ref(const void *a, const void *b)
{
    const ref_key *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* Reads the number after s; -1 when there are no digits (or too many). */
static long read_num(const char *s, const char **end)
{
    long v = 0;
    int d = 0;
    while (*s >= '0' && *s <= '9' && d < 9) {
        v = v * 10 + (*s++ - '0');
        d++;
    }
    *end = s;
    return d == 0 || (*s >= '0' && *s <= '9') ? -1 : v;
}

static void add_key(ref_key **keys, size_t *n, size_t *cap, int kind, long num, ixt_plan_node *ip)
{
    if (num < 0)
        return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *keys = ixt_xrealloc(*keys, *cap * sizeof **keys);
    }
    (*keys)[(*n)++] = (ref_key){kind, num, ip};
}

/* For every "$N" and "InitPlan N" in a condition of user: remembers user
 * as the deepest node that could have run that InitPlan. */
static void scan_refs(const char *text, const ref_key *keys, size_t nkeys, ixt_plan_node *user,
                      ixt_plan_node **best)
{
    for (const char *s = text; *s;) {
        ref_key k = {-1, -1, NULL};
        const char *end = s + 1;
        if (*s == '$') {
            k.kind = 0;
            k.num = read_num(s + 1, &end);
        } else if (*s == 'I' && strncmp(s, "InitPlan ", 9) == 0) {
            k.kind = 1;
            k.num = read_num(s + 9, &end);
        }
        if (end <= s)
            end = s + 1;
        s = end;
        if (k.num < 0)
            continue;
        const ref_key *hit = bsearch(&k, keys, nkeys, sizeof *keys, cmp_ref);
        if (!hit)
            continue;
        /* bsearch finds one of equal keys: widen to all */
        const ref_key *lo = hit, *hi = hit;
        while (lo > keys && cmp_ref(lo - 1, &k) == 0)
            lo--;
        while (hi + 1 < keys + nkeys && cmp_ref(hi + 1, &k) == 0)
            hi++;
        for (const ref_key *r = lo; r <= hi; r++) {
            ixt_plan_node *ip = r->ip;
            if (user->id >= ip->id && user->id < ip->id + ip->subtree)
                continue;            /* inside the InitPlan itself */
            if (user->inclusive_ms + 0.01 < ip->inclusive_ms)
                continue;            /* too short to have run it */
            ixt_plan_node *b = best[ip->id];
            if (!b || user->depth > b->depth)
                best[ip->id] = user;
        }
    }
}

/* An InitPlan runs when a node first needs its result, so its time sits in
 * that node's time: take it from the deepest node that refers to the
 * InitPlan's parameters and lasted long enough, else from its parent. */
static void fix_initplans(ixt_plan *p, ixt_plan_node **nodes)
{
    ref_key *keys = NULL;
    size_t nkeys = 0, cap = 0;
    for (size_t i = 0; i < p->nnodes; i++) {
        ixt_plan_node *ip = nodes[i];
        if (!ixt_streq(ip->parent_rel, "InitPlan") || is_cte(ip) || !ip->subplan_name || !ip->parent)
            continue;
        const char *s = strstr(ip->subplan_name, "InitPlan "), *end;
        if (s)
            add_key(&keys, &nkeys, &cap, 1, read_num(s + 9, &end), ip);
        const char *ret = strstr(ip->subplan_name, "(returns ");
        for (s = ret ? strchr(ret, '$') : NULL; s; s = strchr(s + 1, '$'))
            add_key(&keys, &nkeys, &cap, 0, read_num(s + 1, &end), ip);
    }
    bool any = false;
    for (size_t i = 0; i < p->nnodes; i++)
        any |= ixt_streq(nodes[i]->parent_rel, "InitPlan") && !is_cte(nodes[i]) && nodes[i]->parent;
    if (!any) {
        free(keys);
        return;
    }
    ixt_plan_node **best = ixt_xcalloc(p->nnodes, sizeof *best);
    if (nkeys) {
        qsort(keys, nkeys, sizeof *keys, cmp_ref);
        for (size_t i = 0; i < p->nnodes; i++) {
            ixt_plan_node *n = nodes[i];
            for (int c = 0; c < n->nconds; c++)
                scan_refs(n->conds[c].text, keys, nkeys, n, best);
        }
    }
    for (size_t i = 0; i < p->nnodes; i++) {
        ixt_plan_node *ip = nodes[i];
        if (!ixt_streq(ip->parent_rel, "InitPlan") || is_cte(ip) || !ip->parent)
            continue;
        ixt_plan_node *t = best[ip->id] ? best[ip->id] : nodes[ip->parent->id];
        t->exclusive_ms = fmax(0, t->exclusive_ms - ip->inclusive_ms);
    }
    free(best);
    free(keys);
}

/* ----- CTEs: their time shows again in the CTE Scans reading them ----- */

typedef struct cte_ref {
    const char *name;
    const ixt_plan_node *cte;
    double scans_ms;
} cte_ref;

static int cmp_cte(const void *a, const void *b)
{
    return strcmp(((const cte_ref *)a)->name, ((const cte_ref *)b)->name);
}

/* A CTE runs as its scans pull rows, so each CTE Scan gives back a share of
 * the CTE's time in proportion to its own (PEV2's fixCteScansDuration). */
static void fix_cte_scans(ixt_plan *p, ixt_plan_node **nodes)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nnodes; i++)
        n += is_cte(nodes[i]);
    if (!n)
        return;
    cte_ref *ctes = ixt_xcalloc(n, sizeof *ctes);
    n = 0;
    for (size_t i = 0; i < p->nnodes; i++)
        if (is_cte(nodes[i]))
            ctes[n++] = (cte_ref){nodes[i]->subplan_name + 4, nodes[i], 0};
    qsort(ctes, n, sizeof *ctes, cmp_cte);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->nnodes; i++) {
            ixt_plan_node *s = nodes[i];
            if (!ixt_streq(s->node_type, "CTE Scan") || !s->cte_name)
                continue;
            cte_ref key = {s->cte_name, NULL, 0};
            cte_ref *c = bsearch(&key, ctes, n, sizeof *ctes, cmp_cte);
            if (!c)
                continue;
            if (pass == 0)
                c->scans_ms += s->inclusive_ms;
            else if (c->scans_ms > 0)
                s->exclusive_ms = fin(fmax(0, s->exclusive_ms - c->cte->inclusive_ms * s->inclusive_ms / c->scans_ms));
        }
    }
    free(ctes);
}

/* ----- seq scans an index could help ----- */

static double setting_num(const ixt_plan *p, const char *name, double dflt)
{
    const char *v = ixt_plan_setting(p, name);
    if (!v)
        return dflt;
    char *end;
    double d = strtod(v, &end);
    return end != v && isfinite(d) && d >= 0 ? d : dflt;
}

/* Operators in a filter, for the per-row cost of evaluating it. */
static int filter_ops(const char *f)
{
    int k = 1;
    for (const char *s = f; (s = strstr(s, " AND ")); s += 5)
        k++;
    for (const char *s = f; (s = strstr(s, " OR ")); s += 4)
        k++;
    return k;
}

/* A Seq Scan with a filter that keeps few of the rows it reads, on a table
 * big enough for an index to matter.
 *
 * With ANALYZE the rows removed are measured: at least 1,000 removed and
 * at least 90% of those read.  A node that never ran is not flagged.
 *
 * Without it only the cost is known: total = pages x seq_page_cost + rows x
 * (cpu_tuple_cost + ops x cpu_operator_cost).  The pages are unknown, so the
 * rows read are estimated low, assuming tables hold at least 10 rows per
 * page; the rows kept are estimated high (per process x processes).  The
 * flag is raised only when even then at most 10% are kept of 1,000+ read,
 * so it errs on the side of silence. */
static bool selective(const ixt_plan *p, const ixt_plan_node *n)
{
    if (!ixt_streq(n->node_type, "Seq Scan") || n->never_executed)
        return false;
    const char *filter = ixt_plan_node_cond(n, "Filter");
    if (!filter)
        return false;
    if (n->has_actual) {
        double kept = fin(n->actual_rows * n->loops);
        return n->rows_removed >= 1000 && n->rows_removed >= 9 * kept;
    }
    double per_row = setting_num(p, "seq_page_cost", SEQ_PAGE_COST) / 10 +
                     setting_num(p, "cpu_tuple_cost", CPU_TUPLE_COST) +
                     setting_num(p, "cpu_operator_cost", CPU_OPERATOR_COST) * filter_ops(filter);
    if (per_row <= 0)
        return false;
    double read_low = n->total_cost / per_row;
    double kept_high = n->plan_rows * (n->parallel_aware ? n->processes : 1);
    return read_low >= 1000 && kept_high * 10 <= read_low;
}

/* ----- ranking ----- */

static double hot_metric(const ixt_plan *p, const ixt_plan_node *n)
{
    return p->has_timing ? n->exclusive_ms : n->exclusive_cost;
}

static int cmp_hot(const void *a, const void *b, void *arg)
{
    const ixt_plan *p = arg;
    const ixt_plan_node *x = *(ixt_plan_node *const *)a, *y = *(ixt_plan_node *const *)b;
    double vx = hot_metric(p, x), vy = hot_metric(p, y);
    if (vx != vy)
        return vx > vy ? -1 : 1;
    return x->id - y->id;
}

static void derive(ixt_plan *p, ixt_plan_node **nodes)
{
    const char *lp = ixt_plan_setting(p, "parallel_leader_participation");
    bool leader = !(lp && strcmp(lp, "off") == 0);
    for (size_t i = 0; i < p->nnodes; i++) {
        ixt_plan_node *n = nodes[i];
        p->has_analyze |= n->has_actual;
        p->has_timing |= n->has_actual && n->actual_total_ms > 0;
        /* preorder: the parent's figures are ready */
        n->processes = processes(n, leader);
        if (n->processes < 1)
            n->processes = 1;
        n->est_loops = n->parent ? fmin(1e15, n->parent->est_loops * calls_per_parent(n)) : 1;
        n->inclusive_ms = fin(n->actual_total_ms * n->loops / n->processes);
    }
    for (size_t i = 0; i < p->nnodes; i++)
        derive_node(nodes[i]);
    if (p->has_timing) {
        fix_initplans(p, nodes);
        fix_cte_scans(p, nodes);
    }
    /* the whole: execution time (triggers included) or the root's cost */
    double whole = p->has_timing ? fmax(p->execution_ms, nodes[0]->inclusive_ms) : nodes[0]->total_cost;
    p->costly = ixt_xcalloc(p->nnodes + 1, sizeof *p->costly);
    for (size_t i = 0; i < p->nnodes; i++) {
        ixt_plan_node *n = nodes[i];
        double share = whole > 0 ? hot_metric(p, n) / whole : 0;
        n->share = fin(fmin(1, fmax(0, share)));
        n->selective_seq_scan = selective(p, n);
        p->costly[p->ncostly++] = n;
    }
    qsort_r(p->costly, p->ncostly, sizeof *p->costly, cmp_hot, p);
    p->hottest = p->costly[0];
    /* the n/N walk skips nodes that cost next to nothing */
    size_t keep = 1;
    while (keep < p->ncostly && p->costly[keep]->share >= IXT_PLAN_COSTLY_MIN_SHARE)
        keep++;
    p->ncostly = keep;
}

/* ===== parse and free ===== */

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* The object holding "Plan": the first element of the array PostgreSQL
 * prints, or the document itself. */
static json_t *plan_top(json_t *doc, ixt_err *e)
{
    json_t *top = doc;
    if (json_is_array(doc)) {
        if (!json_array_size(doc)) {
            ixt_err_set(e, "the plan JSON is an empty array: expected EXPLAIN (FORMAT JSON) output");
            return NULL;
        }
        top = json_array_get(doc, 0);
    }
    if (!json_is_object(top)) {
        ixt_err_set(e, "the plan JSON holds %s where an object with a \"Plan\" was expected",
                    json_type_name(top));
        return NULL;
    }
    json_t *root = json_object_get(top, "Plan");
    if (!root) {
        ixt_err_set(e, "the JSON holds no plan: no \"Plan\" key (expected EXPLAIN (FORMAT JSON) output)");
        return NULL;
    }
    if (!json_is_object(root)) {
        ixt_err_set(e, "the \"Plan\" in the JSON is %s, not an object", json_type_name(root));
        return NULL;
    }
    return top;
}

/* Why the walk stopped, in jansson's words (line and column) when the text
 * is not JSON, else what is missing from the plan.  Only on failure is the
 * whole document loaded. */
static void explain_failure(const char *json, ixt_err *e)
{
    json_error_t jerr;
    /* no JSON_REJECT_DUPLICATES: older servers repeat keys in per-worker
     * details, and the last value is as good as any */
    json_t *doc = json_loads(json, 0, &jerr);
    if (!doc) {
        if (json_error_code(&jerr) == json_error_premature_end_of_input)
            ixt_err_set(e, "the plan JSON is cut short (line %d, column %d): %s", jerr.line, jerr.column,
                        jerr.text);
        else
            ixt_err_set(e, "the plan is not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                        jerr.column);
        return;
    }
    if (plan_top(doc, e))
        ixt_err_set(e, "the plan JSON is not laid out as EXPLAIN (FORMAT JSON) prints it");
    json_decref(doc);
}

ixt_plan *ixt_plan_parse(const char *json, ixt_err *e)
{
    if (!json || json[strspn(json, " \t\r\n")] == '\0') {
        ixt_err_set(e, "the plan is empty");
        return NULL;
    }
    ixt_plan *p = ixt_xcalloc(1, sizeof *p);
    json_t *top = NULL;
    ixt_plan_node **nodes = build(p, json, &top);
    if (!nodes) {
        free(p);
        explain_failure(json, e);
        return NULL;
    }
    p->planning_ms = num_field(top, "Planning Time", -1);
    p->execution_ms = num_field(top, "Execution Time", -1);
    p->total_cost = nodes[0]->total_cost;
    read_settings(p, top);
    read_triggers(p, top);
    read_jit(p, top);
    json_decref(top);
    derive(p, nodes);
    /* done writing: from here on the nodes are read only */
    p->nodes = (const ixt_plan_node **)nodes;
    p->root = nodes[0];
    return p;
}

void ixt_plan_free(ixt_plan *p)
{
    if (!p)
        return;
    arena_free(p);
    for (size_t i = 0; i < p->nsettings; i++) {
        free(p->settings[i].key);
        free(p->settings[i].value);
    }
    for (size_t i = 0; i < p->ntriggers; i++) {
        free(p->triggers[i].name);
        free(p->triggers[i].constraint);
        free(p->triggers[i].relation);
    }
    free(p->settings);
    free(p->triggers);
    free(p->nodes);
    free(p->costly);
    free(p);
}

const char *ixt_plan_node_cond(const ixt_plan_node *n, const char *label)
{
    for (int i = 0; i < n->nconds; i++)
        if (strcmp(n->conds[i].label, label) == 0)
            return n->conds[i].text;
    return NULL;
}

const char *ixt_plan_setting(const ixt_plan *p, const char *name)
{
    for (size_t i = 0; i < p->nsettings; i++)
        if (strcmp(p->settings[i].key, name) == 0)
            return p->settings[i].value;
    return NULL;
}

/* HypoPG names its indexes "<oid>name": "name" alone matches any oid. */
static bool index_matches(const char *used, const char *name)
{
    if (strcmp(used, name) == 0)
        return true;
    const char *u = used[0] == '<' && strchr(used, '>') ? strchr(used, '>') + 1 : used;
    const char *w = name[0] == '<' && strchr(name, '>') ? strchr(name, '>') + 1 : name;
    return strcmp(u, w) == 0 && (u == used || w == name);
}

bool ixt_plan_uses_index(const ixt_plan *p, const char *name)
{
    if (!p || !name)
        return false;
    for (size_t i = 0; i < p->nnodes; i++)
        if (p->nodes[i]->index_name && index_matches(p->nodes[i]->index_name, name))
            return true;
    return false;
}

/* What a Limit's input walks in order: through Gather Merge (workers walk
 * it too), LockRows (FOR UPDATE) and the outer side of Nested Loops.
 * *dropping: a loop on the way may drop outer rows (a Join Filter, or
 * fewer rows out than in: a filter on the inner side), as a Filter on the
 * walk would. */
static const ixt_plan_node *limit_walk(const ixt_plan_node *c, bool *dropping)
{
    *dropping = false;
    while (c) {
        if ((strcmp(c->node_type, "Gather Merge") == 0 || strcmp(c->node_type, "LockRows") == 0) &&
            c->nchildren == 1) {
            c = c->children[0];
        } else if (strcmp(c->node_type, "Nested Loop") == 0 && c->nchildren == 2 && c->children[0]->parent_rel &&
                   strcmp(c->children[0]->parent_rel, "Outer") == 0) {
            const ixt_plan_node *outer = c->children[0];
            *dropping |= ixt_plan_node_cond(c, "Join Filter") != NULL || c->plan_rows < 0.99 * outer->plan_rows;
            c = outer;
        } else {
            return c;
        }
    }
    return NULL;
}

double ixt_plan_cost_if_rows_late(const ixt_plan *p)
{
    double extra = 0;
    for (size_t i = 0; i < p->nnodes; i++) {
        const ixt_plan_node *n = p->nodes[i];
        const ixt_plan_node *in = n->nchildren == 1 ? n->children[0] : NULL;
        bool dropping;
        const ixt_plan_node *c = limit_walk(in, &dropping);
        if (strcmp(n->node_type, "Limit") != 0 || !c || !c->index_name || c->index_name[0] != '<' ||
            (strcmp(c->node_type, "Index Scan") != 0 && strcmp(c->node_type, "Index Only Scan") != 0) ||
            !(ixt_plan_node_cond(c, "Filter") || dropping) || ixt_plan_node_cond(c, "Index Cond"))
            continue;
        if (in->total_cost > n->total_cost)
            extra += (in->total_cost - n->total_cost) * (n->est_loops > 1 ? n->est_loops : 1);
    }
    return p->total_cost + extra;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t ixt_plan_index_names(const ixt_plan *p, const char ***names)
{
    const char **v = ixt_xcalloc(p->nnodes + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < p->nnodes; i++)
        if (p->nodes[i]->index_name)
            v[n++] = p->nodes[i]->index_name;
    qsort(v, n, sizeof *v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    *names = v;
    return u;
}
