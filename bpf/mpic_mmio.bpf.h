/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The guest's own accesses to an in-kernel MPIC's registers (PowerPC e500).
 * KVM emulates them in kvm_mpic_read and kvm_mpic_write, the MPIC's
 * kvm_io_device ops, which have no tracepoint: a kprobe at entry keeps the
 * access for the thread, the kretprobe adds the handler's result (and, for
 * a read, the value it stored) and emits one record.
 *
 * int kvm_mpic_read(struct kvm_vcpu *, struct kvm_io_device *, gpa_t addr,
 *                   int len, void *ptr), and kvm_mpic_write alike.
 *
 * The arguments come from pt_regs' gpr[] at the kernel's register size: a
 * 32-bit kernel passes the 64-bit gpa_t in an aligned register pair (r5:r6,
 * high word first) and len, ptr in r7, r8; a 64-bit kernel passes each in
 * one register (r5, r6, r7).
 *
 * The offset is ADDR minus the MPIC's reg_base, read from struct openpic
 * (container_of the kvm_io_device, by CO-RE) at the access: the very
 * subtraction the kernel makes, right even when the recording began after
 * KVM_DEV_MPIC_BASE_ADDR was set or the base moved since.
 */
#ifndef KVMIRQ_MPIC_MMIO_BPF_H
#define KVMIRQ_MPIC_MMIO_BPF_H

#include "aggregate.bpf.h"

#if defined(__TARGET_ARCH_powerpc)

/* An access between its handler's entry and return, per thread. */
struct mpic_access {
	__u64 ptr; /* the handler's value pointer */
	__u64 kvm; /* the vCPU's VM (struct kvm *) */
	__u8 armed; /* entry saw it: the return emits it */
	__u8 pad[7];
	struct kvmirq_ev_mpic_mmio ev;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* thread id */
	__type(value, struct mpic_access);
} mpic_accesses SEC(".maps");

/* The kernel's register size: 4 on ppc32, 8 on ppc64. */
#define GPR_SIZE(regs) (bpf_core_field_size((regs)->gpr) / 32)

/* Register rN of REGS, at the kernel's register size. */
static __always_inline __u64 gpr(const struct pt_regs *regs, __u32 n)
{
	__u32 size = GPR_SIZE(regs);

	return read_long((const void *)regs + bpf_core_field_offset(regs->gpr) + n * size, size,
			 false);
}

static __always_inline int mpic_access_enter(struct pt_regs *ctx, __u8 write)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	bool ppc32 = GPR_SIZE(ctx) == 4;
	struct mpic_access *a, zero = {};
	struct kvm_vcpu *vcpu;
	struct openpic *opp;
	__u64 addr, ptr;
	__u32 len;

	if (!event_wanted(KVMIRQ_EV_MPIC_MMIO, pid_tgid))
		return 0;
	vcpu = (void *)gpr(ctx, 3);
	opp = (void *)gpr(ctx, 4) - bpf_core_field_offset(struct openpic, mmio);
	addr = ppc32 ? gpr(ctx, 5) << 32 | gpr(ctx, 6) : gpr(ctx, 5);
	len = ppc32 ? gpr(ctx, 7) : gpr(ctx, 6);
	ptr = ppc32 ? gpr(ctx, 8) : gpr(ctx, 7);
	a = bpf_map_lookup_elem(&mpic_accesses, &tid);
	if (!a) {
		bpf_map_update_elem(&mpic_accesses, &tid, &zero, BPF_ANY);
		a = bpf_map_lookup_elem(&mpic_accesses, &tid);
		if (!a) {
			count_kind(KVMIRQ_EV_MPIC_MMIO, true);
			return 0;
		}
	}
	a->ptr = ptr;
	a->ev.offset = addr - BPF_CORE_READ(opp, reg_base);
	a->ev.vcpu_id = BPF_CORE_READ(vcpu, vcpu_id);
	a->kvm = KREAD(vcpu, kvm);
	a->ev.len = len;
	a->ev.write = write;
	a->ev.value = 0;
	if (write && len == 4)
		bpf_probe_read_kernel(&a->ev.value, 4, (void *)ptr);
	a->armed = 1;
	return 0;
}

/*
 * The thread has no KVM ioctl in flight that kvmirq saw: the recording
 * began while it was inside KVM_RUN. The vCPU the handler was given names
 * the VM, which the thread state cannot (with --vm, whose filter needs
 * that state, such an access is left out).
 */
static __always_inline int emit_from_vcpu(const struct mpic_access *a)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_mpic_mmio b;
	} *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (!rec) {
		count_kind(KVMIRQ_EV_MPIC_MMIO, true);
		return 0;
	}
	fill_header_state(&rec->h, KVMIRQ_EV_MPIC_MMIO, sizeof(*rec), bpf_get_current_pid_tgid(),
			  NULL, bpf_ktime_get_ns());
	if (a->kvm) {
		rec->h.vm = a->kvm;
		rec->h.vcpu_id = a->ev.vcpu_id;
		rec->h.flags &= ~KVMIRQ_F_UNATTRIBUTED;
	}
	rec->b = a->ev;
	bpf_ringbuf_submit(rec, submit_flags(sizeof(*rec)));
	return 0;
}

static __always_inline int mpic_access_exit(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mpic_access *a = bpf_map_lookup_elem(&mpic_accesses, &tid);
	struct thread_state *st;
	__u8 byte = 0;

	if (!a || !a->armed)
		return 0;
	a->armed = 0;
	a->ev.result = (__s16)(__s32)gpr(ctx, 3);
	/* a read stores 4 bytes, or the one byte a byte read asked for */
	if (!a->ev.write && a->ev.len == 4)
		bpf_probe_read_kernel(&a->ev.value, 4, (void *)a->ptr);
	else if (!a->ev.write && a->ev.len == 1 && !bpf_probe_read_kernel(&byte, 1, (void *)a->ptr))
		a->ev.value = byte;
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_MPIC_MMIO, a->ev.vcpu_id,
				       (__u64)a->ev.write << 32 | a->ev.offset, a->ev.value);
	st = current_thread_state();
	if (count_only || filter_vm || (st && st->in_ioctl && st->kvm))
		return EMIT_FIXED(KVMIRQ_EV_MPIC_MMIO, a->ev);
	return emit_from_vcpu(a);
}

SEC("kprobe/kvm_mpic_read")
int mpic_read_enter(struct pt_regs *ctx)
{
	JIT_SIZE_STABLE();
	return mpic_access_enter(ctx, 0);
}

SEC("kretprobe/kvm_mpic_read")
int mpic_read_exit(struct pt_regs *ctx)
{
	JIT_SIZE_STABLE();
	return mpic_access_exit(ctx);
}

SEC("kprobe/kvm_mpic_write")
int mpic_write_enter(struct pt_regs *ctx)
{
	JIT_SIZE_STABLE();
	return mpic_access_enter(ctx, 1);
}

SEC("kretprobe/kvm_mpic_write")
int mpic_write_exit(struct pt_regs *ctx)
{
	JIT_SIZE_STABLE();
	return mpic_access_exit(ctx);
}

#endif /* __TARGET_ARCH_powerpc */

#endif /* KVMIRQ_MPIC_MMIO_BPF_H */
