/* theme: colour themes as data.  A theme maps each role of the screen
 * (title, selected row, cost-hot, ...) to a foreground, a background and
 * attributes, plus the attributes the role falls back to without colour.
 * Colours are kept as written (a 256-colour index or an RGB value); the UI
 * asks ixt_style_fit() for what the terminal can show (direct colour, 256,
 * 16 or 8 colours).  No terminal library here: ui/ui_theme.c is the glue.
 * The file format is described in themes/README.md. */
#ifndef IDXTUNE_THEME_H
#define IDXTUNE_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

/* New roles go before IXT_ROLE_COUNT, with a name in theme.c and a line in
 * every shipped theme. */
typedef enum ixt_role {
    IXT_ROLE_NORMAL,
    IXT_ROLE_TITLE,        /* top line */
    IXT_ROLE_STATUS,       /* status line */
    IXT_ROLE_KEY,          /* key names in the key bar and help */
    IXT_ROLE_KEYBAR,       /* key bar labels */
    IXT_ROLE_HEADER,       /* column headers */
    IXT_ROLE_SELECTED,     /* the cursor row */
    IXT_ROLE_COST_HOT,     /* the costliest plan nodes / statements */
    IXT_ROLE_COST_WARM,
    IXT_ROLE_GOOD,         /* a delta that helps */
    IXT_ROLE_BAD,          /* a delta that hurts */
    IXT_ROLE_MUTED,        /* secondary text, never-executed nodes */
    IXT_ROLE_ERROR,
    IXT_ROLE_TAB_ACTIVE,
    IXT_ROLE_TAB_INACTIVE,
    IXT_ROLE_BORDER,       /* box and separator lines */
    IXT_ROLE_MATCH,        /* search matches */
    IXT_ROLE_TREE,         /* plan tree guide lines */
    IXT_ROLE_WARNING,      /* confirmations that lock or write */
    IXT_ROLE_COUNT
} ixt_role;

enum {
    IXT_ATTR_BOLD = 1 << 0,
    IXT_ATTR_DIM = 1 << 1,
    IXT_ATTR_UNDERLINE = 1 << 2,
    IXT_ATTR_REVERSE = 1 << 3,
    IXT_ATTR_ITALIC = 1 << 4,
};

/* A colour is an int: IXT_COLOR_DEFAULT (the terminal's own), 0..255 (the
 * xterm palette: 0-7 basic, 8-15 bright, 16-231 cube, 232-255 greys) or
 * IXT_COLOR_RGB | 0xRRGGBB. */
#define IXT_COLOR_DEFAULT (-1)
#define IXT_COLOR_INVALID (-2)
#define IXT_COLOR_RGB 0x1000000
#define IXT_COLORS_DIRECT 0x1000000 /* ncolors of a direct-colour terminal */

typedef struct ixt_style {
    int fg;
    int bg;
    unsigned attrs;        /* IXT_ATTR_* with colour */
    unsigned mono;         /* IXT_ATTR_* without colour */
} ixt_style;

#define IXT_THEME_NAME_MAX 64

typedef struct ixt_theme {
    char name[IXT_THEME_NAME_MAX];
    ixt_style roles[IXT_ROLE_COUNT];
} ixt_theme;

/* ===== built-in themes ===== */

/* The compiled-in default (dark) theme, the same as themes/default.theme;
 * used when a file is broken or missing. */
void ixt_theme_builtin(ixt_theme *t);
/* The compiled-in monochrome theme: attributes only, selection in reverse
 * video; the same as themes/monochrome.theme. */
void ixt_theme_monochrome(ixt_theme *t);

/* Whether to use colour at all, before asking the terminal: not with
 * --no-color, nor when NO_COLOR is set and non-empty (no-color.org).
 * Pass getenv("NO_COLOR"). */
bool ixt_color_wanted(bool no_color_option, const char *no_color_env);

/* ===== parsing ===== */

/* Parses theme text; `where` names the file in messages
 * ("themes/x.theme:7: unknown colour 'purpel'").  Roles a file leaves out
 * keep the built-in style.  On error *t is left unchanged. */
