/* sqlparse: what idxtune needs to know about a statement, from PostgreSQL's
 * own parser (libpg_query): its kind, its parameters, the tables and the
 * column uses an index could serve; and the repair of pg_stat_statements
 * texts that do not parse or plan as written. */
#ifndef IDXTUNE_SQLPARSE_H
#define IDXTUNE_SQLPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "idxtune/util.h"

typedef enum ixt_sql_kind {
    IXT_SQL_SELECT, IXT_SQL_INSERT, IXT_SQL_UPDATE, IXT_SQL_DELETE, IXT_SQL_MERGE,
    IXT_SQL_UTILITY, IXT_SQL_MULTIPLE
} ixt_sql_kind;

/* How a column is used, in the order an index wants them. */
typedef enum ixt_use_kind {
    IXT_USE_EQ,        /* =, IN, = ANY */
    IXT_USE_RANGE,     /* < <= > >= BETWEEN, LIKE 'prefix%' */
    IXT_USE_NULL,      /* IS [NOT] NULL */
    IXT_USE_JOIN,      /* a = b between two tables */
    IXT_USE_SORT,      /* ORDER BY */
    IXT_USE_GROUP,     /* GROUP BY */
    IXT_USE_OUTPUT,    /* in the select list: INCLUDE candidates */
} ixt_use_kind;

typedef struct ixt_col_use {
    char *table;       /* the table's name (alias resolved), NULL when unknown */
    char *column;      /* NULL for an expression */
    char *expr;        /* source text of an expression, e.g. "lower(email)" */
    ixt_use_kind kind;
    bool desc;         /* ORDER BY ... DESC */
    bool nulls_first;
    char *constant;    /* = 'queued': the constant's source text */
    int param;         /* compared with $param, 0 when not */
    char *op;          /* the operator, e.g. "=", "@>", "<=" */
} ixt_col_use;

typedef struct ixt_sql_table {
    char *schema;      /* NULL when not written */
    char *name;
    char *alias;       /* NULL when none */
} ixt_sql_table;

typedef struct ixt_sql_info {
    ixt_sql_kind kind;
    bool read_only;    /* a SELECT without FOR UPDATE/SHARE or writing CTEs */
    bool has_locking;
    int nparams;       /* highest $n */
    ixt_sql_table *tables;
    int ntables;
    ixt_col_use *uses;
    int nuses;
    bool has_limit;
} ixt_sql_info;

/* Parses one statement.  On a syntax error, e has the parser's message and
 * the position.  caller frees with ixt_sql_info_free */
ixt_sql_info *ixt_sql_analyze(const char *sql, ixt_err *e);
void ixt_sql_info_free(ixt_sql_info *info);
const char *ixt_sql_kind_name(ixt_sql_kind k); /* borrowed */

/* Repairs a pg_stat_statements text so it parses: typed literals whose
 * string became a placeholder ("date $1" -> "$1::date", "interval $2" ->
 * "$2::interval"), and placeholders where the grammar wants a literal
 * ("extract($1 from x)" -> "extract('epoch' from x)"; later placeholders
 * are renumbered).  Returns the text unchanged when it parses.  caller frees */
char *ixt_sql_plannable(const char *normalized, ixt_err *e);

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

/* Splits a file of statements (pg_query_split_with_parser), trimmed,
 * empty ones dropped.  *stmts: caller frees each and the array */
int ixt_sql_split(const char *text, char ***stmts, int *n, ixt_err *e);

#endif
