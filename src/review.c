/* review: the accepted and rejected indexes with their evidence, and the
 * session file. */
#include "idxtune/review.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/indexdef.h"
#include "idxtune/jsonout.h"
#include "idxtune/sqlquote.h"

static void free_parts(ixt_partition *p, int n)
{
    for (int i = 0; i < n; i++) {
        free(p[i].schema);
        free(p[i].table);
        free(p[i].index);
    }
    free(p);
}

static void free_helped(ixt_helped *h, int n)
{
    for (int i = 0; i < n; i++)
        free(h[i].sql);
    free(h);
}

void ixt_review_item_free(ixt_review_item *it)
{
    free(it->def);
    free(it->name);
    free(it->schema);
    free(it->table);
    free(it->method);
    free(it->ev.sql);
    free(it->impact.hot_example);
    free_helped(it->helped, it->nhelped);
    free(it->decision.comment);
    free(it->decision.by);
    free(it->decision.at);
    ixt_baseline_free(&it->baseline);
    free_parts(it->parts, it->nparts);
    free(it->replaces);
    free(it->replaces_def);
    memset(it, 0, sizeof *it);
}

static ixt_review_item copy_item(const ixt_review_item *item)
{
    ixt_review_item c = *item;
    c.def = ixt_xstrdup(item->def);
    c.name = ixt_xstrdup(item->name);
    c.schema = ixt_xstrdup(item->schema);
    c.table = ixt_xstrdup(item->table);
    c.method = ixt_xstrdup(item->method);
    c.ev.sql = ixt_xstrdup(item->ev.sql);
    c.impact.hot_example = ixt_xstrdup(item->impact.hot_example);
    c.helped = item->nhelped ? ixt_xcalloc((size_t)item->nhelped, sizeof *c.helped) : NULL;
    for (int i = 0; i < item->nhelped; i++) {
        c.helped[i] = item->helped[i];
        c.helped[i].sql = ixt_xstrdup(item->helped[i].sql);
    }
    c.decision.comment = ixt_xstrdup(item->decision.comment);
    c.decision.by = ixt_xstrdup(item->decision.by);
    c.decision.at = ixt_xstrdup(item->decision.at);
    c.baseline = ixt_baseline_copy(&item->baseline);
    c.parts = item->nparts ? ixt_xcalloc((size_t)item->nparts, sizeof *c.parts) : NULL;
    for (int i = 0; i < item->nparts; i++) {
        c.parts[i] = item->parts[i];
        c.parts[i].schema = ixt_xstrdup(item->parts[i].schema);
        c.parts[i].table = ixt_xstrdup(item->parts[i].table);
        c.parts[i].index = ixt_xstrdup(item->parts[i].index);
    }
    c.replaces = ixt_xstrdup(item->replaces);
    c.replaces_def = ixt_xstrdup(item->replaces_def);
    return c;
}

void ixt_review_add_helped(ixt_review_item *it, const char *sql, long long queryid, double cost_before,
                           double cost_after)
{
    if (it->nhelped >= IXT_HELPED_MAX) {
        it->helped_more++;
        return;
    }
    it->helped = ixt_xrealloc(it->helped, (size_t)(it->nhelped + 1) * sizeof *it->helped);
    /* the cut adds " ...": the text still fits what a load accepts */
    it->helped[it->nhelped++] = (ixt_helped){ixt_comment_text(sql, IXT_HELPED_SQL_MAX - 4), queryid, cost_before,
                                             cost_after};
}

static const char SCHEMA_SQL[] = IXT_SQL_TAG
    "SELECT n.nspname, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.oid = to_regclass($1)";

/* The partitions of a partitioned table at every level, level by level
 * (a parent before its partitions), in a stable order; each with its oid
 * and its parent's. */
static const char PARTS_SQL[] = IXT_SQL_TAG
    "SELECT n.nspname, c.relname, c.relkind, t.relid::oid, t.parentrelid::oid"
    " FROM pg_partition_tree(to_regclass($1)) t JOIN pg_class c ON c.oid = t.relid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.level > 0"
    " ORDER BY t.level, n.nspname, c.relname";

static bool taken_in(const char *name, char *const *taken, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(taken[i], name) == 0)
            return true;
    return false;
}

/* A name that no relation of the schema has yet (nor any in taken):
 * base, else base with _2, _3 ...  caller frees */
static char *unique_name(ixt_conn *c, const char *schema, const char *base, char *const *taken, int ntaken,
                         ixt_err *e)
{
    static const char SQL[] = IXT_SQL_TAG
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = coalesce($1, current_schema()) AND c.relname = $2)";
    for (int i = 1; i < 1000; i++) {
        char *name = ixt_index_name_nth(base, i);
        const char *params[] = {schema, name};
        PGresult *r = ixt_conn_exec(c, SQL, 2, params, e);
        if (!r) {
            free(name);
            return NULL;
        }
        bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        if (!exists && !taken_in(name, taken, ntaken))
            return name;
        free(name);
    }
    ixt_err_set(e, "no free name for index %s", base);
    return NULL;
}

