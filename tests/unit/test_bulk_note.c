/* advisor: when bulk loads make the write costs, and what the note says. */
#include <string.h>

#include "idxtune/advisor.h"
#include "testutil.h"

/* An advice over pg_stat_statements (write costs count) whose window saw
 * a load of 900000 rows in one call and 100000 rows of other writes. */
static ixt_advisor advice_after_a_load(void)
{
    ixt_advisor a;
    memset(&a, 0, sizeof a);
    a.timed = true;
    a.write_weight = 1;
    a.span_s = 600;
    a.facts.bulk = (ixt_bulk_fact){.n = 1, .rows_per_s = 1500, .all_per_s = 1500 + 100000 / 600.0,
                                   .example = "INSERT INTO events SELECT ...", .table = "events", .rows = 900000,
                                   .calls = 1};
    return a;
}

static void test_a_load_is_named(void **state)
{
    (void)state;
    ixt_advisor a = advice_after_a_load();
    char note[1024];
    assert_true(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_non_null(strstr(note, "90 % of the rows written in the last 10 m 00 s"));
    assert_non_null(strstr(note, "1 bulk statement of 10000 rows a call or more, INSERT INTO events SELECT ... "
                                 "(900000 rows in 1 call)"));
    assert_non_null(strstr(note, "every index on events"));
    assert_non_null(strstr(note, "pg_stat_statements_reset()"));
}

static void test_several_loads(void **state)
{
    (void)state;
    ixt_advisor a = advice_after_a_load();
    a.facts.bulk.n = 3;
    char note[1024];
    assert_true(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_non_null(strstr(note, "3 bulk statements of 10000 rows a call or more, the biggest INSERT"));
    assert_non_null(strstr(note, "every index on the tables they wrote"));
}

/* No note when the loads wrote less than half the rows, when write costs
 * weigh nothing (--write-weight 0, or a file of statements), or with no
 * load at all. */
static void test_no_note(void **state)
{
    (void)state;
    char note[16] = "untouched";
    ixt_advisor a = advice_after_a_load();
    a.facts.bulk.all_per_s = 3001;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_after_a_load();
    a.write_weight = 0;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_after_a_load();
    a.timed = false;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_after_a_load();
    a.facts.bulk = (ixt_bulk_fact){.all_per_s = 10};
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_string_equal(note, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_load_is_named),
        cmocka_unit_test(test_several_loads),
        cmocka_unit_test(test_no_note),
    };
    return IXT_RUN_TESTS(tests);
}
