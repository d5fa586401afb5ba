/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The benchmarks' own BPF object (`make bench`), never shipped: kvmirq's
 * delivery programs, measured by build/bench/bench_bpf beside a baseline
 * that only reserves and submits a ring-buffer record of a delivery
 * event's size, so the cost of kvmirq's own logic shows; and the floor
 * and ladder programs of build/bench/hook_floor.
 */
#include "delivery.bpf.h"

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

/*
 * The floor: programs that do nothing, on the hooks a KVM_IRQ_LINE or
 * KVM_SIGNAL_MSI storm passes through when kvmirq records it (the delivery
 * tracepoints, fentry and fexit on kvm_vm_ioctl or the ioctl syscall
 * tracepoints). Attached alone by
 * build/bench/hook_floor, they show what merely hooking costs: no tool
 * that records these events with their ioctls can keep a higher rate.
 */
#define FLOOR_RAW_TP(TP)                                                          \
	SEC("raw_tp/" #TP)                                                        \
	int floor_##TP(void *ctx)                                                 \
	{                                                                         \
		return 0;                                                         \
	}
FLOOR_RAW_TP(kvm_set_irq)
FLOOR_RAW_TP(kvm_msi_set_irq)
FLOOR_RAW_TP(kvm_ioapic_set_irq)
FLOOR_RAW_TP(kvm_pic_set_irq)
FLOOR_RAW_TP(kvm_apic_accept_irq)

SEC("fentry/kvm_vm_ioctl")
int BPF_PROG(floor_enter_vm_ioctl)
{
	return 0;
}

SEC("fexit/kvm_vm_ioctl")
int BPF_PROG(floor_exit_vm_ioctl)
{
	return 0;
}

/* The syscall strategy's hooks, for kernels that refuse fentry (hook_floor -s syscall). */
SEC("tracepoint/syscalls/sys_enter_ioctl")
int floor_sys_enter_ioctl(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_ioctl")
int floor_sys_exit_ioctl(void *ctx)
{
	return 0;
}

/* The raw syscall tracepoints: every syscall, no perf record built (hook_floor -s raw). */
SEC("raw_tp/sys_enter")
int floor_raw_sys_enter(void *ctx)
{
	return 0;
}

SEC("raw_tp/sys_exit")
int floor_raw_sys_exit(void *ctx)
{
	return 0;
}

/*
 * The least recorders (hook_floor -s least | batched): on each delivery
 * tracepoint of a storm, and on nothing else (no ioctls, no attribution),
 * what any tool that records these events with their times must do. Their
 * storm rates beside trace-cmd's bound what a BPF recorder can keep there.
 * least_: a ring record per event (clock, reserve, stamp, two argument
 * words, submit). batched_: the clock and two words into a per-CPU page,
 * which goes to the ring whole when full: no ring work per event at all.
 */
static __always_inline int least_record(__u64 *ctx, __u32 kind)
{
	__u64 now = bpf_ktime_get_ns();
	struct {
		struct kvmirq_event_header h;
		__u64 args[2];
	} *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (!rec)
		return 0;
	rec->h.timestamp_ns = now;
	rec->h.kind = kind;
	rec->h.size = sizeof(*rec);
	rec->args[0] = ctx[0];
	rec->args[1] = ctx[1];
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	return 0;
}

/*
 * The cost ladder (hook_floor -s ladder): beside floor_kvm_set_irq, on the
 * same tracepoint and so the same events, programs that each do one thing
 * a recorder of the event must do, and one that does only what every
 * timestamped recorder must: read the clock, reserve, stamp, submit. Their
 * run-time statistics against the floor's say what each stage costs, and
 * how far above the floor any recording program must be.
 */
__u64 ladder_sink; /* keeps each stage's result alive */

SEC("raw_tp/kvm_set_irq")
int ladder_clock(void *ctx)
{
	ladder_sink = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp/kvm_set_irq")
int ladder_ids(void *ctx)
{
	ladder_sink = bpf_get_current_pid_tgid() + bpf_get_smp_processor_id();
	return 0;
}

SEC("raw_tp/kvm_set_irq")
int ladder_thread_state(void *ctx)
{
	struct thread_state *st = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0,
						       BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (st)
		ladder_sink = st->kvm;
	return 0;
}

SEC("raw_tp/kvm_set_irq")
int ladder_ring(void *ctx)
{
	struct kvmirq_event_header *h = bpf_ringbuf_reserve(&events, KVMIRQ_SLOT_SIZE, 0);

	if (h)
		bpf_ringbuf_submit(h, BPF_RB_NO_WAKEUP);
	return 0;
}

/* the storm modes' least recorder (least_record above), on the ladder's events */
SEC("raw_tp/kvm_set_irq")
int ladder_recorder(__u64 *ctx)
{
	return least_record(ctx, KVMIRQ_EV_SET_IRQ);
}

#define BATCH_WORDS 510 /* a page with its fill count: 4096 bytes */
struct batch {
	__u64 used;
	__u64 words[BATCH_WORDS + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch);
} batches SEC(".maps");

static __always_inline int batched_record(__u64 *ctx, __u32 kind)
{
	__u32 zero = 0;
	struct batch *b = bpf_map_lookup_elem(&batches, &zero);
	__u64 i;

	if (!b)
		return 0;
	i = b->used;
	if (i > BATCH_WORDS - 3) {
		bpf_ringbuf_output(&events, b->words, sizeof(b->words), BPF_RB_NO_WAKEUP);
		i = 0;
	}
	b->words[i] = bpf_ktime_get_ns() << 8 | kind;
	b->words[i + 1] = ctx[0];
	b->words[i + 2] = ctx[1];
	b->used = i + 3;
	return 0;
}

#define LEAST_RECORDERS(TP, KIND)                                                  \
	SEC("raw_tp/" #TP)                                                         \
	int least_##TP(__u64 *ctx)                                                 \
	{                                                                          \
		return least_record(ctx, KIND);                                    \
	}                                                                          \
	SEC("raw_tp/" #TP)                                                         \
	int batched_##TP(__u64 *ctx)                                               \
	{                                                                          \
		return batched_record(ctx, KIND);                                  \
	}
LEAST_RECORDERS(kvm_set_irq, KVMIRQ_EV_SET_IRQ)
LEAST_RECORDERS(kvm_msi_set_irq, KVMIRQ_EV_MSI_SET_IRQ)
LEAST_RECORDERS(kvm_ioapic_set_irq, KVMIRQ_EV_IOAPIC_SET_IRQ)
LEAST_RECORDERS(kvm_pic_set_irq, KVMIRQ_EV_PIC_SET_IRQ)
LEAST_RECORDERS(kvm_apic_accept_irq, KVMIRQ_EV_APIC_ACCEPT_IRQ)
