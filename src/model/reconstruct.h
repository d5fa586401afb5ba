/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reconstructing controller state from a recording: the last full state the
 * VMM itself read or wrote (GET/SET_IRQCHIP, GET/SET_LAPIC, GET/SET of a
 * device attribute: QEMU does all of them when it migrates) plus every event
 * since that changes a register (an IOAPIC delivery shows the entry it used,
 * an accepted interrupt sets an IRR bit, an EOI clears an ISR bit).
 *
 * Every value is either known or not. A value is known when the trace
 * established it and no traced event since could have changed it in a way
 * the trace does not show; otherwise it is marked unknown rather than
 * guessed. What the guest programs by MMIO (LAPIC LVTs, IOAPIC entries) is
 * not traced: once a VM's guest shows it has run (it took an interrupt, did
 * an EOI, sent an IPI, touched a register) after the VMM's last GET or SET,
 * what that call established is forgotten, and only what later events show
 * is known. The exception is a chip whose guest accesses the recording
 * holds (the MPIC's, recorded by kprobes: GUEST_MMIO_RECORDED): each is
 * applied as the VMM's GET or SET of that register is, and nothing else is
 * forgotten.
 */
#ifndef KVMIRQ_RECONSTRUCT_H
#define KVMIRQ_RECONSTRUCT_H

#include <stdbool.h>
#include <stdint.h>

#include "chips/payload_format.h"
#include "registry/registry.h"
#include "snapshot/snapshot.h"

struct reconstruction {
	struct snapshot snap; /* one chip_state per controller seen; VM ordinal = VM id */
	const struct registry *registry;
	uint64_t first_ns, last_ns; /* times of the first and last events applied */
	uint64_t events, events_used;
	int error; /* sticky -ENOMEM */
	/* per VM id: its state came from a GET/SET and its guest has not run since */
	uint8_t *fresh;
	size_t nr_fresh;
	/* the recording holds every guest access to the chips that have an
	 * mmio_group (trace_in_guest_mmio_recorded()): set after recon_init() */
	bool guest_mmio_recorded;
	/* a KVM_SET_GSI_ROUTING whose table continues in IOCTL_PAYLOAD events */
	struct {
		uint32_t tid, vm;
		uint64_t ns;
		size_t total, have;
		uint8_t *bytes;
	} routing;
};

/* FORMAT: the recording's payload bytes (its byte order is the snapshot's). */
void recon_init(struct reconstruction *r, const struct registry *registry,
		const struct payload_format *format);
void recon_free(struct reconstruction *r);
/* Apply one event (as trace_in_next() gives it). */
void recon_apply(struct reconstruction *r, const void *rec, size_t len);

#endif
