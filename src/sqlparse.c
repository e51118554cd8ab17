/* sqlparse: libpg_query's parse tree (JSON, read with jansson) and token
 * stream (protobuf) turned into what idxtune needs.  Nothing here parses
 * SQL by hand: every decision is made on the parser's nodes, and source
 * text is cut out of the statement at the parser's token boundaries. */
#include "idxtune/sqlparse.h"

#include <jansson.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===== tokens ===== */

typedef struct tokens {
    PgQueryScanResult raw;
    PgQuery__ScanResult *scan;
    PgQuery__ScanToken **tk;
    int n;
} tokens;

static int scan(const char *sql, tokens *t, ixt_err *e)
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

static void scan_free(tokens *t)
{
    if (!t->scan)
        return;
    pg_query__scan_result__free_unpacked(t->scan, NULL);
    pg_query_free_scan_result(t->raw);
    t->scan = NULL;
}

/* The token that covers byte pos (tokens are sorted), -1 when none. */
static int token_at(const tokens *t, int pos)
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

static bool is_char(const PgQuery__ScanToken *tk, const char *sql, char c)
{
    return tk->end - tk->start == 1 && sql[tk->start] == c;
}

static bool is_comment(const PgQuery__ScanToken *tk)
{
    return tk->token == PG_QUERY__TOKEN__SQL_COMMENT || tk->token == PG_QUERY__TOKEN__C_COMMENT;
}

/* Brackets an expression's text must keep balanced: ( ) [ ] CASE END. */
static int bracket(const PgQuery__ScanToken *tk, const char *sql)
{
    if (is_char(tk, sql, '(') || is_char(tk, sql, '[') || tk->token == PG_QUERY__TOKEN__CASE)
        return 1;
    if (is_char(tk, sql, ')') || is_char(tk, sql, ']') || tk->token == PG_QUERY__TOKEN__END_P)
        return -1;
    return 0;
}

/* ===== parse tree helpers ===== */

static json_t *jget(json_t *o, const char *k)
{
    return json_object_get(o, k);
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int jint(json_t *o, const char *k, int def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

/* A node is {"Type": {...}}: its body, and its type in *type. */
static json_t *node_body(json_t *node, const char **type)
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

/* The body of node when it has type, else NULL. */
static json_t *as(json_t *node, const char *type)
{
    const char *t;
    json_t *b = node_body(node, &t);
    return b && strcmp(t, type) == 0 ? b : NULL;
}

/* An arm of UNION / INTERSECT / EXCEPT: a SelectStmt's body, unwrapped. */
static json_t *set_arm(json_t *sel, const char *key)
{
    json_t *arm = jget(sel, key);
    json_t *b = as(arm, "SelectStmt");
    return b ? b : arm;
}

static const char *sval(json_t *string_node)
{
    return jstr(as(string_node, "String"), "sval");
}

/* The last element of a name list: "sum" of pg_catalog.sum. */
static const char *last_name(json_t *names)
{
    size_t n = json_array_size(names);
    return n ? sval(json_array_get(names, n - 1)) : NULL;
}

/* Items of a list field, either a JSON array or {"List":{"items":[...]}}. */
static json_t *items(json_t *v)
{
    json_t *l = as(v, "List");
    return l ? jget(l, "items") : v;
}

static int param_number(json_t *node)
{
    json_t *p = as(node, "ParamRef");
    return p ? jint(p, "number", 0) : 0;
}

/* Highest ParamRef number in a tree. */
static void walk_params(json_t *j, int *maxp)
{
    if (json_is_object(j)) {
        int n = param_number(j);
        if (n > *maxp)
            *maxp = n;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) walk_params(v, maxp);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) walk_params(v, maxp);
    }
}

static json_t *parse_tree(const char *sql, ixt_err *e)
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

/* Calls f on every ColumnRef of a tree, not inside subqueries (a SubLink's
 * subselect has its own columns). */
typedef void (*colref_fn)(json_t *colref, void *ctx);

static void each_colref(json_t *j, colref_fn f, void *ctx)
{
    if (json_is_object(j)) {
        const char *type;
        json_t *b = node_body(j, &type);
        if (b && !strcmp(type, "ColumnRef")) {
            f(b, ctx);
            return;
        }
        if (b && !strcmp(type, "SubLink")) {
            each_colref(jget(b, "testexpr"), f, ctx);
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) each_colref(v, f, ctx);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) each_colref(v, f, ctx);
    }
}

static void count_colref(json_t *cr, void *ctx)
{
    (void)cr;
    (*(int *)ctx)++;
}

static int colref_count(json_t *node)
{
    int n = 0;
    each_colref(node, count_colref, &n);
    return n;
}

static bool is_star(json_t *colref)
{
    json_t *f = jget(colref, "fields");
    return as(json_array_get(f, json_array_size(f) - 1), "A_Star") != NULL;
}

/* Aggregates and window functions: an index cannot serve their results. */
static bool has_aggregate(json_t *j)
{
    static const char *const aggs[] = {"sum", "count", "avg", "min", "max", "array_agg", "string_agg",
                                       "bool_and", "bool_or", "every", "stddev", "variance", "json_agg",
                                       "jsonb_agg", "json_object_agg", "jsonb_object_agg"};
    if (json_is_object(j)) {
        json_t *f = as(j, "FuncCall");
        if (f) {
            const char *name = last_name(jget(f, "funcname"));
            if (jget(f, "over") || json_is_true(jget(f, "agg_star")))
                return true;
            for (size_t i = 0; name && i < sizeof aggs / sizeof aggs[0]; i++)
                if (!strcmp(name, aggs[i]))
                    return true;
        }
        if (as(j, "SubLink"))
            return false;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) if (has_aggregate(v)) return true;
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) if (has_aggregate(v)) return true;
    }
    return false;
}

/* ===== source text of a node ===== */

typedef struct intvec {
    int *v;
    int n, cap;
} intvec;

static void intvec_add(intvec *iv, int x)
{
    if (iv->n == iv->cap) {
        iv->cap = iv->cap ? iv->cap * 2 : 8;
        iv->v = ixt_xrealloc(iv->v, (size_t)iv->cap * sizeof *iv->v);
    }
    iv->v[iv->n++] = x;
}

/* Token range [*first, *last] of a node: from its first location to the
 * end of its last located token, then on to close the brackets it opened;
 * a function name whose parentheses hold nothing located (now(), count(*))
 * takes them too. */
static bool next_is(const tokens *t, int i, PgQuery__Token tok)
{
    return i + 1 < t->n && t->tk[i + 1]->token == tok;
}

/* The last token of a node that starts at token i, when the node has more
 * tokens than its location shows: r.created_at, -1, a type name
 * (public.mytype, double precision, timestamp with time zone, int[]). */
static int node_end(const tokens *t, const char *sql, const char *type, json_t *body, int i)
{
    if (!strcmp(type, "ColumnRef"))
        return i + 2 * ((int)json_array_size(jget(body, "fields")) - 1);
    if (!strcmp(type, "A_Const"))
        return is_char(t->tk[i], sql, '-') || is_char(t->tk[i], sql, '+') ? i + 1 : i;
    if (strcmp(type, "TypeName") != 0)
        return i;
    while (i + 2 < t->n && is_char(t->tk[i + 1], sql, '.'))
        i += 2;
    if (next_is(t, i, PG_QUERY__TOKEN__PRECISION) || next_is(t, i, PG_QUERY__TOKEN__VARYING))
        i++;
    if ((next_is(t, i, PG_QUERY__TOKEN__WITH) || next_is(t, i, PG_QUERY__TOKEN__WITHOUT)) &&
        next_is(t, i + 1, PG_QUERY__TOKEN__TIME) && next_is(t, i + 2, PG_QUERY__TOKEN__ZONE))
        i += 3;
    if (jget(body, "typmods") && i + 1 < t->n && is_char(t->tk[i + 1], sql, '('))
        for (int depth = 0; i + 1 < t->n;) {
            depth += bracket(t->tk[++i], sql);
            if (depth == 0)
                break;
        }
    for (size_t b = 0; b < json_array_size(jget(body, "arrayBounds")); b++) {
        while (i + 1 < t->n && !is_char(t->tk[i], sql, ']'))
            i++;
        if (b + 1 < json_array_size(jget(body, "arrayBounds")))
            i++;
    }
    return i;
}

