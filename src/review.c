/* review: the accepted indexes and their evidence. */
#include "idxtune/review.h"

#include <stdlib.h>
#include <string.h>

#include "idxtune/util.h"

static void item_free(ixt_review_item *it)
{
    free(it->def);
    free(it->table);
    free(it->ev.sql);
}

void ixt_review_accept(ixt_review *r, const ixt_review_item *item)
{
    ixt_review_item copy = *item;
    copy.def = ixt_xstrdup(item->def);
    copy.table = ixt_xstrdup(item->table);
    copy.ev.sql = ixt_xstrdup(item->ev.sql);
    r->unsaved = true;
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->items[i].def, item->def) == 0) {
            item_free(&r->items[i]);
            r->items[i] = copy;
            return;
        }
    r->items = ixt_xrealloc(r->items, (size_t)(r->n + 1) * sizeof *r->items);
    r->items[r->n++] = copy;
}

void ixt_review_remove(ixt_review *r, int i)
{
    if (i < 0 || i >= r->n)
        return;
    item_free(&r->items[i]);
    memmove(&r->items[i], &r->items[i + 1], (size_t)(r->n - i - 1) * sizeof *r->items);
    r->n--;
    r->unsaved = true;
}

void ixt_review_free(ixt_review *r)
{
    for (int i = 0; i < r->n; i++)
        item_free(&r->items[i]);
    free(r->items);
    memset(r, 0, sizeof *r);
}