/* The partitions of item's table, each with an index name that no
 * relation and no other index of the session or of this rollout has. */
static int partitions_of(ixt_conn *c, const ixt_review *r, const char *rel, const ixt_indexdef *d,
                         ixt_review_item *item, ixt_err *e)
{
    const char *params[] = {rel};
    PGresult *res = ixt_conn_exec(c, PARTS_SQL, 1, params, e);
    if (!res)
        return -1;
    int n = PQntuples(res), rc = 0;
    /* taken: the session's index names, this item's and its partitions' */
    char **taken = ixt_xcalloc((size_t)(r->n + n + 1), sizeof *taken);
    int ntaken = 0;
    for (int i = 0; i < r->n; i++)
        taken[ntaken++] = r->items[i].name;
    taken[ntaken++] = item->name;
    item->parts = ixt_xcalloc((size_t)n + 1, sizeof *item->parts);
    for (int i = 0; i < n && rc == 0; i++) {
        const char *schema = PQgetvalue(res, i, 0), *table = PQgetvalue(res, i, 1), kind = *PQgetvalue(res, i, 2);
        if (kind != 'r' && kind != 'p') {
            rc = ixt_err_set(e, "partition %s.%s of %s is not a table (a foreign table?): it cannot have the "
                                "index", schema, table, rel);
            break;
        }
        char *base = ixt_index_name(table, d->colnames);
        char *index = unique_name(c, schema, base, taken, ntaken, e);
        free(base);
        if (!index) {
            rc = -1;
            break;
        }
        /* the parent is the table itself or a partition of an earlier level */
        int parent = 0;
        for (int k = 0; k < i && !parent; k++)
            if (strcmp(PQgetvalue(res, k, 3), PQgetvalue(res, i, 4)) == 0)
                parent = k + 1;
        item->parts[item->nparts++] = (ixt_partition){ixt_xstrdup(schema), ixt_xstrdup(table), index, parent,
                                                      kind == 'p'};
        taken[ntaken++] = index;
    }
    free(taken);
    PQclear(res);
    return rc;
}

int ixt_review_item_make(ixt_conn *c, const ixt_review *r, const ixt_indexdef *d, ixt_review_item *item,
                         ixt_err *e)
{
    memset(item, 0, sizeof *item);
    /* the relation as the server sees it (search_path) */
    char *rel = ixt_quote_qualified(d->schema, d->table);
    const char *params[] = {rel};
    PGresult *res = ixt_conn_exec(c, SCHEMA_SQL, 1, params, e);
    int rc = -1;
    if (res && PQntuples(res) == 1) {
        item->schema = ixt_xstrdup(PQgetvalue(res, 0, 0));
        item->partitioned = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
        char *base = d->name ? ixt_xstrdup(d->name) : ixt_index_name(d->table, d->colnames);
        char **taken = ixt_xcalloc((size_t)r->n + 1, sizeof *taken);
        for (int i = 0; i < r->n; i++)
            taken[i] = r->items[i].name;
        item->name = unique_name(c, item->schema, base, taken, r->n, e);
        free(taken);
        free(base);
        rc = item->name ? 0 : -1;
        if (rc == 0 && item->partitioned)
            rc = partitions_of(c, r, rel, d, item, e);
    } else if (res) {
        ixt_err_set(e, "table %s not found", d->table);
    }
    PQclear(res);
    free(rel);
    item->def = ixt_xstrdup(d->sql);
    item->table = ixt_xstrdup(d->table);
    item->method = ixt_xstrdup(d->method);
    item->write_rate = -1;
    if (rc != 0)
        ixt_review_item_free(item);
    return rc;
}

static void add_to(ixt_review_item **list, int *n, const ixt_review_item *item)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*list)[i].def, item->def) == 0) {
            ixt_review_item keep = copy_item(item);
            free(keep.name);
            keep.name = ixt_xstrdup((*list)[i].name);
            ixt_review_item_free(&(*list)[i]);
            (*list)[i] = keep;
            return;
        }
    *list = ixt_xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[(*n)++] = copy_item(item);
}

void ixt_review_accept(ixt_review *r, const ixt_review_item *item)
{
    add_to(&r->items, &r->n, item);
    r->unsaved = true;
}

void ixt_review_reject(ixt_review *r, const ixt_review_item *item)
{
    add_to(&r->rejected, &r->nrejected, item);
    r->unsaved = true;
}

