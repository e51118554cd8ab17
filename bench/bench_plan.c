/* Parse + layout + text render of a 10,000-node plan: time and memory. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"

static char *big_plan(int n)
{
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "[{\"Plan\": {\"Node Type\": \"Append\", \"Startup Cost\": 0, \"Total Cost\": 1e7, "
                    "\"Plan Rows\": 1e6, \"Plans\": [");
    /* nested pairs so the tree is both wide and a few levels deep */
    for (int i = 0; i < (n - 1) / 2; i++)
        ixt_buf_printf(&b, "%s{\"Node Type\": \"Hash Join\", \"Join Type\": \"Inner\", \"Startup Cost\": 1.5, "
                       "\"Total Cost\": %d.25, \"Plan Rows\": 100, \"Hash Cond\": \"(a.id = b.a_id)\", "
                       "\"Plans\": [{\"Node Type\": \"Seq Scan\", \"Relation Name\": \"part_%d\", \"Schema\": \"public\", "
                       "\"Alias\": \"p%d\", \"Startup Cost\": 0, \"Total Cost\": %d, \"Plan Rows\": 1000, "
                       "\"Filter\": \"((status = 'queued'::text) AND (run_at <= now()))\"}]}",
                       i ? "," : "", 100 + i, i, i, 50 + i);
    ixt_buf_add(&b, "]}}]");
    return ixt_buf_take(&b);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    enum { RUNS = 15 };
    char *json = big_plan(10001);
    double t[RUNS], tl[RUNS];
    size_t nodes = 0, peak = 0;
    for (int i = 0; i < RUNS; i++) {
        struct mallinfo2 m0 = mallinfo2();
        double t0 = ixt_now_ms();
        ixt_err e;
        ixt_plan *p = ixt_plan_parse(json, &e);
        if (!p) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        p->nodes[1]->collapsed = true;
        ixt_plan_layout(p);
        ixt_plan_expand_all(p);
        tl[i] = ixt_now_ms() - t0;
        char *text = ixt_plan_render_text(p, false);
        t[i] = ixt_now_ms() - t0;
        struct mallinfo2 m1 = mallinfo2();
        size_t used = m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd;
        if (used > peak)
            peak = used;
        nodes = p->nnodes;
        free(text);
        ixt_plan_free(p);
    }
    qsort(t, RUNS, sizeof t[0], cmp);
    qsort(tl, RUNS, sizeof tl[0], cmp);
    printf("plan_nodes %zu\n", nodes);
    printf("plan_json_bytes %zu\n", strlen(json));
    printf("plan_parse_layout_10k_median_ms %.2f\n", tl[RUNS / 2]);
    printf("plan_parse_layout_render_10k_median_ms %.2f\n", t[RUNS / 2]);
    printf("plan_parse_layout_render_10k_max_ms %.2f\n", t[RUNS - 1]);
    printf("plan_10k_memory_mb %.1f\n", (double)peak / (1024 * 1024));
    free(json);
    return 0;
}
