/* ixt_quote_ident against the server's own quote_ident(): every keyword
 * the server knows (in three spellings) and a few thousand generated names
 * with quotes, backslashes, spaces, control characters, non-ASCII, digits
 * in front and mixed case must come out byte for byte the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbutil.h"
#include "idxtune/sqlquote.h"

/* The pieces generated names are made of: whole UTF-8 characters. */
static const char *const PIECES[] = {
    "a", "b", "z", "q", "_", "0", "9", "A", "Z", "\"", "\\", "'", " ", "$", "-", ".", ";", "\n", "\t", "\x01",
    "\x7f", "é", "Ü", "€", "ß", "日", "select", "from", "user", "index", "name", "between", "left", "e", "u&",
};

static int checked, differed, newer_quoted;

static void check(ixt_conn *c, const char *name)
{
    const char *params[] = {name};
    ixt_err e;
    PGresult *r = ixt_conn_exec(c, "SELECT quote_ident($1)", 1, params, &e);
    if (!r)
        fail_msg("%s", e.msg);
    char *mine = ixt_quote_ident(name);
    const char *server = PQgetvalue(r, 0, 0);
    /* idxtune also quotes the keywords of newer versions: a bare name the
     * server leaves as it is, quoted, names the same thing */
    char *quoted = ixt_xasprintf("\"%s\"", server);
    bool newer = ixt_newer_keyword(name) && strcmp(server, name) == 0 && strcmp(mine, quoted) == 0;
    free(quoted);
    if (newer)
        newer_quoted++;
    else if (strcmp(mine, server) != 0) {
        if (differed++ < 10)
            fprintf(stderr, "# %s: server %s, idxtune %s\n", name, PQgetvalue(r, 0, 0), mine);
    }
    checked++;
    free(mine);
    PQclear(r);
}

static void test_quote_ident_matches_server(void **state)
{
    (void)state;
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    ixt_err e;
    PGresult *kw = ixt_conn_exec(c, "SELECT word FROM pg_get_keywords()", 0, NULL, &e);
    assert_non_null(kw);
    assert_true(PQntuples(kw) > 400);
    for (int i = 0; i < PQntuples(kw); i++) {
        char *w = ixt_xstrdup(PQgetvalue(kw, i, 0));
        check(c, w);
        w[0] = (char)(w[0] - 32); /* Select */
        check(c, w);
        char *x = ixt_xasprintf("%s_x", PQgetvalue(kw, i, 0));
        check(c, x);
        free(x);
        free(w);
    }
    PQclear(kw);
    srand(20261124);
    for (int i = 0; i < 3000; i++) {
        char name[256] = "";
        int n = rand() % 8;
        /* mostly plain pieces, so many names are left bare and the keyword
         * test matters */
        for (int k = 0; k < n; k++)
            strcat(name, PIECES[rand() % 2 ? rand() % 7 : rand() % (int)(sizeof PIECES / sizeof *PIECES)]);
        check(c, name);
    }
    fprintf(stderr, "# %d names checked (%d keywords of newer versions quoted ahead)\n", checked, newer_quoted);
    assert_true(checked > 4000);
    assert_int_equal(differed, 0);
    ixt_conn_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_ident_matches_server),
    };
    return IXT_RUN_TESTS(tests);
}
