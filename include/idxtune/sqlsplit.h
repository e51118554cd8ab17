/* sqlsplit: a file of statements (pasted, or given on the command line)
 * cut into the statements PostgreSQL's parser sees. */
#ifndef IDXTUNE_SQLSPLIT_H
#define IDXTUNE_SQLSPLIT_H

#include "idxtune/util.h"

/* Splits a file of statements (pg_query_split_with_parser): each starts
 * after the comments above it and is trimmed; empty ones are dropped.
 * *stmts: caller frees each and the array (which also ends with a NULL).
 * On a syntax error e says where. */
int ixt_sql_split(const char *text, char ***stmts, int *n, ixt_err *e);

#endif
