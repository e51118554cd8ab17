/* nodes: several servers of one cluster, their snapshots merged by query id. */
#include "idxtune/nodes.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECONNECT_MS 2000.0
/* texts fetched per refresh and node, as the main monitor does */
#define TEXTS_PER_REFRESH 500

/* A first connect off the poll loop (ixt_nodes_add_start, and the retries
 * of a server never reached): it runs on a thread of its own. */
struct ixt_node_dial {
    /* what the thread reads: copies */
    char *target, *dbname;
    int timeout_s, version_num;
    char sysid[32];
    /* what it leaves once done */
    ixt_conn *conn;        /* reached and checked, else NULL */
    int rc;                /* as open_node's */
    ixt_err err;
    char note[IXT_ERR_MAX];
    atomic_bool done;
    /* the thread's and the node's: a node dropped while its thread still
     * waits for the server leaves the clean-up to the thread */
    atomic_int refs;
};

static void dial_release(ixt_node_dial *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    ixt_conn_close(d->conn);
    free(d->target);
    free(d->dbname);
    free(d);
}

static void node_free(ixt_node *n)
{
    dial_release(n->dial);
    free(n->conninfo);
    ixt_workload_free(&n->wl);
}

/* The cluster's system identifier, read with the connection's set-up, into
 * out (empty when it could not be read: note says why). */
static void read_sysid(ixt_conn *c, char *out, size_t len, char *note, size_t nlen)
{
    const char *why;
    snprintf(out, len, "%s", ixt_conn_system_id(c, &why));
    if (!out[0])
        snprintf(note, nlen, "cannot check that the nodes belong to one cluster: %s", why);
}

static void name_node(ixt_nodes *ns, ixt_node *n)
{
    n->standby = ixt_conn_info(n->conn)->in_recovery;
    if (!n->standby) {
        const ixt_node *p = ixt_nodes_primary(ns);
        if (p && p != n)
            snprintf(n->name, sizeof n->name, "primary-%zu", (size_t)(n - ns->items) + 1);
        else
            snprintf(n->name, sizeof n->name, "primary");
        return;
    }
    int k = 1;
    for (ixt_node *o = ns->items; o < n; o++)
        k += o->standby;
    snprintf(n->name, sizeof n->name, "standby-%d", k);
}

void ixt_nodes_init(ixt_nodes *ns, ixt_conn *main_conn)
{
    memset(ns, 0, sizeof *ns);
    ns->items = ixt_xcalloc(1, sizeof *ns->items);
    ns->n = 1;
    ixt_node *m = &ns->items[0];
    m->is_main = true;
    m->conn = main_conn;
    m->up = true;
    ixt_workload_init(&m->wl);
    ns->version_num = ixt_conn_info(main_conn)->version_num;
    name_node(ns, m);
    read_sysid(main_conn, ns->sysid, sizeof ns->sysid, ns->sysid_note, sizeof ns->sysid_note);
}

void ixt_nodes_free(ixt_nodes *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        ixt_node *n = &ns->items[i];
        if (!n->is_main)
            ixt_conn_close(n->conn);
        node_free(n);
    }
    if (ns->adding)
        node_free(ns->adding);
    free(ns->adding);
    free(ns->ask.text);
    free(ns->items);
    memset(ns, 0, sizeof *ns);
}

/* Whether the conninfo or URI names a database. */
static bool names_db(const char *conninfo)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    bool found = false;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val && o->val[0])
            found = true;
    PQconninfoFree(opts);
    return found;
}

/* Same cluster, same major version: query ids and OIDs then match.  Reads
 * only c and its arguments, so a connect thread runs it too; note (empty on
 * entry) says why the cluster could not be checked. */
