/* ui_theme: theme roles to curses attributes.  The mapping down to the
 * terminal's colours is done by the core (ixt_style_fit); this file only
 * talks to curses. */
#include "ui_theme.h"

/* The styles of the theme in use: terminal state, like curses' own. */
static attr_t styles[IXT_ROLE_COUNT];

static attr_t attrs_of(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & IXT_ATTR_BOLD)
        r |= A_BOLD;
    if (a & IXT_ATTR_DIM)
        r |= A_DIM;
    if (a & IXT_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & IXT_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & IXT_ATTR_ITALIC)
        r |= A_ITALIC;
    return r;
}

void ui_theme_apply(const ixt_theme *t, bool use_color)
{
    /* Pairs 1..IXT_ROLE_COUNT are ours; 8 colours is the least we use. */
    bool color = use_color && has_colors() && COLORS >= 8 && COLOR_PAIRS > IXT_ROLE_COUNT;
    /* Without the terminal's own colours, -1 is not a valid pair colour. */
    bool has_default = color && use_default_colors() == OK;
    for (int r = 0; r < IXT_ROLE_COUNT; r++) {
        const ixt_style *s = &t->roles[r];
        ixt_fitted f;
        if (color) {
            ixt_style_fit(s, COLORS, has_default, &f);
            if (init_extended_pair(r + 1, f.fg, f.bg) == OK) {
                styles[r] = COLOR_PAIR(r + 1) | attrs_of(f.attrs);
                continue;
            }
        }
        styles[r] = attrs_of(s->mono);
    }
}

attr_t ui_style(ixt_role r)
{
    return (unsigned)r < IXT_ROLE_COUNT ? styles[r] : A_NORMAL;
}
