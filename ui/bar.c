// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "bar.h"
#include "draw.h"

static int draw_labels(int y, int x, const struct ui_key_label *l)
{
	char label[64];

	/* "Enter" in the key's look, then " VM " in the label's */
	for (; l && l->key; l++) {
		int need = (int)strlen(l->key) + (int)strlen(l->label) + 2;

		if (x + need > COLS)
			return COLS;
		ui_draw_text(y, x, (int)strlen(l->key), UI_KEY, l->key);
		x += (int)strlen(l->key);
		snprintf(label, sizeof(label), " %s ", l->label);
		ui_draw_text(y, x, (int)strlen(label), UI_LABEL, label);
		x += (int)strlen(label);
	}
	return x;
}

void ui_bar_draw(int y, const struct ui_key_label *screen, const struct ui_key_label *common)
{
	int x = draw_labels(y, 0, screen);

	x = draw_labels(y, x, common);
	if (x < COLS)
		ui_draw_text(y, x, COLS - x, UI_LABEL, "");
}
