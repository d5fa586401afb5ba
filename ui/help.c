// SPDX-License-Identifier: GPL-2.0
/* The help screen: every key, and what each VM column counts. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "help.h"
#include "panel.h"
#include "top/vm_table.h"

struct help_screen {
	struct ui_screen base;
	struct ui_panel scroll;
};

static const struct {
	const char *keys, *what;
} keys[] = {
	{ "Up/Down PgUp/PgDn", "move the cursor, scroll (also j/k, Home/End)" },
	{ "Enter, Right", "open the VM, or the controller under the cursor" },
	{ "1-9", "on a VM: open its controller [N]" },
	{ "Esc, Backspace, Left", "back to the previous screen" },
	{ "s", "VM list: sort by the next column (largest first)" },
	{ "/", "VM list: show only VMs whose name has this text" },
	{ "r", "live: read the VM's controllers (again)" },
	{ "f", "kvmirq check's findings so far (the FIND column counts them)" },
	{ "z", "registers: hide or show registers that are all zero" },
	{ "space", "replay: play or pause; live: freeze the screen" },
	{ "n / p", "replay: step one event forward / back (pauses)" },
	{ "N / P", "replay: step ten events forward / back" },
	{ "g", "replay: go to a time (seconds from the start, or 'end')" },
	{ "+ / -", "replay: twice / half the speed" },
	{ "h, ?, F1", "this help" },
	{ "q, F10", "quit" },
};

/* Line I of the help text into BUF; false past the end. */
static bool help_line(size_t i, char *buf, size_t len, enum ui_role *role)
{
	size_t nr_keys = sizeof(keys) / sizeof(keys[0]);

	*role = UI_NORMAL;
	if (i == 0) {
		*role = UI_SECTION;
		snprintf(buf, len, "Keys");
	} else if (i <= nr_keys) {
		snprintf(buf, len, "  %-22s %s", keys[i - 1].keys, keys[i - 1].what);
	} else if (i == nr_keys + 1) {
		snprintf(buf, len, " ");
	} else if (i == nr_keys + 2) {
		*role = UI_SECTION;
		snprintf(buf, len, "VM columns (rates per second over the last second)");
	} else if (i - nr_keys - 3 < top_nr_vm_columns) {
		const struct top_vm_column *c = &top_vm_columns[i - nr_keys - 3];

		snprintf(buf, len, "  %-8s %s", c->title, c->help);
	} else if (i - nr_keys - 3 == top_nr_vm_columns) {
		snprintf(buf, len, " ");
	} else if (i - nr_keys - 4 == top_nr_vm_columns) {
		snprintf(buf, len,
			 "A replay's rates and sparklines are over recording time; "
			 "? marks a value the state does not know.");
	} else {
		return false;
	}
	return true;
}

static void help_draw(struct ui_screen *base, struct ui *ui, const struct top_frame *f, int top,
		      int height)
{
	struct help_screen *s = (struct help_screen *)base;
	char line[256];
	enum ui_role role;
	size_t n = 0;

	(void)ui;
	(void)f;
	while (help_line(n, line, sizeof(line), &role))
		n++;
	ui_panel_fit(&s->scroll, (int)n, 1);
	for (int y = 0;
	     y < height && help_line((size_t)(s->scroll.selected + y), line, sizeof(line), &role);
	     y++)
		ui_draw_text(top + y, 0, COLS, role, line);
}

static enum ui_key_result help_key(struct ui_screen *base, struct ui *ui, const struct top_frame *f,
				   int key)
{
	struct help_screen *s = (struct help_screen *)base;

	(void)f;
	if (ui_panel_key(&s->scroll, key, ui_screen_height()))
		return UI_KEY_HANDLED;
	if (key == 'h' || key == '?' || key == KEY_F(1)) { /* the help key closes it again */
		ui_key_back(ui);
		return UI_KEY_HANDLED;
	}
	return UI_KEY_IGNORED;
}

static void help_title(struct ui_screen *base, const struct top_frame *f, char *buf, size_t len)
{
	(void)base;
	(void)f;
	snprintf(buf, len, "Help");
}

static void help_free(struct ui_screen *s)
{
	free(s);
}

static const struct ui_screen_ops help_ops = {
	.title = help_title,
	.draw = help_draw,
	.key = help_key,
	.free = help_free,
};

struct ui_screen *help_screen_new(void)
{
	struct help_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &help_ops;
	return &s->base;
}
