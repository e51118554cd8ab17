/* sqlparse: libpg_query's parse tree (JSON, read with jansson) and token
 * stream (protobuf) turned into what idxtune needs. */
#include "idxtune/sqlparse.h"

#include <jansson.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===== tokens ===== */

typedef struct tokens {
    PgQuery__ScanResult *scan;
    PgQueryScanResult raw;
} tokens;

static int scan(const char *sql, tokens *t, ixt_err *e)
{
    t->raw = pg_query_scan(sql);
    t->scan = NULL;
    if (t->raw.error) {
        ixt_err_set(e, "%s", t->raw.error->message);
        pg_query_free_scan_result(t->raw);
        return -1;
    }
    t->scan = pg_query__scan_result__unpack(NULL, t->raw.pbuf.len, (const uint8_t *)t->raw.pbuf.data);
    if (!t->scan) {
        pg_query_free_scan_result(t->raw);
        return ixt_err_set(e, "cannot read the statement's tokens");
    }
    return 0;
}

static void scan_free(tokens *t)
{
    if (t->scan)
        pg_query__scan_result__free_unpacked(t->scan, NULL);
    pg_query_free_scan_result(t->raw);
}

static int token_at(const tokens *t, int pos)
{
    for (size_t i = 0; i < t->scan->n_tokens; i++)
        if (t->scan->tokens[i]->start <= pos && pos < t->scan->tokens[i]->end)
            return (int)i;
    return -1;
}

static bool is_char(const PgQuery__ScanToken *tk, const char *sql, char c)
{
    return tk->end - tk->start == 1 && sql[tk->start] == c;
}

/* ===== parse tree helpers ===== */

static json_t *node_body(json_t *node, const char **type)
{
    const char *key;
    json_t *val;
    json_object_foreach(node, key, val) {
        if (type)
            *type = key;
        return val;
    }
    return NULL;
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

/* Highest ParamRef number and the smallest/largest location in a tree. */
static void walk_params(json_t *j, int *maxp)
{
    if (json_is_object(j)) {
        json_t *pr = json_object_get(j, "ParamRef");
        if (pr) {
            int n = (int)json_integer_value(json_object_get(pr, "number"));
            if (n > *maxp)
                *maxp = n;
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) walk_params(v, maxp);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) walk_params(v, maxp);
    }
}

static void walk_locations(json_t *j, int *lo, int *hi)
{
    if (json_is_object(j)) {
        json_t *loc = json_object_get(j, "location");
        if (json_is_integer(loc) && json_integer_value(loc) >= 0) {
            int l = (int)json_integer_value(loc);
            if (*lo < 0 || l < *lo)
                *lo = l;
            if (l > *hi)
                *hi = l;
        }
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) walk_locations(v, lo, hi);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) walk_locations(v, lo, hi);
    }
}

/* ===== analysis ===== */

typedef struct actx {
    const char *sql;
    tokens tk;
    bool have_tokens;
    ixt_sql_info *info;
    int tcap, ucap;
} actx;

typedef struct scope {
    int first_table;   /* this SELECT's tables in info->tables */
    int ntables;
} scope;

static void add_table(actx *c, scope *s, const char *schema, const char *name, const char *alias)
{
    ixt_sql_info *in = c->info;
    if (in->ntables == c->tcap) {
        c->tcap = c->tcap ? c->tcap * 2 : 8;
        in->tables = ixt_xrealloc(in->tables, (size_t)c->tcap * sizeof *in->tables);
    }
    in->tables[in->ntables++] = (ixt_sql_table){ixt_xstrdup(schema), ixt_xstrdup(name), ixt_xstrdup(alias)};
    s->ntables++;
}

static ixt_col_use *add_use(actx *c, ixt_use_kind kind)
{
    ixt_sql_info *in = c->info;
    if (in->nuses == c->ucap) {
        c->ucap = c->ucap ? c->ucap * 2 : 16;
        in->uses = ixt_xrealloc(in->uses, (size_t)c->ucap * sizeof *in->uses);
    }
    ixt_col_use *u = &in->uses[in->nuses++];
    memset(u, 0, sizeof *u);
    u->kind = kind;
    return u;
}

static const char *sval(json_t *string_node)
{
    json_t *s = json_object_get(string_node, "String");
    return json_string_value(json_object_get(s, "sval"));
}

