// SPDX-License-Identifier: GPL-2.0
/*
 * One controller's registers, decoded field by field (chips/chip.h), each
 * register element on a line that wraps at the screen's edge. A value that
 * changed since the previous frame is highlighted; one the state does not
 * know shows "?". The header says how old the read under the values is; r
 * reads the controller again (live), z hides registers that are all zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chip_screen.h"
#include "draw.h"
#include "panel.h"
#include "top/chip_values.h"
#include "top/format.h"
#include "top/vm_detail.h"
#include "util/text_cells.h"

#define LABEL_MAX 20

struct chip_screen {
	struct ui_screen base;
	uint32_t vm;
	char model[32];
	int32_t index;
	char title[64];
	bool found;		  /* the frame's state has it */
	uint64_t time_ns, now_ns; /* when it was read; the frame's time */
	bool replay;
	struct top_chip_values values;
	bool skip_zero;
	struct ui_panel scroll; /* selected = the first line shown */
};

static const struct chip_state *find(const struct chip_screen *s, const struct top_frame *f)
{
	for (size_t i = 0; f->state && i < f->state->nr_chips; i++) {
		const struct chip_state *c = &f->state->chips[i];

		if (c->vm == s->vm && c->index == s->index && !strcmp(c->model_name, s->model))
			return c;
	}
	return NULL;
}

/* A new frame: decode again, and mark what differs from the previous one. */
static void chip_frame(struct ui_screen *base, const struct top_frame *f)
{
	struct chip_screen *s = (struct chip_screen *)base;
	const struct chip_state *c = find(s, f);

	s->found = c != NULL;
	s->now_ns = f->time_ns;
	s->replay = f->is_replay;
	if (!c)
		return;
	top_chip_title(c, s->title, sizeof(s->title));
	s->time_ns = c->time_ns;
	top_chip_values_update(&s->values, c); /* out of memory: the last values stay */
}

/* Register elements all of whose values are known zeros (hidden by z). */
static bool all_zero(const struct top_chip_values *vals, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++)
		if (!vals->v[i].known || vals->v[i].value)
			return false;
	return true;
}

static size_t group_end(const struct top_chip_values *vals, size_t first)
{
	size_t i = first + 1;

	while (i < vals->n && top_chip_same_row(&vals->v[i], &vals->v[first]))
		i++;
	return i;
}

/* Rows A and B of one table: the same register (per interrupt: the same
 * first register) and as many fields. */
static bool same_shape(const struct top_chip_values *vals, size_t a, size_t b)
{
	return vals->v[a].reg == vals->v[b].reg && (vals->v[a].irq < 0) == (vals->v[b].irq < 0) &&
	       group_end(vals, a) - a == group_end(vals, b) - b;
}

/* Short column titles for the fields of register arrays shown as tables. */
static const struct {
	const char *field, *title;
} short_titles[] = {
	{ "vector", "vec" },	       { "delivery_mode", "deliv" }, { "dest_mode", "dmode" },
	{ "delivery_status", "pend" }, { "polarity", "pol" },	     { "remote_irr", "rirr" },
	{ "trigger", "trig" },	       { "masked", "mask" },	     { "dest_id", "dest" },
	{ "enabled", "en" },	       { "pending", "pend" },	     { "active", "act" },
	{ "priority", "prio" },	       { "group", "grp" },	     { "modifier", "mod" },
};

static const char *column_title(const char *field)
{
	for (size_t i = 0; i < sizeof(short_titles) / sizeof(short_titles[0]); i++)
		if (!strcmp(short_titles[i].field, field))
			return short_titles[i].title;
	return field;
}

/* The pieces of the layout, line by line; PUT NULL only counts the lines. */
typedef void put_fn(void *ctx, int line, int x, const char *text, enum ui_role role);

static enum ui_role value_role(const struct top_chip_value *v)
{
	return v->changed ? UI_CHANGED : !v->known ? UI_UNKNOWN : UI_NORMAL;
}

#define MAX_FIELDS 32

/* An array register whose fields fit side by side, or the interrupts' rows:
 * one header, then one row per element or interrupt. Column widths in
 * WIDTHS; false when it does not fit. */
static bool table_widths(const struct top_chip_values *vals, size_t first, int label_width, int width,
			 int *widths)
{
	const struct chip_register *reg = vals->v[first].reg;
	size_t nr = group_end(vals, first) - first;
	int total = label_width;

	if (vals->v[first].irq < 0 && (reg->count < 2 || !reg->fields))
		return false;
	if (nr > MAX_FIELDS)
		return false;
	for (size_t f = 0; f < nr; f++)
		widths[f] = (int)strlen(column_title(vals->v[first + f].field));
	for (size_t row = first; row < vals->n && same_shape(vals, first, row);
	     row = group_end(vals, row)) {
		for (size_t f = 0; f < nr; f++)
			if ((int)text_cells(vals->v[row + f].text) > widths[f])
				widths[f] = (int)text_cells(vals->v[row + f].text);
	}
	for (size_t f = 0; f < nr; f++)
		total += widths[f] + 1;
	return total <= width;
}

