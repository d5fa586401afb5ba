/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A list that scrolls, with a cursor: which row is selected and which is
 * at the top, kept consistent as rows come and go (htop's Panel, reduced
 * to its bookkeeping; each screen draws its own rows).
 */
#ifndef KVMIRQ_UI_PANEL_H
#define KVMIRQ_UI_PANEL_H

#include <stdbool.h>

struct ui_panel {
	int count;    /* rows */
	int selected; /* the cursor's row */
	int top;      /* the first row shown */
};

/* Rows now COUNT, shown HEIGHT at a time: clamp the cursor, keep it in view. */
void ui_panel_fit(struct ui_panel *p, int count, int height);
/* Arrows, Page Up/Down, Home/End: true when the key moved the cursor. */
bool ui_panel_key(struct ui_panel *p, int key, int height);

#endif
