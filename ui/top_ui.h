/* SPDX-License-Identifier: GPL-2.0 */
/* The full-screen viewer of `kvmirq top`: screens over frames from one source. */
#ifndef KVMIRQ_TOP_UI_H
#define KVMIRQ_TOP_UI_H

#include <stdint.h>

#include "top/frame.h"

struct top_ui_options {
	double delay_s; /* between refreshes */
	uint32_t vm;	/* open this VM's screen first; 0: the VM list */
	uint32_t pid;	/* only this VMM's VMs; 0: all */
};

/* Run until the user quits: 0, or 1 when the terminal could not be used. */
int top_ui_run(struct top_source *src, const struct top_ui_options *o);

#endif
