/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a controller ioctl is to the device-control API's rules: a state
 * read or write (for save and restore, vCPUs stopped), a command (an access
 * with side effects that a save or restore must never make), configuration
 * that may change while vCPUs run, or none of these. One table for every
 * platform (access.c): a new controller adds rows, the rules stay as they
 * are. Where a register's table (src/chips) knows better, it decides.
 */
#ifndef KVMIRQ_CHECK_ACCESS_H
#define KVMIRQ_CHECK_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"

struct registry;

enum access_class {
	ACCESS_NONE = 0,  /* not controller state (a line, routing, a probe) */
	ACCESS_STATE_GET, /* reads state and nothing else */
	ACCESS_STATE_SET, /* writes state: a restore, with the vCPUs stopped */
	ACCESS_COMMAND,	  /* does something (IACK, EOI, reset, an ITS table save) */
	ACCESS_RUNTIME,	  /* configuration that may change while vCPUs run */
};

struct access {
	enum access_class class;
	char what[192]; /* "KVM_SET_IRQCHIP of the IOAPIC", "MPIC cur_iack[0] (iack)" */
	char key[96];	 /* the state it reaches, the same for a GET and a SET of it */
	uint64_t value;	 /* a hash of the bytes written or read */
	bool have_value;
	bool restorable; /* state a restore must write back: not read-only, not
			  * changing on its own (a count, an input latch) */
	const char *why; /* ACCESS_RUNTIME: why that is allowed */
};

/* Classify the ioctl record IO of header H (a recording of BIG byte order). */
void access_classify(const struct registry *registry, bool big,
		     const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io,
		     struct access *out);

#endif
