/* sqlquote: PostgreSQL's quote_identifier and quote_literal, and comment
 * text, for the SQL files idxtune writes. */
#include "idxtune/sqlquote.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/util.h"

/* Whether a word the scanner reads as a keyword must be quoted to be used
 * as a name: every keyword but the unreserved ones, as in ruleutils.c. */
static bool is_quoted_keyword(const char *word)
{
    PgQueryScanResult sr = pg_query_scan(word);
    bool kw = false;
    if (!sr.error) {
        PgQuery__ScanResult *res = pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
        if (res && res->n_tokens == 1)
            kw = res->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                 res->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
        else
            kw = true; /* not one word after all: quoting is always correct */
        pg_query__scan_result__free_unpacked(res, NULL);
    } else {
        kw = true;
    }
    pg_query_free_scan_result(sr);
    return kw;
}

/* Keywords that servers newer than libpg_query's grammar (PostgreSQL 15)
 * quote and its scanner does not know: an exported file is applied to
 * whichever version the DBA runs, so it quotes them too (quoting a plain
 * lower-case name never changes what it names).  Checked against each
 * version's quote_ident() by tests/safety/test_quote_ident.c under
 * make test-versions. */
bool ixt_newer_keyword(const char *word)
{
    static const char *const newer[] = {
        "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg",
        "json_query", "json_scalar", "json_serialize", "json_table", "json_value", "merge_action",
        "system_user",
    };
    for (size_t i = 0; i < sizeof newer / sizeof *newer; i++)
        if (strcmp(word, newer[i]) == 0)
            return true;
    return false;
}

char *ixt_quote_ident(const char *name)
{
    bool safe = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
    for (const char *p = name; *p && safe; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (safe && !is_quoted_keyword(name) && !ixt_newer_keyword(name))
        return ixt_xstrdup(name);
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_addc(&b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            ixt_buf_addc(&b, '"');
        ixt_buf_addc(&b, *p);
    }
    ixt_buf_addc(&b, '"');
    return ixt_buf_take(&b);
}

char *ixt_quote_qualified(const char *schema, const char *name)
{
    char *n = ixt_quote_ident(name);
    if (!schema)
        return n;
    char *s = ixt_quote_ident(schema);
    char *out = ixt_xasprintf("%s.%s", s, n);
    free(s);
    free(n);
    return out;
}

char *ixt_quote_literal(const char *s)
{
    ixt_buf b;
    ixt_buf_init(&b);
    if (strchr(s, '\\'))
        ixt_buf_addc(&b, 'E');
    ixt_buf_addc(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'' || *p == '\\')
            ixt_buf_addc(&b, *p);
        ixt_buf_addc(&b, *p);
    }
    ixt_buf_addc(&b, '\'');
    return ixt_buf_take(&b);
}

char *ixt_comment_text(const char *s, size_t max)
{
    char *one = ixt_xstrdup(s ? s : "");
    /* psql ends a comment at \n or \r; no control character is kept */
    for (char *p = one; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    ixt_squash_ws(one);
    size_t n = ixt_utf8_cut(one, max);
    if (one[n]) {
        char *cut = ixt_xasprintf("%.*s ...", (int)n, one);
        free(one);
        return cut;
    }
    return one;
}
