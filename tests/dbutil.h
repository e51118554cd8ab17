/* For the integration tests: connections to the sandbox (PG* environment
 * set by tests/run.sh). */
#ifndef IDXTUNE_DBUTIL_H
#define IDXTUNE_DBUTIL_H

#include "idxtune/conn.h"
#include "testutil.h"

/* dbname NULL: PGDATABASE.  Fails the test when it cannot connect. */
static inline ixt_conn *ixt_test_connect(const char *dbname, const char *role, const char *const *settings, int n)
{
    ixt_conn_opts o = {.dbname = dbname, .role = role, .settings = settings, .nsettings = n};
    ixt_err e;
    ixt_conn *c = ixt_conn_open(&o, "test", &e);
    if (!c)
        fail_msg("cannot connect: %s", e.msg);
    return c;
}

/* Skips the test, with the reason, on a server without HypoPG (the other
 * PostgreSQL versions of tests/versions have no build of it). */
static inline void ixt_test_needs_hypopg(void)
{
    ixt_conn *c = ixt_test_connect(NULL, NULL, NULL, 0);
    bool available = ixt_conn_info(c)->hypopg_available;
    if (!available)
        print_message("# skipped: needs HypoPG (hypothetical indexes), not available on PostgreSQL %s\n",
                      ixt_conn_info(c)->version);
    ixt_conn_close(c);
    if (!available)
        skip();
}

#endif
