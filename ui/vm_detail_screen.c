// SPDX-License-Identifier: GPL-2.0
/*
 * One VM: its controllers (Enter or 1-9 opens one), lines, MSIs, vCPUs,
 * GSI routing and irqfds, as the rows src/top/vm_detail.c writes, scrolled
 * with a cursor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chip_screen.h"
#include "draw.h"
#include "panel.h"
#include "top/vm_detail.h"
#include "vm_detail_screen.h"

struct vm_detail_screen {
	struct ui_screen base;
	uint32_t vm;
	char name[64];
	struct ui_panel panel;
	struct top_row *rows;
	size_t nr_rows, cap_rows;
	bool placed; /* the cursor went to the first controller once */
};

static void collect(void *ctx, const struct top_row *row)
{
	struct vm_detail_screen *s = ctx;

	if (s->nr_rows == s->cap_rows) {
		size_t cap = s->cap_rows ? s->cap_rows * 2 : 64;
		struct top_row *rows = realloc(s->rows, cap * sizeof(*rows));

		if (!rows)
			return;
		s->rows = rows;
		s->cap_rows = cap;
	}
	s->rows[s->nr_rows++] = *row;
}

static void detail_frame(struct ui_screen *base, const struct top_frame *f)
{
	struct vm_detail_screen *s = (struct vm_detail_screen *)base;

	s->nr_rows = 0;
	top_vm_detail_rows(f, s->vm, collect, s);
	for (size_t i = 0; i < f->nr_vms; i++)
		if (f->vms[i].id == s->vm)
			snprintf(s->name, sizeof(s->name), "%s", f->vms[i].name);
	/* start on the first controller: Enter opens it */
	for (size_t i = 0; !s->placed && i < s->nr_rows; i++)
		if (s->rows[i].kind == TOP_ROW_CHIP) {
			s->panel.selected = (int)i;
			s->placed = true;
		}
}

/* How each kind of row looks. */
static const enum ui_role role_of_kind[] = {
	[TOP_ROW_TITLE] = UI_SECTION,	[TOP_ROW_SECTION] = UI_SECTION,
	[TOP_ROW_COLUMNS] = UI_COLUMNS, [TOP_ROW_CHIP] = UI_NORMAL,
	[TOP_ROW_LINE] = UI_NORMAL,	[TOP_ROW_MSI] = UI_NORMAL,
	[TOP_ROW_VCPU] = UI_NORMAL,	[TOP_ROW_ROUTE] = UI_NORMAL,
	[TOP_ROW_IRQFD] = UI_NORMAL,	[TOP_ROW_NOTE] = UI_UNKNOWN,
};

static void detail_draw(struct ui_screen *base, struct ui *ui, const struct top_frame *f, int top,
			int height)
{
	struct vm_detail_screen *s = (struct vm_detail_screen *)base;

	(void)ui;
	(void)f;
	ui_panel_fit(&s->panel, (int)s->nr_rows, height);
	for (int i = s->panel.top; i < (int)s->nr_rows && i - s->panel.top < height; i++) {
		const struct top_row *r = &s->rows[i];

		ui_draw_text(top + i - s->panel.top, 0, COLS,
			     i == s->panel.selected ? UI_SELECTED : role_of_kind[r->kind], r->text);
	}
}

static void say_read(struct ui *ui, int ret)
{
	if (ret)
		ui_message(ui, true, "reading the controllers failed: %s", strerror(-ret));
	else
		ui_message(ui, false, "controllers read (r reads them again)");
}

static void open_chip(struct vm_detail_screen *s, struct ui *ui, const struct top_frame *f,
		      const struct top_row *r)
{
	const struct chip_state *c;

	if (!f->state || r->index >= f->state->nr_chips)
		return;
	c = &f->state->chips[r->index];
	ui_push(ui, chip_screen_new(s->vm, c->model_name, c->index));
}

static enum ui_key_result detail_key(struct ui_screen *base, struct ui *ui,
				     const struct top_frame *f, int key)
{
	struct vm_detail_screen *s = (struct vm_detail_screen *)base;

	if (ui_panel_key(&s->panel, key, ui_screen_height()))
		return UI_KEY_HANDLED;
	if (key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_RIGHT) {
		if (s->panel.selected < (int)s->nr_rows &&
		    s->rows[s->panel.selected].kind == TOP_ROW_CHIP)
			open_chip(s, ui, f, &s->rows[s->panel.selected]);
		else
			ui_message(ui, false, "Enter opens a controller's row (or its number)");
		return UI_KEY_HANDLED;
	}
	if (key == 'r') { /* live: read this VM's controllers now */
		int ret = ui_snapshot(ui, s->vm);

		if (ret == -ENOTSUP)
			ui_message(ui, true, "a replay's state is the recording's: nothing to read again");
		else
			say_read(ui, ret);
		return UI_KEY_HANDLED;
	}
	if (key >= '1' && key <= '9') {
		for (size_t i = 0; i < s->nr_rows; i++)
			if (s->rows[i].kind == TOP_ROW_CHIP && s->rows[i].number == key - '0') {
				open_chip(s, ui, f, &s->rows[i]);
				return UI_KEY_HANDLED;
			}
		ui_message(ui, true, "no controller [%c]", key);
		return UI_KEY_HANDLED;
	}
	return UI_KEY_IGNORED;
}

static void detail_title(struct ui_screen *base, const struct top_frame *f, char *buf, size_t len)
{
	const struct vm_detail_screen *s = (const struct vm_detail_screen *)base;

	(void)f;
	snprintf(buf, len, "VM %u%s%s", s->vm, s->name[0] ? " " : "", s->name);
}

static void detail_free(struct ui_screen *base)
{
	struct vm_detail_screen *s = (struct vm_detail_screen *)base;

	free(s->rows);
	free(s);
}

static const struct ui_key_label detail_labels[] = {
	{ "Enter", "Registers" },
	{ "1-9", "Chip" },
	{ NULL, NULL },
};

static const struct ui_screen_ops detail_ops = {
	.title = detail_title,
	.draw = detail_draw,
	.key = detail_key,
	.frame = detail_frame,
	.free = detail_free,
	.labels = detail_labels,
};

struct ui_screen *vm_detail_screen_new(uint32_t vm)
{
	struct vm_detail_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &detail_ops;
	s->vm = vm;
	return &s->base;
}

void vm_detail_screen_open(struct ui *ui, uint32_t vm)
{
	int ret;

	ui_push(ui, vm_detail_screen_new(vm));
	/* live, the controllers are what the user came for: read them once */
	ret = ui_snapshot(ui, vm);
	if (ret != -ENOTSUP)
		say_read(ui, ret);
}
