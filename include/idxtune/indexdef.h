/* indexdef: an index definition as PostgreSQL's parser reads it, given a
 * name and a schema and written back out (libpg_query's deparser quotes
 * the identifiers of the definition; the index name, which it would leave
 * bare, goes through ixt_quote_ident). */
#ifndef IDXTUNE_INDEXDEF_H
#define IDXTUNE_INDEXDEF_H

#include <stdbool.h>

#include "idxtune/conn.h"
#include "idxtune/util.h"

#define IXT_NAMEDATALEN 63   /* PostgreSQL's identifier limit in bytes */

typedef struct ixt_indexdef {
    char *schema;       /* as written, or NULL.  owned */
    char *table;        /* owned */
    char *method;       /* "btree", "hash", "brin", ...  owned */
    char *name;         /* as written, or NULL.  owned */
    char *colnames;     /* "run_id_seq": the columns, for a default name.  owned */
    bool unique;
    bool partial;
} ixt_indexdef;

/* Reads one CREATE INDEX.  Free with ixt_indexdef_free. */
int ixt_indexdef_parse(const char *create_sql, ixt_indexdef *d, ixt_err *e);
void ixt_indexdef_free(ixt_indexdef *d);

/* PostgreSQL's convention, table_col1_col2_idx, within 63 bytes: a longer
 * one is cut at a character boundary and ends in a short hash of the full
 * name, so two long names stay apart.  caller frees */
char *ixt_index_name(const char *table, const char *colnames);

/* A name that no relation of the schema has yet (nor any in taken):
 * base, else base with _2, _3 ... within 63 bytes.  caller frees */
char *ixt_index_unique_name(ixt_conn *c, const char *schema, const char *base,
                            char *const *taken, int ntaken, ixt_err *e);

/* The definition written out with the given schema and name (NULL: as
 * written), CONCURRENTLY and IF NOT EXISTS when asked; the name goes
 * through ixt_quote_ident.  caller frees */
char *ixt_indexdef_render(const char *create_sql, const char *schema, const char *name,
                          bool concurrently, bool if_not_exists, ixt_err *e);
/* DROP INDEX [CONCURRENTLY] IF EXISTS schema.name, quoted by
 * ixt_quote_qualified.  caller frees */
char *ixt_index_drop_sql(const char *schema, const char *name, bool concurrently);

#endif
