/* indexdef: CREATE INDEX through libpg_query's protobuf tree: parse, give
 * it a schema and a name, deparse. */
#include "idxtune/indexdef.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlquote.h"

typedef struct tree {
    PgQueryProtobufParseResult raw;
    PgQuery__ParseResult *res;
} tree;

static int tree_parse(const char *sql, tree *t, ixt_err *e)
{
    t->raw = pg_query_parse_protobuf(sql);
    t->res = NULL;
    if (t->raw.error) {
        ixt_err_set(e, "the index definition does not parse: %s (at character %d)", t->raw.error->message,
                    t->raw.error->cursorpos);
        pg_query_free_protobuf_parse_result(t->raw);
        return -1;
    }
    t->res = pg_query__parse_result__unpack(NULL, t->raw.parse_tree.len, (const uint8_t *)t->raw.parse_tree.data);
    if (!t->res) {
        pg_query_free_protobuf_parse_result(t->raw);
        return ixt_err_set(e, "cannot read the index definition");
    }
    return 0;
}

static void tree_free(tree *t)
{
    pg_query__parse_result__free_unpacked(t->res, NULL);
    pg_query_free_protobuf_parse_result(t->raw);
}

static PgQuery__Node *only_stmt(tree *t)
{
    return t->res->n_stmts == 1 ? t->res->stmts[0]->stmt : NULL;
}

static PgQuery__IndexStmt *index_stmt(tree *t, ixt_err *e)
{
    PgQuery__Node *n = only_stmt(t);
    if (!n || n->node_case != PG_QUERY__NODE__NODE_INDEX_STMT) {
        ixt_err_set(e, "expected one CREATE INDEX statement");
        return NULL;
    }
    return n->index_stmt;
}

/* Replaces a protobuf string; free_unpacked frees it with free(). */
static void set_str(char **field, const char *value)
{
    if (*field && *field != protobuf_c_empty_string)
        free(*field);
    *field = ixt_xstrdup(value ? value : "");
}

static char *deparse(tree *t, ixt_err *e)
{
    size_t len = pg_query__parse_result__get_packed_size(t->res);
    uint8_t *buf = ixt_xmalloc(len);
    pg_query__parse_result__pack(t->res, buf);
    PgQueryProtobuf pb = {len, (char *)buf};
    PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
    free(buf);
    char *out = NULL;
    if (d.error)
        ixt_err_set(e, "cannot write the definition back out: %s", d.error->message);
    else
        out = ixt_xstrdup(d.query);
    pg_query_free_deparse_result(d);
    return out;
}

static bool present(const char *s)
{
    return s && *s;
}

static char *column_names(const PgQuery__IndexStmt *is)
{
    ixt_buf b;
    ixt_buf_init(&b);
    for (size_t i = 0; i < is->n_index_params; i++) {
        const PgQuery__IndexElem *el = is->index_params[i]->index_elem;
        if (!el)
            continue;
        ixt_buf_printf(&b, "%s%s", b.len ? "_" : "", present(el->name) ? el->name : "expr");
    }
    return ixt_buf_take(&b);
}

int ixt_indexdef_parse(const char *create_sql, ixt_indexdef *d, ixt_err *e)
{
    memset(d, 0, sizeof *d);
    tree t;
    if (tree_parse(create_sql, &t, e) != 0)
        return -1;
    PgQuery__IndexStmt *is = index_stmt(&t, e);
    if (is) {
        d->schema = present(is->relation->schemaname) ? ixt_xstrdup(is->relation->schemaname) : NULL;
        d->table = ixt_xstrdup(is->relation->relname);
        d->method = ixt_xstrdup(present(is->access_method) ? is->access_method : "btree");
        d->name = present(is->idxname) ? ixt_xstrdup(is->idxname) : NULL;
        d->colnames = column_names(is);
        d->unique = is->unique;
        d->partial = is->where_clause != NULL;
    }
    tree_free(&t);
    return is ? 0 : -1;
}

void ixt_indexdef_free(ixt_indexdef *d)
{
    free(d->schema);
    free(d->table);
    free(d->method);
    free(d->name);
    free(d->colnames);
    memset(d, 0, sizeof *d);
}

