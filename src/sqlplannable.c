/* sqlplannable: pg_stat_statements texts made plannable.  Repairs are
 * found on the parse tree and made as edits of the text at the parser's
 * token boundaries, so everything else in the statement stays as written. */
#include "idxtune/sqlplannable.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlparse.h"
#include "idxtune/sqltree.h"

/* ===== repairs made ahead, from the parse tree ===== */

/* An edit of the text: bytes [start, end) become text. */
typedef struct edit {
    int start, end;
    char *text;
} edit;

typedef struct pctx {
    const char *sql;
    ixt_tokens tk;
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
    int i = ixt_tok_at(&p->tk, ixt_pt_int(ixt_pt_as(param, "ParamRef"), "location", -1));
    int n = ixt_pt_param(param);
    if (i >= 0 && n > 0 && n <= p->maxp && p->count[n] == 1)
        add_edit(p, p->tk.tk[i]->end, p->tk.tk[i]->end, ixt_xasprintf("::%s", type));
}

/* Replaces the placeholder node by a literal; its number goes when it was
 * its only use. */
static void literal_for_param(pctx *p, json_t *param, const char *literal)
{
    int i = ixt_tok_at(&p->tk, ixt_pt_int(ixt_pt_as(param, "ParamRef"), "location", -1));
    int n = ixt_pt_param(param);
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
    json_t *param = ixt_pt_get(tc, "arg"), *tn = ixt_pt_get(tc, "typeName");
    int ploc = ixt_pt_int(ixt_pt_as(param, "ParamRef"), "location", -1), tloc = ixt_pt_int(tn, "location", -1);
    int pi = ixt_tok_at(&p->tk, ploc), ti = ixt_tok_at(&p->tk, tloc);
    if (pi <= 0 || ti < 0 || ti >= pi)
        return;
    int ts = p->tk.tk[ti]->start, te = p->tk.tk[pi - 1]->end;
    int ps = p->tk.tk[pi]->start, pe = p->tk.tk[pi]->end;
    add_edit(p, ts, pe, ixt_xasprintf("%.*s::%.*s", pe - ps, p->sql + ps, te - ts, p->sql + ts));
}

static bool bare_param(json_t *node)
{
    return ixt_pt_as(node, "ParamRef") != NULL;
}

/* A CASE whose results are all placeholders (or NULL) has no type but
 * text: in a number's place its placeholders are cast. */