/* The first location and the last token of a tree. */
static void walk_span(const tokens *t, const char *sql, json_t *j, int *lo, int *last)
{
    if (json_is_object(j)) {
        const char *type;
        json_t *b = node_body(j, &type);
        json_t *loc = jget(b ? b : j, "location");
        if (json_is_integer(loc) && json_integer_value(loc) >= 0) {
            int l = (int)json_integer_value(loc), i = token_at(t, l);
            if (*lo < 0 || l < *lo)
                *lo = l;
            if (i >= 0 && b)
                i = node_end(t, sql, type, b, i);
            else if (i >= 0 && jget(j, "names") && jget(j, "typemod")) /* a TypeName is written bare */
                i = node_end(t, sql, "TypeName", j, i);
            if (i >= t->n)
                i = t->n - 1;
            if (i > *last)
                *last = i;
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) walk_span(t, sql, v, lo, last);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) walk_span(t, sql, v, lo, last);
    }
}

static bool node_tokens(const tokens *t, const char *sql, json_t *node, int *first, int *last)
{
    int lo = -1, l = -1;
    if (!t->scan)
        return false;
    walk_span(t, sql, node, &lo, &l);
    int f = lo >= 0 ? token_at(t, lo) : -1;
    if (f < 0 || l < 0)
        return false;
    int depth = 0, low = 0;
    for (int i = f; i <= l; i++) {
        depth += bracket(t->tk[i], sql);
        low = depth < low ? depth : low;
    }
    /* "(meta->>'k')::int" starts at its first location, inside the "(" */
    for (int need = -low; need > 0 && f > 0;) {
        need -= bracket(t->tk[--f], sql);
        depth += bracket(t->tk[f], sql);
    }
    while (depth > 0 && l + 1 < t->n)
        depth += bracket(t->tk[++l], sql);
    if (l + 1 < t->n && is_char(t->tk[l + 1], sql, '(') &&
        (t->tk[l]->token == PG_QUERY__TOKEN__IDENT ||
         t->tk[l]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD)) {
        depth = 0;
        do
            depth += bracket(t->tk[++l], sql);
        while (depth > 0 && l + 1 < t->n);
    }
    *first = f;
    *last = l;
    return true;
}

static void add_qualifier(json_t *cr, void *ctx)
{
    int n = (int)json_array_size(jget(cr, "fields"));
    if (n > 1 && !is_star(cr)) {
        intvec_add(ctx, jint(cr, "location", -1));
        intvec_add(ctx, 2 * (n - 1)); /* "a" "." per qualifier */
    }
}

/* The node's source text, white space and comments between tokens made
 * one space; with strip, column qualifiers (r.created_at) are dropped, as
 * an index expression wants.  NULL when the node has no location. */
static char *node_text(const tokens *t, const char *sql, json_t *node, bool strip)
{
    int first, last;
    if (!node_tokens(t, sql, node, &first, &last))
        return NULL;
    intvec q = {0};
    if (strip)
        each_colref(node, add_qualifier, &q);
    ixt_buf b;
    ixt_buf_init(&b);
    bool space = false;
    int skip = 0;
    for (int i = first; i <= last; i++) {
        const PgQuery__ScanToken *tk = t->tk[i];
        if (i > first && tk->start > t->tk[i - 1]->end)
            space = true;
        for (int k = 0; k + 1 < q.n && !skip; k += 2)
            if (q.v[k] == tk->start)
                skip = q.v[k + 1];
        if (is_comment(tk) || skip) {
            if (skip)
                skip--;
            continue;
        }
        if (space && b.len)
            ixt_buf_addc(&b, ' ');
        space = false;
        ixt_buf_addn(&b, sql + tk->start, (size_t)(tk->end - tk->start));
    }
    free(q.v);
    return ixt_buf_take(&b);
}

/* ===== analysis ===== */

/* A name a column can be qualified with: a table (index in info->tables)
 * or, with table -1, a subquery, a CTE or a function in FROM. */
typedef struct ref {
    const char *name;
    int table;
} ref;

typedef struct scope {
    struct scope *up;  /* the enclosing query, for correlated subqueries */
    ref *refs;
    int nrefs, cap;
    json_t *targets;   /* the select list, for ORDER BY / GROUP BY by name or position */
} scope;

typedef struct actx {
    const char *sql;
    tokens tk;
    ixt_sql_info *info;
    int tcap, ucap;
    const char **ctes; /* CTE names in view (borrowed from the tree) */
    int nctes, ccap;
    bool writes;       /* a data-modifying CTE */
    bool pair;         /* resolving the columns of "a = b" */
} actx;

static void scope_add(scope *s, const char *name, int table)
{
    if (!name)
        return;
    if (s->nrefs == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->refs = ixt_xrealloc(s->refs, (size_t)s->cap * sizeof *s->refs);
    }
    s->refs[s->nrefs++] = (ref){name, table};
}

static bool is_cte(const actx *c, const char *name)
{
    for (int i = c->nctes - 1; i >= 0; i--)
        if (!strcmp(c->ctes[i], name))
            return true;
    return false;
}

static int add_table(actx *c, const char *schema, const char *name, const char *alias)
{
    ixt_sql_info *in = c->info;
    if (in->ntables == c->tcap) {
        c->tcap = c->tcap ? c->tcap * 2 : 8;
        in->tables = ixt_xrealloc(in->tables, (size_t)c->tcap * sizeof *in->tables);
    }
    in->tables[in->ntables] = (ixt_sql_table){ixt_xstrdup(schema), ixt_xstrdup(name), ixt_xstrdup(alias)};
    return in->ntables++;
}

/* A RangeVar in FROM, or a statement's target: a table unless it names a
 * CTE in view.  Returns its table index, -1 for a CTE. */
static int read_rangevar(actx *c, scope *s, json_t *rv)
{
    const char *schema = jstr(rv, "schemaname"), *name = jstr(rv, "relname");
    const char *alias = jstr(jget(rv, "alias"), "aliasname");
    if (!name)
        return -1;
    int t = !schema && is_cte(c, name) ? -1 : add_table(c, schema, name, alias);
    if (s)
        scope_add(s, alias ? alias : name, t);
    return t;
}

/* The only table of a query: an unqualified column there is that table's.
 * In a subquery, "a = b" may well join a column of the enclosing query
 * (l_orderkey = o_orderkey): there, with outer tables, -1 (the caller
 * resolves it with the catalog rather than this guessing). */
static int sole_table(const actx *c, const scope *s)
{
    if (s->nrefs != 1 || s->refs[0].table < 0)
        return -1;
    for (const scope *u = s->up; c->pair && u; u = u->up)
        if (u->nrefs > 0)
            return -1;
    return s->refs[0].table;
}

/* The table a column reference belongs to, by its qualifier (through the
 * enclosing queries) or as the only table.  -1 when unknown. */
static int resolve(const actx *c, const scope *s, json_t *colref, const char **column)
{
    json_t *fields = jget(colref, "fields");
    size_t n = json_array_size(fields);
    *column = n ? sval(json_array_get(fields, n - 1)) : NULL;
    if (n <= 1)
        return sole_table(c, s);
    const char *q = sval(json_array_get(fields, n - 2));
    const char *schema = n >= 3 ? sval(json_array_get(fields, n - 3)) : NULL;
    for (const scope *sc = s; q && sc; sc = sc->up)
        for (int i = 0; i < sc->nrefs; i++) {
            const ref *r = &sc->refs[i];
            if (strcmp(r->name, q) != 0)
                continue;
            if (schema && (r->table < 0 || !c->info->tables[r->table].schema ||
                           strcmp(c->info->tables[r->table].schema, schema) != 0))
                continue;
            return r->table;
        }
    return -1;
}

/* The indexed side of a predicate: a column, or an expression over columns
 * (of one table when they all resolve to it). */
typedef struct side {
    int table;
    const char *column; /* borrowed from the tree */
    char *expr;
} side;

typedef struct common_table {
    const actx *c;
    const scope *s;
    int table;  /* -2 before the first column */
} common_table;

static void common_table_of(json_t *cr, void *ctx)
{
    common_table *ct = ctx;
    const char *col;
    int t = resolve(ct->c, ct->s, cr, &col);
    ct->table = ct->table == -2 || ct->table == t ? t : -1;
}

static bool has_sublink(json_t *j)
{
    if (json_is_object(j)) {
        if (as(j, "SubLink"))
            return true;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) if (has_sublink(v)) return true;
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) if (has_sublink(v)) return true;
    }
    return false;
}

