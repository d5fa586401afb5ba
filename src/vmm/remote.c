// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall injector (remote.h): seize and stop every thread of a process,
 * run syscalls in one of them, put everything back. The architecture's part
 * (registers, the syscall instruction and ABI) is in remote_<arch>.c.
 *
 * The executor's life, in ptrace stops:
 *
 *   initial stop          PTRACE_EVENT_STOP from our PTRACE_INTERRUPT (or a
 *   (inside get_signal)   signal-delivery-stop, or a group-stop): registers
 *                         saved as they are, rax/orig_rax included
 *   for each syscall      registers := ours (orig_rax = -1), PTRACE_SYSCALL,
 *                         syscall-entry-stop, PTRACE_SYSCALL,
 *                         syscall-exit-stop: the result
 *   back into get_signal  PTRACE_INTERRUPT, then resume: the thread stops in
 *                         get_signal() again, before returning to user space
 *   there                 saved registers and signal mask put back, detach:
 *                         get_signal() goes on, delivers what is pending and
 *                         arch_do_signal_or_restart() restarts the original
 *                         syscall from the saved registers, as it would have.
 *
 * PTRACE_SYSCALL rather than PTRACE_SINGLESTEP: a single-step trap is a
 * forced SIGTRAP, which resets a SIGTRAP that the process blocks or ignores;
 * syscall stops send no signal at all.
 */
#include "vmm/remote.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Kernel-internal "restart me" results a stopped thread can show in its
 * result register (include/linux/errno.h). */
#define K_ERESTARTSYS 512
#define K_ERESTARTNOINTR 513
#define K_ERESTARTNOHAND 514
#define K_ERESTART_RESTARTBLOCK 516

/* The kernel's sigset_t, which PTRACE_{GET,SET}SIGMASK take (not glibc's). */
typedef uint64_t ksigset_t;

enum tstate {
	T_RUNNING, /* seized, interrupt sent, not yet seen stopped */
	T_STOPPED,
	T_GONE,	   /* exited */
};

struct rthread {
	pid_t tid;
	enum tstate state;
	/* The signal of the signal-delivery-stop it sits in (0: another stop):
	 * handed back by PTRACE_DETACH, which delivers it with its siginfo. */
	int stop_sig;
};

struct remote {
	pid_t pid;
	int memfd; /* /proc/PID/mem */
	struct rthread *threads;
	size_t nr_threads, cap_threads;
	size_t exec; /* index of the executor in threads */
	uint64_t insn;
	union remote_regs saved; /* the executor's registers at its stop */
	ksigset_t saved_mask;
	bool mask_saved;
	bool resumed;	       /* the executor has run since its initial stop */
	bool at_syscall_stop;  /* ... and now sits in a syscall-exit-stop */
	bool dead;	       /* the process died under us */
	bool broken;	       /* the executor's state is unknown: inject nothing more */
	siginfo_t initial_info; /* the executor's initial signal-delivery-stop, if any */
	uint64_t scratch;
	size_t scratch_len;
	/* signals the executor dequeued while running our syscalls: put back */
	siginfo_t *held;
	size_t nr_held, cap_held;
	/* the executor's seccomp filters, most recent first */
	struct sock_filter **filters;
	size_t *filter_lens;
	size_t nr_filters;
	sigset_t caller_mask;
	bool caller_mask_saved;
	uint64_t t_first, t_last;
	struct remote_stats stats;
	char msg[256];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

__attribute__((format(printf, 2, 3))) static void seterr(struct remote *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

static bool is_restart(long v)
{
	return v == -K_ERESTARTSYS || v == -K_ERESTARTNOINTR || v == -K_ERESTARTNOHAND ||
	       v == -K_ERESTART_RESTARTBLOCK;
}

/* ---- /proc ---- */

struct pstatus {
	char state;
	pid_t tgid;
	pid_t tracer;
	int seccomp;
	char name[64];
};

/* /proc/PID/status, or /proc/PID/task/TID/status when TID. 0 or -errno. */
static int read_pstatus(pid_t pid, pid_t tid, struct pstatus *ps)
{
	char path[64], line[256];
	FILE *f;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(ps, 0, sizeof(*ps));
	ps->seccomp = -1;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = 0;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		if (!strcmp(line, "Name"))
			snprintf(ps->name, sizeof(ps->name), "%s", v);
		else if (!strcmp(line, "State"))
			ps->state = v[0];
		else if (!strcmp(line, "Tgid"))
			ps->tgid = (pid_t)atoi(v);
		else if (!strcmp(line, "TracerPid"))
			ps->tracer = (pid_t)atoi(v);
		else if (!strcmp(line, "Seccomp"))
			ps->seccomp = atoi(v);
	}
	fclose(f);
	return 0;
}

static bool dead_state(char s)
{
	return s == 'Z' || s == 'X' || s == 'x';
}

/* Does process PID have a thread that has not exited? */
static bool has_live_thread(pid_t pid)
{
	char path[64];
	struct dirent *e;
	bool live = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!live && (e = readdir(d))) {
		struct pstatus ts;
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid > 0 && !read_pstatus(pid, tid, &ts) && !dead_state(ts.state))
			live = true;
	}
	closedir(d);
	return live;
}

/* ---- memory ---- */

