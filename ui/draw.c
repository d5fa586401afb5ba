// SPDX-License-Identifier: GPL-2.0
#include "draw.h"
#include "util/text_cells.h"

void ui_draw_text(int y, int x, int width, enum ui_role role, const char *text)
{
	attr_t attr = ui_attr(role);
	size_t bytes;
	int cells;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	bytes = text_cells_bytes(text, (size_t)width);
	cells = (int)text_cells(text);
	attron(attr);
	mvaddnstr(y, x, text, (int)bytes);
	for (int i = cells; i < width; i++)
		addch(' ');
	attroff(attr);
}
