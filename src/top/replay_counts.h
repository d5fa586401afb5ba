/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What replay counts as it applies a recording's events: per VM its totals
 * and rates (the columns of the VM screen), per GSI the level and changes,
 * per MSI message and per vCPU their counts; and, from these and the
 * reconstructed state, the arrays of a frame. Rates are over the second of
 * recording time before the playback clock; sparklines are one sample per
 * second of recording time.
 */
#ifndef KVMIRQ_REPLAY_COUNTS_H
#define KVMIRQ_REPLAY_COUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "chips/payload_format.h"
#include "registry/registry.h"
#include "top/frame.h"
#include "top/keyed_table.h"
#include "top/time_slices.h"

#define HISTORY_SLICE_NS 1000000000ull

struct replay_vm {
	bool seen;	  /* an event of it was applied */
	int64_t vm_fd;	  /* KVM_CREATE_VM's result, -1 not seen */
	int vcpus;	  /* KVM_CREATE_VCPUs that worked */
	bool irqchip;	  /* KVM_CREATE_IRQCHIP worked: PIC, IOAPIC, LAPIC, default routes */
	char devices[32]; /* controllers created as devices: "MPIC" */
	uint64_t total[TOP_NR_RATES];
	uint64_t errors;
	struct rate_window rate[TOP_NR_RATES];
	uint64_t history_newest[TOP_NR_RATES];
	uint32_t history[TOP_NR_RATES][TOP_HISTORY];
};

struct replay_line {
	struct keyed_record k; /* vm, gsi */
	int level;
	bool level_known;
	uint64_t total, last_ns;
	struct rate_window rate;
};

struct replay_msi {
	struct keyed_record k; /* vm, address, data */
	uint64_t total, last_ns;
	struct rate_window rate;
};

struct replay_vcpu {
	struct keyed_record k; /* vm, vcpu id as uint32_t */
	uint64_t injections, eois, accepted;
	struct rate_window injection_rate, eoi_rate, accept_rate;
};

struct replay_counts {
	const struct registry *registry;
	uint64_t origin_ns;    /* the recording's first event: slices count from it */
	uint64_t dropped;      /* the recording's dropped events (not per VM) */
	bool big_endian;       /* the ioctl payloads' byte order */
	bool irq_line_is_gsi;  /* KVM_IRQ_LINE's irq is a GSI (platform.h), else an arm64 line */
	struct replay_vm *vms; /* by VM id; [0] unused */
	uint32_t nr_vms;
	uint64_t unattributed; /* events of no known VM */
	struct keyed_table lines, msis, vcpus;
};

int replay_counts_init(struct replay_counts *c, const struct registry *r, uint64_t origin_ns,
		       uint64_t dropped, const struct payload_format *format);
void replay_counts_free(struct replay_counts *c);
/* Count one event (a checked record, as trace_in_next() gives it). */
void replay_counts_add(struct replay_counts *c, const void *rec, size_t len);
/* The frame's VMs, lines, MSIs and vCPUs at playback time NOW_NS; STATE gives the
 * routes and controllers. 0 or -ENOMEM. */
int replay_counts_fill(const struct replay_counts *c, uint64_t now_ns, const struct snapshot *state,
		       struct top_frame *f);

#endif
