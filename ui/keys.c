/* keys: the key table (htop's F-keys with letter aliases, vim keys). */
#include "keys.h"

#include <curses.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

static const ui_key TABLE[] = {
    {UI_V_ALL, {KEY_F(1), '?', 'h'}, "F1 ? h", "Help", "show this help", ACT_HELP},
    {UI_V_QUERIES | UI_V_ACTIVITY | UI_V_INDEXES, {KEY_F(10), 'q'}, "F10 q", "Quit", "quit idxtune", ACT_QUIT},
    {UI_V_PLAN | UI_V_LAB | UI_V_REVIEW | UI_V_ADVICE, {KEY_F(10), 'q'}, "F10 q", "Quit", "quit idxtune", ACT_QUIT},
    {UI_V_PLAN | UI_V_LAB | UI_V_REVIEW | UI_V_ADVICE, {ESC, KEY_BACKSPACE, 127}, "Esc Bksp", "Back",
     "back to the previous screen (Esc also cancels a running EXPLAIN)", ACT_BACK},
    {UI_V_QUERIES | UI_V_ACTIVITY | UI_V_INDEXES, {'\t', KEY_BTAB}, "Tab", "Tabs",
     "switch between slow queries, running now and indexes", ACT_TAB},
    {UI_V_INDEXES, {KEY_F(5), 'u'}, "F5 u", "Reread", "read the indexes and their statistics again", ACT_RELOAD},
    {UI_V_ALL, {'T'}, "T", NULL, "cycle colour themes", ACT_THEME},
    {UI_V_ALL, {CTRL('l')}, "^L", NULL, "redraw the screen", ACT_REDRAW},
    {UI_V_ALL, {KEY_UP, 'k'}, "Up k", NULL, "move up", ACT_UP},
    {UI_V_ALL, {KEY_DOWN, 'j'}, "Down j", NULL, "move down", ACT_DOWN},
    {UI_V_ALL, {KEY_PPAGE}, "PgUp", NULL, "page up", ACT_PGUP},
    {UI_V_ALL, {KEY_NPAGE, ' '}, "PgDn Space", NULL, "page down", ACT_PGDN},
    {UI_V_ALL, {CTRL('u')}, "^U", NULL, "half a page up", ACT_HALF_UP},
    {UI_V_ALL, {CTRL('d')}, "^D", NULL, "half a page down", ACT_HALF_DOWN},
    {UI_V_ALL, {KEY_HOME, 'g'}, "Home g", NULL, "first row", ACT_TOP},
    {UI_V_ALL, {KEY_END, 'G'}, "End G", NULL, "last row", ACT_BOTTOM},
    {UI_V_QUERIES | UI_V_ACTIVITY, {'\n', '\r', KEY_ENTER}, "Enter", "Plan",
     "open the plan of the selected statement", ACT_OPEN},
    {UI_V_QUERIES | UI_V_ACTIVITY, {KEY_F(2), ':'}, "F2 :", "Query",
     "type or paste a query and open its plan", ACT_QUERY_INPUT},
    {UI_V_QUERIES | UI_V_ACTIVITY, {KEY_F(3), '/'}, "F3 /", "Filter",
     "filter by text or query id (Enter keeps it, Esc clears it)", ACT_FILTER},
    {UI_V_QUERIES, {KEY_F(6), '>', '.'}, "F6 > .", "Sort", "sort by the next column", ACT_SORT_NEXT},
    {UI_V_QUERIES, {'<', ','}, "< ,", NULL, "sort by the previous column", ACT_SORT_PREV},
    {UI_V_QUERIES, {'I', 'r'}, "I r", NULL, "invert the sort order", ACT_SORT_INVERT},
    {UI_V_QUERIES | UI_V_ACTIVITY, {'Z', 'p'}, "Z p", "Pause", "pause or resume refreshing", ACT_PAUSE},
    {UI_V_QUERIES | UI_V_ACTIVITY, {'+'}, "+", NULL, "refresh more often", ACT_FASTER},
    {UI_V_QUERIES | UI_V_ACTIVITY, {'O'}, "O", NULL,
     "add another server of the cluster (as --node): its statements are merged into the list", ACT_ADD_NODE},
    {UI_V_QUERIES | UI_V_ACTIVITY, {'-'}, "-", NULL, "refresh less often", ACT_SLOWER},
    {UI_V_PLAN, {'H', KEY_F(4)}, "F4 H", "Hottest", "jump to the most expensive node", ACT_HOTTEST},
    {UI_V_PLAN, {'n'}, "n", NULL, "next costly node", ACT_NEXT_COSTLY},
    {UI_V_PLAN, {'N'}, "N", NULL, "previous costly node", ACT_PREV_COSTLY},
    {UI_V_PLAN, {'-', 'c', KEY_LEFT}, "- c Left", NULL, "collapse the selected subtree", ACT_COLLAPSE},
    {UI_V_PLAN, {'+', 'e', KEY_RIGHT}, "+ e Right", NULL, "expand the selected subtree", ACT_EXPAND},
    {UI_V_PLAN, {'*', 'E'}, "* E", NULL, "expand everything", ACT_EXPAND_ALL},
    {UI_V_PLAN, {'a', KEY_F(5)}, "F5 a", "Analyze",
     "run EXPLAIN ANALYZE (writes are rolled back)", ACT_ANALYZE},
    {UI_V_PLAN, {'i', KEY_F(7)}, "F7 i", "Lab", "try an index for this statement", ACT_LAB},
    {UI_V_LAB, {'c', 'i', KEY_F(7)}, "F7 c i", "Index",
     "type an index to try (Tab completes tables and columns)", ACT_NEW_INDEX},
    {UI_V_LAB, {'d', KEY_DC}, "d Del", "Drop", "drop the selected hypothetical index", ACT_DROP_INDEX},
    {UI_V_LAB, {'r', KEY_F(8)}, "F8 r", "Real",
     "real trial: build the indexes inside a rolled-back transaction and time the statement",
     ACT_REAL_TRIAL},
    {UI_V_LAB, {'w', KEY_F(9)}, "F9 w", "Workload",
     "apply the active indexes to the top statements of the workload", ACT_WORKLOAD},
    {UI_V_LAB, {'A'}, "A", "Accept", "accept the selected index into the review set", ACT_ACCEPT},
    {UI_V_LAB, {'x'}, "x", NULL, "reject the selected index (kept in the session as tried and rejected)",
     ACT_REJECT},
    {UI_V_LAB, {'1', '2', '3', '4', '5'}, "1-5", NULL, "try suggestion 1-5 (when the suggestions are shown)",
     ACT_TRY_SUGGESTION},
    {UI_V_LAB, {'s'}, "s", NULL, "show or hide the advisor's suggestions for this statement", ACT_SUGGESTIONS},
    {UI_V_LAB, {'L'}, "L", NULL, "change the lock timeout of real trials for this session", ACT_LOCK_TIMEOUT},
    {UI_V_QUERIES, {'W', KEY_F(11)}, "F11 W", "Advise",
     "advise indexes for the top 50 statements of the workload", ACT_ADVISE},
    {UI_V_ADVICE, {'A'}, "A", "Accept", "accept the selected index into the review set", ACT_ACCEPT},
    {UI_V_ADVICE, {'\n', '\r', KEY_ENTER}, "Enter", "Lab", "open the lab on the statement it helps most", ACT_OPEN},
    {UI_V_QUERIES | UI_V_ACTIVITY | UI_V_PLAN | UI_V_INDEXES | UI_V_LAB | UI_V_REVIEW | UI_V_ADVICE, {'y'}, "y", NULL,
     "copy the statement, plan or index to your clipboard (OSC 52: over SSH too)",
     ACT_COPY},
    {UI_V_QUERIES | UI_V_ACTIVITY | UI_V_INDEXES | UI_V_PLAN | UI_V_LAB | UI_V_ADVICE, {'R', KEY_F(12)}, "F12 R", "Review",
     "review the accepted indexes", ACT_REVIEW},
    {UI_V_REVIEW, {'n', KEY_F(2)}, "F2 n", "Rename", "rename the selected index", ACT_RENAME},
    {UI_V_REVIEW, {'K'}, "K", NULL, "move the selected index up (rollout order)", ACT_MOVE_UP},
    {UI_V_REVIEW, {'J'}, "J", NULL, "move the selected index down", ACT_MOVE_DOWN},
    {UI_V_REVIEW, {'d', KEY_DC}, "d Del", "Drop", "drop the selected index from the review set", ACT_DROP_INDEX},
    {UI_V_REVIEW, {'\n', '\r', KEY_ENTER}, "Enter", "Lab", "send the selected index back to the lab", ACT_OPEN},
    {UI_V_REVIEW, {'e', KEY_F(5)}, "F5 e", "Export",
     "export NAME.sql, NAME_rollback.sql and NAME.md", ACT_EXPORT},
    {UI_V_REVIEW, {'s', KEY_F(6)}, "F6 s", "Save", "save the session file", ACT_SAVE},
    {UI_V_REVIEW, {'a'}, "a", "Approve", "approve the selected index (only approved indexes are exported to run)",
     ACT_APPROVE},
    {UI_V_REVIEW, {'x'}, "x", NULL, "reject the selected index", ACT_REJECT},
    {UI_V_REVIEW, {'t'}, "t", NULL, "mark the selected index as needing a real trial", ACT_NEEDS_TRIAL},
    {UI_V_REVIEW, {'c'}, "c", "Comment", "comment on the selected index", ACT_COMMENT},
    {UI_V_REVIEW, {'D'}, "D", NULL, "show the changes since the older session (--diff-from) or the evidence",
     ACT_CHANGES},
    {UI_V_REVIEW, {'V'}, "V", "Verify",
     "verify the rolled-out indexes against their baselines over a 10 s window", ACT_VERIFY},
    {0, {0}, NULL, NULL, NULL, ACT_NONE},
};

const ui_key *ui_key_table(void)
{
    return TABLE;
}

ui_action ui_key_action(unsigned view, int ch)
{
    for (const ui_key *k = TABLE; k->action != ACT_NONE; k++) {
        if (!(k->views & view))
            continue;
        for (size_t i = 0; i < sizeof k->keys / sizeof k->keys[0] && k->keys[i]; i++)
            if (k->keys[i] == ch)
                return k->action;
    }
    return ACT_NONE;
}
