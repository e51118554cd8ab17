/* ui_theme: turns a theme into curses colour pairs for the colours the
 * terminal has (direct colour, 256, 16, 8), or attributes only without
 * colour.  The only place where a theme meets curses. */
#ifndef IDXTUNE_UI_THEME_H
#define IDXTUNE_UI_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "idxtune/theme.h"

/* Sets up one colour pair per role (after initscr and, with colour,
 * start_color), or the monochrome attributes when use_color is false or
 * the terminal has no colours.  Call again to switch themes live. */
void ui_theme_apply(const ixt_theme *t, bool use_color);

/* The attributes (COLOR_PAIR | A_*) to draw a role with. */
attr_t ui_style(ixt_role r);

#endif
