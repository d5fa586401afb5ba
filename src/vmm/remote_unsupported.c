// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture part where there is none (remote_arch.h): remote_open()
 * refuses with -ENOTSUP before it touches the process, so nothing below
 * but remote_arch_supported() is ever called; the rest only links the
 * architecture-neutral files. Compiled to nothing where a part exists.
 */
#include "vmm/remote_arch.h"

#ifndef REMOTE_ARCH_SUPPORTED

#include <errno.h>
#include <stdio.h>
#include <string.h>

const uint8_t remote_arch_insn[] = { 0 };
const size_t remote_arch_insn_len = sizeof(remote_arch_insn);
const size_t remote_arch_insn_align = 1;
const uint32_t remote_arch_audit = 0;

int remote_arch_supported(char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "reading another process's KVM state by ptrace is only implemented for x86_64, arm64 and 32-bit PowerPC");
	return -ENOTSUP;
}

int remote_arch_getregs(pid_t tid, union remote_regs *regs)
{
	(void)tid;
	memset(regs, 0, sizeof(*regs));
	return -ENOTSUP;
}

int remote_arch_setregs(pid_t tid, const union remote_regs *regs)
{
	(void)tid;
	(void)regs;
	return -ENOTSUP;
}

int remote_arch_check_abi(const union remote_regs *regs, char *err, size_t errlen)
{
	(void)regs;
	return remote_arch_supported(err, errlen);
}

void remote_arch_prepare(union remote_regs *regs, const union remote_regs *base, uint64_t insn,
			 long nr, const long args[6])
{
	(void)insn;
	(void)nr;
	(void)args;
	*regs = *base;
}

long remote_arch_nr(const union remote_regs *regs)
{
	(void)regs;
	return -1;
}

long remote_arch_result(const union remote_regs *regs)
{
	(void)regs;
	return -ENOTSUP;
}

uint64_t remote_arch_pc(const union remote_regs *regs)
{
	(void)regs;
	return 0;
}

#endif /* !REMOTE_ARCH_SUPPORTED */
