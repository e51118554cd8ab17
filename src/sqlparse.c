/* sqlparse: libpg_query's parse tree and token stream (read through
 * sqltree) turned into what idxtune needs to know about a statement.
 * Nothing here parses SQL by hand: every decision is made on the parser's
 * nodes, and source text is cut out of the statement at the parser's token
 * boundaries. */
#include "idxtune/sqlparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqltree.h"

/* ===== reading the tree ===== */

static ixt_pt_step max_param(json_t *obj, void *ctx)
{
    int n = ixt_pt_param(obj), *maxp = ctx;
    if (n > *maxp)
        *maxp = n;
    return IXT_PT_DESCEND;
}

/* Calls f on every ColumnRef of a tree, not inside subqueries (a SubLink's
 * subselect has its own columns). */
typedef void (*colref_fn)(json_t *colref, void *ctx);

typedef struct colref_visit {
    colref_fn f;
    void *ctx;
} colref_visit;

static ixt_pt_step visit_colref(json_t *obj, void *ctx)
{
    colref_visit *cv = ctx;
    const char *type;
    json_t *b = ixt_pt_body(obj, &type);
    if (b && !strcmp(type, "ColumnRef")) {
        cv->f(b, cv->ctx);
        return IXT_PT_SKIP;
    }
    if (b && !strcmp(type, "SubLink")) {
        ixt_pt_walk(ixt_pt_get(b, "testexpr"), visit_colref, cv);
        return IXT_PT_SKIP;
    }
    return IXT_PT_DESCEND;
}

static void each_colref(json_t *j, colref_fn f, void *ctx)
{
    colref_visit cv = {f, ctx};
    ixt_pt_walk(j, visit_colref, &cv);
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
    json_t *f = ixt_pt_get(colref, "fields");
    return ixt_pt_as(json_array_get(f, json_array_size(f) - 1), "A_Star") != NULL;
}

/* Aggregates and window functions (an index cannot serve their results);
 * a subquery's are its own. */
static ixt_pt_step find_aggregate(json_t *obj, void *ctx)
{
    static const char *const aggs[] = {"sum", "count", "avg", "min", "max", "array_agg", "string_agg",
                                       "bool_and", "bool_or", "every", "stddev", "variance", "json_agg",
                                       "jsonb_agg", "json_object_agg", "jsonb_object_agg"};
    (void)ctx;
    json_t *f = ixt_pt_as(obj, "FuncCall");
    if (f) {
        const char *name = ixt_pt_last_name(ixt_pt_get(f, "funcname"));
        if (ixt_pt_get(f, "over") || json_is_true(ixt_pt_get(f, "agg_star")))
            return IXT_PT_STOP;
        for (size_t i = 0; name && i < sizeof aggs / sizeof aggs[0]; i++)
            if (!strcmp(name, aggs[i]))
                return IXT_PT_STOP;
    }
    return ixt_pt_as(obj, "SubLink") ? IXT_PT_SKIP : IXT_PT_DESCEND;
}

static bool has_aggregate(json_t *j)
{
    return ixt_pt_walk(j, find_aggregate, NULL);
}

static ixt_pt_step find_sublink(json_t *obj, void *ctx)
{
    (void)ctx;
    return ixt_pt_as(obj, "SubLink") ? IXT_PT_STOP : IXT_PT_DESCEND;
}

static bool has_sublink(json_t *j)
{
    return ixt_pt_walk(j, find_sublink, NULL);
}

/* ===== source text of a node ===== */

/* Brackets an expression's text must keep balanced: ( ) [ ] CASE END. */
static int bracket(const PgQuery__ScanToken *tk, const char *sql)
{
    if (ixt_tok_is(tk, sql, '(') || ixt_tok_is(tk, sql, '[') || tk->token == PG_QUERY__TOKEN__CASE)
        return 1;
    if (ixt_tok_is(tk, sql, ')') || ixt_tok_is(tk, sql, ']') || tk->token == PG_QUERY__TOKEN__END_P)
        return -1;
    return 0;
}

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

static bool next_is(const ixt_tokens *t, int i, PgQuery__Token tok)
{
    return i + 1 < t->n && t->tk[i + 1]->token == tok;
}

/* The last token of a node that starts at token i, when the node has more
 * tokens than its location shows: r.created_at, -1, a type name
 * (public.mytype, double precision, timestamp with time zone, int[]). */
