/* Shared by the cmocka tests: TAP output, so tests/run.sh can count every
 * test of every binary into one "N passed, N failed" line. */
#ifndef IDXTUNE_TESTUTIL_H
#define IDXTUNE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define IXT_RUN_TESTS(tests)                                     \
    (cmocka_set_message_output(CM_OUTPUT_TAP),                   \
     cmocka_run_group_tests(tests, NULL, NULL))

/* Directory of the test data files (tests/data), from IXT_TESTDATA or the
 * source tree when run from the repository root. */
static inline const char *ixt_testdata(void)
{
    const char *d = getenv("IXT_TESTDATA");
    return d ? d : "tests/data";
}

#endif
