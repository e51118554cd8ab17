/* view_queries: the first screen, slow queries, running now and the
 * Indexes tab. */
#ifndef IDXTUNE_UI_VIEW_QUERIES_H
#define IDXTUNE_UI_VIEW_QUERIES_H

#include "app.h"

ui_view *view_queries_new(void);   /* freed through its destroy */

#endif
