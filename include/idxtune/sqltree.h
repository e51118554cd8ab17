/* sqltree: reading libpg_query's output, shared by the sql* modules
 * (sqlparse, sqlplannable, sqlsplit); the UI has no use for it.  Two
 * views of one statement: its token stream (to cut source text at the
 * parser's token boundaries) and its parse tree as JSON (read with
 * jansson), with one walker over that tree. */
#ifndef IDXTUNE_SQLTREE_H
#define IDXTUNE_SQLTREE_H

#include <jansson.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdbool.h>

#include "idxtune/util.h"

/* ----- tokens ----- */

typedef struct ixt_tokens {
    PgQueryScanResult raw;
    PgQuery__ScanResult *scan; /* NULL when scanning failed */
    PgQuery__ScanToken **tk;   /* sorted by position */
    int n;
} ixt_tokens;

/* Scans sql.  On a scanner error returns -1 with its message and "at
 * character N" in e, and t holds no tokens.  Free with ixt_tok_free (a
 * no-op after a failure). */
int ixt_tok_scan(const char *sql, ixt_tokens *t, ixt_err *e);
void ixt_tok_free(ixt_tokens *t);

/* The token that covers byte pos, -1 when none. */
int ixt_tok_at(const ixt_tokens *t, int pos);

/* The token is the one character c of sql. */
bool ixt_tok_is(const PgQuery__ScanToken *tk, const char *sql, char c);
bool ixt_tok_comment(const PgQuery__ScanToken *tk);

/* ----- the parse tree ----- */

/* The parse tree of sql ({"version":..,"stmts":[..]}).  NULL with the
 * parser's message and "at character N" in e on a syntax error.  caller
 * frees with json_decref */
json_t *ixt_pt_parse(const char *sql, ixt_err *e);

/* Field accessors that take NULL or a non-object and give NULL / def:
 * a missing field of the tree is the usual case, not an error.  borrowed */
json_t *ixt_pt_get(json_t *o, const char *k);
const char *ixt_pt_str(json_t *o, const char *k);
int ixt_pt_int(json_t *o, const char *k, int def);

/* A node is {"Type": {...}}: its body, and its type in *type (type may be
 * NULL); NULL when node is not one.  borrowed */
json_t *ixt_pt_body(json_t *node, const char **type);
/* The body of node when it has type, else NULL.  borrowed */
json_t *ixt_pt_as(json_t *node, const char *type);

/* An arm ("larg" / "rarg") of UNION / INTERSECT / EXCEPT: a SelectStmt's
 * body, unwrapped.  borrowed */
json_t *ixt_pt_arm(json_t *sel, const char *key);
/* The text of a String node.  borrowed */
const char *ixt_pt_sval(json_t *string_node);
/* The last element of a name list: "sum" of pg_catalog.sum.  borrowed */
const char *ixt_pt_last_name(json_t *names);
/* Items of a list field, either a JSON array or {"List":{"items":[...]}}.
 * borrowed */
json_t *ixt_pt_items(json_t *v);
/* n of a ParamRef node ($n), 0 for any other node. */
int ixt_pt_param(json_t *node);

/* Strings of the tree (either may be missing, NULL) are equal. */
bool ixt_pt_same(const char *a, const char *b);

/* What a visitor wants after seeing an object. */
typedef enum ixt_pt_step {
    IXT_PT_DESCEND, /* go on into its fields */
    IXT_PT_SKIP,    /* not into its fields; on with its siblings */
    IXT_PT_STOP,    /* end the walk */
} ixt_pt_step;

typedef ixt_pt_step (*ixt_pt_visit)(json_t *obj, void *ctx);

/* Calls visit on every JSON object of tree j, pre-order: a node
 * {"Type": {...}}, then its body, then the objects among the body's fields
 * (arrays are walked through, scalars are not visited).  A visitor tells a
 * node by ixt_pt_body / ixt_pt_as and sees the bodies too (a TypeName is
 * written bare).  Returns true when a visit stopped the walk. */
bool ixt_pt_walk(json_t *j, ixt_pt_visit visit, void *ctx);

#endif