void ixt_review_remove(ixt_review *r, int i)
{
    if (i < 0 || i >= r->n)
        return;
    ixt_review_item_free(&r->items[i]);
    memmove(&r->items[i], &r->items[i + 1], (size_t)(r->n - i - 1) * sizeof *r->items);
    r->n--;
    r->unsaved = true;
}

void ixt_review_move(ixt_review *r, int i, int delta)
{
    int j = i + delta;
    if (i < 0 || i >= r->n || j < 0 || j >= r->n)
        return;
    ixt_review_item t = r->items[i];
    r->items[i] = r->items[j];
    r->items[j] = t;
    r->unsaved = true;
}

/* A name PostgreSQL keeps as given: not empty, not cut. */
static int check_name(const char *what, const char *name, ixt_err *e)
{
    if (!name[0])
        return ixt_err_set(e, "%s is empty", what);
    if (strlen(name) > IXT_NAMEDATALEN)
        return ixt_err_set(e, "%s is longer than %d bytes", what, IXT_NAMEDATALEN);
    return 0;
}

int ixt_review_rename(ixt_review *r, int i, const char *name, ixt_err *e)
{
    if (i < 0 || i >= r->n)
        return ixt_err_set(e, "no such index");
    if (check_name("the name", name, e) != 0)
        return -1;
    for (int k = 0; k < r->n; k++)
        if (k != i && strcmp(r->items[k].name, name) == 0)
            return ixt_err_set(e, "another index is already called %s", r->items[k].name);
    free(r->items[i].name);
    r->items[i].name = ixt_xstrdup(name);
    r->unsaved = true;
    return 0;
}

/* ===== verdicts ===== */

static const struct {
    const char *name, *label;
} VERDICTS[] = {
    [IXT_VERDICT_PROPOSED] = {"proposed", "proposed"},
    [IXT_VERDICT_APPROVED] = {"approved", "approved"},
    [IXT_VERDICT_REJECTED] = {"rejected", "rejected"},
    [IXT_VERDICT_NEEDS_TRIAL] = {"needs_trial", "needs real trial"},
};
#define NVERDICTS ((int)(sizeof VERDICTS / sizeof VERDICTS[0]))

const char *ixt_verdict_name(ixt_verdict v)
{
    return (int)v >= 0 && (int)v < NVERDICTS ? VERDICTS[v].name : "?";
}

const char *ixt_verdict_label(ixt_verdict v)
{
    return (int)v >= 0 && (int)v < NVERDICTS ? VERDICTS[v].label : "?";
}

int ixt_verdict_parse(const char *name, ixt_verdict *v)
{
    for (int i = 0; i < NVERDICTS; i++)
        if (strcmp(name, VERDICTS[i].name) == 0) {
            *v = (ixt_verdict)i;
            return 0;
        }
    return -1;
}

int ixt_review_find(const ixt_review *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->items[i].name, name) == 0)
            return i;
    return -1;
}

int ixt_review_count(const ixt_review *r, ixt_verdict v)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        n += r->items[i].decision.verdict == v;
    return n;
}

/* The same checks as on load, so what is recorded can be saved and read
 * back. */
static int check_reviewer(const char *what, const char *by, ixt_err *e)
{
    if (!by[0])
        return ixt_err_set(e, "%s is empty", what);
    if (strlen(by) > IXT_REVIEWER_MAX)
        return ixt_err_set(e, "%s is longer than %d bytes", what, IXT_REVIEWER_MAX);
    return 0;
}

static int check_comment(const char *what, const char *comment, ixt_err *e)
{
    if (strlen(comment) > IXT_REVIEW_COMMENT_MAX)
        return ixt_err_set(e, "%s is longer than %d bytes", what, IXT_REVIEW_COMMENT_MAX);
    return 0;
}

