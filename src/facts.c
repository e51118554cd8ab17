/* facts: the catalog facts of the advisor, a handful of queries up front. */
#include "idxtune/facts.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/lab.h"
#include "idxtune/plan.h"
#include "idxtune/script.h"
#include "idxtune/sqlparse.h"
#include "idxtune/sqlquote.h"
#include "idxtune/workload.h"

#define TABLE_NAME "CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END"
#define USER_TABLES " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"

/* Columns with their statistics (the correlation tells a column the rows
 * lie in the order of, which a BRIN serves; the share of NULLs, what a
 * partial index WHERE col IS [NOT] NULL keeps), and whether their type's =
 * is leakproof (an index condition under row-level security only then),
 * and the operator class LIKE 'abc%' needs on a string (its collation is
 * not "C" or "POSIX", the fixed collations 950 and 951); in the order
 * of the lab's catalog, which is read from the same rows.  pg_stats shows
 * no rows of a table whose row-level security applies to the role: the
 * table's name as SQL then, for the planner to be asked.  Last, whether
 * the column names rows of another kind: part of a foreign key, or a
 * column a row-security policy of its table reads (pg_depend records it). */
static const char COLS_SQL[] = IXT_SQL_TAG
    "SELECT " TABLE_NAME ", a.attname, coalesce(s.n_distinct, 0), coalesce(s.avg_width, 0),"
    " coalesce((SELECT p.proleakproof FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode"
    "   WHERE o.oprname = '=' AND o.oprleft = a.atttypid AND o.oprright = a.atttypid LIMIT 1), false),"
    " CASE WHEN s.attname IS NULL AND c.relrowsecurity AND row_security_active(c.oid)"
    "  THEN c.oid::regclass::text END, coalesce(s.correlation, 0), coalesce(s.null_frac, 0),"
    " CASE WHEN a.attcollation NOT IN (950, 951) THEN CASE a.atttypid WHEN 'text'::regtype THEN 'text_pattern_ops'"
    "  WHEN 'varchar'::regtype THEN 'varchar_pattern_ops' WHEN 'bpchar'::regtype THEN 'bpchar_pattern_ops' END END,"
    " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = c.oid AND a.attnum = ANY (k.conkey))"
    "  OR EXISTS (SELECT 1 FROM pg_policy p JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid"
    "   WHERE p.polrelid = c.oid AND d.refobjid = c.oid AND d.refobjsubid = a.attnum)"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
    " LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname"
    "  AND NOT s.inherited"
    " WHERE c.relkind IN ('r', 'p', 'm') AND" USER_TABLES " ORDER BY 1, a.attnum LIMIT 50000";

static const char POLICIES_SQL[] = IXT_SQL_TAG
    "SELECT tablename, qual FROM pg_policies WHERE qual IS NOT NULL"
    " AND row_security_active(format('%I.%I', schemaname, tablename)::regclass)";

static const char QUALS_SQL[] = IXT_SQL_TAG
    "SELECT DISTINCT q.queryid, c.relname, a.attname, o.oprname FROM pg_qualstats() q"
    " JOIN pg_class c ON c.oid = q.lrelid"
    " JOIN pg_attribute a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum"
    " JOIN pg_operator o ON o.oid = q.opno WHERE q.queryid IS NOT NULL LIMIT 20000";

/* Cumulative write counters, with the seconds since the database's
 * statistics were reset (else since the server started).  A partitioned
 * table counts no writes of its own: its partitions' are its (an index on
 * it is one on each).  A table is never analyzed when it has no analyze
 * time and no statistics: a hot standby knows no analyze times but has
 * the primary's pg_statistic. */
static const char TABLES_SQL[] = IXT_SQL_TAG
    "WITH below AS (SELECT p.oid AS root, sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del) AS writes,"
    "  sum(s.n_tup_upd) AS upd, sum(s.n_tup_hot_upd) AS hot"
    "  FROM pg_class p, pg_partition_tree(p.oid) pt JOIN pg_stat_all_tables s ON s.relid = pt.relid"
    "  WHERE p.relkind = 'p' AND pt.relid <> p.oid GROUP BY p.oid)"
    " SELECT " TABLE_NAME ", greatest(c.reltuples, 0),"
    " t.n_tup_ins + t.n_tup_upd + t.n_tup_del + coalesce(b.writes, 0), t.n_tup_upd + coalesce(b.upd, 0),"
    " t.n_tup_hot_upd + coalesce(b.hot, 0), t.last_analyze IS NULL AND t.last_autoanalyze IS NULL"
    "  AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname),"
    " greatest(extract(epoch FROM clock_timestamp() - coalesce((SELECT d.stats_reset FROM pg_stat_database d"
    "  WHERE d.datname = current_database()), pg_postmaster_start_time())), 1)"
    " FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN below b ON b.root = c.oid";