static int check_conn(ixt_conn *c, int version_num, const char *main_sysid, char *note, size_t nlen, ixt_err *e)
{
    const ixt_server_info *in = ixt_conn_info(c);
    if (in->version_num / 10000 != version_num / 10000)
        return ixt_err_set(e, "node %s runs PostgreSQL %s, the main connection %d: not one cluster",
                           ixt_conn_label(c), in->version, version_num);
    char sysid[32];
    read_sysid(c, sysid, sizeof sysid, note, nlen);
    if (sysid[0] && main_sysid[0] && strcmp(sysid, main_sysid) != 0)
        return ixt_err_set(e, "node %s belongs to another cluster (system identifier %s, the main "
                              "connection's is %s): its query ids and objects do not match; refused",
                           ixt_conn_label(c), sysid, main_sysid);
    return 0;
}

static void keep_note(ixt_nodes *ns, const char *note)
{
    if (note[0] && !ns->sysid_note[0])
        snprintf(ns->sysid_note, sizeof ns->sysid_note, "%s", note);
}

static int check_node(ixt_nodes *ns, ixt_node *n, ixt_err *e)
{
    char note[IXT_ERR_MAX] = "";
    if (check_conn(n->conn, ns->version_num, ns->sysid, note, sizeof note, e) != 0)
        return -1;
    keep_note(ns, note);
    return 0;
}

/* The database a node's connection uses: the main's when its conninfo
 * names none.  borrowed */
static const char *node_dbname(const ixt_nodes *ns, const char *conninfo)
{
    return names_db(conninfo) ? NULL : PQdb(ixt_conn_pg(ns->items[0].conn));
}

/* Connects n: opened (first time) or re-established, then checked. */
static int open_node(ixt_nodes *ns, ixt_node *n, int connect_timeout_s, ixt_err *e)
{
    ixt_conn_opts o = {.target = n->conninfo,
                       .dbname = node_dbname(ns, n->conninfo),
                       .connect_timeout_s = connect_timeout_s};
    n->conn = ixt_conn_open(&o, "monitor", e);
    if (!n->conn)
        return 1;
    if (check_node(ns, n, e) != 0) {
        ixt_conn_close(n->conn);
        n->conn = NULL;
        return -1;
    }
    return 0;
}

static void set_down(ixt_node *n, const char *why)
{
    n->up = false;
    n->stage = IXT_NODE_IDLE;
    snprintf(n->error, sizeof n->error, "%s", why);
}

/* Takes n, a server just tried (rc 0: reached, 1: not, why says why), into
 * the list.  Returns its place there. */
static ixt_node *append_node(ixt_nodes *ns, const ixt_node *n, int rc, const char *why)
{
    ns->items = ixt_xrealloc(ns->items, (ns->n + 1) * sizeof *ns->items);
    ixt_node *m = &ns->items[ns->n++];
    *m = *n;
    if (rc > 0) {
        snprintf(m->name, sizeof m->name, "node-%zu", ns->n);
        set_down(m, why);
    } else {
        m->up = true;
        name_node(ns, m);
    }
    return m;
}

/* ===== first connects off the poll loop ===== */

static void *dial_run(void *arg)
{
    ixt_node_dial *d = arg;
    ixt_conn_opts o = {.target = d->target, .dbname = d->dbname, .connect_timeout_s = d->timeout_s};
    d->conn = ixt_conn_open(&o, "monitor", &d->err);
    d->rc = d->conn ? 0 : 1;
    if (d->conn && check_conn(d->conn, d->version_num, d->sysid, d->note, sizeof d->note, &d->err) != 0) {
        ixt_conn_close(d->conn);
        d->conn = NULL;
        d->rc = -1;
    }
    atomic_store(&d->done, true);
    dial_release(d);
    return NULL;
}

/* Starts n's first connect on a thread of its own. */
static void dial_start(ixt_nodes *ns, ixt_node *n, int connect_timeout_s)
{
    ixt_node_dial *d = ixt_xcalloc(1, sizeof *d);
    const char *db = node_dbname(ns, n->conninfo);
    d->target = ixt_xstrdup(n->conninfo);
    d->dbname = db ? ixt_xstrdup(db) : NULL;
    d->timeout_s = connect_timeout_s;
    d->version_num = ns->version_num;
    snprintf(d->sysid, sizeof d->sysid, "%s", ns->sysid);
    atomic_init(&d->done, false);
    atomic_init(&d->refs, 2);
    pthread_attr_t at;
    pthread_t t;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, dial_run, d) != 0) {
        d->rc = 1;
        ixt_err_set(&d->err, "cannot start a thread to connect to %s", n->name);
        atomic_store(&d->refs, 1);
        atomic_store(&d->done, true);
    }
    pthread_attr_destroy(&at);
    n->dial = d;
}

