/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-VM summary of a recording: counts and rates per event kind, per
 * GSI and pin, per MSI message, per device attribute, per ioctl with errors.
 */
#ifndef KVMIRQ_SUMMARY_H
#define KVMIRQ_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "chips/payload_format.h"
#include "kvmirq/event.h"
#include "registry/registry.h"
#include "util/tally.h"

struct vm_summary {
	uint64_t kinds[KVMIRQ_EV_KIND_MAX];
	struct tally gsis;	/* key: gsi; extra[0]: raised */
	struct tally arm_lines;	/* kvm_irq_line (arm64): key: type, vcpu, number; extra[0]: raised */
	struct tally ioapic;	/* key: pin, coalesced; extra[0]: last entry */
	struct tally pic;	/* key: chip, pin */
	struct tally msis;	/* key: address, data */
	struct tally vectors;	/* key: vcpu, vector (accepted) */
	struct tally eois;	/* key: vcpu, vector */
	struct tally attrs;	/* key: ioctl id, group, attr; extra[0]: errors; key via object */
	struct tally ioctls;	/* key: ioctl id, errno */
	struct tally mmio;	/* the guest's MPIC accesses; key: write, offset; extra[0]: errors */
};

struct summary {
	struct vm_summary *vms; /* [0]: unattributed */
	unsigned int nr_vms;
	struct payload_format format; /* of the ioctl payloads, and whose MSIs */
	uint64_t first_ns, last_ns, events;
};

int summary_init(struct summary *s, unsigned int nr_vms, const struct payload_format *format);
void summary_free(struct summary *s);
void summary_add(struct summary *s, const void *rec);
void summary_print_text(const struct summary *s, const struct registry *r, FILE *out);
void summary_print_json(const struct summary *s, const struct registry *r, FILE *out);

#endif
