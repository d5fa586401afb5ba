// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 part of the syscall injector (remote_arch.h): registers, the
 * syscall instruction and the syscall ABI. Compiled to nothing elsewhere.
 */
#include "vmm/remote_arch.h"

#ifdef REMOTE_ARCH_ARM64

#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h> /* struct user_regs_struct: x0-x30, sp, pc, pstate */

_Static_assert(sizeof(struct user_regs_struct) <= sizeof(union remote_regs),
	       "union remote_regs too small for user_regs_struct");

/* `svc #0`: 0xd4000001. A64 instructions lie little-endian in memory, on a
 * big-endian kernel too; they are word-aligned. */
const uint8_t remote_arch_insn[] = { 0x01, 0x00, 0x00, 0xd4 };
const size_t remote_arch_insn_len = sizeof(remote_arch_insn);
const size_t remote_arch_insn_align = 4;
const uint32_t remote_arch_audit = AUDIT_ARCH_AARCH64;

/* PSTATE.nRW: the thread runs AArch32 code (a compat process). */
#define PSTATE_MODE32 0x10ull
/* The registers of the ABI: number in x8, arguments x0-x5, result x0. */
#define REG_NR 8

static struct user_regs_struct *ur(union remote_regs *r)
{
	return (struct user_regs_struct *)r->words;
}

static const struct user_regs_struct *cur(const union remote_regs *r)
{
	return (const struct user_regs_struct *)r->words;
}

int remote_arch_supported(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

/* arm64 has no PTRACE_GETREGS: the general registers are the NT_PRSTATUS regset. */
int remote_arch_getregs(pid_t tid, union remote_regs *regs)
{
	struct iovec iov = { .iov_base = ur(regs), .iov_len = sizeof(struct user_regs_struct) };

	memset(regs, 0, sizeof(*regs));
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	return 0;
}

int remote_arch_setregs(pid_t tid, const union remote_regs *regs)
{
	struct iovec iov = { .iov_base = (void *)cur(regs),
			     .iov_len = sizeof(struct user_regs_struct) };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	return 0;
}

int remote_arch_check_abi(const union remote_regs *regs, char *err, size_t errlen)
{
	if (cur(regs)->pstate & PSTATE_MODE32) {
		snprintf(err, errlen,
			 "the process runs 32-bit code (pstate %#llx): only 64-bit processes are supported",
			 (unsigned long long)cur(regs)->pstate);
		return -ENOTSUP;
	}
	return 0;
}

/*
 * The arm64 syscall ABI (`svc #0`): number in x8, arguments in x0-x5,
 * result in x0 (-errno on failure). The kernel keeps the first argument as
 * orig_x0, for restarting, and whether the thread is in a syscall as
 * syscallno; neither is in the NT_PRSTATUS regset. Every register is put
 * back from the saved copy at remote_close().
 *
 * Unlike x86 and PowerPC, arm64's do_signal() does the restart before
 * get_signal(): at a stop inside a blocking syscall the registers already
 * say x0 = orig_x0 and pc = the `svc` again, and syscallno says "no
 * syscall". So the registers we load need no marking, and the saved ones,
 * put back last at a stop inside get_signal(), re-run the original syscall
 * as it would have without us. One case remains: after get_signal(),
 * do_signal() turns a -ERESTART_RESTARTBLOCK syscall (a futex wait or a
 * sleep with a timeout) into restart_syscall by writing x8 when pc is still
 * the restart address. Our first registers hit that only when our `svc` is
 * the one the thread was stopped at (ours is looked for in the vDSO first);
 * the syscall-entry stop then shows x8 = __NR_restart_syscall and
 * remote_syscall.c refuses it as not ours.
 *
 * The kernel uses x7 to tell a tracer entry (0) from exit (1) and puts the
 * thread's own x7 back after the stop, so a value written to x7 at a
 * syscall stop is lost: we never set it (it stays the saved one).
 */
void remote_arch_prepare(union remote_regs *regs, const union remote_regs *base, uint64_t insn,
			 long nr, const long args[6])
{
	struct user_regs_struct *u = ur(regs);
	int i;

	*regs = *base;
	u->pc = insn;
	u->regs[REG_NR] = (unsigned long long)nr;
	for (i = 0; i < 6; i++)
		u->regs[i] = (unsigned long long)args[i];
}

long remote_arch_nr(const union remote_regs *regs)
{
	return (long)cur(regs)->regs[REG_NR];
}

long remote_arch_result(const union remote_regs *regs)
{
	return (long)cur(regs)->regs[0];
}

uint64_t remote_arch_pc(const union remote_regs *regs)
{
	return cur(regs)->pc;
}

#endif /* REMOTE_ARCH_ARM64 */
