/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One controller's registers as the register screen shows them: every value
 * chip_decode gives, as text ("?" when the state does not know it), and
 * whether it changed since the previous frame. The screen (ui/chip_screen.c)
 * lays them out; `kvmirq top -b/-j --chip N` prints them.
 *
 * A controller whose model names its interrupts (the GICv3's, chip.h
 * irq_label) shows its per-interrupt values by interrupt rather than by
 * register: one row "spi40" with its group, enabled, pending, active,
 * priority, trigger, modifier and route fields, gathered from the bitmaps
 * and byte arrays that hold them; each value keeps its register name
 * ("ispendr[1].spi40") for JSON, show and diff.
 */
#ifndef KVMIRQ_TOP_CHIP_VALUES_H
#define KVMIRQ_TOP_CHIP_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/frame.h"

struct top_chip_value {
	const struct chip_register *reg;
	unsigned element;
	char name[64];	/* the whole name: "src_ivpr[3].priority", "ispendr[1].spi40" */
	char label[64]; /* the row: the register element "src_ivpr[3]", or the interrupt "spi40" */
	char field[40]; /* "priority"; "" for a register without fields */
	int32_t irq;	/* the interrupt whose row it is in; -1: its register element's row */
	size_t ordinal; /* its place in chip_decode's order */
	bool known, changed;
	uint64_t value;
	char text[72];
};

struct top_chip_values {
	struct top_chip_value *v;
	size_t n, cap;
	size_t unknown, changed;
	bool decoded; /* V holds a decode: the next one marks its changes against it */
};

/* A and B are on one row: one register element, or one interrupt. */
bool top_chip_same_row(const struct top_chip_value *a, const struct top_chip_value *b);

/* The controller of VM that is the NUMBER-th (from 1) of that VM in F's state,
 * as the VM's detail numbers them; NULL when there is none. */
const struct chip_state *top_chip_by_number(const struct top_frame *f, uint32_t vm,
					    unsigned number);

/* Decode C into VALS, each value marked changed when it differs from VALS'
 * previous decode of the same layout. 0 or -ENOMEM (VALS kept as it was). */
int top_chip_values_update(struct top_chip_values *vals, const struct chip_state *c);
/* Forget the previous decode: the next update marks nothing changed. */
void top_chip_values_reset(struct top_chip_values *vals);
void top_chip_values_free(struct top_chip_values *vals);

#endif
