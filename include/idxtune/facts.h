/* facts: what candidate generation and the search need to know about the
 * catalog, fetched from the server once, before any what-if call: columns
 * with their pg_stats, the row-security policies that apply to the role,
 * pg_qualstats predicates, table write rates, existing indexes. */
#ifndef IDXTUNE_FACTS_H
#define IDXTUNE_FACTS_H

#include "idxtune/candidates.h"
#include "idxtune/conn.h"
#include "idxtune/script.h"
#include "idxtune/util.h"

/* Fills f (free with ixt_cand_facts_free); the tables' write counters,
 * write rates and analyze times come from `writes` (the primary when c
 * is a hot standby, which counts no writes; the same as c otherwise).
 * The rates are the rows of the write statements pg_stat_statements saw
 * over its span, the window the read weights cover; without it, the
 * counters over the time since the database's statistics were reset
 * (else since the server started).  *span_s: the seconds the pg_stat_statements
 * counters cover (since their reset, else since the server started). */
int ixt_cand_facts_load(ixt_conn *c, ixt_conn *writes, ixt_cand_facts *f, double *span_s, ixt_err *e);

/* The same in two halves, for a caller that sends the queries in one
 * pipeline with other work (ixt_script_run_batch): the queries as
 * IXT_FACTS_SCRIPTS scripts of one step each (a failure skips nothing
 * else; a query not needed is an empty script), the write counters among
 * them when `tables` (writes is c); then, once they ran, the facts from
 * them, as ixt_cand_facts_load gives them.  The caller ixt_script_frees
 * each script. */
#define IXT_FACTS_SCRIPTS 8
void ixt_cand_facts_scripts(ixt_conn *c, bool tables, ixt_script *s);
int ixt_cand_facts_take(ixt_conn *c, ixt_conn *writes, const ixt_script *s, ixt_cand_facts *f, double *span_s,
                        ixt_err *e);

/* Statistics pg_stats hides from the role (row-level security active on
 * the table) for the columns of those of `tables` (names as facts give
 * them): n_distinct and avg_width as the planner, which still uses them,
 * reveals them through the rows it expects an equality to keep; one
 * round trip.  A column the planner cannot tell stays unknown.  -1 with e
 * filled when the connection broke. */
int ixt_cand_facts_hidden_stats(ixt_conn *c, ixt_cand_facts *f, const char *const *tables, int ntables,
                                ixt_err *e);

#endif
