/* indexdef: CREATE INDEX through libpg_query's protobuf tree: parsed once,
 * the packed tree kept; rendering gives a copy of it a schema and a name
 * and deparses. */
#include "idxtune/indexdef.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/sqlquote.h"
#include "idxtune/sqltree.h"

/* The one statement of a parse result as an IndexStmt, NULL otherwise. */
static PgQuery__IndexStmt *index_stmt(PgQuery__ParseResult *res)
{
    if (res->n_stmts != 1 || res->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_INDEX_STMT)
        return NULL;
    return res->stmts[0]->stmt->index_stmt;
}

static PgQuery__ParseResult *unpack(const void *buf, size_t len)
{
    return pg_query__parse_result__unpack(NULL, len, (const uint8_t *)buf);
}

/* Replaces a protobuf string; free_unpacked frees it with free(). */
static void set_str(char **field, const char *value)
{
    if (*field && *field != protobuf_c_empty_string)
        free(*field);
    *field = ixt_xstrdup(value ? value : "");
}

static char *deparse(PgQuery__ParseResult *res, ixt_err *e)
{
    size_t len = pg_query__parse_result__get_packed_size(res);
    uint8_t *buf = ixt_xmalloc(len);
    pg_query__parse_result__pack(res, buf);
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

/* The deparser writes an expression's operator class against it:
 * "(lower(name)text_pattern_ops)", valid but unreadable.  A blank between
 * ")" and the word after it (a blank between tokens changes nothing).
 * Takes body; caller frees the result */
static char *spaced(char *body)
{
    ixt_tokens t;
    if (!body || ixt_tok_scan(body, &t, NULL) != 0)
        return body;
    ixt_buf b;
    ixt_buf_init(&b);
    int from = 0;
    for (int i = 0; i + 1 < t.n; i++) {
        const PgQuery__ScanToken *next = t.tk[i + 1];
        bool word = next->token == PG_QUERY__TOKEN__IDENT || next->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
        if (ixt_tok_is(t.tk[i], body, ')') && next->start == t.tk[i]->end && word) {
            ixt_buf_printf(&b, "%.*s ", t.tk[i]->end - from, body + from);
            from = t.tk[i]->end;
        }
    }
    ixt_buf_printf(&b, "%s", body + from);
    ixt_tok_free(&t);
    free(body);
    return ixt_buf_take(&b);
}

/* sql without the CONCURRENTLY keyword (and the blanks after it), cut at
 * the scanner's token so the rest stays as the user wrote it.  In CREATE
 * [UNIQUE] INDEX CONCURRENTLY nothing before the keyword can scan as it,
 * and an index or column called concurrently must be quoted (an
 * identifier then).  caller frees */
static char *without_concurrently(const char *sql)
{
    ixt_tokens t;
    if (ixt_tok_scan(sql, &t, NULL) != 0)
        return NULL;
    char *out = NULL;
    for (int i = 0; i < t.n && !out; i++) {
        if (t.tk[i]->token != PG_QUERY__TOKEN__CONCURRENTLY)
            continue;
        size_t to = (size_t)t.tk[i]->end;
        while (sql[to] == ' ' || sql[to] == '\t' || sql[to] == '\n' || sql[to] == '\r')
            to++;
        out = ixt_xasprintf("%.*s%s", t.tk[i]->start, sql, sql + to);
    }
    ixt_tok_free(&t);
    return out;
}

int ixt_indexdef_parse(const char *create_sql, ixt_indexdef *d, ixt_err *e)
{
    memset(d, 0, sizeof *d);
    PgQueryProtobufParseResult raw = pg_query_parse_protobuf(create_sql);
    if (raw.error) {
        ixt_err_set(e, "the index definition does not parse: %s (at character %d)", raw.error->message,
                    raw.error->cursorpos);
        pg_query_free_protobuf_parse_result(raw);
        return -1;
    }
    PgQuery__ParseResult *res = unpack(raw.parse_tree.data, raw.parse_tree.len);
    PgQuery__IndexStmt *is = res ? index_stmt(res) : NULL;
    if (!res)
        ixt_err_set(e, "cannot read the index definition");
    else if (!is)
        ixt_err_set(e, "expected one CREATE INDEX statement, e.g. CREATE INDEX ON runs (status, run_at)");
    if (is) {
        d->sql = is->concurrent ? without_concurrently(create_sql) : ixt_xstrdup(create_sql);
        d->note = is->concurrent ? IXT_INDEXDEF_NOTE_CONCURRENTLY : NULL;
        d->schema = present(is->relation->schemaname) ? ixt_xstrdup(is->relation->schemaname) : NULL;
        d->table = ixt_xstrdup(is->relation->relname);
        d->method = ixt_xstrdup(present(is->access_method) ? is->access_method : "btree");
        d->name = present(is->idxname) ? ixt_xstrdup(is->idxname) : NULL;
        d->colnames = column_names(is);
        d->unique = is->unique;
        d->partial = is->where_clause != NULL;
        d->treelen = raw.parse_tree.len;
        d->tree = ixt_xmalloc(d->treelen);
        memcpy(d->tree, raw.parse_tree.data, d->treelen);
    }
    pg_query__parse_result__free_unpacked(res, NULL);
    pg_query_free_protobuf_parse_result(raw);
    if (is && !d->sql) {
        ixt_indexdef_free(d);
        return ixt_err_set(e, "cannot leave CONCURRENTLY out of the index definition");
    }
    return is ? 0 : -1;
}

static char *dup_or_null(const char *s)
{
    return s ? ixt_xstrdup(s) : NULL;
}

void ixt_indexdef_copy(ixt_indexdef *dst, const ixt_indexdef *src)
{
    *dst = *src;
    dst->sql = dup_or_null(src->sql);
    dst->schema = dup_or_null(src->schema);
    dst->table = dup_or_null(src->table);
    dst->method = dup_or_null(src->method);
    dst->name = dup_or_null(src->name);
    dst->colnames = dup_or_null(src->colnames);
    dst->tree = ixt_xmalloc(src->treelen ? src->treelen : 1);
    if (src->treelen)
        memcpy(dst->tree, src->tree, src->treelen);
}

void ixt_indexdef_free(ixt_indexdef *d)
{
    free(d->sql);
    free(d->schema);
    free(d->table);
    free(d->method);
    free(d->name);
    free(d->colnames);
    free(d->tree);
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

char *ixt_index_name_nth(const char *base, int n)
{
    if (n < 2)
        return ixt_xstrdup(base);
    char suffix[16];
    snprintf(suffix, sizeof suffix, "_%d", n);
    return fit_name(base, suffix);
}

char *ixt_indexdef_render(const ixt_indexdef *d, const char *schema, const char *name,
                          bool concurrently, bool if_not_exists, ixt_err *e)
{
    ixt_index_target t = {.schema = schema, .name = name};
    return ixt_indexdef_render_on(d, &t, concurrently, if_not_exists, e);
}

char *ixt_indexdef_render_on(const ixt_indexdef *d, const ixt_index_target *t, bool concurrently,
                             bool if_not_exists, ixt_err *e)
{
    const char *schema = t->schema, *name = t->name;
    /* a fresh copy of the tree each time: rendering leaves d as it was */
    PgQuery__ParseResult *res = d->tree ? unpack(d->tree, d->treelen) : NULL;
    PgQuery__IndexStmt *is = res ? index_stmt(res) : NULL;
    if (!is) {
        pg_query__parse_result__free_unpacked(res, NULL);
        ixt_err_set(e, "cannot read the index definition");
        return NULL;
    }
    set_str(&is->relation->schemaname, schema ? schema : d->schema);
    if (t->table)
        set_str(&is->relation->relname, t->table);
    if (t->only)
        is->relation->inh = false;
    if (!name && !t->unnamed)
        name = d->name;
    /* libpg_query 15's deparser writes the index name unquoted: it is
     * left out and put back through ixt_quote_ident */
    char *qname = name ? ixt_quote_ident(name) : NULL;
    set_str(&is->idxname, NULL);
    is->concurrent = concurrently;
    is->if_not_exists = false;
    char *body = spaced(deparse(res, e));
    char *head = ixt_xasprintf("CREATE %sINDEX %s", is->unique ? "UNIQUE " : "", concurrently ? "CONCURRENTLY " : "");
    char *out = NULL;
    if (body && strncmp(body, head, strlen(head)) == 0 && strncmp(body + strlen(head), "ON ", 3) == 0)
        out = ixt_xasprintf("%s%s%s%s%s", head, if_not_exists && qname ? "IF NOT EXISTS " : "", qname ? qname : "",
                            qname ? " " : "", body + strlen(head));
    else if (body)
        ixt_err_set(e, "cannot write the definition back out: unexpected %s", body);
    free(head);
    free(body);
    free(qname);
    pg_query__parse_result__free_unpacked(res, NULL);
    return out;
}

char *ixt_index_drop_sql(const char *schema, const char *name, bool concurrently)
{
    char *rel = ixt_quote_qualified(schema, name);
    char *out = ixt_xasprintf("DROP INDEX %sIF EXISTS %s", concurrently ? "CONCURRENTLY " : "", rel);
    free(rel);
    return out;
}
