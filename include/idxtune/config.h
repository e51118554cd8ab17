/* config: settings from ~/.config/idxtune/config and the command line.
 * Both go through one table of names (the long options, "lock-timeout"),
 * so a config file line `runs = 7` and `--runs=7` mean the same thing.
 *
 *     # comment
 *     refresh = 0.5          seconds (>= 0.2), or 500ms
 *     theme = light
 *     lock-timeout = 2s      ms, or with a unit: ms s min h
 *     statement-timeout = 30s
 *     runs = 5               real-trial runs, 1..100
 *     budget-mb = 500        advisor storage budget, 0 = no limit (or 2GB)
 *     write-weight = 1       advisor: index maintenance against read savings
 *     ascii = false          true/false, yes/no, on/off, 1/0
 *     no-color = false
 *     mouse = true
 *     concurrently = true    CONCURRENTLY in exported SQL (--no-concurrently)
 *     node = host=standby1 port=5432   another server of the cluster (repeatable)
 */
#ifndef IDXTUNE_CONFIG_H
#define IDXTUNE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

#define IXT_CONFIG_NODES 8
#define IXT_CONFIG_NODE_LEN 512

typedef struct ixt_config {
    double refresh;            /* seconds, 0.2..3600; default 2 */
    char theme[128];           /* default "default" */
    int lock_timeout_ms;       /* 1 ms..24 h; default 2000 */
    int statement_timeout_ms;  /* 1 ms..24 h; default 30000 */
    int runs;                  /* real-trial runs, 1..100; default 5 */
    double budget_mb;          /* advisor storage budget, 0 = unlimited */
    double write_weight;       /* advisor: write cost against read savings, 0..1000; default 1 */
    bool ascii;                /* ASCII line drawing; default false */
    bool no_color;             /* default false */
    bool mouse;                /* default true */
    bool concurrently;         /* exported SQL builds/drops CONCURRENTLY; default true */
    /* other servers of the cluster (conninfo or URI); each `node` adds one */
    char nodes[IXT_CONFIG_NODES][IXT_CONFIG_NODE_LEN];
    int nnodes;
} ixt_config;

/* One setting of the table, for --help, getopt tables and error hints. */
typedef struct ixt_config_option {
    const char *name;          /* config key and long option, "lock-timeout" */
    const char *arg;           /* "MS", "SECONDS", ...; NULL for a boolean */
    const char *help;          /* one line */
} ixt_config_option;

/* The table, in a stable order.  borrowed (static) */
const ixt_config_option *ixt_config_options(size_t *n);

void ixt_config_defaults(ixt_config *c);

/* Sets one setting by its option name.  Durations take ms or a unit
 * (500ms, 2s, 1min, 1h); refresh takes seconds (0.5) or a unit; booleans
 * true/false, yes/no, on/off, 1/0.  On error c is unchanged and e says
 * what the value should be ("unknown option 'refesh' (did you mean
 * 'refresh'?)"). */
int ixt_config_set(ixt_config *c, const char *key, const char *value, ixt_err *e);

/* Formats one setting as the config file would hold it ("2s" is written
 * "2000ms"; the nodes one a line), into out; returns out, or NULL for an
 * unknown key. */
const char *ixt_config_get(const ixt_config *c, const char *key, char *out, size_t outlen);

/* Applies config text; `where` names the file in messages
 * ("~/.config/idxtune/config:3: unknown option 'refesh'").  All or
 * nothing: on error c is unchanged. */
int ixt_config_parse(const char *text, const char *where, ixt_config *c, ixt_err *e);

/* XDG/idxtune/config when xdg is set and not empty, else
 * HOME/.config/idxtune/config; NULL when neither is set.  Pure: pass
 * getenv("XDG_CONFIG_HOME") and getenv("HOME").  caller frees */
char *ixt_config_path_for(const char *xdg, const char *home);

/* Reads a config file; NULL means the default path from the environment
 * (messages then show it as ~/.config/... when it is under $HOME).  A
 * missing file is not an error; an unreadable one is. */
int ixt_config_load(const char *path, ixt_config *c, ixt_err *e);

#endif
