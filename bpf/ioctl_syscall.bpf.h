/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attach strategy 2: the ioctl syscall tracepoints, for kernels that refuse
 * fentry. Every ioctl in the system passes here, so non-KVM commands leave
 * after one compare; KVM ones walk fd -> struct file to learn which KVM
 * file (if any) they target.
 */
#pragma once
#include "ioctl.bpf.h"

SEC("tracepoint/syscalls/sys_enter_ioctl")
int sys_enter_ioctl(struct syscall_trace_enter *ctx)
{
	int fd = (int)BPF_CORE_READ(ctx, args[0]);
	__u32 cmd = (__u32)BPF_CORE_READ(ctx, args[1]);
	__u64 arg = BPF_CORE_READ(ctx, args[2]);
	struct file *file;
	__u8 kind;

	if (((cmd >> 8) & 0xff) != KVMIO)
		return 0;
	file = fd_to_file(fd);
	kind = file_kind(file);
	if (kind == KVMIRQ_FD_UNKNOWN)
		return 0;
	ioctl_enter(kind, file, fd, cmd, arg, KVMIRQ_STRATEGY_SYSCALL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_ioctl")
int sys_exit_ioctl(struct syscall_trace_exit *ctx)
{
	ioctl_exit(BPF_CORE_READ(ctx, ret));
	return 0;
}
