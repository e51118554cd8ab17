/* health: the findings from hand-built facts, and the drop and rollback
 * SQL written from them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/health.h"
#include "testutil.h"

#define CAP 16

static void init(ixt_health *h, double days)
{
    memset(h, 0, sizeof *h);
    h->idx = ixt_xcalloc(CAP, sizeof *h->idx);
    h->fks = ixt_xcalloc(CAP, sizeof *h->fks);
    h->now_s = 1.7e9;
    h->since_s = h->now_s - days * 86400;
    h->since_reset = true;
}

/* "a b" -> {"a", "b"}; a key named "(expr)" has attnum 0, others 1, 2, ...
 * by their letter. */
static int split(const char *list, char ***out, int **attnums)
{
    char *copy = ixt_xstrdup(list), *save = NULL;
    *out = ixt_xcalloc(8, sizeof **out);
    if (attnums)
        *attnums = ixt_xcalloc(8, sizeof **attnums);
    int n = 0;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (attnums)
            (*attnums)[n] = t[0] == '(' ? 0 : t[0] - 'a' + 1;
        (*out)[n++] = ixt_xstrdup(t);
    }
    free(copy);
    return n;
}

typedef struct spec {
    const char *name, *method, *keys, *includes, *pred;
    unsigned table_oid;
    bool unique, valid;
    ixt_constraint_kind con;
    double scans;
} spec;

static ixt_index_health *add(ixt_health *h, spec s)
{
    ixt_index_health *x = &h->idx[h->n++];
    x->schema = ixt_xstrdup("public");
    x->table = ixt_xstrdup("t");
    x->name = ixt_xstrdup(s.name);
    x->method = ixt_xstrdup(s.method ? s.method : "btree");
    x->def = ixt_xasprintf("CREATE %sINDEX %s ON public.t USING %s (%s)", s.unique ? "UNIQUE " : "", s.name,
                           x->method, s.keys);
    x->pred = ixt_xstrdup(s.pred);
    x->table_oid = s.table_oid ? s.table_oid : 100;
    x->idx_scan = s.scans;
    x->valid = s.valid;
    x->unique = s.unique;
    x->constraint = s.con;
    x->nkeys = split(s.keys, &x->keys, &x->key_attnums);
    x->nincludes = split(s.includes ? s.includes : "", &x->includes, NULL);
    x->table_writes = 864000;
    return x;
}

static void add_fk(ixt_health *h, const char *name, const char *cols)
{
    ixt_fk_health *f = &h->fks[h->nfks++];
    f->schema = ixt_xstrdup("public");
    f->table = ixt_xstrdup("t");
    f->name = ixt_xstrdup(name);
    f->def = ixt_xstrdup("FOREIGN KEY ...");
    f->columns = ixt_xstrdup(cols);
    f->table_oid = 100;
    char **names;
    f->nattnums = split(cols, &names, &f->attnums);
    for (int i = 0; i < f->nattnums; i++)
        free(names[i]);
    free(names);
}

#define USED(n) .valid = true, .scans = (n)

static void test_duplicate_keeps_the_constraint(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    ixt_index_health *dup = add(&h, (spec){"a_dup", .keys = "a", USED(5)});
    ixt_index_health *pk = add(&h, (spec){"t_pkey", .keys = "a", .unique = true, .con = IXT_CON_PRIMARY, USED(0)});
    ixt_health_analyze(&h);
    assert_int_equal(dup->findings, IXT_HF_DUPLICATE);
    assert_int_equal(dup->other, 1);
    assert_true(dup->droppable);
    assert_int_equal(pk->findings, 0);  /* a constraint's index is never unused */
    assert_false(pk->droppable);
    assert_true(dup->write_rate > 0.333 && dup->write_rate < 0.334); /* 864000 writes in 30 days */
    char *why = ixt_health_reasons(&h, 0);
    assert_non_null(strstr(why, "duplicate of public.t_pkey"));
    free(why);
    ixt_health_free(&h);
}

static void test_two_constraints_neither_dropped(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    add(&h, (spec){"t_pkey", .keys = "a", .unique = true, .con = IXT_CON_PRIMARY, USED(1)});
    ixt_index_health *u = add(&h, (spec){"t_a_key", .keys = "a", .unique = true, .con = IXT_CON_UNIQUE, USED(1)});
    ixt_health_analyze(&h);
    assert_int_equal(u->findings, IXT_HF_DUPLICATE);
    assert_false(u->droppable);
    char *why = ixt_health_reasons(&h, 1);
    assert_non_null(strstr(why, "backs a constraint"));
    free(why);
    ixt_health_free(&h);
}

static void test_not_duplicates_when_anything_differs(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    add(&h, (spec){"base", .keys = "a", USED(1)});
    add(&h, (spec){"hash", .method = "hash", .keys = "a", USED(1)});
    add(&h, (spec){"partial", .keys = "a", .pred = "(a > 0)", USED(1)});
    add(&h, (spec){"incl", .keys = "a", .includes = "b", USED(1)});
    add(&h, (spec){"desc", .keys = "a:desc", USED(1)});
    add(&h, (spec){"other_table", .keys = "a", .table_oid = 200, USED(1)});
    ixt_health_analyze(&h);
    for (size_t i = 0; i < h.n; i++)
        assert_false(h.idx[i].findings & IXT_HF_DUPLICATE);
    /* base's key leads incl (same predicate, btree): base is redundant */
    assert_int_equal(h.idx[0].findings, IXT_HF_REDUNDANT);
    assert_string_equal(h.idx[h.idx[0].other].name, "incl");
    ixt_health_free(&h);
}

