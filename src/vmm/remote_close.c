// SPDX-License-Identifier: GPL-2.0
/*
 * Putting everything back (remote_close(), and the undo of a failed
 * remote_open()): the scratch area unmapped, the held signals requeued, the
 * executor's registers and signal mask restored where the kernel's
 * syscall-restart logic still runs on them, every thread detached.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/remote_internal.h"

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
 * The registers meanwhile say "no syscall", at our syscall instruction
 * loaded for getpid: should the thread ever reach user space, it would stop
 * at that syscall's entry rather than run on.
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
		rc = remote_wait_tid(tid, &status, deadline);
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
			remote_hold_current(r, tid, WSTOPSIG(status));
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
		    !remote_seccomp_allows(r, SYS_rt_tgsigqueueinfo, args) ||
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
		while (remote_wait_tid(t->tid, &status, deadline) == 0 && !WIFEXITED(status) &&
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
			if (remote_wait_tid(t->tid, &status, deadline) ||
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

int remote_teardown(struct remote *r)
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
				long ret = remote_seccomp_allows(r, SYS_munmap, args)
						   ? remote_syscall(r, SYS_munmap, args)
						   : -EPERM;

				if (ret < 0 && !first) {
					first = (int)ret;
					remote_seterr(r, "munmap of the scratch area in process %d: %s",
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
				remote_seterr(r, "could not bring thread %d back to a signal stop: %s",
					      (int)ex->tid, strerror(-rc));
			}
		}
		if (!r->dead) {
			/* the saved registers last, then the mask (see the top) */
			rc = remote_arch_setregs(ex->tid, &r->saved);
			if (rc && !first) {
				first = rc;
				remote_seterr(r, "restoring the registers of thread %d: %s", (int)ex->tid,
					      strerror(-rc));
			}
			if (r->mask_saved &&
			    ptrace(PTRACE_SETSIGMASK, ex->tid, (void *)sizeof(ksigset_t),
				   &r->saved_mask) < 0 &&
			    !first) {
				first = -errno;
				remote_seterr(r, "restoring the signal mask of thread %d: %s", (int)ex->tid,
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
	fifo = remote_boost(&old_policy, &old_param);
	if (r->t_first)
		r->t_resumed = now_ns();
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
	remote_unboost(&fifo, old_policy, &old_param);
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
			remote_seterr(r, "process %d died while stopped", (int)r->pid);
		}
	}
	return first;
}

void remote_free(struct remote *r)
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
	rc = remote_teardown(r);
	r->stats.stopped_ns = r->t_first ? r->t_last - r->t_first : 0;
	r->stats.all_stopped_at_ns = r->t_all_stopped;
	r->stats.resumed_at_ns = r->t_resumed;
	if (st)
		*st = r->stats;
	if (rc && err && errlen)
		snprintf(err, errlen, "%s", r->msg);
	remote_free(r);
	return rc;
}
