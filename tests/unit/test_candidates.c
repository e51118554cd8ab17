/* candidates: generation from parse trees and captured catalog facts (the
 * demo's runs and events tables, its row-security policy), no server. */
#include <stdbool.h>
#include <string.h>

#include "idxtune/candidates.h"
#include "testutil.h"

static const char *const COLS[][2] = {
    {"runs", "id"}, {"runs", "status"}, {"runs", "run_at"}, {"runs", "started_at"}, {"runs", "workflow_id"},
    {"events", "id"}, {"events", "tenant_id"}, {"events", "kind"}, {"events", "created_at"},
    {"events", "payload"}, {"events", "priority"},
};
#define NCOLS (int)(sizeof COLS / sizeof COLS[0])

/* Facts as the demo's server gives them: status has 5 values; tenant_id
 * compares with a leakproof = (when leakproof says so); kind is a text of
 * a collation other than "C". */
static void facts(ixt_cand_facts *f, bool policy, bool leakproof)
{
    memset(f, 0, sizeof *f);
    f->cat.tables = ixt_xcalloc(2, sizeof *f->cat.tables);
    f->cat.tables[f->cat.ntables++] = ixt_xstrdup("events");
    f->cat.tables[f->cat.ntables++] = ixt_xstrdup("runs");
    f->cat.col_table = ixt_xcalloc(NCOLS, sizeof *f->cat.col_table);
    f->cat.cols = ixt_xcalloc(NCOLS, sizeof *f->cat.cols);
    f->cols = ixt_xcalloc(NCOLS, sizeof *f->cols);
    for (int i = 0; i < NCOLS; i++) {
        f->cat.col_table[i] = f->cat.tables[strcmp(COLS[i][0], "runs") == 0];
        f->cat.cols[f->cat.ncols++] = ixt_xstrdup(COLS[i][1]);
        f->cols[f->ncols++] = (ixt_col_fact){.table = ixt_xstrdup(COLS[i][0]), .column = ixt_xstrdup(COLS[i][1]),
                                             .n_distinct = strcmp(COLS[i][1], "status") == 0 ? 5 : -0.5,
                                             .avg_width = 8, .eq_leakproof = leakproof,
                                             .pattern_ops = strcmp(COLS[i][1], "kind") == 0
                                                                ? ixt_xstrdup("text_pattern_ops") : NULL};
    }
    if (policy) {
        f->policies = ixt_xcalloc(1, sizeof *f->policies);
        f->policies[f->npolicies++] = (ixt_policy_fact){
            .table = ixt_xstrdup("events"),
            .qual = ixt_xstrdup("(tenant_id = (current_setting('app.tenant_id'::text))::integer)")};
    }
}

static ixt_cand_set gen(const char *sql, long long queryid, const ixt_cand_facts *f)
{
    ixt_cand_set set = {0};
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    assert_non_null(in);
    ixt_cands_for(&set, in, queryid, f);
    ixt_sql_info_free(in);
    return set;
}

static int find(const ixt_cand_set *s, const char *def)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i].def, def) == 0)
            return i;
    return -1;
}

static bool has(const ixt_cand_set *s, const char *def)
{
    return find(s, def) >= 0;
}