/* n's first connect once it ended: its connection taken (rc 0), or e says
 * why not (1: unreachable, -1: refused).  2 while it runs. */
static int dial_end(ixt_nodes *ns, ixt_node *n, ixt_err *e)
{
    ixt_node_dial *d = n->dial;
    if (!atomic_load(&d->done))
        return 2;
    int rc = d->rc;
    *e = d->err;
    n->conn = d->conn;
    d->conn = NULL;
    keep_note(ns, d->note);
    n->dial = NULL;
    dial_release(d);
    return rc;
}

int ixt_nodes_add(ixt_nodes *ns, const char *conninfo, int connect_timeout_s, ixt_err *e)
{
    ixt_node n = {.conninfo = ixt_xstrdup(conninfo)};
    ixt_workload_init(&n.wl);
    int rc = open_node(ns, &n, connect_timeout_s, e);
    if (rc < 0) {
        node_free(&n);
        return -1;
    }
    append_node(ns, &n, rc, e->msg);
    return rc;
}

const char *ixt_nodes_add_start(ixt_nodes *ns, const char *conninfo, int connect_timeout_s, ixt_err *e)
{
    if (ns->adding) {
        ixt_err_set(e, "%s is still connecting: wait for it", ixt_node_label(ns->adding));
        return NULL;
    }
    ixt_node *n = ixt_xcalloc(1, sizeof *n);
    n->conninfo = ixt_xstrdup(conninfo);
    ixt_workload_init(&n->wl);
    snprintf(n->name, sizeof n->name, "node-%zu", ns->n + 1);
    ns->adding = n;
    ns->added_msg[0] = '\0';
    dial_start(ns, n, connect_timeout_s);
    return n->name;
}

/* The server being added, once its first connect ended: into the list
 * unless refused.  True when the list changed. */
static bool tick_adding(ixt_nodes *ns, double now_ms)
{
    ixt_node *n = ns->adding;
    ixt_err e;
    int rc = n ? dial_end(ns, n, &e) : 2;
    if (rc == 2)
        return false;
    ns->adding = NULL;
    ns->added_rc = rc;
    if (rc < 0) {
        snprintf(ns->added_msg, sizeof ns->added_msg, "%s", e.msg);
        node_free(n);
        free(n);
        return false;
    }
    ixt_node *m = append_node(ns, n, rc, e.msg);
    free(n);
    if (rc > 0) {
        m->next_ms = now_ms + RECONNECT_MS;
        snprintf(ns->added_msg, sizeof ns->added_msg, "%s is down (retrying): %.900s", ixt_node_label(m), e.msg);
    } else {
        snprintf(ns->added_msg, sizeof ns->added_msg, "added %s", ixt_node_label(m));
    }
    return true;
}

bool ixt_nodes_added(ixt_nodes *ns, int *rc, char *msg, size_t len)
{
    if (!ns->added_msg[0])
        return false;
    *rc = ns->added_rc;
    snprintf(msg, len, "%s", ns->added_msg);
    ns->added_msg[0] = '\0';
    return true;
}

const ixt_node *ixt_nodes_primary(const ixt_nodes *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->items[i].conn && !ns->items[i].standby)
            return &ns->items[i];
    return NULL;
}

void ixt_nodes_real_trial_refusal(const ixt_nodes *ns, char *buf, size_t len)
{
    const ixt_node *p = ns ? ixt_nodes_primary(ns) : NULL;
    if (p)
        snprintf(buf, len, "real trials need a primary: this server is a hot standby (hypothetical trials "
                           "work here); it could run on %s", ixt_node_label(p));
    else
        snprintf(buf, len, "real trials need a primary: this server is a hot standby (hypothetical trials "
                           "work here); connect to the primary, or name it with --node to be told which it is");
}