static bool side_of(actx *c, const scope *s, json_t *node, side *out)
{
    memset(out, 0, sizeof *out);
    out->table = -1;
    json_t *cr = as(node, "ColumnRef");
    if (cr) {
        if (is_star(cr))
            return false;
        out->table = resolve(c, s, cr, &out->column);
        return out->column != NULL;
    }
    if (!node || colref_count(node) == 0 || has_sublink(node) || has_aggregate(node))
        return false;
    common_table ct = {c, s, -2};
    each_colref(node, common_table_of, &ct);
    out->table = ct.table < 0 ? -1 : ct.table;
    out->expr = node_text(&c->tk, c->sql, node, out->table >= 0);
    return out->expr != NULL;
}

/* A value: no column of this query (a constant, a placeholder, now(), a
 * scalar subquery...). */
static bool is_value(json_t *node)
{
    return node && colref_count(node) == 0;
}

/* The placeholder a value is made of: $1, $1::int, lower($1). */
static int value_param(json_t *node)
{
    const char *type;
    json_t *b = node_body(node, &type);
    if (!b)
        return 0;
    if (!strcmp(type, "ParamRef"))
        return jint(b, "number", 0);
    if (!strcmp(type, "TypeCast"))
        return value_param(jget(b, "arg"));
    if (!strcmp(type, "FuncCall") && json_array_size(jget(b, "args")) == 1)
        return value_param(json_array_get(jget(b, "args"), 0));
    return 0;
}

