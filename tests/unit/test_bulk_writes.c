/* advisor: the bulk writes pg_stat_statements saw, in the advice: the
 * one-off loads among the top statements, and what the advice says. */
#include <string.h>

#include "idxtune/advisor.h"
#include "testutil.h"

/* An advice over pg_stat_statements (write costs count) whose 10-minute
 * window saw 900000 rows of bulk inserts in one call (a tenth of the
 * table, so no load) and 100000 rows of other writes. */
static ixt_advisor advice_with_bulk_writes(void)
{
    ixt_advisor a;
    memset(&a, 0, sizeof a);
    a.timed = true;
    a.write_weight = 1;
    a.span_s = 600;
    a.facts.bulk.counted = (ixt_writes_seen){.n = 1, .rows_per_s = 1500, .example = "INSERT INTO events SELECT ...",
                                             .table = "events", .rows = 900000, .calls = 1, .share = 0.1};
    a.facts.bulk.all_per_s = 1500 + 100000 / 600.0;
    return a;
}

static void test_bulk_writes_named(void **state)
{
    (void)state;
    ixt_advisor a = advice_with_bulk_writes();
    char note[2048];
    assert_true(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_non_null(strstr(note, "90 % of the rows written in the last 10 m 00 s"));
    assert_non_null(strstr(note, "1 bulk statement of 10000 rows a call or more, INSERT INTO events SELECT ... "
                                 "(900000 rows in 1 call into events, 10 % of its rows)"));
    assert_non_null(strstr(note, "every index on events"));
    assert_non_null(strstr(note, "pg_stat_statements_reset()"));
    assert_null(strstr(note, "Left out"));
}

static void test_several_bulk_writes(void **state)
{
    (void)state;
    ixt_advisor a = advice_with_bulk_writes();
    a.facts.bulk.counted.n = 3;
    char note[2048];
    assert_true(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_non_null(strstr(note, "3 bulk statements of 10000 rows a call or more, the biggest INSERT"));
    assert_non_null(strstr(note, "every index on the tables they wrote"));
}

/* A load left out is said whatever the write weight; bulk writes below
 * half the rows are not. */
static void test_load_left_out(void **state)
{
    (void)state;
    ixt_advisor a = advice_with_bulk_writes();
    a.write_weight = 0;
    a.facts.bulk.loads = (ixt_writes_seen){.n = 1, .rows_per_s = 5000, .example = "COPY events FROM STDIN",
                                           .table = "events", .rows = 3000000, .calls = 1, .share = 0.97};
    char note[2048];
    assert_true(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_non_null(strstr(note, "Left out of the write rates, as loads and no steady traffic"));
    assert_non_null(strstr(note, "1 statement, COPY events FROM STDIN (3000000 rows in 1 call into events, 97 % of "
                                 "its rows)."));
    assert_null(strstr(note, "bulk statement"));
}

/* No note when the bulk writes made less than half the rows, when write
 * costs weigh nothing (--write-weight 0, or a file of statements), or
 * with no bulk write at all. */
static void test_no_note(void **state)
{
    (void)state;
    char note[16] = "untouched";
    ixt_advisor a = advice_with_bulk_writes();
    a.facts.bulk.all_per_s = 3001;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_with_bulk_writes();
    a.write_weight = 0;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_with_bulk_writes();
    a.timed = false;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    a = advice_with_bulk_writes();
    memset(&a.facts.bulk, 0, sizeof a.facts.bulk);
    a.facts.bulk.all_per_s = 10;
    assert_false(ixt_advisor_bulk_note(&a, note, sizeof note));
    assert_string_equal(note, "untouched");
}

/* Of the top statements, those with a plan are advised on, but not an
 * INSERT of 10000 rows or more run once: a load, counted. */
static void test_one_off_loads_not_advised(void **state)
{
    (void)state;
    static const struct {
        const char *sql;
        double calls, rows;
        bool added;
    } cases[] = {
        {"INSERT INTO events SELECT g, g % 5000 FROM generate_series(1, 200000) g", 1, 200000, false},
        {"INSERT INTO events SELECT g, 7 FROM generate_series(1, 20000) g", 3, 60000, true},
        {"INSERT INTO events VALUES ($1, $2)", 1, 1, true},
        {"DELETE FROM events WHERE at < now() - interval '1 year'", 1, 50000, true},
        {"SELECT count(*) FROM events WHERE account = $1", 1, 1, true},
        {"COMMIT", 1, 0, false},
    };
    ixt_advisor a;
    ixt_advisor_init(&a, NULL, 0, 0);
    int added = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool got = ixt_advisor_offer(&a, cases[i].sql, cases[i].calls, cases[i].rows, (long long)i);
        if (got != cases[i].added)
            fail_msg("%s: %s", cases[i].sql, got ? "advised on" : "left out");
        added += got;
    }
    assert_int_equal(a.nstmts, added);
    assert_int_equal(a.loads_skipped, 1);
    ixt_advisor_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_off_loads_not_advised),
        cmocka_unit_test(test_bulk_writes_named),
        cmocka_unit_test(test_several_bulk_writes),
        cmocka_unit_test(test_load_left_out),
        cmocka_unit_test(test_no_note),
    };
    return IXT_RUN_TESTS(tests);
}
