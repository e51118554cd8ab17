/* jsonout: the shape of every JSON idxtune writes (top, explain, try,
 * advise, indexes, session files), so that scripts can rely on it: query
 * ids are strings (a bigint does not fit a double), counts are integers,
 * measurements are rounded to what they mean, unknown is null. */
#ifndef IDXTUNE_JSONOUT_H
#define IDXTUNE_JSONOUT_H

#include <jansson.h>

/* Flags for json_dump*: two-space indent, and 15 significant digits so a
 * rounded 0.3 prints as 0.3, not 0.29999999999999999. */
#define IXT_JSON_DUMP (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* Decimals kept per kind of figure. */
enum { IXT_JSON_MS = 3, IXT_JSON_COST = 2, IXT_JSON_RATIO = 4, IXT_JSON_RATE = 3 };

/* A query id as a string; null for 0 (no pg_stat_statements entry, as for
 * a typed statement).  caller decrefs */
json_t *ixt_json_id(long long id);

/* A query id read back: a string of digits, or an integer (session files
 * written before ids were strings), or null (0).  0 and *out set, or -1
 * when v is none of these. */
int ixt_json_read_id(const json_t *v, long long *out);

/* A count (calls, rows, blocks, bytes) as an integer; null when negative
 * (unknown) or not finite.  caller decrefs */
json_t *ixt_json_count(double v);

/* A measurement rounded to decimals; null when not finite.  caller decrefs */
json_t *ixt_json_real(double v, int decimals);

/* As ixt_json_real, and null when negative: the figures that use -1 for
 * unknown (write rates, planning time without ANALYZE).  caller decrefs */
json_t *ixt_json_known(double v, int decimals);

/* j as text with a final newline.  caller frees */
char *ixt_json_text(const json_t *j);

#endif
