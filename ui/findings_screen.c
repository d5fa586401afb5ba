// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq check's findings as the source has them (the frame's findings):
 * one row per finding, in the order found, as kvmirq check prints it; the
 * finding under the cursor in full, wrapped, at the bottom.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "findings_screen.h"
#include "panel.h"

#define DETAIL_ROWS 4

struct findings_screen {
	struct ui_screen base;
	struct ui_panel panel;
};

/* F as kvmirq check's line, without its newline. */
static void finding_text(const struct finding *f, char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!m)
		return;
	finding_print_text(f, m);
	fclose(m);
	buf[strcspn(buf, "\n")] = '\0';
}

static enum ui_role severity_role(const struct finding *f)
{
	return f->severity == CHECK_ERROR ? UI_ERROR : UI_NORMAL;
}

/* TEXT over ROWS rows from Y, broken at spaces where it can be. */
static void draw_wrapped(int y, int rows, const char *text)
{
	size_t width = COLS > 1 ? (size_t)COLS - 1 : 1;

	for (int r = 0; r < rows && *text; r++) {
		size_t n = strlen(text);
		char line[512];

		if (n > width) {
			n = width;
			while (n > width / 2 && text[n] != ' ')
				n--;
			if (text[n] != ' ')
				n = width;
		}
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, text, n);
		line[n] = '\0';
		ui_draw_text(y + r, 0, COLS, UI_NORMAL, line);
		text += n;
		while (*text == ' ')
			text++;
	}
}

static void findings_draw(struct ui_screen *base, struct ui *ui, const struct top_frame *f,
			  int top, int height)
{
	struct findings_screen *s = (struct findings_screen *)base;
	int list_rows = height - 1 - (DETAIL_ROWS + 1);
	char head[160], line[1024];

	(void)ui;
	if (list_rows < 1)
		list_rows = 1;
	snprintf(head, sizeof(head), "%zu findings of kvmirq check's rules, in the order found "
				     "(kvmirq-check(1) explains each rule)",
		 f->nr_findings);
	ui_draw_text(top, 0, COLS, UI_COLUMNS, head);
	if (!f->nr_findings) {
		ui_draw_text(top + 1, 0, COLS, UI_NORMAL, "  none so far");
		return;
	}
	ui_panel_fit(&s->panel, (int)f->nr_findings, list_rows);
	for (int y = 0; y < list_rows && s->panel.top + y < s->panel.count; y++) {
		const struct finding *x = &f->findings[s->panel.top + y];

		finding_text(x, line, sizeof(line));
		ui_draw_text(top + 1 + y, 0, COLS,
			     s->panel.top + y == s->panel.selected ? UI_SELECTED : severity_role(x),
			     line);
	}
	finding_text(&f->findings[s->panel.selected], line, sizeof(line));
	draw_wrapped(top + height - DETAIL_ROWS, DETAIL_ROWS, line);
}

static enum ui_key_result findings_key(struct ui_screen *base, struct ui *ui,
				       const struct top_frame *f, int key)
{
	struct findings_screen *s = (struct findings_screen *)base;

	(void)f;
	if (ui_panel_key(&s->panel, key, ui_screen_height() - 2 - DETAIL_ROWS))
		return UI_KEY_HANDLED;
	if (key == 'f') { /* the key that opened it closes it */
		ui_key_back(ui);
		return UI_KEY_HANDLED;
	}
	return UI_KEY_IGNORED;
}

static void findings_title(struct ui_screen *base, const struct top_frame *f, char *buf,
			   size_t len)
{
	(void)base;
	snprintf(buf, len, "Findings (%zu)", f->nr_findings);
}

static void findings_free(struct ui_screen *s)
{
	free(s);
}

static const struct ui_key_label findings_labels[] = {
	{ "f", "Close" },
	{ NULL, NULL },
};

static const struct ui_screen_ops findings_ops = {
	.title = findings_title,
	.draw = findings_draw,
	.key = findings_key,
	.free = findings_free,
	.labels = findings_labels,
};

struct ui_screen *findings_screen_new(void)
{
	struct findings_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &findings_ops;
	return &s->base;
}
