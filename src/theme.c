/* theme: theme files, colours and the mapping down to poorer terminals.
 *
 *     # comment
 *     name     = default
 *     title    = black on cyan, bold | reverse
 *     selected = #1c1c1c on #5fafd7 | reverse
 *
 * ROLE = [FG] [on BG] [, ATTR...] [| ATTR...]: the part after '|' is what
 * the role looks like without colour (NO_COLOR, --no-color, monochrome
 * terminals).  Full description: themes/README.md. */
#include "idxtune/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const ROLE_NAMES[IXT_ROLE_COUNT] = {
    [IXT_ROLE_NORMAL] = "normal",
    [IXT_ROLE_TITLE] = "title",
    [IXT_ROLE_STATUS] = "status",
    [IXT_ROLE_KEY] = "key",
    [IXT_ROLE_KEYBAR] = "keybar",
    [IXT_ROLE_HEADER] = "header",
    [IXT_ROLE_SELECTED] = "selected",
    [IXT_ROLE_COST_HOT] = "cost-hot",
    [IXT_ROLE_COST_WARM] = "cost-warm",
    [IXT_ROLE_GOOD] = "good",
    [IXT_ROLE_BAD] = "bad",
    [IXT_ROLE_MUTED] = "muted",
    [IXT_ROLE_ERROR] = "error",
    [IXT_ROLE_TAB_ACTIVE] = "tab-active",
    [IXT_ROLE_TAB_INACTIVE] = "tab-inactive",
    [IXT_ROLE_BORDER] = "border",
    [IXT_ROLE_MATCH] = "match",
    [IXT_ROLE_TREE] = "tree",
    [IXT_ROLE_WARNING] = "warning",
};

const char *ixt_role_name(ixt_role r)
{
    return (unsigned)r < IXT_ROLE_COUNT ? ROLE_NAMES[r] : "?";
}

/* ===== built-in themes ===== */

#define D IXT_COLOR_DEFAULT
#define B IXT_ATTR_BOLD
#define R IXT_ATTR_REVERSE
#define U IXT_ATTR_UNDERLINE
#define DIM IXT_ATTR_DIM

/* Keep in step with themes/default.theme (a unit test compares them). */
static const ixt_style DARK[IXT_ROLE_COUNT] = {
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
    [IXT_ROLE_BORDER] = {8, D, 0, 0},
    [IXT_ROLE_MATCH] = {0, 11, 0, U | B},
    [IXT_ROLE_TREE] = {6, D, 0, 0},
    [IXT_ROLE_WARNING] = {0, 11, B, R | B},
};

/* Keep in step with themes/monochrome.theme. */
static const ixt_style MONO[IXT_ROLE_COUNT] = {
    [IXT_ROLE_NORMAL] = {D, D, 0, 0},
    [IXT_ROLE_TITLE] = {D, D, R, R},
    [IXT_ROLE_STATUS] = {D, D, R, R},
    [IXT_ROLE_KEY] = {D, D, B, B},
    [IXT_ROLE_KEYBAR] = {D, D, R, R},
    [IXT_ROLE_HEADER] = {D, D, B | U, B | U},
    [IXT_ROLE_SELECTED] = {D, D, R, R},
    [IXT_ROLE_COST_HOT] = {D, D, B, B},
    [IXT_ROLE_COST_WARM] = {D, D, 0, 0},
    [IXT_ROLE_GOOD] = {D, D, B, B},
    [IXT_ROLE_BAD] = {D, D, U, U},
    [IXT_ROLE_MUTED] = {D, D, DIM, DIM},
    [IXT_ROLE_ERROR] = {D, D, R | B, R | B},
    [IXT_ROLE_TAB_ACTIVE] = {D, D, R | B, R | B},
    [IXT_ROLE_TAB_INACTIVE] = {D, D, 0, 0},
    [IXT_ROLE_BORDER] = {D, D, 0, 0},
    [IXT_ROLE_MATCH] = {D, D, U | B, U | B},
    [IXT_ROLE_TREE] = {D, D, 0, 0},
    [IXT_ROLE_WARNING] = {D, D, R | B, R | B},
};

