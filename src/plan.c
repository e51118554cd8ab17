/* plan: EXPLAIN JSON to a tree with derived metrics. */
#include "idxtune/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===== reading the JSON ===== */

static char *str_field(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? ixt_xstrdup(s) : NULL;
}

static double num_field(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* A condition as text: strings as they are, arrays joined with ", ". */
static char *cond_text(json_t *v)
{
    if (json_is_string(v))
        return ixt_xstrdup(json_string_value(v));
    if (json_is_number(v)) {
        double d = json_number_value(v);
        return d == floor(d) ? ixt_xasprintf("%.0f", d) : ixt_xasprintf("%g", d);
    }
    if (!json_is_array(v))
        return NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char *t = cond_text(json_is_array(item) ? NULL : item);
        if (t)
            ixt_buf_printf(&b, "%s%s", b.len ? ", " : "", t);
        free(t);
    }
    return ixt_buf_take(&b);
}

static const char *const COND_KEYS[] = {
    "Index Cond", "Recheck Cond", "Filter", "Hash Cond", "Merge Cond", "Join Filter",
    "One-Time Filter", "Sort Key", "Presorted Key", "Group Key", "Rows Removed by Filter",
    "Rows Removed by Index Recheck", "Rows Removed by Join Filter", "Heap Fetches",
    "Sort Method", "Sort Space Used", "Hash Batches", "Peak Memory Usage",
    "Workers Planned", "Workers Launched", "Cache Key", "Output",
};
#define NCOND_KEYS (sizeof COND_KEYS / sizeof COND_KEYS[0])

static void read_conds(ixt_plan_node *n, json_t *o)
{
    n->conds = ixt_xcalloc(NCOND_KEYS, sizeof *n->conds);
    for (size_t i = 0; i < NCOND_KEYS; i++) {
        char *t = cond_text(json_object_get(o, COND_KEYS[i]));
        if (!t)
            continue;
        n->conds[n->nconds].label = COND_KEYS[i];
        n->conds[n->nconds++].text = t;
    }
}

static void read_node(ixt_plan_node *n, json_t *o)
{
    n->node_type = str_field(o, "Node Type");
    if (!n->node_type)
        n->node_type = ixt_xstrdup("?");
    n->operation = str_field(o, "Operation");
    n->join_type = str_field(o, "Join Type");
    n->strategy = str_field(o, "Strategy");
    n->relation = str_field(o, "Relation Name");
    n->schema = str_field(o, "Schema");
    n->alias = str_field(o, "Alias");
    n->index_name = str_field(o, "Index Name");
    n->cte_name = str_field(o, "CTE Name");
    n->function_name = str_field(o, "Function Name");
    n->parent_rel = str_field(o, "Parent Relationship");
    n->subplan_name = str_field(o, "Subplan Name");
    n->startup_cost = num_field(o, "Startup Cost", 0);
    n->total_cost = num_field(o, "Total Cost", 0);
    n->plan_rows = num_field(o, "Plan Rows", 0);
    n->plan_width = num_field(o, "Plan Width", 0);
    n->has_actual = json_object_get(o, "Actual Loops") != NULL;
    n->actual_startup_ms = num_field(o, "Actual Startup Time", 0);
    n->actual_total_ms = num_field(o, "Actual Total Time", 0);
    n->actual_rows = num_field(o, "Actual Rows", 0);
    n->loops = num_field(o, "Actual Loops", 0);
    n->never_executed = n->has_actual && n->loops == 0;
    n->shared_hit = num_field(o, "Shared Hit Blocks", 0);
    n->shared_read = num_field(o, "Shared Read Blocks", 0);
    n->temp_read = num_field(o, "Temp Read Blocks", 0);
    n->temp_written = num_field(o, "Temp Written Blocks", 0);
    n->rows_removed = num_field(o, "Rows Removed by Filter", 0);
    n->workers_planned = (int)num_field(o, "Workers Planned", 0);
    n->workers_launched = (int)num_field(o, "Workers Launched", 0);
    read_conds(n, o);
}

typedef struct builder {
    ixt_plan *p;
    size_t cap;
} builder;

static void push_node(builder *b, ixt_plan_node *n)
{
    if (b->p->nnodes == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->p->nodes = ixt_xrealloc(b->p->nodes, b->cap * sizeof *b->p->nodes);
    }
    n->id = (int)b->p->nnodes;
    b->p->nodes[b->p->nnodes++] = n;
}

/* Depth is bounded by jansson's own nesting limit (2048 levels of JSON,
 * about 1000 plan levels), so recursion here is bounded too. */
