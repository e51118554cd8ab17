/* config: one declarative table of settings shared by the config file and
 * the command line (the way tmux's options-table.c drives both). */
#include "idxtune/config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef enum kind { K_SECONDS, K_MS, K_INT, K_MB, K_NUMBER, K_BOOL, K_STRING, K_NODE } kind;

typedef struct spec {
    kind k;
    size_t off;                /* offsetof the field in ixt_config */
    double min, max;           /* in the field's unit */
    const char *expect;        /* what a bad value is told it needs */
} spec;

#define DAY_MS 86400000.0

/* OPTIONS and SPECS are parallel: same order, same length. */
static const ixt_config_option OPTIONS[] = {
    {"refresh", "SECONDS", "refresh interval of the live lists (default 2)"},
    {"theme", "NAME", "colour theme: default, light, high-contrast, monochrome or a file"},
    {"lock-timeout", "MS", "lock_timeout while a real trial index is built (default 2000)"},
    {"statement-timeout", "MS", "statement_timeout of every statement idxtune runs (default 30000)"},
    {"runs", "N", "timed runs without and with a real trial index (default 5)"},
    {"budget-mb", "MB", "storage budget of the workload advisor, 0 = no limit (default 0)"},
    {"write-weight", "W", "weight of index maintenance against read savings in the advice (default 1)"},
    {"ascii", NULL, "ASCII line drawing (automatic when the locale is not UTF-8)"},
    {"no-color", NULL, "monochrome screen (also when NO_COLOR is set)"},
    {"mouse", NULL, "mouse clicks and wheel (default true; --no-mouse)"},
    {"concurrently", NULL, "CREATE/DROP INDEX CONCURRENTLY in exported SQL (default true; --no-concurrently)"},
    {"node", "CONNINFO", "another server of the cluster, primary or standby (repeatable)"},
};

static const spec SPECS[] = {
    {K_SECONDS, offsetof(ixt_config, refresh), 0.2, 3600,
     "seconds from 0.2 to 3600 such as 2, 0.5 or 500ms"},
    {K_STRING, offsetof(ixt_config, theme), 1, sizeof(((ixt_config *)0)->theme) - 1,
     "a theme name or a file name"},
    {K_MS, offsetof(ixt_config, lock_timeout_ms), 1, DAY_MS,
     "a duration from 1ms to 24h such as 2000, 500ms, 2s or 1min"},
    {K_MS, offsetof(ixt_config, statement_timeout_ms), 1, DAY_MS,
     "a duration from 1ms to 24h such as 30000, 30s or 5min"},
    {K_INT, offsetof(ixt_config, runs), 1, 100, "a whole number from 1 to 100"},
    {K_MB, offsetof(ixt_config, budget_mb), 0, 1e9, "a size in MB such as 500 or 2GB (0 = no limit)"},
    {K_NUMBER, offsetof(ixt_config, write_weight), 0, 1000, "a number from 0 to 1000 such as 1 or 0.5"},
    {K_BOOL, offsetof(ixt_config, ascii), 0, 1, "true or false"},
    {K_BOOL, offsetof(ixt_config, no_color), 0, 1, "true or false"},
    {K_BOOL, offsetof(ixt_config, mouse), 0, 1, "true or false"},
    {K_BOOL, offsetof(ixt_config, concurrently), 0, 1, "true or false"},
    {K_NODE, offsetof(ixt_config, nodes), 1, IXT_CONFIG_NODE_LEN - 1,
     "a conninfo or URI such as 'host=standby1 port=5432' (at most 8 nodes)"},
};

#define NOPTIONS (sizeof OPTIONS / sizeof OPTIONS[0])
_Static_assert(sizeof OPTIONS / sizeof OPTIONS[0] == sizeof SPECS / sizeof SPECS[0],
               "every option needs a spec");

const ixt_config_option *ixt_config_options(size_t *n)
{
    if (n)
        *n = NOPTIONS;
    return OPTIONS;
}