int ixt_review_decide(ixt_review *r, int i, ixt_verdict v, const char *comment, const char *by, time_t when,
                      ixt_err *e)
{
    if (i < 0 || i >= r->n)
        return ixt_err_set(e, "no such index");
    if ((int)v < 0 || (int)v >= NVERDICTS)
        return ixt_err_set(e, "unknown verdict");
    if (check_reviewer("the reviewer's name", by ? by : "", e) != 0 ||
        (comment && check_comment("the comment", comment, e) != 0))
        return -1;
    struct tm tm;
    char at[32];
    gmtime_r(&when, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ixt_decision *d = &r->items[i].decision;
    d->verdict = v;
    free(d->by);
    d->by = ixt_xstrdup(by);
    free(d->at);
    d->at = ixt_xstrdup(at);
    if (comment) {
        free(d->comment);
        d->comment = comment[0] ? ixt_xstrdup(comment) : NULL;
    }
    r->unsaved = true;
    return 0;
}

static void free_list(ixt_review_item *list, int n)
{
    for (int i = 0; i < n; i++)
        ixt_review_item_free(&list[i]);
    free(list);
}

void ixt_review_free(ixt_review *r)
{
    free_list(r->items, r->n);
    free_list(r->rejected, r->nrejected);
    free(r->conn_label);
    free(r->server_version);
    memset(r, 0, sizeof *r);
}

/* ===== session file ===== */

/* The "review" object of an item; NULL for an untouched proposal, so a
 * session nobody reviewed keeps its bytes. */
static json_t *decision_json(const ixt_decision *d)
{
    if (d->verdict == IXT_VERDICT_PROPOSED && !d->comment && !d->by)
        return NULL;
    json_t *o = json_pack("{s:s}", "verdict", ixt_verdict_name(d->verdict));
    if (d->comment)
        json_object_set_new(o, "comment", json_string(d->comment));
    if (d->by)
        json_object_set_new(o, "by", json_string(d->by));
    if (d->at)
        json_object_set_new(o, "at", json_string(d->at));
    return o;
}

void ixt_review_evidence_json(const ixt_review_item *it, json_t *o)
{
    const ixt_impact *im = &it->impact;
    if (im->known)
        json_object_set_new(o, "impact", json_pack("{s:o, s:o, s:i, s:o, s:o}", "size_hypo_bytes",
                                                   ixt_json_count(im->size_hypo), "write_cost_per_s",
                                                   ixt_json_real(im->write_cost, IXT_JSON_COST), "hot_breaks",
                                                   im->hot_breaks, "hot_rate", ixt_json_real(im->hot_rate, IXT_JSON_RATE),
                                                   "hot_example", im->hot_example ? json_string(im->hot_example)
                                                                                  : json_null()));
    if (it->nhelped || it->helped_more) {
        json_t *a = json_array();
        for (int i = 0; i < it->nhelped; i++)
            json_array_append_new(a, json_pack("{s:o, s:s, s:o, s:o}", "queryid", ixt_json_id(it->helped[i].queryid),
                                               "statement", it->helped[i].sql, "cost_before",
                                               ixt_json_real(it->helped[i].cost_before, IXT_JSON_COST), "cost_after",
                                               ixt_json_real(it->helped[i].cost_after, IXT_JSON_COST)));
        json_object_set_new(o, "helped", a);
        if (it->helped_more)
            json_object_set_new(o, "helped_more", json_integer(it->helped_more));
    }
}

static json_t *item_json(const ixt_review_item *it)
{
    const ixt_evidence *ev = &it->ev;
    json_t *evj = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "statement", ev->sql ? ev->sql : "",
                            "queryid", ixt_json_id(ev->queryid), "cost_before",
                            ixt_json_real(ev->cost_before, IXT_JSON_COST), "cost_after",
                            ixt_json_real(ev->cost_after, IXT_JSON_COST), "measured", ev->measured,
                            "median_ms_before", ev->measured ? ixt_json_real(ev->ms_before, IXT_JSON_MS) : json_null(),
                            "median_ms_after", ev->measured ? ixt_json_real(ev->ms_after, IXT_JSON_MS) : json_null(),
                            "build_ms", ev->measured ? ixt_json_real(ev->build_ms, IXT_JSON_MS) : json_null());
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "name", it->name, "schema", it->schema,
                     "table", it->table, "method", it->method, "definition", it->def, "size_bytes",
                     ixt_json_count(it->size_bytes), "write_rate", ixt_json_known(it->write_rate, IXT_JSON_RATE),
                     "evidence", evj);
    ixt_review_evidence_json(it, o);
    json_t *rv = decision_json(&it->decision);
    if (rv)
        json_object_set_new(o, "review", rv);
    /* absent when none, so that older sessions save as they loaded */
    if (it->baseline.n)
        json_object_set_new(o, "baseline", ixt_baseline_to_json(&it->baseline));
    /* only on a partitioned table, likewise */
    if (it->partitioned) {
        json_t *a = json_array();
        for (int i = 0; i < it->nparts; i++) {
            const ixt_partition *p = &it->parts[i];
            json_t *po = json_pack("{s:s, s:s, s:s}", "schema", p->schema, "table", p->table, "index", p->index);
            /* both absent on one level of partitions, as sessions had it before */
            if (p->parent)
                json_object_set_new(po, "parent", json_pack("{s:s, s:s}", "schema", it->parts[p->parent - 1].schema,
                                                            "table", it->parts[p->parent - 1].table));
            if (p->partitioned)
                json_object_set_new(po, "partitioned", json_true());
            json_array_append_new(a, po);
        }
        json_object_set_new(o, "partitions", a);
    }
    if (it->replaces)
        json_object_set_new(o, "replaces", json_pack("{s:s, s:s}", "name", it->replaces, "definition",
                                                     it->replaces_def));
    return o;
}

static json_t *list_json(const ixt_review_item *list, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, item_json(&list[i]));
    return a;
}

