/* libFuzzer harness for the EXPLAIN JSON reader: any bytes must give a
 * plan or an error, never a crash, a leak or undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/plan.h"

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
        if (p->nnodes > 1)
            p->nodes[1]->collapsed = true;
        ixt_plan_layout(p);
        char *out = ixt_plan_render_text(p, true);
        free(out);
        json_t *j = ixt_plan_to_json(p);
        json_decref(j);
        ixt_plan_diff(p, p);
        ixt_plan_free(p);
    }
    free(text);
    return 0;
}