static ixt_plan_node *build(builder *b, json_t *o, ixt_plan_node *parent, int depth)
{
    ixt_plan_node *n = ixt_xcalloc(1, sizeof *n);
    n->parent = parent;
    n->depth = depth;
    read_node(n, o);
    push_node(b, n);
    json_t *kids = json_object_get(o, "Plans");
    size_t nk = json_is_array(kids) ? json_array_size(kids) : 0;
    n->children = ixt_xcalloc(nk + 1, sizeof *n->children);
    for (size_t i = 0; i < nk; i++) {
        json_t *k = json_array_get(kids, i);
        if (!json_is_object(k))
            continue;
        ixt_plan_node *c = build(b, k, n, depth + 1);
        n->children[n->nchildren++] = c;
    }
    if (n->nchildren)
        n->children[n->nchildren - 1]->last_child = true;
    n->subtree = (int)b->p->nnodes - n->id;
    return n;
}

/* ===== derived metrics ===== */

/* Processes that ran a node: inside a Gather, the leader and its workers
 * each report per-process averages over their loops. */
static double processes(const ixt_plan_node *n)
{
    for (const ixt_plan_node *a = n->parent; a; a = a->parent)
        if (strncmp(a->node_type, "Gather", 6) == 0)
            return a->workers_launched + 1.0;
    return 1.0;
}

static void derive_node(ixt_plan_node *n)
{
    n->inclusive_ms = n->actual_total_ms * n->loops / processes(n);
    double child_ms = 0, child_cost = 0;
    for (int i = 0; i < n->nchildren; i++) {
        const ixt_plan_node *c = n->children[i];
        child_cost += c->total_cost;
        child_ms += c->actual_total_ms * c->loops / processes(c);
    }
    n->exclusive_ms = fmax(0, n->inclusive_ms - child_ms);
    n->exclusive_cost = fmax(0, n->total_cost - child_cost);
    double actual = n->actual_rows * n->loops, planned = n->plan_rows * fmax(n->loops, 1);
    n->misestimate = 1;
    if (n->has_actual && !n->never_executed) {
        double a = fmax(actual, 1), p = fmax(planned, 1);
        n->misestimate = a > p ? a / p : p / a;
        n->mis_under = a > p;
    }
    n->rows_removed *= fmax(n->loops, 1);
}

/* A Seq Scan with a filter that discards most of what it reads: with
 * ANALYZE from the rows removed; without, from the rows the scan's cost
 * says it reads (cpu_tuple_cost + one operator per row, default costs). */
static bool selective(const ixt_plan_node *n)
{
    if (strcmp(n->node_type, "Seq Scan") != 0)
        return false;
    bool filter = false;
    for (int i = 0; i < n->nconds; i++)
        filter |= strcmp(n->conds[i].label, "Filter") == 0;
    if (!filter)
        return false;
    if (n->has_actual) {
        double kept = n->actual_rows * fmax(n->loops, 1);
        return n->rows_removed >= 1000 && n->rows_removed > 4 * kept;
    }
    double read = n->total_cost / 0.0125;
    return read >= 1000 && n->plan_rows * 20 < read;
}

static int cmp_hot(const void *a, const void *b, void *arg)
{
    bool analyze = *(bool *)arg;
    const ixt_plan_node *x = *(ixt_plan_node *const *)a, *y = *(ixt_plan_node *const *)b;
    double vx = analyze ? x->exclusive_ms : x->exclusive_cost;
    double vy = analyze ? y->exclusive_ms : y->exclusive_cost;
    if (vx != vy)
        return vx > vy ? -1 : 1;
    return x->id - y->id;
}

static void derive(ixt_plan *p)
{
    for (size_t i = 0; i < p->nnodes; i++)
        derive_node(p->nodes[i]);
    p->has_analyze = p->root->has_actual;
    double whole = p->has_analyze ? (p->execution_ms > 0 ? p->execution_ms : p->root->inclusive_ms)
                                  : p->root->total_cost;
    p->costly = ixt_xcalloc(p->nnodes + 1, sizeof *p->costly);
    for (size_t i = 0; i < p->nnodes; i++) {
        ixt_plan_node *n = p->nodes[i];
        double mine = p->has_analyze ? n->exclusive_ms : n->exclusive_cost;
        n->share = whole > 0 ? fmin(1, mine / whole) : 0;
        n->selective_seq_scan = selective(n);
        p->costly[p->ncostly++] = n;
    }
    qsort_r(p->costly, p->ncostly, sizeof *p->costly, cmp_hot, &p->has_analyze);
    p->hottest = p->costly[0];
    /* The walk with n/N stops at nodes that cost next to nothing. */
    size_t keep = 1;
    while (keep < p->ncostly && p->costly[keep]->share >= 0.01)
        keep++;
    p->ncostly = keep;
}

