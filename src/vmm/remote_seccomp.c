// SPDX-License-Identifier: GPL-2.0
/*
 * The executor's seccomp filters, read with PTRACE_SECCOMP_GET_FILTER and
 * run here on every syscall before it is injected: a filter that kills the
 * process on a syscall it does not expect must never see one.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>

#include "vmm/remote_internal.h"

/* A classic-BPF interpreter for seccomp filters (the instructions
 * seccomp_check_filter() admits). Anything it cannot make sense of answers
 * 0, which is SECCOMP_RET_KILL_THREAD: "not allowed". */
static uint32_t bpf_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc;

	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *in = &f[pc];
		uint32_t k = in->k, src = BPF_SRC(in->code) == BPF_X ? x : k;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			if (in->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k > sizeof(*d) - 4 || (k & 3))
					return 0;
				memcpy(&a, (const uint8_t *)d + k, 4);
			} else if (in->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (in->code == (BPF_LD | BPF_IMM)) {
				a = k;
			} else if (in->code == (BPF_LD | BPF_MEM)) {
				if (k >= BPF_MEMWORDS)
					return 0;
				a = mem[k];
			} else {
				return 0;
			}
			break;
		case BPF_LDX:
			if (in->code == (BPF_LDX | BPF_W | BPF_LEN)) {
				x = sizeof(*d);
			} else if (in->code == (BPF_LDX | BPF_IMM)) {
				x = k;
			} else if (in->code == (BPF_LDX | BPF_MEM)) {
				if (k >= BPF_MEMWORDS)
					return 0;
				x = mem[k];
			} else {
				return 0;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return 0;
			mem[k] = BPF_CLASS(in->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(in->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV:
				if (!src)
					return 0;
				a /= src;
				break;
			case BPF_MOD:
				if (!src)
					return 0;
				a %= src;
				break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src >= 32 ? 0 : a << src; break;
			case BPF_RSH: a = src >= 32 ? 0 : a >> src; break;
			case BPF_NEG: a = -a; break;
			default: return 0;
			}
			break;
		case BPF_JMP: {
			size_t off;

			if (BPF_OP(in->code) == BPF_JA) {
				off = k;
			} else {
				bool t;

				switch (BPF_OP(in->code)) {
				case BPF_JEQ: t = a == src; break;
				case BPF_JGT: t = a > src; break;
				case BPF_JGE: t = a >= src; break;
				case BPF_JSET: t = (a & src) != 0; break;
				default: return 0;
				}
				off = t ? in->jt : in->jf;
			}
			if (off >= n - pc - 1)
				return 0;
			pc += off;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_A ? a : k;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return 0;
		}
	}
	return 0;
}

/* Would the kernel let the executor make syscall NR(ARGS) from our
 * instruction? All filters run; the lowest action wins, as in
 * seccomp_run_filters(). */
bool remote_seccomp_allows(const struct remote *r, long nr, const long args[6])
{
	struct seccomp_data d;
	uint32_t ret = SECCOMP_RET_ALLOW, act;
	size_t i;

	if (!r->nr_filters)
		return true;
	memset(&d, 0, sizeof(d));
	d.nr = (int)nr;
	d.arch = remote_arch_audit;
	/* the kernel reports the pc after the syscall instruction */
	d.instruction_pointer = r->insn + remote_arch_insn_len;
	/* as the kernel's: a 32-bit argument is not sign-extended */
	for (i = 0; i < 6; i++)
		d.args[i] = (uint64_t)(unsigned long)args[i];
	for (i = 0; i < r->nr_filters; i++) {
		uint32_t v = bpf_run(r->filters[i], r->filter_lens[i], &d);

		if ((int32_t)(v & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = v;
	}
	act = ret & SECCOMP_RET_ACTION_FULL;
	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}

int remote_load_seccomp(struct remote *r, pid_t tid)
{
	struct remote_status ts;
	unsigned long idx;

	if (remote_read_status(r->pid, tid, &ts) < 0 || ts.seccomp <= 0)
		return 0;
	if (ts.seccomp == 1) {
		remote_seterr(r, "process %d runs in strict seccomp mode: any syscall we inject would kill it",
			      (int)r->pid);
		return -EPERM;
	}
	for (idx = 0;; idx++) {
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)idx, NULL);
		struct sock_filter *f;
		void *p;

		if (n < 0 && errno == ENOENT && idx > 0)
			break;
		if (n <= 0) {
			remote_seterr(r,
				      "process %d has a seccomp filter that cannot be read (PTRACE_SECCOMP_GET_FILTER: %s; it needs CAP_SYS_ADMIN): refusing to inject syscalls it might kill the process for",
				      (int)r->pid, n < 0 ? strerror(errno) : "empty");
			return -EPERM;
		}
		f = calloc((size_t)n, sizeof(*f));
		if (!f)
			return -ENOMEM;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)idx, f) != n) {
			free(f);
			remote_seterr(r, "PTRACE_SECCOMP_GET_FILTER of process %d changed under us", (int)r->pid);
			return -EPERM;
		}
		p = realloc(r->filters, (r->nr_filters + 1) * sizeof(*r->filters));
		if (!p) {
			free(f);
			return -ENOMEM;
		}
		r->filters = p;
		p = realloc(r->filter_lens, (r->nr_filters + 1) * sizeof(*r->filter_lens));
		if (!p) {
			free(f);
			return -ENOMEM;
		}
		r->filter_lens = p;
		r->filters[r->nr_filters] = f;
		r->filter_lens[r->nr_filters++] = (size_t)n;
	}
	return 0;
}
