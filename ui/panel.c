// SPDX-License-Identifier: GPL-2.0
#include <curses.h>

#include "panel.h"

void ui_panel_fit(struct ui_panel *p, int count, int height)
{
	p->count = count;
	if (height < 1)
		height = 1;
	if (p->selected >= count)
		p->selected = count - 1;
	if (p->selected < 0)
		p->selected = 0;
	if (p->top > p->selected)
		p->top = p->selected;
	if (p->selected >= p->top + height)
		p->top = p->selected - height + 1;
	if (p->top > count - height)
		p->top = count - height > 0 ? count - height : 0;
}

/* How far each key moves the cursor; a page is the height. */
static const struct {
	int key;
	int rows;  /* rows to move, or */
	int pages; /* pages to move, or */
	int end;   /* -1 first row, 1 last row */
} moves[] = {
	{ KEY_UP, -1, 0, 0 },	{ 'k', -1, 0, 0 },	 { KEY_DOWN, 1, 0, 0 },
	{ 'j', 1, 0, 0 },	{ KEY_PPAGE, 0, -1, 0 }, { KEY_NPAGE, 0, 1, 0 },
	{ KEY_HOME, 0, 0, -1 }, { KEY_END, 0, 0, 1 },
};

bool ui_panel_key(struct ui_panel *p, int key, int height)
{
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		if (moves[i].key != key)
			continue;
		if (moves[i].end)
			p->selected = moves[i].end < 0 ? 0 : p->count - 1;
		else
			p->selected +=
				moves[i].rows + moves[i].pages * (height > 1 ? height - 1 : 1);
		ui_panel_fit(p, p->count, height);
		return true;
	}
	return false;
}