int remote_read(struct remote *r, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	if (!r || r->memfd < 0)
		return -EBADF;
	while (done < len) {
		ssize_t n = pread(r->memfd, (char *)buf + done, len - done, (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Writes are for the scratch area only. */
static int mem_write(struct remote *r, uint64_t addr, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(r->memfd, (const char *)buf + done, len - done,
				   (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int remote_write(struct remote *r, uint64_t addr, const void *buf, size_t len)
{
	if (!r || r->memfd < 0)
		return -EBADF;
	if (!r->scratch || addr < r->scratch || len > r->scratch_len ||
	    addr - r->scratch > r->scratch_len - len) {
		seterr(r, "write of %zu bytes at %#llx is outside the scratch area", len,
		       (unsigned long long)addr);
		return -EFAULT;
	}
	return mem_write(r, addr, buf, len);
}

uint64_t remote_scratch(const struct remote *r, size_t *len)
{
	if (len)
		*len = r ? r->scratch_len : 0;
	return r ? r->scratch : 0;
}

pid_t remote_executor(const struct remote *r)
{
	return r && r->exec < r->nr_threads ? r->threads[r->exec].tid : 0;
}

const char *remote_error(const struct remote *r)
{
	return r ? r->msg : "";
}

/* ---- seccomp: the executor's filters, run here before each injection ---- */

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
static bool seccomp_allows(const struct remote *r, long nr, const long args[6])
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
	for (i = 0; i < 6; i++)
		d.args[i] = (uint64_t)args[i];
	for (i = 0; i < r->nr_filters; i++) {
		uint32_t v = bpf_run(r->filters[i], r->filter_lens[i], &d);

		if ((int32_t)(v & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = v;
	}
	act = ret & SECCOMP_RET_ACTION_FULL;
	return act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG;
}

/* This thread to SCHED_FIFO, lowest priority, if it runs SCHED_OTHER and is
 * allowed to; true when done (then *POLICY and *PARAM are the old ones). */
static bool boost(int *policy, struct sched_param *param)
{
	struct sched_param fifo = { .sched_priority = 1 };

	*policy = sched_getscheduler(0);
	if (*policy != SCHED_OTHER || sched_getparam(0, param))
		return false;
	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) == 0;
}

static void unboost(bool *fifo, int policy, const struct sched_param *param)
{
	if (*fifo)
		sched_setscheduler(0, policy, param);
	*fifo = false;
}

/* ---- waiting ---- */

/*
 * Wait for TID's next ptrace event until DEADLINE (CLOCK_MONOTONIC ns).
 * Polls (WNOHANG) so a thread that never stops cannot hang us: a few
 * sched_yield()s first (a stop usually comes within microseconds), then
 * sleeps growing to 1 ms. 0 with *STATUS, -ETIMEDOUT, or -errno (ECHILD:
 * not ours any more).
 */
static int wait_tid(pid_t tid, int *status, uint64_t deadline)
{
	unsigned spins = 0;
	long sleep_ns = 10000;

	for (;;) {
		pid_t w = waitpid(tid, status, __WALL | WNOHANG);

		if (w == tid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (now_ns() >= deadline)
			return -ETIMEDOUT;
		if (spins < 64) {
			spins++;
			sched_yield();
		} else {
			struct timespec ts = { 0, sleep_ns };

			nanosleep(&ts, NULL);
			if (sleep_ns < 1000000)
				sleep_ns *= 2;
		}
	}
}

static uint64_t deadline_ms(unsigned ms)
{
	return now_ns() + (uint64_t)ms * 1000000u;
}

/* ---- running syscalls ---- */

static int hold_signal(struct remote *r, const siginfo_t *si)
{
	if (r->nr_held == r->cap_held) {
		size_t cap = r->cap_held ? r->cap_held * 2 : 8;
		void *p = realloc(r->held, cap * sizeof(*r->held));

		if (!p)
			return -ENOMEM;
		r->held = p;
		r->cap_held = cap;
	}
	r->held[r->nr_held++] = *si;
	return 0;
}

/* The executor is in a signal-delivery-stop for SIG, about to be resumed
 * with no signal: keep SIG with its siginfo, to put back at the end. */
static void hold_current(struct remote *r, pid_t tid, int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0) {
		si.si_signo = sig;
		si.si_code = SI_KERNEL;
	}
	if (hold_signal(r, &si))
		seterr(r, "out of memory: signal %d to thread %d lost", sig, (int)tid);
}

/* The signal to resume the executor with the first time it runs our code.
 * Its initial stop may be a signal-delivery-stop: the signal is held (or,
 * SIGSTOP, let through: see run_syscall()). */
static int first_resume_sig(struct remote *r)
{
	struct rthread *ex = &r->threads[r->exec];
	int sig = ex->stop_sig;

	if (r->resumed)
		return 0;
	r->resumed = true;
	ex->stop_sig = 0;
	if (!sig || sig == SIGSTOP)
		return sig;
	if (hold_signal(r, &r->initial_info))
		seterr(r, "out of memory: signal %d lost", sig);
	return 0;
}

/*
 * Run one syscall in the executor. Returns its result, which may be a
 * -ERESTART* value when it was interrupted; -ESRCH (dead), -ETIMEDOUT or
 * -EIO (broken) otherwise, with r->dead or r->broken set.
 */
static long run_syscall(struct remote *r, long nr, const long args[6])
{
	struct rthread *ex = &r->threads[r->exec];
	pid_t tid = ex->tid;
	union remote_regs regs;
	bool entered = false, interrupted = false;
	uint64_t deadline;
	int status, rc, sig;

	remote_arch_prepare(&regs, &r->saved, r->insn, nr, args);
	rc = remote_arch_setregs(tid, &regs);
	if (rc) {
		r->dead = rc == -ESRCH;
		seterr(r, "PTRACE_SETREGS: %s", strerror(-rc));
		return r->dead ? -ESRCH : rc;
	}
	sig = first_resume_sig(r);
	r->at_syscall_stop = false;
	if (ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig) < 0) {
		rc = -errno;
		r->dead = rc == -ESRCH;
		r->broken = true;
		seterr(r, "PTRACE_SYSCALL: %s", strerror(-rc));
		return r->dead ? -ESRCH : rc;
	}
	deadline = deadline_ms(REMOTE_SYSCALL_TIMEOUT_MS);
	for (;;) {
		int pass = 0;

		rc = wait_tid(tid, &status, deadline);
		if (rc == -ETIMEDOUT && !interrupted) {
			/* A syscall that blocks: interrupt it; it comes back with
			 * -EINTR or -ERESTART* at its syscall-exit-stop. */
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			interrupted = true;
			deadline = deadline_ms(REMOTE_SYSCALL_TIMEOUT_MS);
			continue;
		}
		if (rc == -ETIMEDOUT) {
			r->broken = true;
			seterr(r, "syscall %ld in thread %d did not return, even when interrupted", nr,
			       (int)tid);
			return -ETIMEDOUT;
		}
		if (rc < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
			r->dead = true;
			ex->state = T_GONE;
			seterr(r, "process %d died while stopped", (int)r->pid);
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			rc = remote_arch_getregs(tid, &regs);
			if (rc) {
				r->broken = true;
				seterr(r, "PTRACE_GETREGS: %s", strerror(-rc));
				return rc;
			}
			if (entered) {
				/* syscall-exit-stop: done */
				r->at_syscall_stop = true;
				r->stats.syscalls++;
				break;
			}
			/* syscall-entry-stop: make sure it is ours */
			if (remote_arch_nr(&regs) != nr ||
			    remote_arch_pc(&regs) != r->insn + remote_arch_insn_len) {
				r->broken = true;
				seterr(r, "thread %d entered syscall %ld at %#llx, not ours (%ld)",
				       (int)tid, remote_arch_nr(&regs),
				       (unsigned long long)remote_arch_pc(&regs), nr);
				return -EIO;
			}
			entered = true;
		} else if (status >> 16 == PTRACE_EVENT_STOP) {
			/* a group-stop, or our interrupt before the syscall was entered
			 * (then the thread is back in get_signal with our registers,
			 * which say "no syscall": fine to resume) */
			if (interrupted && !entered) {
				seterr(r, "syscall %ld in thread %d timed out before it started", nr,
				       (int)tid);
				return -ETIMEDOUT;
			}
		} else if (status >> 16) {
			/* an event we did not ask for: carry on */
		} else if (WSTOPSIG(status) == SIGSTOP) {
			/* Let SIGSTOP through: it stops the process (a group-stop,
			 * reported as PTRACE_EVENT_STOP) as it would have, and a traced
			 * thread can still be resumed from a group-stop. At detach every
			 * thread goes back into it. */
			pass = SIGSTOP;
		} else {
			/* Any other signal: not now (its handler would run on our
			 * registers). Held, and put back at remote_close(). */
			hold_current(r, tid, WSTOPSIG(status));
		}
		if (ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)pass) < 0) {
			rc = -errno;
			r->dead = rc == -ESRCH;
			r->broken = true;
			seterr(r, "resuming thread %d: %s", (int)tid, strerror(-rc));
			return r->dead ? -ESRCH : rc;
		}
	}
	if (interrupted && (is_restart(remote_arch_result(&regs)) || remote_arch_result(&regs) == -EINTR)) {
		seterr(r, "syscall %ld in thread %d did not return within %d ms: interrupted", nr,
		       (int)tid, REMOTE_SYSCALL_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	return remote_arch_result(&regs);
}

long remote_syscall(struct remote *r, long nr, const long args[6])
{
	static const long zero[6];
	unsigned attempt;
	long ret = -EINTR;

	if (!r || r->dead)
		return -ESRCH;
	if (r->broken)
		return -EIO;
	if (!args)
		args = zero;
	if (!seccomp_allows(r, nr, args)) {
		seterr(r, "the seccomp filter of process %d would not allow syscall %ld: not run",
		       (int)r->pid, nr);
		return -EPERM;
	}
	/* A syscall that comes back with -ERESTART* was interrupted (by a
	 * SIGSTOP we let through, or a stray interrupt): run it again, as the
	 * kernel would have. */
	for (attempt = 0; attempt < 16; attempt++) {
		ret = run_syscall(r, nr, args);
		if (!is_restart(ret))
			return ret;
	}
	return -EINTR;
}

long remote_ioctl_buf(struct remote *r, int fd, unsigned long cmd, void *buf, size_t len)
{
	long args[6] = { 0 }, ret;
	int rc;

	if (!r)
		return -EINVAL;
	if (len > r->scratch_len)
		return -E2BIG;
	if (len) {
		rc = remote_write(r, r->scratch, buf, len);
		if (rc)
			return rc;
	}
	args[0] = fd;
	args[1] = (long)cmd;
	args[2] = (long)r->scratch;
	ret = remote_syscall(r, SYS_ioctl, args);
	if (ret >= 0 && len) {
		rc = remote_read(r, r->scratch, buf, len);
		if (rc)
			return rc;
	}
	return ret;
}

/* ---- putting things back ---- */

/*
 * From a syscall-exit-stop, bring the executor back to a stop inside
 * get_signal(), where the saved registers go back: PTRACE_INTERRUPT asks
 * for another trap once the current one ends, and it comes in get_signal()
 * on the way out to user space. The restart of the original syscall must
 * happen in arch_do_signal_or_restart(), which runs only when the exit path
 * sees a signal pending; an exit path that does not would hand -ERESTARTSYS
 * to the program. Today PTRACE_DETACH itself marks the thread so
 * (__ptrace_unlink() wakes it as for a signal), and restoring at the
 * syscall-exit-stop would work too; this does not depend on it.
 * The registers meanwhile say "no syscall", at our syscall instruction with
 * getpid in rax: should the thread ever reach user space, it would stop at
 * that syscall's entry rather than run on.
 */
static int back_to_get_signal(struct remote *r)
{
	pid_t tid = r->threads[r->exec].tid;
	static const long noargs[6];
	union remote_regs regs;
	uint64_t deadline = deadline_ms(REMOTE_SYSCALL_TIMEOUT_MS);
	unsigned tries = 0;
	int status, rc, pass = 0;

	remote_arch_prepare(&regs, &r->saved, r->insn, SYS_getpid, noargs);
	rc = remote_arch_setregs(tid, &regs);
	if (rc)
		return rc;
	ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)pass) < 0)
			return -errno;
		pass = 0;
		rc = wait_tid(tid, &status, deadline);
		if (rc)
			return rc;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			r->threads[r->exec].state = T_GONE;
			r->dead = true;
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return 0; /* in get_signal() */
		if (++tries > 100)
			return -EIO;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			/* it got to user space after all: let getpid complete, ask again */
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			rc = remote_arch_setregs(tid, &regs);
			if (rc)
				return rc;
		} else if (status >> 16) {
			/* not asked for */
		} else if (WSTOPSIG(status) == SIGSTOP) {
			pass = SIGSTOP;
		} else {
			hold_current(r, tid, WSTOPSIG(status));
		}
	}
}

/* Put the held signals back in the executor's queue, with their siginfo:
 * rt_tgsigqueueinfo() to itself, which the kernel allows for any si_code.
 * They stay pending (blocked) until the saved mask is back. */
static void requeue_held(struct remote *r, size_t *late_from)
{
	size_t n = r->nr_held, i;

	/* Only those held so far: should the mask not block them (we failed
	 * to set it), one put back could be dequeued and held again by the next
	 * injection; that one is then sent plainly, and this loop still ends. */
	for (i = 0; i < n; i++) {
		long args[6] = { r->pid, r->threads[r->exec].tid, r->held[i].si_signo,
				 (long)r->scratch, 0, 0 };
		long ret;

		if (!r->scratch || sizeof(siginfo_t) > r->scratch_len ||
		    !seccomp_allows(r, SYS_rt_tgsigqueueinfo, args) ||
		    remote_write(r, r->scratch, &r->held[i], sizeof(siginfo_t)))
			break;
		ret = remote_syscall(r, SYS_rt_tgsigqueueinfo, args);
		if (ret == -EAGAIN)
			continue; /* the queue is full: the kernel would have dropped it too */
		if (ret < 0)
			break;
		r->stats.signals_redelivered++;
	}
	/* from I on (the rest of the first N, and any held meanwhile): sent plainly */
	*late_from = i;
}

/*
 * The process died (SIGKILL) while we traced it. Its threads exit but, traced,
 * wait for us, their tracer, to collect them; and its parent is not told
 * before they are. Collect them. The main thread too, unless we are also its
 * parent (then our caller reaps it): from a tracer that is not the parent,
 * the wait only hands it back to the parent.
 */
static void reap_dead(struct remote *r)
{
	uint64_t deadline = deadline_ms(1000);
	bool parent = false;
	char path[64], line[128];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)r->pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "PPid:", 5))
			parent = (pid_t)atoi(line + 5) == getpid();
	if (f)
		fclose(f);
	for (i = 0; i < r->nr_threads; i++) {
		struct rthread *t = &r->threads[i];
		int status;

		if (t->state == T_GONE || (t->tid == r->pid && parent))
			continue;
		while (wait_tid(t->tid, &status, deadline) == 0 && !WIFEXITED(status) &&
		       !WIFSIGNALED(status))
			;
		t->state = T_GONE;
	}
}