#undef D
#undef B
#undef R
#undef U
#undef DIM

static void theme_init(ixt_theme *t, const char *name, const ixt_style *roles)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    memcpy(t->roles, roles, sizeof t->roles);
}

void ixt_theme_builtin(ixt_theme *t)
{
    theme_init(t, "default", DARK);
}

void ixt_theme_monochrome(ixt_theme *t)
{
    theme_init(t, "monochrome", MONO);
}

bool ixt_color_wanted(bool no_color_option, const char *no_color_env)
{
    return !no_color_option && !(no_color_env && *no_color_env);
}

/* ===== colours ===== */

static const char *const BASIC[8] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

/* xterm's default RGB for the 16 basic colours. */
static const int BASIC_RGB[16][3] = {
    {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
    {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
};

/* The six levels of each axis of the 6x6x6 cube (16..231). */
static const int CUBE[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

int ixt_color_rgb(int r, int g, int b)
{
    return IXT_COLOR_RGB | (r & 255) << 16 | (g & 255) << 8 | (b & 255);
}

bool ixt_color_to_rgb(int c, int rgb[3])
{
    if (c >= IXT_COLOR_RGB) {
        rgb[0] = (c >> 16) & 255;
        rgb[1] = (c >> 8) & 255;
        rgb[2] = c & 255;
    } else if (c >= 0 && c < 16) {
        memcpy(rgb, BASIC_RGB[c], 3 * sizeof(int));
    } else if (c >= 16 && c < 232) {
        c -= 16;
        rgb[0] = CUBE[c / 36];
        rgb[1] = CUBE[(c / 6) % 6];
        rgb[2] = CUBE[c % 6];
    } else if (c >= 232 && c < 256) {
        rgb[0] = rgb[1] = rgb[2] = 8 + (c - 232) * 10;
    } else {
        return false;
    }
    return true;
}

static int dist2(const int a[3], const int b[3])
{
    int dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
    return dr * dr + dg * dg + db * db;
}

static int cube_level(int v)
{
    return v < 48 ? 0 : v < 114 ? 1 : (v - 35) / 40;
}

int ixt_color_nearest256(int r, int g, int b)
{
    /* The nearest cube colour and the nearest grey, whichever is closer
     * (tmux's colour_find_rgb).  Indexes 0-15 are left out: terminals and
     * users redefine them. */
    int want[3] = {r, g, b};
    int qr = cube_level(r), qg = cube_level(g), qb = cube_level(b);
    int cube[3] = {CUBE[qr], CUBE[qg], CUBE[qb]};
    int avg = (r + g + b) / 3;
    int gi = avg > 238 ? 23 : avg < 3 ? 0 : (avg - 3) / 10;
    int gv = 8 + 10 * gi;
    int grey[3] = {gv, gv, gv};
    if (dist2(grey, want) < dist2(cube, want))
        return 232 + gi;
    return 16 + 36 * qr + 6 * qg + qb;
}

int ixt_color_256to16(int c)
{
    if (c < 0)
        return c;
    if (c < 16)
        return c;
    /* Plain RGB distance to the 16 colours turns dark yellows red and dark
     * blues grey; a meaning carried by hue (red bad, green good, yellow
     * warm) must survive.  So: a colour with little chroma goes to the
     * nearest grey (black, bright-black, white, bright-white); any other to
     * the nearest of the six hues, bright when it is light. */
    int rgb[3];
    ixt_color_to_rgb(c, rgb);
    int mx = rgb[0], mn = rgb[0];
    for (int i = 1; i < 3; i++) {
        mx = rgb[i] > mx ? rgb[i] : mx;
        mn = rgb[i] < mn ? rgb[i] : mn;
    }
    if (mx - mn < 48 || mx < 40) {
        static const int greys[4] = {0, 8, 7, 15};
        int best = 0, bestd = 1 << 30;
        for (int i = 0; i < 4; i++) {
            int d = dist2(BASIC_RGB[greys[i]], rgb);
            if (d < bestd) {
                bestd = d;
                best = greys[i];
            }
        }
        return best;
    }
    /* hue in degrees (0 red, 60 yellow, 120 green, 180 cyan, 240 blue,
     * 300 magenta) */
    double chroma = mx - mn, h;
    if (mx == rgb[0])
        h = 60.0 * ((rgb[1] - rgb[2]) / chroma);
    else if (mx == rgb[1])
        h = 60.0 * ((rgb[2] - rgb[0]) / chroma + 2);
    else
        h = 60.0 * ((rgb[0] - rgb[1]) / chroma + 4);
    if (h < 0)
        h += 360;
    static const int by_sector[6] = {1, 3, 2, 6, 4, 5}; /* r y g c b m */
    int sector = (int)((h + 30) / 60) % 6;
    return by_sector[sector] + (mx >= 0xd7 ? 8 : 0);
}

int ixt_color_fit(int c, int ncolors, bool *bright)
{
    if (c < 0 || ncolors < 8)
        return IXT_COLOR_DEFAULT;
    if (ncolors >= IXT_COLORS_DIRECT) {
        /* direct colour: 0..7 are the basic colours, anything else RGB */
        if (c < 8)
            return c;
        int rgb[3];
        ixt_color_to_rgb(c, rgb);
        int v = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
        return v < 8 ? 0 : v;
    }
    if (c >= IXT_COLOR_RGB)
        c = ixt_color_nearest256((c >> 16) & 255, (c >> 8) & 255, c & 255);
    if (ncolors >= 256)
        return c;
    c = ixt_color_256to16(c);
    if (ncolors >= 16)
        return c;
    if (c >= 8) {
        if (bright)
            *bright = true;
        c -= 8;
    }
    return c;
}

/* Black or white, whichever stands out on bg. */
static int contrast_on(int bg, int ncolors)
{
    int rgb[3] = {0, 0, 0};
    if (ncolors >= IXT_COLORS_DIRECT && bg >= 8) {
        rgb[0] = (bg >> 16) & 255;
        rgb[1] = (bg >> 8) & 255;
        rgb[2] = bg & 255;
    } else {
        ixt_color_to_rgb(bg, rgb);
    }
    int luma = (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000;
    return luma > 128 ? 0 : 7;
}

void ixt_style_fit(const ixt_style *s, int ncolors, bool has_default, ixt_fitted *out)
{
    bool bright = false, bg_bright = false; /* a background cannot be bold */
    out->fg = ixt_color_fit(s->fg, ncolors, &bright);
    out->bg = ixt_color_fit(s->bg, ncolors, &bg_bright);
    out->attrs = s->attrs | (bright ? IXT_ATTR_BOLD : 0);
    if (!has_default) {
        if (out->fg < 0)
            out->fg = 7;
        if (out->bg < 0)
            out->bg = 0;
    }
    if (out->fg >= 0 && out->fg == out->bg)
        out->fg = contrast_on(out->bg, ncolors);
}

/* ===== names ===== */


/* " (did you mean 'x'?)" for the closest of names within 2 edits, or "". */
static void suggest(const char *word, const char *const *names, size_t n, char *out, size_t outlen)
{
    const char *pick = ixt_closest_name(word, names, n);
    if (pick)
        snprintf(out, outlen, " (did you mean '%s'?)", pick);
    else if (outlen)
        out[0] = '\0';
}

static int color_index_suffix(const char *s)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return IXT_COLOR_INVALID;
    long v = strtol(s, &end, 10);
    return (*end == '\0' && v >= 0 && v <= 255 && end - s <= 3) ? (int)v : IXT_COLOR_INVALID;
}

static int parse_hex(const char *s)
{
    if (strlen(s) != 7)
        return IXT_COLOR_INVALID;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i]))
            return IXT_COLOR_INVALID;
    long v = strtol(s + 1, NULL, 16);
    return ixt_color_rgb((int)(v >> 16) & 255, (int)(v >> 8) & 255, (int)v & 255);
}

