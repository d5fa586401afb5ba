/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attribution of injections that no VM thread makes. fentry on the kernel
 * functions that inject outside any KVM ioctl marks the current task as
 * injecting for their VM until fexit, so the delivery tracepoints inside are
 * attributed exactly:
 *   kvm_arch_set_irq_inatomic()  an irqfd signalled by a VMM's write(),
 *                                vhost or a device interrupt (MSI routes)
 *   irqfd_inject()               the kworker that injects for other routes
 *   irqfd_shutdown()             the kworker that lowers a resampled line
 *   pit_do_work()                the in-kernel PIT's kthread (x86)
 * Not kvm_set_irq() itself: every KVM_IRQ_LINE would pay for two more BPF
 * trampolines, and inside an ioctl the VM is known already. Only where
 * fentry works; elsewhere such events stay unattributed.
 */
#ifndef KVMIRQ_ATTRIBUTION_BPF_H
#define KVMIRQ_ATTRIBUTION_BPF_H

#include "ioctl.bpf.h"

static __always_inline void inject_begin(__u64 kvm)
{
	struct thread_state *st;

	if (!tgid_selected(bpf_get_current_pid_tgid() >> 32))
		return;
	st = thread_state_get();
	if (!st)
		return;
	/* explicit slots: older verifiers cannot bound a computed index here */
	if (st->inject_depth == 1)
		st->inject_saved_kvm[0] = st->inject_kvm;
	else if (st->inject_depth == 2)
		st->inject_saved_kvm[1] = st->inject_kvm;
	st->inject_depth++;
	st->inject_kvm = kvm;
	st->kernel_thread = !!(bpf_get_current_task_btf()->flags & PF_KTHREAD);
	if (filter_vm)
		st->inject_vm_selected = kvm_is_filtered_vm(kvm);
}

static __always_inline void inject_end(void)
{
	struct thread_state *st = current_thread_state();

	if (!st || !st->inject_depth)
		return;
	st->inject_depth--;
	if (st->inject_depth == 1 || st->inject_depth == 2) {
		st->inject_kvm = st->inject_saved_kvm[st->inject_depth == 1 ? 0 : 1];
		if (filter_vm)
			st->inject_vm_selected = kvm_is_filtered_vm(st->inject_kvm);
	}
}

/* The VM of the object that embeds WORK as its FIELD, found with CO-RE offsets. */
#define KVM_OF_WORK(work, TYPE, FIELD)                                           \
	KREAD((TYPE *)((void *)(work) - bpf_core_field_offset(TYPE, FIELD)), kvm)

SEC("fentry/irqfd_inject")
int BPF_PROG(inject_enter_irqfd, struct work_struct *work)
{
	JIT_SIZE_STABLE();
	inject_begin(KVM_OF_WORK(work, struct kvm_kernel_irqfd, inject));
	return 0;
}

SEC("fexit/irqfd_inject")
int BPF_PROG(inject_exit_irqfd, struct work_struct *work)
{
	JIT_SIZE_STABLE();
	inject_end();
	return 0;
}

SEC("fentry/irqfd_shutdown")
int BPF_PROG(inject_enter_shutdown, struct work_struct *work)
{
	JIT_SIZE_STABLE();
	inject_begin(KVM_OF_WORK(work, struct kvm_kernel_irqfd, shutdown));
	return 0;
}

SEC("fexit/irqfd_shutdown")
int BPF_PROG(inject_exit_shutdown, struct work_struct *work)
{
	JIT_SIZE_STABLE();
	inject_end();
	return 0;
}

SEC("fentry/pit_do_work")
int BPF_PROG(inject_enter_pit, struct kthread_work *work)
{
	JIT_SIZE_STABLE();
	inject_begin(KVM_OF_WORK(work, struct kvm_pit, expired));
	return 0;
}

SEC("fexit/pit_do_work")
int BPF_PROG(inject_exit_pit, struct kthread_work *work)
{
	JIT_SIZE_STABLE();
	inject_end();
	return 0;
}

SEC("fentry/kvm_arch_set_irq_inatomic")
int BPF_PROG(inject_enter_inatomic, void *entry, struct kvm *kvm)
{
	JIT_SIZE_STABLE();
	inject_begin((__u64)kvm);
	return 0;
}

SEC("fexit/kvm_arch_set_irq_inatomic")
int BPF_PROG(inject_exit_inatomic, void *entry, struct kvm *kvm)
{
	JIT_SIZE_STABLE();
	inject_end();
	return 0;
}

#endif /* KVMIRQ_ATTRIBUTION_BPF_H */