/* The write statements pg_stat_statements saw in this database, with the
 * seconds it covers (span: since its reset, else since the server started):
 * their rows are the tables' writes over the window the read weights
 * cover; the counters since the statistics reset also hold bulk loads of
 * long ago. */
#define WRITES_SQL(span) IXT_SQL_TAG \
    "SELECT s.query, s.rows, " span ", s.calls FROM pg_stat_statements s" \
    " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.rows > 0" \
    "  AND (s.query ~* '^\\s*(with|insert|update|delete|merge|copy)\\M' OR s.query = '<insufficient privilege>')" \
    " ORDER BY s.rows DESC LIMIT 5000"
#define SPAN_SINCE(reset) "greatest(extract(epoch FROM now() - coalesce(" reset "pg_postmaster_start_time())), 1)"
#define SPAN_NEW SPAN_SINCE("(SELECT stats_reset FROM pg_stat_statements_info), ")
#define SPAN_OLD SPAN_SINCE("")

static const char INDEXES_SQL[] = IXT_SQL_TAG
    "SELECT " TABLE_NAME ", ic.relname, pg_get_indexdef(i.indexrelid),"
    " am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = i.indnatts"
    "  AND NOT EXISTS (SELECT 1 FROM unnest(i.indclass) oc JOIN pg_opclass o ON o.oid = oc WHERE NOT o.opcdefault),"
    " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid),"
    " pg_relation_size(i.indexrelid),"
    " (SELECT string_agg(coalesce(a.attname, ''), ',' ORDER BY k.ord) FROM unnest(i.indkey[0:i.indnkeyatts - 1])"
    "   WITH ORDINALITY AS k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid"
    "   AND a.attnum = k.attnum AND k.attnum > 0)"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
    " WHERE i.indisvalid AND" USER_TABLES;

/* Foreign keys no valid index of their table leads with (its first keys
 * are the key's columns, in any order), declared on the table itself
 * (not a partition's clone), with the lookup the server makes for each
 * referenced row deleted: ONLY the table, as the server's check does,
 * unless it is partitioned. */
static const char FKS_SQL[] = IXT_SQL_TAG
    "SELECT " TABLE_NAME ", CASE WHEN pn.nspname = 'public' THEN pc.relname ELSE pn.nspname || '.' || pc.relname END,"
    " k.conname, format('SELECT 1 FROM %s%s x WHERE %s', CASE WHEN c.relkind = 'r' THEN 'ONLY ' END,"
    "  k.conrelid::regclass, (SELECT string_agg(format('x.%I = $%s::%s', a.attname, u.ord,"
    "   format_type(a.atttypid, a.atttypmod)), ' AND ' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(att, ord)"
    "   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.att)),"
    " (SELECT string_agg(a.attname, ',' ORDER BY u.ord) FROM unnest(k.confkey) WITH ORDINALITY u(att, ord)"
    "  JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.att)"
    ", (SELECT string_agg(a.attname, ',' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(att, ord)"
    "  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.att)"
    " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
    " WHERE k.contype = 'f' AND k.conparentid = 0 AND" USER_TABLES
    "  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL"
    "   AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey"
    "   AND k.conkey @> (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)])"
    " ORDER BY 1, 3 LIMIT 5000";

static const char SPAN_SQL[] = IXT_SQL_TAG "SELECT " SPAN_NEW;
static const char SPAN_OLD_SQL[] = IXT_SQL_TAG "SELECT " SPAN_OLD;

