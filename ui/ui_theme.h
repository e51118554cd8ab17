/* ui_theme: turns a theme into curses colour pairs for the colours the
 * terminal has (256, 16, 8), or attributes only without colour. */
#ifndef IDXTUNE_UI_THEME_H
#define IDXTUNE_UI_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "idxtune/theme.h"

/* Sets up the pairs (after start_color) or the monochrome attributes. */
void ui_theme_apply(const ixt_theme *t, bool use_color);
/* The attributes to draw a role with. */
attr_t ui_style(ixt_role r);

#endif
