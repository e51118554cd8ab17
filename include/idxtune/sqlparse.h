/* sqlparse: what idxtune needs to know about a statement, from PostgreSQL's
 * own parser (libpg_query): its kind, its parameters, the tables and the
 * column uses an index could serve, whether it parses, its fingerprint.
 * Texts that do not plan as written: sqlplannable; files of statements:
 * sqlsplit. */
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
    IXT_USE_EQ,        /* =, IN, = ANY; also operators a non-btree index may serve (op says which) */
    IXT_USE_RANGE,     /* < <= > >= BETWEEN, LIKE 'prefix%' */
    IXT_USE_NULL,      /* IS [NOT] NULL */
    IXT_USE_JOIN,      /* a = b between two tables */
    IXT_USE_SORT,      /* ORDER BY */
    IXT_USE_GROUP,     /* GROUP BY */
    IXT_USE_OUTPUT,    /* in the select list: INCLUDE candidates */
} ixt_use_kind;

/* The operator class of a use, finer than its kind.  0 is "other": a use
 * filled from elsewhere than the statement knows only its operator's name. */
typedef enum ixt_op_class {
    IXT_OP_OTHER,        /* an operator not listed here (op has its name) */
    IXT_OP_EQ,           /* col = value */
    IXT_OP_IN,           /* col IN (v1, v2...), col IN (SELECT ...) */
    IXT_OP_ANY,          /* col = ANY(array) */
    IXT_OP_RANGE,        /* < <= > >=, op already turned to read "col op value" */
    IXT_OP_BETWEEN,      /* col BETWEEN a AND b */
    IXT_OP_IS_NULL,
    IXT_OP_NOT_NULL,
    IXT_OP_LIKE_PREFIX,  /* LIKE 'abc%': a btree range (with C collation or text_pattern_ops) */
    IXT_OP_LIKE,         /* LIKE / ILIKE with a leading wildcard or an unknown pattern: not a btree scan */
    IXT_OP_CONTAINS,     /* jsonb/array @> <@ ? ?| ?& &&: GIN */
    IXT_OP_JOIN,         /* a.x = b.y */
    IXT_OP_BOOL,         /* a bare boolean column: WHERE active, WHERE NOT deleted (constant says which) */
    IXT_OP_NONE,         /* ORDER BY, GROUP BY, select list */
} ixt_op_class;

/* The clause a use comes from. */
typedef enum ixt_sql_clause {
    IXT_CLAUSE_WHERE,    /* WHERE (also of UPDATE / DELETE) */
    IXT_CLAUSE_ON,       /* JOIN ... ON / USING, MERGE ... ON */
    IXT_CLAUSE_ORDER,
    IXT_CLAUSE_GROUP,
    IXT_CLAUSE_SELECT,   /* the select list */
} ixt_sql_clause;

typedef struct ixt_col_use {
    char *table;       /* the table's name (alias resolved), NULL when unknown */
    char *column;      /* NULL for an expression */
    char *expr;        /* source text of an expression, e.g. "lower(email)"
                          (qualifiers dropped when they name this table) */
    ixt_use_kind kind;
    bool desc;         /* ORDER BY ... DESC */
    bool nulls_first;  /* ORDER BY: NULLS FIRST, written or implied by DESC */
    char *constant;    /* = 'queued': the constant's source text */
    int param;         /* compared with $param, 0 when not */
    char *op;          /* the operator, e.g. "=", "@>", "<=" (read as "col op value"), "IS NULL" */
    /* Uses also come from outside the statement (the advisor adds those of
     * row-security policies and pg_qualstats by zeroing one and filling
     * what it knows), so a zero below means "not known": an "other"
     * operator, a WHERE clause, no schema written. */
    ixt_op_class opclass;
    ixt_sql_clause clause;
    char *schema;      /* the table's schema when written, else NULL */
    /* 0: ANDed at its query level; n > 0: inside branch n of an OR at the
     * top of a WHERE / ON (each branch is a conjunction an index of its
     * own can serve, as a BitmapOr does).  A column compared for equality
     * in every branch is also recorded with 0. */
    int branch;
} ixt_col_use;

typedef struct ixt_sql_table {
    char *schema;      /* NULL when not written */
    char *name;
    char *alias;       /* NULL when none */
} ixt_sql_table;

/* What $n is compared with or assigned to. */
typedef struct ixt_sql_param {
    char *schema;      /* NULL when not written */
    char *table;       /* NULL when unknown (several tables, unqualified column) */
    char *column;      /* NULL when $n is not compared with a column */
    char *expr;        /* the expression compared with, when not a plain column */
    char *op;          /* "=", "<", "IN", "LIKE", "SET" (UPDATE SET / INSERT VALUES)... */
} ixt_sql_param;

typedef struct ixt_sql_info {
    ixt_sql_kind kind;
    bool read_only;    /* a SELECT without FOR UPDATE/SHARE or writing CTEs */
    bool has_locking;
    int nparams;       /* highest $n */
    ixt_sql_table *tables;
    int ntables;
    int target;        /* index in tables of the table an INSERT/UPDATE/DELETE/MERGE or COPY FROM writes, -1 */
    ixt_col_use *uses;
    int nuses;
    bool has_limit;
    /* a HAVING somewhere: its conditions on grouped columns act as WHERE
     * ones, though its uses are read as outputs */
    bool has_having;
    bool select_star;      /* SELECT * or t.*: no INCLUDE list can cover it */
    ixt_sql_param *params; /* [nparams]: params[n - 1] is about $n (all NULL when unknown) */
    /* Columns of the target table an UPDATE (ON CONFLICT DO UPDATE, MERGE's
     * UPDATE) assigns, whatever the value: an index on one of them makes
     * those updates non-HOT.  owned */
    char **set_cols;
    int nset_cols;
} ixt_sql_info;

/* Parses one statement.  On a syntax error, e has the parser's message and
 * "at character N".  caller frees with ixt_sql_info_free */
ixt_sql_info *ixt_sql_analyze(const char *sql, ixt_err *e);
void ixt_sql_info_free(ixt_sql_info *info);
const char *ixt_sql_kind_name(ixt_sql_kind k); /* borrowed */
/* Whether it writes rows of a table: INSERT, UPDATE, DELETE, MERGE, and
 * COPY ... FROM (a utility, planned by no one). */
bool ixt_sql_writes(const ixt_sql_info *in);
/* One statement that the server plans: not a utility statement (COMMIT,
 * SET, EXPLAIN ...), which pg_stat_statements tracks too, nor several. */
bool ixt_sql_has_plan(const char *sql);
/* The same of a parsed statement (NULL: no). */
bool ixt_sql_info_has_plan(const ixt_sql_info *in);

/* The column $n is compared with, NULL when none is known.  borrowed */
const ixt_sql_param *ixt_sql_param_target(const ixt_sql_info *info, int n);

/* Checks that sql parses.  On a syntax error returns -1 with the parser's
 * message in e, *cursor the 1-based character offset it points at (0 when
 * it gives none) and *byte the same position as a 0-based byte offset into
 * sql (-1 when none); cursor and byte may be NULL. */
int ixt_sql_check(const char *sql, int *cursor, int *byte, ixt_err *e);

/* The fingerprint of a statement (pg_query_fingerprint: the same for texts
 * that differ in constants, comments and white space); 0 on error. */
uint64_t ixt_sql_fingerprint(const char *sql);

#endif