const char *ixt_node_label(const ixt_node *n)
{
    static char buf[IXT_ERR_MAX];
    if (n->conn)
        snprintf(buf, sizeof buf, "%s (%s)", n->name, ixt_conn_label(n->conn));
    else {
        /* never reached: what it names, never its password */
        char *shown = ixt_conninfo_label(n->conninfo);
        snprintf(buf, sizeof buf, "%s (%s)", n->name, shown);
        free(shown);
    }
    return buf;
}

/* Back after being down: reopened, rechecked, renamed if it was never
 * reached.  Returns true when it is up again. */
static bool rejoin(ixt_nodes *ns, ixt_node *n, ixt_err *e)
{
    if (!n->conn) {
        if (open_node(ns, n, 2, e) != 0)
            return false;
        name_node(ns, n);
    } else if (check_node(ns, n, e) != 0) {
        return false;
    }
    n->up = true;
    n->error[0] = '\0';
    n->standby = ixt_conn_info(n->conn)->in_recovery;
    return true;
}

size_t ixt_nodes_refresh(ixt_nodes *ns)
{
    size_t down = 0;
    for (size_t i = 1; i < ns->n; i++) {
        ixt_node *n = &ns->items[i];
        ixt_err e;
        if (!n->up && !rejoin(ns, n, &e))
            set_down(n, e.msg);
        else if (ixt_workload_refresh(&n->wl, n->conn, &e) != 0)
            set_down(n, e.msg);
        down += !n->up;
    }
    return down;
}

/* ===== non-blocking refresh ===== */

static bool send_stage(ixt_node *n, ixt_node_stage stage)
{
    const ixt_server_info *in = ixt_conn_info(n->conn);
    char oid[16];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    ixt_err e;
    int rc;
    if (stage == IXT_NODE_NUMBERS) {
        char *sql = ixt_workload_numbers_sql(in);
        const char *p[] = {oid};
        rc = ixt_conn_send_fmt(n->conn, sql, 1, p, IXT_WORKLOAD_NUMBERS_FORMAT, &e);
        free(sql);
    } else {
        char *ids;
        if (!ixt_workload_texts_wanted(&n->wl, TEXTS_PER_REFRESH, &ids)) {
            n->stage = IXT_NODE_IDLE;
            return true;
        }
        char *sql = ixt_workload_texts_sql(in);
        const char *p[] = {oid, ids};
        rc = ixt_conn_send(n->conn, sql, 2, p, &e);
        free(sql);
        free(ids);
    }
    if (rc != 0) {
        set_down(n, e.msg);
        return true;
    }
    n->stage = stage;
    return false;
}

/* Sends the text asked of n (ns->ask); true when n went down. */
static bool send_full_text(ixt_nodes *ns, ixt_node *n)
{
    const ixt_server_info *in = ixt_conn_info(n->conn);
    char oid[16], ids[32];
    snprintf(oid, sizeof oid, "%u", in->db_oid);
    snprintf(ids, sizeof ids, "{%" PRId64 "}", ns->ask.queryid);
    char *sql = ixt_workload_full_texts_sql(in);
    const char *p[] = {oid, ids};
    ixt_err e;
    int rc = ixt_conn_send(n->conn, sql, 2, p, &e);
    free(sql);
    if (rc != 0) {
        set_down(n, e.msg);
        return true;
    }
    n->stage = IXT_NODE_FULL_TEXT;
    ns->ask.state = IXT_ASK_SENT;
    return false;
}

/* The answer to the text asked of n, unless the request was replaced
 * while it was on its way. */