int ixt_color_parse(const char *s)
{
    if (s[0] == '#')
        return parse_hex(s);
    if (strcasecmp(s, "default") == 0)
        return IXT_COLOR_DEFAULT;
    if (strcasecmp(s, "grey") == 0 || strcasecmp(s, "gray") == 0)
        return 8;
    if (strncasecmp(s, "colour", 6) == 0)
        return color_index_suffix(s + 6);
    if (strncasecmp(s, "color", 5) == 0)
        return color_index_suffix(s + 5);
    int bright = 0;
    if (strncasecmp(s, "bright", 6) == 0) {
        bright = 8;
        s += 6;
        if (*s == '-' || *s == '_')
            s++;
    }
    for (int i = 0; i < 8; i++)
        if (strcasecmp(s, BASIC[i]) == 0)
            return i + bright;
    return bright ? IXT_COLOR_INVALID : color_index_suffix(s);
}

/* ===== parsing ===== */

typedef struct line_ctx {
    const char *where;
    int no;
    ixt_err *e;
} line_ctx;

static const char *const ATTR_NAMES[] = {"bold", "dim", "underline", "reverse", "italic", "none", "normal"};
static const unsigned ATTR_BITS[] = {IXT_ATTR_BOLD, IXT_ATTR_DIM, IXT_ATTR_UNDERLINE, IXT_ATTR_REVERSE,
                                     IXT_ATTR_ITALIC, 0, 0};