void ixt_config_defaults(ixt_config *c)
{
    memset(c, 0, sizeof *c);
    c->refresh = 2.0;
    snprintf(c->theme, sizeof c->theme, "default");
    c->lock_timeout_ms = 2000;
    c->statement_timeout_ms = 30000;
    c->runs = 5;
    c->budget_mb = 0;
    c->write_weight = 1;
    c->ascii = false;
    c->no_color = false;
    c->mouse = true;
    c->concurrently = true;
}

/* ===== values ===== */

typedef struct unit {
    const char *name;
    double scale;
} unit;

static const unit TIME_UNITS[] = {
    {"ms", 1}, {"s", 1000}, {"sec", 1000}, {"min", 60000}, {"h", 3600000}, {NULL, 0},
};
static const unit SIZE_UNITS[] = {
    {"kB", 1.0 / 1024}, {"MB", 1}, {"GB", 1024}, {"TB", 1024 * 1024}, {NULL, 0},
};

/* A number with an optional unit ("2s", "1.5 GB"); a bare number is in
 * bare_scale.  The result is in the table's base unit. */
static int parse_quantity(const char *v, const unit *units, double bare_scale, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || errno || !isfinite(d) || isspace((unsigned char)*v))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (!*end) {
        *out = d * bare_scale;
        return 0;
    }
    for (const unit *u = units; u->name; u++)
        if (strcasecmp(end, u->name) == 0) {
            *out = d * u->scale;
            return 0;
        }
    return -1;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_int(const char *v, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno || isspace((unsigned char)*v))
        return -1;
    *out = n;
    return 0;
}

static bool valid_name(const char *v)
{
    if (!*v)
        return false;
    for (const char *p = v; *p; p++)
        if (iscntrl((unsigned char)*p))
            return false;
    return true;
}

/* Parses v for spec s into its field of c; -1 when it does not fit. */
static int set_value(const spec *s, ixt_config *c, const char *v)
{
    void *dst = (char *)c + s->off;
    double d;
    long n;
    bool b;
    switch (s->k) {
    case K_SECONDS:
        if (parse_quantity(v, TIME_UNITS, 1000, &d) != 0 || d / 1000 < s->min || d / 1000 > s->max)
            return -1;
        *(double *)dst = d / 1000;
        return 0;
    case K_MS:
        if (parse_quantity(v, TIME_UNITS, 1, &d) != 0 || d < s->min || d > s->max)
            return -1;
        *(int *)dst = (int)llround(d);
        return 0;
    case K_INT:
        if (parse_int(v, &n) != 0 || n < s->min || n > s->max)
            return -1;
        *(int *)dst = (int)n;
        return 0;
    case K_MB:
        if (parse_quantity(v, SIZE_UNITS, 1, &d) != 0 || d < s->min || d > s->max)
            return -1;
        *(double *)dst = d;
        return 0;
    case K_NUMBER: {
        char *end;
        errno = 0;
        d = strtod(v, &end);
        if (errno || end == v || *end || !(d >= s->min && d <= s->max))
            return -1;
        *(double *)dst = d;
        return 0;
    }
    case K_BOOL:
        if (parse_bool(v, &b) != 0)
            return -1;
        *(bool *)dst = b;
        return 0;
    case K_STRING:
        if (!valid_name(v) || strlen(v) > s->max)
            return -1;
        snprintf((char *)dst, (size_t)s->max + 1, "%s", v);
        return 0;
    case K_NODE: /* repeatable: each one adds a node */
        if (c->nnodes >= IXT_CONFIG_NODES || !valid_name(v) || strlen(v) > s->max)
            return -1;
        snprintf(c->nodes[c->nnodes++], sizeof c->nodes[0], "%s", v);
        return 0;
    }
    return -1;
}

/* ===== names ===== */


static int find_option(const char *key)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strcmp(key, OPTIONS[i].name) == 0)
            return (int)i;
    return -1;
}

static int unknown_option(const char *key, ixt_err *e)
{
    const char *names[NOPTIONS];
    for (size_t i = 0; i < NOPTIONS; i++)
        names[i] = OPTIONS[i].name;
    const char *pick = ixt_closest_name(key, names, NOPTIONS);
    if (pick)
        return ixt_err_set(e, "unknown option '%s' (did you mean '%s'?)", key, pick);
    return ixt_err_set(e, "unknown option '%s'", key);
}

