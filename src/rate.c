/* rate: an exponential average with a time constant. */
#include "idxtune/rate.h"

#include <math.h>

void ixt_rate_add(ixt_rate *r, double value, double dt_s, double tau_s)
{
    r->last = (float)value;
    if (!r->known || tau_s <= 0) {
        r->avg = (float)value;
        r->known = true;
        return;
    }
    r->avg = (float)(r->avg + (1 - exp(-dt_s / tau_s)) * (value - r->avg));
}