ixt_plan *ixt_plan_parse(const char *json, ixt_err *e)
{
    json_error_t jerr;
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        ixt_err_set(e, "the plan is not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                    jerr.column);
        return NULL;
    }
    json_t *top = json_is_array(doc) ? json_array_get(doc, 0) : doc;
    json_t *root = json_is_object(top) ? json_object_get(top, "Plan") : NULL;
    if (!json_is_object(root)) {
        json_decref(doc);
        ixt_err_set(e, "the JSON holds no plan (expected EXPLAIN (FORMAT JSON) output with a \"Plan\")");
        return NULL;
    }
    ixt_plan *p = ixt_xcalloc(1, sizeof *p);
    builder b = {p, 0};
    p->root = build(&b, root, NULL, 0);
    p->root->last_child = true;
    p->planning_ms = num_field(top, "Planning Time", -1);
    p->execution_ms = num_field(top, "Execution Time", -1);
    p->total_cost = p->root->total_cost;
    json_decref(doc);
    derive(p);
    ixt_plan_layout(p);
    return p;
}

static void node_free(ixt_plan_node *n)
{
    char **strs[] = {&n->node_type, &n->operation, &n->join_type, &n->strategy, &n->relation,
                     &n->schema, &n->alias, &n->index_name, &n->cte_name, &n->function_name,
                     &n->parent_rel, &n->subplan_name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (int i = 0; i < n->nconds; i++)
        free(n->conds[i].text);
    free(n->conds);
    free(n->children);
    free(n);
}

void ixt_plan_free(ixt_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nnodes; i++)
        node_free(p->nodes[i]);
    free(p->nodes);
    free(p->visible);
    free(p->costly);
    free(p);
}

/* ===== layout ===== */

size_t ixt_plan_layout(ixt_plan *p)
{
    if (!p->visible)
        p->visible = ixt_xcalloc(p->nnodes + 1, sizeof *p->visible);
    p->nvisible = 0;
    for (size_t i = 0; i < p->nnodes; i++)
        p->nodes[i]->visible_row = -1;
    for (size_t i = 0; i < p->nnodes;) {
        ixt_plan_node *n = p->nodes[i];
        n->visible_row = (int)p->nvisible;
        p->visible[p->nvisible++] = n;
        i += n->collapsed ? (size_t)n->subtree : 1;
    }
    return p->nvisible;
}

void ixt_plan_reveal(ixt_plan *p, ixt_plan_node *n)
{
    (void)p;
    for (ixt_plan_node *a = n->parent; a; a = a->parent)
        a->collapsed = false;
}

void ixt_plan_expand_all(ixt_plan *p)
{
    for (size_t i = 0; i < p->nnodes; i++)
        p->nodes[i]->collapsed = false;
    ixt_plan_layout(p);
}

