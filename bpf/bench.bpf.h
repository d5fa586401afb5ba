/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Benchmark baseline, never attached by the tool: a program that only
 * reserves and submits a ring-buffer record of a delivery event's size, so
 * `make bench` can show what kvmirq's own logic costs on top.
 */
#pragma once
#include "common.bpf.h"

SEC("raw_tp/kvm_set_irq")
int bench_minimal_submit(void *ctx)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_set_irq b;
	} *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (rec)
		bpf_ringbuf_submit(rec, 0);
	return 0;
}

/* A count-only program, as bpftrace's `@[probe] = count()` does it, but per CPU. */
SEC("raw_tp/kvm_set_irq")
int bench_count_only(void *ctx)
{
	count_kind(KVMIRQ_EV_SET_IRQ, false);
	return 0;
}