char *ixt_review_to_json(const ixt_review *r)
{
    json_t *root = json_pack("{s:i, s:s, s:s, s:o, s:o}", "idxtune_session", IXT_SESSION_VERSION,
                             "connection", r->conn_label ? r->conn_label : "",
                             "server_version", r->server_version ? r->server_version : "",
                             "accepted", list_json(r->items, r->n),
                             "rejected", list_json(r->rejected, r->nrejected));
    char *out = ixt_json_text(root);
    json_decref(root);
    return out;
}

/* Session files are exchanged between people: every field is checked
 * before anything uses it, and an error names the field. */
static int get_str(json_t *o, const char *key, const char **out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return ixt_err_set(e, "\"%s\" %s", key, v ? "is not a string" : "is missing");
    *out = json_string_value(v);
    return 0;
}

static int get_num(json_t *o, const char *key, double *out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return ixt_err_set(e, "\"%s\" %s", key, v ? "is not a number" : "is missing");
    *out = json_number_value(v);
    return 0;
}

/* A figure that may be unknown: null gives unknown. */
static int get_num_or_null(json_t *o, const char *key, double unknown, double *out, ixt_err *e)
{
    if (json_is_null(json_object_get(o, key))) {
        *out = unknown;
        return 0;
    }
    return get_num(o, key, out, e);
}

static int get_name(json_t *o, const char *key, const char **out, ixt_err *e)
{
    if (get_str(o, key, out, e) != 0)
        return -1;
    char what[32];
    snprintf(what, sizeof what, "\"%s\"", key);
    return check_name(what, *out, e);
}

/* The definition is one CREATE INDEX on the item's own table. */
static int check_definition(const char *def, const char *schema, const char *table, const char *method, ixt_err *e)
{
    ixt_indexdef d;
    ixt_err pe;
    if (ixt_indexdef_parse(def, &d, &pe) != 0)
        return ixt_err_set(e, "\"definition\": %s", pe.msg);
    int rc = 0;
    if (strcmp(d.table, table) != 0 || (d.schema && strcmp(d.schema, schema) != 0))
        rc = ixt_err_set(e, "\"definition\" is on %s%s%s, not on \"schema\".\"table\" %s.%s", d.schema ? d.schema : "",
                         d.schema ? "." : "", d.table, schema, table);
    else if (strcmp(d.method, method) != 0)
        rc = ixt_err_set(e, "\"method\" %s is not the definition's %s", method, d.method);
    ixt_indexdef_free(&d);
    return rc;
}

static int evidence_from(json_t *o, ixt_evidence *ev, const char **sql, ixt_err *e)
{
    if (!json_is_object(o))
        return ixt_err_set(e, "\"evidence\" %s", o ? "is not an object" : "is missing");
    json_t *qid = json_object_get(o, "queryid"), *measured = json_object_get(o, "measured");
    ixt_err fe;
    /* an integer in version 1 files, a string since; null when typed */
    if (!qid || ixt_json_read_id(qid, &ev->queryid) != 0)
        return ixt_err_set(e, "evidence: \"queryid\" %s", qid ? "is not a query id" : "is missing");
    if (!json_is_boolean(measured))
        return ixt_err_set(e, "evidence: \"measured\" %s", measured ? "is not true or false" : "is missing");
    if (get_str(o, "statement", sql, &fe) != 0 || get_num(o, "cost_before", &ev->cost_before, &fe) != 0 ||
        get_num(o, "cost_after", &ev->cost_after, &fe) != 0 ||
        get_num_or_null(o, "median_ms_before", 0, &ev->ms_before, &fe) != 0 ||
        get_num_or_null(o, "median_ms_after", 0, &ev->ms_after, &fe) != 0 ||
        get_num_or_null(o, "build_ms", 0, &ev->build_ms, &fe) != 0)
        return ixt_err_set(e, "evidence: %s", fe.msg);
    ev->measured = json_is_true(measured);
    return 0;
}

/* An optional string of an object: absent (NULL) or a string. */
static int opt_str(json_t *o, const char *key, const char **out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v && !json_is_string(v))
        return ixt_err_set(e, "\"%s\" is not a string", key);
    *out = json_string_value(v);
    return 0;
}

/* "2026-11-24T10:00:00Z" and nothing else. */
static int check_time(const char *at, ixt_err *e)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end || strlen(at) != 20)
        return ixt_err_set(e, "\"at\" is not a time like 2026-11-24T10:00:00Z");
    return 0;
}

/* The optional "review" object: a verdict, and a comment, reviewer and
 * time as strings (the comment may hold anything: it is sanitised where
 * it is written). */
