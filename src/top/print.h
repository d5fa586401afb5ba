/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kvmirq top -b`: frames as text (a header, the VM table, with --vm the
 * VM in detail, with --chip one of its controllers' registers) or as JSON
 * Lines (one object per frame holding every array of the frame), for
 * scripts and tests.
 */
#ifndef KVMIRQ_TOP_PRINT_H
#define KVMIRQ_TOP_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "top/chip_values.h"
#include "top/frame.h"

struct top_print_options {
	bool json;
	uint32_t vm; /* 0: the VM table; else this VM in detail too (JSON: only its rows) */
	unsigned chip; /* 0: none; else the VM's controller [CHIP], register by register */
	struct top_chip_values *chip_values; /* with CHIP: the previous frame's, updated */
};

void top_print_frame(const struct top_frame *f, const struct top_print_options *o, FILE *out);

#endif
