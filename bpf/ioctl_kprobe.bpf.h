/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attach strategy 3, tried after fentry and before the syscall tracepoints:
 * a kprobe and a kretprobe on each of KVM's own ioctl handlers, for kernels
 * that refuse fentry but have kprobes (32-bit PowerPC, arm64 before 6.4).
 * Like fentry it taxes no other ioctl of the host; the
 * file kind is known from the hook, the fd number is read from the
 * syscall's saved user registers, the return value from the kretprobe's.
 *
 * A return the kernel misses (every kretprobe instance in use: see
 * KRETPROBE_MAXACTIVE in src/capture/capture.c) leaves the thread's state
 * in_ioctl: its next ioctl_enter() counts the lost record and the events it
 * held as dropped and starts afresh, and a KVM_RUN still counted in (in_run)
 * is counted out at that next ioctl's exit, not counted twice.
 */
#ifndef KVMIRQ_IOCTL_KPROBE_BPF_H
#define KVMIRQ_IOCTL_KPROBE_BPF_H

#include "ioctl.bpf.h"

/*
 * The handler's result RET, a long read from CTX's register at the kernel's
 * size (libbpf narrows the load on ppc32): a 32-bit kernel's is widened with
 * its sign.
 */
static __always_inline long kernel_long(struct pt_regs *ctx, long ret)
{
#if defined(__TARGET_ARCH_powerpc)
	if (bpf_core_field_size(ctx->trap) == 4)
		return (__s32)ret;
#endif
	return ret;
}

#define KPROBE_PAIR(FUNC, KIND)                                                  \
	SEC("kprobe/" #FUNC)                                                     \
	int BPF_KPROBE(kp_enter_##FUNC, struct file *filp, unsigned int ioctl,   \
		       unsigned long arg)                                        \
	{                                                                        \
		JIT_SIZE_STABLE();                                               \
		ioctl_enter(KIND, filp, syscall_fd(), ioctl, arg,                \
			    KVMIRQ_STRATEGY_KPROBE);                             \
		return 0;                                                        \
	}                                                                        \
	SEC("kretprobe/" #FUNC)                                                  \
	int BPF_KRETPROBE(kp_exit_##FUNC, long ret)                              \
	{                                                                        \
		JIT_SIZE_STABLE();                                               \
		struct thread_state *st = current_thread_state();               \
										 \
		if (st && st->in_ioctl)                                          \
			ioctl_exit(st, kernel_long(ctx, ret));                   \
		return 0;                                                        \
	}

KPROBE_PAIR(kvm_dev_ioctl, KVMIRQ_FD_SYSTEM)
KPROBE_PAIR(kvm_vm_ioctl, KVMIRQ_FD_VM)
KPROBE_PAIR(kvm_vcpu_ioctl, KVMIRQ_FD_VCPU)
KPROBE_PAIR(kvm_device_ioctl, KVMIRQ_FD_DEVICE)

#endif /* KVMIRQ_IOCTL_KPROBE_BPF_H */
