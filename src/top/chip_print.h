/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kvmirq top -b/-j --vm V --chip N`: controller N of VM V as its register
 * screen shows it, every value decoded, "?" where not known, and the values
 * that changed since the previous frame marked (text: a "*" after the
 * value; JSON: "changed": true).
 */
#ifndef KVMIRQ_TOP_CHIP_PRINT_H
#define KVMIRQ_TOP_CHIP_PRINT_H

#include <stdio.h>

#include "top/chip_values.h"
#include "util/json.h"

/* VALS: the controller's values, decoded for this frame. C: NULL when the
 * frame has no controller NUMBER in that VM. */
void top_chip_print_text(const struct top_frame *f, const struct chip_state *c, unsigned number,
			 const struct top_chip_values *vals, FILE *out);
/* The frame's "registers" member: null without C. */
void top_chip_print_json(struct json *j, const struct chip_state *c, unsigned number,
			 const struct top_chip_values *vals);

#endif
