/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `kvmirq top` shows, as plain data: one frame per refresh. Two sources
 * fill frames, and the screens (ui/) and the batch/JSON printer only ever
 * read them:
 *  - live (src/top/live.c): in-kernel counters aggregated by BPF per VM and
 *    per line/MSI/vCPU (no per-event copy), VMs found in /proc, controller
 *    state from `kvmirq snapshot --pid`'s code, and kvmirq check's rules
 *    over the KVM ioctls' records (src/top/live_check.c);
 *  - replay (src/top/replay.c): a recording stepped through event by event,
 *    its controller state reconstructed at the current position, kvmirq
 *    check's rules over the events applied.
 * Rates are per second over the frame's interval; totals since the start
 * (live) or since the beginning of the recording (replay).
 */
#ifndef KVMIRQ_TOP_FRAME_H
#define KVMIRQ_TOP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/finding.h"
#include "snapshot/snapshot.h"

#define TOP_HISTORY 60 /* refreshes kept for sparklines */

/* The rates the VM screen has a column for. */
enum top_rate {
	TOP_RATE_LINES,	     /* line changes: KVM_IRQ_LINE, kvm_set_irq (irqfd included) */
	TOP_RATE_MSIS,	     /* kvm_msi_set_irq, KVM_SIGNAL_MSI */
	TOP_RATE_INJECTIONS, /* kvm_inj_virq (x86), vgic/booke queueing elsewhere */
	TOP_RATE_EOIS,	     /* kvm_eoi, kvm_pv_eoi, kvm_ack_irq */
	TOP_RATE_ATTRS,	     /* KVM_{GET,SET,HAS}_DEVICE_ATTR, GET/SET_IRQCHIP, GET/SET_LAPIC,
			      * and the guest's own MPIC register accesses */
	TOP_NR_RATES,
};

struct top_vm {
	uint32_t id;	      /* stable for the session: 1, 2, ... in order of discovery */
	uint32_t pid;	      /* the VMM */
	char name[64];	      /* QEMU's -name guest=..., else the command line's first words */
	char kvm_name[24];    /* KVM's own name, "PID-FD" */
	int vcpus;	      /* -1: unknown */
	char chips[48];	      /* in-kernel controllers: "PIC IOAPIC LAPIC", "MPIC", "" (split) */
	double rate[TOP_NR_RATES];
	uint64_t total[TOP_NR_RATES];
	uint64_t errors;      /* KVM ioctls that failed */
	uint64_t drops;	      /* events the kernel side could not count or deliver */
	uint64_t findings;    /* kvmirq check's findings about this VM so far */
	float history[TOP_NR_RATES][TOP_HISTORY]; /* rates, oldest first */
	bool gone;	      /* the VM or its VMM has ended */
};

/* One GSI of a VM as the kernel routes and raises it; on arm64, one
 * KVM_IRQ_LINE line (its irq in gsi, named in line). */
struct top_line {
	uint32_t vm;	     /* top_vm.id */
	uint32_t gsi;
	char line[32];	     /* arm64: "SPI 40", "PPI 27 on vCPU 1"; "": gsi is a GSI */
	char route[32];	     /* "ioapic 9", "pic-slave 1", "mpic 5", "msi", "" unknown */
	int trigger;	     /* 0 edge, 1 level, -1 unknown */
	int level;	     /* the level last set, -1 unknown */
	int masked;	     /* -1 unknown */
	double rate;	     /* level changes per second */
	uint64_t total;
	uint64_t last_ns;    /* CLOCK_MONOTONIC of the last change, 0 never */
};

/* One MSI message (address, data) a VM received. */
struct top_msi {
	uint32_t vm;
	uint64_t address;
	uint32_t data;
	double rate;
	uint64_t total;
	uint64_t last_ns;
};

/* Per vCPU: interrupts injected into it and EOIs it did. */
struct top_vcpu {
	uint32_t vm;
	int32_t vcpu;
	double injections, eois; /* per second */
	uint64_t total_injections, total_eois;
	/* interrupts its LAPIC accepted (kvm_apic_accept_irq): what a VMM that runs
	 * no vCPU still shows; 0 where the source does not count them */
	double accepted;
	uint64_t total_accepted;
};

/* Replay position and controls (replay frames only). */
struct top_replay {
	uint64_t start_ns, end_ns; /* first and last event of the recording */
	uint64_t position_ns;	   /* the time of the last event applied */
	uint64_t clock_ns;	   /* the playback clock: rates are over the window before it */
	uint64_t event, nr_events; /* events applied, of how many (0: not counted yet) */
	double speed;		   /* 1.0: real time */
	bool paused;
	char last_event[160];	   /* the last event applied, as one timeline line */
};

struct top_frame {
	uint64_t time_ns;     /* CLOCK_MONOTONIC this frame stands for */
	double interval_s;    /* what the rates are averaged over */
	/* what one point of a VM's history stands for: a refresh (live), a
	 * second of recording time (replay); 0 not known yet */
	double history_step_s;
	char source[128];     /* "live" or the recording's path */
	bool is_replay;
	struct top_replay replay;
	char status[160];     /* one line for the user: "no VM is running", an error */

	struct top_vm *vms;
	size_t nr_vms;
	struct top_line *lines;
	size_t nr_lines;
	struct top_msi *msis;
	size_t nr_msis;
	struct top_vcpu *vcpus;
	size_t nr_vcpus;

	/* kvmirq check's findings so far, in the order found; their vm is a
	 * top_vm.id, or 0 for the session as a whole (a rule that cannot be
	 * decided on this source) */
	struct finding *findings;
	size_t nr_findings;

	/* decoded controller state and routing, VM ordinal = top_vm.id; its
	 * chips carry the time they were read (their age) and, for a
	 * reconstruction, which values are not known. NULL: none yet. */
	const struct snapshot *state;
};

/* Where frames come from. Every function returns 0 or -errno (message in
 * the frame's status); replay-only functions return -ENOTSUP when live. */
struct top_source_ops {
	/* fill F for now (live) or the current position (replay) */
	int (*refresh)(void *ctx, struct top_frame *f);
	/* live: read VM's controllers again now (the register screen's key) */
	int (*snapshot)(void *ctx, uint32_t vm);
	/* replay: move by N events (negative: back), to a time, at a speed */
	int (*step)(void *ctx, long events);
	int (*seek)(void *ctx, uint64_t ns);
	int (*set_speed)(void *ctx, double speed);
	int (*set_paused)(void *ctx, bool paused);
	void (*close)(void *ctx);
};

struct top_source {
	const struct top_source_ops *ops;
	void *ctx;
};

/* Free what a frame owns (arrays); the state belongs to the source. */
void top_frame_clear(struct top_frame *f);
/* The platform of the VMMs the frame shows: how their MSIs read. */
const struct platform *top_frame_platform(const struct top_frame *f);

#endif