/*
 * Threads seized that never stopped (remote_open() timed out on them): our
 * stop request is still pending, and they would stop, with nobody to let
 * them go, when they wake. The others are running again; wait for these
 * to stop and let them go too.
 */
static void release_stragglers(struct remote *r)
{
	uint64_t deadline = deadline_ms(REMOTE_STRAGGLER_TIMEOUT_MS);
	size_t i;

	for (i = 0; i < r->nr_threads; i++) {
		struct rthread *t = &r->threads[i];
		int status;

		while (t->state == T_RUNNING) {
			if (wait_tid(t->tid, &status, deadline) ||
			    WIFEXITED(status) || WIFSIGNALED(status)) {
				t->state = T_GONE;
				break;
			}
			if (!WIFSTOPPED(status))
				continue;
			/* whatever the stop, DETACH ends it; a signal-delivery-stop's
			 * signal goes with it */
			ptrace(PTRACE_DETACH, t->tid, NULL,
			       (void *)(long)(status >> 16 || WSTOPSIG(status) == (SIGTRAP | 0x80)
						      ? 0
						      : WSTOPSIG(status)));
			t->state = T_GONE;
		}
	}
}

/* Everything remote_close() does; also the undo of a failed remote_open(). */
static int teardown(struct remote *r)
{
	struct rthread *ex = r->exec < r->nr_threads ? &r->threads[r->exec] : NULL;
	size_t late_from = 0, i;
	struct sched_param old_param;
	int first = 0, rc, old_policy;
	bool fifo;

	if (ex && ex->state == T_STOPPED && r->resumed && !r->dead) {
		if (!r->broken) {
			requeue_held(r, &late_from);
			if (r->scratch) {
				long args[6] = { (long)r->scratch, (long)r->scratch_len };
				long ret = seccomp_allows(r, SYS_munmap, args)
						   ? remote_syscall(r, SYS_munmap, args)
						   : -EPERM;

				if (ret < 0 && !first) {
					first = (int)ret;
					seterr(r, "munmap of the scratch area in process %d: %s",
					       (int)r->pid, strerror((int)-ret));
				}
				r->scratch = 0;
			}
		}
		/* broken: wherever it is, try (it handles syscall stops too) */
		if (!r->dead && (r->at_syscall_stop || r->broken)) {
			rc = back_to_get_signal(r);
			if (rc && !first) {
				first = rc;
				seterr(r, "could not bring thread %d back to a signal stop: %s",
				       (int)ex->tid, strerror(-rc));
			}
		}
		if (!r->dead) {
			/* the saved registers last, then the mask (see the top) */
			rc = remote_arch_setregs(ex->tid, &r->saved);
			if (rc && !first) {
				first = rc;
				seterr(r, "restoring the registers of thread %d: %s", (int)ex->tid,
				       strerror(-rc));
			}
			if (r->mask_saved &&
			    ptrace(PTRACE_SETSIGMASK, ex->tid, (void *)sizeof(ksigset_t),
				   &r->saved_mask) < 0 &&
			    !first) {
				first = -errno;
				seterr(r, "restoring the signal mask of thread %d: %s", (int)ex->tid,
				       strerror(errno));
			}
		}
	} else {
		late_from = r->nr_held;
	}
	/* Detach, the executor last. A thread woken by PTRACE_DETACH may preempt
	 * us (a busy one, with its lag, does), and those not yet detached would
	 * stay stopped for its whole time slice, milliseconds: for these few
	 * microseconds this thread runs SCHED_FIFO, when it may. */
	fifo = boost(&old_policy, &old_param);
	for (i = 0; i <= r->nr_threads; i++) {
		struct rthread *t;

		if (i == r->nr_threads) {
			t = ex;
		} else {
			t = &r->threads[i];
			if (t == ex)
				continue;
		}
		if (!t || t->state != T_STOPPED)
			continue;
		if (ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)t->stop_sig) == 0) {
			if (t->stop_sig)
				r->stats.signals_redelivered++;
			t->state = T_GONE;
		} else if (errno == ESRCH) {
			r->dead = true; /* killed: left for reap_dead() */
		}
	}
	if (r->t_first)
		r->t_last = now_ns();
	unboost(&fifo, old_policy, &old_param);
	release_stragglers(r);
	/* Held signals that could not be queued with their siginfo (the scratch
	 * area was gone, or the seccomp filter said no): sent again, plainly. */
	if (!r->dead) {
		for (i = late_from; i < r->nr_held; i++) {
			if (ex && syscall(SYS_tgkill, r->pid, ex->tid, r->held[i].si_signo) == 0)
				r->stats.signals_redelivered++;
		}
	}
	if (r->dead) {
		reap_dead(r);
		if (!first) {
			first = -ESRCH;
			seterr(r, "process %d died while stopped", (int)r->pid);
		}
	}
	return first;
}