static void read_full_text(ixt_nodes *ns, const ixt_node *n, const PGresult *r)
{
    ixt_text_ask *ask = &ns->ask;
    if (ask->state != IXT_ASK_SENT || &ns->items[ask->node] != n)
        return;
    ask->state = IXT_ASK_DONE;
    for (int row = 0; row < PQntuples(r) && PQnfields(r) >= 2; row++)
        if (strtoll(PQgetvalue(r, row, 0), NULL, 10) == ask->queryid) {
            ask->text = ixt_xstrdup(PQgetvalue(r, row, 1));
            return;
        }
    snprintf(ask->error, sizeof ask->error, "statement %" PRId64 " is no longer in pg_stat_statements on %s",
             ask->queryid, ixt_node_label(n));
}

/* The text asked of node i cannot come: it is down. */
static void lose_ask(ixt_nodes *ns, size_t i)
{
    ixt_text_ask *ask = &ns->ask;
    if ((ask->state != IXT_ASK_WAITING && ask->state != IXT_ASK_SENT) || ask->node != i)
        return;
    ask->state = IXT_ASK_DONE;
    snprintf(ask->error, sizeof ask->error, "the statement's text is on %s, which is down: %.900s",
             ns->items[i].name, ns->items[i].error);
}

/* Collects what arrived; true when the node's snapshot changed or it went down. */
static bool collect(ixt_nodes *ns, ixt_node *n, double now_ms)
{
    PGresult *r;
    ixt_err e;
    int rc = ixt_conn_collect(n->conn, &r, &e);
    if (rc == 0)
        return false;
    if (rc < 0 || !r) {
        set_down(n, e.msg);
        return true;
    }
    ixt_node_stage was = n->stage;
    if (was == IXT_NODE_FULL_TEXT) {
        read_full_text(ns, n, r);
        PQclear(r);
        n->stage = IXT_NODE_IDLE;
        return false;
    }
    rc = was == IXT_NODE_NUMBERS ? ixt_workload_ingest_numbers(&n->wl, r, now_ms, &e)
                                 : ixt_workload_ingest_texts(&n->wl, r, &e);
    PQclear(r);
    if (rc != 0) {
        set_down(n, e.msg);
        return true;
    }
    if (was == IXT_NODE_NUMBERS)
        send_stage(n, IXT_NODE_TEXTS);
    else
        n->stage = IXT_NODE_IDLE;
    return true;
}

static bool tick_down(ixt_nodes *ns, ixt_node *n, double now_ms)
{
    ixt_err e;
    if (n->dial) {
        int rc = dial_end(ns, n, &e);
        if (rc == 2)
            return false;
        if (rc != 0) {
            snprintf(n->error, sizeof n->error, "%s", e.msg);
            n->next_ms = now_ms + RECONNECT_MS;
            return true;
        }
        n->up = true;
        n->error[0] = '\0';
        name_node(ns, n);
        n->next_ms = now_ms;
        return true;
    }
    if (now_ms < n->next_ms)
        return false;
    /* never reached: its first connect would wait for the server */
    if (!n->conn) {
        dial_start(ns, n, 2);
        return false;
    }
    int rc = ixt_conn_reconnect_step(n->conn, &e);
    if (rc == 0)
        return false;
    if (rc < 0 || !rejoin(ns, n, &e)) {
        snprintf(n->error, sizeof n->error, "%s", e.msg);
        n->next_ms = now_ms + RECONNECT_MS;
        return true;
    }
    n->next_ms = now_ms;
    return true;
}

bool ixt_nodes_tick(ixt_nodes *ns, double now_ms, double refresh_ms)
{
    bool changed = tick_adding(ns, now_ms);
    for (size_t i = 1; i < ns->n; i++) {
        ixt_node *n = &ns->items[i];
        if (!n->up) {
            changed |= tick_down(ns, n, now_ms);
            if (!n->up) {
                lose_ask(ns, i);
                continue;
            }
        }
        if (n->stage != IXT_NODE_IDLE) {
            changed |= collect(ns, n, now_ms);
        } else if (ns->ask.state == IXT_ASK_WAITING && ns->ask.node == i) {
            changed |= send_full_text(ns, n);
        } else if (refresh_ms > 0 && now_ms >= n->next_ms) {
            n->next_ms = now_ms + refresh_ms;
            changed |= send_stage(n, IXT_NODE_NUMBERS);
        }
        if (!n->up) {
            n->next_ms = now_ms + RECONNECT_MS;
            lose_ask(ns, i);
        }
    }
    return changed;
}

