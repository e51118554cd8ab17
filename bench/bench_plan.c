/* The plan view on a 10,000-node plan: parse + layout + text render, the
 * median of several runs, and the memory it takes.
 *
 * The plan is generated in memory: an Append over 2,500 Hash Joins, each
 * with a Seq Scan and a Hash over an Index Scan, with ANALYZE figures, so
 * the tree is both wide and a few levels deep and every metric is computed.
 * Memory: glibc's mallinfo2 counts the bytes in use after each step (the
 * tree and the text); the transient peak inside the parse, while jansson's
 * document is alive, shows as the RSS growth of the first run. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "idxtune/plan.h"
#include "idxtune/plan_fold.h"
#include "idxtune/plan_text.h"

enum { RUNS = 11, JOINS = 2500 };

static char *big_plan(void)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "[{\"Plan\": {\"Node Type\": \"Append\", \"Startup Cost\": 0, \"Total Cost\": 1e7, "
                    "\"Plan Rows\": 1e6, \"Actual Total Time\": 9000, \"Actual Rows\": 1e6, "
                    "\"Actual Loops\": 1, \"Plans\": [");
    for (int i = 0; i < JOINS; i++)
        ixt_buf_printf(&b, "%s{\"Node Type\": \"Hash Join\", \"Join Type\": \"Inner\", \"Parent Relationship\": \"Member\", "
                       "\"Startup Cost\": 1.5, \"Total Cost\": %d.25, \"Plan Rows\": 100, \"Plan Width\": 16, "
                       "\"Actual Startup Time\": 0.1, \"Actual Total Time\": 2.5, \"Actual Rows\": 300, "
                       "\"Actual Loops\": 1, \"Hash Cond\": \"(a.id = b.a_id)\", "
                       "\"Shared Hit Blocks\": 40, \"Shared Read Blocks\": 3, \"Plans\": ["
                       "{\"Node Type\": \"Seq Scan\", \"Parent Relationship\": \"Outer\", \"Relation Name\": \"part_%d\", "
                       "\"Schema\": \"public\", \"Alias\": \"p%d\", \"Startup Cost\": 0, \"Total Cost\": %d, "
                       "\"Plan Rows\": 1000, \"Actual Startup Time\": 0.01, \"Actual Total Time\": 1.2, "
                       "\"Actual Rows\": 900, \"Actual Loops\": 1, "
                       "\"Filter\": \"((status = 'queued'::text) AND (run_at <= now()))\", "
                       "\"Rows Removed by Filter\": 12000, \"Shared Hit Blocks\": 30, \"Shared Read Blocks\": 3},"
                       "{\"Node Type\": \"Hash\", \"Parent Relationship\": \"Inner\", \"Startup Cost\": 1, "
                       "\"Total Cost\": 1, \"Plan Rows\": 10, \"Actual Total Time\": 0.3, \"Actual Rows\": 10, "
                       "\"Actual Loops\": 1, \"Hash Buckets\": 1024, \"Hash Batches\": 1, \"Plans\": ["
                       "{\"Node Type\": \"Index Scan\", \"Parent Relationship\": \"Outer\", \"Index Name\": \"acc_%d_pkey\", "
                       "\"Relation Name\": \"acc_%d\", \"Schema\": \"public\", \"Alias\": \"a\", \"Startup Cost\": 0.29, "
                       "\"Total Cost\": 0.9, \"Plan Rows\": 10, \"Actual Total Time\": 0.2, \"Actual Rows\": 10, "
                       "\"Actual Loops\": 1, \"Index Cond\": \"(a.id < 10)\"}]}]}",
                       i ? "," : "", 100 + i, i, i, 50 + i, i, i);
    ixt_buf_add(&b, "]}, \"Planning Time\": 12.5, \"Execution Time\": 9100}]");
    return ixt_buf_take(&b);
}

/* CPU time of this process: on a busy machine wall time measures the
 * neighbours too, so both are printed. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static size_t in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(void)
{
    char *json = big_plan();
    double t_parse[RUNS], t_layout[RUNS], t_all[RUNS], c_layout[RUNS], c_all[RUNS];
    size_t nodes = 0, peak = 0, tree = 0, text_len = 0;
    long rss_delta_kb = 0;
    for (int i = 0; i < RUNS; i++) {
        size_t base = in_use();
        long rss0 = maxrss_kb();
        double c0 = cpu_ms(), t0 = ixt_now_ms();
        ixt_err e;
        ixt_plan *p = ixt_plan_parse(json, &e);
        if (!p) {
            fprintf(stderr, "bench_plan: %s\n", e.msg);
            return 1;
        }
        double t1 = ixt_now_ms();
        if (i == 0)
            rss_delta_kb = maxrss_kb() - rss0;
        size_t used = in_use() - base;
        if (used > tree)
            tree = used;
        /* what the view does: lay the tree out, fold a level, then open
         * everything */
        ixt_plan_fold fold;
        ixt_plan_fold_init(&fold, p);
        ixt_plan_fold_depth(&fold, 1);
        ixt_plan_fold_expand_all(&fold);
        double t2 = ixt_now_ms(), c2 = cpu_ms();
        char *text = ixt_plan_render_text(p, false);
        double t3 = ixt_now_ms(), c3 = cpu_ms();
        if (in_use() - base > used)
            used = in_use() - base;
        if (used > peak)
            peak = used;
        t_parse[i] = t1 - t0;
        t_layout[i] = t2 - t0;
        t_all[i] = t3 - t0;
        c_layout[i] = c2 - c0;
        c_all[i] = c3 - c0;
        nodes = p->nnodes;
        text_len = strlen(text);
        free(text);
        ixt_plan_fold_free(&fold);
        ixt_plan_free(p);
    }
    qsort(t_parse, RUNS, sizeof t_parse[0], cmp);
    qsort(t_layout, RUNS, sizeof t_layout[0], cmp);
    qsort(t_all, RUNS, sizeof t_all[0], cmp);
    qsort(c_layout, RUNS, sizeof c_layout[0], cmp);
    qsort(c_all, RUNS, sizeof c_all[0], cmp);
    printf("plan_nodes %zu\n", nodes);
    printf("plan_json_mb %.1f\n", strlen(json) / (1024.0 * 1024.0));
    printf("plan_text_mb %.1f\n", text_len / (1024.0 * 1024.0));
    printf("plan_parse_10k_ms %.1f\n", t_parse[RUNS / 2]);
    printf("plan_parse_layout_10k_ms %.1f\n", t_layout[RUNS / 2]);
    printf("plan_parse_layout_render_10k_ms %.1f\n", t_all[RUNS / 2]);
    printf("plan_parse_layout_render_10k_max_ms %.1f\n", t_all[RUNS - 1]);
    printf("plan_parse_layout_10k_cpu_ms %.1f\n", c_layout[RUNS / 2]);
    printf("plan_parse_layout_render_10k_cpu_ms %.1f\n", c_all[RUNS / 2]);
    printf("plan_10k_tree_mb %.1f\n", (double)tree / (1024 * 1024));
    printf("plan_10k_tree_and_text_mb %.1f\n", (double)peak / (1024 * 1024));
    printf("plan_10k_parse_rss_growth_mb %.1f\n", rss_delta_kb / 1024.0);
    free(json);
    return 0;
}
