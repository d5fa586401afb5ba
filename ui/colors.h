/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each thing on screen looks like, by role: one table with a colour
 * pair and a monochrome attribute per role. NO_COLOR (no-color.org) or a
 * terminal without colours gets the monochrome column.
 */
#ifndef KVMIRQ_UI_COLORS_H
#define KVMIRQ_UI_COLORS_H

#include <curses.h>

enum ui_role {
	UI_NORMAL,
	UI_TITLE,    /* the top line */
	UI_COLUMNS,  /* column titles */
	UI_SORTED,   /* the column the rows are sorted by */
	UI_SELECTED, /* the row under the cursor */
	UI_SECTION,  /* "Lines", "MSIs", a register's name */
	UI_CHANGED,  /* a value that changed since the last refresh */
	UI_UNKNOWN,  /* a value not known */
	UI_ERROR,    /* errors, drops, a failed key */
	UI_KEY,	     /* a key in the function bar */
	UI_LABEL,    /* its label */
	UI_STATUS,   /* the status line */
	UI_GRAPH,    /* sparklines */
	UI_NR_ROLES,
};

/* After initscr(): colours if the terminal has them and NO_COLOR is unset. */
void ui_colors_init(void);
attr_t ui_attr(enum ui_role role);

#endif
