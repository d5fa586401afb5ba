/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attribution of injections that no VM thread makes: an irqfd signalled by
 * a kworker, vhost or a device interrupt reaches kvm_set_irq() or
 * kvm_arch_set_irq_inatomic(), both of which are given the VM. fentry on
 * them marks the current task as injecting for that VM until fexit, so the
 * delivery tracepoints inside are attributed exactly. Only where fentry
 * works; elsewhere such events stay unattributed.
 */
#pragma once
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

SEC("fentry/kvm_set_irq")
int BPF_PROG(inject_enter_set_irq, struct kvm *kvm)
{
	inject_begin((__u64)kvm);
	return 0;
}

SEC("fexit/kvm_set_irq")
int BPF_PROG(inject_exit_set_irq, struct kvm *kvm)
{
	inject_end();
	return 0;
}

SEC("fentry/kvm_arch_set_irq_inatomic")
int BPF_PROG(inject_enter_inatomic, void *entry, struct kvm *kvm)
{
	inject_begin((__u64)kvm);
	return 0;
}

SEC("fexit/kvm_arch_set_irq_inatomic")
int BPF_PROG(inject_exit_inatomic, void *entry, struct kvm *kvm)
{
	inject_end();
	return 0;
}