static int node_end(const ixt_tokens *t, const char *sql, const char *type, json_t *body, int i)
{
    if (!strcmp(type, "ColumnRef"))
        return i + 2 * ((int)json_array_size(ixt_pt_get(body, "fields")) - 1);
    if (!strcmp(type, "A_Const"))
        return ixt_tok_is(t->tk[i], sql, '-') || ixt_tok_is(t->tk[i], sql, '+') ? i + 1 : i;
    if (strcmp(type, "TypeName") != 0)
        return i;
    while (i + 2 < t->n && ixt_tok_is(t->tk[i + 1], sql, '.'))
        i += 2;
    if (next_is(t, i, PG_QUERY__TOKEN__PRECISION) || next_is(t, i, PG_QUERY__TOKEN__VARYING))
        i++;
    if ((next_is(t, i, PG_QUERY__TOKEN__WITH) || next_is(t, i, PG_QUERY__TOKEN__WITHOUT)) &&
        next_is(t, i + 1, PG_QUERY__TOKEN__TIME) && next_is(t, i + 2, PG_QUERY__TOKEN__ZONE))
        i += 3;
    if (ixt_pt_get(body, "typmods") && i + 1 < t->n && ixt_tok_is(t->tk[i + 1], sql, '('))
        for (int depth = 0; i + 1 < t->n;) {
            depth += bracket(t->tk[++i], sql);
            if (depth == 0)
                break;
        }
    for (size_t b = 0; b < json_array_size(ixt_pt_get(body, "arrayBounds")); b++) {
        while (i + 1 < t->n && !ixt_tok_is(t->tk[i], sql, ']'))
            i++;
        if (b + 1 < json_array_size(ixt_pt_get(body, "arrayBounds")))
            i++;
    }
    return i;
}

/* The first location and the last token of a tree. */
typedef struct span {
    const ixt_tokens *t;
    const char *sql;
    int lo, last;
} span;

static ixt_pt_step widen_span(json_t *obj, void *ctx)
{
    span *sp = ctx;
    const ixt_tokens *t = sp->t;
    const char *type;
    json_t *b = ixt_pt_body(obj, &type);
    json_t *loc = ixt_pt_get(b ? b : obj, "location");
    if (json_is_integer(loc) && json_integer_value(loc) >= 0) {
        int l = (int)json_integer_value(loc), i = ixt_tok_at(t, l);
        if (sp->lo < 0 || l < sp->lo)
            sp->lo = l;
        if (i >= 0 && b)
            i = node_end(t, sp->sql, type, b, i);
        else if (i >= 0 && ixt_pt_get(obj, "names") && ixt_pt_get(obj, "typemod")) /* a TypeName is written bare */
            i = node_end(t, sp->sql, "TypeName", obj, i);
        if (i >= t->n)
            i = t->n - 1;
        if (i > sp->last)
            sp->last = i;
    }
    return IXT_PT_DESCEND;
}

/* Token range [*first, *last] of a node: from its first location to the
 * end of its last located token, then on to close the brackets it opened;
 * a function name whose parentheses hold nothing located (now(), count(*))
 * takes them too. */