static void free_remote(struct remote *r)
{
	size_t i;

	if (r->memfd >= 0)
		close(r->memfd);
	for (i = 0; i < r->nr_filters; i++)
		free(r->filters[i]);
	free(r->filters);
	free(r->filter_lens);
	free(r->held);
	free(r->threads);
	if (r->caller_mask_saved)
		pthread_sigmask(SIG_SETMASK, &r->caller_mask, NULL);
	free(r);
}

int remote_close(struct remote *r, struct remote_stats *st, char *err, size_t errlen)
{
	int rc;

	if (!r)
		return 0;
	rc = teardown(r);
	r->stats.stopped_ns = r->t_first ? r->t_last - r->t_first : 0;
	if (st)
		*st = r->stats;
	if (rc && err && errlen)
		snprintf(err, errlen, "%s", r->msg);
	free_remote(r);
	return rc;
}

/* ---- remote_open ---- */

static int refuse(pid_t pid, char *err, size_t errlen)
{
	struct pstatus ps, self;
	int rc;

	if (pid <= 0) {
		snprintf(err, errlen, "%d is not a process id", (int)pid);
		return -EINVAL;
	}
	if (pid == getpid()) {
		snprintf(err, errlen, "process %d is ourselves", (int)pid);
		return -EINVAL;
	}
	rc = read_pstatus(pid, 0, &ps);
	if (rc == -ENOENT || rc == -ESRCH) {
		snprintf(err, errlen, "no process %d", (int)pid);
		return -ESRCH;
	}
	if (rc) {
		snprintf(err, errlen, "cannot read /proc/%d/status: %s", (int)pid, strerror(-rc));
		return rc;
	}
	if (ps.tgid == getpid()) {
		snprintf(err, errlen, "%d is one of our own threads", (int)pid);
		return -EINVAL;
	}
	if (ps.tgid != pid) {
		snprintf(err, errlen, "%d is a thread of process %d, not a process id", (int)pid,
			 (int)ps.tgid);
		return -EINVAL;
	}
	if (!read_pstatus(getpid(), 0, &self) && self.tracer == pid) {
		snprintf(err, errlen, "process %d traces us", (int)pid);
		return -EINVAL;
	}
	if (dead_state(ps.state) && !has_live_thread(pid)) {
		snprintf(err, errlen, "process %d (%s) is a zombie: it has exited", (int)pid, ps.name);
		return -ESRCH;
	}
	if (ps.tracer) {
		snprintf(err, errlen, "process %d (%s) is already traced by process %d (a debugger?)",
			 (int)pid, ps.name, (int)ps.tracer);
		return -EBUSY;
	}
	return 0;
}