static void test_equality_sort_range_and_partial(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id, workflow_id FROM runs WHERE status = 'queued' AND run_at <= now()"
                         " ORDER BY run_at LIMIT 10", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (status, run_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (status, run_at) INCLUDE (id, workflow_id)"));
    /* status has few values: a partial index for the class of rows */
    assert_true(has(&s, "CREATE INDEX ON runs (run_at) WHERE status = 'queued'"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* The planner takes an index's order for ORDER BY only past keys equal
 * to a constant: beside the equalities-then-sort key (an IS NULL there
 * narrows the scan), one with the column tested IS NULL after the sort,
 * where the scan still filters on it. */
static void test_is_null_after_the_sort(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id FROM runs WHERE workflow_id = 7 AND started_at IS NULL ORDER BY run_at LIMIT 10",
                         0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, started_at, run_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, run_at, started_at)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* tenant_id = 1 among a dozen tenants is one tenant, not a class of rows:
 * an index for it alone serves no other tenant's calls of the statement.
 * A foreign key or a policy column says so (names_rows); a column of as
 * few values that names nothing (a status) still gets its partial. */
static void test_no_partial_for_one_tenant(void **state)
{
    (void)state;
    const char *sql = "SELECT id FROM events WHERE tenant_id = 1 AND created_at > now() - interval '1 day'"
                      " ORDER BY created_at";
    const char *partial = "CREATE INDEX ON events (created_at) WHERE tenant_id = 1";
    for (int named = 0; named < 2; named++) {
        ixt_cand_facts f;
        facts(&f, false, true);
        for (int i = 0; i < f.ncols; i++)
            if (strcmp(f.cols[i].column, "tenant_id") == 0) {
                f.cols[i].n_distinct = 12;
                f.cols[i].names_rows = named;
            }
        ixt_cand_set s = gen(sql, 0, &f);
        assert_true(has(&s, "CREATE INDEX ON events (tenant_id, created_at)"));
        assert_int_equal(has(&s, partial), !named);
        ixt_cand_set_free(&s);
        ixt_cand_facts_free(&f);
    }
}

/* An OR: each branch's conjunction is a candidate a BitmapOr can use,
 * with the columns ANDed outside the OR first. */
static void test_or_branches(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id FROM runs WHERE workflow_id = $1 AND"
                         " ((status = 'failed' AND run_at > $2) OR started_at < $3)", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, status, run_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, started_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id)"));
    /* never both branches in one key */
    assert_false(has(&s, "CREATE INDEX ON runs (workflow_id, status, run_at, started_at)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

static void test_no_placeholder_in_an_index(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id, kind FROM events WHERE payload->>$1 = $2 AND kind = $3", 0, &f);
    assert_true(s.n > 0);
    for (int i = 0; i < s.n; i++)
        assert_null(strchr(s.v[i].def, '$'));
    ixt_cand_set_free(&s);
    s = gen("SELECT id FROM events WHERE payload->>'order_id' = 'ord-1'", 0, &f);
    assert_int_equal(s.n, 1);
    assert_true(s.v[0].expr);
    assert_non_null(strstr(s.v[0].def, "'order_id'"));
    ixt_cand_set_free(&s);
    assert_true(ixt_sql_has_param("payload->>$1"));
    assert_false(ixt_sql_has_param("payload->>'$1'"));
    ixt_cand_facts_free(&f);
}

/* Under RLS the policy's tenant_id is an equality of every statement on
 * events: it leads, then the statement's own columns. */
static void test_policy_column_leads(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, true, true);
    ixt_cand_set s = gen("SELECT count(*) FROM events WHERE created_at > now() - interval '1 day'", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, created_at)"));
    /* and the range alone: the planner may cost a scan in the rows' own
     * order (a time) below one led by the policy's column */
    assert_true(has(&s, "CREATE INDEX ON events (created_at)"));
    ixt_cand_set_free(&s);
    /* not under a LIMIT: the walk would wait for the tenant's rows */
    s = gen("SELECT id FROM events WHERE created_at > now() - interval '1 day' ORDER BY id LIMIT 20", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, created_at)"));
    assert_false(has(&s, "CREATE INDEX ON events (created_at)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT kind, count(*) FROM events GROUP BY kind", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, kind)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT id FROM events WHERE priority = 3 ORDER BY created_at DESC LIMIT 20", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, priority, created_at)"));
    /* grown by the policy's column, the index leads with it */
    int one = -1;
    for (int i = 0; i < s.n; i++)
        if (!strcmp(s.v[i].def, "CREATE INDEX ON events (priority)"))
            one = i;
    assert_true(one >= 0);
    int two = ixt_cands_extend(&s, one, "tenant_id", &f);
    assert_string_equal(s.v[two].def, "CREATE INDEX ON events (tenant_id, priority)");
    /* and serves what (priority) serves: it can replace that pick */
    assert_true(ixt_cand_covers(&s.v[two], &s.v[one]));
    assert_false(ixt_cand_covers(&s.v[one], &s.v[two]));
    const char *pc[] = {"priority", "created_at"};
    int plain = ixt_cands_add_plain(&s, "events", pc, 2);
    int led = -1;
    for (int i = 0; i < s.n; i++)
        if (!strcmp(s.v[i].def, "CREATE INDEX ON events (tenant_id, priority, created_at)"))
            led = i;
    assert_true(led >= 0 && ixt_cand_covers(&s.v[led], &s.v[plain]));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
    /* a = that is not leakproof is no index condition under RLS */
    facts(&f, true, false);
    s = gen("SELECT count(*) FROM events WHERE created_at > now() - interval '1 day'", 0, &f);
    for (int i = 0; i < s.n; i++)
        assert_null(strstr(s.v[i].def, "tenant_id"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* GROUP BY with aggregates: the group key, then the columns they read,
 * for an index-only scan in group order. */
static void test_group_key_then_aggregated_columns(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT workflow_id, max(run_at) FROM runs GROUP BY workflow_id", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, run_at)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT status, sum(workflow_id) FROM runs GROUP BY status", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (status, workflow_id)"));
    ixt_cand_set_free(&s);
    /* more than three columns besides the key: no such candidate */
    s = gen("SELECT status, max(id), max(run_at), max(started_at), max(workflow_id) FROM runs GROUP BY status",
            0, &f);
    for (int i = 0; i < s.n; i++)
        assert_true(s.v[i].nkeys <= 1);
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* Two equalities (a join on each): each one leads in a candidate, the
 * other behind it, read from the index. */
static void test_each_equality_leads(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT r.id FROM runs r JOIN events e ON e.id = r.workflow_id WHERE r.status = 'failed'",
                         0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, status)"));
    assert_true(has(&s, "CREATE INDEX ON runs (status, workflow_id)"));
    ixt_cand_set_free(&s);
    /* under RLS the policy's column stays first */
    ixt_cand_facts_free(&f);
    facts(&f, true, true);
    s = gen("SELECT id FROM events WHERE kind = 'x' AND priority = 3", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, kind, priority)"));
    assert_true(has(&s, "CREATE INDEX ON events (tenant_id, priority, kind)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* A join's column first, then a constant's: a hash join leaves the join
 * column no index condition, so the range also follows the constant
 * equality alone (TPC-H Q12's (l_shipmode, l_receiptdate)). */
static void test_range_after_the_constant_equalities(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT r.id FROM events e, runs r WHERE e.id = r.workflow_id AND r.status IN ('a', 'b') "
                         "AND r.run_at >= '2024-01-01'",
                         0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, status, run_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (status, run_at)"));
    ixt_cand_set_free(&s);
    /* no join: the one candidate as ever, no second of the same keys */
    s = gen("SELECT id FROM runs WHERE status = 'a' AND run_at >= '2024-01-01'", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (status, run_at)"));
    assert_false(has(&s, "CREATE INDEX ON runs (run_at, status)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* LIKE '%abc%' is no index condition: the filter's column, then the
 * others the statement reads on the table, for an index-only scan of that
 * narrow copy (TPC-H Q9's part (p_name, p_partkey)); none when the
 * pattern is a prefix, or when the statement reads too many columns. */
static void test_filter_then_read_columns(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT r.id FROM events e, runs r WHERE e.id = r.workflow_id AND e.kind LIKE '%order%'",
                         0, &f);
    assert_true(has(&s, "CREATE INDEX ON events (kind, id)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT r.id FROM events e, runs r WHERE e.id = r.workflow_id AND e.kind LIKE 'order%'", 0, &f);
    assert_false(has(&s, "CREATE INDEX ON events (kind, id)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT e.id, e.tenant_id, e.priority, e.payload FROM events e WHERE e.kind LIKE '%order%'", 0, &f);
    for (int i = 0; i < s.n; i++)
        assert_false(strcmp(s.v[i].keys[0], "kind") == 0 && s.v[i].nkeys > 4);
    assert_false(has(&s, "CREATE INDEX ON events (kind, id, tenant_id, priority, payload)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* LIKE 'abc%' under a collation other than "C": the column's pattern
 * operator class, after the constant equalities; it neither covers nor
 * is covered by the plain index, which serves ORDER BY. */
static void test_like_prefix_pattern_ops(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id FROM events WHERE priority = 3 AND kind LIKE 'order.%'", 0, &f);
    int pat = find(&s, "CREATE INDEX ON events (priority, kind text_pattern_ops)");
    int plain = find(&s, "CREATE INDEX ON events (priority, kind)");
    assert_true(pat >= 0 && plain >= 0);
    assert_string_equal(s.v[pat].opclass, "text_pattern_ops");
    assert_false(ixt_cand_covers(&s.v[pat], &s.v[plain]) || ixt_cand_covers(&s.v[plain], &s.v[pat]));
    assert_false(ixt_cand_near_dup(&s.v[pat], &s.v[plain]) || ixt_cand_near_dup(&s.v[plain], &s.v[pat]));
    ixt_cand_set_free(&s);
    s = gen("SELECT id FROM events WHERE lower(kind) LIKE 'order.%'", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON events ((lower(kind)) text_pattern_ops)"));
    ixt_cand_set_free(&s);
    /* a leading wildcard, and a column that needs none (no facts say so) */
    const char *none[] = {"SELECT id FROM events WHERE kind LIKE '%.created'",
                          "SELECT id FROM runs WHERE status LIKE 'q%'"};
    for (int q = 0; q < 2; q++) {
        s = gen(none[q], 0, &f);
        for (int i = 0; i < s.n; i++)
            assert_null(s.v[i].opclass);
        ixt_cand_set_free(&s);
    }
    ixt_cand_facts_free(&f);
}

/* A window function reads its rows by PARTITION BY, then ORDER BY: an
 * index in that order (after the equalities) feeds it without a sort;
 * inline or named in the WINDOW clause; not when the statement sorts
 * its own way. */
static void test_window_order(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id, row_number() OVER (PARTITION BY workflow_id ORDER BY run_at DESC) FROM runs "
                         "WHERE status = 'failed'",
                         0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (status, workflow_id, run_at DESC)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT * FROM (SELECT id, lag(run_at) OVER w AS prev FROM runs "
            "WINDOW w AS (PARTITION BY workflow_id ORDER BY run_at)) x WHERE prev IS NULL",
            0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, run_at)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT id, row_number() OVER (PARTITION BY workflow_id ORDER BY run_at) FROM runs ORDER BY started_at", 0,
            &f);
    assert_false(has(&s, "CREATE INDEX ON runs (workflow_id, run_at)"));
    assert_true(has(&s, "CREATE INDEX ON runs (started_at)"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

static void test_qualstats_predicates(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    f.quals = ixt_xcalloc(1, sizeof *f.quals);
    f.quals[f.nquals++] = (ixt_qual_fact){.queryid = 42, .table = ixt_xstrdup("runs"),
                                          .column = ixt_xstrdup("workflow_id"), .op = ixt_xstrdup("=")};
    ixt_cand_set s = gen("SELECT * FROM runs", 42, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id)"));
    ixt_cand_set_free(&s);
    s = gen("SELECT * FROM runs", 7, &f);
    assert_int_equal(s.n, 0);
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

static void test_shapes_prefix_near_duplicate_extend(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id, kind FROM events WHERE tenant_id = 3 ORDER BY created_at", 0, &f);
    int one = -1, two = -1, incl = -1;
    for (int i = 0; i < s.n; i++) {
        if (!strcmp(s.v[i].def, "CREATE INDEX ON events (tenant_id)"))
            one = i;
        if (!strcmp(s.v[i].def, "CREATE INDEX ON events (tenant_id, created_at)"))
            two = i;
        if (!strcmp(s.v[i].def, "CREATE INDEX ON events (tenant_id, created_at) INCLUDE (id, kind)"))
            incl = i;
    }
    assert_true(one >= 0 && two >= 0 && incl >= 0);
    assert_true(ixt_cand_covers(&s.v[two], &s.v[one]));
    assert_false(ixt_cand_covers(&s.v[one], &s.v[two]));
    assert_true(ixt_cand_near_dup(&s.v[incl], &s.v[two]));
    assert_false(ixt_cand_near_dup(&s.v[two], &s.v[incl]));
    assert_int_equal(ixt_cands_extend(&s, one, "created_at", NULL), two);
    int n = s.n;
    int three = ixt_cands_extend(&s, two, "kind", NULL);
    assert_int_equal(three, n);
    assert_string_equal(s.v[three].def, "CREATE INDEX ON events (tenant_id, created_at, kind)");
    assert_int_equal(ixt_cands_extend(&s, two, "tenant_id", NULL), -1);
    assert_true(ixt_cand_has_column(&s.v[incl], "kind"));
    assert_false(ixt_cand_has_column(&s.v[two], "kind"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

static void test_reordered_keys(void **state)
{
    (void)state;
    ixt_cand_set s = {0};
    const char *tc[] = {"tenant_id", "created_at"}, *ct[] = {"created_at", "tenant_id"}, *tk[] = {"tenant_id", "kind"};
    int a = ixt_cands_add_plain(&s, "events", tc, 2), b = ixt_cands_add_plain(&s, "events", ct, 2);
    int c = ixt_cands_add_plain(&s, "events", tk, 2), d = ixt_cands_add_plain(&s, "runs", ct, 2);
    int e = ixt_cands_add_plain(&s, "events", tc, 1);
    assert_string_equal(s.v[b].def, "CREATE INDEX ON events (created_at, tenant_id)");
    assert_true(ixt_cand_reordered(&s.v[a], &s.v[b]));
    assert_true(ixt_cand_reordered(&s.v[b], &s.v[a]));
    assert_false(ixt_cand_reordered(&s.v[a], &s.v[a]));
    assert_false(ixt_cand_reordered(&s.v[a], &s.v[c]));
    assert_false(ixt_cand_reordered(&s.v[b], &s.v[d]));
    assert_false(ixt_cand_reordered(&s.v[a], &s.v[e]));
    ixt_cand_set_free(&s);
}

static void set_correlation(ixt_cand_facts *f, const char *table, const char *column, double correlation)
{
    for (int i = 0; i < f->ncols; i++)
        if (!strcmp(f->cols[i].table, table) && !strcmp(f->cols[i].column, column))
            f->cols[i].correlation = correlation;
}

static bool any_brin(const ixt_cand_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i].brin || strstr(s->v[i].def, "brin"))
            return true;
    return false;
}

/* Append-only events: created_at and id follow the rows' physical order,
 * runs.run_at and runs.status do not (or have few values). */
static void test_brin_on_a_well_ordered_column(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    set_correlation(&f, "events", "created_at", 0.98);
    set_correlation(&f, "events", "id", -0.95);
    set_correlation(&f, "runs", "run_at", 0.3);
    set_correlation(&f, "runs", "status", 0.99);
    ixt_cand_set s = gen("SELECT count(*) FROM events WHERE created_at >= $1 AND created_at < $2", 0, &f);
    int brin = find(&s, "CREATE INDEX ON events USING brin (created_at)");
    int btree = find(&s, "CREATE INDEX ON events (created_at)");
    assert_true(brin >= 0 && btree >= 0);
    assert_true(s.v[brin].brin);
    /* neither stands for the other, nor grows */
    assert_false(ixt_cand_covers(&s.v[btree], &s.v[brin]));
    assert_false(ixt_cand_covers(&s.v[brin], &s.v[btree]));
    assert_false(ixt_cand_near_dup(&s.v[btree], &s.v[brin]));
    assert_false(ixt_cand_near_dup(&s.v[brin], &s.v[btree]));
    assert_int_equal(ixt_cands_extend(&s, brin, "kind", NULL), -1);
    assert_true(ixt_cand_has_column(&s.v[brin], "created_at"));
    ixt_cand_set_free(&s);
    /* an equality on a column of many values in descending order */
    s = gen("SELECT kind FROM events WHERE id = $1", 0, &f);
    assert_true(find(&s, "CREATE INDEX ON events USING brin (id)") >= 0);
    ixt_cand_set_free(&s);
    /* not for a column in no particular order, an equality on one of five
     * values, or a join */
    s = gen("SELECT id FROM runs WHERE run_at > now() - interval '1 hour'", 0, &f);
    assert_false(any_brin(&s));
    ixt_cand_set_free(&s);
    s = gen("SELECT id FROM runs WHERE status = 'queued'", 0, &f);
    assert_false(any_brin(&s));
    ixt_cand_set_free(&s);
    s = gen("SELECT r.status FROM runs r JOIN events e ON e.id = r.id", 0, &f);
    assert_false(any_brin(&s));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* Whether a statement can use a partial index: only where its own
 * conditions could imply the predicate.  (The planner's side of it is
 * checked against the server in test_advisor.) */
static bool usable(const ixt_cand *c, const char *sql, const ixt_cand_facts *f)
{
    ixt_sql_info *in = ixt_sql_analyze(sql, NULL);
    assert_non_null(in);
    bool u = ixt_cand_usable_by(c, in, f);
    ixt_sql_info_free(in);
    return u;
}

static void test_partial_index_usable_by(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_cand_set s = gen("SELECT id FROM runs WHERE status = 'queued' ORDER BY run_at LIMIT 10", 0, &f);
    int k = find(&s, "CREATE INDEX ON runs (run_at) WHERE status = 'queued'");
    int plain = find(&s, "CREATE INDEX ON runs (status, run_at)");
    assert_true(k >= 0 && plain >= 0);
    assert_string_equal(s.v[k].where_col, "status");
    assert_string_equal(s.v[k].where_value, "'queued'");
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE status = 'queued' AND run_at < now()", &f));
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE status = $1 ORDER BY run_at", &f));
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE status = ANY($1) ORDER BY run_at", &f));
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE lower(status) = 'queued' ORDER BY run_at", &f));
    assert_true(usable(&s.v[k], "SELECT status, max(run_at) FROM runs GROUP BY status HAVING status = 'queued'", &f));
    /* another value, no condition on status, or status only sorted / grouped / shown */
    assert_false(usable(&s.v[k], "SELECT id FROM runs WHERE status = 'running' ORDER BY run_at", &f));
    assert_false(usable(&s.v[k], "SELECT id FROM runs WHERE run_at < now() ORDER BY run_at", &f));
    assert_false(usable(&s.v[k], "SELECT status, count(*) FROM runs GROUP BY status ORDER BY status", &f));
    /* status of another table */
    assert_false(usable(&s.v[k], "SELECT e.id FROM events e JOIN runs r ON r.id = e.id WHERE e.kind = 'queued' "
                                 "ORDER BY r.run_at", &f));
    /* a plain index serves every statement on its columns */
    assert_true(usable(&s.v[plain], "SELECT id FROM runs WHERE status = 'running' ORDER BY run_at", &f));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
    /* an = that is not plain equality (case-insensitive, say): in doubt */
    facts(&f, false, false);
    s = gen("SELECT id FROM runs WHERE status = 'queued' ORDER BY run_at LIMIT 10", 0, &f);
    k = find(&s, "CREATE INDEX ON runs (run_at) WHERE status = 'queued'");
    assert_true(k >= 0);
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE status = 'running' ORDER BY run_at", &f));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
    /* a policy on the column: its condition is every statement's */
    facts(&f, false, true);
    f.policies = ixt_xcalloc(1, sizeof *f.policies);
    f.policies[f.npolicies++] = (ixt_policy_fact){.table = ixt_xstrdup("runs"),
                                                  .qual = ixt_xstrdup("(status <> 'cancelled'::text)")};
    s = gen("SELECT id FROM runs WHERE status = 'queued' ORDER BY run_at LIMIT 10", 0, &f);
    k = find(&s, "CREATE INDEX ON runs (run_at) WHERE status = 'queued'");
    assert_true(k >= 0);
    assert_true(usable(&s.v[k], "SELECT id FROM runs WHERE run_at < now() ORDER BY run_at", &f));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

/* A partial index for IS [NOT] NULL when it keeps at most half of the
 * rows (pg_stats' null_frac), and the statements it can serve. */
static void test_partial_where_null(void **state)
{
    (void)state;
    ixt_cand_facts f;
    facts(&f, false, true);
    ixt_col_fact *started = (ixt_col_fact *)ixt_cand_col(&f, "runs", "started_at");
    assert_non_null(started);
    const char *sql = "SELECT id FROM runs WHERE workflow_id = 5 AND started_at IS NULL ORDER BY run_at LIMIT 10";
    started->null_frac = 0.3;
    ixt_cand_set s = gen(sql, 0, &f);
    int k = find(&s, "CREATE INDEX ON runs (workflow_id, run_at) WHERE started_at IS NULL");
    assert_true(k >= 0);
    assert_string_equal(s.v[k].where_col, "started_at");
    assert_null(s.v[k].where_value);
    assert_true(s.v[k].where_share > 0.29 && s.v[k].where_share < 0.31);
    assert_true(usable(&s.v[k], sql, &f));
    assert_true(usable(&s.v[k], "SELECT count(*) FROM runs WHERE workflow_id = 7 AND started_at IS NULL", &f));
    assert_false(usable(&s.v[k], "SELECT id FROM runs WHERE workflow_id = 5 ORDER BY run_at LIMIT 10", &f));
    ixt_cand_set_free(&s);
    /* most rows NULL: such an index would keep nearly all of them */
    started->null_frac = 0.8;
    s = gen(sql, 0, &f);
    for (int i = 0; i < s.n; i++)
        assert_null(strstr(s.v[i].def, "IS NULL"));
    ixt_cand_set_free(&s);
    /* ... and the rows where it is set are few */
    s = gen("SELECT id FROM runs WHERE workflow_id = 5 AND started_at IS NOT NULL ORDER BY run_at LIMIT 10", 0, &f);
    assert_true(has(&s, "CREATE INDEX ON runs (workflow_id, run_at) WHERE started_at IS NOT NULL"));
    ixt_cand_set_free(&s);
    /* no statistics, no guess */
    started->null_frac = 0;
    s = gen(sql, 0, &f);
    for (int i = 0; i < s.n; i++)
        assert_null(strstr(s.v[i].def, "IS NULL"));
    ixt_cand_set_free(&s);
    ixt_cand_facts_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality_sort_range_and_partial),
        cmocka_unit_test(test_no_partial_for_one_tenant),
        cmocka_unit_test(test_is_null_after_the_sort),
        cmocka_unit_test(test_or_branches),
        cmocka_unit_test(test_no_placeholder_in_an_index),
        cmocka_unit_test(test_policy_column_leads),
        cmocka_unit_test(test_group_key_then_aggregated_columns),
        cmocka_unit_test(test_each_equality_leads),
        cmocka_unit_test(test_range_after_the_constant_equalities),
        cmocka_unit_test(test_like_prefix_pattern_ops),
        cmocka_unit_test(test_filter_then_read_columns),
        cmocka_unit_test(test_window_order),
        cmocka_unit_test(test_qualstats_predicates),
        cmocka_unit_test(test_shapes_prefix_near_duplicate_extend),
        cmocka_unit_test(test_reordered_keys),
        cmocka_unit_test(test_brin_on_a_well_ordered_column),
        cmocka_unit_test(test_partial_index_usable_by),
        cmocka_unit_test(test_partial_where_null),
    };
    return IXT_RUN_TESTS(tests);
}
