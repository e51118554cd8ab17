/* nodes: the servers of one cluster (`--node`).  The main connection and
 * the other servers the user names (the primary and/or standbys) each keep
 * their own pg_stat_statements snapshot; the list shows them merged by query
 * id, and says where each statement's time is spent.  Physical replicas
 * share object OIDs, so query ids match across them; a server of another
 * cluster (another system identifier) is refused. */
#ifndef IDXTUNE_NODES_H
#define IDXTUNE_NODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idxtune/conn.h"
#include "idxtune/util.h"
#include "idxtune/workload.h"

typedef enum ixt_node_stage {
    IXT_NODE_IDLE, IXT_NODE_NUMBERS, IXT_NODE_TEXTS,
    IXT_NODE_FULL_TEXT      /* the text asked with ixt_nodes_ask_text */
} ixt_node_stage;

/* A first connect running on a thread of its own (ixt_nodes_add_start, and
 * the retries of a server never reached), so the poll loop never waits for
 * a server that does not answer. */
typedef struct ixt_node_dial ixt_node_dial;

typedef struct ixt_node {
    char name[32];         /* "primary", "standby-1"; "node-2" until first reached */
    char *conninfo;        /* as given; NULL for the main connection.  owned */
    ixt_conn *conn;        /* the main's is borrowed, the others owned; NULL if never reached */
    bool is_main;
    bool up;
    bool standby;          /* pg_is_in_recovery() when last reached */
    char error[IXT_ERR_MAX];  /* why it is down */
    ixt_workload wl;       /* its own snapshot (the main's lives with the caller) */
    /* the non-blocking refresh of ixt_nodes_tick */
    ixt_node_stage stage;
    double next_ms;        /* next refresh or reconnect attempt */
    ixt_node_dial *dial;   /* a first connect under way, or NULL.  owned (shared with its thread) */
} ixt_node;

/* One statement's full text asked of another node (ixt_nodes_ask_text). */
typedef enum ixt_text_ask_state {
    IXT_ASK_NONE, IXT_ASK_WAITING, IXT_ASK_SENT, IXT_ASK_DONE
} ixt_text_ask_state;

typedef struct ixt_text_ask {
    ixt_text_ask_state state;
    int64_t queryid;
    size_t node;           /* index in items */
    char *text;            /* DONE: the text, or NULL with error.  owned */
    char error[IXT_ERR_MAX];
} ixt_text_ask;

typedef struct ixt_nodes {
    ixt_node *items;       /* [0] is the main connection */
    size_t n;
    ixt_text_ask ask;
    char sysid[32];        /* the main's system identifier; "" when unreadable */
    char sysid_note[IXT_ERR_MAX];  /* why the cluster could not be checked; "" when it was */
    int version_num;
    /* the server being added with ixt_nodes_add_start, until its first
     * connect ends; NULL when none.  owned */
    ixt_node *adding;
    int added_rc;          /* its outcome, as ixt_nodes_add's; see ixt_nodes_added */
    char added_msg[IXT_ERR_MAX];  /* "" once taken */
} ixt_nodes;

/* Identifies the main connection (borrowed; it must outlive ns): its
 * cluster's system identifier (read by the connection's set-up) and its
 * role.  A role that may not run pg_control_system() is noted in
 * ns->sysid_note, not refused. */
void ixt_nodes_init(ixt_nodes *ns, ixt_conn *main_conn);
void ixt_nodes_free(ixt_nodes *ns);

/* Connects to another server of the cluster (blocking, at most
 * connect_timeout_s).  The conninfo is used as given; the main's database
 * is used when it names none.  Returns 0 when it is up, 1 when it could not
 * be reached (kept as down, e says why, it rejoins once reachable), -1 when
 * it is refused (another cluster or server version, e says which; not
 * added). */
int ixt_nodes_add(ixt_nodes *ns, const char *conninfo, int connect_timeout_s, ixt_err *e);

/* ixt_nodes_add without blocking, for the poll loop: the first connect
 * runs on a thread of its own (at most connect_timeout_s) and
 * ixt_nodes_tick takes its outcome (ixt_nodes_added).  Returns the name the
 * server goes by until reached ("node-3"; borrowed), or NULL with e filled
 * when another add is under way. */
const char *ixt_nodes_add_start(ixt_nodes *ns, const char *conninfo, int connect_timeout_s, ixt_err *e);
/* The outcome of the add started last, handed out once: true with *rc as
 * ixt_nodes_add returns it (0 up, 1 down and retried, -1 refused and not
 * added) and msg saying so; false while it connects or when none. */
bool ixt_nodes_added(ixt_nodes *ns, int *rc, char *msg, size_t len);

/* The node that can run real trials: the primary among the nodes, or NULL.
 * borrowed */
const ixt_node *ixt_nodes_primary(const ixt_nodes *ns);
/* Why a real trial cannot run on the main connection, a hot standby, and
 * where it could: the primary among the nodes, or how to name one. */