static int decision_from(json_t *o, ixt_decision *d, ixt_err *e)
{
    if (!o)
        return 0;
    if (!json_is_object(o))
        return ixt_err_set(e, "\"review\" is not an object");
    const char *verdict = NULL, *comment, *by, *at;
    ixt_err fe;
    if (get_str(o, "verdict", &verdict, &fe) != 0)
        return ixt_err_set(e, "review: %s", fe.msg);
    if (ixt_verdict_parse(verdict, &d->verdict) != 0)
        return ixt_err_set(e, "review: \"verdict\" is not proposed, approved, rejected or needs_trial");
    if (opt_str(o, "comment", &comment, &fe) != 0 || opt_str(o, "by", &by, &fe) != 0 ||
        opt_str(o, "at", &at, &fe) != 0 || (comment && check_comment("\"comment\"", comment, &fe) != 0) ||
        (by && check_reviewer("\"by\"", by, &fe) != 0) || (at && check_time(at, &fe) != 0))
        return ixt_err_set(e, "review: %s", fe.msg);
    d->comment = ixt_xstrdup(comment);
    d->by = ixt_xstrdup(by);
    d->at = ixt_xstrdup(at);
    return 0;
}

/* A partition's optional "parent" (absent: the item's table) is a
 * partitioned partition listed before it: the rollout creates a parent's
 * index before its partitions' and the rollback drops it first.  0 and
 * *parent set (1-based), or -1. */
static int parent_from(json_t *o, const ixt_review_item *it, int *parent, ixt_err *e)
{
    *parent = 0;
    if (!o)
        return 0;
    const char *schema, *table;
    if (!json_is_object(o))
        return ixt_err_set(e, "\"parent\" is not an object");
    if (get_name(o, "schema", &schema, e) != 0 || get_name(o, "table", &table, e) != 0)
        return -1;
    for (int k = 0; k < it->nparts; k++)
        if (it->parts[k].partitioned && strcmp(it->parts[k].schema, schema) == 0 &&
            strcmp(it->parts[k].table, table) == 0) {
            *parent = k + 1;
            return 0;
        }
    return ixt_err_set(e, "\"parent\" %s.%s is not a partitioned partition listed before it", schema, table);
}

/* The optional "partitions" list: names PostgreSQL keeps, index names
 * distinct from each other and from the parent's, parents listed before
 * their partitions. */
static int parts_from(json_t *a, ixt_review_item *it, const char *parent_index, ixt_err *e)
{
    if (!a)
        return 0;
    if (!json_is_array(a))
        return ixt_err_set(e, "\"partitions\" is not a list");
    it->partitioned = true;
    it->parts = ixt_xcalloc(json_array_size(a) + 1, sizeof *it->parts);
    size_t i;
    json_t *p;
    json_array_foreach(a, i, p) {
        const char *schema, *table, *index;
        ixt_err fe;
        if (!json_is_object(p))
            return ixt_err_set(e, "partition %zu: not an object", i + 1);
        json_t *partitioned = json_object_get(p, "partitioned");
        int parent;
        if (get_name(p, "schema", &schema, &fe) != 0 || get_name(p, "table", &table, &fe) != 0 ||
            get_name(p, "index", &index, &fe) != 0 || parent_from(json_object_get(p, "parent"), it, &parent, &fe) != 0)
            return ixt_err_set(e, "partition %zu: %s", i + 1, fe.msg);
        if (partitioned && !json_is_boolean(partitioned))
            return ixt_err_set(e, "partition %zu: \"partitioned\" is not true or false", i + 1);
        if (strcmp(index, parent_index) == 0)
            return ixt_err_set(e, "partition %zu: \"index\" %s is the name of the parent's index", i + 1, index);
        for (int k = 0; k < it->nparts; k++)
            if (strcmp(it->parts[k].index, index) == 0 && strcmp(it->parts[k].schema, schema) == 0)
                return ixt_err_set(e, "partition %zu: \"index\" %s is also partition %d's", i + 1, index, k + 1);
        it->parts[it->nparts++] = (ixt_partition){ixt_xstrdup(schema), ixt_xstrdup(table), ixt_xstrdup(index), parent,
                                                  json_is_true(partitioned)};
    }
    return 0;
}

/* "replaces": the name of an index and its definition, on the item's own
 * table: the export drops that index and the rollback runs that text. */
static int replaces_from(json_t *o, const char *schema, const char *table, ixt_review_item *it, ixt_err *e)
{
    if (!o)
        return 0;
    const char *name = NULL, *def = NULL;
    ixt_err fe;
    if (!json_is_object(o))
        return ixt_err_set(e, "\"replaces\" is not an object");
    if (get_name(o, "name", &name, &fe) != 0 || get_str(o, "definition", &def, &fe) != 0 ||
        check_definition(def, schema, table, "btree", &fe) != 0)
        return ixt_err_set(e, "replaces: %s", fe.msg);
    it->replaces = ixt_xstrdup(name);
    it->replaces_def = ixt_xstrdup(def);
    return 0;
}