static void numeric_case(pctx *p, json_t *node)
{
    json_t *ce = ixt_pt_as(node, "CaseExpr");
    if (!ce)
        return;
    size_t i;
    json_t *w;
    json_array_foreach(ixt_pt_get(ce, "args"), i, w) {
        json_t *r = ixt_pt_get(ixt_pt_as(w, "CaseWhen"), "result");
        json_t *k = ixt_pt_as(r, "A_Const");
        if (!bare_param(r) && !(k && json_is_true(ixt_pt_get(k, "isnull"))) && !ixt_pt_as(r, "CaseExpr"))
            return;
    }
    json_t *d = ixt_pt_get(ce, "defresult");
    if (d && !bare_param(d) && !ixt_pt_as(d, "A_Const") && !ixt_pt_as(d, "CaseExpr"))
        return;
    json_array_foreach(ixt_pt_get(ce, "args"), i, w) {
        json_t *r = ixt_pt_get(ixt_pt_as(w, "CaseWhen"), "result");
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

/* PostgreSQL's functions that take VARIADIC "any": a placeholder among
 * their arguments has no type to take (jsonb_build_object($1, $2)).  The
 * server would name one per PREPARE, a round trip each. */
static const char *const VARIADIC_ANY[] = {"concat",           "concat_ws",          "format",
                                           "json_build_array", "json_build_object",  "jsonb_build_array",
                                           "jsonb_build_object", "num_nonnulls",     "num_nulls"};

static void fix_call(pctx *p, json_t *f)
{
    const char *name = ixt_pt_last_name(ixt_pt_get(f, "funcname"));
    json_t *args = ixt_pt_get(f, "args"), *a0 = json_array_get(args, 0);
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
    else if (in_list(name, VARIADIC_ANY, sizeof VARIADIC_ANY / sizeof VARIADIC_ANY[0]) &&
             !json_is_true(ixt_pt_get(f, "func_variadic")))
        json_array_foreach(args, i, a) {
            if (bare_param(a))
                cast_param_node(p, a, "text");
        }
}

static void fix_aexpr(pctx *p, json_t *b)
{
    json_t *l = ixt_pt_get(b, "lexpr"), *r = ixt_pt_get(b, "rexpr");
    const char *op = ixt_pt_last_name(ixt_pt_get(b, "name"));
    if (!ixt_pt_same(ixt_pt_str(b, "kind"), "AEXPR_OP"))
        return;
    /* "$5 || $6": text, array and jsonb all have one */
    if (op && !strcmp(op, "||") && bare_param(l) && bare_param(r)) {
        cast_param_node(p, l, "text");
        cast_param_node(p, r, "text");
    }
    if (!arith_op(op))
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
    json_t *cr = ixt_pt_as(node, "ColumnRef");
    json_t *f = cr ? ixt_pt_get(cr, "fields") : NULL;
    const char *name = f ? ixt_pt_sval(json_array_get(f, json_array_size(f) - 1)) : NULL;
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
    json_t *k = ixt_pt_as(node, "A_Const");
    return k && (ixt_pt_get(k, "ival") || ixt_pt_get(k, "fval"));
}

static ixt_pt_step find_numeric_names(json_t *obj, void *ctx)
{
    pctx *p = ctx;
    json_t *b;
    if ((b = ixt_pt_as(obj, "A_Expr")) && ixt_pt_same(ixt_pt_str(b, "kind"), "AEXPR_OP")) {
        const char *op = ixt_pt_last_name(ixt_pt_get(b, "name"));
        json_t *l = ixt_pt_get(b, "lexpr"), *r = ixt_pt_get(b, "rexpr");
        if (arith_op(op) || is_number(r))
            note_numeric_name(p, l);
        if (arith_op(op) || is_number(l))
            note_numeric_name(p, r);
    } else if ((b = ixt_pt_as(obj, "FuncCall")) &&
               in_list(ixt_pt_last_name(ixt_pt_get(b, "funcname")), NUMERIC_AGGS,
                       sizeof NUMERIC_AGGS / sizeof NUMERIC_AGGS[0])) {
        note_numeric_name(p, json_array_get(ixt_pt_get(b, "args"), 0));
    }
    return IXT_PT_DESCEND;
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
    json_t *larg = ixt_pt_arm(sel, "larg");
    if (larg) {
        derived_outputs(p, larg, colnames);
        derived_outputs(p, ixt_pt_arm(sel, "rarg"), colnames);
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach(ixt_pt_get(sel, "targetList"), i, t) {
        json_t *rt = ixt_pt_as(t, "ResTarget"), *val = ixt_pt_get(rt, "val");
        const char *name = i < json_array_size(colnames) ? ixt_pt_sval(json_array_get(colnames, i)) : ixt_pt_str(rt, "name");
        if (numeric_name(p, name))
            numeric_operand(p, val);
    }
}

static ixt_pt_step fix_tree(json_t *obj, void *ctx)
{
    pctx *p = ctx;
    const char *type;
    json_t *b = ixt_pt_body(obj, &type);
    if (!b)
        return IXT_PT_DESCEND;
    if (!strcmp(type, "TypeCast") && ixt_pt_int(b, "location", -1) < 0 && bare_param(ixt_pt_get(b, "arg"))) {
        typed_literal(p, b);
        return IXT_PT_SKIP;
    }
    if (!strcmp(type, "FuncCall"))
        fix_call(p, b);
    else if (!strcmp(type, "A_Expr"))
        fix_aexpr(p, b);
    else if (!strcmp(type, "NullTest") && bare_param(ixt_pt_get(b, "arg")))
        cast_param_node(p, ixt_pt_get(b, "arg"), "text");
    else if (!strcmp(type, "RangeSubselect"))
        derived_outputs(p, ixt_pt_as(ixt_pt_get(b, "subquery"), "SelectStmt"),
                        ixt_pt_get(ixt_pt_get(b, "alias"), "colnames"));
    else if (!strcmp(type, "CommonTableExpr"))
        derived_outputs(p, ixt_pt_as(ixt_pt_get(b, "ctequery"), "SelectStmt"), ixt_pt_get(b, "aliascolnames"));
    return IXT_PT_DESCEND;
}

/* PostgreSQL 18 squashes a list of constants to one placeholder and the
 * comment ", ... " inside IN ( ).  As written it plans for one element; as
 * "= ANY($1)" (NOT IN: "<> ALL($1)") the placeholder is the whole list, an
 * array, which is what the application sends.  Returns the token index of
 * the placeholder of a squashed list starting at token i (IN), or -1. */
static int squashed_at(const ixt_tokens *t, const char *sql, int i)
{
    if (i + 4 >= t->n || t->tk[i]->token != PG_QUERY__TOKEN__IN_P || !ixt_tok_is(t->tk[i + 1], sql, '(') ||
        t->tk[i + 2]->token != PG_QUERY__TOKEN__PARAM || t->tk[i + 3]->token != PG_QUERY__TOKEN__C_COMMENT ||
        !ixt_tok_is(t->tk[i + 4], sql, ')'))
        return -1;
    static const char mark[] = "/*, ... */";
    const PgQuery__ScanToken *c = t->tk[i + 3];
    if (c->end - c->start != (int)strlen(mark) || strncmp(sql + c->start, mark, strlen(mark)) != 0)
        return -1;
    return i + 2;
}

static void squashed_lists(pctx *p)
{
    for (int i = 0; i < p->tk.n; i++) {
        int pi = squashed_at(&p->tk, p->sql, i);
        if (pi < 0)
            continue;
        bool not = i > 0 && (p->tk.tk[i - 1]->token == PG_QUERY__TOKEN__NOT ||
                             p->tk.tk[i - 1]->token == PG_QUERY__TOKEN__NOT_LA);
        int start = not ? p->tk.tk[i - 1]->start : p->tk.tk[i]->start;
        const PgQuery__ScanToken *param = p->tk.tk[pi];
        add_edit(p, start, p->tk.tk[i + 4]->end,
                 ixt_xasprintf("%s(%.*s)", not ? "<> ALL" : "= ANY", param->end - param->start,
                               p->sql + param->start));
    }
}

bool ixt_sql_has_squashed_list(const char *sql)
{
    ixt_tokens t;
    if (!sql || ixt_tok_scan(sql, &t, NULL) != 0)
        return false;
    bool found = false;
    for (int i = 0; i < t.n && !found; i++)
        found = squashed_at(&t, sql, i) >= 0;
    ixt_tok_free(&t);
    return found;
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
    ixt_tokens t;
    if (ixt_tok_scan(sql, &t, e) != 0)
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
    ixt_tok_free(&t);
    return ixt_buf_take(&b);
}

char *ixt_sql_plannable(const char *normalized, ixt_err *e)
{
    if (!normalized)
        return ixt_err_set(e, "no statement"), NULL;
    json_t *doc = ixt_pt_parse(normalized, e);
    if (!doc)
        return NULL;
    pctx p = {.sql = normalized};
    if (ixt_tok_scan(normalized, &p.tk, e) != 0) {
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
    json_t *stmts = ixt_pt_get(doc, "stmts");
    ixt_pt_walk(stmts, find_numeric_names, &p);
    ixt_pt_walk(stmts, fix_tree, &p);
    squashed_lists(&p);
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
    ixt_tok_free(&p.tk);
    json_decref(doc);
    if (out && ixt_sql_check(out, NULL, NULL, e) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ===== casts asked for by the server ===== */

/* Which placeholders to cast: token i of t is a placeholder without a cast. */
typedef bool (*param_pick)(const ixt_tokens *t, const char *sql, int i, const void *ctx);

/* Appends "::type" to the placeholders pick chooses.  NULL when it chose
 * none and some were wanted.  caller frees */
static char *cast_params(const char *sql, const char *type, param_pick pick, const void *ctx, bool want, ixt_err *e)
{
    ixt_tokens t;
    if (ixt_tok_scan(sql, &t, e) != 0)
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
    ixt_tok_free(&t);
    if (!casts && want) {
        ixt_buf_free(&b);
        return NULL;
    }
    return ixt_buf_take(&b);
}

static bool pick_number(const ixt_tokens *t, const char *sql, int i, const void *ctx)
{
    return atoi(sql + t->tk[i]->start + 1) == *(const int *)ctx;
}

char *ixt_sql_cast_param(const char *sql, int n, const char *type, ixt_err *e)
{
    return cast_params(sql, type, pick_number, &n, false, e);
}

static bool arith(const PgQuery__ScanToken *tk, const char *sql)
{
    return ixt_tok_is(tk, sql, '+') || ixt_tok_is(tk, sql, '-') || ixt_tok_is(tk, sql, '*') || ixt_tok_is(tk, sql, '/');
}

static bool pick_arith(const ixt_tokens *t, const char *sql, int i, const void *ctx)
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
    return ixt_tok_is(tk, sql, '=') || ixt_tok_is(tk, sql, '<') || ixt_tok_is(tk, sql, '>') ||
           tk->token == PG_QUERY__TOKEN__Op || tk->token == PG_QUERY__TOKEN__LESS_EQUALS ||
           tk->token == PG_QUERY__TOKEN__GREATER_EQUALS || tk->token == PG_QUERY__TOKEN__NOT_EQUALS;
}

/* Inside the parentheses of the call at byte pos, and not compared with
 * anything (a compared placeholder takes the other side's type). */
static bool pick_in_call(const ixt_tokens *t, const char *sql, int i, const void *ctx)
{
    int pos = *(const int *)ctx, depth = 0, k = 0;
    while (k < t->n && (t->tk[k]->start < pos || !ixt_tok_is(t->tk[k], sql, '(')))
        k++;
    for (; k < t->n && k <= i; k++) {
        depth += ixt_tok_is(t->tk[k], sql, '(') - ixt_tok_is(t->tk[k], sql, ')');
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