static bool is_constant(json_t *node)
{
    json_t *tc = as(node, "TypeCast");
    json_t *k = as(tc ? jget(tc, "arg") : node, "A_Const");
    return k && !json_is_true(jget(k, "isnull"));
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static bool same_use(const ixt_col_use *a, const ixt_col_use *b)
{
    return a->kind == b->kind && a->opclass == b->opclass && a->clause == b->clause && a->param == b->param &&
           a->desc == b->desc && a->nulls_first == b->nulls_first && same_str(a->table, b->table) &&
           same_str(a->schema, b->schema) && same_str(a->column, b->column) && same_str(a->expr, b->expr) &&
           same_str(a->constant, b->constant) && same_str(a->op, b->op);
}

static void use_free(ixt_col_use *u)
{
    free(u->table);
    free(u->schema);
    free(u->column);
    free(u->expr);
    free(u->constant);
    free(u->op);
}

/* Appends a use of side sd (its expr is copied); returns it, or the equal
 * one already there. */
static ixt_col_use *add_use(actx *c, const side *sd, ixt_use_kind kind, ixt_op_class opc, ixt_sql_clause cl,
                            const char *op, int param, char *constant /* taken */, bool desc, bool nulls_first)
{
    ixt_sql_info *in = c->info;
    ixt_col_use u = {0};
    const ixt_sql_table *t = sd->table >= 0 ? &in->tables[sd->table] : NULL;
    u.table = ixt_xstrdup(t ? t->name : NULL);
    u.schema = ixt_xstrdup(t ? t->schema : NULL);
    u.column = ixt_xstrdup(sd->column);
    u.expr = ixt_xstrdup(sd->expr);
    u.kind = kind;
    u.opclass = opc;
    u.clause = cl;
    u.op = ixt_xstrdup(op);
    u.param = param;
    u.constant = constant;
    u.desc = desc;
    u.nulls_first = nulls_first;
    for (int i = 0; i < in->nuses; i++)
        if (same_use(&in->uses[i], &u)) {
            use_free(&u);
            return &in->uses[i];
        }
    if (in->nuses == c->ucap) {
        c->ucap = c->ucap ? c->ucap * 2 : 16;
        in->uses = ixt_xrealloc(in->uses, (size_t)c->ucap * sizeof *in->uses);
    }
    in->uses[in->nuses] = u;
    return &in->uses[in->nuses++];
}

/* Notes what $n is compared with: the first comparison with a known
 * column wins. */
static void map_param(actx *c, int n, const side *sd, const char *op)
{
    ixt_sql_info *in = c->info;
    if (n < 1 || n > in->nparams)
        return;
    ixt_sql_param *p = &in->params[n - 1];
    if (p->op && (p->column || !sd || !sd->column))
        return;
    free(p->schema);
    free(p->table);
    free(p->column);
    free(p->expr);
    free(p->op);
    const ixt_sql_table *t = sd && sd->table >= 0 ? &in->tables[sd->table] : NULL;
    p->schema = ixt_xstrdup(t ? t->schema : NULL);
    p->table = ixt_xstrdup(t ? t->name : NULL);
    p->column = ixt_xstrdup(sd ? sd->column : NULL);
    p->expr = ixt_xstrdup(sd ? sd->expr : NULL);
    p->op = ixt_xstrdup(op);
}

/* When the expression of a side has one column, $n compared with it gets
 * that column for value suggestions: lower(email) = lower($1). */
typedef struct first_col {
    const actx *c;
    const scope *s;
    int n, table;
    const char *column;
} first_col;

static void note_first_col(json_t *cr, void *ctx)
{
    first_col *fc = ctx;
    if (fc->n++ == 0)
        fc->table = resolve(fc->c, fc->s, cr, &fc->column);
}

static void map_param_side(actx *c, const scope *s, int n, json_t *node, const side *sd, const char *op)
{
    if (!sd->expr) {
        map_param(c, n, sd, op);
        return;
    }
    first_col fc = {c, s, 0, -1, NULL};
    each_colref(node, note_first_col, &fc);
    side one = {fc.n == 1 ? fc.table : sd->table, fc.n == 1 ? fc.column : NULL, sd->expr};
    map_param(c, n, &one, op);
}

static void analyze_select(actx *c, json_t *sel, scope *up, bool top);
static void walk_expr(actx *c, scope *s, json_t *node, bool conj, ixt_sql_clause cl);

static const char *commute(const char *op)
{
    static const char *const pairs[][2] = {{"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="},
                                           {"@>", "<@"}, {"<@", "@>"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(op, pairs[i][0]))
            return pairs[i][1];
    return op;
}

static ixt_op_class op_class(const char *op)
{
    static const char *const contains[] = {"@>", "<@", "?", "?|", "?&", "&&", "@@", "@?"};
    if (!strcmp(op, "="))
        return IXT_OP_EQ;
    if (!strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "<=") || !strcmp(op, ">="))
        return IXT_OP_RANGE;
    for (size_t i = 0; i < sizeof contains / sizeof contains[0]; i++)
        if (!strcmp(op, contains[i]))
            return IXT_OP_CONTAINS;
    return IXT_OP_OTHER;
}

/* side OP value. */
static void use_compare(actx *c, scope *s, json_t *col, const side *sd, json_t *value, const char *op, bool conj,
                        ixt_sql_clause cl)
{
    int p = value_param(value);
    map_param_side(c, s, p, col, sd, op);
    if (!conj || !strcmp(op, "<>") || !strcmp(op, "!="))
        return;
    ixt_op_class opc = op_class(op);
    ixt_use_kind kind = opc == IXT_OP_RANGE ? IXT_USE_RANGE : IXT_USE_EQ;
    char *k = opc == IXT_OP_EQ && is_constant(value) ? node_text(&c->tk, c->sql, value, false) : NULL;
    add_use(c, sd, kind, opc, cl, op, p, k, false, false);
}

static bool plain_column(json_t *node)
{
    json_t *cr = as(node, "ColumnRef");
    return cr && !is_star(cr);
}

static void read_op(actx *c, scope *s, json_t *l, json_t *r, const char *op, bool conj, ixt_sql_clause cl)
{
    side a;
    if (is_value(r) && side_of(c, s, l, &a)) {
        use_compare(c, s, l, &a, r, op, conj, cl);
        free(a.expr);
    } else if (is_value(l) && side_of(c, s, r, &a)) {
        use_compare(c, s, r, &a, l, commute(op), conj, cl);
        free(a.expr);
    } else if (conj && !strcmp(op, "=") && plain_column(l) && plain_column(r)) {
        side b;
        c->pair = true;
        side_of(c, s, l, &a);
        side_of(c, s, r, &b);
        c->pair = false;
        /* two columns of one table (l_commitdate < l_receiptdate) are no join */
        if (a.table < 0 || b.table < 0 || a.table != b.table) {
            add_use(c, &a, IXT_USE_JOIN, IXT_OP_JOIN, cl, "=", 0, NULL, false, false);
            add_use(c, &b, IXT_USE_JOIN, IXT_OP_JOIN, cl, "=", 0, NULL, false, false);
        }
    }
}

/* x IN (...), x = ANY(...), x BETWEEN a AND b, x LIKE p: the placeholders
 * of the list are mapped with map_op; with record (and conj) a use. */
typedef struct list_op {
    const char *map_op, *use_op;
    ixt_op_class opc;
    ixt_use_kind kind;
    bool record;
} list_op;

static void read_list_op(actx *c, scope *s, json_t *l, json_t *list, const list_op *lo, bool conj,
                         ixt_sql_clause cl)
{
    side a;
    json_t *vals = items(list);
    size_t i;
    json_t *v;
    if (json_is_array(vals)) {
        json_array_foreach(vals, i, v) if (!is_value(v)) return;
    } else if (!is_value(list)) {
        return;
    }
    if (!side_of(c, s, l, &a))
        return;
    int first = 0;
    if (json_is_array(vals)) {
        json_array_foreach(vals, i, v) {
            int p = value_param(v);
            map_param_side(c, s, p, l, &a, lo->map_op);
            first = first ? first : p;
        }
    } else {
        first = value_param(list);
        map_param_side(c, s, first, l, &a, lo->map_op);
    }
    if (conj && lo->record)
        add_use(c, &a, lo->kind, lo->opc, cl, lo->use_op, first, NULL, false, false);
    free(a.expr);
}

/* LIKE 'abc%' is a btree range; '%abc', ILIKE and an unknown pattern are
 * not (a trigram index might serve them: kept with their operator). */
static void read_like(actx *c, scope *s, json_t *b, const char *op, bool conj, ixt_sql_clause cl)
{
    bool negated = op[0] == '!';
    bool ilike = strchr(op, '*') != NULL;
    json_t *k = as(jget(b, "rexpr"), "A_Const");
    const char *pat = k ? jstr(jget(k, "sval"), "sval") : NULL;
    bool prefix = !ilike && pat && pat[0] && pat[0] != '%' && pat[0] != '_';
    list_op lo = {ilike ? "ILIKE" : "LIKE", ilike ? "~~*" : "~~", prefix ? IXT_OP_LIKE_PREFIX : IXT_OP_LIKE,
                  prefix ? IXT_USE_RANGE : IXT_USE_EQ, !negated};
    read_list_op(c, s, jget(b, "lexpr"), jget(b, "rexpr"), &lo, conj, cl);
}

static void read_aexpr(actx *c, scope *s, json_t *b, bool conj, ixt_sql_clause cl)
{
    const char *kind = jstr(b, "kind");
    const char *op = last_name(jget(b, "name"));
    json_t *l = jget(b, "lexpr"), *r = jget(b, "rexpr");
    if (!kind || !op || !l || !r)
        return;
    if (!strcmp(kind, "AEXPR_OP")) {
        read_op(c, s, l, r, op, conj, cl);
    } else if (!strcmp(kind, "AEXPR_IN")) {
        bool in = !strcmp(op, "=");
        list_op lo = {in ? "IN" : "NOT IN", "=", IXT_OP_IN, IXT_USE_EQ, in};
        read_list_op(c, s, l, r, &lo, conj, cl);
    } else if (!strcmp(kind, "AEXPR_OP_ANY")) {
        bool eq = !strcmp(op, "=");
        list_op lo = {eq ? "= ANY" : op, "=", IXT_OP_ANY, IXT_USE_EQ, eq};
        read_list_op(c, s, l, r, &lo, conj, cl);
    } else if (!strncmp(kind, "AEXPR_BETWEEN", 13) || !strncmp(kind, "AEXPR_NOT_BETWEEN", 17)) {
        bool not = !strncmp(kind, "AEXPR_NOT", 9);
        list_op lo = {not ? "NOT BETWEEN" : "BETWEEN", "BETWEEN", IXT_OP_BETWEEN, IXT_USE_RANGE, !not};
        read_list_op(c, s, l, r, &lo, conj, cl);
    } else if (!strcmp(kind, "AEXPR_LIKE") || !strcmp(kind, "AEXPR_ILIKE")) {
        read_like(c, s, b, op, conj, cl);
    } else if (!strcmp(kind, "AEXPR_NOT_DISTINCT") || !strcmp(kind, "AEXPR_DISTINCT")) {
        read_op(c, s, l, r, "<>", false, cl); /* not indexable: the placeholder's column only */
    }
}

/* Every node of a tree that is not handled by type: its children. */
static void walk_children(actx *c, scope *s, json_t *j)
{
    if (json_is_object(j)) {
        const char *type;
        if (node_body(j, &type) && type[0] >= 'A' && type[0] <= 'Z') {
            walk_expr(c, s, j, false, IXT_CLAUSE_WHERE);
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) walk_children(c, s, v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) walk_children(c, s, v);
    }
}

static void bool_column(actx *c, scope *s, json_t *node, bool value, ixt_sql_clause cl)
{
    side a;
    if (side_of(c, s, node, &a) && a.column)
        add_use(c, &a, IXT_USE_EQ, IXT_OP_BOOL, cl, "=", 0, ixt_xstrdup(value ? "true" : "false"), false, false);
    free(a.expr);
}

/* An expression of a WHERE / ON: with conj, one of the conditions ANDed at
 * the top, whose column uses an index can serve; without, only its
 * placeholders and subqueries are looked at. */
static void walk_expr(actx *c, scope *s, json_t *node, bool conj, ixt_sql_clause cl)
{
    const char *type;
    json_t *b = node_body(node, &type);
    if (!b)
        return;
    if (!strcmp(type, "BoolExpr")) {
        const char *op = jstr(b, "boolop");
        bool and = op && !strcmp(op, "AND_EXPR");
        json_t *args = jget(b, "args");
        if (conj && op && !strcmp(op, "NOT_EXPR") && plain_column(json_array_get(args, 0)))
            bool_column(c, s, json_array_get(args, 0), false, cl);
        size_t i;
        json_t *a;
        json_array_foreach(args, i, a) walk_expr(c, s, a, conj && and, cl);
    } else if (!strcmp(type, "A_Expr")) {
        read_aexpr(c, s, b, conj, cl);
        walk_children(c, s, jget(b, "lexpr"));
        walk_children(c, s, jget(b, "rexpr"));
    } else if (!strcmp(type, "NullTest")) {
        side a;
        bool isnull = same_str(jstr(b, "nulltesttype"), "IS_NULL");
        if (conj && side_of(c, s, jget(b, "arg"), &a)) {
            add_use(c, &a, IXT_USE_NULL, isnull ? IXT_OP_IS_NULL : IXT_OP_NOT_NULL, cl,
                    isnull ? "IS NULL" : "IS NOT NULL", 0, NULL, false, false);
            free(a.expr);
        }
        walk_children(c, s, jget(b, "arg"));
    } else if (!strcmp(type, "SubLink")) {
        const char *lt = jstr(b, "subLinkType");
        json_t *test = jget(b, "testexpr");
        side a;
        if (conj && lt && !strcmp(lt, "ANY_SUBLINK") && !jget(b, "operName") && side_of(c, s, test, &a)) {
            add_use(c, &a, IXT_USE_EQ, IXT_OP_IN, cl, "IN", 0, NULL, false, false);
            free(a.expr);
        }
        walk_children(c, s, test);
        json_t *sub = as(jget(b, "subselect"), "SelectStmt");
        if (sub)
            analyze_select(c, sub, s, false);
    } else if (!strcmp(type, "ColumnRef")) {
        if (conj && !is_star(b))
            bool_column(c, s, node, true, cl);
    } else if (!strcmp(type, "SelectStmt")) {
        analyze_select(c, b, s, false);
    } else {
        walk_children(c, s, b);
    }
}

/* FROM items: tables, joins (their ON and USING), subqueries. */
static void read_from(actx *c, scope *s, json_t *item)
{
    const char *type;
    json_t *b = node_body(item, &type);
    if (!b)
        return;
    if (!strcmp(type, "RangeVar")) {
        read_rangevar(c, s, b);
    } else if (!strcmp(type, "JoinExpr")) {
        int before = s->nrefs;
        read_from(c, s, jget(b, "larg"));
        int mid = s->nrefs;
        read_from(c, s, jget(b, "rarg"));
        walk_expr(c, s, jget(b, "quals"), true, IXT_CLAUSE_ON);
        size_t i;
        json_t *u;
        json_array_foreach(jget(b, "usingClause"), i, u) {
            /* each side's column is that side's table when it has one */
            side l = {mid - before == 1 ? s->refs[before].table : -1, sval(u), NULL};
            side r = {s->nrefs - mid == 1 ? s->refs[mid].table : -1, sval(u), NULL};
            if (l.column) {
                add_use(c, &l, IXT_USE_JOIN, IXT_OP_JOIN, IXT_CLAUSE_ON, "=", 0, NULL, false, false);
                add_use(c, &r, IXT_USE_JOIN, IXT_OP_JOIN, IXT_CLAUSE_ON, "=", 0, NULL, false, false);
            }
        }
    } else if (!strcmp(type, "RangeSubselect")) {
        json_t *sub = as(jget(b, "subquery"), "SelectStmt");
        /* a LATERAL subquery sees the FROM items before it */
        if (sub)
            analyze_select(c, sub, json_is_true(jget(b, "lateral")) ? s : s->up, false);
        scope_add(s, jstr(jget(b, "alias"), "aliasname"), -1);
    } else if (!strcmp(type, "RangeFunction")) {
        walk_children(c, s, jget(b, "functions"));
        scope_add(s, jstr(jget(b, "alias"), "aliasname"), -1);
    } else if (!strcmp(type, "RangeTableSample")) {
        read_from(c, s, jget(b, "relation"));
    }
}

/* The select-list entry an ORDER BY / GROUP BY item names: by position
 * (ORDER BY 1) or by an output name that is not a plain column of the same
 * name (ORDER BY revenue).  NULL when it names none. */
static json_t *target_for(const scope *s, json_t *node)
{
    json_t *k = as(node, "A_Const");
    if (k && jget(k, "ival")) {
        int pos = jint(jget(k, "ival"), "ival", 0);
        json_t *rt = as(json_array_get(s->targets, (size_t)pos - 1), "ResTarget");
        return rt ? jget(rt, "val") : NULL;
    }
    json_t *cr = as(node, "ColumnRef");
    if (!cr || json_array_size(jget(cr, "fields")) != 1)
        return NULL;
    const char *name = sval(json_array_get(jget(cr, "fields"), 0));
    size_t i;
    json_t *t;
    json_array_foreach(s->targets, i, t) {
        json_t *rt = as(t, "ResTarget");
        if (!name || !same_str(jstr(rt, "name"), name))
            continue;
        json_t *val = jget(rt, "val"), *vc = as(val, "ColumnRef");
        size_t nf = vc ? json_array_size(jget(vc, "fields")) : 0;
        if (vc && same_str(sval(json_array_get(jget(vc, "fields"), nf - 1)), name))
            return NULL;
        return val;
    }
    return NULL;
}

static void read_sort(actx *c, scope *s, json_t *list)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *sb = as(item, "SortBy");
        json_t *node = jget(sb, "node"), *t = target_for(s, node);
        side a;
        if (!side_of(c, s, t ? t : node, &a))
            continue;
        bool desc = same_str(jstr(sb, "sortby_dir"), "SORTBY_DESC");
        const char *nulls = jstr(sb, "sortby_nulls");
        bool first = nulls && strcmp(nulls, "SORTBY_NULLS_DEFAULT") != 0 ? !strcmp(nulls, "SORTBY_NULLS_FIRST")
                                                                          : desc;
        add_use(c, &a, IXT_USE_SORT, IXT_OP_NONE, IXT_CLAUSE_ORDER, "", 0, NULL, desc, first);
        free(a.expr);
    }
}