static void read_rangevar(actx *c, scope *s, json_t *rv)
{
    const char *alias = json_string_value(json_object_get(json_object_get(rv, "alias"), "aliasname"));
    add_table(c, s, json_string_value(json_object_get(rv, "schemaname")),
              json_string_value(json_object_get(rv, "relname")), alias);
}

static void analyze_select(actx *c, json_t *sel);
static void analyze_expr(actx *c, scope *s, json_t *node);

static void read_from(actx *c, scope *s, json_t *item)
{
    const char *type;
    json_t *b = node_body(item, &type);
    if (!b)
        return;
    if (strcmp(type, "RangeVar") == 0) {
        read_rangevar(c, s, b);
    } else if (strcmp(type, "JoinExpr") == 0) {
        read_from(c, s, json_object_get(b, "larg"));
        read_from(c, s, json_object_get(b, "rarg"));
    } else if (strcmp(type, "RangeSubselect") == 0) {
        json_t *sub = json_object_get(json_object_get(b, "subquery"), "SelectStmt");
        if (sub)
            analyze_select(c, sub);
    }
}

/* The table a ColumnRef belongs to, by qualifier or as the only table. */
static const char *resolve(actx *c, scope *s, json_t *fields, const char **column)
{
    size_t n = json_array_size(fields);
    *column = n ? sval(json_array_get(fields, n - 1)) : NULL;
    ixt_sql_table *t = c->info->tables + s->first_table;
    if (n >= 2) {
        const char *q = sval(json_array_get(fields, n - 2));
        for (int i = 0; q && i < s->ntables; i++)
            if ((t[i].alias && strcmp(t[i].alias, q) == 0) || (!t[i].alias && strcmp(t[i].name, q) == 0))
                return t[i].name;
        return NULL;
    }
    return s->ntables == 1 ? t[0].name : NULL;
}

/* Source text of an expression: from its first location to the end of its
 * last token, plus the closing parentheses it opened. */
static char *expr_text(actx *c, json_t *node)
{
    int lo = -1, hi = -1;
    walk_locations(node, &lo, &hi);
    if (lo < 0 || !c->have_tokens)
        return NULL;
    int last = token_at(&c->tk, hi), first = token_at(&c->tk, lo);
    if (first < 0 || last < 0)
        return NULL;
    int depth = 0;
    for (int i = first; i <= last; i++)
        depth += is_char(c->tk.scan->tokens[i], c->sql, '(') - is_char(c->tk.scan->tokens[i], c->sql, ')');
    while (depth > 0 && last + 1 < (int)c->tk.scan->n_tokens &&
           is_char(c->tk.scan->tokens[last + 1], c->sql, ')')) {
        last++;
        depth--;
    }
    int start = c->tk.scan->tokens[first]->start, end = c->tk.scan->tokens[last]->end;
    return ixt_xstrndup(c->sql + start, (size_t)(end - start));
}

static int param_of(json_t *node)
{
    const char *type;
    json_t *b = node_body(node, &type);
    if (!b)
        return 0;
    if (strcmp(type, "ParamRef") == 0)
        return (int)json_integer_value(json_object_get(b, "number"));
    if (strcmp(type, "TypeCast") == 0)
        return param_of(json_object_get(b, "arg"));
    return 0;
}

static bool has_column(json_t *j)
{
    if (json_is_object(j)) {
        if (json_object_get(j, "ColumnRef"))
            return true;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) if (has_column(v)) return true;
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) if (has_column(v)) return true;
    }
    return false;
}

static bool is_column(json_t *node)
{
    return json_object_get(node, "ColumnRef") != NULL;
}

static bool is_constantish(json_t *node)
{
    const char *type;
    json_t *b = node_body(node, &type);
    if (!b)
        return false;
    if (!strcmp(type, "A_Const") || !strcmp(type, "ParamRef"))
        return true;
    if (!strcmp(type, "TypeCast"))
        return is_constantish(json_object_get(b, "arg"));
    return false;
}

/* A column (or an expression over columns of one table) compared with
 * something else. */
