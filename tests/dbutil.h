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

#endif
