/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM table's columns, as one table: title, width, how a cell is written
 * and how rows sort by it. Batch frames print every column, each as wide as
 * its widest cell; the screen drops the optional ones, highest drop order
 * first, until the row fits. Text longer than its cell is elided, so every
 * row keeps the same column positions.
 */
#ifndef KVMIRQ_TOP_VM_TABLE_H
#define KVMIRQ_TOP_VM_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "top/frame.h"

struct top_vm_column {
	const char *title;
	const char *help;    /* for the help screen and the man page */
	unsigned width;	     /* at least */
	bool left;	     /* text, left-aligned; sorts A to Z (numbers sort largest first) */
	unsigned drop_order; /* 0: always shown; otherwise dropped when narrow, highest first */
	void (*format)(const struct top_vm *v, char *buf, size_t len);
	double (*number)(const struct top_vm *v); /* the sort key of a numeric column */
	int rate;   /* the enum top_rate it shows (its sparkline), -1 none */
	bool alarm; /* a value above zero is bad news: shown as an error */
	unsigned max_width; /* grows to its widest cell up to this, then elides; 0 no limit */
};

#define TOP_MAX_VM_COLUMNS 16 /* room for a row's widths */

extern const struct top_vm_column top_vm_columns[];
extern const size_t top_nr_vm_columns;

/* Order of two VMs by COLUMN (qsort-style), ties by VM id. */
int top_vm_compare(const struct top_vm *a, const struct top_vm *b, size_t column);
/* One cell in exactly WIDTH cells: elided (top_format_elide) or padded, left or
 * right as the column says. */
void top_vm_cell(const struct top_vm *v, size_t column, unsigned width, bool utf8, char *buf,
		 size_t len);

#endif
