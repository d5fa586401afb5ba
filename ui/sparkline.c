// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "sparkline.h"

/* Eight heights, lowest first, after a blank for zero. */
static const char *const blocks[] = { " ",	"\u2581", "\u2582", "\u2583", "\u2584",
				      "\u2585", "\u2586", "\u2587", "\u2588" };
static const char *const ascii[] = { " ", "_", ".", "-", "~", "=", "+", "*", "#" };
#define LEVELS 8

void ui_sparkline(const float *values, size_t n, size_t width, bool utf8, char *buf, size_t len)
{
	size_t first = n > width ? n - width : 0, used = 0;
	float max = 0;

	for (size_t i = first; i < n; i++)
		max = values[i] > max ? values[i] : max;
	buf[0] = '\0';
	for (size_t i = first; i < n; i++) {
		/* anything above zero shows at least the lowest block */
		int level = values[i] <= 0 || max <= 0
				    ? 0
				    : 1 + (int)(values[i] / max * (LEVELS - 1) + 0.5f);
		const char *cell = (utf8 ? blocks : ascii)[level > LEVELS ? LEVELS : level];
		size_t cl = strlen(cell);

		if (used + cl >= len)
			break;
		memcpy(buf + used, cell, cl + 1);
		used += cl;
	}
}
