/* libFuzzer harness for the session-file loader: any bytes must give a
 * session or an error naming what is wrong, never a crash, a leak or
 * undefined behaviour; a session that loads must export, and save to text
 * that loads again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/export.h"
#include "idxtune/review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ixt_review r;
    ixt_err e;
    if (ixt_review_from_json(&r, text, "fuzz.json", &e) == 0) {
        ixt_export_opts o = {.concurrently = size & 1, .date = "2026-01-01 00:00 UTC"};
        char *sql = ixt_export_sql(&r, &o, &e);
        char *rb = ixt_export_rollback(&r, &o);
        char *md = ixt_export_markdown(&r, &o, &e);
        char *saved = ixt_review_to_json(&r);
        ixt_review back;
        if (!sql || !md || ixt_review_from_json(&back, saved, "saved.json", &e) != 0)
            abort(); /* a loaded session always exports and reloads */
        char *again = ixt_review_to_json(&back);
        if (strcmp(saved, again) != 0)
            abort();
        if (r.n > 0)
            ixt_review_rename(&r, 0, text, &e);
        free(again);
        ixt_review_free(&back);
        free(saved);
        free(sql);
        free(rb);
        free(md);
        ixt_review_free(&r);
    } else if (!e.msg[0]) {
        abort(); /* every refusal says why */
    }
    free(text);
    return 0;
}
