// SPDX-License-Identifier: GPL-2.0
/*
 * The x86_64 part of the syscall injector (remote_arch.h): registers, the
 * syscall instruction and the syscall ABI. Compiled to nothing elsewhere.
 */
#include "vmm/remote_arch.h"

#ifdef REMOTE_ARCH_X86_64

#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

_Static_assert(sizeof(struct user_regs_struct) <= sizeof(union remote_regs),
	       "union remote_regs too small for user_regs_struct");

/* `syscall`: 0f 05. Any occurrence of these two bytes in an executable
 * mapping will do, even inside a longer instruction: the CPU decodes from
 * where rip points, and the thread never runs past it (it stops at the
 * syscall-exit). */
const uint8_t remote_arch_insn[] = { 0x0f, 0x05 };
const size_t remote_arch_insn_len = sizeof(remote_arch_insn);
const size_t remote_arch_insn_align = 1;
const uint32_t remote_arch_audit = AUDIT_ARCH_X86_64;

/* The 64-bit user code segment (__USER_CS); a 32-bit process runs in 0x23. */
#define USER64_CS 0x33

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

int remote_arch_getregs(pid_t tid, union remote_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	if (ptrace(PTRACE_GETREGS, tid, NULL, ur(regs)) < 0)
		return -errno;
	return 0;
}

int remote_arch_setregs(pid_t tid, const union remote_regs *regs)
{
	if (ptrace(PTRACE_SETREGS, tid, NULL, cur(regs)) < 0)
		return -errno;
	return 0;
}

int remote_arch_check_abi(const union remote_regs *regs, char *err, size_t errlen)
{
	if (cur(regs)->cs != USER64_CS) {
		snprintf(err, errlen,
			 "the process runs 32-bit code (cs %#llx): only 64-bit processes are supported",
			 (unsigned long long)cur(regs)->cs);
		return -ENOTSUP;
	}
	return 0;
}

/*
 * The x86_64 syscall ABI: number in rax, arguments in rdi, rsi, rdx, r10, r8,
 * r9, result in rax. The `syscall` instruction itself overwrites rcx (with
 * the return rip) and r11 (with rflags); like every other register they are
 * put back from the saved copy at remote_close().
 *
 * orig_rax is what the kernel takes for "the syscall this thread is in". At
 * a stop inside a blocking syscall it holds that syscall's number and rax
 * holds -ERESTARTSYS (or -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK,
 * -ERESTARTNOINTR); when the thread is resumed, arch_do_signal_or_restart()
 * looks at the registers present then, and if orig_rax != -1 and rax is one
 * of those, rewinds rip by 2 and reloads rax to restart it. The registers we
 * load for an injected syscall must therefore say orig_rax = -1, or the
 * kernel would "restart" something into our rax and rip on the way out of
 * the stop. (It takes rax being an -ERESTART* value too, and ours holds the
 * syscall number; orig_rax = -1 makes it not depend on that.) The saved
 * registers, with the original orig_rax and rax, go back last, at a stop
 * inside get_signal(), so that the same logic then restarts the original
 * syscall exactly as it would have without us.
 */
void remote_arch_prepare(union remote_regs *regs, const union remote_regs *base, uint64_t insn,
			 long nr, const long args[6])
{
	struct user_regs_struct *u = ur(regs);

	*regs = *base;
	u->rip = insn;
	u->rax = (unsigned long long)nr;
	u->orig_rax = (unsigned long long)-1;
	u->rdi = (unsigned long long)args[0];
	u->rsi = (unsigned long long)args[1];
	u->rdx = (unsigned long long)args[2];
	u->r10 = (unsigned long long)args[3];
	u->r8 = (unsigned long long)args[4];
	u->r9 = (unsigned long long)args[5];
}

long remote_arch_nr(const union remote_regs *regs)
{
	return (long)cur(regs)->orig_rax;
}

long remote_arch_result(const union remote_regs *regs)
{
	return (long)cur(regs)->rax;
}

uint64_t remote_arch_pc(const union remote_regs *regs)
{
	return cur(regs)->rip;
}

#endif /* REMOTE_ARCH_X86_64 */
