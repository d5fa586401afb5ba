/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps, filters and helpers shared by every kvmirq BPF program: the ring
 * buffer, the per-kind counters, the per-thread VM context used to attribute
 * events, and the record header.
 */
#ifndef KVMIRQ_COMMON_BPF_H
#define KVMIRQ_COMMON_BPF_H

#define __KVMIRQ_BPF__
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kvmirq/event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Filters, set by user space between open and load. */
const volatile __u32 filter_tgid = 0;		  /* 0: every process */
const volatile __u64 filter_kinds = ~0ULL;	  /* bit per enum kvmirq_event_kind */
const volatile __u64 filter_ioctl_kinds = ~0ULL; /* bit per enum kvmirq_ioctl_id */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by user space */
} events SEC(".maps");

/* Per-CPU counters by kind: cheap, and they let user space prove no loss. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KVMIRQ_EV_KIND_MAX);
	__type(key, __u32);
	__type(value, struct kvmirq_kind_counters);
} kind_counters SEC(".maps");

/*
 * What a thread is doing for which VM: set while it is inside a KVM ioctl
 * (KVM_RUN included, which makes vCPU threads attributable), and by the
 * injection hooks in kernel threads. Events raised outside any context are
 * marked unattributed rather than guessed.
 */
struct thread_context {
	__u64 kvm;
	__u64 object;	  /* the vCPU or device whose ioctl runs */
	__s32 vcpu_id;
	__u32 depth;	  /* nested injection hooks for the same VM */
	__u64 saved_kvm;  /* an injection hook's override of another VM */
	__s32 saved_vcpu_id;
	__u8 owned;	  /* created by an injection hook */
	__u8 overridden;  /* saved_* hold the ioctl's own context */
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct thread_context);
} thread_contexts SEC(".maps");

/*
 * Bound a value for the verifier with an AND the compiler cannot drop (it
 * often proves the bound itself and removes a plain mask).
 */
#define VERIFIER_MASK(v, mask) asm volatile("%[x] &= %[m]" : [x] "+r"(v) : [m] "i"(mask))

static __always_inline bool kind_enabled(__u32 kind)
{
	return kind < 64 && (filter_kinds & (1ULL << kind));
}

static __always_inline void count_kind(__u32 kind, bool dropped)
{
	struct kvmirq_kind_counters *c = bpf_map_lookup_elem(&kind_counters, &kind);

	if (!c)
		return;
	if (dropped)
		c->dropped++;
	else
		c->seen++;
}

/* Is this task one we were asked to trace? */
static __always_inline bool tgid_selected(__u32 tgid)
{
	return filter_tgid == 0 || filter_tgid == tgid;
}

static __always_inline void fill_header(struct kvmirq_event_header *h, __u32 kind,
					__u32 size)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct thread_context *ctx = bpf_map_lookup_elem(&thread_contexts, &tid);
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	h->timestamp_ns = bpf_ktime_get_ns();
	h->pid = pid_tgid >> 32;
	h->tid = tid;
	h->kind = kind;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->flags = 0;
	if (ctx && ctx->kvm) {
		h->vm = ctx->kvm;
		h->vcpu_id = ctx->vcpu_id;
	} else {
		h->vm = 0;
		h->vcpu_id = KVMIRQ_NO_VCPU;
		h->flags |= KVMIRQ_F_UNATTRIBUTED;
	}
	if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
		h->flags |= KVMIRQ_F_KERNEL_THREAD;
}

/* Filters common to every record: kind and process. */
static __always_inline bool event_wanted(__u32 kind)
{
	return kind_enabled(kind) && tgid_selected(bpf_get_current_pid_tgid() >> 32);
}

/*
 * Reserve, fill and submit a fixed-size delivery record: the header, then
 * BODY (a struct value). Counting happens here so every program counts the
 * same way. A macro, because the ring buffer needs a constant size.
 */
#define EMIT_FIXED(KIND, BODY)                                                   \
	({                                                                       \
		struct {                                                         \
			struct kvmirq_event_header h;                            \
			typeof(BODY) b;                                          \
		} *rec_;                                                         \
		if (event_wanted(KIND)) {                                        \
			rec_ = bpf_ringbuf_reserve(&events, sizeof(*rec_), 0);   \
			if (!rec_) {                                             \
				count_kind(KIND, true);                          \
			} else {                                                 \
				fill_header(&rec_->h, KIND, sizeof(*rec_));      \
				rec_->b = (BODY);                                \
				bpf_ringbuf_submit(rec_, 0);                     \
				count_kind(KIND, false);                         \
			}                                                        \
		}                                                                \
		0;                                                               \
	})

#endif /* KVMIRQ_COMMON_BPF_H */
