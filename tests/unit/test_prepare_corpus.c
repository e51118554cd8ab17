/* Replays the fuzz corpus of the statement-preparation path (and its
 * seeds): every input keeps the invariants of tests/fuzz/prepare_check.h. */
#include <dirent.h>
#include <stdio.h>

#include "testutil.h"
#include "fuzz/prepare_check.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

static void test_corpus_keeps_invariants(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/../fuzz/corpus/prepare", ixt_testdata());
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *text = slurp(path);
        assert_non_null(text);
        const char *why = ixt_prepare_violation(text);
        if (why)
            fail_msg("%s: %s", de->d_name, why);
        free(text);
        n++;
    }
    closedir(d);
    assert_true(n >= 8);
}

/* The seeds that broke it before: the statement is the one step. */
static void test_user_text_is_one_step(void **state)
{
    (void)state;
    static const char *const values[] = {"1"};
    ixt_explain_req r = {.sql = "SELECT * FROM t WHERE a = $1 -- from the app", .analyze = true,
                         .params = values, .nparams = 1};
    ixt_explain_prep p;
    assert_int_equal(ixt_explain_prepare_text(&r, &p, NULL), 0);
    const ixt_step *st = &p.script.steps[p.user_step];
    assert_int_equal(st->nparams, 1);
    assert_string_equal(st->params[0], "1");
    assert_null(ixt_check_script(&p.script, p.user_step, p.sql));
    ixt_explain_prep_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_keeps_invariants),
        cmocka_unit_test(test_user_text_is_one_step),
    };
    return IXT_RUN_TESTS(tests);
}
