/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The benchmarks' own BPF object (`make bench`), never shipped: kvmirq's
 * delivery programs, measured by build/bench/bench_bpf beside a baseline
 * that only reserves and submits a ring-buffer record of a delivery
 * event's size, so the cost of kvmirq's own logic shows; and the floor
 * programs of build/bench/hook_floor.
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