static void read_group(actx *c, scope *s, json_t *list)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *t = target_for(s, item);
        side a;
        if (!side_of(c, s, t ? t : item, &a))
            continue;
        add_use(c, &a, IXT_USE_GROUP, IXT_OP_NONE, IXT_CLAUSE_GROUP, "", 0, NULL, false, false);
        free(a.expr);
    }
}

typedef struct out_ctx {
    actx *c;
    scope *s;
    bool top;
} out_ctx;

static void output_col(json_t *cr, void *ctx)
{
    out_ctx *o = ctx;
    if (is_star(cr)) {
        o->c->info->select_star |= o->top;
        return;
    }
    side a = {-1, NULL, NULL};
    a.table = resolve(o->c, o->s, cr, &a.column);
    if (a.column)
        add_use(o->c, &a, IXT_USE_OUTPUT, IXT_OP_NONE, IXT_CLAUSE_SELECT, "", 0, NULL, false, false);
}

/* The select list: every column it reads (what an index-only scan needs). */
static void read_targets(actx *c, scope *s, json_t *list, bool top)
{
    out_ctx o = {c, s, top};
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *val = jget(as(item, "ResTarget"), "val");
        each_colref(val, output_col, &o);
        walk_children(c, s, val);
    }
}

static void analyze_stmt(actx *c, const char *type, json_t *b, scope *up);

/* WITH: the names come into view (for the rest of the statement and the
 * CTEs themselves: RECURSIVE); each query is analyzed on its own.  Returns
 * the mark to restore. */
static int read_ctes(actx *c, json_t *with, scope *up)
{
    int mark = c->nctes;
    size_t i;
    json_t *cte;
    json_array_foreach(jget(with, "ctes"), i, cte) {
        const char *name = jstr(as(cte, "CommonTableExpr"), "ctename");
        if (!name)
            continue;
        if (c->nctes == c->ccap) {
            c->ccap = c->ccap ? c->ccap * 2 : 8;
            c->ctes = ixt_xrealloc(c->ctes, (size_t)c->ccap * sizeof *c->ctes);
        }
        c->ctes[c->nctes++] = name;
    }
    json_array_foreach(jget(with, "ctes"), i, cte) {
        const char *type;
        json_t *q = node_body(jget(as(cte, "CommonTableExpr"), "ctequery"), &type);
        if (!q)
            continue;
        if (!strcmp(type, "SelectStmt")) {
            analyze_select(c, q, up, false);
        } else {
            c->writes = true; /* a data-modifying CTE */
            analyze_stmt(c, type, q, up);
        }
    }
    return mark;
}

static void analyze_select(actx *c, json_t *sel, scope *up, bool top)
{
    int mark = read_ctes(c, jget(sel, "withClause"), up);
    json_t *larg = set_arm(sel, "larg");
    if (larg) { /* UNION / INTERSECT / EXCEPT */
        analyze_select(c, larg, up, top);
        analyze_select(c, set_arm(sel, "rarg"), up, top);
    } else {
        scope s = {.up = up, .targets = jget(sel, "targetList")};
        size_t i;
        json_t *item;
        json_array_foreach(jget(sel, "fromClause"), i, item) read_from(c, &s, item);
        walk_expr(c, &s, jget(sel, "whereClause"), true, IXT_CLAUSE_WHERE);
        read_group(c, &s, jget(sel, "groupClause"));
        read_sort(c, &s, jget(sel, "sortClause"));
        walk_children(c, &s, jget(sel, "havingClause"));
        read_targets(c, &s, jget(sel, "targetList"), top);
        walk_children(c, &s, jget(sel, "valuesLists"));
        free(s.refs);
    }
    if (json_array_size(jget(sel, "lockingClause")))
        c->info->has_locking = true;
    if (jget(sel, "limitCount"))
        c->info->has_limit = true;
    c->nctes = mark;
}

/* INSERT ... VALUES: each placeholder is the column it goes into. */
static void map_values(actx *c, int table, json_t *cols, json_t *values_lists)
{
    size_t i, j;
    json_t *row, *v;
    json_array_foreach(values_lists, i, row) {
        json_array_foreach(items(row), j, v) {
            int p = value_param(v);
            side sd = {table, jstr(as(json_array_get(cols, j), "ResTarget"), "name"), NULL};
            if (p && sd.column)
                map_param(c, p, &sd, "SET");
        }
    }
}

/* UPDATE ... SET col = $1 */
static void map_set(actx *c, scope *s, int table, json_t *targets)
{
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) {
        json_t *rt = as(t, "ResTarget");
        side sd = {table, jstr(rt, "name"), NULL};
        int p = value_param(jget(rt, "val"));
        if (p && sd.column)
            map_param(c, p, &sd, "SET");
        walk_children(c, s, jget(rt, "val"));
    }
}

