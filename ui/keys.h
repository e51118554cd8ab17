/* keys: the one key table.  Every view dispatches through it, the key bar
 * and the help overlay are written from it, so what the help says is what
 * the keys do. */
#ifndef IDXTUNE_UI_KEYS_H
#define IDXTUNE_UI_KEYS_H

#include <stdbool.h>

enum ui_view_kind {
    UI_V_QUERIES = 1 << 0,
    UI_V_ACTIVITY = 1 << 1,
    UI_V_PLAN = 1 << 2,
    UI_V_LAB = 1 << 3,
    UI_V_REVIEW = 1 << 4,
    UI_V_ALL = 0xff,
};

typedef enum ui_action {
    A_NONE,
    A_QUIT, A_HELP, A_BACK, A_THEME, A_REDRAW, A_TAB,
    A_UP, A_DOWN, A_PGUP, A_PGDN, A_HALF_UP, A_HALF_DOWN, A_TOP, A_BOTTOM,
    A_LEFT, A_RIGHT,
    A_OPEN, A_FILTER, A_SORT_NEXT, A_SORT_PREV, A_SORT_INVERT, A_PAUSE,
    A_FASTER, A_SLOWER, A_QUERY_INPUT,
    A_HOTTEST, A_NEXT_COSTLY, A_PREV_COSTLY, A_COLLAPSE, A_EXPAND, A_EXPAND_ALL,
    A_ANALYZE, A_LAB,
    A_COUNT
} ui_action;

typedef struct ui_key {
    unsigned views;       /* mask of ui_view_kind */
    int keys[4];          /* curses key codes; 0 ends the list */
    const char *keyname;  /* as shown in help and the key bar */
    const char *bar;      /* key bar label, NULL when not on the bar */
    const char *help;
    ui_action action;
} ui_key;

/* The action bound to ch in the given view, A_NONE when none. */
ui_action ui_key_action(unsigned view, int ch);
/* The table, terminated by an entry with action A_NONE.  borrowed */
const ui_key *ui_key_table(void);

#endif
