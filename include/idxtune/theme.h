/* theme: colour themes as data.  A theme maps each role of the screen
 * (title, selected row, cost-hot, ...) to a foreground, a background and
 * attributes.  Files are parsed here; the UI maps the colours down to what
 * the terminal has (256, 16 or 8 colours, or none). */
#ifndef IDXTUNE_THEME_H
#define IDXTUNE_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "idxtune/util.h"

typedef enum ixt_role {
    IXT_ROLE_NORMAL,
    IXT_ROLE_TITLE,
    IXT_ROLE_STATUS,
    IXT_ROLE_KEY,          /* key names in the key bar and help */
    IXT_ROLE_KEYBAR,       /* key bar labels */
    IXT_ROLE_HEADER,
    IXT_ROLE_SELECTED,
    IXT_ROLE_COST_HOT,
    IXT_ROLE_COST_WARM,
    IXT_ROLE_GOOD,         /* a delta that helps */
    IXT_ROLE_BAD,          /* a delta that hurts */
    IXT_ROLE_MUTED,
    IXT_ROLE_ERROR,
    IXT_ROLE_TAB_ACTIVE,
    IXT_ROLE_TAB_INACTIVE,
    IXT_ROLE_COUNT
} ixt_role;

enum {
    IXT_ATTR_BOLD = 1 << 0,
    IXT_ATTR_DIM = 1 << 1,
    IXT_ATTR_UNDERLINE = 1 << 2,
    IXT_ATTR_REVERSE = 1 << 3,
    IXT_ATTR_ITALIC = 1 << 4,
};

#define IXT_COLOR_DEFAULT (-1)

/* A colour is the terminal's default (-1) or an xterm 256-colour index;
 * #rrggbb is stored as the nearest index. */
typedef struct ixt_style {
    int fg;
    int bg;
    unsigned attrs;        /* with colour */
    unsigned mono;         /* without colour: attributes only */
} ixt_style;

typedef struct ixt_theme {
    char name[64];
    ixt_style roles[IXT_ROLE_COUNT];
} ixt_theme;

/* The compiled-in default (dark) theme, used when a file is broken. */
void ixt_theme_builtin(ixt_theme *t);

/* Parses theme text; `where` names the file in messages ("x.theme:7: ...").
 * Roles a file leaves out keep the built-in style. */
int ixt_theme_parse(const char *text, const char *where, ixt_theme *t, ixt_err *e);
int ixt_theme_load_file(const char *path, ixt_theme *t, ixt_err *e);

/* Theme directories in search order: $XDG_CONFIG_HOME/idxtune/themes (or
 * ~/.config/idxtune/themes), the install prefix's share/idxtune/themes,
 * ./themes.  Returns the count; *dirs: caller frees with ixt_theme_list_free */
size_t ixt_theme_dirs(char ***dirs);
/* Loads a theme by name (or a path containing '/') from the dirs. */
int ixt_theme_load(const char *name, ixt_theme *t, ixt_err *e);
int ixt_theme_load_from(const char *name, char *const *dirs, size_t ndirs, ixt_theme *t, ixt_err *e);
/* Names of the themes found, "default" first, then sorted, without
 * duplicates.  *names: caller frees with ixt_theme_list_free */
size_t ixt_theme_list(char ***names);
size_t ixt_theme_list_from(char *const *dirs, size_t ndirs, char ***names);
void ixt_theme_list_free(char **list, size_t n);

/* Parses a colour: default, black..white, bright-black..bright-white,
 * 0..255 or #rrggbb.  Returns -2 when unknown. */
int ixt_color_parse(const char *s);
/* Nearest xterm 256-colour index of an RGB colour. */
int ixt_color_from_rgb(int r, int g, int b);
/* Nearest of the 16 basic colours (0..15) of a 256-colour index. */
int ixt_color_256to16(int c);

const char *ixt_role_name(ixt_role r); /* borrowed, e.g. "cost-hot" */

#endif
