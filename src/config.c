/* config: one table of settings shared by the config file and the command
 * line. */
#include "idxtune/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ixt_config_defaults(ixt_config *c)
{
    memset(c, 0, sizeof *c);
    c->refresh = 2.0;
    snprintf(c->theme, sizeof c->theme, "default");
    c->lock_timeout_ms = 2000;
    c->statement_timeout_ms = 30000;
    c->runs = 5;
    c->budget_mb = 0;
    c->mouse = true;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) { *out = true; return 0; }
        if (strcasecmp(v, no[i]) == 0) { *out = false; return 0; }
    }
    return -1;
}

static int parse_number(const char *v, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    return (end == v || *end || errno) ? -1 : 0;
}

/* "2000", "2000ms", "2s", "1min" -> ms */
static int parse_duration(const char *v, int *ms)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || errno || d < 0)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    double mult = 1;
    if (!*end || strcasecmp(end, "ms") == 0)
        mult = 1;
    else if (strcasecmp(end, "s") == 0)
        mult = 1000;
    else if (strcasecmp(end, "min") == 0)
        mult = 60000;
    else
        return -1;
    if (d * mult > 2147483647.0)
        return -1;
    *ms = (int)(d * mult);
    return 0;
}

typedef enum { K_REFRESH, K_THEME, K_LOCK, K_STMT, K_RUNS, K_BUDGET, K_ASCII, K_NOCOLOR, K_MOUSE } key_id;

static const struct { const char *name; key_id id; } KEYS[] = {
    {"refresh", K_REFRESH}, {"theme", K_THEME}, {"lock-timeout", K_LOCK},
    {"statement-timeout", K_STMT}, {"runs", K_RUNS}, {"budget-mb", K_BUDGET},
    {"ascii", K_ASCII}, {"no-color", K_NOCOLOR}, {"mouse", K_MOUSE},
};

static int set_known(ixt_config *c, key_id id, const char *key, const char *v, ixt_err *e)
{
    double d;
    switch (id) {
    case K_REFRESH:
        if (parse_number(v, &d) != 0 || d < 0.2 || d > 3600)
            return ixt_err_set(e, "%s needs seconds between 0.2 and 3600, not '%s'", key, v);
        c->refresh = d;
        return 0;
    case K_THEME:
        if (!*v)
            return ixt_err_set(e, "theme needs a name");
        snprintf(c->theme, sizeof c->theme, "%s", v);
        return 0;
    case K_LOCK: case K_STMT:
        if (parse_duration(v, id == K_LOCK ? &c->lock_timeout_ms : &c->statement_timeout_ms) != 0)
            return ixt_err_set(e, "%s needs a duration such as 2000, 500ms, 2s or 1min, not '%s'", key, v);
        return 0;
    case K_RUNS:
        if (parse_number(v, &d) != 0 || d < 1 || d > 100 || d != (int)d)
            return ixt_err_set(e, "runs needs a whole number from 1 to 100, not '%s'", v);
        c->runs = (int)d;
        return 0;
    case K_BUDGET:
        if (parse_number(v, &d) != 0 || d < 0)
            return ixt_err_set(e, "budget-mb needs a number of MB (0 = no limit), not '%s'", v);
        c->budget_mb = d;
        return 0;
    default: {
        bool *b = id == K_ASCII ? &c->ascii : id == K_NOCOLOR ? &c->no_color : &c->mouse;
        if (parse_bool(v, b) != 0)
            return ixt_err_set(e, "%s needs true or false, not '%s'", key, v);
        return 0;
    }
    }
}

int ixt_config_set(ixt_config *c, const char *key, const char *value, ixt_err *e)
{
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (strcmp(key, KEYS[i].name) == 0)
            return set_known(c, KEYS[i].id, key, value, e);
    return ixt_err_set(e, "unknown option '%s'", key);
}


static int apply_line(ixt_config *c, char *line, const char *path, int no, ixt_err *e)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = ixt_trim(line);
    if (!*s)
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return ixt_err_set(e, "%s:%d: expected 'name = value'", path, no);
    *eq = '\0';
    ixt_err inner;
    if (ixt_config_set(c, ixt_trim(s), ixt_trim(eq + 1), &inner) != 0)
        return ixt_err_set(e, "%s:%d: %s", path, no, inner.msg);
    return 0;
}

int ixt_config_load(const char *path, ixt_config *c, ixt_err *e)
{
    char *owned = NULL;
    if (!path) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            owned = ixt_xasprintf("%s/idxtune/config", xdg);
        else if (home && *home)
            owned = ixt_xasprintf("%s/.config/idxtune/config", home);
        else
            return 0;
        path = owned;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        int missing = errno == ENOENT;
        int rc = missing ? 0 : ixt_err_set(e, "cannot read %s: %s", path, strerror(errno));
        free(owned);
        return rc;
    }
    char line[1024];
    int no = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f))
        rc = apply_line(c, line, path, ++no, e);
    fclose(f);
    free(owned);
    return rc;
}
