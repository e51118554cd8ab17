/* config: settings from ~/.config/idxtune/config and the command line.
 * Both use the same names (the long options), through ixt_config_set. */
#ifndef IDXTUNE_CONFIG_H
#define IDXTUNE_CONFIG_H

#include <stdbool.h>

#include "idxtune/util.h"

typedef struct ixt_config {
    double refresh;            /* seconds, >= 0.2 */
    char theme[128];
    int lock_timeout_ms;
    int statement_timeout_ms;
    int runs;                  /* real-trial runs, 1..100 */
    double budget_mb;          /* advisor storage budget, 0 = unlimited */
    bool ascii;
    bool no_color;
    bool mouse;
} ixt_config;

void ixt_config_defaults(ixt_config *c);
/* Sets one setting by its option name ("refresh", "lock-timeout", ...).
 * Durations take ms or a unit: 500ms, 2s, 1min. */
int ixt_config_set(ixt_config *c, const char *key, const char *value, ixt_err *e);
/* Reads a config file; NULL means $XDG_CONFIG_HOME/idxtune/config or
 * ~/.config/idxtune/config.  A missing file is not an error; a bad line
 * names the file and line. */
int ixt_config_load(const char *path, ixt_config *c, ixt_err *e);

#endif
