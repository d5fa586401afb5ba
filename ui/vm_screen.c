// SPDX-License-Identifier: GPL-2.0
/*
 * The VM list: one row per VM with its rates and a sparkline, sorted by a
 * column (s cycles), filtered by a name substring (/). The columns that do
 * not fit the terminal are dropped, the optional ones first.
 */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "panel.h"
#include "sparkline.h"
#include "top/format.h"
#include "top/vm_table.h"
#include "vm_detail_screen.h"
#include "vm_screen.h"

#define SPARK_MIN      6
#define SPARK_MAX      TOP_HISTORY

struct vm_screen {
	struct ui_screen base;
	struct ui_panel panel;
	size_t sort;	      /* column */
	char filter[64];      /* name substring; "" all */
	uint32_t selected_vm; /* stays under the cursor as rows move */
};

/* The frame's VMs that pass the filter, sorted: indexes into f->vms. */
static size_t visible(const struct vm_screen *s, const struct top_frame *f, size_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nr_vms; i++)
		if (!s->filter[0] || strstr(f->vms[i].name, s->filter))
			out[n++] = i;
	/* insertion sort: a handful of VMs, and stable */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && top_vm_compare(&f->vms[out[j]], &f->vms[out[j - 1]], s->sort) < 0;
		     j--) {
			size_t t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* Which columns fit, and how wide the name and the sparkline are. */
struct layout {
	bool shown[TOP_MAX_VM_COLUMNS];
	unsigned name_width, spark_width;
};

static void fit(struct layout *l)
{
	unsigned used = 0;
	unsigned drop = 0;

	for (size_t c = 0; c < top_nr_vm_columns; c++) {
		l->shown[c] = true;
		used += top_vm_columns[c].width + 1;
		drop = top_vm_columns[c].drop_order > drop ? top_vm_columns[c].drop_order : drop;
	}
	/* drop optional columns, highest order first, until the sparkline fits */
	for (; drop && used + SPARK_MIN > (unsigned)COLS; drop--)
		for (size_t c = 0; c < top_nr_vm_columns; c++)
			if (top_vm_columns[c].drop_order == drop && l->shown[c]) {
				l->shown[c] = false;
				used -= top_vm_columns[c].width + 1;
			}
	l->name_width = 0;
	l->spark_width = (unsigned)COLS > used ? (unsigned)COLS - used : 0;
	/* the name grows first, then the sparkline takes the rest */
	for (size_t c = 0; c < top_nr_vm_columns; c++)
		if (!strcmp(top_vm_columns[c].title, "NAME")) {
			unsigned extra =
				l->spark_width > SPARK_MIN ? l->spark_width - SPARK_MIN : 0;

			extra = extra > top_vm_columns[c].max_width - top_vm_columns[c].width
					? top_vm_columns[c].max_width - top_vm_columns[c].width
					: extra;
			l->name_width = top_vm_columns[c].width + extra;
			l->spark_width -= extra;
		}
	if (l->spark_width > SPARK_MAX)
		l->spark_width = SPARK_MAX;
}

static unsigned width_of(const struct layout *l, size_t c)
{
	return !strcmp(top_vm_columns[c].title, "NAME") ? l->name_width : top_vm_columns[c].width;
}

/* The sparkline shows the sorted column's rate, or line changes. */
static int spark_rate(const struct vm_screen *s)
{
	return top_vm_columns[s->sort].rate >= 0 ? top_vm_columns[s->sort].rate : TOP_RATE_LINES;
}

static void draw_header(const struct vm_screen *s, const struct top_frame *f,
			const struct layout *l, int y)
{
	int x = 0;
	char title[80], span[16];
	const char *rate = "";

	for (size_t c = 0; c < top_nr_vm_columns; c++) {
		const struct top_vm_column *col = &top_vm_columns[c];

		if (!l->shown[c])
			continue;
		snprintf(title, sizeof(title), col->left ? "%-*s" : "%*s", (int)width_of(l, c),
			 col->title);
		ui_draw_text(y, x, (int)width_of(l, c) + 1, c == s->sort ? UI_SORTED : UI_COLUMNS,
			     title);
		x += (int)width_of(l, c) + 1;
	}
	/* the sparkline's title: its rate, and the time its points span when that fits */
	for (size_t c = 0; c < top_nr_vm_columns; c++)
		if (top_vm_columns[c].rate == spark_rate(s))
			rate = top_vm_columns[c].title;
	top_format_span(f->history_step_s * l->spark_width, span, sizeof(span));
	if (f->history_step_s > 0 && strlen(rate) + 1 + strlen(span) <= l->spark_width)
		snprintf(title, sizeof(title), "%s %s", rate, span);
	else
		snprintf(title, sizeof(title), "%s", rate);
	ui_draw_text(y, x, COLS - x, UI_COLUMNS, title);
}

static void draw_row(const struct vm_screen *s, struct ui *ui, const struct layout *l,
		     const struct top_vm *v, int y, bool selected)
{
	char cell[128], spark[SPARK_MAX * 3 + 1];
	int x = 0;

	for (size_t c = 0; c < top_nr_vm_columns; c++) {
		if (!l->shown[c])
			continue;
		top_vm_cell(v, c, width_of(l, c), ui_utf8(ui), cell, sizeof(cell));
		ui_draw_text(y, x, (int)width_of(l, c) + 1,
			     selected ? UI_SELECTED
			     : top_vm_columns[c].alarm && top_vm_columns[c].number(v) > 0
				     ? UI_ERROR
				     : UI_NORMAL,
			     cell);
		x += (int)width_of(l, c) + 1;
	}
	ui_sparkline(v->history[spark_rate(s)], TOP_HISTORY, l->spark_width, ui_utf8(ui), spark,
		     sizeof(spark));
	ui_draw_text(y, x, COLS - x, selected ? UI_SELECTED : UI_GRAPH, spark);
}

/* What the dropped columns would show, for the VM under the cursor, on the last row. */
static void draw_hidden(const struct layout *l, const struct top_vm *v, int y)
{
	char line[256], cell[128];
	int n = snprintf(line, sizeof(line), "VM %u", v->id);
	bool hidden = false;

	for (size_t c = 0; c < top_nr_vm_columns && n < (int)sizeof(line); c++) {
		if (l->shown[c])
			continue;
		hidden = true;
		top_vm_columns[c].format(v, cell, sizeof(cell));
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s %s", top_vm_columns[c].title,
			      cell);
	}
	if (hidden)
		ui_draw_text(y, 0, COLS, UI_SECTION, line);
}