#ifdef REMOTE_ARCH_SUPPORTED

/* Find the syscall instruction: in [vdso] first (every x86_64 vDSO has one
 * in its fallback paths), else in any executable file mapping. */
static int find_insn(struct remote *r)
{
	const size_t bufsize = 64 * 1024;
	uint8_t *buf = malloc(bufsize);
	char path[64], line[512];
	int pass;

	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)r->pid);
	for (pass = 0; pass < 2; pass++) {
		FILE *f = fopen(path, "re");

		if (!f) {
			int e = errno;

			seterr(r, "cannot read %s: %s", path, strerror(e));
			free(buf);
			return -e;
		}
		while (fgets(line, sizeof(line), f)) {
			unsigned long long start, end, at;
			char perms[8];
			int off = 0;
			const char *name;

			if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &start, &end, perms, &off) < 3 ||
			    !off)
				continue;
			name = line + off;
			if (perms[0] != 'r' || perms[2] != 'x')
				continue;
			if (pass == 0 ? strncmp(name, "[vdso]", 6) != 0 : name[0] != '/')
				continue;
			if (end - start > 16u << 20)
				end = start + (16u << 20);
			for (at = start; at < end;) {
				size_t n = end - at < bufsize ? (size_t)(end - at) : bufsize;
				size_t i;

				if (remote_read(r, at, buf, n))
					break;
				for (i = 0; i + remote_arch_insn_len <= n; i++) {
					if (!memcmp(buf + i, remote_arch_insn, remote_arch_insn_len)) {
						r->insn = at + i;
						fclose(f);
						free(buf);
						return 0;
					}
				}
				/* overlap so an instruction across two reads is found */
				at += n > remote_arch_insn_len ? n - (remote_arch_insn_len - 1) : n;
			}
		}
		fclose(f);
	}
	free(buf);
	seterr(r, "no syscall instruction found in the executable mappings of process %d",
	       (int)r->pid);
	return -ENOEXEC;
}