static bool node_tokens(const ixt_tokens *t, const char *sql, json_t *node, int *first, int *last)
{
    if (!t->scan)
        return false;
    span sp = {t, sql, -1, -1};
    ixt_pt_walk(node, widen_span, &sp);
    int f = sp.lo >= 0 ? ixt_tok_at(t, sp.lo) : -1, l = sp.last;
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
    if (l + 1 < t->n && ixt_tok_is(t->tk[l + 1], sql, '(') &&
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
    int n = (int)json_array_size(ixt_pt_get(cr, "fields"));
    if (n > 1 && !is_star(cr)) {
        intvec_add(ctx, ixt_pt_int(cr, "location", -1));
        intvec_add(ctx, 2 * (n - 1)); /* "a" "." per qualifier */
    }
}

/* The node's source text, white space and comments between tokens made
 * one space; with strip, column qualifiers (r.created_at) are dropped, as
 * an index expression wants.  NULL when the node has no location. */
static char *node_text(const ixt_tokens *t, const char *sql, json_t *node, bool strip)
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
        if (ixt_tok_comment(tk) || skip) {
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
    ixt_tokens tk;
    ixt_sql_info *info;
    int tcap, ucap;
    const char **ctes; /* CTE names in view (borrowed from the tree) */
    int nctes, ccap;
    bool writes;       /* a data-modifying CTE */
    bool pair;         /* resolving the columns of "a = b" */
    int branch;        /* the OR branch being read (ixt_col_use.branch), 0 at the AND level */
    int nbranches;
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
    const char *schema = ixt_pt_str(rv, "schemaname"), *name = ixt_pt_str(rv, "relname");
    const char *alias = ixt_pt_str(ixt_pt_get(rv, "alias"), "aliasname");
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
    json_t *fields = ixt_pt_get(colref, "fields");
    size_t n = json_array_size(fields);
    *column = n ? ixt_pt_sval(json_array_get(fields, n - 1)) : NULL;
    if (n <= 1)
        return sole_table(c, s);
    const char *q = ixt_pt_sval(json_array_get(fields, n - 2));
    const char *schema = n >= 3 ? ixt_pt_sval(json_array_get(fields, n - 3)) : NULL;
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

static bool side_of(actx *c, const scope *s, json_t *node, side *out)
{
    memset(out, 0, sizeof *out);
    out->table = -1;
    json_t *cr = ixt_pt_as(node, "ColumnRef");
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
    json_t *b = ixt_pt_body(node, &type);
    if (!b)
        return 0;
    if (!strcmp(type, "ParamRef"))
        return ixt_pt_int(b, "number", 0);
    if (!strcmp(type, "TypeCast"))
        return value_param(ixt_pt_get(b, "arg"));
    if (!strcmp(type, "FuncCall") && json_array_size(ixt_pt_get(b, "args")) == 1)
        return value_param(json_array_get(ixt_pt_get(b, "args"), 0));
    return 0;
}

static bool is_constant(json_t *node)
{
    json_t *tc = ixt_pt_as(node, "TypeCast");
    json_t *k = ixt_pt_as(tc ? ixt_pt_get(tc, "arg") : node, "A_Const");
    return k && !json_is_true(ixt_pt_get(k, "isnull"));
}

static bool same_use(const ixt_col_use *a, const ixt_col_use *b)
{
    return a->kind == b->kind && a->opclass == b->opclass && a->clause == b->clause && a->param == b->param &&
           a->desc == b->desc && a->nulls_first == b->nulls_first && ixt_pt_same(a->table, b->table) &&
           ixt_pt_same(a->schema, b->schema) && ixt_pt_same(a->column, b->column) && ixt_pt_same(a->expr, b->expr) &&
           ixt_pt_same(a->constant, b->constant) && ixt_pt_same(a->op, b->op) && a->branch == b->branch;
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
/* Takes u; a repeat of a use already there is freed. */
static ixt_col_use *push_use(actx *c, ixt_col_use *u)
{
    ixt_sql_info *in = c->info;
    for (int i = 0; i < in->nuses; i++)
        if (same_use(&in->uses[i], u)) {
            use_free(u);
            return &in->uses[i];
        }
    if (in->nuses == c->ucap) {
        c->ucap = c->ucap ? c->ucap * 2 : 16;
        in->uses = ixt_xrealloc(in->uses, (size_t)c->ucap * sizeof *in->uses);
    }
    in->uses[in->nuses] = *u;
    return &in->uses[in->nuses++];
}

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
    u.branch = c->branch;
    return push_use(c, &u);
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
    json_t *cr = ixt_pt_as(node, "ColumnRef");
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
    json_t *vals = ixt_pt_items(list);
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
    json_t *k = ixt_pt_as(ixt_pt_get(b, "rexpr"), "A_Const");
    const char *pat = k ? ixt_pt_str(ixt_pt_get(k, "sval"), "sval") : NULL;
    bool prefix = !ilike && pat && pat[0] && pat[0] != '%' && pat[0] != '_';
    list_op lo = {ilike ? "ILIKE" : "LIKE", ilike ? "~~*" : "~~", prefix ? IXT_OP_LIKE_PREFIX : IXT_OP_LIKE,
                  prefix ? IXT_USE_RANGE : IXT_USE_EQ, !negated};
    read_list_op(c, s, ixt_pt_get(b, "lexpr"), ixt_pt_get(b, "rexpr"), &lo, conj, cl);
}

static void read_aexpr(actx *c, scope *s, json_t *b, bool conj, ixt_sql_clause cl)
{
    const char *kind = ixt_pt_str(b, "kind");
    const char *op = ixt_pt_last_name(ixt_pt_get(b, "name"));
    json_t *l = ixt_pt_get(b, "lexpr"), *r = ixt_pt_get(b, "rexpr");
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
typedef struct expr_ctx {
    actx *c;
    scope *s;
} expr_ctx;

static ixt_pt_step visit_expr(json_t *obj, void *ctx)
{
    expr_ctx *x = ctx;
    const char *type;
    if (ixt_pt_body(obj, &type) && type[0] >= 'A' && type[0] <= 'Z') {
        walk_expr(x->c, x->s, obj, false, IXT_CLAUSE_WHERE);
        return IXT_PT_SKIP;
    }
    return IXT_PT_DESCEND;
}

static void walk_children(actx *c, scope *s, json_t *j)
{
    expr_ctx x = {c, s};
    ixt_pt_walk(j, visit_expr, &x);
}

static void bool_column(actx *c, scope *s, json_t *node, bool value, ixt_sql_clause cl)
{
    side a;
    if (side_of(c, s, node, &a) && a.column)
        add_use(c, &a, IXT_USE_EQ, IXT_OP_BOOL, cl, "=", 0, ixt_xstrdup(value ? "true" : "false"), false, false);
    free(a.expr);
}

/* An equality (=, IN) on a plain column: what a branch of an OR must have
 * for the column to count as if ANDed. */
static bool eq_use(const ixt_col_use *u)
{
    return u->column && (u->kind == IXT_USE_EQ || u->kind == IXT_USE_JOIN) &&
           (u->opclass == IXT_OP_EQ || u->opclass == IXT_OP_IN || u->opclass == IXT_OP_JOIN);
}

static bool in_branch(const ixt_sql_info *in, int from, int branch, const ixt_col_use *u)
{
    for (int i = from; i < in->nuses; i++)
        if (in->uses[i].branch == branch && eq_use(&in->uses[i]) && ixt_pt_same(in->uses[i].table, u->table) &&
            !strcmp(in->uses[i].column, u->column))
            return true;
    return false;
}

/* A top-level OR: each branch is a conjunction of its own, and PostgreSQL
 * serves the OR with a BitmapOr over one index per branch, so the uses of
 * each branch are recorded under the branch's number.  A column compared
 * for equality in every branch narrows the rows like an ANDed one: it is
 * also recorded at the AND level. */
static void read_or(actx *c, scope *s, json_t *args, ixt_sql_clause cl)
{
    int from = c->info->nuses, first = c->nbranches + 1;
    size_t i;
    json_t *a;
    json_array_foreach(args, i, a) {
        c->branch = ++c->nbranches;
        walk_expr(c, s, a, true, cl);
    }
    c->branch = 0;
    int end = c->info->nuses;
    for (int u = from; u < end; u++) {
        ixt_col_use *x = &c->info->uses[u];
        bool everywhere = x->branch == first && eq_use(x);
        for (int b = first + 1; everywhere && b <= c->nbranches; b++)
            everywhere = in_branch(c->info, from, b, x);
        if (!everywhere)
            continue;
        ixt_col_use and = *x;
        and.table = ixt_xstrdup(x->table);
        and.schema = ixt_xstrdup(x->schema);
        and.column = ixt_xstrdup(x->column);
        and.expr = ixt_xstrdup(x->expr);
        and.op = ixt_xstrdup(x->op);
        and.constant = NULL; /* the branches compare it with different values */
        and.param = 0;
        and.branch = 0;
        push_use(c, &and);
    }
}

/* An expression of a WHERE / ON: with conj, one of the conditions ANDed at
 * the top, whose column uses an index can serve; without, only its
 * placeholders and subqueries are looked at. */
static void walk_expr(actx *c, scope *s, json_t *node, bool conj, ixt_sql_clause cl)
{
    const char *type;
    json_t *b = ixt_pt_body(node, &type);
    if (!b)
        return;
    if (!strcmp(type, "BoolExpr")) {
        const char *op = ixt_pt_str(b, "boolop");
        bool and = op && !strcmp(op, "AND_EXPR");
        json_t *args = ixt_pt_get(b, "args");
        if (conj && op && !strcmp(op, "NOT_EXPR") && plain_column(json_array_get(args, 0)))
            bool_column(c, s, json_array_get(args, 0), false, cl);
        if (conj && op && !strcmp(op, "OR_EXPR") && c->branch == 0) {
            read_or(c, s, args, cl);
            return;
        }
        size_t i;
        json_t *a;
        json_array_foreach(args, i, a) walk_expr(c, s, a, conj && and, cl);
    } else if (!strcmp(type, "A_Expr")) {
        read_aexpr(c, s, b, conj, cl);
        walk_children(c, s, ixt_pt_get(b, "lexpr"));
        walk_children(c, s, ixt_pt_get(b, "rexpr"));
    } else if (!strcmp(type, "NullTest")) {
        side a;
        bool isnull = ixt_pt_same(ixt_pt_str(b, "nulltesttype"), "IS_NULL");
        if (conj && side_of(c, s, ixt_pt_get(b, "arg"), &a)) {
            add_use(c, &a, IXT_USE_NULL, isnull ? IXT_OP_IS_NULL : IXT_OP_NOT_NULL, cl,
                    isnull ? "IS NULL" : "IS NOT NULL", 0, NULL, false, false);
            free(a.expr);
        }
        walk_children(c, s, ixt_pt_get(b, "arg"));
    } else if (!strcmp(type, "SubLink")) {
        const char *lt = ixt_pt_str(b, "subLinkType");
        json_t *test = ixt_pt_get(b, "testexpr");
        side a;
        if (conj && lt && !strcmp(lt, "ANY_SUBLINK") && !ixt_pt_get(b, "operName") && side_of(c, s, test, &a)) {
            add_use(c, &a, IXT_USE_EQ, IXT_OP_IN, cl, "IN", 0, NULL, false, false);
            free(a.expr);
        }
        walk_children(c, s, test);
        json_t *sub = ixt_pt_as(ixt_pt_get(b, "subselect"), "SelectStmt");
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
    json_t *b = ixt_pt_body(item, &type);
    if (!b)
        return;
    if (!strcmp(type, "RangeVar")) {
        read_rangevar(c, s, b);
    } else if (!strcmp(type, "JoinExpr")) {
        int before = s->nrefs;
        read_from(c, s, ixt_pt_get(b, "larg"));
        int mid = s->nrefs;
        read_from(c, s, ixt_pt_get(b, "rarg"));
        walk_expr(c, s, ixt_pt_get(b, "quals"), true, IXT_CLAUSE_ON);
        size_t i;
        json_t *u;
        json_array_foreach(ixt_pt_get(b, "usingClause"), i, u) {
            /* each side's column is that side's table when it has one */
            side l = {mid - before == 1 ? s->refs[before].table : -1, ixt_pt_sval(u), NULL};
            side r = {s->nrefs - mid == 1 ? s->refs[mid].table : -1, ixt_pt_sval(u), NULL};
            if (l.column) {
                add_use(c, &l, IXT_USE_JOIN, IXT_OP_JOIN, IXT_CLAUSE_ON, "=", 0, NULL, false, false);
                add_use(c, &r, IXT_USE_JOIN, IXT_OP_JOIN, IXT_CLAUSE_ON, "=", 0, NULL, false, false);
            }
        }
    } else if (!strcmp(type, "RangeSubselect")) {
        json_t *sub = ixt_pt_as(ixt_pt_get(b, "subquery"), "SelectStmt");
        /* a LATERAL subquery sees the FROM items before it */
        if (sub)
            analyze_select(c, sub, json_is_true(ixt_pt_get(b, "lateral")) ? s : s->up, false);
        scope_add(s, ixt_pt_str(ixt_pt_get(b, "alias"), "aliasname"), -1);
    } else if (!strcmp(type, "RangeFunction")) {
        walk_children(c, s, ixt_pt_get(b, "functions"));
        scope_add(s, ixt_pt_str(ixt_pt_get(b, "alias"), "aliasname"), -1);
    } else if (!strcmp(type, "RangeTableSample")) {
        read_from(c, s, ixt_pt_get(b, "relation"));
    }
}

/* The select-list entry an ORDER BY / GROUP BY item names: by position
 * (ORDER BY 1) or by an output name that is not a plain column of the same
 * name (ORDER BY revenue).  NULL when it names none. */
static json_t *target_for(const scope *s, json_t *node)
{
    json_t *k = ixt_pt_as(node, "A_Const");
    if (k && ixt_pt_get(k, "ival")) {
        int pos = ixt_pt_int(ixt_pt_get(k, "ival"), "ival", 0);
        json_t *rt = ixt_pt_as(json_array_get(s->targets, (size_t)pos - 1), "ResTarget");
        return rt ? ixt_pt_get(rt, "val") : NULL;
    }
    json_t *cr = ixt_pt_as(node, "ColumnRef");
    if (!cr || json_array_size(ixt_pt_get(cr, "fields")) != 1)
        return NULL;
    const char *name = ixt_pt_sval(json_array_get(ixt_pt_get(cr, "fields"), 0));
    size_t i;
    json_t *t;
    json_array_foreach(s->targets, i, t) {
        json_t *rt = ixt_pt_as(t, "ResTarget");
        if (!name || !ixt_pt_same(ixt_pt_str(rt, "name"), name))
            continue;
        json_t *val = ixt_pt_get(rt, "val"), *vc = ixt_pt_as(val, "ColumnRef");
        size_t nf = vc ? json_array_size(ixt_pt_get(vc, "fields")) : 0;
        if (vc && ixt_pt_same(ixt_pt_sval(json_array_get(ixt_pt_get(vc, "fields"), nf - 1)), name))
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
        json_t *sb = ixt_pt_as(item, "SortBy");
        json_t *node = ixt_pt_get(sb, "node"), *t = target_for(s, node);
        side a;
        if (!side_of(c, s, t ? t : node, &a))
            continue;
        bool desc = ixt_pt_same(ixt_pt_str(sb, "sortby_dir"), "SORTBY_DESC");
        const char *nulls = ixt_pt_str(sb, "sortby_nulls");
        bool first = nulls && strcmp(nulls, "SORTBY_NULLS_DEFAULT") != 0 ? !strcmp(nulls, "SORTBY_NULLS_FIRST")
                                                                          : desc;
        add_use(c, &a, IXT_USE_SORT, IXT_OP_NONE, IXT_CLAUSE_ORDER, "", 0, NULL, desc, first);
        free(a.expr);
    }
}

static ixt_pt_step find_window(json_t *obj, void *ctx)
{
    json_t *f = ixt_pt_as(obj, "FuncCall"), *over = f ? ixt_pt_get(f, "over") : NULL;
    if (json_is_object(over)) {
        *(json_t **)ctx = over;
        return IXT_PT_STOP;
    }
    return ixt_pt_as(obj, "SubLink") ? IXT_PT_SKIP : IXT_PT_DESCEND;
}

/* The window of the WINDOW clause that over names (OVER w, OVER (w ...)),
 * else over itself. */
static json_t *named_window(json_t *sel, json_t *over)
{
    const char *name = ixt_pt_str(over, "name") ? ixt_pt_str(over, "name") : ixt_pt_str(over, "refname");
    size_t i;
    json_t *item;
    json_array_foreach(ixt_pt_get(sel, "windowClause"), i, item) {
        json_t *w = ixt_pt_as(item, "WindowDef");
        if (name && ixt_pt_same(ixt_pt_str(w, "name"), name))
            return w;
    }
    return over;
}

/* A window function reads its rows in PARTITION BY, then ORDER BY order:
 * sort uses (an index in that order feeds it without a sort), when the
 * statement has no ORDER BY of its own.  The first window only. */
static void read_window(actx *c, scope *s, json_t *sel)
{
    json_t *w = NULL;
    if (json_array_size(ixt_pt_get(sel, "sortClause")) ||
        !ixt_pt_walk(ixt_pt_get(sel, "targetList"), find_window, &w))
        return;
    w = named_window(sel, w);
    size_t i;
    json_t *item;
    json_array_foreach(ixt_pt_get(w, "partitionClause"), i, item) {
        side a;
        if (!side_of(c, s, item, &a))
            continue;
        add_use(c, &a, IXT_USE_SORT, IXT_OP_NONE, IXT_CLAUSE_ORDER, "", 0, NULL, false, false);
        free(a.expr);
    }
    read_sort(c, s, ixt_pt_get(w, "orderClause"));
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

/* Every column an expression the rows are returned or kept by reads: what
 * an index-only scan needs besides the keys. */
static void read_outputs(actx *c, scope *s, json_t *expr, bool top)
{
    out_ctx o = {c, s, top};
    each_colref(expr, output_col, &o);
    walk_children(c, s, expr);
}

/* The select list. */
static void read_targets(actx *c, scope *s, json_t *list, bool top)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) read_outputs(c, s, ixt_pt_get(ixt_pt_as(item, "ResTarget"), "val"), top);
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
    json_array_foreach(ixt_pt_get(with, "ctes"), i, cte) {
        const char *name = ixt_pt_str(ixt_pt_as(cte, "CommonTableExpr"), "ctename");
        if (!name)
            continue;
        if (c->nctes == c->ccap) {
            c->ccap = c->ccap ? c->ccap * 2 : 8;
            c->ctes = ixt_xrealloc(c->ctes, (size_t)c->ccap * sizeof *c->ctes);
        }
        c->ctes[c->nctes++] = name;
    }
    json_array_foreach(ixt_pt_get(with, "ctes"), i, cte) {
        const char *type;
        json_t *q = ixt_pt_body(ixt_pt_get(ixt_pt_as(cte, "CommonTableExpr"), "ctequery"), &type);
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
    /* a subquery's own conditions are ANDed at its level, even inside an
     * OR branch of the outer query */
    int branch = c->branch;
    c->branch = 0;
    int mark = read_ctes(c, ixt_pt_get(sel, "withClause"), up);
    json_t *larg = ixt_pt_arm(sel, "larg");
    if (larg) { /* UNION / INTERSECT / EXCEPT */
        analyze_select(c, larg, up, top);
        analyze_select(c, ixt_pt_arm(sel, "rarg"), up, top);
    } else {
        scope s = {.up = up, .targets = ixt_pt_get(sel, "targetList")};
        size_t i;
        json_t *item;
        json_array_foreach(ixt_pt_get(sel, "fromClause"), i, item) read_from(c, &s, item);
        walk_expr(c, &s, ixt_pt_get(sel, "whereClause"), true, IXT_CLAUSE_WHERE);
        read_group(c, &s, ixt_pt_get(sel, "groupClause"));
        read_sort(c, &s, ixt_pt_get(sel, "sortClause"));
        read_window(c, &s, sel);
        /* HAVING sum(x) > $1 reads x too */
        json_t *having = ixt_pt_get(sel, "havingClause");
        c->info->has_having |= having != NULL;
        read_outputs(c, &s, having, top);
        read_targets(c, &s, ixt_pt_get(sel, "targetList"), top);
        walk_children(c, &s, ixt_pt_get(sel, "valuesLists"));
        free(s.refs);
    }
    if (json_array_size(ixt_pt_get(sel, "lockingClause")))
        c->info->has_locking = true;
    if (ixt_pt_get(sel, "limitCount"))
        c->info->has_limit = true;
    c->nctes = mark;
    c->branch = branch;
}

/* INSERT ... VALUES: each placeholder is the column it goes into. */
static void map_values(actx *c, int table, json_t *cols, json_t *values_lists)
{
    size_t i, j;
    json_t *row, *v;
    json_array_foreach(values_lists, i, row) {
        json_array_foreach(ixt_pt_items(row), j, v) {
            int p = value_param(v);
            side sd = {table, ixt_pt_str(ixt_pt_as(json_array_get(cols, j), "ResTarget"), "name"), NULL};
            if (p && sd.column)
                map_param(c, p, &sd, "SET");
        }
    }
}

/* A column an update assigns, whatever the value (SET a = a + 1, SET (a,
 * b) = (...)), once. */
static void note_set_col(ixt_sql_info *in, const char *col)
{
    for (int i = 0; i < in->nset_cols; i++)
        if (strcmp(in->set_cols[i], col) == 0)
            return;
    in->set_cols = ixt_xrealloc(in->set_cols, (size_t)(in->nset_cols + 1) * sizeof *in->set_cols);
    in->set_cols[in->nset_cols++] = ixt_xstrdup(col);
}

/* UPDATE ... SET col = $1; updates: the targets are assigned to rows that
 * exist (not MERGE's INSERT list). */
static void map_set(actx *c, scope *s, int table, json_t *targets, bool updates)
{
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) {
        json_t *rt = ixt_pt_as(t, "ResTarget");
        side sd = {table, ixt_pt_str(rt, "name"), NULL};
        if (updates && sd.column)
            note_set_col(c->info, sd.column);
        int p = value_param(ixt_pt_get(rt, "val"));
        if (p && sd.column)
            map_param(c, p, &sd, "SET");
        walk_children(c, s, ixt_pt_get(rt, "val"));
    }
}

/* Table t is the one the statement writes: the info's target when the
 * statement is the top one (not a writing CTE). */
static int written(actx *c, const scope *up, int t)
{
    if (!up)
        c->info->target = t;
    return t;
}

static void analyze_stmt(actx *c, const char *type, json_t *b, scope *up)
{
    if (!strcmp(type, "SelectStmt")) {
        analyze_select(c, b, up, up == NULL);
        return;
    }
    int mark = read_ctes(c, ixt_pt_get(b, "withClause"), up);
    scope s = {.up = up};
    if (!strcmp(type, "UpdateStmt") || !strcmp(type, "DeleteStmt")) {
        int t = written(c, up, read_rangevar(c, &s, ixt_pt_get(b, "relation")));
        size_t i;
        json_t *item;
        json_array_foreach(ixt_pt_get(b, !strcmp(type, "UpdateStmt") ? "fromClause" : "usingClause"), i, item)
            read_from(c, &s, item);
        walk_expr(c, &s, ixt_pt_get(b, "whereClause"), true, IXT_CLAUSE_WHERE);
        map_set(c, &s, t, ixt_pt_get(b, "targetList"), true);
        walk_children(c, &s, ixt_pt_get(b, "returningList"));
    } else if (!strcmp(type, "InsertStmt")) {
        int t = written(c, up, read_rangevar(c, NULL, ixt_pt_get(b, "relation")));
        json_t *sel = ixt_pt_as(ixt_pt_get(b, "selectStmt"), "SelectStmt");
        if (sel && ixt_pt_get(sel, "valuesLists"))
            map_values(c, t, ixt_pt_get(b, "cols"), ixt_pt_get(sel, "valuesLists"));
        if (sel)
            analyze_select(c, sel, up, false);
        scope_add(&s, ixt_pt_str(ixt_pt_get(ixt_pt_get(b, "relation"), "alias"), "aliasname"), t);
        scope_add(&s, ixt_pt_str(ixt_pt_get(b, "relation"), "relname"), t);
        json_t *oc = ixt_pt_get(b, "onConflictClause");
        map_set(c, &s, t, ixt_pt_get(oc, "targetList"), true);
        walk_children(c, &s, ixt_pt_get(oc, "whereClause"));
    } else if (!strcmp(type, "MergeStmt")) {
        int t = written(c, up, read_rangevar(c, &s, ixt_pt_get(b, "relation")));
        read_from(c, &s, ixt_pt_get(b, "sourceRelation"));
        walk_expr(c, &s, ixt_pt_get(b, "joinCondition"), true, IXT_CLAUSE_ON);
        size_t i;
        json_t *w;
        json_array_foreach(ixt_pt_get(b, "mergeWhenClauses"), i, w) {
            json_t *mw = ixt_pt_as(w, "MergeWhenClause");
            walk_children(c, &s, ixt_pt_get(mw, "condition"));
            map_set(c, &s, t, ixt_pt_get(mw, "targetList"),
                    !ixt_pt_same(ixt_pt_str(mw, "commandType"), "CMD_INSERT"));
            walk_children(c, &s, ixt_pt_get(mw, "values"));
        }
    }
    free(s.refs);
    c->nctes = mark;
}

/* COPY table FROM: the table it writes, its target (COPY ... TO and
 * COPY (query) only read).  The statement stays a utility: no plan. */
static void copy_target(actx *c, json_t *b)
{
    json_t *rel = ixt_pt_get(b, "relation");
    if (json_is_true(ixt_pt_get(b, "is_from")) && rel)
        c->info->target = read_rangevar(c, NULL, rel);
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
    json_t *doc = ixt_pt_parse(sql, e);
    if (!doc)
        return NULL;
    actx c = {.sql = sql};
    c.info = ixt_xcalloc(1, sizeof *c.info);
    c.info->target = -1;
    (void)ixt_tok_scan(sql, &c.tk, NULL); /* without tokens no source texts, the rest still works */
    json_t *stmts = ixt_pt_get(doc, "stmts");
    ixt_pt_walk(stmts, max_param, &c.info->nparams);
    c.info->params = ixt_xcalloc((size_t)c.info->nparams + 1, sizeof *c.info->params);
    const char *type = NULL;
    json_t *b = ixt_pt_body(ixt_pt_get(json_array_get(stmts, 0), "stmt"), &type);
    if (json_array_size(stmts) > 1)
        c.info->kind = IXT_SQL_MULTIPLE;
    else
        c.info->kind = b ? kind_of(type) : IXT_SQL_UTILITY;
    if (json_array_size(stmts) == 1 && b && c.info->kind != IXT_SQL_UTILITY)
        analyze_stmt(&c, type, b, NULL);
    else if (json_array_size(stmts) == 1 && b && !strcmp(type, "CopyStmt"))
        copy_target(&c, b);
    c.info->read_only = c.info->kind == IXT_SQL_SELECT && !c.info->has_locking && !c.writes &&
                        !ixt_pt_get(b, "intoClause");
    ixt_tok_free(&c.tk);
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
    for (int i = 0; i < in->nset_cols; i++)
        free(in->set_cols[i]);
    free(in->set_cols);
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

bool ixt_sql_writes(const ixt_sql_info *in)
{
    return in->kind == IXT_SQL_INSERT || in->kind == IXT_SQL_UPDATE || in->kind == IXT_SQL_DELETE ||
           in->kind == IXT_SQL_MERGE || (in->kind == IXT_SQL_UTILITY && in->target >= 0);
}

bool ixt_sql_info_has_plan(const ixt_sql_info *in)
{
    return in && in->kind != IXT_SQL_UTILITY && in->kind != IXT_SQL_MULTIPLE;
}

bool ixt_sql_has_plan(const char *sql)
{
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    bool plan = ixt_sql_info_has_plan(in);
    ixt_sql_info_free(in);
    return plan;
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