size_t ixt_nodes_sockets(const ixt_nodes *ns, int *fds, size_t max)
{
    size_t k = 0;
    for (size_t i = 1; i < ns->n && k < max; i++) {
        const ixt_node *n = &ns->items[i];
        int fd = n->up && n->stage != IXT_NODE_IDLE ? ixt_conn_socket(n->conn) : -1;
        if (fd >= 0)
            fds[k++] = fd;
    }
    return k;
}

/* ===== the merged view ===== */

static const ixt_workload *node_wl(const ixt_nodes *ns, size_t i, const ixt_workload *main_wl)
{
    if (i == 0)
        return main_wl;
    return ns->items[i].up ? &ns->items[i].wl : NULL;
}

void ixt_nodes_merge(const ixt_nodes *ns, const ixt_workload *main_wl, ixt_workload *out)
{
    const ixt_workload **parts = ixt_xcalloc(ns->n + 1, sizeof *parts);
    size_t k = 0;
    for (size_t i = 0; i < ns->n; i++)
        if (node_wl(ns, i, main_wl))
            parts[k++] = node_wl(ns, i, main_wl);
    ixt_workload_merge(out, parts, k);
    free(parts);
}

size_t ixt_nodes_breakdown(const ixt_nodes *ns, const ixt_workload *main_wl, int64_t queryid,
                           ixt_node_share *out, size_t max)
{
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < ns->n && k < max; i++) {
        const ixt_workload *w = node_wl(ns, i, main_wl);
        if (!w)
            continue;
        const ixt_stmt *s = ixt_workload_find(w, queryid);
        out[k++] = (ixt_node_share){.name = ns->items[i].name,
                                    .total_ms = s ? s->total_ms : 0,
                                    .calls = s ? s->calls : 0};
        sum += s ? s->total_ms : 0;
    }
    for (size_t i = 0; i < k; i++)
        out[i].share = sum > 0 ? out[i].total_ms / sum : 0;
    return k;
}

void ixt_nodes_breakdown_text(const ixt_nodes *ns, const ixt_workload *main_wl, int64_t queryid,
                              char *buf, size_t len)
{
    ixt_node_share sh[16];
    size_t k = ixt_nodes_breakdown(ns, main_wl, queryid, sh, 16);
    ixt_buf b;
    ixt_buf_init(&b);
    for (size_t i = 0; i < k; i++)
        ixt_buf_printf(&b, "%s%s %.0f %%", i ? ", " : "", sh[i].name, sh[i].share * 100);
    snprintf(buf, len, "%s", b.len ? b.s : "");
    ixt_buf_free(&b);
}

bool ixt_nodes_down_text(const ixt_nodes *ns, char *buf, size_t len)
{
    ixt_buf b;
    ixt_buf_init(&b);
    for (size_t i = 1; i < ns->n; i++)
        if (!ns->items[i].up)
            ixt_buf_printf(&b, "%s%s down: %s", b.len ? "; " : "", ixt_node_label(&ns->items[i]),
                           ns->items[i].error);
    snprintf(buf, len, "%s", b.len ? b.s : "");
    bool any = b.len > 0;
    ixt_buf_free(&b);
    return any;
}

/* The texts still missing from *texts read on c, a server of the cluster
 * other than the main; one that fails is passed over. */
static void fill_missing(ixt_conn *c, const int64_t *ids, size_t n, char **texts)
{
    int64_t *miss = ixt_xcalloc(n + 1, sizeof *miss);
    size_t *at = ixt_xcalloc(n + 1, sizeof *at);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!texts[i]) {
            miss[m] = ids[i];
            at[m++] = i;
        }
    char **more;
    ixt_err e;
    if (m && ixt_workload_full_texts(c, miss, m, &more, &e) == 0) {
        for (size_t j = 0; j < m; j++)
            texts[at[j]] = more[j];
        free(more);
    }
    free(miss);
    free(at);
}

