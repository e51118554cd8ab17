/* What idxtune would send for a statement text, checked without a server:
 * the steps of the explain scripts (plan, generic plan, ANALYZE) and of a
 * real trial built from the text.  Invariants: every step is one statement
 * as libpg_query reads it (the server, with the same quoting settings
 * pinned, reads the same), and the text appears in one step only - every
 * other step is one of idxtune's own fixed statements.  Shared by the
 * libFuzzer target and the test that replays its corpus. */
#ifndef IDXTUNE_PREPARE_CHECK_H
#define IDXTUNE_PREPARE_CHECK_H

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/explain.h"
#include "idxtune/trial.h"

static int ixt_statement_count(const char *sql)
{
    PgQuerySplitResult sr = pg_query_split_with_parser(sql);
    int n = sr.error ? -1 : sr.n_stmts;
    pg_query_free_split_result(sr);
    return n;
}

static int ixt_only(const char *s, const char *chars)
{
    return s[strspn(s, chars)] == '\0';
}

/* One of idxtune's own statements, whatever the text was. */
static int ixt_fixed_step(const char *sql)
{
    static const char *const fixed[] = {
        IXT_SQL_TAG "BEGIN", IXT_SQL_TAG "BEGIN READ ONLY", IXT_SQL_TAG "ROLLBACK",
        IXT_SQL_TAG "DEALLOCATE idxtune_explain", IXT_EXPLAIN_RESET_SQL,
        IXT_SQL_TAG "SET LOCAL plan_cache_mode = force_generic_plan",
        IXT_SQL_TAG "SAVEPOINT idxtune_run", IXT_SQL_TAG "ROLLBACK TO SAVEPOINT idxtune_run",
        IXT_SQL_TAG "RELEASE SAVEPOINT idxtune_run", IXT_SQL_TAG "SET LOCAL transaction_read_only = on",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (strcmp(sql, fixed[i]) == 0)
            return 1;
    static const char timeout[] = IXT_SQL_TAG "SET LOCAL statement_timeout = ";
    static const char lock[] = IXT_SQL_TAG "SET LOCAL lock_timeout = ";
    if (strncmp(sql, timeout, strlen(timeout)) == 0)
        return ixt_only(sql + strlen(timeout), "0123456789");
    if (strncmp(sql, lock, strlen(lock)) == 0)
        return ixt_only(sql + strlen(lock), "0123456789");
    const char *exec = strstr(sql, ") EXECUTE idxtune_explain(");
    if (strncmp(sql, IXT_SQL_TAG "EXPLAIN (", strlen(IXT_SQL_TAG "EXPLAIN (")) == 0 && exec &&
        !memchr(sql, '\'', (size_t)(exec - sql)))
        return ixt_only(exec + strlen(") EXECUTE idxtune_explain("), "NUL, )");
    return 0;
}

static const char *ixt_check_script(const ixt_script *s, int user_step, const char *text)
{
    for (int i = 0; i < s->n; i++) {
        const char *sql = s->steps[i].sql;
        if (ixt_statement_count(sql) != 1)
            return "a step is not exactly one statement";
        if (i == user_step) {
            if (!strstr(sql, text))
                return "the statement's step does not carry its text";
        } else if (!ixt_fixed_step(sql)) {
            return "a step other than the statement's is not one of idxtune's own";
        }
    }
    return NULL;
}

static const char *ixt_check_trial(const ixt_explain_prep *prep, const char *create)
{
    const char *creates[] = {create};
    ixt_real_trial t;
    ixt_real_trial_build(&t, creates, 1, prep, 2, 2000, 30000);
    const char *why = NULL;
    for (int i = 0; i < t.script.n && !why; i++)
        if (ixt_statement_count(t.script.steps[i].sql) != 1)
            why = "a step of the real trial is not exactly one statement";
    ixt_real_trial_free(&t);
    return why;
}

/* NULL when every invariant holds for text, else which one broke. */
static const char *ixt_prepare_violation(const char *text)
{
    static const char *const values[] = {"1", "2", "3", "4", "5", "6", "7", "8"};
    const char *why = NULL;
    for (int mode = 0; mode < 3 && !why; mode++) {
        ixt_explain_req r = {.sql = text, .analyze = mode == 2, .params = values,
                             .nparams = mode == 0 ? 0 : 8};
        ixt_explain_prep p;
        ixt_err e;
        if (ixt_explain_prepare_text(&r, &p, &e) != 0)
            continue;
        why = ixt_check_script(&p.script, p.user_step, p.sql);
        if (!why && r.analyze)
            why = ixt_check_trial(&p, "CREATE INDEX ON t (a)");
        ixt_explain_prep_free(&p);
    }
    ixt_indexdef target;
    if (!why && ixt_indexdef_parse(text, &target, NULL) == 0) {
        ixt_explain_req r = {.sql = "SELECT * FROM t WHERE a = 1", .analyze = true};
        ixt_explain_prep p;
        if (ixt_explain_prepare_text(&r, &p, NULL) == 0) {
            why = ixt_check_trial(&p, target.sql);
            ixt_explain_prep_free(&p);
        }
        ixt_indexdef_free(&target);
    }
    return why;
}

#endif