static void record(actx *c, scope *s, json_t *side, json_t *other, ixt_use_kind kind, const char *op)
{
    ixt_col_use *u = add_use(c, kind);
    u->op = ixt_xstrdup(op);
    json_t *cr = json_object_get(side, "ColumnRef");
    if (cr) {
        const char *col;
        u->table = ixt_xstrdup(resolve(c, s, json_object_get(cr, "fields"), &col));
        u->column = ixt_xstrdup(col);
    } else {
        u->expr = expr_text(c, side);
        if (s->ntables == 1)
            u->table = ixt_xstrdup(c->info->tables[s->first_table].name);
    }
    if (other) {
        u->param = param_of(other);
        if (json_object_get(other, "A_Const") || json_object_get(other, "TypeCast"))
            u->constant = u->param ? NULL : expr_text(c, other);
    }
}

static ixt_use_kind op_kind(const char *op)
{
    if (!strcmp(op, "="))
        return IXT_USE_EQ;
    if (!strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "<=") || !strcmp(op, ">="))
        return IXT_USE_RANGE;
    return IXT_USE_EQ; /* @>, ~~ and friends: an operator an index class may serve */
}

static void read_aexpr(actx *c, scope *s, json_t *b)
{
    const char *kind = json_string_value(json_object_get(b, "kind"));
    json_t *name = json_object_get(b, "name");
    const char *op = sval(json_array_get(name, json_array_size(name) - 1));
    json_t *l = json_object_get(b, "lexpr"), *r = json_object_get(b, "rexpr");
    if (!kind || !op)
        return;
    if (!strcmp(kind, "AEXPR_IN") || !strcmp(kind, "AEXPR_OP_ANY")) {
        if (is_column(l))
            record(c, s, l, NULL, IXT_USE_EQ, "=");
        return;
    }
    if (!strcmp(kind, "AEXPR_BETWEEN") || !strcmp(kind, "AEXPR_LIKE") || !strcmp(kind, "AEXPR_ILIKE")) {
        if (is_column(l) || !is_constantish(l))
            record(c, s, l, r, IXT_USE_RANGE, op);
        return;
    }
    if (strcmp(kind, "AEXPR_OP") != 0)
        return;
    if (is_column(l) && is_column(r) && !strcmp(op, "=")) {
        record(c, s, l, NULL, IXT_USE_JOIN, op);
        record(c, s, r, NULL, IXT_USE_JOIN, op);
        return;
    }
    /* column OP value, or value OP column (the operator flips); a value may
     * be any expression without columns: now() - interval '1 day',
     * current_setting('app.tenant_id')::int */
    bool lval = l && !has_column(l), rval = r && !has_column(r);
    if (l && !lval && rval)
        record(c, s, l, r, op_kind(op), op);
    else if (r && !rval && lval && is_column(r))
        record(c, s, r, l, op_kind(op), op);
}

static void analyze_expr(actx *c, scope *s, json_t *node)
{
    const char *type;
    json_t *b = node_body(node, &type);
    if (!b)
        return;
    if (!strcmp(type, "BoolExpr")) {
        const char *op = json_string_value(json_object_get(b, "boolop"));
        /* only the conjuncts of an AND can each narrow an index scan */
        if (op && !strcmp(op, "AND_EXPR")) {
            size_t i;
            json_t *a;
            json_array_foreach(json_object_get(b, "args"), i, a) analyze_expr(c, s, a);
        }
    } else if (!strcmp(type, "A_Expr")) {
        read_aexpr(c, s, b);
    } else if (!strcmp(type, "NullTest")) {
        if (is_column(json_object_get(b, "arg")))
            record(c, s, json_object_get(b, "arg"), NULL, IXT_USE_NULL, "IS NULL");
    } else if (!strcmp(type, "SubLink")) {
        json_t *sub = json_object_get(json_object_get(b, "subselect"), "SelectStmt");
        if (sub)
            analyze_select(c, sub);
        json_t *test = json_object_get(b, "testexpr");
        if (is_column(test))
            record(c, s, test, NULL, IXT_USE_EQ, "=");
    }
}

/* ORDER BY runs where "runs" is a select-list alias (count(*) AS runs)
 * names an output column, not a table column. */
static bool is_alias(json_t *targets, json_t *node)
{
    json_t *fields = json_object_get(json_object_get(node, "ColumnRef"), "fields");
    if (json_array_size(fields) != 1)
        return false;
    const char *name = sval(json_array_get(fields, 0));
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) {
        const char *alias = json_string_value(json_object_get(json_object_get(t, "ResTarget"), "name"));
        if (name && alias && strcmp(name, alias) == 0)
            return true;
    }
    return false;
}