int ixt_nodes_full_texts(const ixt_nodes *ns, const int64_t *ids, size_t n, char ***texts, ixt_err *e)
{
    if (ixt_workload_full_texts(ns->items[0].conn, ids, n, texts, e) != 0)
        return -1;
    /* a statement run only on a standby has its text only there */
    for (size_t k = 1; k < ns->n; k++)
        if (ns->items[k].up)
            fill_missing(ns->items[k].conn, ids, n, *texts);
    return 0;
}

void ixt_nodes_links(const ixt_nodes *ns, ixt_node_links *out)
{
    memset(out, 0, sizeof *out);
    out->items = ixt_xcalloc(ns->n, sizeof *out->items);
    const char *main_db = PQdb(ixt_conn_pg(ns->items[0].conn));
    for (size_t i = 1; i < ns->n; i++) {
        const ixt_node *n = &ns->items[i];
        if (!n->up)
            continue;
        ixt_node_link *l = &out->items[out->n++];
        snprintf(l->name, sizeof l->name, "%s", n->name);
        l->target = ixt_xstrdup(n->conninfo);
        l->dbname = names_db(n->conninfo) ? NULL : ixt_xstrdup(main_db);
        l->primary = !n->standby;
    }
}

void ixt_node_links_free(ixt_node_links *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].target);
        free(l->items[i].dbname);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

const ixt_node_link *ixt_node_links_primary(const ixt_node_links *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].primary)
            return &l->items[i];
    return NULL;
}

ixt_conn *ixt_node_link_open(const ixt_node_link *l, const char *role, int connect_timeout_s, ixt_err *e)
{
    ixt_conn_opts o = {.target = l->target, .dbname = l->dbname, .connect_timeout_s = connect_timeout_s};
    return ixt_conn_open(&o, role, e);
}

int ixt_node_links_full_texts(const ixt_node_links *l, ixt_conn *c, const int64_t *ids, size_t n, char ***texts,
                              ixt_err *e)
{
    if (ixt_workload_full_texts(c, ids, n, texts, e) != 0)
        return -1;
    for (size_t k = 0; k < l->n; k++) {
        size_t missing = 0;
        for (size_t i = 0; i < n; i++)
            missing += !(*texts)[i];
        if (!missing)
            break;
        ixt_err ne;
        ixt_conn *nc = ixt_node_link_open(&l->items[k], "lab", 3, &ne);
        if (nc)
            fill_missing(nc, ids, n, *texts);
        ixt_conn_close(nc);
    }
    return 0;
}

const ixt_node *ixt_nodes_ask_text(ixt_nodes *ns, int64_t queryid)
{
    free(ns->ask.text);
    ns->ask = (ixt_text_ask){.state = IXT_ASK_NONE};
    for (size_t i = 1; i < ns->n; i++)
        if (ns->items[i].up && ixt_workload_find(&ns->items[i].wl, queryid)) {
            ns->ask = (ixt_text_ask){.state = IXT_ASK_WAITING, .queryid = queryid, .node = i};
            return &ns->items[i];
        }
    return NULL;
}

int ixt_nodes_text_answer(ixt_nodes *ns, int64_t queryid, char **text, ixt_err *e)
{
    *text = NULL;
    if (ns->ask.state == IXT_ASK_NONE || ns->ask.queryid != queryid)
        return ixt_err_set(e, "the text of statement %" PRId64 " was not asked of another node", queryid);
    if (ns->ask.state != IXT_ASK_DONE)
        return 0;
    *text = ns->ask.text;
    if (!*text)
        ixt_err_set(e, "%s", ns->ask.error);
    ns->ask = (ixt_text_ask){.state = IXT_ASK_NONE};
    return 1;
}