static void test_redundant_prefix(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    ixt_index_health *a = add(&h, (spec){"t_a", .keys = "a", USED(0)});
    ixt_index_health *ab = add(&h, (spec){"t_a_b", .keys = "a b", USED(3)});
    ixt_index_health *ub = add(&h, (spec){"t_b_uniq", .keys = "b", .unique = true, USED(0)});
    ixt_index_health *ba = add(&h, (spec){"t_b_a", .keys = "b a", USED(2)});
    ixt_index_health *ha = add(&h, (spec){"t_a_hash", .method = "hash", .keys = "a", USED(2)});
    ixt_health_analyze(&h);
    assert_int_equal(a->findings, IXT_HF_REDUNDANT | IXT_HF_UNUSED);
    assert_string_equal(h.idx[a->other].name, "t_a_b");
    assert_true(a->droppable);
    assert_int_equal(ab->findings, 0);
    assert_int_equal(ub->findings, 0);   /* unique: enforces what t_b_a does not */
    assert_int_equal(ba->findings, 0);   /* t_a is not its leading prefix */
    assert_int_equal(ha->findings, 0);   /* only btree keys lead */
    ixt_health_free(&h);
}

static void test_scanned_prefix_of_unscanned_wider_index_is_kept(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    ixt_index_health *a = add(&h, (spec){"t_a", .keys = "a", USED(9)});
    ixt_index_health *ab = add(&h, (spec){"t_a_b", .keys = "a b", USED(0)});
    ixt_health_analyze(&h);
    assert_int_equal(a->findings, 0);
    assert_int_equal(ab->findings, IXT_HF_UNUSED);
    ixt_health_free(&h);
}

static void test_invalid_and_unused(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 2);
    ixt_index_health *bad = add(&h, (spec){"t_c_uniq", .keys = "c", .unique = true, .valid = false});
    ixt_index_health *c = add(&h, (spec){"t_c", .keys = "c", USED(0)});
    ixt_health_analyze(&h);
    assert_int_equal(bad->findings, IXT_HF_INVALID);  /* not a duplicate of t_c, nor its keeper */
    assert_true(bad->droppable);
    assert_int_equal(c->findings, IXT_HF_UNUSED);
    char *why = ixt_health_reasons(&h, 1);
    assert_non_null(strstr(why, "2.0 days: too short to judge"));
    free(why);
    ixt_health_free(&h);
}

static void test_unindexed_foreign_keys(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    add(&h, (spec){"t_b_a", .keys = "b a", USED(1)});
    add(&h, (spec){"t_d_partial", .keys = "d", .pred = "(d > 0)", USED(1)});
    add(&h, (spec){"t_e_f", .keys = "e f", USED(1)});
    add_fk(&h, "fk_ab", "a b");   /* leads t_b_a in another order: served */
    add_fk(&h, "fk_d", "d");      /* only a partial index */
    add_fk(&h, "fk_f", "f");      /* f is not leading */
    add_fk(&h, "fk_e", "e");
    ixt_health_analyze(&h);
    assert_false(h.fks[0].unindexed);
    assert_true(h.fks[1].unindexed);
    assert_true(h.fks[2].unindexed);
    assert_false(h.fks[3].unindexed);
    ixt_health_free(&h);
}

static void test_drop_and_rollback_sql(void **state)
{
    (void)state;
    ixt_health h;
    init(&h, 30);
    add(&h, (spec){"Mixed Case", .keys = "a", USED(0)});
    add(&h, (spec){"t_bad", .keys = "b", .valid = false});
    add(&h, (spec){"t_pkey", .keys = "c", .unique = true, .con = IXT_CON_PRIMARY, USED(0)});
    free(h.idx[0].def);
    h.idx[0].def = ixt_xstrdup("CREATE INDEX \"Mixed Case\" ON public.t USING btree (a)");
    ixt_health_analyze(&h);
    ixt_err e;
    char *drop = ixt_health_drop_sql(&h, "u@h:5432/db", "2026-01-01 00:00 UTC");
    assert_non_null(drop);
    assert_non_null(strstr(drop, "DROP INDEX CONCURRENTLY IF EXISTS public.\"Mixed Case\";"));
    assert_non_null(strstr(drop, "DROP INDEX CONCURRENTLY IF EXISTS public.t_bad;"));
    assert_null(strstr(drop, "t_pkey;"));
    assert_non_null(strstr(drop, "-- unused: no scan since the statistics reset"));
    char *undo = ixt_health_rollback_sql(&h, "u@h:5432/db", "2026-01-01 00:00 UTC", &e);
    assert_non_null(undo);
    assert_non_null(strstr(undo, "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Mixed Case\" ON public.t USING btree (a);"));
    assert_non_null(strstr(undo, "-- public.t_bad was invalid: not re-created"));
    assert_null(strstr(undo, "t_pkey"));
    free(drop);
    free(undo);
    ixt_health_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_keeps_the_constraint),
        cmocka_unit_test(test_two_constraints_neither_dropped),
        cmocka_unit_test(test_not_duplicates_when_anything_differs),
        cmocka_unit_test(test_redundant_prefix),
        cmocka_unit_test(test_scanned_prefix_of_unscanned_wider_index_is_kept),
        cmocka_unit_test(test_invalid_and_unused),
        cmocka_unit_test(test_unindexed_foreign_keys),
        cmocka_unit_test(test_drop_and_rollback_sql),
    };
    return IXT_RUN_TESTS(tests);
}