/* FNV-1a: a short, stable tag for a cut name. */
static unsigned hash_name(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static char *fit_name(const char *full, const char *suffix)
{
    size_t room = IXT_NAMEDATALEN - strlen(suffix);
    if (strlen(full) + strlen(suffix) <= IXT_NAMEDATALEN)
        return ixt_xasprintf("%s%s", full, suffix);
    char tag[16];
    snprintf(tag, sizeof tag, "_%06x", hash_name(full) & 0xffffff);
    room -= strlen(tag);
    return ixt_xasprintf("%.*s%s%s", (int)ixt_utf8_cut(full, room), full, tag, suffix);
}

/* Names idxtune makes up follow PostgreSQL's habit of plain names: lower
 * case ASCII letters, digits and underscores. */
static void plain_name(char *s)
{
    for (char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= 'A' && ch <= 'Z')
            *p = (char)(ch + 32);
        else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
            *p = '_';
    }
}

char *ixt_index_name(const char *table, const char *colnames)
{
    char *full = ixt_xasprintf("%s_%s", table, colnames);
    plain_name(full);
    char *name = fit_name(full, "_idx");
    free(full);
    return name;
}

static bool taken_in(const char *name, char *const *taken, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(taken[i], name) == 0)
            return true;
    return false;
}

char *ixt_index_unique_name(ixt_conn *c, const char *schema, const char *base,
                            char *const *taken, int ntaken, ixt_err *e)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = coalesce($1, current_schema()) AND c.relname = $2)";
    char *name = ixt_xstrdup(base);
    for (int i = 2; i < 1000; i++) {
        const char *params[] = {schema, name};
        PGresult *r = ixt_conn_exec(c, SQL, 2, params, e);
        if (!r) {
            free(name);
            return NULL;
        }
        bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        if (!exists && !taken_in(name, taken, ntaken))
            return name;
        free(name);
        char suffix[16];
        snprintf(suffix, sizeof suffix, "_%d", i);
        name = fit_name(base, suffix);
    }
    free(name);
    ixt_err_set(e, "no free name for index %s", base);
    return NULL;
}

char *ixt_indexdef_render(const char *create_sql, const char *schema, const char *name,
                          bool concurrently, bool if_not_exists, ixt_err *e)
{
    tree t;
    if (tree_parse(create_sql, &t, e) != 0)
        return NULL;
    PgQuery__IndexStmt *is = index_stmt(&t, e);
    char *out = NULL;
    if (is) {
        if (schema)
            set_str(&is->relation->schemaname, schema);
        if (!name && present(is->idxname))
            name = is->idxname;
        /* libpg_query 15's deparser writes the index name unquoted: it is
         * left out and put back through ixt_quote_ident */
        char *qname = name ? ixt_quote_ident(name) : NULL;
        set_str(&is->idxname, NULL);
        is->concurrent = concurrently;
        is->if_not_exists = false;
        char *body = deparse(&t, e);
        char *head = ixt_xasprintf("CREATE %sINDEX %s", is->unique ? "UNIQUE " : "",
                                   concurrently ? "CONCURRENTLY " : "");
        if (body && strncmp(body, head, strlen(head)) == 0 && strncmp(body + strlen(head), "ON ", 3) == 0)
            out = ixt_xasprintf("%s%s%s%s%s", head, if_not_exists && qname ? "IF NOT EXISTS " : "",
                                qname ? qname : "", qname ? " " : "", body + strlen(head));
        else if (body)
            ixt_err_set(e, "cannot write the definition back out: unexpected %s", body);
        free(head);
        free(body);
        free(qname);
    }
    tree_free(&t);
    return out;
}

char *ixt_index_drop_sql(const char *schema, const char *name, bool concurrently)
{
    char *rel = ixt_quote_qualified(schema, name);
    char *out = ixt_xasprintf("DROP INDEX %sIF EXISTS %s", concurrently ? "CONCURRENTLY " : "", rel);
    free(rel);
    return out;
}