void ixt_nodes_real_trial_refusal(const ixt_nodes *ns, char *buf, size_t len);
/* "primary (user@host:port/db)", for messages.  borrowed until the next call */
const char *ixt_node_label(const ixt_node *n);

/* Blocking refresh of the other nodes' snapshots (batch mode).  A node that
 * fails is marked down with its reason and skipped; returns how many are
 * down. */
size_t ixt_nodes_refresh(ixt_nodes *ns);

/* Non-blocking refresh of the other nodes, for the poll loop: sends,
 * collects and reconnects one step at a time, and serves the text asked
 * with ixt_nodes_ask_text between refreshes.  refresh_ms <= 0 (paused)
 * starts no refresh.  Returns true when a snapshot came in or a node went
 * down or came back (the merged view needs rebuilding). */
bool ixt_nodes_tick(ixt_nodes *ns, double now_ms, double refresh_ms);

/* Asks, without blocking, for the full text of a statement that another
 * node ran: the main's pg_stat_statements does not have the text of a
 * statement run only on a standby.  The first node that is up and has it
 * in its snapshot is asked by ixt_nodes_tick between its refreshes; a new
 * request replaces the previous one.  Returns the node asked (borrowed), or
 * NULL when no other node has the statement. */
const ixt_node *ixt_nodes_ask_text(ixt_nodes *ns, int64_t queryid);
/* The answer to the request for queryid: 1 when it is in (*text, caller
 * frees; NULL with e filled when the node no longer has it or went down),
 * 0 while it is pending, -1 (e filled) when queryid was not asked or its
 * request was replaced.  An answer is handed out once. */
int ixt_nodes_text_answer(ixt_nodes *ns, int64_t queryid, char **text, ixt_err *e);
/* The sockets ixt_nodes_tick waits for, into fds (at most max); returns
 * the count. */
size_t ixt_nodes_sockets(const ixt_nodes *ns, int *fds, size_t max);

/* Rebuilds out from main_wl (the main's snapshot) and the nodes that are
 * up, summed by query id.  Texts are copied once per statement; rates are
 * the sum of each node's. */
void ixt_nodes_merge(const ixt_nodes *ns, const ixt_workload *main_wl, ixt_workload *out);

/* ixt_workload_full_texts over the nodes: the main's first, then each
 * node that is up for the texts still missing (a statement run only on a
 * standby).  texts: caller frees (ixt_workload_texts_free) */
int ixt_nodes_full_texts(const ixt_nodes *ns, const int64_t *ids, size_t n, char ***texts, ixt_err *e);
/* Another server of the cluster as a worker thread reaches it: on a
 * connection of its own, since the poll loop drives the nodes'
 * connections.  A copy, safe to hand to another thread. */
typedef struct ixt_node_link {
    char name[32];
    char *target;          /* its conninfo.  owned */
    char *dbname;          /* the main's database when the conninfo names none, else NULL.  owned */
    bool primary;
} ixt_node_link;

typedef struct ixt_node_links {
    ixt_node_link *items;  /* the servers other than the main that are up.  owned */
    size_t n;
} ixt_node_links;

/* Copies the links to the other nodes that are up into out (free with
 * ixt_node_links_free). */
void ixt_nodes_links(const ixt_nodes *ns, ixt_node_links *out);
void ixt_node_links_free(ixt_node_links *l);
/* The primary among the links, or NULL.  borrowed */
const ixt_node_link *ixt_node_links_primary(const ixt_node_links *l);
/* Opens a connection of one's own to l (blocking, at most
 * connect_timeout_s; application_name idxtune/<role>).  caller closes */
ixt_conn *ixt_node_link_open(const ixt_node_link *l, const char *role, int connect_timeout_s, ixt_err *e);
/* ixt_nodes_full_texts for a worker: the texts on c (the main's server),
 * then those still missing from each link in turn, each opened and closed
 * (one that cannot be reached is passed over).  texts: caller frees
 * (ixt_workload_texts_free) */
int ixt_node_links_full_texts(const ixt_node_links *l, ixt_conn *c, const int64_t *ids, size_t n, char ***texts,
                              ixt_err *e);

/* Where one statement's time is spent. */
typedef struct ixt_node_share {
    const char *name;      /* borrowed from the node */
    double total_ms;
    double calls;
    double share;          /* of the statement's time across the nodes, 0..1 */
} ixt_node_share;

/* The statement's time per node that is up (main first); returns the
 * count (at most max). */
size_t ixt_nodes_breakdown(const ixt_nodes *ns, const ixt_workload *main_wl, int64_t queryid,
                           ixt_node_share *out, size_t max);
/* "primary 12 %, standby-1 88 %" into buf. */
void ixt_nodes_breakdown_text(const ixt_nodes *ns, const ixt_workload *main_wl, int64_t queryid,
                              char *buf, size_t len);
/* "standby-1 down: server unreachable ..." for each node that is down,
 * "; "-separated; false (buf empty) when all are up. */
bool ixt_nodes_down_text(const ixt_nodes *ns, char *buf, size_t len);

#endif
