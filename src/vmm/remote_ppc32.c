// SPDX-License-Identifier: GPL-2.0
/*
 * The 32-bit PowerPC part of the syscall injector (remote_arch.h):
 * registers, the syscall instruction and the syscall ABI. Compiled to
 * nothing elsewhere.
 */
#include "vmm/remote_arch.h"

#ifdef REMOTE_ARCH_PPC32

#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h> /* struct pt_regs, from asm/ptrace.h */

_Static_assert(sizeof(struct pt_regs) <= sizeof(union remote_regs),
	       "union remote_regs too small for struct pt_regs");

/* `sc`, big-endian as it lies in memory; instructions are word-aligned. */
const uint8_t remote_arch_insn[] = { 0x44, 0x00, 0x00, 0x02 };
const size_t remote_arch_insn_len = sizeof(remote_arch_insn);
const size_t remote_arch_insn_align = 4;
const uint32_t remote_arch_audit = AUDIT_ARCH_PPC;

/* CR0.SO in ccr: set by the kernel when r3 holds a positive errno. */
#define CCR_SO 0x10000000ul
/* The low bits of trap are the kernel's flags (TRAP_FLAGS_MASK, 0xf on
 * ppc32), which ptrace cannot change; bit 0 says "syscall restart already
 * handled". The rest is the interrupt vector: 0xc00 for `sc`. */
#define TRAP_FLAGS 0xful
#define TRAP_NORESTART 0x1ul
#define TRAP_SYSCALL 0xc00ul
/* BookE's 64-bit computation mode: a 64-bit process on a 64-bit kernel. */
#define MSR_CM 0x80000000ul

static struct pt_regs *pr(union remote_regs *r)
{
	return (struct pt_regs *)r->words;
}

static const struct pt_regs *cpr(const union remote_regs *r)
{
	return (const struct pt_regs *)r->words;
}

int remote_arch_supported(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

int remote_arch_getregs(pid_t tid, union remote_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	if (ptrace(PTRACE_GETREGS, tid, NULL, pr(regs)) < 0)
		return -errno;
	return 0;
}

/*
 * PTRACE_SETREGS writes r0-r31, nip, the debug bits of msr, orig_gpr3, ctr,
 * link, xer, ccr and trap's vector; the kernel keeps trap's flag bits. A
 * frame whose restart the kernel has already done (or refused) carries
 * TRAP_NORESTART, which we cannot set where the registers go back: it goes
 * back as "no syscall" instead, which the restart logic treats the same.
 */
int remote_arch_setregs(pid_t tid, const union remote_regs *regs)
{
	struct pt_regs p = *cpr(regs);

	if (p.trap & TRAP_NORESTART)
		p.trap &= TRAP_FLAGS;
	if (ptrace(PTRACE_SETREGS, tid, NULL, &p) < 0)
		return -errno;
	return 0;
}

int remote_arch_check_abi(const union remote_regs *regs, char *err, size_t errlen)
{
	if (cpr(regs)->msr & MSR_CM) {
		snprintf(err, errlen,
			 "the process runs 64-bit code (msr %#lx): a 32-bit kvmirq reads only 32-bit processes",
			 cpr(regs)->msr);
		return -ENOTSUP;
	}
	return 0;
}

/*
 * The PowerPC syscall ABI (`sc`): number in r0, arguments in r3-r8, result
 * in r3, with CR0.SO set when it is an error (then r3 holds the positive
 * errno). The kernel keeps the first argument in orig_gpr3 too, for
 * restarting. Every register is put back from the saved copy at
 * remote_close().
 *
 * trap says which interrupt the registers were saved by; 0xc00 (`sc`) is
 * what the kernel takes for "the thread is in a syscall". At a stop inside
 * a blocking syscall, CR0.SO is set and r3 holds ERESTARTSYS (or
 * ERESTARTNOHAND, ERESTART_RESTARTBLOCK, ERESTARTNOINTR); when the thread is
 * resumed, check_syscall_restart() looks at the registers present then, and
 * if trap is 0xc00, not marked TRAP_NORESTART, SO is set and r3 is one of
 * those, it rewinds nip by 4 and reloads r3 from orig_gpr3 (or r0 with
 * restart_syscall) to restart it. The registers we load for an injected
 * syscall therefore say trap = 0, "no syscall", or the kernel would
 * "restart" something into our r3 and nip on the way out of the stop. (It
 * takes SO being set too, and ours clear it; trap = 0 makes it not depend
 * on that.) The `sc` we run sets trap to 0xc00 afresh. The saved registers,
 * with the original trap, ccr, r3 and orig_gpr3, go back last, at a stop
 * inside get_signal(), so that the same logic then restarts the original
 * syscall exactly as it would have without us.
 */
void remote_arch_prepare(union remote_regs *regs, const union remote_regs *base, uint64_t insn,
			 long nr, const long args[6])
{
	struct pt_regs *p = pr(regs);
	int i;

	*regs = *base;
	p->nip = (unsigned long)insn;
	p->trap = 0;
	p->ccr &= ~CCR_SO;
	p->gpr[0] = (unsigned long)nr;
	for (i = 0; i < 6; i++)
		p->gpr[3 + i] = (unsigned long)args[i];
	p->orig_gpr3 = (unsigned long)args[0];
}

long remote_arch_nr(const union remote_regs *regs)
{
	return (long)cpr(regs)->gpr[0];
}

long remote_arch_result(const union remote_regs *regs)
{
	const struct pt_regs *p = cpr(regs);

	return p->ccr & CCR_SO ? -(long)p->gpr[3] : (long)p->gpr[3];
}

uint64_t remote_arch_pc(const union remote_regs *regs)
{
	return cpr(regs)->nip;
}

#endif /* REMOTE_ARCH_PPC32 */