static void vm_draw(struct ui_screen *base, struct ui *ui, const struct top_frame *f, int top,
		    int height)
{
	struct vm_screen *s = (struct vm_screen *)base;
	size_t *rows = calloc(f->nr_vms + 1, sizeof(*rows));
	size_t n = rows ? visible(s, f, rows) : 0;
	struct layout l;

	fit(&l);
	draw_header(s, f, &l, top);
	/* the cursor follows its VM when rows move */
	for (size_t i = 0; i < n; i++)
		if (f->vms[rows[i]].id == s->selected_vm)
			s->panel.selected = (int)i;
	ui_panel_fit(&s->panel, (int)n, height - 1);
	for (int i = s->panel.top; i < (int)n && i - s->panel.top < height - 1; i++)
		draw_row(s, ui, &l, &f->vms[rows[i]], top + 1 + i - s->panel.top,
			 i == s->panel.selected);
	if (n) {
		s->selected_vm = f->vms[rows[s->panel.selected]].id;
		draw_hidden(&l, &f->vms[rows[s->panel.selected]], top + height - 1);
	} else
		ui_draw_text(
			top + 2, 2, COLS - 2, UI_UNKNOWN,
			s->filter[0] ? "no VM's name has the filter's text (/ changes it)"
			: f->is_replay
				? "no VM yet at this point of the recording (n steps, space plays)"
				: "no VM to show");
	free(rows);
}

static enum ui_key_result vm_key(struct ui_screen *base, struct ui *ui, const struct top_frame *f,
				 int key)
{
	struct vm_screen *s = (struct vm_screen *)base;

	if (ui_panel_key(&s->panel, key, ui_screen_height() - 1)) {
		/* the cursor moved: it is on another VM now */
		size_t *rows = calloc(f->nr_vms + 1, sizeof(*rows));
		size_t n = rows ? visible(s, f, rows) : 0;

		s->selected_vm = n ? f->vms[rows[s->panel.selected]].id : 0;
		free(rows);
		return UI_KEY_HANDLED;
	}
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
		if (s->selected_vm)
			vm_detail_screen_open(ui, s->selected_vm);
		return UI_KEY_HANDLED;
	case 's':
		s->sort = (s->sort + 1) % top_nr_vm_columns;
		ui_message(ui, false, "sorted by %s: %s", top_vm_columns[s->sort].title,
			   top_vm_columns[s->sort].help);
		return UI_KEY_HANDLED;
	case '/':
		if (ui_prompt(ui, "Filter VMs by name (empty: all):", s->filter, sizeof(s->filter)))
			ui_message(ui, false,
				   s->filter[0] ? "VMs whose name has '%s'" : "all VMs%s",
				   s->filter);
		return UI_KEY_HANDLED;
	default: return UI_KEY_IGNORED;
	}
}

static void vm_title(struct ui_screen *base, const struct top_frame *f, char *buf, size_t len)
{
	const struct vm_screen *s = (const struct vm_screen *)base;

	snprintf(buf, len, "VMs%s%s%s", s->filter[0] ? " ~'" : "", s->filter,
		 s->filter[0] ? "'" : "");
	(void)f;
}

static void vm_free(struct ui_screen *s)
{
	free(s);
}

static const struct ui_key_label vm_labels[] = {
	{ "Enter", "VM" },
	{ "s", "Sort" },
	{ "/", "Filter" },
	{ NULL, NULL },
};

static const struct ui_screen_ops vm_ops = {
	.title = vm_title,
	.draw = vm_draw,
	.key = vm_key,
	.free = vm_free,
	.labels = vm_labels,
};

struct ui_screen *vm_screen_new(void)
{
	struct vm_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &vm_ops;
	return &s->base;
}
