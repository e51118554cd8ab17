/* plan_text: a plan as EXPLAIN-like text (see plan_text.h). */
#include "idxtune/plan_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char BAR_U[] = "\xe2\x94\x82  ";          /* "│  " */
static const char TEE_U[] = "\xe2\x94\x9c\xe2\x94\x80 "; /* "├─ " */
static const char ELBOW_U[] = "\xe2\x94\x94\xe2\x94\x80 "; /* "└─ " */

/* ixt_fmt_ms for any double: huge or non-finite values print plainly. */
static char *fmt_ms(double ms, char *out, size_t len)
{
    if (!isfinite(ms) || ms >= 1e12) {
        snprintf(out, len, "%.3g ms", ms);
        return out;
    }
    return ixt_fmt_ms(ms, out, len);
}

/* ===== one node ===== */

/* The ancestors' columns in front of n (without n's own connector). */
static void add_columns(ixt_buf *b, const ixt_plan_node *n, bool ascii)
{
    if (!n->parent || n->depth < 2)
        return;
    int levels = n->depth - 1;
    const char **parts = ixt_xmalloc((size_t)levels * sizeof *parts);
    const ixt_plan_node *a = n->parent;
    for (int i = levels - 1; i >= 0 && a; i--, a = a->parent)
        parts[i] = a->last_child ? "   " : ascii ? "|  " : BAR_U;
    for (int i = 0; i < levels; i++)
        ixt_buf_add(b, parts[i]);
    free(parts);
}

char *ixt_plan_prefix(const ixt_plan_node *n, bool ascii, char *buf, size_t len)
{
    if (!len)
        return buf;
    ixt_buf b;
    ixt_buf_init(&b);
    if (n->parent) {
        add_columns(&b, n, ascii);
        ixt_buf_add(&b, n->last_child ? (ascii ? "`- " : ELBOW_U) : (ascii ? "+- " : TEE_U));
    }
    snprintf(buf, len, "%s", b.s ? b.s : "");
    ixt_buf_free(&b);
    return buf;
}

/* Appends to a caller's fixed buffer, truncating: labels and metrics are
 * made for every row drawn, so they allocate nothing. */
typedef struct out {
    char *buf;
    size_t len, at;
} out;

static void out_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(out *o, const char *fmt, ...)
{
    if (o->at + 1 >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->at, o->len - o->at, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->at = o->at + (size_t)n < o->len ? o->at + (size_t)n : o->len - 1;
}

static void out_add(out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->at + 1 >= o->len)
        return;
    if (n > o->len - 1 - o->at)
        n = o->len - 1 - o->at;
    memcpy(o->buf + o->at, s, n);
    o->at += n;
    o->buf[o->at] = '\0';
}

static out out_start(char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    return (out){buf, len, 0};
}

/* The node type as EXPLAIN's text format names it. */
static void add_type(out *b, const ixt_plan_node *n)
{
    const char *t = n->node_type, *st = n->strategy;
    if (ixt_streq(t, "ModifyTable") && n->operation) {
        out_add(b, n->operation);
        return;
    }
    if (ixt_streq(n->partial_mode, "Partial") || ixt_streq(n->partial_mode, "Finalize"))
        out_printf(b, "%s ", n->partial_mode);
    if (n->parallel_aware)
        out_add(b, "Parallel ");
    if (ixt_streq(t, "Aggregate") && ixt_streq(st, "Sorted"))
        out_add(b, "GroupAggregate");
    else if (ixt_streq(t, "Aggregate") && ixt_streq(st, "Hashed"))
        out_add(b, "HashAggregate");
    else if (ixt_streq(t, "Aggregate") && ixt_streq(st, "Mixed"))
        out_add(b, "MixedAggregate");
    else if (ixt_streq(t, "SetOp") && ixt_streq(st, "Hashed"))
        out_add(b, "HashSetOp");
    else
        out_add(b, t);
    if (ixt_streq(n->scan_direction, "Backward"))
        out_add(b, " Backward");
}

char *ixt_plan_node_label(const ixt_plan_node *n, char *buf, size_t len)
{
    out b = out_start(buf, len);
    if (n->subplan_name)
        out_printf(&b, "[%s] ", n->subplan_name);
    add_type(&b, n);
    if (n->join_type)
        out_printf(&b, " (%s)", n->join_type);
    if (n->index_name)
        out_printf(&b, " using %s", n->index_name);
    const char *name = n->relation ? n->relation : n->cte_name ? n->cte_name : n->function_name;
    if (name) {
        out_add(&b, " on ");
        if (n->schema && !n->cte_name)
            out_printf(&b, "%s.", n->schema);
        out_add(&b, name);
        if (n->alias && strcmp(n->alias, name) != 0)
            out_printf(&b, " %s", n->alias);
    } else if (n->alias && strstr(n->node_type, "Scan")) {
        out_printf(&b, " on %s", n->alias);
    }
    return buf;
}