static int load_seccomp(struct remote *r, pid_t tid)
{
	struct pstatus ts;
	unsigned long idx;

	if (read_pstatus(r->pid, tid, &ts) < 0 || ts.seccomp <= 0)
		return 0;
	if (ts.seccomp == 1) {
		seterr(r, "process %d runs in strict seccomp mode: any syscall we inject would kill it",
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
			seterr(r,
			       "process %d has a seccomp filter that cannot be read (PTRACE_SECCOMP_GET_FILTER: %s; it needs CAP_SYS_ADMIN): refusing to inject syscalls it might kill the process for",
			       (int)r->pid, n < 0 ? strerror(errno) : "empty");
			return -EPERM;
		}
		f = calloc((size_t)n, sizeof(*f));
		if (!f)
			return -ENOMEM;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)idx, f) != n) {
			free(f);
			seterr(r, "PTRACE_SECCOMP_GET_FILTER of process %d changed under us", (int)r->pid);
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

/* ---- attaching ---- */

static struct rthread *find_thread(struct remote *r, pid_t tid)
{
	size_t i;

	for (i = 0; i < r->nr_threads; i++)
		if (r->threads[i].tid == tid)
			return &r->threads[i];
	return NULL;
}

static int add_thread(struct remote *r, pid_t tid)
{
	if (r->nr_threads == r->cap_threads) {
		size_t cap = r->cap_threads ? r->cap_threads * 2 : 16;
		void *p = realloc(r->threads, cap * sizeof(*r->threads));

		if (!p)
			return -ENOMEM;
		r->threads = p;
		r->cap_threads = cap;
	}
	r->threads[r->nr_threads++] = (struct rthread){ .tid = tid, .state = T_RUNNING };
	return 0;
}

static void thread_comm(pid_t pid, pid_t tid, char *buf, size_t len)
{
	struct pstatus ts;

	if (!read_pstatus(pid, tid, &ts))
		snprintf(buf, len, "%s, state %c", ts.name, ts.state);
	else
		snprintf(buf, len, "gone");
}

/* Wait until a seized, interrupted thread is in a ptrace-stop (or gone). */
static int wait_stopped(struct remote *r, struct rthread *t, uint64_t deadline)
{
	bool was_running = t->state == T_RUNNING;
	int status, rc;

	while (t->state == T_RUNNING) {
		rc = wait_tid(t->tid, &status, deadline);
		if (rc == -ETIMEDOUT) {
			char what[96];

			thread_comm(r->pid, t->tid, what, sizeof(what));
			seterr(r,
			       "thread %d of process %d (%s) did not stop within %d ms (an uninterruptible sleep?)",
			       (int)t->tid, (int)r->pid, what, REMOTE_STOP_TIMEOUT_MS);
			return rc;
		}
		if (rc < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
			t->state = T_GONE;
			break;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 16 == PTRACE_EVENT_STOP) {
			/* our interrupt (SIGTRAP), or a group-stop (SIGSTOP, ...) */
			t->state = T_STOPPED;
		} else if (status >> 16 || WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			/* nothing else was asked for; should it come, get the stop we want */
			ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL);
			ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		} else {
			/* A signal-delivery-stop: the thread was taking a signal as we
			 * came. It is a ptrace-stop like any (it consumed our interrupt):
			 * it stays in it, and gets the signal back at detach. */
			t->state = T_STOPPED;
			t->stop_sig = WSTOPSIG(status);
		}
	}
	if (was_running && t->state == T_STOPPED)
		r->stats.threads++;
	return 0;
}

