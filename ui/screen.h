/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Screens and the manager that stacks them (htop's ScreenManager): the VM
 * list at the bottom, a VM above it, a controller above that, help on top.
 * The manager owns the frame and the source; a screen draws from the frame
 * and acts through the manager, never through the source's internals.
 */
#ifndef KVMIRQ_UI_SCREEN_H
#define KVMIRQ_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

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
/* Fetch a new frame before the next draw. */
void ui_refresh_now(struct ui *ui);
bool ui_utf8(const struct ui *ui);
/* Rows the screen area has. */
int ui_screen_height(void);

/* The screens. */
struct ui_screen *vm_screen_new(void);
struct ui_screen *vm_detail_screen_new(uint32_t vm);
struct ui_screen *chip_screen_new(uint32_t vm, const char *model_name, int32_t index);
struct ui_screen *help_screen_new(void);

#endif
