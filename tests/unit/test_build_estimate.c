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
    ixt_build_estimate_make(92 * MB, 70 * MB, 2000, &b);
    assert_true(b.measured);
    assert_true(b.fits);
    assert_in_range((long)b.ms, 1313, 1315);
    assert_int_equal(b.suggest_timeout_ms, 2000);
    char text[160];
    assert_string_equal(ixt_build_estimate_text(&b, text, sizeof text),
                        "build estimated 1.3 s (table 92.0 MB at 70.0 MB/s measured)");
}

/* The demo's runs table (157 MB) built in 1.7 s on an idle machine: at
 * the rate measured then it fits the default 2 s. */
static void test_demo_runs_fits_once_measured(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(157 * MB, ixt_build_rate(157 * MB, 1694), 2000, &b);
    assert_true(b.fits);
    assert_in_range((long)b.ms, 1693, 1695);
}

static void test_default_rate_too_slow_suggests_timeout(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(548 * MB, 0, 2000, &b);
    assert_false(b.measured);
    assert_false(b.fits);
    assert_true(b.rate == IXT_BUILD_RATE_DEFAULT);
    /* 13.7 s estimated, and half again, rounded up to whole seconds */
    assert_int_equal(b.suggest_timeout_ms, 21000);
    char text[160];
    assert_non_null(strstr(ixt_build_estimate_text(&b, text, sizeof text), "at 40.0 MB/s default rate: none measured yet"));
}

static void test_limits(void **state)
{
    (void)state;
    ixt_build_estimate b;
    ixt_build_estimate_make(0, 0, 2000, &b);
    assert_true(b.fits);
    assert_true(b.ms == 0);
    ixt_build_estimate_make(-5, -1, 1, &b);   /* unknown size: nothing to hold */
    assert_true(b.fits);
    /* exactly at the timeout fits */
    ixt_build_estimate_make(80 * MB, 40 * MB, 2000, &b);
    assert_true(b.fits);
    ixt_build_estimate_make(80 * MB + 1, 40 * MB, 2000, &b);
    assert_false(b.fits);
    assert_int_equal(b.suggest_timeout_ms, 3000);
    assert_true(ixt_build_rate(100, 0) == 0);
    assert_true(ixt_build_rate(0, 100) == 0);
    assert_true(ixt_build_rate(10 * MB, 500) == 20 * MB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measured_rate_fits),
        cmocka_unit_test(test_demo_runs_fits_once_measured),
        cmocka_unit_test(test_default_rate_too_slow_suggests_timeout),
        cmocka_unit_test(test_limits),
    };
    return IXT_RUN_TESTS(tests);
}
