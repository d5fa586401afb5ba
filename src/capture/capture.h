/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading, attaching and draining kvmirq's BPF programs. Chooses the ioctl
 * attach strategy at run time (fentry where the kernel allows it, else
 * kprobes on KVM's ioctl handlers, else the syscall tracepoints) and keeps a
 * status of every program for `probe`.
 */
#ifndef KVMIRQ_CAPTURE_H
#define KVMIRQ_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "kvmirq/event.h"
#include "capture/programs.h"
#include "codec/names.h" /* strategy_name() */

struct capture_options {
	unsigned int pid;		/* 0: every process */
	unsigned long long kinds;	/* bit per enum kvmirq_event_kind; 0: all */
	unsigned long long ioctl_kinds; /* bit per enum kvmirq_ioctl_id; 0: all */
	enum kvmirq_strategy strategy;	/* NONE: choose */
	unsigned int ringbuf_mib;	/* 0: default */
	char vm[KVMIRQ_VM_NAME_LEN];	/* "PID-FD": only this VM; "" for all */
	bool verbose;			/* libbpf's messages to stderr */
	bool count_only;		/* only count delivery events per kind */
	bool aggregate;			/* kvmirq top: count per VM, kind, vCPU and detail
					 * in the kernel; no records */
	bool ioctl_records;		/* with aggregate: a record per KVM ioctl too */
	bool bounded_keys;		/* with aggregate: only KVMIRQ_AGG_BOUNDED_* keys
					 * (kvmirq exporter) */
};

#define CAPTURE_DEFAULT_RINGBUF_MIB 16

struct capture_program_status {
	const struct program_info *info;
	bool wanted;	/* part of the chosen configuration */
	bool attached;
	char why[160];	/* why it is not attached */
};

struct capture_status {
	enum kvmirq_strategy strategy;
	char fentry_refused[256]; /* why fentry was not used, when it was not */
	char kprobe_refused[256]; /* why kprobes were not, when they were tried */
	bool inject_hooks;	  /* kernel-thread injections are attributed */
	char inject_refused[256]; /* why not, when fentry is used without them */
	unsigned int ringbuf_mib;
	struct capture_program_status programs[KVMIRQ_PROGRAM_COUNT]; /* program_table's order */
	unsigned int nr_programs;
};

/* Called for each event of the ring buffer; a non-zero return stops the poll.
 * NULL for a capture that only counts (probe, stat): records are dropped. */
typedef int (*capture_record_fn)(const void *record, size_t len, void *ctx);

struct capture;

int capture_open(struct capture **out, const struct capture_options *opts,
		 capture_record_fn fn, void *ctx, char *err, size_t errlen);
const struct capture_status *capture_get_status(const struct capture *c);
/*
 * Waits up to TIMEOUT_MS for records and hands them on. Returns the ring
 * records handed on, or a negative errno (-EINTR when interrupted). Under a
 * storm it gives back about 100 ms past its wait and leaves the rest in the
 * ring, so that the caller's loop keeps its tick.
 */
int capture_poll(struct capture *c, int timeout_ms);
/* Hands on what the ring holds now, not what arrives meanwhile: 0 or -errno. */
int capture_drain(struct capture *c);
/* Sums the per-CPU counters: totals[kind]. */
int capture_read_counters(struct capture *c,
			  struct kvmirq_kind_counters totals[KVMIRQ_EV_KIND_MAX]);
void capture_close(struct capture *c);
/* aggregate mode: the map of counters and the map of VMs (kvm address -> info). */
int capture_aggregate_fd(const struct capture *c);
int capture_vm_info_fd(const struct capture *c);

#endif
