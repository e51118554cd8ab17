/* libFuzzer: what idxtune sends for a statement text (see prepare_check.h).
 * make fuzz FUZZ_TARGET=prepare FUZZ_SECONDS=600 */
#include <stdint.h>
#include <stdio.h>

#include "../fuzz/prepare_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *why = ixt_prepare_violation(text);
    if (why) {
        fprintf(stderr, "%s: %s\n", why, text);
        abort();
    }
    free(text);
    return 0;
}