static bool attr_bit(const char *word, unsigned *bit)
{
    for (size_t i = 0; i < sizeof ATTR_BITS / sizeof ATTR_BITS[0]; i++)
        if (strcasecmp(word, ATTR_NAMES[i]) == 0) {
            *bit = ATTR_BITS[i];
            return true;
        }
    return false;
}

static int parse_attr(const char *word, unsigned *attrs, const line_ctx *lc)
{
    unsigned bit;
    if (attr_bit(word, &bit)) {
        *attrs |= bit;
        return 0;
    }
    char hint[64];
    suggest(word, ATTR_NAMES, 5, hint, sizeof hint);
    return ixt_err_set(lc->e, "%s:%d: unknown attribute '%s'%s (bold, dim, underline, reverse, italic)",
                       lc->where, lc->no, word, hint);
}

static int parse_color_word(const char *word, int *out, const line_ctx *lc)
{
    int c = ixt_color_parse(word);
    if (c == IXT_COLOR_INVALID) {
        static const char *const names[] = {"default", "black", "red", "green", "yellow", "blue",
                                            "magenta", "cyan", "white", "grey"};
        char hint[64];
        suggest(word, names, sizeof names / sizeof names[0], hint, sizeof hint);
        return ixt_err_set(lc->e, "%s:%d: unknown colour '%s'%s", lc->where, lc->no, word, hint);
    }
    *out = c;
    return 0;
}

#define MAX_WORDS 16

/* Splits s in place at blanks and commas. */
static size_t split_words(char *s, char **words)
{
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(s, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        if (n == MAX_WORDS)
            return MAX_WORDS + 1;
        words[n++] = w;
    }
    return n;
}

/* "[FG] [on BG] [, ATTR...] [| ATTR...]" */
static int parse_style(char *v, ixt_style *st, const line_ctx *lc)
{
    ixt_style out = {IXT_COLOR_DEFAULT, IXT_COLOR_DEFAULT, 0, 0};
    char *bar = strchr(v, '|');
    if (bar)
        *bar++ = '\0';
    char *words[MAX_WORDS + 1];
    size_t n = split_words(v, words), i = 0;
    if (n > MAX_WORDS)
        return ixt_err_set(lc->e, "%s:%d: too many words", lc->where, lc->no);
    if (n == 0 && !bar)
        return ixt_err_set(lc->e, "%s:%d: missing style (FG [on BG][, attributes])", lc->where, lc->no);
    /* the foreground is optional: "title = on blue", "title = bold" */
    unsigned bit;
    bool starts_with_attr = i < n && attr_bit(words[i], &bit);
    if (i < n && !starts_with_attr && strcasecmp(words[i], "on") != 0 &&
        parse_color_word(words[i++], &out.fg, lc) != 0)
        return -1;
    if (i < n && strcasecmp(words[i], "on") == 0) {
        if (++i == n)
            return ixt_err_set(lc->e, "%s:%d: 'on' needs a background colour", lc->where, lc->no);
        if (parse_color_word(words[i++], &out.bg, lc) != 0)
            return -1;
    }
    for (; i < n; i++)
        if (parse_attr(words[i], &out.attrs, lc) != 0)
            return -1;
    /* Without a '|' part the role keeps its attributes when colour is off. */
    out.mono = out.attrs;
    if (bar) {
        out.mono = 0;
        n = split_words(bar, words);
        if (n > MAX_WORDS)
            return ixt_err_set(lc->e, "%s:%d: too many words", lc->where, lc->no);
        for (i = 0; i < n; i++)
            if (parse_attr(words[i], &out.mono, lc) != 0)
                return -1;
    }
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

/* Cuts a trailing comment: '#' after a blank and before a blank or the
 * end.  A '#' glued to a word is a colour, so a mistyped "#12345" is
 * reported rather than read as a comment. */
static void cut_comment(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '#' && p != s && isspace((unsigned char)p[-1]) &&
            (p[1] == '\0' || isspace((unsigned char)p[1]))) {
            *p = '\0';
            return;
        }
}

