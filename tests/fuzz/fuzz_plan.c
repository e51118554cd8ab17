/* libFuzzer harness for the EXPLAIN JSON reader: any bytes must give a
 * plan or an error, never a crash, a leak or undefined behaviour.  Every
 * call the plan view and `idxtune explain` make on a plan is made here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"

static void exercise(ixt_plan *p)
{
    char buf[512];
    for (size_t i = 0; i < p->nnodes && i < 64; i++) {
        ixt_plan_prefix(p->nodes[i], i & 1, buf, sizeof buf);
        ixt_plan_node_label(p->nodes[i], buf, sizeof buf);
        ixt_plan_node_metrics(p, p->nodes[i], buf, sizeof buf);
    }
    if (p->nnodes > 1)
        ixt_plan_toggle(p, p->nodes[1]);
    ixt_plan_collapse_depth(p, 2);
    ixt_plan_reveal(p, p->nodes[p->nnodes - 1]);
    ixt_plan_expand_all(p);
    char *out = ixt_plan_render_text(p, p->nnodes & 1);
    free(out);
    json_t *j = ixt_plan_to_json(p);
    json_decref(j);
    const char **names;
    size_t n = ixt_plan_index_names(p, &names);
    for (size_t i = 0; i < n; i++)
        ixt_plan_uses_index(p, names[i]);
    free(names);
    ixt_plan_uses_index(p, "<1>x");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ixt_err e;
    ixt_plan *p = ixt_plan_parse(text, &e);
    if (p) {
        exercise(p);
        ixt_plan_diff(p, p);
        ixt_plan_diff(NULL, p);
        ixt_plan *q = ixt_plan_parse("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Total Cost\": 10,"
                                     " \"Plans\": [{\"Node Type\": \"Hash\"}]}}]", &e);
        ixt_plan_diff(q, p);
        ixt_plan_diff(p, q);
        ixt_plan_free(q);
        json_t *j = ixt_plan_to_json(p);
        json_decref(j);
        ixt_plan_free(p);
    }
    free(text);
    return 0;
}
