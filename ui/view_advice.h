/* view_advice: the advisor over the top statements of the workload. */
#ifndef IDXTUNE_UI_VIEW_ADVICE_H
#define IDXTUNE_UI_VIEW_ADVICE_H

#include "app.h"

void view_advice_open(app *a);

#endif
