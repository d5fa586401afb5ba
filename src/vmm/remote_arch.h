/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the syscall injector (remote_*.c, architecture-neutral)
 * and one architecture's part: its registers, its syscall instruction, its
 * calling convention and the audit arch its seccomp filters see. Private to
 * src/vmm.
 *
 * Exactly one part is compiled: each remote_<arch>.c is empty unless
 * remote.h defines its REMOTE_ARCH_<ARCH>, and remote_unsupported.c is empty
 * when remote.h defines REMOTE_ARCH_SUPPORTED. A new architecture is a
 * branch there, a file, and its name in remote_unsupported.c's message.
 */
#ifndef KVMIRQ_REMOTE_ARCH_H
#define KVMIRQ_REMOTE_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmm/remote.h"

/* One thread's general registers, in the architecture's ptrace layout. */
union remote_regs {
	uint64_t words[64];
};

/* The syscall instruction looked for in the executable mappings, as its
 * bytes lie in memory, and the alignment its address needs. */
extern const uint8_t remote_arch_insn[];
extern const size_t remote_arch_insn_len;
extern const size_t remote_arch_insn_align;
/* AUDIT_ARCH_* that seccomp filters see. */
extern const uint32_t remote_arch_audit;

/* 0 where this build has an architecture part, else -ENOTSUP with a
 * message: remote_open() asks before it touches anything. */
int remote_arch_supported(char *err, size_t errlen);
/* PTRACE_GETREGS / SETREGS equivalents. 0 or -errno. */
int remote_arch_getregs(pid_t tid, union remote_regs *regs);
int remote_arch_setregs(pid_t tid, const union remote_regs *regs);
/* 0 if the stopped thread with REGS runs the ABI we inject in, else
 * -ENOTSUP with a message (a process of another word size than ours). */
int remote_arch_check_abi(const union remote_regs *regs, char *err, size_t errlen);
/* REGS for running syscall NR(ARGS) at the syscall instruction INSN, from
 * BASE (the executor's registers). Marks them as not in a syscall, so that
 * the kernel's syscall-restart logic leaves them alone. */
void remote_arch_prepare(union remote_regs *regs, const union remote_regs *base, uint64_t insn,
			 long nr, const long args[6]);
/* At a syscall stop: the syscall number and (exit) the result, as -errno
 * on failure whatever the architecture's own convention. */
long remote_arch_nr(const union remote_regs *regs);
long remote_arch_result(const union remote_regs *regs);
/* The program counter (after the syscall instruction at a syscall stop). */
uint64_t remote_arch_pc(const union remote_regs *regs);

#endif
