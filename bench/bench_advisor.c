/* The advisor on the demo workload and on the analytic one, and, on a
 * small workload, the greedy choice against an exhaustive search over the
 * same candidates at the same budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/advisor.h"
#include "idxtune/explain.h"
#include "idxtune/plan.h"
#include "idxtune/trial.h"

/* The first max statements of a file. */
static int load(ixt_advisor *a, const char *path, int max)
{
    ixt_err e;
    if (ixt_advisor_add_file(a, path, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    while (a->nstmts > max) {
        a->nstmts--;
        free(a->stmts[a->nstmts].sql);
    }
    return 0;
}

static void report(const char *name, ixt_advisor *a, double ms)
{
    printf("%s_statements %d\n%s_candidates %d\n", name, a->nstmts, name, a->ncands);
    printf("%s_weighted_cost_before %.0f\n%s_weighted_cost_after %.0f\n", name, a->weighted_before, name,
           a->weighted_after);
    printf("%s_indexes %d\n%s_size_mb %.1f\n%s_size_corrected_mb %.1f\n", name, a->npicks, name,
           a->size_bytes / 1048576.0, name, a->size_real / 1048576.0);
    printf("%s_write_cost_per_s %.1f\n", name, a->write_cost);
    printf("%s_whatif_calls %ld\n%s_cache_hits %ld\n%s_wall_ms %.0f\n", name, a->whatif_calls, name, a->cache_hits,
           name, ms);
}

static int run(ixt_conn *c, const char *name, const char *path, int max, double budget)
{
    ixt_advisor a;
    ixt_advisor_init(&a, c, budget, 0);
    if (load(&a, path, max) != 0)
        return -1;
    ixt_err e;
    double t0 = ixt_now_ms();
    if (ixt_advisor_run(&a, NULL, NULL, &e) != 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    report(name, &a, ixt_now_ms() - t0);
    ixt_advisor_free(&a);
    return 0;
}

/* Weighted cost of the workload with exactly the candidates in mask. */
static double cost_of_set(ixt_advisor *a, unsigned mask, double budget_bytes)
{
    double size = 0;
    unsigned *oids = calloc((size_t)a->ncands, sizeof *oids);
    for (int k = 0; k < a->ncands; k++)
        if (mask & (1u << k)) {
            ixt_hypo h;
            if (ixt_hypo_create(a->c, a->cands[k].def, &h, NULL) != 0) {
                free(oids);
                (void)ixt_hypo_reset(a->c, NULL);
                return -1;
            }
            oids[k] = h.oid;
            size += h.size_bytes;
        }
    double total = -1;
    if (budget_bytes <= 0 || size <= budget_bytes) {
        total = 0;
        for (int i = 0; i < a->nstmts; i++) {
            if (!a->stmts[i].ok)
                continue;
            ixt_plan *p = ixt_advisor_plan(a, i);
            total += a->stmts[i].weight * (p ? p->total_cost : a->stmts[i].base_cost);
            ixt_plan_free(p);
        }
    }
    (void)ixt_hypo_reset(a->c, NULL);
    free(oids);
    return total;
}

static void greedy_vs_exhaustive(ixt_conn *c, const char *path, int max, double budget_mb)
{
    ixt_advisor a;
    ixt_advisor_init(&a, c, budget_mb, 0);
    if (load(&a, path, max) != 0)
        return;
    ixt_err e;
    if (ixt_advisor_run(&a, NULL, NULL, &e) != 0)
        return;
    if (a.ncands > 14) {
        printf("exhaustive_skipped_candidates %d\n", a.ncands);
        ixt_advisor_free(&a);
        return;
    }
    unsigned greedy = 0;
    for (int p = 0; p < a.npicks; p++)
        greedy |= 1u << a.picks[p];
    double g = cost_of_set(&a, greedy, 0), best = -1;
    unsigned best_mask = 0;
    for (unsigned m = 0; m < (1u << a.ncands); m++) {
        double v = cost_of_set(&a, m, budget_mb * 1048576.0);
        if (v >= 0 && (best < 0 || v < best)) {
            best = v;
            best_mask = m;
        }
    }
    printf("subset_statements %d\nsubset_candidates %d\nsubset_budget_mb %.0f\n", a.nstmts, a.ncands, budget_mb);
    printf("subset_weighted_cost_none %.0f\nsubset_greedy_cost %.0f\nsubset_exhaustive_cost %.0f\n", a.weighted_before,
           g, best);
    printf("subset_greedy_gap_pct %.2f\nsubset_exhaustive_indexes %d\n", best > 0 ? (g - best) / best * 100 : 0,
           __builtin_popcount(best_mask));
    ixt_advisor_free(&a);
}

int main(void)
{
    ixt_err e;
    ixt_conn_opts o = {.dbname = "idxdemo"};
    ixt_conn *c = ixt_conn_open(&o, "bench", &e);
    ixt_conn_opts ot = {.dbname = "idxtpch"};
    ixt_conn *ct = ixt_conn_open(&ot, "bench", &e);
    if (!c || !ct) {
        fprintf(stderr, "bench_advisor: %s\n", e.msg);
        return 1;
    }
    run(c, "advise_demo", "demo/statements.sql", 1000, 0);
    run(c, "advise_demo_100mb", "demo/statements.sql", 1000, 100);
    run(ct, "advise_analytic", "demo/analytics/statements.sql", 1000, 0);
    run(ct, "advise_analytic_50mb", "demo/analytics/statements.sql", 1000, 50);
    greedy_vs_exhaustive(c, "demo/statements.sql", 4, 100);
    ixt_conn_close(c);
    ixt_conn_close(ct);
    return 0;
}
