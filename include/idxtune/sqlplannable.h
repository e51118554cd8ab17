/* sqlplannable: pg_stat_statements texts ($n in place of every constant)
 * made into statements the server plans (PREPARE, EXPLAIN GENERIC_PLAN):
 * repaired ahead from the parse tree, and cast further where the server
 * says it cannot determine a placeholder's type. */
#ifndef IDXTUNE_SQLPLANNABLE_H
#define IDXTUNE_SQLPLANNABLE_H

#include <stdbool.h>

#include "idxtune/util.h"

/* Repairs a pg_stat_statements text so the server plans it (PREPARE):
 * - typed literals whose string became a placeholder: "date $1" ->
 *   "$1::date", "interval $2 day" -> "$2::interval day",
 *   "timestamp with time zone $3" -> "$3::timestamp with time zone";
 * - placeholders where the grammar or the plan wants a literal:
 *   "extract($1 from x)" -> "extract('epoch' from x)", the first argument
 *   of date_part ('epoch') and date_trunc ('day'); later placeholders are
 *   renumbered so none is missing;
 * - placeholders with no type the server can find: both operands of
 *   arithmetic ("$8 + $9"), unary minus, sum/avg of a placeholder or of a
 *   CASE whose results are all placeholders, "$1 IS NULL", "$5 || $6" and
 *   the arguments of functions taking VARIADIC "any" (text), and
 *   select-list placeholders of subqueries and CTEs used as numbers
 *   outside;
 * - lists PostgreSQL 18 squashed to one placeholder followed by the
 *   comment ", ... " inside IN ( ): "= ANY($1)" ("<> ALL($1)" for NOT IN),
 *   the placeholder an array.
 * Returns text that libpg_query parses (unchanged when nothing needed
 * repair); NULL with e filled when the input does not parse.  caller frees */
char *ixt_sql_plannable(const char *normalized, ixt_err *e);

/* The text holds a list of constants squashed by PostgreSQL 18's
 * pg_stat_statements (see above): its length is unknown. */
bool ixt_sql_has_squashed_list(const char *sql);

/* Casts placeholder $n to type everywhere in sql (for a server that says
 * it cannot determine its type).  caller frees */
char *ixt_sql_cast_param(const char *sql, int n, const char *type, ixt_err *e);
/* Casts placeholders that are operands of + - * / to numeric ("$8 + $9"
 * has no operator for unknown types).  NULL when there are none.  caller frees */
char *ixt_sql_cast_arith_params(const char *sql, ixt_err *e);

/* Casts the untyped placeholders inside the call whose name starts at
 * byte pos ("sum(CASE ... THEN $3 ELSE $4 END)" has no sum(text)).  NULL
 * when there are none.  caller frees */
char *ixt_sql_cast_params_in_call(const char *sql, int pos, const char *type, ixt_err *e);

#endif
