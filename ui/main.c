/* main: reads the config file and the command line, then runs the TUI or
 * a batch subcommand. */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "batch.h"
#include "cli.h"
#include "sigcancel.h"

static int run(ixt_opts *o)
{
    switch (o->cmd) {
    case CMD_TOP:
        if (!o->once) {
            fprintf(stderr, "idxtune: top needs --once (the live list is the TUI: run idxtune without a subcommand)\n");
            return 2;
        }
        return batch_top(o);
    case CMD_EXPLAIN: return batch_explain(o);
    case CMD_TRY: return batch_try(o);
    case CMD_EXPORT: return batch_export(o);
    case CMD_ADVISE: return batch_advise(o);
    case CMD_INDEXES: return batch_indexes(o);
    case CMD_REVIEW: return batch_review(o);
    case CMD_DIFF: return batch_diff(o);
    case CMD_VERIFY: return batch_verify(o);
    case CMD_TUI: return app_run(o);
    default:
        fprintf(stderr, "idxtune: this subcommand is not available yet\n");
        return 2;
    }
}

int main(int argc, char **argv)
{
    ixt_opts o;
    ixt_err e;
    ixt_config_defaults(&o.cfg);
    if (ixt_config_load(NULL, &o.cfg, &e) != 0) {
        fprintf(stderr, "idxtune: %s\n", e.msg);
        return 2;
    }
    int rc = cli_parse(argc, argv, &o, stdout, stderr);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    o.conn.role = o.role;
    o.conn.settings = o.settings;
    o.conn.nsettings = o.nsettings;
    /* Ctrl-C, SIGTERM, SIGHUP: the commands wind down after the server
     * cancelled their statement, then exit 128 + the signal */
    sigcancel_install();
    rc = run(&o);
    return sigcancel_caught() ? sigcancel_exit() : rc;
}