static void load_cols(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->cols = ixt_xcalloc((size_t)n + 1, sizeof *f->cols);
    for (int i = 0; i < n; i++)
        f->cols[f->ncols++] = (ixt_col_fact){.table = ixt_xstrdup(PQgetvalue(r, i, 0)),
                                             .column = ixt_xstrdup(PQgetvalue(r, i, 1)),
                                             .n_distinct = atof(PQgetvalue(r, i, 2)),
                                             .avg_width = atof(PQgetvalue(r, i, 3)),
                                             .eq_leakproof = PQgetvalue(r, i, 4)[0] == 't',
                                             .hidden_rel = PQgetisnull(r, i, 5)
                                                               ? NULL : ixt_xstrdup(PQgetvalue(r, i, 5)),
                                             .correlation = atof(PQgetvalue(r, i, 6)),
                                             .null_frac = atof(PQgetvalue(r, i, 7)),
                                             .pattern_ops = PQgetisnull(r, i, 8)
                                                                ? NULL : ixt_xstrdup(PQgetvalue(r, i, 8)),
                                             .names_rows = PQgetvalue(r, i, 9)[0] == 't'};
    ixt_catalog_read(r, &f->cat);
}

static void load_fks(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->fks = ixt_xcalloc((size_t)n + 1, sizeof *f->fks);
    for (int i = 0; i < n; i++)
        f->fks[f->nfks++] = (ixt_fk_fact){.table = ixt_xstrdup(PQgetvalue(r, i, 0)),
                                          .parent = ixt_xstrdup(PQgetvalue(r, i, 1)),
                                          .name = ixt_xstrdup(PQgetvalue(r, i, 2)),
                                          .check = ixt_xstrdup(PQgetvalue(r, i, 3)),
                                          .parent_cols = ixt_xstrdup(PQgetvalue(r, i, 4)),
                                          .cols = ixt_xstrdup(PQgetvalue(r, i, 5))};
}

static void load_policies(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->policies = ixt_xcalloc((size_t)n + 1, sizeof *f->policies);
    for (int i = 0; i < n; i++)
        f->policies[f->npolicies++] = (ixt_policy_fact){.table = ixt_xstrdup(PQgetvalue(r, i, 0)),
                                                        .qual = ixt_xstrdup(PQgetvalue(r, i, 1))};
}

static void load_quals(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->quals = ixt_xcalloc((size_t)n + 1, sizeof *f->quals);
    for (int i = 0; i < n; i++)
        f->quals[f->nquals++] = (ixt_qual_fact){.queryid = atoll(PQgetvalue(r, i, 0)),
                                                .table = ixt_xstrdup(PQgetvalue(r, i, 1)),
                                                .column = ixt_xstrdup(PQgetvalue(r, i, 2)),
                                                .op = ixt_xstrdup(PQgetvalue(r, i, 3))};
}

static void load_tables(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->tables = ixt_xcalloc((size_t)n + 1, sizeof *f->tables);
    for (int i = 0; i < n; i++) {
        f->tables[f->ntables++] = (ixt_table_fact){.table = ixt_xstrdup(PQgetvalue(r, i, 0)),
                                                   .reltuples = atof(PQgetvalue(r, i, 1)),
                                                   .writes = atof(PQgetvalue(r, i, 2)),
                                                   .updates = atof(PQgetvalue(r, i, 3)),
                                                   .hot_updates = atof(PQgetvalue(r, i, 4)),
                                                   .never_analyzed = PQgetvalue(r, i, 5)[0] == 't',
                                                   .elapsed_s = atof(PQgetvalue(r, i, 6))};
        ixt_table_fact *t = &f->tables[i];
        t->writes_per_s = t->writes / t->elapsed_s;
        t->updates_per_s = t->updates / t->elapsed_s;
        t->hot_share = t->updates > 0 ? t->hot_updates / t->updates : 0;
    }
}

static void load_indexes(PGresult *r, ixt_cand_facts *f)
{
    int n = PQntuples(r);
    f->indexes = ixt_xcalloc((size_t)n + 1, sizeof *f->indexes);
    for (int i = 0; i < n; i++) {
        ixt_index_fact *x = &f->indexes[f->nindexes++];
        *x = (ixt_index_fact){.table = ixt_xstrdup(PQgetvalue(r, i, 0)), .name = ixt_xstrdup(PQgetvalue(r, i, 1)),
                              .def = ixt_xstrdup(PQgetvalue(r, i, 2)), .plain = PQgetvalue(r, i, 3)[0] == 't',
                              .constraint = PQgetvalue(r, i, 4)[0] == 't',
                              .size_bytes = atof(PQgetvalue(r, i, 5))};
        /* "a,b,": an empty name is an expression key */
        char *keys = ixt_xstrdup(PQgetvalue(r, i, 6));
        x->keys = ixt_xcalloc(strlen(keys) + 2, sizeof *x->keys);
        for (char *p = keys, *q; p; p = q) {
            q = strchr(p, ',');
            if (q)
                *q++ = '\0';
            x->keys[x->nkeys++] = *p ? ixt_xstrdup(p) : NULL;
        }
        free(keys);
    }
}

