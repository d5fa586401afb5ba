/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VM in detail, as rows of text: its controllers, lines, MSIs, vCPUs,
 * GSI routing and irqfds. The batch printer prints the rows; the screen
 * draws them, colours them by kind and lets Enter open a controller row.
 * Every row fits in 80 columns.
 */
#ifndef KVMIRQ_TOP_VM_DETAIL_H
#define KVMIRQ_TOP_VM_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "top/frame.h"

enum top_row_kind {
	TOP_ROW_TITLE,	 /* the VM itself */
	TOP_ROW_SECTION, /* "Lines", "MSIs", ... */
	TOP_ROW_COLUMNS, /* a section's column titles */
	TOP_ROW_CHIP,	 /* index: into f->state->chips */
	TOP_ROW_LINE,	 /* index: into f->lines */
	TOP_ROW_MSI,	 /* index: into f->msis */
	TOP_ROW_VCPU,	 /* index: into f->vcpus */
	TOP_ROW_ROUTE,	 /* a routing table entry */
	TOP_ROW_IRQFD,
	TOP_ROW_NOTE, /* "none", "not known" */
};

struct top_row {
	enum top_row_kind kind;
	size_t index;
	int number; /* TOP_ROW_CHIP: the key that opens it (1-9), 0 none */
	char text[160];
};

/* FN for each row of VM's detail, in order. */
void top_vm_detail_rows(const struct top_frame *f, uint32_t vm,
			void (*fn)(void *ctx, const struct top_row *row), void *ctx);

/* The controller's name for people: "IOAPIC", "LAPIC of vCPU 0". */
void top_chip_title(const struct chip_state *c, char *buf, size_t len);

#endif
