// SPDX-License-Identifier: GPL-2.0
/*
 * The viewer assembled: the screen manager over a source, the VM list at
 * the bottom of its stack (a VM's screen above it when one was asked for),
 * and the help screen for its help keys.
 */
#include "findings_screen.h"
#include "help.h"
#include "screen.h"
#include "top_ui.h"
#include "vm_detail_screen.h"
#include "vm_screen.h"

int top_ui_run(struct top_source *src, const struct top_ui_options *o)
{
	const struct ui_options uo = {
		.delay_s = o->delay_s,
		.pid = o->pid,
		.open_help = help_screen_new,
		.open_findings = findings_screen_new,
	};
	struct ui *ui = ui_open(src, &uo);

	if (!ui)
		return 1;
	ui_push(ui, vm_screen_new());
	if (o->vm)
		vm_detail_screen_open(ui, o->vm);
	ui_run(ui);
	ui_close(ui);
	return 0;
}
