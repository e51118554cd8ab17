/* sqlsplit: libpg_query's statement boundaries, with the comments above
 * each statement left out. */
#include "idxtune/sqlsplit.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/sqltree.h"

/* Offset of the first token that is not a comment: a statement of a file
 * starts after the comments above it (its length when there is none). */
static size_t first_code(const char *s)
{
    ixt_tokens t;
    if (ixt_tok_scan(s, &t, NULL) != 0)
        return 0;
    size_t at = strlen(s);
    for (int i = 0; i < t.n; i++)
        if (!ixt_tok_comment(t.tk[i])) {
            at = (size_t)t.tk[i]->start;
            break;
        }
    ixt_tok_free(&t);
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