static const char *writes_sql(ixt_conn *c)
{
    const ixt_server_info *in = ixt_conn_info(c);
    if (!in->has_pgss)
        return NULL;
    return in->version_num >= 140000 ? WRITES_SQL(SPAN_NEW) : WRITES_SQL(SPAN_OLD);
}

static ixt_table_fact *written_table(ixt_cand_facts *f, const ixt_sql_table *w)
{
    char name[256];
    bool public = !w->schema || !strcmp(w->schema, "public");
    snprintf(name, sizeof name, "%s%s%s", public ? "" : w->schema, public ? "" : ".", w->name);
    for (int i = 0; i < f->ntables; i++)
        if (!strcmp(f->tables[i].table, name))
            return &f->tables[i];
    return NULL;
}

/* A write statement among those seen: the first is the biggest (rows come
 * most first). */
static void seen(ixt_writes_seen *w, const char *sql, const ixt_table_fact *t, double rows, double calls,
                 double rate)
{
    w->rows_per_s += rate;
    if (w->n++ > 0)
        return;
    w->example = ixt_one_line(sql, 80);
    w->table = ixt_xstrdup(t->table);
    w->rows = rows;
    w->calls = calls;
    w->share = t->reltuples > 0 ? rows / t->reltuples : 0;
}

/* Whether a write statement is a load, left out of the rates; the bulk
 * ones noted. */
static bool is_load(ixt_bulk_fact *b, const char *sql, const ixt_table_fact *t, double rows, double calls,
                    double rate)
{
    double per_call = calls > 0 ? rows / calls : 0;
    bool load = per_call >= IXT_LOAD_ROWS && t->reltuples > 0 && rows >= 0.5 * t->reltuples;
    if (load || per_call >= IXT_BULK_ROWS)
        seen(load ? &b->loads : &b->counted, sql, t, rows, calls, rate);
    return load;
}

/* The tables' write rates from the write statements' rows over their span
 * (in every row): a table none of them writes has none.  Statements whose
 * text the role may not read leave the counters' rates. */
static void load_writes(PGresult *r, ixt_cand_facts *f)
{
    for (int i = 0; i < PQntuples(r); i++)
        if (!strcmp(PQgetvalue(r, i, 0), "<insufficient privilege>"))
            return;
    for (int i = 0; i < f->ntables; i++) {
        f->tables[i].writes_per_s = f->tables[i].updates_per_s = 0;
        f->tables[i].from_statements = true;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        ixt_sql_info *in = ixt_sql_analyze(PQgetvalue(r, i, 0), NULL);
        ixt_table_fact *t = in && in->target >= 0 ? written_table(f, &in->tables[in->target]) : NULL;
        double rows = atof(PQgetvalue(r, i, 1)), rate = rows / atof(PQgetvalue(r, i, 2));
        if (t && !is_load(&f->bulk, PQgetvalue(r, i, 0), t, rows, atof(PQgetvalue(r, i, 3)), rate)) {
            t->writes_per_s += rate;
            t->updates_per_s += in->kind == IXT_SQL_UPDATE ? rate : 0;
            f->bulk.all_per_s += rate;
        }
        ixt_sql_info_free(in);
    }
}

/* The facts' scripts, in this order; a query not asked is an empty one.
 * The write statements follow the tables, whose rates they replace. */
enum { F_COLS, F_POLICIES, F_QUALS, F_TABLES, F_INDEXES, F_SPAN, F_WRITES, F_FKS };

/* sql into script s; as the session's own user when as_session.  Under
 * SET ROLE, pg_stats hides the tables whose row security applies to the
 * role, and pg_stat_statements the other roles' texts (the write
 * statements); the planner reads the whole statistics all the same.
 * Those are read as the session's user, in a transaction rolled back
 * whatever happens. */
