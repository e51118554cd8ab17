/* draw: clipped UTF-8 text and a line editor. */
#include "draw.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_theme.h"

/* Terminal state, set once at start: no UTF-8 drawing characters. */
static bool ascii_only;

void draw_set_ascii(bool ascii)
{
    ascii_only = ascii;
}

/* Width and byte length of the next character of s (control characters
 * and invalid bytes count as one column, drawn as '?'). */
static int next_char(const char *s, size_t *bytes)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *bytes = 1;
        return 1;
    }
    *bytes = n;
    int w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

int draw_width(const char *s)
{
    int w = 0;
    size_t n;
    for (; *s; s += n)
        w += next_char(s, &n);
    return w;
}

int draw_text(int y, int x, int w, const char *s, attr_t attr, bool ellipsis)
{
    if (w <= 0 || !s)
        return 0;
    int total = draw_width(s);
    bool cut = total > w;
    int room = cut && ellipsis ? w - 1 : w;
    int used = 0;
    size_t n;
    const char *p = s;
    attron(attr);
    move(y, x);
    while (*p) {
        int cw = next_char(p, &n);
        if (used + cw > room)
            break;
        unsigned char c = (unsigned char)*p;
        if (c < 32 || c == 127)
            addch('?');
        else
            addnstr(p, (int)n);
        used += cw;
        p += n;
    }
    if (cut && ellipsis) {
        addstr(ascii_only ? "~" : "\xe2\x80\xa6");
        used++;
    }
    attroff(attr);
    return used;
}

void draw_right(int y, int x, int w, const char *s, attr_t attr)
{
    int sw = draw_width(s);
    if (sw >= w) {
        draw_text(y, x, w, s, attr, false);
        return;
    }
    draw_fill(y, x, w - sw, attr);
    draw_text(y, x + w - sw, sw, s, attr, false);
}

void draw_fill(int y, int x, int w, attr_t attr)
{
    if (w <= 0)
        return;
    attron(attr);
    mvhline(y, x, ' ', w);
    attroff(attr);
}

int draw_wrapped(int y, int x, int rows, int w, const char *s, attr_t attr)
{
    int line = 0;
    const char *p = s;
    while (*p && line < rows) {
        int used = 0;
        const char *start = p, *brk = NULL;
        size_t n;
        while (*p && *p != '\n') {
            int cw = next_char(p, &n);
            if (used + cw > w)
                break;
            if (*p == ' ')
                brk = p;
            used += cw;
            p += n;
        }
        if (*p && *p != '\n' && brk && brk > start)
            p = brk + 1;
        char *piece = strndup(start, (size_t)(p - start));
        if (piece) {
            draw_fill(y + line, x, w, attr);
            draw_text(y + line, x, w, piece, attr, false);
            free(piece);
        }
        if (*p == '\n')
            p++;
        line++;
    }
    return line;
}

attr_t draw_style(ixt_role r)
{
    return ui_style(r);
}

void line_set(ui_line *l, const char *s)
{
    snprintf(l->buf, sizeof l->buf, "%s", s ? s : "");
    l->len = strlen(l->buf);
    l->cur = l->len;
}

static void line_delete_before(ui_line *l)
{
    if (l->cur == 0)
        return;
    size_t start = l->cur - 1;
    while (start > 0 && (l->buf[start] & 0xC0) == 0x80)
        start--;
    memmove(l->buf + start, l->buf + l->cur, l->len - l->cur + 1);
    l->len -= l->cur - start;
    l->cur = start;
}

line_state line_key(ui_line *l, int ch)
{
    switch (ch) {
    case 27: return LINE_CANCEL;
    case '\n': case '\r': case KEY_ENTER: return LINE_DONE;
    case KEY_BACKSPACE: case 127: case 8: line_delete_before(l); return LINE_EDITING;
    case KEY_LEFT:
        while (l->cur > 0 && ((l->buf[--l->cur] & 0xC0) == 0x80)) {}
        return LINE_EDITING;
    case KEY_RIGHT:
        while (l->cur < l->len && ((l->buf[++l->cur] & 0xC0) == 0x80)) {}
        return LINE_EDITING;
    case KEY_HOME: case 1: l->cur = 0; return LINE_EDITING;
    case KEY_END: case 5: l->cur = l->len; return LINE_EDITING;
    case 21: l->len = l->cur = 0; l->buf[0] = '\0'; return LINE_EDITING; /* ^U */
    default: break;
    }
    if (ch == '\t')
        ch = ' ';
    if (ch < 32 || ch > 255 || l->len + 1 >= sizeof l->buf)
        return LINE_EDITING;
    memmove(l->buf + l->cur + 1, l->buf + l->cur, l->len - l->cur + 1);
    l->buf[l->cur++] = (char)ch;
    l->len++;
    return LINE_EDITING;
}

void line_draw(const ui_line *l, int y, int x, int w, const char *label, attr_t attr)
{
    draw_fill(y, x, w, attr);
    int lw = draw_text(y, x, w, label, attr | A_BOLD, false);
    int room = w - lw - 1;
    if (room <= 0)
        return;
    /* Keep the cursor in view: show the tail when the text is longer. */
    char before[sizeof l->buf];
    memcpy(before, l->buf, l->cur);
    before[l->cur] = '\0';
    const char *shown = l->buf;
    while (draw_width(before + (shown - l->buf)) >= room && *shown) {
        size_t n;
        next_char(shown, &n);
        shown += n;
    }
    draw_text(y, x + lw, room, shown, attr, false);
    int cx = x + lw + draw_width(before + (shown - l->buf));
    move(y, cx < x + w ? cx : x + w - 1);
}
