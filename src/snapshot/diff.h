/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field-level differences between two snapshots. Controllers are matched by
 * identity that survives a migration to another host: the VM's ordinal, the
 * model and the instance (vCPU id), never a kernel pointer or an fd.
 */
#ifndef KVMIRQ_DIFF_H
#define KVMIRQ_DIFF_H

#include "snapshot/snapshot.h"

enum diff_class {
	DIFF_CHANGED,	 /* known on both sides, different */
	DIFF_VOLATILE,	 /* different, but the field changes on its own: listed apart */
	DIFF_UNKNOWN,	 /* known on one side only: the read failed on the other */
	DIFF_NOT_KNOWN,	 /* a reconstruction could not know it: listed apart */
	DIFF_ONLY_A,	 /* the whole controller is missing from B */
	DIFF_ONLY_B,	 /* the whole controller is missing from A */
};

struct diff_entry {
	enum diff_class class;
	const struct chip_state *chip; /* A's, or B's for DIFF_ONLY_B; NULL for routing */
	const struct chip_value *a;    /* NULL for whole-controller and routing entries */
	const struct chip_value *b;
	const char *why; /* DIFF_VOLATILE: the reason */
	/* routing entries (chip NULL): the VM, "gsi 24" or "irqfds", and both sides */
	uint32_t vm;
	const char *what, *a_text, *b_text;
};

struct diff_totals {
	unsigned changed, volatile_changes, unknown, not_known, only_a, only_b, compared;
	unsigned routes_changed, routes_compared;
};

/* Calls fn for every difference in table order; fills totals. 0 or -errno. */
int snapshot_diff(const struct snapshot *a, const struct snapshot *b,
		  void (*fn)(void *ctx, const struct diff_entry *e), void *ctx,
		  struct diff_totals *totals);

/* True when the totals hold a difference that counts (exit status 1). */
bool diff_totals_differ(const struct diff_totals *t);

#endif
