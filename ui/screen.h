/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The screen interface and the manager that stacks screens (htop's
 * ScreenManager and Panel). The manager knows screens only through their
 * ops: it owns the frame and the source, draws the top and bottom lines,
 * and handles the keys every screen shares. A screen draws from the frame
 * and acts through the manager, never through the source's internals; it
 * may push the screens it opens (each concrete screen has its own header).
 */
#ifndef KVMIRQ_UI_SCREEN_H
#define KVMIRQ_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bar.h"
#include "top/frame.h"

struct ui;
struct ui_screen;

enum ui_key_result {
	UI_KEY_IGNORED, /* the manager's own keys get a turn */
	UI_KEY_HANDLED,
};

struct ui_screen_ops {
	/* its part of the breadcrumb: "VMs", "VM 1 testvmm", "IOAPIC" */
	void (*title)(struct ui_screen *s, const struct top_frame *f, char *buf, size_t len);
	/* draw into rows TOP .. TOP + HEIGHT - 1 */
	void (*draw)(struct ui_screen *s, struct ui *ui, const struct top_frame *f, int top,
		     int height);
	enum ui_key_result (*key)(struct ui_screen *s, struct ui *ui, const struct top_frame *f,
				  int key);
	/* a new frame arrived (also once when the screen is pushed); may be NULL */
	void (*frame)(struct ui_screen *s, const struct top_frame *f);
	void (*free)(struct ui_screen *s);
	const struct ui_key_label *labels; /* for the function bar, NULL-terminated */
};

struct ui_screen {
	const struct ui_screen_ops *ops;
};

/* What the manager needs from whoever assembles the viewer (ui/top_ui.c). */
struct ui_options {
	double delay_s;	/* between refreshes */
	uint32_t pid;	/* only this VMM's VMs; 0: all */
	/* the screen the help keys open */
	struct ui_screen *(*open_help)(void);
	/* the screen the findings key (f) opens */
	struct ui_screen *(*open_findings)(void);
};

/* Take the terminal and read the first frame; NULL when the terminal cannot
 * be used (said on stderr). Push the first screens, then run. */
struct ui *ui_open(struct top_source *src, const struct ui_options *o);
/* Until the user quits (or a signal stops it). */
void ui_run(struct ui *ui);
/* Give the terminal back; free the screens and the frame. */
void ui_close(struct ui *ui);

/* For screens. */
void ui_push(struct ui *ui, struct ui_screen *s);
void __attribute__((format(printf, 3, 4)))
ui_message(struct ui *ui, bool error, const char *fmt, ...);
/* Ask on the bottom line; false when cancelled (Esc). */
bool ui_prompt(struct ui *ui, const char *question, char *buf, size_t len);
/* Read controller state again (the register screen's key). */
int ui_snapshot(struct ui *ui, uint32_t vm);
/* Close the screen on top (Esc). */
void ui_key_back(struct ui *ui);
bool ui_utf8(const struct ui *ui);
/* Rows the screen area has. */
int ui_screen_height(void);

#endif
