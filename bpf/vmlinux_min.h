/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The few kernel types the BPF programs read, declared by hand with
 * preserve_access_index: CO-RE relocates every field access against the
 * running kernel's BTF (vmlinux and the kvm module), so only names matter,
 * never offsets. A hand-written subset keeps the build independent of the
 * build machine's kernel and shows exactly what kvmirq depends on.
 */
#ifndef KVMIRQ_VMLINUX_MIN_H
#define KVMIRQ_VMLINUX_MIN_H

#include <linux/types.h>
#include <linux/bpf.h>

/* Tells bpf_tracing.h to use the kernel's pt_regs field names. */
#define __VMLINUX_H__

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef _Bool bool;
#define true 1
#define false 0

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct file;

struct qstr {
	const unsigned char *name;
};

struct dentry {
	struct qstr d_name;
};

struct path {
	struct dentry *dentry;
};

struct file_operations {
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
};

struct file {
	struct path f_path;
	const struct file_operations *f_op;
	void *private_data;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
};

struct mm_struct {
	int __placeholder; /* only compared as a pointer */
};

struct task_struct {
	unsigned int flags;
	int pid;
	int tgid;
	struct mm_struct *mm;
	struct files_struct *files;
	void *bpf_storage; /* struct bpf_local_storage: NULL while no BPF program gave it any */
};

struct kvm {
	struct mm_struct *mm;
	bool vm_dead;
	struct dentry *debugfs_dentry; /* named "PID-FD" by KVM_CREATE_VM */
};

/* Only PowerPC's has pending_exceptions (kvm_booke_queue_irqprio reads it). */
struct kvm_vcpu_arch {
	unsigned long pending_exceptions;
};

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	int vcpu_idx;
	struct kvm_vcpu_arch arch;
};

struct kvm_device_ops {
	const char *name;
};

struct kvm_device {
	const struct kvm_device_ops *ops;
	struct kvm *kvm;
};

/* PowerPC's in-kernel MPIC (arch/powerpc/kvm/mpic.c): its MMIO device and base. */
struct kvm_io_device {
	const void *ops;
};

struct openpic {
	struct kvm_io_device mmio;
	__u64 reg_base; /* gpa_t */
};

struct kvm_lapic {
	struct kvm_vcpu *vcpu;
};

/* Work items whose handlers inject for a VM; only their offsets are used. */
struct work_struct {
	long data;
};

struct kthread_work {
	void *func;
};

struct kvm_kernel_irqfd {
	struct kvm *kvm;
	struct work_struct inject;
	struct work_struct shutdown;
};

struct kvm_pit {
	struct kvm *kvm;
	struct kthread_work expired;
};

/* Tracepoint records, used only for field-existence checks. */
struct trace_event_raw_kvm_inj_virq {
	unsigned int vector;
	bool soft;
	bool reinjected;
};

/* Syscall tracepoint contexts (include/trace/syscall.h). */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct syscall_trace_enter {
	struct trace_entry ent;
	int nr;
	unsigned long args[];
};

struct syscall_trace_exit {
	struct trace_entry ent;
	int nr;
	long ret;
};

/* The saved user registers of a task, for the syscall's arguments. */
#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, r10, ax, sp, ip, orig_ax;
};
#elif defined(__TARGET_ARCH_arm64)
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};
struct pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
	__u64 orig_x0;
};
#elif defined(__TARGET_ARCH_powerpc)
struct pt_regs {
	unsigned long gpr[32];
	unsigned long nip;
	unsigned long msr;
	unsigned long orig_gpr3;
	unsigned long ccr;  /* CR0.SO: the syscall failed (sc_syscall_result()) */
	unsigned long trap; /* 0xc00 for sc, 0x3000 for scv */
};
#endif

#pragma clang attribute pop

#define PF_KTHREAD 0x00200000 /* stable since 2.6 */

#endif /* KVMIRQ_VMLINUX_MIN_H */
