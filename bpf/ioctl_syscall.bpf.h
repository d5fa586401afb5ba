/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attach strategy 2: the ioctl syscall tracepoints, for kernels that refuse
 * fentry. Every ioctl in the system passes here, so the command is read
 * first and non-KVM ones leave after that one read and one compare; KVM
 * ones walk fd -> struct file to learn which KVM file (if any) they target.
 */
#ifndef KVMIRQ_IOCTL_SYSCALL_BPF_H
#define KVMIRQ_IOCTL_SYSCALL_BPF_H

#include "ioctl.bpf.h"

/*
 * The tracepoint's arguments and result, loaded straight from the context:
 * a helper call per read cost more than the rest of a non-KVM ioctl's
 * visit. The arguments are unsigned longs, whose load libbpf narrows on a
 * 32-bit kernel. It cannot narrow the signed result's (it poisons that
 * load, in a branch the verifier then sees is never taken): there,
 * read_long() (common.bpf.h).
 */
#define SYSCALL_ARG(ctx, n) ((__u64)(ctx)->args[n])
#define SYSCALL_RET(ctx)                                                                \
	(bpf_core_field_size((ctx)->ret) == 8                                           \
		 ? (ctx)->ret                                                           \
		 : (long)read_long((const void *)(ctx) + bpf_core_field_offset((ctx)->ret), \
				   bpf_core_field_size((ctx)->ret), true))

SEC("tracepoint/syscalls/sys_enter_ioctl")
int sys_enter_ioctl(struct syscall_trace_enter *ctx)
{
	JIT_SIZE_STABLE();
	__u32 cmd = (__u32)SYSCALL_ARG(ctx, 1);
	struct file *file;
	__u64 arg;
	__u8 kind;
	int fd;

	if (((cmd >> 8) & 0xff) != KVMIRQ_KVMIO)
		return 0;
	fd = (int)SYSCALL_ARG(ctx, 0);
	file = fd_to_file(fd);
	kind = file_kind(file);
	if (kind == KVMIRQ_FD_UNKNOWN)
		return 0;
	arg = SYSCALL_ARG(ctx, 2);
	ioctl_enter(kind, file, fd, cmd, arg, KVMIRQ_STRATEGY_SYSCALL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_ioctl")
int sys_exit_ioctl(struct syscall_trace_exit *ctx)
{
	JIT_SIZE_STABLE();
	struct thread_state *st = current_thread_state();

	/* every other ioctl of the system leaves here */
	if (st && st->in_ioctl)
		ioctl_exit(st, SYSCALL_RET(ctx));
	return 0;
}

#endif /* KVMIRQ_IOCTL_SYSCALL_BPF_H */
