/* indexdef: the one reader of CREATE INDEX.  A definition is parsed once
 * (libpg_query) into an ixt_indexdef; everything else takes that struct:
 * its table and facts, the text a trial runs, and the definition written
 * back out with a schema and a name (libpg_query's deparser quotes the
 * identifiers of the definition; the index name, which it would leave
 * bare, goes through ixt_quote_ident).  Pure: no server. */
#ifndef IDXTUNE_INDEXDEF_H
#define IDXTUNE_INDEXDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

#define IXT_NAMEDATALEN 63   /* PostgreSQL's identifier limit in bytes */

typedef struct ixt_indexdef {
    char *sql;          /* the definition as given, CONCURRENTLY left out: what a
                         * trial runs inside its transaction.  owned */
    char *schema;       /* as written, or NULL.  owned */
    char *table;        /* owned */
    char *method;       /* "btree", "hash", "brin", ...  owned */
    char *name;         /* as written, or NULL.  owned */
    char *colnames;     /* "run_id_seq": the columns, for a default name.  owned */
    bool unique;
    bool partial;
    const char *note;   /* what reading changed, to tell the user; NULL when
                         * nothing.  static */
    void *tree;         /* the parse tree (packed protobuf), for rendering.  owned */
    size_t treelen;
} ixt_indexdef;

#define IXT_INDEXDEF_NOTE_CONCURRENTLY "CONCURRENTLY dropped: a trial builds inside a transaction"

/* Reads one CREATE INDEX; anything else fails with a clear message.  A
 * CONCURRENTLY is cut out of sql with a note: a DBA pastes what they will
 * run, and the export adds it back.  Free with ixt_indexdef_free. */
int ixt_indexdef_parse(const char *create_sql, ixt_indexdef *d, ixt_err *e);
/* A deep copy.  Free with ixt_indexdef_free. */
void ixt_indexdef_copy(ixt_indexdef *dst, const ixt_indexdef *src);
void ixt_indexdef_free(ixt_indexdef *d);

/* PostgreSQL's convention, table_col1_col2_idx, within 63 bytes: a longer
 * one is cut at a character boundary and ends in a short hash of the full
 * name, so two long names stay apart.  caller frees */
char *ixt_index_name(const char *table, const char *colnames);
/* The n-th choice of a name after base is taken: base for n < 2, else
 * base_n within 63 bytes (cut as ixt_index_name cuts).  caller frees */
char *ixt_index_name_nth(const char *base, int n);

/* The definition written out with the given schema and name (NULL: as
 * written), CONCURRENTLY and IF NOT EXISTS when asked; the name goes
 * through ixt_quote_ident.  caller frees */
char *ixt_indexdef_render(const ixt_indexdef *d, const char *schema, const char *name,
                          bool concurrently, bool if_not_exists, ixt_err *e);
/* Where ixt_indexdef_render_on writes the definition: another table (a
 * partition) than the one written, and ONLY (the partitioned parent
 * alone).  NULL fields: as written.  All borrowed. */
typedef struct ixt_index_target {
    const char *schema;
    const char *table;
    const char *name;
    bool only;
    bool unnamed;       /* no name: PostgreSQL picks one (a sample's index) */
} ixt_index_target;
/* caller frees */
char *ixt_indexdef_render_on(const ixt_indexdef *d, const ixt_index_target *t, bool concurrently,
                             bool if_not_exists, ixt_err *e);
/* DROP INDEX [CONCURRENTLY] IF EXISTS schema.name, quoted by
 * ixt_quote_qualified.  caller frees */
char *ixt_index_drop_sql(const char *schema, const char *name, bool concurrently);

#endif
