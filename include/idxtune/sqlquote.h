/* sqlquote: what idxtune writes into SQL files, made safe offline (an
 * export runs from a session file, without a server): identifiers and
 * string literals quoted with PostgreSQL's rules, and text on a `--`
 * comment line kept to that line. */
#ifndef IDXTUNE_SQLQUOTE_H
#define IDXTUNE_SQLQUOTE_H

#include <stdbool.h>

#include <stddef.h>

/* An identifier as the server's quote_ident() writes it: bare when it is
 * lower-case letters, digits and "_", does not start with a digit and is
 * no keyword other than an unreserved one (libpg_query's keyword list);
 * otherwise in double quotes, each " doubled.  caller frees */
char *ixt_quote_ident(const char *name);
/* A keyword of a PostgreSQL newer than libpg_query's grammar (16 to 18)
 * that those servers quote: ixt_quote_ident quotes it on every version. */
bool ixt_newer_keyword(const char *word);

/* schema.name, each part through ixt_quote_ident; name alone when schema
 * is NULL.  caller frees */
char *ixt_quote_qualified(const char *schema, const char *name);

/* A string literal as the server's quote_literal() writes it: ' and \
 * doubled, E'' when there is a backslash.  caller frees */
char *ixt_quote_literal(const char *s);

/* Text for a comment line: control characters (newlines too) become
 * spaces, runs of white space one, cut to max bytes at a character
 * boundary with " ..." after a cut.  caller frees */
char *ixt_comment_text(const char *s, size_t max);

#endif