char *ixt_plan_prefix(const ixt_plan_node *n, bool ascii, char *buf, size_t len)
{
    /* Built from the node up: each ancestor (but the root) adds a bar when
     * more siblings follow it. */
    const char *bar = ascii ? "|  " : "\xe2\x94\x82  ";
    const char *tee = ascii ? "+- " : "\xe2\x94\x9c\xe2\x94\x80 ";
    const char *elbow = ascii ? "`- " : "\xe2\x94\x94\xe2\x94\x80 ";
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (!n->parent)
        return buf;
    int levels = n->depth - 1;
    const char **parts = ixt_xcalloc((size_t)levels + 1, sizeof *parts);
    const ixt_plan_node *a = n->parent;
    for (int i = levels - 1; i >= 0 && a; i--, a = a->parent)
        parts[i] = a->last_child ? "   " : bar;
    size_t used = 0;
    for (int i = 0; i < levels && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s", parts[i]);
    if (used < len)
        snprintf(buf + used, len - used, "%s", n->last_child ? elbow : tee);
    free(parts);
    return buf;
}

char *ixt_plan_node_label(const ixt_plan_node *n, char *buf, size_t len)
{
    ixt_buf b;
    ixt_buf_init(&b);
    if (n->subplan_name)
        ixt_buf_printf(&b, "[%s] ", n->subplan_name);
    if (n->operation && strcmp(n->node_type, "ModifyTable") == 0)
        ixt_buf_add(&b, n->operation);
    else
        ixt_buf_add(&b, n->node_type);
    if (n->strategy && strcmp(n->strategy, "Plain") != 0)
        ixt_buf_printf(&b, " (%s)", n->strategy);
    if (n->join_type)
        ixt_buf_printf(&b, " (%s)", n->join_type);
    if (n->index_name)
        ixt_buf_printf(&b, " using %s", n->index_name);
    if (n->relation) {
        ixt_buf_printf(&b, " on %s%s%s", n->schema ? n->schema : "", n->schema ? "." : "", n->relation);
        if (n->alias && strcmp(n->alias, n->relation) != 0)
            ixt_buf_printf(&b, " %s", n->alias);
    } else if (n->cte_name) {
        ixt_buf_printf(&b, " on %s", n->cte_name);
    } else if (n->function_name) {
        ixt_buf_printf(&b, " on %s", n->function_name);
    } else if (n->alias && strstr(n->node_type, "Scan")) {
        ixt_buf_printf(&b, " on %s", n->alias);
    }
    snprintf(buf, len, "%s", b.s);
    ixt_buf_free(&b);
    return buf;
}

char *ixt_plan_node_metrics(const ixt_plan *p, const ixt_plan_node *n, char *buf, size_t len)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_printf(&b, "cost=%.2f..%.2f rows=%.0f", n->startup_cost, n->total_cost, n->plan_rows);
    if (n->never_executed) {
        ixt_buf_add(&b, " (never executed)");
    } else if (p->has_analyze && n->has_actual) {
        char t[32];
        ixt_buf_printf(&b, " actual=%.3f..%.3f rows=%.0f loops=%.0f excl=%s %.1f%%",
                       n->actual_startup_ms, n->actual_total_ms, n->actual_rows, n->loops,
                       ixt_fmt_ms(n->exclusive_ms, t, sizeof t), n->share * 100);
        if (n->misestimate >= 10)
            ixt_buf_printf(&b, " x%.0f %s", n->misestimate, n->mis_under ? "under" : "over");
        if (n->shared_hit || n->shared_read)
            ixt_buf_printf(&b, " hit=%.0f read=%.0f", n->shared_hit, n->shared_read);
    } else {
        ixt_buf_printf(&b, " excl=%.1f%%", n->share * 100);
    }
    snprintf(buf, len, "%s", b.s);
    ixt_buf_free(&b);
    return buf;
}

/* ===== output ===== */

char *ixt_plan_render_text(const ixt_plan *p, bool ascii)
{
    ixt_buf b;
    ixt_buf_init(&b);
    char t1[32], t2[32];
    ixt_buf_printf(&b, "Total cost %.2f", p->total_cost);
    if (p->planning_ms >= 0)
        ixt_buf_printf(&b, ", planning %s", ixt_fmt_ms(p->planning_ms, t1, sizeof t1));
    if (p->execution_ms >= 0)
        ixt_buf_printf(&b, ", execution %s", ixt_fmt_ms(p->execution_ms, t2, sizeof t2));
    ixt_buf_addc(&b, '\n');
    char *prefix = ixt_xmalloc(8 * 1024), label[1024], metrics[512];
    for (size_t i = 0; i < p->nnodes; i++) {
        const ixt_plan_node *n = p->nodes[i];
        ixt_plan_prefix(n, ascii, prefix, 8 * 1024);
        ixt_buf_printf(&b, "%s%s%s  (%s)%s\n", prefix, n == p->hottest ? "* " : "",
                       ixt_plan_node_label(n, label, sizeof label),
                       ixt_plan_node_metrics(p, n, metrics, sizeof metrics),
                       n->selective_seq_scan ? "  <- an index could help" : "");
        /* conditions sit under the node, in line with its children */
        const char *cont = n->nchildren ? (ascii ? "|  " : "\xe2\x94\x82  ") : "   ";
        size_t plen = strlen(prefix);
        size_t keep = n->parent ? plen - strlen(n->last_child ? (ascii ? "`- " : "\xe2\x94\x94\xe2\x94\x80 ")
                                                              : (ascii ? "+- " : "\xe2\x94\x9c\xe2\x94\x80 "))
                                : 0;
        const char *own = n->parent ? (n->last_child ? "   " : (ascii ? "|  " : "\xe2\x94\x82  ")) : "";
        for (int c = 0; c < n->nconds; c++) {
            if (strcmp(n->conds[c].label, "Output") == 0)
                continue;
            ixt_buf_printf(&b, "%.*s%s%s    %s: %s\n", (int)keep, prefix, own, cont, n->conds[c].label,
                           n->conds[c].text);
        }
    }
    free(prefix);
    if (p->hottest)
        ixt_buf_printf(&b, "* most expensive node (%.1f%% of the %s)\n", p->hottest->share * 100,
                       p->has_analyze ? "execution time" : "total cost");
    return ixt_buf_take(&b);
}