char *ixt_plan_node_metrics(const ixt_plan *p, const ixt_plan_node *n, char *buf, size_t len)
{
    out b = out_start(buf, len);
    char t[48];
    out_printf(&b, "cost=%.2f..%.2f rows=%.0f", n->startup_cost, n->total_cost, n->plan_rows);
    if (n->never_executed) {
        out_add(&b, " (never executed)");
    } else if (n->has_actual) {
        if (p->has_timing)
            out_printf(&b, " actual=%.3f..%.3f", n->actual_startup_ms, n->actual_total_ms);
        else
            out_add(&b, " actual");
        out_printf(&b, " rows=%.0f loops=%.0f", n->actual_rows, n->loops);
        if (p->has_timing)
            out_printf(&b, " excl=%s %.1f%%", fmt_ms(n->exclusive_ms, t, sizeof t), n->share * 100);
        if (n->misestimate >= 10)
            out_printf(&b, " x%.0f %s", n->misestimate, n->mis_under ? "under" : "over");
    }
    if (!p->has_timing)
        out_printf(&b, " excl=%.2f %.1f%%", n->exclusive_cost, n->share * 100);
    if (n->shared_hit || n->shared_read)
        out_printf(&b, " hit=%.0f read=%.0f", n->shared_hit, n->shared_read);
    if (n->temp_read || n->temp_written)
        out_printf(&b, " temp read=%.0f written=%.0f", n->temp_read, n->temp_written);
    return buf;
}

/* ===== the whole plan ===== */

static void render_header(ixt_buf *b, const ixt_plan *p)
{
    char t[48];
    ixt_buf_printf(b, "Total cost %.2f", p->total_cost);
    if (p->planning_ms >= 0)
        ixt_buf_printf(b, ", planning %s", fmt_ms(p->planning_ms, t, sizeof t));
    if (p->execution_ms >= 0)
        ixt_buf_printf(b, ", execution %s", fmt_ms(p->execution_ms, t, sizeof t));
    ixt_buf_addc(b, '\n');
    for (size_t i = 0; i < p->ntriggers; i++) {
        const ixt_plan_trigger *tr = &p->triggers[i];
        ixt_buf_printf(b, "Trigger %s", tr->name);
        if (tr->constraint)
            ixt_buf_printf(b, " (%s)", tr->constraint);
        if (tr->relation)
            ixt_buf_printf(b, " on %s", tr->relation);
        ixt_buf_printf(b, ": %s, %.0f calls", fmt_ms(tr->time_ms, t, sizeof t), tr->calls);
        if (p->execution_ms > 0)
            ixt_buf_printf(b, " (%.1f%% of the execution time)", fmin(100, tr->time_ms / p->execution_ms * 100));
        ixt_buf_addc(b, '\n');
    }
    if (p->jit_ms >= 0)
        ixt_buf_printf(b, "JIT: %d functions, %s\n", p->jit_functions, fmt_ms(p->jit_ms, t, sizeof t));
    if (p->nsettings) {
        ixt_buf_add(b, "Settings:");
        for (size_t i = 0; i < p->nsettings; i++)
            ixt_buf_printf(b, "%s %s = '%s'", i ? "," : "", p->settings[i].key, p->settings[i].value);
        ixt_buf_addc(b, '\n');
    }
}

char *ixt_plan_render_text(const ixt_plan *p, bool ascii)
{
    ixt_buf b, pre;
    ixt_buf_init(&b);
    ixt_buf_init(&pre);
    render_header(&b, p);
    char label[1024], metrics[512];
    const char *bar = ascii ? "|  " : BAR_U;
    for (size_t i = 0; i < p->nnodes; i++) {
        const ixt_plan_node *n = p->nodes[i];
        ixt_buf_reset(&pre);
        add_columns(&pre, n, ascii);
        size_t cols = pre.len;
        if (n->parent)
            ixt_buf_add(&pre, n->last_child ? (ascii ? "`- " : ELBOW_U) : (ascii ? "+- " : TEE_U));
        ixt_buf_printf(&b, "%s%s%s  (%s)%s\n", pre.s ? pre.s : "", n == p->hottest ? "* " : "",
                       ixt_plan_node_label(n, label, sizeof label),
                       ixt_plan_node_metrics(p, n, metrics, sizeof metrics),
                       n->selective_seq_scan ? "  <- an index could help" : "");
        /* the conditions sit under the node, in line with its children */
        const char *own = !n->parent ? "" : n->last_child ? "   " : bar;
        const char *kids = n->nchildren ? bar : "   ";
        for (int c = 0; c < n->nconds; c++) {
            if (strcmp(n->conds[c].label, "Output") == 0)
                continue;
            ixt_buf_printf(&b, "%.*s%s%s  %s: %s\n", (int)cols, pre.s ? pre.s : "", own, kids,
                           n->conds[c].label, n->conds[c].text);
        }
    }
    ixt_buf_free(&pre);
    if (p->hottest)
        ixt_buf_printf(&b, "* most expensive node (%.1f%% of the %s)\n", p->hottest->share * 100,
                       p->has_timing ? "execution time" : "total cost");
    return ixt_buf_take(&b);
}