static void analyze_stmt(actx *c, const char *type, json_t *b, scope *up)
{
    if (!strcmp(type, "SelectStmt")) {
        analyze_select(c, b, up, up == NULL);
        return;
    }
    int mark = read_ctes(c, jget(b, "withClause"), up);
    scope s = {.up = up};
    if (!strcmp(type, "UpdateStmt") || !strcmp(type, "DeleteStmt")) {
        int t = read_rangevar(c, &s, jget(b, "relation"));
        size_t i;
        json_t *item;
        json_array_foreach(jget(b, !strcmp(type, "UpdateStmt") ? "fromClause" : "usingClause"), i, item)
            read_from(c, &s, item);
        walk_expr(c, &s, jget(b, "whereClause"), true, IXT_CLAUSE_WHERE);
        map_set(c, &s, t, jget(b, "targetList"));
        walk_children(c, &s, jget(b, "returningList"));
    } else if (!strcmp(type, "InsertStmt")) {
        int t = read_rangevar(c, NULL, jget(b, "relation"));
        json_t *sel = as(jget(b, "selectStmt"), "SelectStmt");
        if (sel && jget(sel, "valuesLists"))
            map_values(c, t, jget(b, "cols"), jget(sel, "valuesLists"));
        if (sel)
            analyze_select(c, sel, up, false);
        scope_add(&s, jstr(jget(jget(b, "relation"), "alias"), "aliasname"), t);
        scope_add(&s, jstr(jget(b, "relation"), "relname"), t);
        json_t *oc = jget(b, "onConflictClause");
        map_set(c, &s, t, jget(oc, "targetList"));
        walk_children(c, &s, jget(oc, "whereClause"));
    } else if (!strcmp(type, "MergeStmt")) {
        int t = read_rangevar(c, &s, jget(b, "relation"));
        read_from(c, &s, jget(b, "sourceRelation"));
        walk_expr(c, &s, jget(b, "joinCondition"), true, IXT_CLAUSE_ON);
        size_t i;
        json_t *w;
        json_array_foreach(jget(b, "mergeWhenClauses"), i, w) {
            json_t *mw = as(w, "MergeWhenClause");
            walk_children(c, &s, jget(mw, "condition"));
            map_set(c, &s, t, jget(mw, "targetList"));
            walk_children(c, &s, jget(mw, "values"));
        }
    }
    free(s.refs);
    c->nctes = mark;
}

static ixt_sql_kind kind_of(const char *type)
{
    static const struct { const char *type; ixt_sql_kind kind; } kinds[] = {
        {"SelectStmt", IXT_SQL_SELECT}, {"InsertStmt", IXT_SQL_INSERT}, {"UpdateStmt", IXT_SQL_UPDATE},
        {"DeleteStmt", IXT_SQL_DELETE}, {"MergeStmt", IXT_SQL_MERGE},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(type, kinds[i].type))
            return kinds[i].kind;
    return IXT_SQL_UTILITY;
}

ixt_sql_info *ixt_sql_analyze(const char *sql, ixt_err *e)
{
    if (!sql)
        return ixt_err_set(e, "no statement"), NULL;
    json_t *doc = parse_tree(sql, e);
    if (!doc)
        return NULL;
    actx c = {.sql = sql};
    c.info = ixt_xcalloc(1, sizeof *c.info);
    (void)scan(sql, &c.tk, NULL); /* without tokens no source texts, the rest still works */
    json_t *stmts = jget(doc, "stmts");
    walk_params(stmts, &c.info->nparams);
    c.info->params = ixt_xcalloc((size_t)c.info->nparams + 1, sizeof *c.info->params);
    const char *type = NULL;
    json_t *b = node_body(jget(json_array_get(stmts, 0), "stmt"), &type);
    if (json_array_size(stmts) > 1)
        c.info->kind = IXT_SQL_MULTIPLE;
    else
        c.info->kind = b ? kind_of(type) : IXT_SQL_UTILITY;
    if (json_array_size(stmts) == 1 && b && c.info->kind != IXT_SQL_UTILITY)
        analyze_stmt(&c, type, b, NULL);
    c.info->read_only = c.info->kind == IXT_SQL_SELECT && !c.info->has_locking && !c.writes &&
                        !jget(b, "intoClause");
    scan_free(&c.tk);
    free(c.ctes);
    json_decref(doc);
    return c.info;
}

void ixt_sql_info_free(ixt_sql_info *in)
{
    if (!in)
        return;
    for (int i = 0; i < in->ntables; i++) {
        free(in->tables[i].schema);
        free(in->tables[i].name);
        free(in->tables[i].alias);
    }
    for (int i = 0; i < in->nuses; i++)
        use_free(&in->uses[i]);
    for (int i = 0; in->params && i < in->nparams; i++) {
        ixt_sql_param *p = &in->params[i];
        free(p->schema);
        free(p->table);
        free(p->column);
        free(p->expr);
        free(p->op);
    }
    free(in->params);
    free(in->tables);
    free(in->uses);
    free(in);
}

const ixt_sql_param *ixt_sql_param_target(const ixt_sql_info *in, int n)
{
    if (!in || !in->params || n < 1 || n > in->nparams || !in->params[n - 1].column)
        return NULL;
    return &in->params[n - 1];
}

const char *ixt_sql_kind_name(ixt_sql_kind k)
{
    static const char *const names[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "utility",
                                        "multiple"};
    return (unsigned)k <= IXT_SQL_MULTIPLE ? names[k] : "?";
}

int ixt_sql_check(const char *sql, int *cursor, int *byte, ixt_err *e)
{
    if (cursor)
        *cursor = 0;
    if (byte)
        *byte = -1;
    PgQueryParseResult r = pg_query_parse(sql ? sql : "");
    if (!r.error) {
        pg_query_free_parse_result(r);
        return 0;
    }
    int pos = r.error->cursorpos;
    ixt_err_set(e, "%s", r.error->message);
    pg_query_free_parse_result(r);
    if (cursor)
        *cursor = pos;
    if (byte && pos > 0) {
        /* the parser counts characters (UTF-8) from 1 */
        int b = 0;
        for (int ch = 1; ch < pos && sql[b]; ch++)
            while (sql[++b] && ((unsigned char)sql[b] & 0xC0) == 0x80) {}
        *byte = b;
    }
    return -1;
}

uint64_t ixt_sql_fingerprint(const char *sql)
{
    if (!sql)
        return 0;
    PgQueryFingerprintResult r = pg_query_fingerprint(sql);
    uint64_t fp = r.error ? 0 : r.fingerprint;
    pg_query_free_fingerprint_result(r);
    return fp;
}

/* ===== making normalized texts plannable ===== */

/* An edit of the text: bytes [start, end) become text. */
typedef struct edit {
    int start, end;
    char *text;
} edit;

typedef struct pctx {
    const char *sql;
    tokens tk;
    edit *ed;
    int ned, cap;
    int maxp;
    int *count;        /* [maxp + 1]: occurrences of each $n */
    bool *removed;     /* [maxp + 1]: $n replaced by a literal */
    const char **numeric_names; /* output names used as numbers (borrowed) */
    int nnames, ncap;
} pctx;

static void add_edit(pctx *p, int start, int end, char *text /* taken */)
{
    for (int i = 0; i < p->ned; i++)
        if (p->ed[i].start == start && p->ed[i].end == end) {
            free(text); /* the same placeholder cast twice */
            return;
        }
    if (p->ned == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->ed = ixt_xrealloc(p->ed, (size_t)p->cap * sizeof *p->ed);
    }
    p->ed[p->ned++] = (edit){start, end, text};
}

/* Appends ::type to the placeholder node: a guess, so only for a
 * placeholder used once (elsewhere its use may say otherwise). */
static void cast_param_node(pctx *p, json_t *param, const char *type)
{
    int i = token_at(&p->tk, jint(as(param, "ParamRef"), "location", -1));
    int n = param_number(param);
    if (i >= 0 && n > 0 && n <= p->maxp && p->count[n] == 1)
        add_edit(p, p->tk.tk[i]->end, p->tk.tk[i]->end, ixt_xasprintf("::%s", type));
}

/* Replaces the placeholder node by a literal; its number goes when it was
 * its only use. */
static void literal_for_param(pctx *p, json_t *param, const char *literal)
{
    int i = token_at(&p->tk, jint(as(param, "ParamRef"), "location", -1));
    int n = param_number(param);
    if (i < 0)
        return;
    add_edit(p, p->tk.tk[i]->start, p->tk.tk[i]->end, ixt_xstrdup(literal));
    if (n > 0 && n <= p->maxp && p->count[n] == 1)
        p->removed[n] = true;
}

/* "date $1": the typed-literal syntax wants a string, the placeholder takes
 * a cast instead: "$1::date".  An interval's qualifier after it stays
 * ("$2::interval day" is a type name too). */