static int lay_out(const struct chip_screen *s, int width, put_fn *put, void *ctx)
{
	int label_width = 0, line = 0, widths[MAX_FIELDS];
	size_t table = SIZE_MAX; /* the first row of the table being shown */
	char text[160];

	for (size_t i = 0; i < s->values.n; i++) {
		int w = (int)strlen(s->values.v[i].label) + 1;

		label_width = w > label_width ? (w > LABEL_MAX ? LABEL_MAX : w) : label_width;
	}
	for (size_t first = 0, end; first < s->values.n; first = end) {
		const struct top_chip_value *head = &s->values.v[first];
		bool in_table;
		int x = label_width;

		end = group_end(&s->values, first);
		if ((table == SIZE_MAX || !same_shape(&s->values, table, first)) &&
		    (head->irq >= 0 || head->element == 0) &&
		    table_widths(&s->values, first, label_width, width, widths)) {
			table = first; /* its titles once, above its first row */
			for (size_t i = first; put && i < end; i++) {
				snprintf(text, sizeof(text), "%-*s", widths[i - first],
					 column_title(s->values.v[i].field));
				put(ctx, line, x, text, UI_COLUMNS);
				x += widths[i - first] + 1;
			}
			line++;
			x = label_width;
		}
		in_table = table != SIZE_MAX && same_shape(&s->values, table, first);
		if (s->skip_zero && all_zero(&s->values, first, end))
			continue;
		if (put)
			put(ctx, line, 0, s->values.v[first].label, UI_SECTION);
		for (size_t i = first; i < end; i++) {
			const struct top_chip_value *v = &s->values.v[i];

			if (in_table) {
				snprintf(text, sizeof(text), "%-*s", widths[i - first], v->text);
			} else {
				snprintf(text, sizeof(text), "%s%s%s", v->field,
					 v->field[0] ? "=" : "", v->text);
				if (x + (int)text_cells(text) > width && x > label_width) {
					line++; /* wrap under the first field */
					x = label_width;
				}
			}
			if (put)
				put(ctx, line, x, text, value_role(v));
			x += (int)text_cells(text) + 1;
		}
		line++;
	}
	return line;
}

struct draw_ctx {
	int top, first, height;
};

static void put_piece(void *p, int line, int x, const char *text, enum ui_role role)
{
	const struct draw_ctx *d = p;

	if (line >= d->first && line < d->first + d->height)
		ui_draw_text(d->top + line - d->first, x, (int)text_cells(text), role, text);
}

static void chip_draw(struct ui_screen *base, struct ui *ui, const struct top_frame *f, int top,
		      int height)
{
	struct chip_screen *s = (struct chip_screen *)base;
	char line[256], age[24];
	struct draw_ctx d = { .top = top + 2, .height = height - 2 };

	(void)ui;
	(void)f;
	if (!s->found) {
		ui_draw_text(top, 0, COLS, UI_UNKNOWN,
			     "this controller is not in the state at this moment");
		return;
	}
	top_format_age(s->now_ns, s->time_ns, age, sizeof(age));
	if (!s->time_ns)
		snprintf(line, sizeof(line), "%s (%s) of VM %u: never read whole", s->title,
			 s->model, s->vm);
	else
		snprintf(line, sizeof(line), "%s (%s) of VM %u: %s %s before", s->title, s->model,
			 s->vm, s->replay ? "reconstructed on a read" : "read", age);
	ui_draw_text(top, 0, COLS, UI_SECTION, line);
	snprintf(line, sizeof(line),
		 "%zu values, %zu unknown (?), %zu changed since the last frame%s", s->values.n,
		 s->values.unknown, s->values.changed, s->skip_zero ? "; zero registers hidden" : "");
	ui_draw_text(top + 1, 0, COLS, s->values.changed ? UI_CHANGED : UI_NORMAL, line);
	ui_panel_fit(&s->scroll, lay_out(s, COLS, NULL, NULL), 1);
	d.first = s->scroll.selected;
	lay_out(s, COLS, put_piece, &d);
}

static enum ui_key_result chip_key(struct ui_screen *base, struct ui *ui, const struct top_frame *f,
				   int key)
{
	struct chip_screen *s = (struct chip_screen *)base;
	int lines = lay_out(s, COLS, NULL, NULL), height = ui_screen_height() - 2;
	int ret;

	(void)f;
	if (ui_panel_key(&s->scroll, key, height)) {
		/* the cursor is the first line shown: never past the last page */
		if (s->scroll.selected > lines - height)
			s->scroll.selected = lines - height > 0 ? lines - height : 0;
		return UI_KEY_HANDLED;
	}
	switch (key) {
	case 'z':
		s->skip_zero = !s->skip_zero;
		s->scroll.selected = 0;
		return UI_KEY_HANDLED;
	case 'r':
		ret = ui_snapshot(ui, s->vm);
		if (ret == -ENOTSUP)
			ui_message(ui, true,
				   "a replay's state is the recording's: there is nothing to read "
				   "again");
		else if (ret)
			ui_message(ui, true, "reading the controllers failed: %s", strerror(-ret));
		else
			ui_message(ui, false, "read again");
		return UI_KEY_HANDLED;
	default: return UI_KEY_IGNORED;
	}
}

static void chip_title(struct ui_screen *base, const struct top_frame *f, char *buf, size_t len)
{
	const struct chip_screen *s = (const struct chip_screen *)base;

	(void)f;
	snprintf(buf, len, "%s", s->title[0] ? s->title : s->model);
}

static void chip_free(struct ui_screen *base)
{
	struct chip_screen *s = (struct chip_screen *)base;

	top_chip_values_free(&s->values);
	free(s);
}

static const struct ui_key_label chip_labels[] = {
	{ "r", "Read" },
	{ "z", "Zeros" },
	{ NULL, NULL },
};

static const struct ui_screen_ops chip_ops = {
	.title = chip_title,
	.draw = chip_draw,
	.key = chip_key,
	.frame = chip_frame,
	.free = chip_free,
	.labels = chip_labels,
};

struct ui_screen *chip_screen_new(uint32_t vm, const char *model_name, int32_t index)
{
	struct chip_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &chip_ops;
	s->vm = vm;
	s->index = index;
	snprintf(s->model, sizeof(s->model), "%s", model_name);
	return &s->base;
}