static void read_sort(actx *c, scope *s, json_t *list, json_t *targets)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *sb = json_object_get(item, "SortBy");
        json_t *node = json_object_get(sb, "node");
        if (!node || json_object_get(node, "A_Const") || is_alias(targets, node))
            continue;
        record(c, s, node, NULL, IXT_USE_SORT, "");
        ixt_col_use *u = &c->info->uses[c->info->nuses - 1];
        const char *dir = json_string_value(json_object_get(sb, "sortby_dir"));
        const char *nulls = json_string_value(json_object_get(sb, "sortby_nulls"));
        u->desc = dir && !strcmp(dir, "SORTBY_DESC");
        u->nulls_first = nulls ? !strcmp(nulls, "SORTBY_NULLS_FIRST") : u->desc;
    }
}

static void read_list(actx *c, scope *s, json_t *list, ixt_use_kind kind, bool targets)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        json_t *node = targets ? json_object_get(json_object_get(item, "ResTarget"), "val") : item;
        json_t *cr = json_object_get(node, "ColumnRef");
        if (!cr)
            continue;
        json_t *fields = json_object_get(cr, "fields");
        if (json_object_get(json_array_get(fields, json_array_size(fields) - 1), "A_Star"))
            continue;
        record(c, s, node, NULL, kind, "");
    }
}

static void read_ctes(actx *c, json_t *with)
{
    size_t i;
    json_t *cte;
    json_array_foreach(json_object_get(with, "ctes"), i, cte) {
        const char *type;
        json_t *q = node_body(json_object_get(json_object_get(cte, "CommonTableExpr"), "ctequery"), &type);
        if (!q)
            continue;
        if (!strcmp(type, "SelectStmt"))
            analyze_select(c, q);
        else
            c->info->read_only = false; /* a data-modifying CTE */
    }
}

static scope new_scope(actx *c)
{
    return (scope){c->info->ntables, 0};
}

static void analyze_select(actx *c, json_t *sel)
{
    read_ctes(c, json_object_get(sel, "withClause"));
    json_t *larg = json_object_get(sel, "larg");
    if (larg) { /* UNION / INTERSECT / EXCEPT */
        analyze_select(c, larg);
        analyze_select(c, json_object_get(sel, "rarg"));
        return;
    }
    scope s = new_scope(c);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(sel, "fromClause"), i, item) read_from(c, &s, item);
    analyze_expr(c, &s, json_object_get(sel, "whereClause"));
    json_array_foreach(json_object_get(sel, "fromClause"), i, item) {
        json_t *j = json_object_get(item, "JoinExpr");
        if (j)
            analyze_expr(c, &s, json_object_get(j, "quals"));
    }
    read_sort(c, &s, json_object_get(sel, "sortClause"), json_object_get(sel, "targetList"));
    read_list(c, &s, json_object_get(sel, "groupClause"), IXT_USE_GROUP, false);
    read_list(c, &s, json_object_get(sel, "targetList"), IXT_USE_OUTPUT, true);
    if (json_array_size(json_object_get(sel, "lockingClause")))
        c->info->has_locking = true;
    if (json_object_get(sel, "limitCount"))
        c->info->has_limit = true;
}

/* UPDATE / DELETE: the target table plus its WHERE. */
static void analyze_modify(actx *c, json_t *b, const char *extra_from)
{
    read_ctes(c, json_object_get(b, "withClause"));
    scope s = new_scope(c);
    read_rangevar(c, &s, json_object_get(b, "relation"));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(b, extra_from), i, item) read_from(c, &s, item);
    analyze_expr(c, &s, json_object_get(b, "whereClause"));
}

static void analyze_stmt(actx *c, const char *type, json_t *b)
{
    ixt_sql_info *in = c->info;
    if (!strcmp(type, "SelectStmt")) {
        in->kind = IXT_SQL_SELECT;
        in->read_only = true;
        analyze_select(c, b);
        in->read_only = in->read_only && !in->has_locking;
        if (json_object_get(b, "intoClause"))
            in->read_only = false; /* SELECT INTO creates a table */
    } else if (!strcmp(type, "UpdateStmt")) {
        in->kind = IXT_SQL_UPDATE;
        analyze_modify(c, b, "fromClause");
    } else if (!strcmp(type, "DeleteStmt")) {
        in->kind = IXT_SQL_DELETE;
        analyze_modify(c, b, "usingClause");
    } else if (!strcmp(type, "InsertStmt")) {
        in->kind = IXT_SQL_INSERT;
        scope s = new_scope(c);
        read_rangevar(c, &s, json_object_get(b, "relation"));
        json_t *sel = json_object_get(json_object_get(b, "selectStmt"), "SelectStmt");
        if (sel)
            analyze_select(c, sel);
    } else if (!strcmp(type, "MergeStmt")) {
        in->kind = IXT_SQL_MERGE;
    } else {
        in->kind = IXT_SQL_UTILITY;
    }
}