static json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *node_json(const ixt_plan *p, const ixt_plan_node *n)
{
    bool a = p->has_analyze && n->has_actual;
    json_t *o = json_object();
    json_object_set_new(o, "node_type", json_string(n->node_type));
    json_object_set_new(o, "operation", json_str_or_null(n->operation));
    json_object_set_new(o, "join_type", json_str_or_null(n->join_type));
    json_object_set_new(o, "relation", json_str_or_null(n->relation));
    json_object_set_new(o, "schema", json_str_or_null(n->schema));
    json_object_set_new(o, "alias", json_str_or_null(n->alias));
    json_object_set_new(o, "index", json_str_or_null(n->index_name));
    json_object_set_new(o, "startup_cost", json_real(n->startup_cost));
    json_object_set_new(o, "total_cost", json_real(n->total_cost));
    json_object_set_new(o, "exclusive_cost", json_real(n->exclusive_cost));
    json_object_set_new(o, "plan_rows", json_real(n->plan_rows));
    json_object_set_new(o, "actual_rows", a ? json_real(n->actual_rows) : json_null());
    json_object_set_new(o, "loops", a ? json_real(n->loops) : json_null());
    json_object_set_new(o, "actual_total_ms", a ? json_real(n->actual_total_ms) : json_null());
    json_object_set_new(o, "exclusive_ms", a ? json_real(n->exclusive_ms) : json_null());
    json_object_set_new(o, "share", json_real(n->share));
    json_object_set_new(o, "misestimate", a ? json_real(n->misestimate) : json_null());
    json_object_set_new(o, "selective_seq_scan", json_boolean(n->selective_seq_scan));
    json_t *conds = json_object();
    for (int i = 0; i < n->nconds; i++)
        json_object_set_new(conds, n->conds[i].label, json_string(n->conds[i].text));
    json_object_set_new(o, "conditions", conds);
    json_t *kids = json_array();
    for (int i = 0; i < n->nchildren; i++)
        json_array_append_new(kids, node_json(p, n->children[i]));
    json_object_set_new(o, "children", kids);
    return o;
}

json_t *ixt_plan_to_json(const ixt_plan *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "total_cost", json_real(p->total_cost));
    json_object_set_new(o, "planning_ms", p->planning_ms >= 0 ? json_real(p->planning_ms) : json_null());
    json_object_set_new(o, "execution_ms", p->execution_ms >= 0 ? json_real(p->execution_ms) : json_null());
    json_object_set_new(o, "hottest_node", json_integer(p->hottest ? p->hottest->id : 0));
    json_object_set_new(o, "plan", node_json(p, p->root));
    return o;
}

/* ===== diff ===== */

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void diff_node(const ixt_plan_node *b, ixt_plan_node *a)
{
    if (!b) {
        a->diff = IXT_DIFF_NEW;
    } else if (!str_eq(a->node_type, b->node_type) || !str_eq(a->index_name, b->index_name) ||
               !str_eq(a->relation, b->relation)) {
        a->diff = IXT_DIFF_CHANGED;
    } else {
        double base = fmax(b->total_cost, 0.01);
        a->diff = fabs(a->total_cost - b->total_cost) / base > 0.10 ? IXT_DIFF_COST : IXT_DIFF_SAME;
    }
    for (int i = 0; i < a->nchildren; i++)
        diff_node(b && i < b->nchildren ? b->children[i] : NULL, a->children[i]);
}

void ixt_plan_diff(const ixt_plan *before, ixt_plan *after)
{
    diff_node(before->root, after->root);
}

static bool index_matches(const char *used, const char *name)
{
    if (strcmp(used, name) == 0)
        return true;
    /* HypoPG: "<oid>name" in the plan; either side may carry the oid */
    const char *u = used[0] == '<' && strchr(used, '>') ? strchr(used, '>') + 1 : used;
    const char *w = name[0] == '<' && strchr(name, '>') ? strchr(name, '>') + 1 : name;
    return strcmp(u, w) == 0 && (used[0] != '<' || name[0] != '<');
}

bool ixt_plan_uses_index(const ixt_plan *p, const char *name)
{
    for (size_t i = 0; i < p->nnodes; i++)
        if (p->nodes[i]->index_name && index_matches(p->nodes[i]->index_name, name))
            return true;
    return false;
}