/* A figure that is never negative. */
static int get_amount(json_t *o, const char *key, double *out, ixt_err *e)
{
    if (get_num(o, key, out, e) != 0)
        return -1;
    if (*out < 0)
        return ixt_err_set(e, "\"%s\" is negative", key);
    return 0;
}

/* A count from 0 to max. */
static int get_count(json_t *o, const char *key, int max, int *out, ixt_err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return ixt_err_set(e, "\"%s\" %s", key, v ? "is not an integer" : "is missing");
    if (json_integer_value(v) < 0 || json_integer_value(v) > max)
        return ixt_err_set(e, "\"%s\" is not between 0 and %d", key, max);
    *out = (int)json_integer_value(v);
    return 0;
}

/* A text of at most max bytes (it may hold anything: it is sanitised
 * where it is written). */
static int get_text(json_t *o, const char *key, size_t max, const char **out, ixt_err *e)
{
    if (get_str(o, key, out, e) != 0)
        return -1;
    if (strlen(*out) > max)
        return ixt_err_set(e, "\"%s\" is longer than %zu bytes", key, max);
    return 0;
}

/* The optional "impact" object. */
static int impact_from(json_t *o, ixt_impact *im, ixt_err *e)
{
    if (!o)
        return 0;
    if (!json_is_object(o))
        return ixt_err_set(e, "\"impact\" is not an object");
    const char *ex = NULL;
    ixt_err fe;
    json_t *exj = json_object_get(o, "hot_example");
    if (get_amount(o, "size_hypo_bytes", &im->size_hypo, &fe) != 0 ||
        get_amount(o, "write_cost_per_s", &im->write_cost, &fe) != 0 ||
        get_count(o, "hot_breaks", 1000000, &im->hot_breaks, &fe) != 0 ||
        get_amount(o, "hot_rate", &im->hot_rate, &fe) != 0 ||
        (!json_is_null(exj) && get_text(o, "hot_example", IXT_HOT_EXAMPLE_MAX, &ex, &fe) != 0))
        return ixt_err_set(e, "impact: %s", fe.msg);
    im->known = true;
    im->hot_example = ixt_xstrdup(ex);
    return 0;
}

/* The optional "helped" list and "helped_more" count. */
static int helped_from(json_t *a, json_t *more, ixt_review_item *it, ixt_err *e)
{
    if (more && (!json_is_integer(more) || json_integer_value(more) < 0 || json_integer_value(more) > 1000000))
        return ixt_err_set(e, "\"helped_more\" is not a count");
    if (!a)
        return 0;
    if (!json_is_array(a))
        return ixt_err_set(e, "\"helped\" is not a list");
    if (json_array_size(a) > IXT_HELPED_MAX)
        return ixt_err_set(e, "\"helped\" lists more than %d statements", IXT_HELPED_MAX);
    it->helped = ixt_xcalloc(json_array_size(a) + 1, sizeof *it->helped);
    size_t i;
    json_t *h;
    json_array_foreach(a, i, h) {
        ixt_helped x = {0};
        const char *sql = NULL;
        json_t *qid = json_object_get(h, "queryid");
        ixt_err fe;
        if (!json_is_object(h))
            return ixt_err_set(e, "helped %zu: not an object", i + 1);
        if (!qid || ixt_json_read_id(qid, &x.queryid) != 0)
            return ixt_err_set(e, "helped %zu: \"queryid\" %s", i + 1, qid ? "is not a query id" : "is missing");
        if (get_text(h, "statement", IXT_HELPED_SQL_MAX, &sql, &fe) != 0 ||
            get_amount(h, "cost_before", &x.cost_before, &fe) != 0 ||
            get_amount(h, "cost_after", &x.cost_after, &fe) != 0)
            return ixt_err_set(e, "helped %zu: %s", i + 1, fe.msg);
        x.sql = ixt_xstrdup(sql);
        it->helped[it->nhelped++] = x;
    }
    it->helped_more = more ? (int)json_integer_value(more) : 0;
    return 0;
}

