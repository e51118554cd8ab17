/* libFuzzer harness for the EXPLAIN JSON reader: any bytes must give a
 * plan or an error, never a crash, a leak or undefined behaviour.  Every
 * call the plan view and `idxtune explain` make on a plan is made here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"
#include "idxtune/plan_diff.h"
#include "idxtune/plan_fold.h"
#include "idxtune/plan_json.h"
#include "idxtune/plan_text.h"

static void exercise(ixt_plan *p)
{
    char buf[512];
    for (size_t i = 0; i < p->nnodes && i < 64; i++) {
        ixt_plan_prefix(p->nodes[i], i & 1, buf, sizeof buf);
        ixt_plan_node_label(p->nodes[i], buf, sizeof buf);
        ixt_plan_node_metrics(p, p->nodes[i], buf, sizeof buf);
    }
    ixt_plan_fold f;
    ixt_plan_fold_init(&f, p);
    if (p->nnodes > 1)
        ixt_plan_fold_toggle(&f, p->nodes[1]);
    ixt_plan_fold_depth(&f, 2);
    ixt_plan_fold_reveal(&f, p->nodes[p->nnodes - 1]);
    ixt_plan_fold_expand_all(&f);
    ixt_plan_fold_free(&f);
    char *out = ixt_plan_render_text(p, p->nnodes & 1);
    free(out);
    json_t *j = ixt_plan_to_json(p, NULL);
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
        ixt_plan_diff_free(ixt_plan_diff_new(p, p));
        ixt_plan *q = ixt_plan_parse("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Total Cost\": 10,"
                                     " \"Plans\": [{\"Node Type\": \"Hash\"}]}}]", &e);
        ixt_plan_diff_free(ixt_plan_diff_new(p, q));
        ixt_plan_diff *d = ixt_plan_diff_new(q, p);
        json_t *j = ixt_plan_to_json(p, d);
        json_decref(j);
        ixt_plan_diff_free(d);
        d = ixt_plan_diff_new(NULL, p);
        j = ixt_plan_to_json(p, d);
        json_decref(j);
        ixt_plan_diff_free(d);
        ixt_plan_free(q);
        ixt_plan_free(p);
    }
    free(text);
    return 0;
}
