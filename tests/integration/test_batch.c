/* `idxtune top`, `explain` and `try` as scripts use them: the real binary against the sandbox,
 * its JSON read with jansson, its exit status and messages checked. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "idxtune/util.h"
#include "dbutil.h"

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

static json_t *run_json(const char *args)
{
    char *out;
    int rc = run_prog(args, &out);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, out);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j)
        fail_msg("not JSON (%s): %s", err.text, out);
    free(out);
    return j;
}

static double num(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2)
        v = json_object_get(v, path2);
    if (!json_is_number(v))
        fail_msg("%s.%s is not a number", path1, path2 ? path2 : "");
    return json_number_value(v);
}

static void test_explain_json(void **state)
{
    (void)state;
    json_t *j = run_json("explain --format json -c 'SELECT * FROM runs WHERE workflow_id = $1 "
                         "ORDER BY created_at DESC LIMIT 50'");
    assert_true(json_is_true(json_object_get(j, "generic")));
    assert_true(json_is_null(json_object_get(j, "execution_ms")));
    assert_true(num(j, "total_cost", NULL) > 0);
    assert_true(num(j, "planning_ms", NULL) >= 0);
    json_t *plan = json_object_get(j, "plan");
    assert_string_equal(json_string_value(json_object_get(plan, "node_type")), "Limit");
    assert_true(json_is_array(json_object_get(plan, "children")));
    json_decref(j);
    j = run_json("explain --format json --analyze -c 'SELECT count(*) FROM runs'");
    assert_false(json_is_true(json_object_get(j, "generic")));
    assert_true(num(j, "execution_ms", NULL) > 0);
    assert_true(num(json_object_get(j, "plan"), "actual_rows", NULL) == 1);
    json_decref(j);
    char *out;
    assert_int_equal(run_prog("explain -c 'SELEC 1'", &out), 1);
    assert_non_null(strstr(out, "syntax error"));
    free(out);
    assert_int_equal(run_prog("explain", &out), 2);
    assert_non_null(strstr(out, "exactly one of"));
    free(out);
}

static void test_try_json(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    json_t *j = run_json("try --format json -c 'SELECT seq FROM run_logs WHERE run_id = $1 AND seq > $2' "
                         "--index 'CREATE INDEX ON run_logs (run_id, seq)' --index 'CREATE INDEX ON run_logs (level)'");
    double before = num(j, "before", "total_cost"), after = num(j, "after", "total_cost");
    assert_true(after < before / 10);
    assert_true(num(j, "change_pct", NULL) < -90);
    json_t *idx = json_object_get(j, "indexes");
    assert_int_equal(json_array_size(idx), 2);
    assert_true(json_is_true(json_object_get(json_array_get(idx, 0), "used")));
    assert_true(json_is_false(json_object_get(json_array_get(idx, 1), "used")));
    assert_true(num(json_array_get(idx, 0), "size_bytes", NULL) > 8192);
    assert_string_equal(json_string_value(json_object_get(json_array_get(idx, 0), "definition")),
                        "CREATE INDEX ON run_logs (run_id, seq)");
    json_decref(j);
}

static void test_try_real_json(void **state)
{
    (void)state;
    json_t *j = run_json("try --format json --real --runs 3 -c 'SELECT seq FROM run_logs WHERE run_id = 42 AND seq > 0' "
                 "--index 'CREATE INDEX ON run_logs (run_id, seq)'");
    assert_true(num(j, "after", "median_ms") < num(j, "before", "median_ms"));
    assert_true(num(j, "build_ms", NULL) > 0);
    json_decref(j);
    char *out;
    assert_int_equal(run_prog("try -c 'SELECT 1'", &out), 2);
    assert_non_null(strstr(out, "--index"));
    free(out);
    assert_int_equal(run_prog("try -c 'SELECT 1' --index 'CREATE INDEX ON nowhere (x)'", &out), 1);
    assert_non_null(strstr(out, "nowhere"));
    free(out);
}

static void test_try_says_why_under_rls(void **state)
{
    (void)state;
    ixt_test_needs_hypopg();
    char *out;
    assert_int_equal(run_prog("try --role app_user --set app.tenant_id=1 "
                              "-c \"SELECT id FROM users WHERE lower(email) = 'user42@tenant1.example.com'\" "
                              "--index 'CREATE INDEX ON users (lower(email))'", &out), 0);
    assert_non_null(strstr(out, "NOT used by the planner"));
    assert_non_null(strstr(out, "why: row-level security applies to this role"));
    free(out);
    /* the same index, as a role the policies do not apply to, is used */
    assert_int_equal(run_prog("try -c \"SELECT id FROM users WHERE lower(email) = 'user42@tenant1.example.com'\" "
                              "--index 'CREATE INDEX ON users (lower(email))'", &out), 0);
    assert_non_null(strstr(out, "used by the plan"));
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
        cmocka_unit_test(test_explain_json),
        cmocka_unit_test(test_try_json),
        cmocka_unit_test(test_try_real_json),
        cmocka_unit_test(test_try_says_why_under_rls),
    };
    return IXT_RUN_TESTS(tests);
}