static void typed_literal(pctx *p, json_t *tc)
{
    json_t *param = jget(tc, "arg"), *tn = jget(tc, "typeName");
    int ploc = jint(as(param, "ParamRef"), "location", -1), tloc = jint(tn, "location", -1);
    int pi = token_at(&p->tk, ploc), ti = token_at(&p->tk, tloc);
    if (pi <= 0 || ti < 0 || ti >= pi)
        return;
    int ts = p->tk.tk[ti]->start, te = p->tk.tk[pi - 1]->end;
    int ps = p->tk.tk[pi]->start, pe = p->tk.tk[pi]->end;
    add_edit(p, ts, pe, ixt_xasprintf("%.*s::%.*s", pe - ps, p->sql + ps, te - ts, p->sql + ts));
}

static bool bare_param(json_t *node)
{
    return as(node, "ParamRef") != NULL;
}

/* A CASE whose results are all placeholders (or NULL) has no type but
 * text: in a number's place its placeholders are cast. */
static void numeric_case(pctx *p, json_t *node)
{
    json_t *ce = as(node, "CaseExpr");
    if (!ce)
        return;
    size_t i;
    json_t *w;
    json_array_foreach(jget(ce, "args"), i, w) {
        json_t *r = jget(as(w, "CaseWhen"), "result");
        json_t *k = as(r, "A_Const");
        if (!bare_param(r) && !(k && json_is_true(jget(k, "isnull"))) && !as(r, "CaseExpr"))
            return;
    }
    json_t *d = jget(ce, "defresult");
    if (d && !bare_param(d) && !as(d, "A_Const") && !as(d, "CaseExpr"))
        return;
    json_array_foreach(jget(ce, "args"), i, w) {
        json_t *r = jget(as(w, "CaseWhen"), "result");
        if (bare_param(r))
            cast_param_node(p, r, "numeric");
        numeric_case(p, r);
    }
    if (bare_param(d))
        cast_param_node(p, d, "numeric");
    numeric_case(p, d);
}

/* In a number's place: a placeholder, or a CASE of placeholders. */
static void numeric_operand(pctx *p, json_t *node)
{
    if (bare_param(node))
        cast_param_node(p, node, "numeric");
    else
        numeric_case(p, node);
}

static bool arith_op(const char *op)
{
    return op && (!strcmp(op, "+") || !strcmp(op, "-") || !strcmp(op, "*") || !strcmp(op, "/") ||
                  !strcmp(op, "%") || !strcmp(op, "^"));
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(name, list[i]))
            return true;
    return false;
}

static const char *const NUMERIC_AGGS[] = {"sum", "avg", "stddev", "stddev_pop", "stddev_samp",
                                           "variance", "var_pop", "var_samp"};

static void fix_call(pctx *p, json_t *f)
{
    const char *name = last_name(jget(f, "funcname"));
    json_t *args = jget(f, "args"), *a0 = json_array_get(args, 0);
    size_t i;
    json_t *a;
    if (!name)
        return;
    /* the field must be written out; any valid one plans the same */
    if ((!strcmp(name, "extract") || !strcmp(name, "date_part")) && bare_param(a0))
        literal_for_param(p, a0, "'epoch'");
    else if (!strcmp(name, "date_trunc") && bare_param(a0))
        literal_for_param(p, a0, "'day'");
    else if (in_list(name, NUMERIC_AGGS, sizeof NUMERIC_AGGS / sizeof NUMERIC_AGGS[0]))
        json_array_foreach(args, i, a) numeric_operand(p, a);
    else if ((!strcmp(name, "min") || !strcmp(name, "max")) && bare_param(a0))
        cast_param_node(p, a0, "text");
}

static void fix_aexpr(pctx *p, json_t *b)
{
    json_t *l = jget(b, "lexpr"), *r = jget(b, "rexpr");
    if (!same_str(jstr(b, "kind"), "AEXPR_OP") || !arith_op(last_name(jget(b, "name"))))
        return;
    /* "$8 + $9", "- $1": no operator for unknown types */
    if ((bare_param(l) || !l) && bare_param(r)) {
        if (l)
            cast_param_node(p, l, "numeric");
        cast_param_node(p, r, "numeric");
    }
    numeric_case(p, l);
    numeric_case(p, r);
}

/* Names of output columns (of subqueries and CTEs) used as numbers: in
 * arithmetic, in sum/avg, compared with a number. */
static void note_numeric_name(pctx *p, json_t *node)
{
    json_t *cr = as(node, "ColumnRef");
    json_t *f = cr ? jget(cr, "fields") : NULL;
    const char *name = f ? sval(json_array_get(f, json_array_size(f) - 1)) : NULL;
    if (!name)
        return;
    if (p->nnames == p->ncap) {
        p->ncap = p->ncap ? p->ncap * 2 : 8;
        p->numeric_names = ixt_xrealloc(p->numeric_names, (size_t)p->ncap * sizeof *p->numeric_names);
    }
    p->numeric_names[p->nnames++] = name;
}

static bool is_number(json_t *node)
{
    json_t *k = as(node, "A_Const");
    return k && (jget(k, "ival") || jget(k, "fval"));
}

static void find_numeric_names(pctx *p, json_t *j)
{
    if (json_is_object(j)) {
        json_t *b;
        if ((b = as(j, "A_Expr")) && same_str(jstr(b, "kind"), "AEXPR_OP")) {
            const char *op = last_name(jget(b, "name"));
            json_t *l = jget(b, "lexpr"), *r = jget(b, "rexpr");
            if (arith_op(op) || is_number(r))
                note_numeric_name(p, l);
            if (arith_op(op) || is_number(l))
                note_numeric_name(p, r);
        } else if ((b = as(j, "FuncCall")) &&
                   in_list(last_name(jget(b, "funcname")), NUMERIC_AGGS, sizeof NUMERIC_AGGS / sizeof NUMERIC_AGGS[0])) {
            note_numeric_name(p, json_array_get(jget(b, "args"), 0));
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) find_numeric_names(p, v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) find_numeric_names(p, v);
    }
}

static bool numeric_name(const pctx *p, const char *name)
{
    for (int i = 0; name && i < p->nnames; i++)
        if (!strcmp(p->numeric_names[i], name))
            return true;
    return false;
}

/* A subquery's or CTE's select-list placeholder has type text outside
 * ("SELECT $1 AS n" then "n > 5" fails): cast it when its name is used as
 * a number.  colnames: the alias's column names, which win. */
static void derived_outputs(pctx *p, json_t *sel, json_t *colnames)
{
    if (!sel)
        return;
    json_t *larg = set_arm(sel, "larg");
    if (larg) {
        derived_outputs(p, larg, colnames);
        derived_outputs(p, set_arm(sel, "rarg"), colnames);
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach(jget(sel, "targetList"), i, t) {
        json_t *rt = as(t, "ResTarget"), *val = jget(rt, "val");
        const char *name = i < json_array_size(colnames) ? sval(json_array_get(colnames, i)) : jstr(rt, "name");
        if (numeric_name(p, name))
            numeric_operand(p, val);
    }
}

static void fix_tree(pctx *p, json_t *j)
{
    if (json_is_object(j)) {
        const char *type;
        json_t *b = node_body(j, &type);
        if (b && !strcmp(type, "TypeCast") && jint(b, "location", -1) < 0 && bare_param(jget(b, "arg"))) {
            typed_literal(p, b);
            return;
        }
        if (b && !strcmp(type, "FuncCall"))
            fix_call(p, b);
        else if (b && !strcmp(type, "A_Expr"))
            fix_aexpr(p, b);
        else if (b && !strcmp(type, "NullTest") && bare_param(jget(b, "arg")))
            cast_param_node(p, jget(b, "arg"), "text");
        else if (b && !strcmp(type, "RangeSubselect"))
            derived_outputs(p, as(jget(b, "subquery"), "SelectStmt"), jget(jget(b, "alias"), "colnames"));
        else if (b && !strcmp(type, "CommonTableExpr"))
            derived_outputs(p, as(jget(b, "ctequery"), "SelectStmt"), jget(b, "aliascolnames"));
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) fix_tree(p, v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) fix_tree(p, v);
    }
}

static int edit_cmp(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->start != y->start ? (x->start < y->start ? -1 : 1) : (x->end > y->end) - (x->end < y->end);
}

