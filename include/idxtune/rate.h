/* rate: per-interval rates read steadily.  An exponential average whose
 * time constant is in seconds, so it smooths the same at a 0.5 s and at a
 * 10 s refresh: an interval of dt seconds weighs 1 - exp(-dt / tau). */
#ifndef IDXTUNE_RATE_H
#define IDXTUNE_RATE_H

#include <stdbool.h>

/* ~10 s: long enough that one quiet 2 s interval does not empty the top
 * statement's row, short enough to show what hurts now. */
#define IXT_RATE_TAU_S 10.0

/* floats: shown and sorted, never summed back into counters; a list of
 * 50,000 statements holds two each */
typedef struct ixt_rate {
    float last;      /* over the last interval */
    float avg;       /* the exponential average */
    bool known;      /* an interval was measured */
} ixt_rate;

/* Adds the rate measured over an interval of dt_s seconds (> 0); the
 * first one is taken as it is, there is nothing to average it with. */
void ixt_rate_add(ixt_rate *r, double value, double dt_s, double tau_s);

#endif
