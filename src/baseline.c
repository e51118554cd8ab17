/* baseline: a session's record of the statements an index affects, as
 * pg_stat_statements had them when the index was accepted (taken by
 * verify, kept in the session file by review). */
#include "idxtune/baseline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/workload.h"

void ixt_baseline_free(ixt_baseline *b)
{
    for (int i = 0; i < b->n; i++) {
        free(b->s[i].query);
        free(b->s[i].taken_at);
        free(b->s[i].nodes);
    }
    free(b->s);
    memset(b, 0, sizeof *b);
}

ixt_baseline ixt_baseline_copy(const ixt_baseline *b)
{
    ixt_baseline c = {.n = b->n, .s = b->n ? ixt_xcalloc((size_t)b->n, sizeof *c.s) : NULL};
    for (int i = 0; i < b->n; i++) {
        c.s[i] = b->s[i];
        c.s[i].query = ixt_xstrdup(b->s[i].query);
        c.s[i].taken_at = ixt_xstrdup(b->s[i].taken_at);
        if (b->s[i].nnodes) {
            c.s[i].nodes = ixt_xcalloc((size_t)b->s[i].nnodes, sizeof *c.s[i].nodes);
            memcpy(c.s[i].nodes, b->s[i].nodes, (size_t)b->s[i].nnodes * sizeof *c.s[i].nodes);
        }
    }
    return c;
}

json_t *ixt_baseline_to_json(const ixt_baseline *b)
{
    json_t *a = json_array();
    for (int i = 0; i < b->n; i++) {
        const ixt_baseline_stmt *s = &b->s[i];
        char qid[32];
        snprintf(qid, sizeof qid, "%lld", (long long)s->queryid);
        json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:s}", "queryid", qid, "query",
                              s->query, "kind", s->write ? "write" : "read", "calls", s->calls, "total_ms",
                              s->total_ms, "mean_ms", s->mean_ms, "stddev_ms", s->stddev_ms, "rows", s->rows,
                              "shared_blks_hit", s->shared_hit, "shared_blks_read", s->shared_read, "taken_at",
                              s->taken_at);
        if (s->nnodes) {
            json_t *nodes = json_array();
            for (int k = 0; k < s->nnodes; k++)
                json_array_append_new(nodes, json_pack("{s:s, s:f, s:f}", "node", s->nodes[k].name, "calls",
                                                       s->nodes[k].calls, "total_ms", s->nodes[k].total_ms));
            json_object_set_new(o, "nodes", nodes);
        }
        json_array_append_new(a, o);
    }
    return a;
}

static int field_num(json_t *o, const char *key, double *out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return ixt_err_set(e, "\"%s\" %s", key, v ? "is not a number" : "is missing");
    *out = json_number_value(v);
    if (!isfinite(*out) || *out < 0)
        return ixt_err_set(e, "\"%s\" is not a count or a time", key);
    return 0;
}

static int field_str(json_t *o, const char *key, const char **out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return ixt_err_set(e, "\"%s\" %s", key, v ? "is not a string" : "is missing");
    *out = json_string_value(v);
    return 0;
}

/* A query id: a whole decimal number in a string, in bigint range. */
static int parse_queryid(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!s[0] || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) || *end || errno == ERANGE || v == 0)
        return -1;
    *out = v;
    return 0;
}

/* A server's name as idxtune gives them: short, printable ASCII (it is
 * shown on screen). */
static bool is_node_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e)
            return false;
    return n > 0 && n < max;
}

/* The optional per-server parts ("nodes"). */
static int nodes_from(json_t *a, ixt_baseline_stmt *s, ixt_err *e)
{
    if (!a)
        return 0;
    if (!json_is_array(a))
        return ixt_err_set(e, "\"nodes\" is not a list");
    s->nodes = ixt_xcalloc(json_array_size(a) + 1, sizeof *s->nodes);
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        ixt_baseline_node *n = &s->nodes[s->nnodes];
        const char *name = NULL;
        ixt_err ne;
        if (!json_is_object(o))
            return ixt_err_set(e, "nodes %zu: not an object", i + 1);
        if (field_str(o, "node", &name, &ne) != 0 || field_num(o, "calls", &n->calls, &ne) != 0 ||
            field_num(o, "total_ms", &n->total_ms, &ne) != 0)
            return ixt_err_set(e, "nodes %zu: %s", i + 1, ne.msg);
        if (!is_node_name(name, sizeof n->name))
            return ixt_err_set(e, "nodes %zu: \"node\" is not a server's name", i + 1);
        snprintf(n->name, sizeof n->name, "%s", name);
        s->nnodes++;
    }
    return 0;
}

static int stmt_from(json_t *o, ixt_baseline_stmt *s, ixt_err *e)
{
    const char *qid = NULL, *query = NULL, *kind = NULL, *at = NULL;
    if (!json_is_object(o))
        return ixt_err_set(e, "not an object");
    if (field_str(o, "queryid", &qid, e) != 0)
        return -1;
    if (parse_queryid(qid, &s->queryid) != 0)
        return ixt_err_set(e, "\"queryid\" is not a query id");
    if (field_str(o, "query", &query, e) != 0 || field_str(o, "kind", &kind, e) != 0 ||
        field_num(o, "calls", &s->calls, e) != 0 || field_num(o, "total_ms", &s->total_ms, e) != 0 ||
        field_num(o, "mean_ms", &s->mean_ms, e) != 0 || field_num(o, "stddev_ms", &s->stddev_ms, e) != 0 ||
        field_num(o, "rows", &s->rows, e) != 0 || field_num(o, "shared_blks_hit", &s->shared_hit, e) != 0 ||
        field_num(o, "shared_blks_read", &s->shared_read, e) != 0 || field_str(o, "taken_at", &at, e) != 0)
        return -1;
    if (strcmp(kind, "read") != 0 && strcmp(kind, "write") != 0)
        return ixt_err_set(e, "\"kind\" is neither read nor write");
    if (nodes_from(json_object_get(o, "nodes"), s, e) != 0)
        return -1;
    s->write = kind[0] == 'w';
    /* shown on screen and in reports: one line, bounded */
    s->query = ixt_xstrndup(query, ixt_utf8_cut(query, IXT_QUERY_LINE_MAX));
    ixt_squash_ws(s->query);
    s->taken_at = ixt_xstrndup(at, ixt_utf8_cut(at, 40));
    ixt_squash_ws(s->taken_at);
    return 0;
}

int ixt_baseline_from_json(json_t *a, ixt_baseline *b, ixt_err *e)
{
    memset(b, 0, sizeof *b);
    if (!json_is_array(a))
        return ixt_err_set(e, "\"baseline\" is not a list");
    b->s = ixt_xcalloc(json_array_size(a) + 1, sizeof *b->s);
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        ixt_err se;
        if (stmt_from(o, &b->s[b->n], &se) != 0) {
            b->n++;   /* what it had read is freed with the rest */
            ixt_baseline_free(b);
            return ixt_err_set(e, "baseline %zu: %s", i + 1, se.msg);
        }
        b->n++;
    }
    return 0;
}