int ixt_theme_parse(const char *text, const char *where, ixt_theme *t, ixt_err *e);
/* Reads and parses one file.  The theme's name is its `name =` line, or
 * the file name without ".theme". */
int ixt_theme_load_file(const char *path, ixt_theme *t, ixt_err *e);

/* ===== finding themes ===== */

/* Theme directories in search order: XDG/idxtune/themes when xdg is set
 * and not empty, else HOME/.config/idxtune/themes when home is; then
 * DATADIR/themes when datadir is not NULL (the install's
 * share/idxtune/themes); then ./themes.  Pure: pass
 * getenv("XDG_CONFIG_HOME"), getenv("HOME") and ixt_data_dir().
 * Returns the count; *dirs: caller frees with ixt_theme_list_free. */
size_t ixt_theme_dirs_for(const char *xdg, const char *home, const char *datadir, char ***dirs);
/* The same from the environment and the running binary's data directory.
 * *dirs: caller frees with ixt_theme_list_free */
size_t ixt_theme_dirs(char ***dirs);

/* Loads a theme by name from the first directory that has NAME.theme (a
 * broken file there is an error: no silent fall-through), or from a path
 * when name contains '/'.  "default" and "monochrome" fall back to the
 * compiled-in themes when no file has them.  A theme loaded by name is
 * named after its file, so a theme list and the loaded name agree. */
int ixt_theme_load_from(const char *name, char *const *dirs, size_t ndirs, ixt_theme *t, ixt_err *e);
int ixt_theme_load(const char *name, ixt_theme *t, ixt_err *e);

/* Names of the themes found (file names without ".theme") plus the
 * built-in "default" and "monochrome": "default" first, then sorted, no
 * duplicates; the order a theme-cycling key follows.
 * *names: caller frees with ixt_theme_list_free */
size_t ixt_theme_list_from(char *const *dirs, size_t ndirs, char ***names);
size_t ixt_theme_list(char ***names);
void ixt_theme_list_free(char **list, size_t n);

const char *ixt_role_name(ixt_role r); /* borrowed, e.g. "cost-hot" */

/* ===== colours ===== */

/* Parses a colour: default, black red green yellow blue magenta cyan
 * white, bright-black .. bright-white (also brightred, grey), 0..255,
 * colour0..colour255, or #rrggbb.  IXT_COLOR_INVALID when unknown. */
int ixt_color_parse(const char *s);
/* Encodes an RGB colour (IXT_COLOR_RGB | 0xRRGGBB). */
int ixt_color_rgb(int r, int g, int b);
/* The RGB of a palette index (xterm's values) or of an RGB colour;
 * false for IXT_COLOR_DEFAULT. */
bool ixt_color_to_rgb(int c, int rgb[3]);
/* Nearest xterm 256-colour index (16..255) of an RGB colour: the nearer of
 * the 6x6x6 cube and the grey ramp (the method of tmux's colour.c). */
int ixt_color_nearest256(int r, int g, int b);
/* Nearest of the 16 basic colours (0..15) of a palette index. */
int ixt_color_256to16(int c);
/* A colour a terminal with ncolors colours can show (IXT_COLORS_DIRECT,
 * 256, 16 or 8): IXT_COLOR_DEFAULT stays; with 8 colours a bright colour
 * becomes its base colour and sets *bright.  With direct colour the value
 * is 0xRRGGBB, or 0..7 for the basic colours. */
int ixt_color_fit(int c, int ncolors, bool *bright);

/* A role's style as the terminal will draw it. */
typedef struct ixt_fitted {
    int fg, bg;            /* for init_pair: -1 = terminal default */
    unsigned attrs;        /* IXT_ATTR_* (bold added for bright on 8 colours) */
} ixt_fitted;

/* Maps a style down to ncolors.  Without the terminal's default colours
 * (use_default_colors failed) default becomes white on black.  When fg and
 * bg end up equal, fg turns black or white, whichever contrasts, so text
 * never disappears on a poorer terminal. */
void ixt_style_fit(const ixt_style *s, int ncolors, bool has_default, ixt_fitted *out);

#endif
