/* theme: theme files.  One line per role:
 *
 *     name = default
 *     title = black on cyan, bold
 *     selected = #1c1c1c on #5fafd7 | reverse
 *
 * "FG [on BG][, ATTR...] [| MONO-ATTR...]": the part after '|' is what the
 * role looks like without colour (NO_COLOR, --no-color, mono terminals). */
#include "idxtune/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const ROLE_NAMES[IXT_ROLE_COUNT] = {
    "normal", "title", "status", "key", "keybar", "header", "selected", "cost-hot",
    "cost-warm", "good", "bad", "muted", "error", "tab-active", "tab-inactive",
};

const char *ixt_role_name(ixt_role r)
{
    return r < IXT_ROLE_COUNT ? ROLE_NAMES[r] : "?";
}

#define D IXT_COLOR_DEFAULT
#define B IXT_ATTR_BOLD
#define R IXT_ATTR_REVERSE
#define U IXT_ATTR_UNDERLINE
#define DIM IXT_ATTR_DIM

void ixt_theme_builtin(ixt_theme *t)
{
    static const ixt_style DEFAULT[IXT_ROLE_COUNT] = {
        [IXT_ROLE_NORMAL] = {D, D, 0, 0},
        [IXT_ROLE_TITLE] = {0, 6, 0, R},
        [IXT_ROLE_STATUS] = {7, 4, 0, R},
        [IXT_ROLE_KEY] = {15, 0, B, B},
        [IXT_ROLE_KEYBAR] = {0, 6, 0, R},
        [IXT_ROLE_HEADER] = {0, 2, 0, B | U},
        [IXT_ROLE_SELECTED] = {0, 14, 0, R},
        [IXT_ROLE_COST_HOT] = {9, D, B, B},
        [IXT_ROLE_COST_WARM] = {11, D, 0, 0},
        [IXT_ROLE_GOOD] = {10, D, B, B},
        [IXT_ROLE_BAD] = {9, D, B, U},
        [IXT_ROLE_MUTED] = {8, D, 0, DIM},
        [IXT_ROLE_ERROR] = {15, 1, B, R | B},
        [IXT_ROLE_TAB_ACTIVE] = {0, 14, B, R | B},
        [IXT_ROLE_TAB_INACTIVE] = {D, D, 0, 0},
    };
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "default");
    memcpy(t->roles, DEFAULT, sizeof DEFAULT);
}

#undef D
#undef B
#undef R
#undef U
#undef DIM

/* ===== colours ===== */

static const char *const BASIC[8] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

