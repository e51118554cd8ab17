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
    UI_V_ADVICE = 1 << 5,
    UI_V_INDEXES = 1 << 6,
    UI_V_ALL = 0xff,
};

typedef enum ui_action {
    ACT_NONE,
    ACT_QUIT, ACT_HELP, ACT_BACK, ACT_THEME, ACT_REDRAW, ACT_TAB,
    ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HALF_UP, ACT_HALF_DOWN, ACT_TOP, ACT_BOTTOM,
    ACT_OPEN, ACT_FILTER, ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_INVERT, ACT_PAUSE,
    ACT_FASTER, ACT_SLOWER, ACT_QUERY_INPUT,
    ACT_HOTTEST, ACT_NEXT_COSTLY, ACT_PREV_COSTLY, ACT_COLLAPSE, ACT_EXPAND, ACT_EXPAND_ALL,
    ACT_ANALYZE, ACT_LAB,
    ACT_NEW_INDEX, ACT_DROP_INDEX, ACT_REAL_TRIAL, ACT_WORKLOAD, ACT_ACCEPT,
    ACT_REVIEW, ACT_RENAME, ACT_MOVE_UP, ACT_MOVE_DOWN, ACT_EXPORT, ACT_SAVE, ACT_VERIFY, ACT_ADVISE, ACT_REJECT,
    ACT_RELOAD,
    ACT_APPROVE, ACT_NEEDS_TRIAL, ACT_COMMENT, ACT_CHANGES,
    ACT_SUGGESTIONS, ACT_TRY_SUGGESTION, ACT_LOCK_TIMEOUT, ACT_ADD_NODE, ACT_COPY,
    ACT_COUNT
} ui_action;

typedef struct ui_key {
    unsigned views;       /* mask of ui_view_kind */
    int keys[6];          /* curses key codes; 0 ends the list */
    const char *keyname;  /* as shown in help and the key bar */
    const char *bar;      /* key bar label, NULL when not on the bar */
    const char *help;
    ui_action action;
} ui_key;

/* The action bound to ch in the given view, ACT_NONE when none. */
ui_action ui_key_action(unsigned view, int ch);
/* The table, terminated by an entry with action ACT_NONE.  borrowed */
const ui_key *ui_key_table(void);

#endif
