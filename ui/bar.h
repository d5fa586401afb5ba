/* SPDX-License-Identifier: GPL-2.0 */
/* The function bar at the bottom (htop's FunctionBar): keys and what they do. */
#ifndef KVMIRQ_UI_BAR_H
#define KVMIRQ_UI_BAR_H

#include <stddef.h>

struct ui_key_label {
	const char *key;   /* "Enter", "s", "n/p" */
	const char *label; /* "Open", "Sort", "Step" */
};

/* Row Y: the screen's labels (NULL-terminated, may be NULL), then the common
 * ones, as many as fit. */
void ui_bar_draw(int y, const struct ui_key_label *screen, const struct ui_key_label *common);

#endif
