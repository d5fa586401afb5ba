// SPDX-License-Identifier: GPL-2.0
#include "util/text_cells.h"

/* A byte that continues a UTF-8 sequence: it adds no cell. */
static int continues(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t text_cells(const char *text)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		n += !continues(*p);
	return n;
}

size_t text_cells_bytes(const char *text, size_t cells)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t bytes = 0;

	for (; p[bytes] && cells; cells--)
		for (bytes++; continues(p[bytes]); bytes++)
			;
	return bytes;
}