static int set_name(ixt_theme *t, const char *val, const line_ctx *lc)
{
    if (!*val)
        return ixt_err_set(lc->e, "%s:%d: name needs a value", lc->where, lc->no);
    if (strlen(val) >= sizeof t->name)
        return ixt_err_set(lc->e, "%s:%d: name longer than %d characters", lc->where, lc->no,
                           IXT_THEME_NAME_MAX - 1);
    snprintf(t->name, sizeof t->name, "%s", val);
    return 0;
}

static int parse_line(char *line, const line_ctx *lc, ixt_theme *t, bool *named)
{
    char *s = ixt_trim(line);
    if (*s == '#')
        return 0;
    cut_comment(s);
    s = ixt_trim(s);
    if (!*s)
        return 0;
    char *eq = strchr(s, '=');
    if (!eq)
        return ixt_err_set(lc->e, "%s:%d: expected 'ROLE = FG [on BG][, attributes]'", lc->where, lc->no);
    *eq = '\0';
    char *key = ixt_trim(s), *val = ixt_trim(eq + 1);
    if (strcasecmp(key, "name") == 0) {
        *named = true;
        return set_name(t, val, lc);
    }
    int role = find_role(key);
    if (role < 0) {
        char hint[64];
        suggest(key, ROLE_NAMES, IXT_ROLE_COUNT, hint, sizeof hint);
        return ixt_err_set(lc->e, "%s:%d: unknown role '%s'%s", lc->where, lc->no, key, hint);
    }
    return parse_style(val, &t->roles[role], lc);
}

/* Parses into out (already holding the defaults); tells whether the text
 * named the theme. */
static int parse_text(const char *text, const char *where, ixt_theme *out, bool *named, ixt_err *e)
{
    char *copy = ixt_xstrdup(text);
    line_ctx lc = {where, 0, e};
    int rc = 0;
    char *next;
    for (char *p = copy; p && rc == 0; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        lc.no++;
        rc = parse_line(p, &lc, out, named);
    }
    free(copy);
    return rc;
}

int ixt_theme_parse(const char *text, const char *where, ixt_theme *t, ixt_err *e)
{
    ixt_theme out;
    bool named = false;
    ixt_theme_builtin(&out);
    if (parse_text(text, where, &out, &named, e) != 0)
        return -1;
    *t = out;
    return 0;
}

/* "dir/x.theme" -> "x" into name */
static void stem_of(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".theme") == 0)
        n -= 6;
    snprintf(name, len, "%.*s", (int)n, base);
}

int ixt_theme_load_file(const char *path, ixt_theme *t, ixt_err *e)
{
    char *text = ixt_read_file(path, NULL, e);
    if (!text)
        return -1;
    ixt_theme out;
    bool named = false;
    ixt_theme_builtin(&out);
    int rc = parse_text(text, path, &out, &named, e);
    free(text);
    if (rc != 0)
        return -1;
    if (!named)
        stem_of(path, out.name, sizeof out.name);
    *t = out;
    return 0;
}

/* ===== finding themes ===== */