/*
 * Wait up to REMOTE_D_WAIT_MS for no thread to be in an uninterruptible
 * sleep: ptrace cannot stop one there, and we would be left holding it.
 * 0, or -EAGAIN naming one.
 */
static int wait_not_uninterruptible(struct remote *r)
{
	uint64_t deadline = deadline_ms(REMOTE_D_WAIT_MS);
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
	for (;;) {
		pid_t stuck = 0;
		struct pstatus ts;
		struct dirent *e;
		DIR *d = opendir(path);

		if (!d)
			return 0; /* gone: seize_all() says so */
		while (!stuck && (e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);

			if (tid > 0 && !read_pstatus(r->pid, tid, &ts) && ts.state == 'D')
				stuck = tid;
		}
		closedir(d);
		if (!stuck)
			return 0;
		if (now_ns() >= deadline) {
			seterr(r,
			       "thread %d of process %d (%s) stays in an uninterruptible sleep (I/O, or a vfork parent), where ptrace cannot stop it: try again",
			       (int)stuck, (int)r->pid, ts.name);
			return -EAGAIN;
		}
		{
			struct timespec t = { 0, 1000000 };

			nanosleep(&t, NULL);
		}
	}
}

/*
 * Seize and stop every thread. A thread can be created by one not yet
 * stopped: after all known threads are stopped /proc/PID/task is read
 * again, until a reading finds no new thread (stopped threads create none).
 */
static int seize_all(struct remote *r)
{
	char path[64];
	unsigned round;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
	for (round = 0;; round++) {
		struct sched_param old_param;
		int old_policy;
		bool fifo;
		uint64_t deadline;
		unsigned added = 0;
		struct dirent *e;
		size_t i;
		DIR *d;

		if (round > 10000) {
			seterr(r, "process %d keeps creating threads", (int)r->pid);
			return -EAGAIN;
		}
		d = opendir(path);
		if (!d) {
			seterr(r, "process %d exited", (int)r->pid);
			return -ESRCH;
		}
		/* not preempted by the threads still running while we stop them */
		fifo = boost(&old_policy, &old_param);
		while ((e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);
			struct pstatus ts;
			int rc;

			if (tid <= 0 || find_thread(r, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD) < 0) {
				int e2 = errno;

				if (e2 == ESRCH)
					continue; /* exited meanwhile */
				if (e2 == EPERM && read_pstatus(r->pid, tid, &ts) == 0) {
					if (dead_state(ts.state))
						continue; /* an exited thread (a zombie main thread) */
					if (ts.tracer && ts.tracer != getpid()) {
						seterr(r,
						       "thread %d of process %d is already traced by process %d",
						       (int)tid, (int)r->pid, (int)ts.tracer);
						closedir(d);
						unboost(&fifo, old_policy, &old_param);
						return -EBUSY;
					}
				} else if (e2 == EPERM) {
					continue; /* gone */
				}
				closedir(d);
				unboost(&fifo, old_policy, &old_param);
				if (e2 == EPERM)
					seterr(r,
					       "not permitted to ptrace process %d: it needs the same user and Yama's ptrace_scope allowing it, or CAP_SYS_PTRACE",
					       (int)r->pid);
				else
					seterr(r, "PTRACE_SEIZE of thread %d: %s", (int)tid, strerror(e2));
				return -e2;
			}
			rc = add_thread(r, tid);
			if (rc) {
				/* seized but not stopped: cannot be detached; the interrupt
				 * makes it stop, and our detach-all releases it */
				ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
				closedir(d);
				unboost(&fifo, old_policy, &old_param);
				seterr(r, "out of memory");
				return rc;
			}
			if (!r->t_first)
				r->t_first = now_ns();
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			added++;
		}
		closedir(d);
		unboost(&fifo, old_policy, &old_param);
		deadline = deadline_ms(REMOTE_STOP_TIMEOUT_MS);
		for (i = 0; i < r->nr_threads; i++) {
			int rc = wait_stopped(r, &r->threads[i], deadline);

			if (rc)
				return rc;
		}
		if (!added)
			break;
	}
	return 0;
}


/* Block the signals that would end us while the executor runs our registers. */
static void block_caller_signals(struct remote *r)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (pthread_sigmask(SIG_BLOCK, &set, &r->caller_mask) == 0)
		r->caller_mask_saved = true;
}

