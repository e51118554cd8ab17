/* draw: small drawing helpers over ncurses: clipped UTF-8 text, padded
 * cells, and the one-line editor used by the filter and prompts. */
#ifndef IDXTUNE_UI_DRAW_H
#define IDXTUNE_UI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "idxtune/theme.h"

/* ASCII only: no UTF-8 ellipsis or line drawing. */
void draw_set_ascii(bool ascii);
/* Display width of a UTF-8 string (wide characters count 2). */
int draw_width(const char *s);
/* Writes s at (y, x) clipped to w columns; with an ellipsis when cut and
 * ellipsis is true.  Returns the columns written. */
int draw_text(int y, int x, int w, const char *s, attr_t attr, bool ellipsis);
/* Writes s right-aligned in a cell of w columns. */
void draw_right(int y, int x, int w, const char *s, attr_t attr);
/* Fills w columns with blanks in attr. */
void draw_fill(int y, int x, int w, attr_t attr);
/* Wraps s into the rectangle (y, x, rows, w); returns the lines used. */
int draw_wrapped(int y, int x, int rows, int w, const char *s, attr_t attr);
/* The attributes of a theme role, as set up by the theme glue. */
attr_t draw_style(ixt_role r);

/* A one-line editor. */
typedef struct ui_line {
    char buf[8192];
    size_t len;
    size_t cur;
} ui_line;

typedef enum { LINE_EDITING, LINE_DONE, LINE_CANCEL } line_state;
void line_set(ui_line *l, const char *s);
/* Applies a key; LINE_DONE on Enter, LINE_CANCEL on Esc. */
line_state line_key(ui_line *l, int ch);
void line_draw(const ui_line *l, int y, int x, int w, const char *label, attr_t attr);

#endif
