/* `idxtune top` as scripts use it: the real binary against the sandbox,
 * its JSON read with jansson, its exit status and messages checked. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "idxtune/util.h"
#include "testutil.h"

/* Runs idxtune with args; returns the exit status, stdout in *out. */
static int run_prog(const char *args, char **out)
{
    const char *prog = getenv("IXT_PROG");
    char *cmd = ixt_xasprintf("%s %s 2>&1", prog ? prog : "./idxtune", args);
    FILE *f = popen(cmd, "r");
    free(cmd);
    assert_non_null(f);
    ixt_buf b;
    ixt_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ixt_buf_addn(&b, chunk, n);
    int st = pclose(f);
    *out = ixt_buf_take(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_top_json(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_prog("top --once --format json --limit 5", &out), 0);
    json_error_t err;
    json_t *arr = json_loads(out, 0, &err);
    if (!arr)
        fail_msg("not JSON (%s): %s", err.text, out);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 5);
    double prev = 1e300;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i);
        assert_true(json_is_string(json_object_get(o, "queryid")));
        assert_true(json_is_string(json_object_get(o, "query")));
        assert_true(json_is_number(json_object_get(o, "calls")));
        assert_true(json_is_number(json_object_get(o, "rows")));
        assert_true(json_is_number(json_object_get(o, "mean_ms")));
        double total = json_number_value(json_object_get(o, "total_ms"));
        assert_true(total <= prev); /* sorted by total time, descending */
        prev = total;
        assert_null(strstr(json_string_value(json_object_get(o, "query")), "idxtune"));
    }
    json_decref(arr);
    free(out);
}

static void test_top_sort_by_calls_text(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_prog("top --once --sort calls --limit 3", &out), 0);
    assert_non_null(strstr(out, "queryid"));
    assert_non_null(strstr(out, "total_ms"));
    int lines = 0;
    for (char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    free(out);
}

static void test_bad_input_exits_non_zero(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_prog("top --once --sort bogus", &out), 2);
    assert_non_null(strstr(out, "unknown sort column 'bogus'"));
    free(out);
    assert_int_equal(run_prog("top --once -d no_such_database", &out), 1);
    assert_non_null(strstr(out, "no_such_database"));
    free(out);
    assert_int_equal(run_prog("top --once -h 127.0.0.1 -p 1", &out), 1);
    assert_non_null(strstr(out, "cannot connect"));
    free(out);
    assert_int_equal(run_prog("top --once --format yaml", &out), 2);
    assert_non_null(strstr(out, "unknown format"));
    free(out);
    assert_int_equal(run_prog("--no-such-option", &out), 2);
    free(out);
}

static void test_missing_pg_stat_statements_is_explained(void **state)
{
    (void)state;
    char *out;
    /* template1 has no pg_stat_statements extension */
    assert_int_equal(run_prog("top --once -d template1", &out), 1);
    assert_non_null(strstr(out, "CREATE EXTENSION pg_stat_statements"));
    free(out);
}

static void test_help_and_version(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_prog("--version", &out), 0);
    assert_non_null(strstr(out, "idxtune 0."));
    free(out);
    assert_int_equal(run_prog("--help", &out), 0);
    assert_non_null(strstr(out, "--dbname"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_json),
        cmocka_unit_test(test_top_sort_by_calls_text),
        cmocka_unit_test(test_bad_input_exits_non_zero),
        cmocka_unit_test(test_missing_pg_stat_statements_is_explained),
        cmocka_unit_test(test_help_and_version),
    };
    return IXT_RUN_TESTS(tests);
}