static int open_stopped(struct remote *r)
{
	struct rthread *ex;
	long args[6] = { 0 };
	ksigset_t all = ~(ksigset_t)0;
	size_t i;
	long ret;
	int rc;

	/* The executor: the main thread. If it has exited (pthread_exit)
	 * another thread that runs user code: not a kernel-side worker
	 * (io_uring's iou-wrk-*, vhost-*), which never returns to user space
	 * and shows a pc of 0. */
	r->exec = r->nr_threads;
	for (i = 0; i < r->nr_threads; i++)
		if (r->threads[i].state == T_STOPPED && r->threads[i].tid == r->pid)
			r->exec = i;
	for (i = 0; i < r->nr_threads && r->exec == r->nr_threads; i++) {
		struct pstatus ts;

		if (r->threads[i].state != T_STOPPED ||
		    remote_arch_getregs(r->threads[i].tid, &r->saved) ||
		    !remote_arch_pc(&r->saved) || read_pstatus(r->pid, r->threads[i].tid, &ts) ||
		    !strncmp(ts.name, "iou-", 4) || !strncmp(ts.name, "vhost-", 6))
			continue;
		r->exec = i;
	}
	if (r->exec == r->nr_threads) {
		seterr(r, "process %d has no thread left that runs user code", (int)r->pid);
		return -ESRCH;
	}
	ex = &r->threads[r->exec];
	rc = remote_arch_getregs(ex->tid, &r->saved);
	if (rc) {
		seterr(r, "PTRACE_GETREGS of thread %d: %s", (int)ex->tid, strerror(-rc));
		return rc;
	}
	rc = remote_arch_check_abi(&r->saved, r->msg, sizeof(r->msg));
	if (rc)
		return rc;
	if (ex->stop_sig && ptrace(PTRACE_GETSIGINFO, ex->tid, NULL, &r->initial_info) < 0) {
		memset(&r->initial_info, 0, sizeof(r->initial_info));
		r->initial_info.si_signo = ex->stop_sig;
		r->initial_info.si_code = SI_KERNEL;
	}
	rc = load_seccomp(r, ex->tid);
	if (rc)
		return rc;

	/* the scratch area */
	args[1] = REMOTE_SCRATCH_SIZE;
	args[2] = PROT_READ | PROT_WRITE;
	args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	args[4] = -1;
	{
		/* the address is not known yet: any page-aligned one */
		long unmap[6] = { 0x10000, REMOTE_SCRATCH_SIZE };

		if (!seccomp_allows(r, SYS_mmap, args) || !seccomp_allows(r, SYS_munmap, unmap)) {
			seterr(r,
			       "the seccomp filter of process %d would not allow the mmap and munmap kvmirq injects: not touching it",
			       (int)r->pid);
			return -EPERM;
		}
	}
	ret = remote_syscall(r, SYS_mmap, args);
	if (ret < 0 && ret > -4096) {
		if (!r->dead && !r->broken)
			seterr(r, "mmap of a scratch area in process %d: %s", (int)r->pid,
			       strerror((int)-ret));
		return (int)ret;
	}
	r->scratch = (uint64_t)ret;
	r->scratch_len = REMOTE_SCRATCH_SIZE;

	/* The signal mask. A thread stopped in ppoll/pselect/sigsuspend runs
	 * with that call's temporary mask, the real one kept aside to restore;
	 * PTRACE_GETSIGMASK gives the real one then, and anyway our first resume
	 * went through restore_saved_sigmask(): the real mask is what goes back
	 * (the restarted call sets its temporary mask again itself). */
	if (ptrace(PTRACE_GETSIGMASK, ex->tid, (void *)sizeof(ksigset_t), &r->saved_mask) < 0) {
		seterr(r, "PTRACE_GETSIGMASK of thread %d: %s", (int)ex->tid, strerror(errno));
		return -errno;
	}
	r->mask_saved = true;
	/* Every signal blocked while we work: they wait in their queues (only
	 * SIGKILL and SIGSTOP get through), and are delivered after. */
	if (ptrace(PTRACE_SETSIGMASK, ex->tid, (void *)sizeof(ksigset_t), &all) < 0) {
		seterr(r, "PTRACE_SETSIGMASK of thread %d: %s", (int)ex->tid, strerror(errno));
		return -errno;
	}
	return 0;
}

int remote_open(struct remote **rp, pid_t pid, char *err, size_t errlen)
{
	struct remote *r;
	char path[64];
	int rc;

	*rp = NULL;
	rc = refuse(pid, err, errlen);
	if (rc)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	r->memfd = open(path, O_RDWR | O_CLOEXEC);
	if (r->memfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		free_remote(r);
		return rc == -EACCES ? -EPERM : rc == -ENOENT ? -ESRCH : rc;
	}
	/* before stopping anything: the vDSO does not move */
	rc = find_insn(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->msg);
		free_remote(r);
		return rc;
	}
	/* (the variable is for tests/unit/test_remote.c, to reach the path
	 * of a thread that does not stop) */
	rc = getenv("KVMIRQ_REMOTE_NO_D_CHECK") ? 0 : wait_not_uninterruptible(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->msg);
		free_remote(r);
		return rc;
	}
	block_caller_signals(r);
	rc = seize_all(r);
	if (!rc)
		rc = open_stopped(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->msg);
		teardown(r);
		free_remote(r);
		return rc;
	}
	r->msg[0] = 0;
	*rp = r;
	return 0;
}

#else /* !REMOTE_ARCH_SUPPORTED */

int remote_open(struct remote **rp, pid_t pid, char *err, size_t errlen)
{
	int rc;

	*rp = NULL;
	rc = refuse(pid, err, errlen);
	if (rc)
		return rc;
	snprintf(err, errlen,
		 "reading another process's KVM state by ptrace is only implemented for x86_64");
	return -ENOTSUP;
}

/* Never called: remote_open() gives no struct remote here. */
const uint8_t remote_arch_insn[] = { 0 };
const size_t remote_arch_insn_len = 1;
const uint32_t remote_arch_audit = 0;

int remote_arch_getregs(pid_t tid, union remote_regs *regs)
{
	(void)tid;
	(void)regs;
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
	snprintf(err, errlen, "not supported on this architecture");
	return -ENOTSUP;
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

#endif /* REMOTE_ARCH_SUPPORTED */
