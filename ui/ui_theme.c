/* ui_theme: theme roles to curses attributes. */
#include "ui_theme.h"

/* The styles of the theme in use: terminal state, like curses' own. */
static attr_t styles[IXT_ROLE_COUNT];

static attr_t attrs_of(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & IXT_ATTR_BOLD) r |= A_BOLD;
    if (a & IXT_ATTR_DIM) r |= A_DIM;
    if (a & IXT_ATTR_UNDERLINE) r |= A_UNDERLINE;
    if (a & IXT_ATTR_REVERSE) r |= A_REVERSE;
    if (a & IXT_ATTR_ITALIC) r |= A_ITALIC;
    return r;
}

/* A colour the terminal can show: 256 -> 16 -> 8 (bright becomes bold). */
static short fit_color(int c, bool *bold)
{
    if (c < 0)
        return -1;
    if (COLORS >= 256)
        return (short)c;
    c = ixt_color_256to16(c);
    if (COLORS >= 16)
        return (short)c;
    if (c >= 8) {
        *bold = true;
        c -= 8;
    }
    return (short)c;
}

void ui_theme_apply(const ixt_theme *t, bool use_color)
{
    for (int r = 0; r < IXT_ROLE_COUNT; r++) {
        const ixt_style *s = &t->roles[r];
        if (!use_color || COLOR_PAIRS <= IXT_ROLE_COUNT) {
            styles[r] = attrs_of(s->mono);
            continue;
        }
        bool bold = false, unused = false;
        short fg = fit_color(s->fg, &bold), bg = fit_color(s->bg, &unused);
        init_pair((short)(r + 1), fg, bg);
        styles[r] = COLOR_PAIR(r + 1) | attrs_of(s->attrs) | (bold ? A_BOLD : 0);
    }
}

attr_t ui_style(ixt_role r)
{
    return r < IXT_ROLE_COUNT ? styles[r] : A_NORMAL;
}