size_t ixt_theme_dirs_for(const char *xdg, const char *home, const char *datadir, char ***dirs)
{
    char **d = ixt_xcalloc(3, sizeof *d);
    size_t n = 0;
    if (xdg && *xdg)
        d[n++] = ixt_xasprintf("%s/idxtune/themes", xdg);
    else if (home && *home)
        d[n++] = ixt_xasprintf("%s/.config/idxtune/themes", home);
    if (datadir)
        d[n++] = ixt_xasprintf("%s/themes", datadir);
    d[n++] = ixt_xstrdup("themes");
    *dirs = d;
    return n;
}

size_t ixt_theme_dirs(char ***dirs)
{
    char *datadir = ixt_data_dir();
    size_t n = ixt_theme_dirs_for(getenv("XDG_CONFIG_HOME"), getenv("HOME"), datadir, dirs);
    free(datadir);
    return n;
}

void ixt_theme_list_free(char **list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int not_found(const char *name, char *const *dirs, size_t ndirs, ixt_err *e)
{
    ixt_buf b;
    ixt_buf_init(&b);
    for (size_t i = 0; i < ndirs; i++)
        ixt_buf_printf(&b, "%s%s", i ? ", " : "", dirs[i]);
    ixt_err_set(e, "theme '%s' not found (looked in %s)", name, ndirs ? b.s : "no directory");
    ixt_buf_free(&b);
    return -1;
}

int ixt_theme_load_from(const char *name, char *const *dirs, size_t ndirs, ixt_theme *t, ixt_err *e)
{
    if (!name || !*name)
        return ixt_err_set(e, "theme needs a name");
    if (strchr(name, '/'))
        return ixt_theme_load_file(name, t, e);
    for (size_t i = 0; i < ndirs; i++) {
        char *path = ixt_xasprintf("%s/%s.theme", dirs[i], name);
        bool found = is_file(path);
        int rc = found ? ixt_theme_load_file(path, t, e) : 0;
        free(path);
        if (rc != 0)
            return -1;
        if (found) {
            snprintf(t->name, sizeof t->name, "%s", name);
            return 0;
        }
    }
    if (strcmp(name, "default") == 0) {
        ixt_theme_builtin(t);
        return 0;
    }
    if (strcmp(name, "monochrome") == 0) {
        ixt_theme_monochrome(t);
        return 0;
    }
    return not_found(name, dirs, ndirs, e);
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
    bool dx = strcmp(x, "default") == 0, dy = strcmp(y, "default") == 0;
    if (dx || dy)
        return dy - dx;
    return strcmp(x, y);
}

typedef struct name_vec {
    char **v;
    size_t n, cap;
} name_vec;

static void vec_add(name_vec *nv, char *s)
{
    if (nv->n == nv->cap) {
        nv->cap = nv->cap ? nv->cap * 2 : 8;
        nv->v = ixt_xrealloc(nv->v, nv->cap * sizeof *nv->v);
    }
    nv->v[nv->n++] = s;
}

static void add_dir_names(const char *dir, name_vec *nv)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        /* hidden files (editor backups, ".theme" alone) are not themes */
        if (len <= 6 || ent->d_name[0] == '.' || strcmp(ent->d_name + len - 6, ".theme") != 0)
            continue;
        vec_add(nv, ixt_xstrndup(ent->d_name, len - 6));
    }
    closedir(d);
}

size_t ixt_theme_list_from(char *const *dirs, size_t ndirs, char ***names)
{
    name_vec nv = {NULL, 0, 0};
    for (size_t i = 0; i < ndirs; i++)
        add_dir_names(dirs[i], &nv);
    vec_add(&nv, ixt_xstrdup("default"));
    vec_add(&nv, ixt_xstrdup("monochrome"));
    qsort(nv.v, nv.n, sizeof *nv.v, cmp_names);
    size_t out = 0;
    for (size_t i = 0; i < nv.n; i++) {
        if (out && strcmp(nv.v[out - 1], nv.v[i]) == 0)
            free(nv.v[i]);
        else
            nv.v[out++] = nv.v[i];
    }
    *names = nv.v;
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
