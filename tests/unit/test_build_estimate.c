/* build estimate: how long a real trial's builds hold their lock, told
 * before anything runs. */
#include <stdio.h>
#include <string.h>

#include "idxtune/trial.h"
#include "testutil.h"

#define MB (1024.0 * 1024.0)

static void test_measured_rate_fits(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(92 * MB, 70 * MB, NULL, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_MEASURED);
    assert_true(b.fits);
    assert_in_range((long)b.ms, 1313, 1315);
    assert_int_equal(b.suggest_timeout_ms, 2000);
    char text[160];
    assert_string_equal(ixt_build_estimate_text(&b, text, sizeof text),
                        "build estimated 1.3 s (table 92.0 MB at 70.0 MB/s measured by the last build)");
}

/* The demo's runs table (157 MB) at scale 1: a 1.3 % sample built in
 * 12 ms says 1.5 s with the margin, within the default 2 s; the blind
 * default rate said 3.9 s and refused. */
static void test_demo_runs_sampled_fits(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_sample s = {.sample_bytes = 2 * MB, .ms = 12};
    ixt_build_estimate_make(157 * MB, 0, &s, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_SAMPLED);
    assert_true(b.fits);
    /* 157 / 2 * 12 ms * 1.25 */
    assert_in_range((long)b.ms, 1177, 1178);
    char text[160];
    assert_string_equal(ixt_build_estimate_text(&b, text, sizeof text),
                        "build estimated 1.2 s: a 1.3 % sample built in 12 ms (table 157.0 MB)");
    ixt_build_estimate_make(157 * MB, 0, NULL, 2000, &b);
    assert_false(b.fits);
}

/* A rate measured by a full build of the same indexes wins over a sample;
 * a sample that measured nothing counts as none. */
static void test_basis_order(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_sample s = {.sample_bytes = 2 * MB, .ms = 12};
    ixt_build_estimate_make(157 * MB, ixt_build_rate(157 * MB, 1694), &s, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_MEASURED);
    assert_in_range((long)b.ms, 1693, 1695);
    ixt_build_sample none = {.sample_bytes = 2 * MB, .ms = 0};
    ixt_build_estimate_make(157 * MB, 0, &none, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_DEFAULT);
    ixt_build_sample empty = {.sample_bytes = 0, .ms = 3};
    ixt_build_estimate_make(0, 0, &empty, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_DEFAULT);
    assert_true(b.fits);
    /* a table smaller than the sample's size is copied whole */
    ixt_build_sample whole = {.sample_bytes = 48 * 1024, .ms = 2};
    ixt_build_estimate_make(48 * 1024, 0, &whole, 2000, &b);
    char text[160];
    assert_string_equal(ixt_build_estimate_text(&b, text, sizeof text),
                        "build estimated 2.50 ms: a 100 % sample built in 2 ms (table 48.0 kB)");
}

static void test_default_rate_too_slow_suggests_timeout(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(548 * MB, 0, NULL, 2000, &b);
    assert_int_equal(b.basis, IXT_BUILD_DEFAULT);
    assert_false(b.fits);
    assert_true(b.rate == IXT_BUILD_RATE_DEFAULT);
    /* 13.7 s estimated, and half again, rounded up to whole seconds */
    assert_int_equal(b.suggest_timeout_ms, 21000);
    char text[160];
    assert_non_null(strstr(ixt_build_estimate_text(&b, text, sizeof text), "at 40.0 MB/s default rate: not measured"));
}

static void test_limits(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(0, 0, NULL, 2000, &b);
    assert_true(b.fits);
    assert_true(b.ms == 0);
    ixt_build_estimate_make(-5, -1, NULL, 1, &b);   /* unknown size: nothing to hold */
    assert_true(b.fits);
    /* exactly at the timeout fits */
    ixt_build_estimate_make(80 * MB, 40 * MB, NULL, 2000, &b);
    assert_true(b.fits);
    ixt_build_estimate_make(80 * MB + 1, 40 * MB, NULL, 2000, &b);
    assert_false(b.fits);
    assert_int_equal(b.suggest_timeout_ms, 3000);
    assert_true(ixt_build_rate(100, 0) == 0);
    assert_true(ixt_build_rate(0, 100) == 0);
    assert_true(ixt_build_rate(10 * MB, 500) == 20 * MB);
}

/* The sampler's script: one rolled-back transaction in which the real
 * table is only read through TABLESAMPLE and every index is built on a
 * temporary copy. */
static void test_sampler_script(void **state)
{
    (void)state;
    ixt_indexdef d[2];
    ixt_err e;
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX ON runs (tenant_id, status)", &d[0], &e), 0);
    assert_int_equal(ixt_indexdef_parse("CREATE INDEX x ON \"My\".\"Logs\" (lower(level)) WHERE seq > 0", &d[1], &e), 0);
    ixt_build_sampler s;
    assert_int_equal(ixt_build_sampler_make(&s, d, 2, 2000, 30000, &e), 0);
    const ixt_script *sc = &s.script;
    assert_non_null(strstr(sc->steps[0].sql, "BEGIN"));
    assert_non_null(strstr(sc->steps[1].sql, "SET LOCAL lock_timeout = 2000"));
    assert_non_null(strstr(sc->steps[sc->n - 1].sql, "ROLLBACK"));
    assert_true(sc->steps[sc->n - 1].flags & IXT_STEP_FINALLY);
    int builds = 0, copies = 0;
    for (int i = 0; i < sc->n; i++) {
        const char *q = sc->steps[i].sql;
        if (strstr(q, "CREATE INDEX")) {
            assert_non_null(strstr(q, " ON pg_temp.idxtune_sample_"));
            assert_true(sc->steps[i].flags & IXT_STEP_TIMED);
            builds++;
        }
        if (strstr(q, "CREATE TEMP TABLE")) {
            assert_non_null(strstr(q, "ON COMMIT DROP AS SELECT * FROM "));
            assert_non_null(strstr(q, " TABLESAMPLE SYSTEM ("));
            copies++;
        }
    }
    assert_int_equal(builds, 2 * IXT_BUILD_SAMPLE_BUILDS);
    assert_int_equal(copies, 2);
    const ixt_step *copy = &sc->steps[s.first - 1 + s.steps];   /* the second index's copy */
    assert_non_null(strstr(copy->sql, "FROM \"My\".\"Logs\" TABLESAMPLE"));
    assert_string_equal(copy->params[0], "\"My\".\"Logs\"");
    assert_non_null(strstr(sc->steps[s.first + s.steps].sql,
                           "CREATE INDEX ON pg_temp.idxtune_sample_2 USING btree (lower(level)) WHERE seq > 0"));
    ixt_build_sampler_free(&s);
    ixt_indexdef_free(&d[0]);
    ixt_indexdef_free(&d[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measured_rate_fits),
        cmocka_unit_test(test_demo_runs_sampled_fits),
        cmocka_unit_test(test_basis_order),
        cmocka_unit_test(test_default_rate_too_slow_suggests_timeout),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_sampler_script),
    };
    return IXT_RUN_TESTS(tests);
}