static void add_query(ixt_conn *c, ixt_script *s, const char *sql, bool as_session)
{
    bool own = as_session && ixt_conn_role(c);
    if (own) {
        ixt_script_add(s, IXT_SQL_TAG "BEGIN READ ONLY", 0);
        ixt_script_add(s, IXT_SQL_TAG "SET LOCAL ROLE NONE", 0);
    }
    ixt_script_add(s, sql, IXT_STEP_KEEP);
    if (own)
        ixt_script_add(s, IXT_SQL_TAG "ROLLBACK", IXT_STEP_FINALLY);
}

void ixt_cand_facts_scripts(ixt_conn *c, bool tables, ixt_script *s)
{
    const ixt_server_info *in = ixt_conn_info(c);
    const char *sql[IXT_FACTS_SCRIPTS] = {
        [F_COLS] = COLS_SQL, [F_POLICIES] = POLICIES_SQL, [F_QUALS] = in->has_qualstats ? QUALS_SQL : NULL,
        [F_TABLES] = tables ? TABLES_SQL : NULL, [F_INDEXES] = INDEXES_SQL,
        [F_SPAN] = in->version_num >= 140000 && in->has_pgss ? SPAN_SQL : SPAN_OLD_SQL,
        [F_WRITES] = tables ? writes_sql(c) : NULL, [F_FKS] = FKS_SQL};
    for (int i = 0; i < IXT_FACTS_SCRIPTS; i++) {
        ixt_script_init(&s[i]);
        if (sql[i])
            add_query(c, &s[i], sql[i], i == F_COLS || i == F_WRITES);
    }
}

/* The result of the script's query (after its BEGIN and SET LOCAL ROLE,
 * if any).  borrowed */
static PGresult *kept_result(const ixt_script *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->steps[i].flags & IXT_STEP_KEEP)
            return ixt_script_result(s, i);
    return NULL;
}

int ixt_cand_facts_take(ixt_conn *c, ixt_conn *writes, const ixt_script *s, ixt_cand_facts *f, double *span_s,
                        ixt_err *e)
{
    memset(f, 0, sizeof *f);
    *span_s = 0;
    static void (*const load[IXT_FACTS_SCRIPTS])(PGresult *, ixt_cand_facts *) = {
        [F_COLS] = load_cols, [F_POLICIES] = load_policies, [F_QUALS] = load_quals, [F_TABLES] = load_tables,
        [F_INDEXES] = load_indexes, [F_WRITES] = load_writes, [F_FKS] = load_fks};
    /* the policies, pg_qualstats' predicates, the span and the write
     * statements may be unreadable: the advice goes on without them */
    static const bool optional[IXT_FACTS_SCRIPTS] = {[F_POLICIES] = true, [F_QUALS] = true, [F_SPAN] = true,
                                                     [F_WRITES] = true, [F_FKS] = true};
    int rc = 0;
    for (int i = 0; i < IXT_FACTS_SCRIPTS && rc == 0; i++) {
        PGresult *r = kept_result(&s[i]);
        if (s[i].n == 0)
            continue;
        if (!r && (!optional[i] || !ixt_conn_ok(c)))
            rc = (*e = s[i].err, -1);
        else if (r && load[i])
            load[i](r, f);
        else if (r)
            *span_s = PQntuples(r) ? atof(PQgetvalue(r, 0, 0)) : 0;
    }
    if (rc == 0 && s[F_TABLES].n == 0) {
        PGresult *r = ixt_conn_exec(writes, TABLES_SQL, 0, NULL, e);
        if (r)
            load_tables(r, f);
        rc = r ? 0 : -1;
        PQclear(r);
        const char *w = rc == 0 ? writes_sql(writes) : NULL;
        ixt_script ws;
        ixt_script_init(&ws);
        ixt_err ignored;
        if (w)
            add_query(writes, &ws, w, true);
        if (w && ixt_script_run(&ws, writes, &ignored) == 0)
            load_writes(kept_result(&ws), f);
        ixt_script_free(&ws);
    }
    if (rc != 0)
        ixt_cand_facts_free(f);
    return rc;
}

int ixt_cand_facts_load(ixt_conn *c, ixt_conn *writes, ixt_cand_facts *f, double *span_s, ixt_err *e)
{
    ixt_script s[IXT_FACTS_SCRIPTS];
    ixt_script *run[IXT_FACTS_SCRIPTS];
    ixt_cand_facts_scripts(c, writes == c, s);
    for (int i = 0; i < IXT_FACTS_SCRIPTS; i++)
        run[i] = &s[i];
    int rc = ixt_script_run_batch(run, IXT_FACTS_SCRIPTS, c, e) == 0
                 ? ixt_cand_facts_take(c, writes, s, f, span_s, e) : -1;
    for (int i = 0; i < IXT_FACTS_SCRIPTS; i++)
        ixt_script_free(&s[i]);
    if (rc != 0)
        memset(f, 0, sizeof *f);
    return rc;
}

