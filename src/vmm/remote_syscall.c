// SPDX-License-Identifier: GPL-2.0
/*
 * One syscall run in the executor: our registers in, PTRACE_SYSCALL to its
 * entry and exit stops, the result out (see remote_internal.h for the
 * executor's life in ptrace stops).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vmm/remote_internal.h"

/* Kernel-internal "restart me" results a stopped thread can show in its
 * result register (include/linux/errno.h). */
#define K_ERESTARTSYS 512
#define K_ERESTARTNOINTR 513
#define K_ERESTARTNOHAND 514
#define K_ERESTART_RESTARTBLOCK 516

static bool is_restart(long v)
{
	return v == -K_ERESTARTSYS || v == -K_ERESTARTNOINTR || v == -K_ERESTARTNOHAND ||
	       v == -K_ERESTART_RESTARTBLOCK;
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
	if (remote_hold_signal(r, &r->initial_info))
		remote_seterr(r, "out of memory: signal %d lost", sig);
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
		remote_seterr(r, "setting the executor's registers: %s", strerror(-rc));
		return r->dead ? -ESRCH : rc;
	}
	sig = first_resume_sig(r);
	r->at_syscall_stop = false;
	if (ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig) < 0) {
		rc = -errno;
		r->dead = rc == -ESRCH;
		r->broken = true;
		remote_seterr(r, "PTRACE_SYSCALL: %s", strerror(-rc));
		return r->dead ? -ESRCH : rc;
	}
	deadline = deadline_ms(REMOTE_SYSCALL_TIMEOUT_MS);
	for (;;) {
		int pass = 0;

		rc = remote_wait_tid(tid, &status, deadline);
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
			remote_seterr(r, "syscall %ld in thread %d did not return, even when interrupted", nr,
				      (int)tid);
			return -ETIMEDOUT;
		}
		if (rc < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
			r->dead = true;
			ex->state = T_GONE;
			remote_seterr(r, "process %d died while stopped", (int)r->pid);
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			rc = remote_arch_getregs(tid, &regs);
			if (rc) {
				r->broken = true;
				remote_seterr(r, "reading the executor's registers: %s", strerror(-rc));
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
				remote_seterr(r, "thread %d entered syscall %ld at %#llx, not ours (%ld)",
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
				remote_seterr(r, "syscall %ld in thread %d timed out before it started", nr,
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
			remote_hold_current(r, tid, WSTOPSIG(status));
		}
		if (ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)pass) < 0) {
			rc = -errno;
			r->dead = rc == -ESRCH;
			r->broken = true;
			remote_seterr(r, "resuming thread %d: %s", (int)tid, strerror(-rc));
			return r->dead ? -ESRCH : rc;
		}
	}
	if (interrupted && (is_restart(remote_arch_result(&regs)) || remote_arch_result(&regs) == -EINTR)) {
		remote_seterr(r, "syscall %ld in thread %d did not return within %d ms: interrupted", nr,
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
	if (!remote_seccomp_allows(r, nr, args)) {
		remote_seterr(r, "the seccomp filter of process %d would not allow syscall %ld: not run",
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