ixt_sql_info *ixt_sql_analyze(const char *sql, ixt_err *e)
{
    json_t *doc = parse_tree(sql, e);
    if (!doc)
        return NULL;
    actx c = {.sql = sql};
    c.info = ixt_xcalloc(1, sizeof *c.info);
    c.have_tokens = scan(sql, &c.tk, NULL) == 0;
    json_t *stmts = json_object_get(doc, "stmts");
    if (json_array_size(stmts) == 0) {
        c.info->kind = IXT_SQL_UTILITY;
    } else if (json_array_size(stmts) > 1) {
        c.info->kind = IXT_SQL_MULTIPLE;
    } else {
        const char *type;
        json_t *b = node_body(json_object_get(json_array_get(stmts, 0), "stmt"), &type);
        if (b)
            analyze_stmt(&c, type, b);
        else
            c.info->kind = IXT_SQL_UTILITY;
    }
    walk_params(stmts, &c.info->nparams);
    if (c.have_tokens)
        scan_free(&c.tk);
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
    for (int i = 0; i < in->nuses; i++) {
        ixt_col_use *u = &in->uses[i];
        free(u->table);
        free(u->column);
        free(u->expr);
        free(u->constant);
        free(u->op);
    }
    free(in->tables);
    free(in->uses);
    free(in);
}

const char *ixt_sql_kind_name(ixt_sql_kind k)
{
    static const char *const names[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "utility",
                                        "multiple"};
    return k <= IXT_SQL_MULTIPLE ? names[k] : "?";
}

/* ===== repairing normalized texts ===== */

/* Keywords that may sit right before a placeholder in valid SQL although
 * they are not reserved: the rest, before a placeholder, is a type name of
 * a typed literal whose string became the placeholder. */
static bool operand_keyword(PgQuery__Token t)
{
    switch (t) {
    case PG_QUERY__TOKEN__BETWEEN: case PG_QUERY__TOKEN__LIKE: case PG_QUERY__TOKEN__ILIKE:
    case PG_QUERY__TOKEN__SIMILAR: case PG_QUERY__TOKEN__IS: case PG_QUERY__TOKEN__ESCAPE:
    case PG_QUERY__TOKEN__FIRST_P: case PG_QUERY__TOKEN__NEXT: case PG_QUERY__TOKEN__VALUES:
    case PG_QUERY__TOKEN__OVERLAPS: case PG_QUERY__TOKEN__COLLATE: case PG_QUERY__TOKEN__BY:
    case PG_QUERY__TOKEN__ZONE: case PG_QUERY__TOKEN__NULLS_P: case PG_QUERY__TOKEN__ROWS:
    case PG_QUERY__TOKEN__ROW:
        return true;
    default:
        return false;
    }
}

static bool type_token(const PgQuery__ScanToken *tk)
{
    /* "timestamp with time zone $1": ZONE ends a type name there; the
     * caller checks the words before it */
    if (tk->token == PG_QUERY__TOKEN__ZONE)
        return false;
    if (tk->token == PG_QUERY__TOKEN__IDENT)
        return true;
    if (tk->keyword_kind == PG_QUERY__KEYWORD_KIND__NO_KEYWORD ||
        tk->keyword_kind == PG_QUERY__KEYWORD_KIND__RESERVED_KEYWORD)
        return false;
    return !operand_keyword(tk->token);
}

/* First token of a type name ending at token i: "timestamp with time zone",
 * "double precision", "character varying", "pg_catalog.date". */
static int type_start(const tokens *t, const char *sql, int i)
{
    PgQuery__ScanToken **tk = t->scan->tokens;
    if (i >= 3 && tk[i]->token == PG_QUERY__TOKEN__ZONE && tk[i - 1]->token == PG_QUERY__TOKEN__TIME &&
        (tk[i - 2]->token == PG_QUERY__TOKEN__WITH || tk[i - 2]->token == PG_QUERY__TOKEN__WITHOUT))
        return i - 3;
    if (i >= 1 && (tk[i]->token == PG_QUERY__TOKEN__PRECISION || tk[i]->token == PG_QUERY__TOKEN__VARYING))
        return i - 1;
    if (i >= 2 && is_char(tk[i - 1], sql, '.') && tk[i - 2]->token == PG_QUERY__TOKEN__IDENT)
        return i - 2;
    return i;
}