/* The planner's rows and width at the top of an EXPLAIN (FORMAT JSON)
 * result; false when it did not run. */
static bool top_rows(const ixt_script *s, double *rows, double *width)
{
    PGresult *r = ixt_script_result(s, 0);
    ixt_err e;
    ixt_plan *p = r && PQntuples(r) ? ixt_plan_parse(PQgetvalue(r, 0, 0), &e) : NULL;
    if (!p)
        return false;
    *rows = p->root->plan_rows;
    *width = p->root->plan_width;
    ixt_plan_free(p);
    return true;
}

static bool among(const char *const *tables, int n, const char *t)
{
    for (int i = 0; i < n; i++)
        if (strcmp(tables[i], t) == 0)
            return true;
    return false;
}

/* A hidden column's two EXPLAINs: its table's rows, the equality's. */
typedef struct hidden_probe {
    int col, all, one;         /* index into the facts' columns; the scripts */
} hidden_probe;

int ixt_cand_facts_hidden_stats(ixt_conn *c, ixt_cand_facts *f, const char *const *tables, int ntables,
                                ixt_err *e)
{
    /* per table the rows the role sees (its policy applied), per hidden
     * column the share of them an equality with an unknown value keeps:
     * 1 / n_distinct.  Wrapped in IS TRUE, the equality is one the planner
     * does not merge with the policy's on the same column. */
    static const char EQ_SQL[] = IXT_SQL_TAG
        "EXPLAIN (FORMAT JSON) SELECT %s FROM %s WHERE (%s = (SELECT %s FROM %s LIMIT 1)) IS TRUE";
    int n = 0, np = 0;
    ixt_script *s = ixt_xcalloc((size_t)f->ncols * 2 + 1, sizeof *s);
    ixt_script **run = ixt_xcalloc((size_t)f->ncols * 2 + 1, sizeof *run);
    hidden_probe *pr = ixt_xcalloc((size_t)f->ncols + 1, sizeof *pr);
    for (int i = 0; i < f->ncols; i++) {
        ixt_col_fact *cf = &f->cols[i];
        const ixt_table_fact *t = ixt_cand_table(f, cf->table);
        /* a never analyzed table: the planner's defaults are no statistics */
        if (!cf->hidden_rel || !among(tables, ntables, cf->table) || (t && t->never_analyzed))
            continue;
        bool same = np && strcmp(f->cols[pr[np - 1].col].table, cf->table) == 0;
        pr[np] = (hidden_probe){i, same ? pr[np - 1].all : n, 0};
        if (!same) {
            ixt_script_init(&s[n]);
            ixt_script_addf(&s[n], IXT_STEP_KEEP, IXT_SQL_TAG "EXPLAIN (FORMAT JSON) SELECT FROM %s", cf->hidden_rel);
            n++;
        }
        char *q = ixt_quote_ident(cf->column);
        ixt_script_init(&s[n]);
        ixt_script_addf(&s[n], IXT_STEP_KEEP, EQ_SQL, q, cf->hidden_rel, q, q, cf->hidden_rel);
        free(q);
        pr[np++].one = n++;
    }
    for (int i = 0; i < n; i++)
        run[i] = &s[i];
    int rc = n ? ixt_script_run_batch(run, n, c, e) : 0;
    for (int k = 0; rc == 0 && k < np; k++) {
        double all, one, width, unused;
        ixt_col_fact *cf = &f->cols[pr[k].col];
        /* a type without = or a column the role may not read: unknown */
        if (!top_rows(&s[pr[k].all], &all, &unused) || !top_rows(&s[pr[k].one], &one, &width) || all < 1)
            continue;
        /* one row left: the planner's floor, as good as unique */
        cf->n_distinct = one > 1 ? all / one : -1;
        cf->avg_width = width;
    }
    for (int i = 0; i < n; i++)
        ixt_script_free(&s[i]);
    free(s);
    free(run);
    free(pr);
    return rc;
}