/* xterm's RGB for the 16 basic colours. */
static const int BASIC_RGB[16][3] = {
    {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
    {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
};

static const int CUBE[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

static void rgb_of(int c, int rgb[3])
{
    if (c < 16) {
        memcpy(rgb, BASIC_RGB[c], 3 * sizeof(int));
    } else if (c < 232) {
        c -= 16;
        rgb[0] = CUBE[c / 36];
        rgb[1] = CUBE[(c / 6) % 6];
        rgb[2] = CUBE[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + (c - 232) * 10;
    }
}

static int dist2(const int a[3], int r, int g, int b)
{
    return (a[0] - r) * (a[0] - r) + (a[1] - g) * (a[1] - g) + (a[2] - b) * (a[2] - b);
}

static int cube_index(int v)
{
    return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

int ixt_color_from_rgb(int r, int g, int b)
{
    /* The nearest of the colour cube and the grey ramp, as tmux does. */
    int qr = cube_index(r), qg = cube_index(g), qb = cube_index(b);
    int cube = 16 + 36 * qr + 6 * qg + qb;
    int avg = (r + g + b) / 3;
    int gi = avg > 238 ? 23 : (avg - 3) / 10;
    if (gi < 0)
        gi = 0;
    int grey = 232 + gi;
    int crgb[3], grgb[3];
    rgb_of(cube, crgb);
    rgb_of(grey, grgb);
    return dist2(grgb, r, g, b) < dist2(crgb, r, g, b) ? grey : cube;
}

int ixt_color_256to16(int c)
{
    if (c < 16)
        return c;
    int rgb[3], best = 0, bestd = 1 << 30;
    rgb_of(c, rgb);
    for (int i = 0; i < 16; i++) {
        int d = dist2(BASIC_RGB[i], rgb[0], rgb[1], rgb[2]);
        if (d < bestd) {
            bestd = d;
            best = i;
        }
    }
    return best;
}

int ixt_color_parse(const char *s)
{
    if (strcasecmp(s, "default") == 0 || strcasecmp(s, "none") == 0)
        return IXT_COLOR_DEFAULT;
    bool bright = strncasecmp(s, "bright-", 7) == 0;
    const char *base = bright ? s + 7 : s;
    for (int i = 0; i < 8; i++)
        if (strcasecmp(base, BASIC[i]) == 0)
            return bright ? i + 8 : i;
    if (strcasecmp(s, "grey") == 0 || strcasecmp(s, "gray") == 0)
        return 8;
    char *end;
    if (s[0] == '#' && strlen(s) == 7) {
        long v = strtol(s + 1, &end, 16);
        if (*end == '\0')
            return ixt_color_from_rgb((int)(v >> 16) & 255, (int)(v >> 8) & 255, (int)v & 255);
        return -2;
    }
    long v = strtol(s, &end, 10);
    if (isdigit((unsigned char)s[0]) && *end == '\0' && v >= 0 && v <= 255)
        return (int)v;
    return -2;
}

/* ===== parsing ===== */


static int parse_attr(const char *word, unsigned *attrs)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"bold", IXT_ATTR_BOLD}, {"dim", IXT_ATTR_DIM}, {"underline", IXT_ATTR_UNDERLINE},
        {"reverse", IXT_ATTR_REVERSE}, {"italic", IXT_ATTR_ITALIC}, {"none", 0},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(word, names[i].name) == 0) {
            *attrs |= names[i].bit;
            return 0;
        }
    return -1;
}

/* "bold underline" or "bold, underline" */
static int parse_attrs(char *s, unsigned *attrs, const char *where, int line, ixt_err *e)
{
    for (char *tok = strtok(s, " ,\t"); tok; tok = strtok(NULL, " ,\t"))
        if (parse_attr(tok, attrs) != 0)
            return ixt_err_set(e, "%s:%d: unknown attribute '%s' (bold, dim, underline, "
                                  "reverse, italic)", where, line, tok);
    return 0;
}

static int parse_colors(char *s, ixt_style *st, const char *where, int line, ixt_err *e)
{
    char *on = strstr(s, " on ");
    char *fg = s, *bg = NULL;
    if (on) {
        *on = '\0';
        bg = ixt_trim(on + 4);
    }
    fg = ixt_trim(fg);
    int f = *fg ? ixt_color_parse(fg) : IXT_COLOR_DEFAULT;
    int b = bg ? ixt_color_parse(bg) : IXT_COLOR_DEFAULT;
    if (f == -2)
        return ixt_err_set(e, "%s:%d: unknown colour '%s'", where, line, fg);
    if (b == -2)
        return ixt_err_set(e, "%s:%d: unknown colour '%s'", where, line, bg);
    st->fg = f;
    st->bg = b;
    return 0;
}

static int parse_style(char *v, ixt_style *st, const char *where, int line, ixt_err *e)
{
    ixt_style out = {IXT_COLOR_DEFAULT, IXT_COLOR_DEFAULT, 0, st->mono};
    char *mono = strchr(v, '|');
    if (mono) {
        *mono++ = '\0';
        out.mono = 0;
        if (parse_attrs(mono, &out.mono, where, line, e) != 0)
            return -1;
    }
    char *comma = strchr(v, ',');
    if (comma) {
        *comma++ = '\0';
        if (parse_attrs(comma, &out.attrs, where, line, e) != 0)
            return -1;
    }
    if (parse_colors(v, &out, where, line, e) != 0)
        return -1;
    *st = out;
    return 0;
}

static int find_role(const char *name)
{
    for (int i = 0; i < IXT_ROLE_COUNT; i++)
        if (strcasecmp(name, ROLE_NAMES[i]) == 0)
            return i;
    return -1;
}

static int parse_line(char *line, int no, const char *where, ixt_theme *t, ixt_err *e)
{
    char *hash = strchr(line, '#');
    /* '#' starts a comment unless it begins a #rrggbb colour */
    while (hash && isxdigit((unsigned char)hash[1]) && (hash == line || hash[-1] == ' '))
        hash = strchr(hash + 1, '#');
    if (hash)
        *hash = '\0';
    char *s = ixt_trim(line);
    if (!*s)
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return ixt_err_set(e, "%s:%d: expected 'role = colour [on colour][, attributes]'", where, no);
    *eq = '\0';
    char *key = ixt_trim(s), *val = ixt_trim(eq + 1);
    if (strcasecmp(key, "name") == 0) {
        snprintf(t->name, sizeof t->name, "%s", val);
        return 0;
    }
    int role = find_role(key);
    if (role < 0)
        return ixt_err_set(e, "%s:%d: unknown role '%s'", where, no, key);
    return parse_style(val, &t->roles[role], where, no, e);
}

int ixt_theme_parse(const char *text, const char *where, ixt_theme *t, ixt_err *e)
{
    ixt_theme out;
    ixt_theme_builtin(&out);
    char *copy = ixt_xstrdup(text);
    int no = 0, rc = 0;
    char *save = NULL;
    /* strtok_r skips empty lines, so count lines by hand */
    for (char *p = copy; p && rc == 0; p = save) {
        save = strchr(p, '\n');
        if (save)
            *save++ = '\0';
        rc = parse_line(p, ++no, where, &out, e);
    }
    free(copy);
    if (rc == 0)
        *t = out;
    return rc;
}

int ixt_theme_load_file(const char *path, ixt_theme *t, ixt_err *e)
{
    char *text = ixt_read_file(path, NULL, e);
    if (!text)
        return -1;
    int rc = ixt_theme_parse(text, path, t, e);
    free(text);
    return rc;
}

/* ===== finding themes ===== */

size_t ixt_theme_dirs(char ***dirs)
{
    char **d = ixt_xcalloc(4, sizeof *d);
    size_t n = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        d[n++] = ixt_xasprintf("%s/idxtune/themes", xdg);
    else if (home && *home)
        d[n++] = ixt_xasprintf("%s/.config/idxtune/themes", home);
    d[n++] = ixt_xstrdup(IXT_DATADIR "/themes");
    d[n++] = ixt_xstrdup("themes");
    *dirs = d;
    return n;
}

void ixt_theme_list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

int ixt_theme_load_from(const char *name, char *const *dirs, size_t ndirs, ixt_theme *t, ixt_err *e)
{
    if (strchr(name, '/'))
        return ixt_theme_load_file(name, t, e);
    for (size_t i = 0; i < ndirs; i++) {
        char *path = ixt_xasprintf("%s/%s.theme", dirs[i], name);
        struct stat st;
        int rc = stat(path, &st) == 0 ? ixt_theme_load_file(path, t, e) : 1;
        free(path);
        if (rc <= 0)
            return rc;
    }
    if (strcmp(name, "default") == 0) {
        ixt_theme_builtin(t);
        return 0;
    }
    return ixt_err_set(e, "theme '%s' not found (looked in ~/.config/idxtune/themes, "
                          IXT_DATADIR "/themes and ./themes)", name);
}

int ixt_theme_load(const char *name, ixt_theme *t, ixt_err *e)
{
    char **dirs;
    size_t n = ixt_theme_dirs(&dirs);
    int rc = ixt_theme_load_from(name, dirs, n, t, e);
    ixt_theme_list_free(dirs, n);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    if (strcmp(x, "default") == 0 || strcmp(y, "default") == 0)
        return strcmp(x, "default") == 0 ? (strcmp(y, "default") == 0 ? 0 : -1) : 1;
    return strcmp(x, y);
}

static void add_dir_names(const char *dir, char ***names, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len <= 6 || strcmp(ent->d_name + len - 6, ".theme") != 0)
            continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *names = ixt_xrealloc(*names, *cap * sizeof **names);
        }
        (*names)[(*n)++] = ixt_xstrndup(ent->d_name, len - 6);
    }
    closedir(d);
}

size_t ixt_theme_list_from(char *const *dirs, size_t ndirs, char ***names)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    for (size_t i = 0; i < ndirs; i++)
        add_dir_names(dirs[i], &v, &n, &cap);
    if (n == cap)
        v = ixt_xrealloc(v, (cap + 1) * sizeof *v);
    v[n++] = ixt_xstrdup("default");
    qsort(v, n, sizeof *v, cmp_names);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && strcmp(v[out - 1], v[i]) == 0)
            free(v[i]);
        else
            v[out++] = v[i];
    }
    *names = v;
    return out;
}

size_t ixt_theme_list(char ***names)
{
    char **dirs;
    size_t nd = ixt_theme_dirs(&dirs);
    size_t n = ixt_theme_list_from(dirs, nd, names);
    ixt_theme_list_free(dirs, nd);
    return n;
}