/* Renumbers the placeholders after some were replaced by literals: $k
 * becomes $(k - number of removed placeholders below k). */
static char *renumber(const char *sql, const bool *removed, int maxp, ixt_err *e)
{
    tokens t;
    if (scan(sql, &t, e) != 0)
        return NULL;
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0;
    for (size_t i = 0; i < t.scan->n_tokens; i++) {
        PgQuery__ScanToken *tk = t.scan->tokens[i];
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

/* "timestamp with time zone $1" */
static bool zone_type(const tokens *t, int i)
{
    PgQuery__ScanToken **tk = t->scan->tokens;
    return i >= 3 && tk[i]->token == PG_QUERY__TOKEN__ZONE && tk[i - 1]->token == PG_QUERY__TOKEN__TIME &&
           (tk[i - 2]->token == PG_QUERY__TOKEN__WITH || tk[i - 2]->token == PG_QUERY__TOKEN__WITHOUT);
}

/* libpg_query accepts what pg_stat_statements writes ("date $1",
 * "extract($1 from x)"); the server does not: rewrite from the tokens. */
static char *rewrite_tokens(const char *sql, const tokens *t, bool *removed, int maxp)
{
    PgQuery__ScanToken **tk = t->scan->tokens;
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0;
    for (size_t i = 0; i < t->scan->n_tokens; i++) {
        if (tk[i]->token != PG_QUERY__TOKEN__PARAM)
            continue;
        int n = atoi(sql + tk[i]->start + 1);
        if (i >= 2 && is_char(tk[i - 1], sql, '(') && tk[i - 2]->token == PG_QUERY__TOKEN__EXTRACT) {
            /* the field must be written out; any field plans the same */
            ixt_buf_addn(&b, sql + at, (size_t)(tk[i]->start - at));
            ixt_buf_add(&b, "'epoch'");
            if (n > 0 && n <= maxp)
                removed[n] = true;
            at = tk[i]->end;
        } else if (i >= 1 && (type_token(tk[i - 1]) || zone_type(t, (int)i - 1)) && tk[i - 1]->start >= at) {
            int s = type_start(t, sql, (int)i - 1);
            int ts = tk[s]->start < at ? tk[i - 1]->start : tk[s]->start, te = tk[i - 1]->end;
            ixt_buf_addn(&b, sql + at, (size_t)(ts - at));
            ixt_buf_printf(&b, "$%d::%.*s", n, te - ts, sql + ts);
            at = tk[i]->end;
        }
    }
    ixt_buf_add(&b, sql + at);
    return ixt_buf_take(&b);
}

char *ixt_sql_plannable(const char *normalized, ixt_err *e)
{
    tokens t;
    if (scan(normalized, &t, e) != 0)
        return NULL;
    int maxp = 0;
    for (size_t i = 0; i < t.scan->n_tokens; i++)
        if (t.scan->tokens[i]->token == PG_QUERY__TOKEN__PARAM) {
            int n = atoi(normalized + t.scan->tokens[i]->start + 1);
            maxp = n > maxp ? n : maxp;
        }
    bool *removed = ixt_xcalloc((size_t)maxp + 2, sizeof *removed);
    char *fixed = rewrite_tokens(normalized, &t, removed, maxp);
    scan_free(&t);
    char *out = renumber(fixed, removed, maxp, e);
    free(fixed);
    free(removed);
    if (!out)
        return NULL;
    PgQueryParseResult r = pg_query_parse(out);
    if (r.error) {
        ixt_err_set(e, "%s at character %d", r.error->message, r.error->cursorpos);
        pg_query_free_parse_result(r);
        free(out);
        return NULL;
    }
    pg_query_free_parse_result(r);
    return out;
}

/* Which placeholders to cast: token i of t is a placeholder without a cast. */
typedef bool (*param_pick)(const tokens *t, const char *sql, size_t i, const void *ctx);

/* Appends "::type" to the placeholders pick chooses.  NULL when it chose
 * none and some were wanted.  caller frees */
static char *cast_params(const char *sql, const char *type, param_pick pick, const void *ctx, bool want, ixt_err *e)
{
    tokens t;
    if (scan(sql, &t, e) != 0)
        return NULL;
    PgQuery__ScanToken **tk = t.scan->tokens;
    size_t n = t.scan->n_tokens;
    ixt_buf b;
    ixt_buf_init(&b);
    int at = 0, casts = 0;
    for (size_t i = 0; i < n; i++) {
        bool typed = i + 1 < n && tk[i + 1]->token == PG_QUERY__TOKEN__TYPECAST;
        if (tk[i]->token != PG_QUERY__TOKEN__PARAM || typed || !pick(&t, sql, i, ctx))
            continue;
        ixt_buf_addn(&b, sql + at, (size_t)(tk[i]->end - at));
        ixt_buf_printf(&b, "::%s", type);
        at = tk[i]->end;
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

static bool pick_number(const tokens *t, const char *sql, size_t i, const void *ctx)
{
    return atoi(sql + t->scan->tokens[i]->start + 1) == *(const int *)ctx;
}

char *ixt_sql_cast_param(const char *sql, int n, const char *type, ixt_err *e)
{
    return cast_params(sql, type, pick_number, &n, false, e);
}

static bool arith(const PgQuery__ScanToken *tk, const char *sql)
{
    return is_char(tk, sql, '+') || is_char(tk, sql, '-') || is_char(tk, sql, '*') || is_char(tk, sql, '/');
}

static bool pick_arith(const tokens *t, const char *sql, size_t i, const void *ctx)
{
    (void)ctx;
    PgQuery__ScanToken **tk = t->scan->tokens;
    return (i + 1 < t->scan->n_tokens && arith(tk[i + 1], sql)) || (i > 0 && arith(tk[i - 1], sql));
}

char *ixt_sql_cast_arith_params(const char *sql, ixt_err *e)
{
    return cast_params(sql, "numeric", pick_arith, NULL, true, e);
}

/* Offset of the first token that is not a comment (a statement of a file
 * starts after the comments above it). */
static size_t first_code(const char *sql)
{
    tokens t;
    if (scan(sql, &t, NULL) != 0)
        return 0;
    size_t at = strlen(sql);
    for (size_t i = 0; i < t.scan->n_tokens; i++) {
        PgQuery__Token k = t.scan->tokens[i]->token;
        if (k != PG_QUERY__TOKEN__SQL_COMMENT && k != PG_QUERY__TOKEN__C_COMMENT) {
            at = (size_t)t.scan->tokens[i]->start;
            break;
        }
    }
    scan_free(&t);
    return at;
}

int ixt_sql_split(const char *text, char ***stmts, int *n, ixt_err *e)
{
    PgQuerySplitResult r = pg_query_split_with_parser(text);
    *stmts = NULL;
    *n = 0;
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

static bool comparison(const PgQuery__ScanToken *tk, const char *sql)
{
    return is_char(tk, sql, '=') || is_char(tk, sql, '<') || is_char(tk, sql, '>') ||
           tk->token == PG_QUERY__TOKEN__Op || tk->token == PG_QUERY__TOKEN__LESS_EQUALS ||
           tk->token == PG_QUERY__TOKEN__GREATER_EQUALS || tk->token == PG_QUERY__TOKEN__NOT_EQUALS;
}

/* Inside the parentheses of the call at byte pos, and not compared with
 * anything (a compared placeholder takes the other side's type). */
static bool pick_in_call(const tokens *t, const char *sql, size_t i, const void *ctx)
{
    PgQuery__ScanToken **tk = t->scan->tokens;
    size_t n = t->scan->n_tokens, k = 0;
    int pos = *(const int *)ctx, depth = 0;
    while (k < n && (tk[k]->start < pos || !is_char(tk[k], sql, '(')))
        k++;
    for (; k < n && k <= i; k++) {
        depth += is_char(tk[k], sql, '(') - is_char(tk[k], sql, ')');
        if (depth <= 0)
            return false;
    }
    if (k <= i)
        return false;
    return !((i > 0 && comparison(tk[i - 1], sql)) || (i + 1 < n && comparison(tk[i + 1], sql)));
}

char *ixt_sql_cast_params_in_call(const char *sql, int pos, const char *type, ixt_err *e)
{
    return cast_params(sql, type, pick_in_call, &pos, true, e);
}