static int item_from(json_t *o, ixt_review_item *it, ixt_err *e)
{
    const char *name = NULL, *schema = NULL, *table = NULL, *method = NULL, *def = NULL, *sql = NULL;
    memset(it, 0, sizeof *it);
    if (!json_is_object(o))
        return ixt_err_set(e, "not an object");
    if (get_name(o, "name", &name, e) != 0 || get_name(o, "schema", &schema, e) != 0 ||
        get_name(o, "table", &table, e) != 0 || get_name(o, "method", &method, e) != 0 ||
        get_str(o, "definition", &def, e) != 0 || get_num(o, "size_bytes", &it->size_bytes, e) != 0 ||
        get_num_or_null(o, "write_rate", -1, &it->write_rate, e) != 0 ||
        evidence_from(json_object_get(o, "evidence"), &it->ev, &sql, e) != 0 ||
        check_definition(def, schema, table, method, e) != 0 ||
        decision_from(json_object_get(o, "review"), &it->decision, e) != 0)
        return -1;
    json_t *bl = json_object_get(o, "baseline");
    if (bl && ixt_baseline_from_json(bl, &it->baseline, e) != 0)
        return -1;
    if (parts_from(json_object_get(o, "partitions"), it, name, e) != 0 ||
        impact_from(json_object_get(o, "impact"), &it->impact, e) != 0 ||
        helped_from(json_object_get(o, "helped"), json_object_get(o, "helped_more"), it, e) != 0)
        return -1;
    if (replaces_from(json_object_get(o, "replaces"), schema, table, it, e) != 0)
        return -1;
    it->name = ixt_xstrdup(name);
    it->schema = ixt_xstrdup(schema);
    it->table = ixt_xstrdup(table);
    it->method = ixt_xstrdup(method);
    it->def = ixt_xstrdup(def);
    it->ev.sql = ixt_xstrdup(sql);
    return 0;
}

/* Two indexes of one schema cannot share a name: the second CREATE would
 * be skipped and the rollback would drop the first. */
static int check_unique(const ixt_review_item *list, int n, ixt_err *e)
{
    for (int k = 0; k < n - 1; k++)
        if (strcmp(list[k].name, list[n - 1].name) == 0 && strcmp(list[k].schema, list[n - 1].schema) == 0)
            return ixt_err_set(e, "\"name\" %s is also the name of index %d", list[k].name, k + 1);
    return 0;
}

static int list_from(json_t *a, ixt_review_item **list, int *n, const char *where, const char *key, bool unique,
                     ixt_err *e)
{
    if (!json_is_array(a))
        return ixt_err_set(e, "%s: \"%s\" is not a list", where, key);
    *list = ixt_xcalloc(json_array_size(a) + 1, sizeof **list);
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        ixt_err ie;
        if (item_from(o, &(*list)[*n], &ie) != 0) {
            ixt_review_item_free(&(*list)[*n]);
            return ixt_err_set(e, "%s: %s %zu: %s", where, key, i + 1, ie.msg);
        }
        (*n)++;
        if (unique && check_unique(*list, *n, &ie) != 0)
            return ixt_err_set(e, "%s: %s %zu: %s", where, key, i + 1, ie.msg);
    }
    return 0;
}

/* An optional string at the top: absent or a string. */
static int top_str(json_t *root, const char *key, char **out, const char *where, ixt_err *e)
{
    json_t *v = json_object_get(root, key);
    if (v && !json_is_string(v))
        return ixt_err_set(e, "%s: \"%s\" is not a string", where, key);
    *out = ixt_xstrdup(json_string_value(v));
    return 0;
}

int ixt_review_from_json(ixt_review *r, const char *text, const char *where, ixt_err *e)
{
    memset(r, 0, sizeof *r);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        return ixt_err_set(e, "%s: not a session file: %s (line %d)", where, jerr.text, jerr.line);
    json_t *v = json_object_get(root, "idxtune_session");
    int rc = 0;
    if (!json_is_integer(v)) {
        rc = ixt_err_set(e, "%s: not an idxtune session file", where);
    } else if (json_integer_value(v) > IXT_SESSION_VERSION) {
        rc = ixt_err_set(e, "%s: session version %lld is newer than this idxtune understands (%d): "
                            "upgrade idxtune", where, (long long)json_integer_value(v), IXT_SESSION_VERSION);
    } else if (json_integer_value(v) < 1) {
        rc = ixt_err_set(e, "%s: unknown session version %lld", where, (long long)json_integer_value(v));
    } else {
        rc = top_str(root, "connection", &r->conn_label, where, e);
        if (rc == 0)
            rc = top_str(root, "server_version", &r->server_version, where, e);
        if (rc == 0)
            rc = list_from(json_object_get(root, "accepted"), &r->items, &r->n, where, "accepted", true, e);
        if (rc == 0)
            rc = list_from(json_object_get(root, "rejected"), &r->rejected, &r->nrejected, where, "rejected", false, e);
    }
    json_decref(root);
    if (rc != 0)
        ixt_review_free(r);
    return rc;
}

int ixt_review_save(ixt_review *r, const char *path, bool overwrite, ixt_err *e)
{
    char *text = ixt_review_to_json(r);
    int rc = ixt_write_file_atomic(path, text, strlen(text), overwrite, e);
    free(text);
    if (rc == 0)
        r->unsaved = false;
    return rc;
}

int ixt_review_load(ixt_review *r, const char *path, ixt_err *e)
{
    char *text = ixt_read_file(path, NULL, e);
    if (!text)
        return -1;
    int rc = ixt_review_from_json(r, text, path, e);
    free(text);
    return rc;
}