static char *apply_edits(pctx *p)
{
    if (p->ned)
        qsort(p->ed, (size_t)p->ned, sizeof *p->ed, edit_cmp);
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0;
    for (int i = 0; i < p->ned; i++) {
        if (p->ed[i].start < at)
            continue; /* overlaps one already made */
        ixt_buf_addn(&b, p->sql + at, (size_t)(p->ed[i].start - at));
        ixt_buf_add(&b, p->ed[i].text);
        at = p->ed[i].end;
    }
    ixt_buf_add(&b, p->sql + at);
    return ixt_buf_take(&b);
}

/* $k becomes $(k - placeholders removed below k), so none is missing. */
static char *renumber(const char *sql, const bool *removed, int maxp, ixt_err *e)
{
    tokens t;
    if (scan(sql, &t, e) != 0)
        return NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0;
    for (int i = 0; i < t.n; i++) {
        PgQuery__ScanToken *tk = t.tk[i];
        if (tk->token != PG_QUERY__TOKEN__PARAM)
            continue;
        int n = atoi(sql + tk->start + 1), shift = 0;
        for (int k = 1; k < n && k <= maxp; k++)
            shift += removed[k];
        ixt_buf_addn(&b, sql + at, (size_t)(tk->start - at));
        ixt_buf_printf(&b, "$%d", n - shift);
        at = tk->end;
    }
    ixt_buf_add(&b, sql + at);
    scan_free(&t);
    return ixt_buf_take(&b);
}

char *ixt_sql_plannable(const char *normalized, ixt_err *e)
{
    if (!normalized)
        return ixt_err_set(e, "no statement"), NULL;
    json_t *doc = parse_tree(normalized, e);
    if (!doc)
        return NULL;
    pctx p = {.sql = normalized};
    if (scan(normalized, &p.tk, e) != 0) {
        json_decref(doc);
        return NULL;
    }
    for (int i = 0; i < p.tk.n; i++)
        if (p.tk.tk[i]->token == PG_QUERY__TOKEN__PARAM) {
            int n = atoi(normalized + p.tk.tk[i]->start + 1);
            p.maxp = n > p.maxp ? n : p.maxp;
        }
    p.count = ixt_xcalloc((size_t)p.maxp + 1, sizeof *p.count);
    p.removed = ixt_xcalloc((size_t)p.maxp + 1, sizeof *p.removed);
    for (int i = 0; i < p.tk.n; i++)
        if (p.tk.tk[i]->token == PG_QUERY__TOKEN__PARAM) {
            int n = atoi(normalized + p.tk.tk[i]->start + 1);
            if (n > 0 && n <= p.maxp)
                p.count[n]++;
        }
    json_t *stmts = jget(doc, "stmts");
    find_numeric_names(&p, stmts);
    fix_tree(&p, stmts);
    char *out = apply_edits(&p);
    bool any_removed = false;
    for (int n = 1; n <= p.maxp; n++)
        any_removed |= p.removed[n];
    if (any_removed) {
        char *r = renumber(out, p.removed, p.maxp, e);
        free(out);
        out = r;
    }
    for (int i = 0; i < p.ned; i++)
        free(p.ed[i].text);
    free(p.ed);
    free(p.count);
    free(p.removed);
    free(p.numeric_names);
    scan_free(&p.tk);
    json_decref(doc);
    if (out && ixt_sql_check(out, NULL, NULL, e) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ===== casts asked for by the server ===== */

/* Which placeholders to cast: token i of t is a placeholder without a cast. */
typedef bool (*param_pick)(const tokens *t, const char *sql, int i, const void *ctx);

/* Appends "::type" to the placeholders pick chooses.  NULL when it chose
 * none and some were wanted.  caller frees */
static char *cast_params(const char *sql, const char *type, param_pick pick, const void *ctx, bool want, ixt_err *e)
{
    tokens t;
    if (scan(sql, &t, e) != 0)
        return NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0, casts = 0;
    for (int i = 0; i < t.n; i++) {
        bool typed = i + 1 < t.n && t.tk[i + 1]->token == PG_QUERY__TOKEN__TYPECAST;
        if (t.tk[i]->token != PG_QUERY__TOKEN__PARAM || typed || !pick(&t, sql, i, ctx))
            continue;
        ixt_buf_addn(&b, sql + at, (size_t)(t.tk[i]->end - at));
        ixt_buf_printf(&b, "::%s", type);
        at = t.tk[i]->end;
        casts++;
    }
    ixt_buf_add(&b, sql + at);
    scan_free(&t);
    if (!casts && want) {
        ixt_buf_free(&b);
        return NULL;
    }
    return ixt_buf_take(&b);
}

static bool pick_number(const tokens *t, const char *sql, int i, const void *ctx)
{
    return atoi(sql + t->tk[i]->start + 1) == *(const int *)ctx;
}

char *ixt_sql_cast_param(const char *sql, int n, const char *type, ixt_err *e)
{
    return cast_params(sql, type, pick_number, &n, false, e);
}

static bool arith(const PgQuery__ScanToken *tk, const char *sql)
{
    return is_char(tk, sql, '+') || is_char(tk, sql, '-') || is_char(tk, sql, '*') || is_char(tk, sql, '/');
}

static bool pick_arith(const tokens *t, const char *sql, int i, const void *ctx)
{
    (void)ctx;
    return (i + 1 < t->n && arith(t->tk[i + 1], sql)) || (i > 0 && arith(t->tk[i - 1], sql));
}

char *ixt_sql_cast_arith_params(const char *sql, ixt_err *e)
{
    return cast_params(sql, "numeric", pick_arith, NULL, true, e);
}

static bool comparison(const PgQuery__ScanToken *tk, const char *sql)
{
    return is_char(tk, sql, '=') || is_char(tk, sql, '<') || is_char(tk, sql, '>') ||
           tk->token == PG_QUERY__TOKEN__Op || tk->token == PG_QUERY__TOKEN__LESS_EQUALS ||
           tk->token == PG_QUERY__TOKEN__GREATER_EQUALS || tk->token == PG_QUERY__TOKEN__NOT_EQUALS;
}

/* Inside the parentheses of the call at byte pos, and not compared with
 * anything (a compared placeholder takes the other side's type). */
static bool pick_in_call(const tokens *t, const char *sql, int i, const void *ctx)
{
    int pos = *(const int *)ctx, depth = 0, k = 0;
    while (k < t->n && (t->tk[k]->start < pos || !is_char(t->tk[k], sql, '(')))
        k++;
    for (; k < t->n && k <= i; k++) {
        depth += is_char(t->tk[k], sql, '(') - is_char(t->tk[k], sql, ')');
        if (depth <= 0)
            return false;
    }
    if (k <= i)
        return false;
    return !((i > 0 && comparison(t->tk[i - 1], sql)) || (i + 1 < t->n && comparison(t->tk[i + 1], sql)));
}

char *ixt_sql_cast_params_in_call(const char *sql, int pos, const char *type, ixt_err *e)
{
    return cast_params(sql, type, pick_in_call, &pos, true, e);
}

/* ===== splitting ===== */

/* Offset of the first token that is not a comment: a statement of a file
 * starts after the comments above it (its length when there is none). */
static size_t first_code(const char *s)
{
    tokens t;
    if (scan(s, &t, NULL) != 0)
        return 0;
    size_t at = strlen(s);
    for (int i = 0; i < t.n; i++)
        if (!is_comment(t.tk[i])) {
            at = (size_t)t.tk[i]->start;
            break;
        }
    scan_free(&t);
    return at;
}

int ixt_sql_split(const char *text, char ***stmts, int *n, ixt_err *e)
{
    *stmts = NULL;
    *n = 0;
    if (!text)
        return ixt_err_set(e, "no statements");
    PgQuerySplitResult r = pg_query_split_with_parser(text);
    if (r.error) {
        ixt_err_set(e, "cannot split the statements: %s at character %d", r.error->message,
                    r.error->cursorpos);
        pg_query_free_split_result(r);
        return -1;
    }
    char **out = ixt_xcalloc((size_t)r.n_stmts + 1, sizeof *out);
    int k = 0;
    for (int i = 0; i < r.n_stmts; i++) {
        char *s = ixt_xstrndup(text + r.stmts[i]->stmt_location, (size_t)r.stmts[i]->stmt_len);
        char *p = ixt_trim(s + first_code(s));
        if (!*p) {
            free(s);
            continue;
        }
        memmove(s, p, strlen(p) + 1);
        out[k++] = s;
    }
    pg_query_free_split_result(r);
    *stmts = out;
    *n = k;
    return 0;
}
