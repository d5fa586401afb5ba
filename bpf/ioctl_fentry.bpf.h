/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attach strategy 1: fentry/fexit on KVM's own ioctl handlers. The file kind
 * is known from the hook, the return value comes with fexit, and the fd
 * number is read from the syscall's saved user registers (syscall_fd()). Needs BPF
 * trampolines (x86-64 and arm64; not powerpc 6.1, not every host).
 */
#ifndef KVMIRQ_IOCTL_FENTRY_BPF_H
#define KVMIRQ_IOCTL_FENTRY_BPF_H

#include "ioctl.bpf.h"

#define FENTRY_PAIR(FUNC, KIND)                                                  \
	SEC("fentry/" #FUNC)                                                     \
	int BPF_PROG(enter_##FUNC, struct file *filp, unsigned int ioctl,        \
		     unsigned long arg)                                          \
	{                                                                        \
		JIT_SIZE_STABLE();                                               \
		ioctl_enter(KIND, filp, syscall_fd(), ioctl, arg,                \
			    KVMIRQ_STRATEGY_FENTRY);                             \
		return 0;                                                        \
	}                                                                        \
	SEC("fexit/" #FUNC)                                                      \
	int BPF_PROG(exit_##FUNC, struct file *filp, unsigned int ioctl,         \
		     unsigned long arg, long ret)                                \
	{                                                                        \
		JIT_SIZE_STABLE();                                               \
		struct thread_state *st = current_thread_state();               \
										 \
		if (st && st->in_ioctl)                                          \
			ioctl_exit(st, ret);                                     \
		return 0;                                                        \
	}

FENTRY_PAIR(kvm_dev_ioctl, KVMIRQ_FD_SYSTEM)
FENTRY_PAIR(kvm_vm_ioctl, KVMIRQ_FD_VM)
FENTRY_PAIR(kvm_vcpu_ioctl, KVMIRQ_FD_VCPU)
FENTRY_PAIR(kvm_device_ioctl, KVMIRQ_FD_DEVICE)

#endif /* KVMIRQ_IOCTL_FENTRY_BPF_H */
