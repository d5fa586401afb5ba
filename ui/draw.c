// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "draw.h"

int ui_text_cells(const char *text)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		n += (*p & 0xc0) != 0x80; /* continuation bytes add no cell */
	return n;
}

static void draw_attr(int y, int x, int width, attr_t attr, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	int cells = 0;
	size_t bytes = 0;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	/* the bytes of the first WIDTH cells, never half a UTF-8 sequence */
	while (p[bytes]) {
		size_t n = 1;

		while ((p[bytes + n] & 0xc0) == 0x80)
			n++;
		if (cells + 1 > width)
			break;
		bytes += n;
		cells++;
	}
	attron(attr);
	mvaddnstr(y, x, text, (int)bytes);
	for (int i = cells; i < width; i++)
		addch(' ');
	attroff(attr);
}

void ui_draw_text(int y, int x, int width, enum ui_role role, const char *text)
{
	draw_attr(y, x, width, ui_attr(role), text);
}
