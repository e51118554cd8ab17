/* jsonout: the shape of idxtune's JSON output (see jsonout.h). */
#include "idxtune/jsonout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "idxtune/util.h"

json_t *ixt_json_id(long long id)
{
    if (id == 0)
        return json_null();
    char s[24];
    snprintf(s, sizeof s, "%lld", id);
    return json_string(s);
}

int ixt_json_read_id(const json_t *v, long long *out)
{
    if (json_is_null(v)) {
        *out = 0;
        return 0;
    }
    if (json_is_integer(v)) {
        *out = (long long)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    char *end;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (!*s || *s == ' ' || *end || errno)
        return -1;
    *out = id;
    return 0;
}

json_t *ixt_json_count(double v)
{
    /* a double holds every integer up to 2^53 exactly; counts stay far below */
    return isfinite(v) && v >= 0 && v < 9e15 ? json_integer((json_int_t)llround(v)) : json_null();
}

json_t *ixt_json_real(double v, int decimals)
{
    if (!isfinite(v))
        return json_null();
    double scale = pow(10, decimals);
    double r = round(v * scale) / scale;
    /* values too large to scale keep their own digits; -0.0 is 0 */
    return json_real(!isfinite(r) ? v : r == 0 ? 0 : r);
}

json_t *ixt_json_known(double v, int decimals)
{
    return v >= 0 ? ixt_json_real(v, decimals) : json_null();
}

char *ixt_json_text(const json_t *j)
{
    char *s = json_dumps(j, IXT_JSON_DUMP);
    char *out = ixt_xasprintf("%s\n", s ? s : "null");
    free(s);
    return out;
}
