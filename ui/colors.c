// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "colors.h"

static const struct {
	short fg, bg;	   /* -1: the terminal's default */
	attr_t color_attr; /* added to the colour pair */
	attr_t mono_attr;  /* without colours */
} roles[UI_NR_ROLES] = {
	[UI_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[UI_TITLE] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UI_COLUMNS] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[UI_SORTED] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE },
	[UI_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UI_SECTION] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_CHANGED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[UI_UNKNOWN] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[UI_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[UI_KEY] = { -1, -1, A_BOLD, A_BOLD },
	[UI_LABEL] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UI_STATUS] = { COLOR_YELLOW, -1, A_NORMAL, A_BOLD },
	[UI_GRAPH] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
};

static bool enabled;

void ui_colors_init(void)
{
	const char *no_color = getenv("NO_COLOR");

	enabled = has_colors() && !(no_color && *no_color);
	if (!enabled)
		return;
	start_color();
	use_default_colors();
	for (short r = 1; r < UI_NR_ROLES; r++)
		init_pair(r, roles[r].fg, roles[r].bg);
}

attr_t ui_attr(enum ui_role role)
{
	if (!enabled)
		return roles[role].mono_attr;
	return role == UI_NORMAL ? A_NORMAL : (attr_t)COLOR_PAIR(role) | roles[role].color_attr;
}
