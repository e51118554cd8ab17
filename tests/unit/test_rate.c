/* rate: the exponential average of per-interval rates. */
#include <math.h>

#include "idxtune/rate.h"
#include "testutil.h"

/* The demo's top statement at a 2 s refresh: ~700 ms/s with an interval
 * where none of its calls finished.  The average stays well above zero
 * (the list shows a number, not "-") while last says what happened. */
static void test_quiet_interval_keeps_the_top_statement(void **state)
{
    (void)state;
    ixt_rate r = {0};
    ixt_rate_add(&r, 700, 2, IXT_RATE_TAU_S);
    assert_true(r.avg == 700);
    ixt_rate_add(&r, 800, 2, IXT_RATE_TAU_S);
    ixt_rate_add(&r, 0, 2, IXT_RATE_TAU_S);
    assert_true(r.last == 0);
    assert_true(r.avg > 500 && r.avg < 700);
}

/* From a steady rate to another: about 63 % of the way after one time
 * constant, whatever the refresh interval, and there after a few. */
static void test_converges_at_any_interval(void **state)
{
    (void)state;
    double steps[] = {0.5, 2, 5};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        ixt_rate r = {0};
        ixt_rate_add(&r, 0, steps[k], IXT_RATE_TAU_S);
        double t = 0;
        while (t < IXT_RATE_TAU_S - 1e-9) {
            ixt_rate_add(&r, 100, steps[k], IXT_RATE_TAU_S);
            t += steps[k];
        }
        assert_true(fabs(r.avg - 100 * (1 - exp(-1))) < 0.5);
        for (; t < 6 * IXT_RATE_TAU_S; t += steps[k])
            ixt_rate_add(&r, 100, steps[k], IXT_RATE_TAU_S);
        assert_true(fabs(r.avg - 100) < 0.5);
        assert_true(r.last == 100);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_interval_keeps_the_top_statement),
        cmocka_unit_test(test_converges_at_any_interval),
    };
    return IXT_RUN_TESTS(tests);
}
