/* sqltree: libpg_query's token stream (protobuf) and parse tree (JSON),
 * and the one walker every reader of the tree goes through. */
#include "idxtune/sqltree.h"

#include <string.h>

/* ===== tokens ===== */

int ixt_tok_scan(const char *sql, ixt_tokens *t, ixt_err *e)
{
    memset(t, 0, sizeof *t);
    t->raw = pg_query_scan(sql);
    if (t->raw.error) {
        ixt_err_set(e, "%s at character %d", t->raw.error->message, t->raw.error->cursorpos);
        pg_query_free_scan_result(t->raw);
        return -1;
    }
    t->scan = pg_query__scan_result__unpack(NULL, t->raw.pbuf.len, (const uint8_t *)t->raw.pbuf.data);
    if (!t->scan) {
        pg_query_free_scan_result(t->raw);
        return ixt_err_set(e, "cannot read the statement's tokens");
    }
    t->tk = t->scan->tokens;
    t->n = (int)t->scan->n_tokens;
    return 0;
}

void ixt_tok_free(ixt_tokens *t)
{
    if (!t->scan)
        return;
    pg_query__scan_result__free_unpacked(t->scan, NULL);
    pg_query_free_scan_result(t->raw);
    t->scan = NULL;
}

int ixt_tok_at(const ixt_tokens *t, int pos)
{
    int lo = 0, hi = t->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (t->tk[mid]->end <= pos)
            lo = mid + 1;
        else if (t->tk[mid]->start > pos)
            hi = mid - 1;
        else
            return mid;
    }
    return -1;
}

bool ixt_tok_is(const PgQuery__ScanToken *tk, const char *sql, char c)
{
    return tk->end - tk->start == 1 && sql[tk->start] == c;
}

bool ixt_tok_comment(const PgQuery__ScanToken *tk)
{
    return tk->token == PG_QUERY__TOKEN__SQL_COMMENT || tk->token == PG_QUERY__TOKEN__C_COMMENT;
}

/* ===== the parse tree ===== */

json_t *ixt_pt_parse(const char *sql, ixt_err *e)
{
    PgQueryParseResult r = pg_query_parse(sql);
    if (r.error) {
        ixt_err_set(e, "%s at character %d", r.error->message, r.error->cursorpos);
        pg_query_free_parse_result(r);
        return NULL;
    }
    json_t *doc = json_loads(r.parse_tree, 0, NULL);
    pg_query_free_parse_result(r);
    if (!doc)
        ixt_err_set(e, "cannot read the parse tree");
    return doc;
}

json_t *ixt_pt_get(json_t *o, const char *k)
{
    return json_object_get(o, k);
}

const char *ixt_pt_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int ixt_pt_int(json_t *o, const char *k, int def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

json_t *ixt_pt_body(json_t *node, const char **type)
{
    const char *key;
    json_t *val;
    if (json_is_object(node) && json_object_size(node) == 1) {
        json_object_foreach(node, key, val) {
            if (type)
                *type = key;
            return val;
        }
    }
    return NULL;
}

json_t *ixt_pt_as(json_t *node, const char *type)
{
    const char *t;
    json_t *b = ixt_pt_body(node, &t);
    return b && strcmp(t, type) == 0 ? b : NULL;
}

json_t *ixt_pt_arm(json_t *sel, const char *key)
{
    json_t *arm = ixt_pt_get(sel, key);
    json_t *b = ixt_pt_as(arm, "SelectStmt");
    return b ? b : arm;
}

const char *ixt_pt_sval(json_t *string_node)
{
    return ixt_pt_str(ixt_pt_as(string_node, "String"), "sval");
}

const char *ixt_pt_last_name(json_t *names)
{
    size_t n = json_array_size(names);
    return n ? ixt_pt_sval(json_array_get(names, n - 1)) : NULL;
}

json_t *ixt_pt_items(json_t *v)
{
    json_t *l = ixt_pt_as(v, "List");
    return l ? ixt_pt_get(l, "items") : v;
}

int ixt_pt_param(json_t *node)
{
    json_t *p = ixt_pt_as(node, "ParamRef");
    return p ? ixt_pt_int(p, "number", 0) : 0;
}

bool ixt_pt_same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool ixt_pt_walk(json_t *j, ixt_pt_visit visit, void *ctx)
{
    if (json_is_object(j)) {
        ixt_pt_step step = visit(j, ctx);
        if (step != IXT_PT_DESCEND)
            return step == IXT_PT_STOP;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) if (ixt_pt_walk(v, visit, ctx)) return true;
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) if (ixt_pt_walk(v, visit, ctx)) return true;
    }
    return false;
}