int ixt_config_set(ixt_config *c, const char *key, const char *value, ixt_err *e)
{
    int i = find_option(key);
    if (i < 0)
        return unknown_option(key, e);
    if (set_value(&SPECS[i], c, value) != 0)
        return ixt_err_set(e, "%s needs %s, not '%s'", key, SPECS[i].expect, value);
    return 0;
}

const char *ixt_config_get(const ixt_config *c, const char *key, char *out, size_t outlen)
{
    int i = find_option(key);
    if (i < 0)
        return NULL;
    const void *src = (const char *)c + SPECS[i].off;
    switch (SPECS[i].k) {
    case K_SECONDS: case K_MB: case K_NUMBER:
        snprintf(out, outlen, "%g", *(const double *)src);
        break;
    case K_MS:
        snprintf(out, outlen, "%dms", *(const int *)src);
        break;
    case K_INT:
        snprintf(out, outlen, "%d", *(const int *)src);
        break;
    case K_BOOL:
        snprintf(out, outlen, "%s", *(const bool *)src ? "true" : "false");
        break;
    case K_STRING:
        snprintf(out, outlen, "%s", (const char *)src);
        break;
    case K_NODE: {
        size_t used = 0;
        out[0] = '\0';
        for (int k = 0; k < c->nnodes && used < outlen; k++)
            used += (size_t)snprintf(out + used, outlen - used, "%s%s", k ? "\n" : "", c->nodes[k]);
        break;
    }
    }
    return out;
}

/* ===== files ===== */

/* Strips one pair of matching quotes: theme = "light". */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

/* Cuts a trailing comment: '#' at the start or after a space, outside quotes,
 * so a password such as "pa#ss" in a node's conninfo survives. */
static void cut_comment(char *line)
{
    char quote = 0;
    for (char *p = line; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

static int apply_line(ixt_config *c, char *line, const char *where, int no, ixt_err *e)
{
    cut_comment(line);
    char *s = ixt_trim(line);
    if (!*s)
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return ixt_err_set(e, "%s:%d: expected 'name = value'", where, no);
    *eq = '\0';
    ixt_err inner;
    if (ixt_config_set(c, ixt_trim(s), unquote(ixt_trim(eq + 1)), &inner) != 0)
        return ixt_err_set(e, "%s:%d: %s", where, no, inner.msg);
    return 0;
}

int ixt_config_parse(const char *text, const char *where, ixt_config *c, ixt_err *e)
{
    ixt_config out = *c;
    char *copy = ixt_xstrdup(text);
    int no = 0, rc = 0;
    char *next;
    for (char *p = copy; p && rc == 0; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        rc = apply_line(&out, p, where, ++no, e);
    }
    free(copy);
    if (rc == 0)
        *c = out;
    return rc;
}

char *ixt_config_path_for(const char *xdg, const char *home)
{
    if (xdg && *xdg)
        return ixt_xasprintf("%s/idxtune/config", xdg);
    if (home && *home)
        return ixt_xasprintf("%s/.config/idxtune/config", home);
    return NULL;
}

/* path as shown to people: "~/.config/idxtune/config".  caller frees */
static char *display_path(const char *path, const char *home)
{
    size_t n = home ? strlen(home) : 0;
    if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
        return ixt_xasprintf("~%s", path + n);
    return ixt_xstrdup(path);
}

int ixt_config_load(const char *path, ixt_config *c, ixt_err *e)
{
    char *owned = NULL, *shown;
    if (path) {
        shown = ixt_xstrdup(path);
    } else {
        owned = ixt_config_path_for(getenv("XDG_CONFIG_HOME"), getenv("HOME"));
        if (!owned)
            return 0;
        path = owned;
        shown = display_path(path, getenv("HOME"));
    }
    int rc = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            rc = ixt_err_set(e, "%s: %s", shown, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = ixt_err_set(e, "%s: not a regular file", shown);
    } else {
        char *text = ixt_read_file(path, NULL, e);
        rc = text ? ixt_config_parse(text, shown, c, e) : -1;
        free(text);
    }
    free(owned);
    free(shown);
    return rc;
}
