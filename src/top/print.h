/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kvmirq top -b`: frames as text (a header, the VM table, and with --vm
 * the VM in detail) or as JSON Lines (one object per frame holding every
 * array of the frame), for scripts and tests.
 */
#ifndef KVMIRQ_TOP_PRINT_H
#define KVMIRQ_TOP_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "top/frame.h"

struct top_print_options {
	bool json;
	uint32_t vm; /* 0: the VM table; else this VM in detail too (JSON: only its rows) */
};

void top_print_frame(const struct top_frame *f, const struct top_print_options *o, FILE *out);

#endif
