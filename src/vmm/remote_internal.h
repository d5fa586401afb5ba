/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall injector's shared state (remote.h is its interface), private
 * to its files in src/vmm:
 *
 *   remote_open.c      refusal rules, the executor chosen and prepared
 *   remote_error.c     the error message, which every part below reports to
 *   remote_threads.c   seizing and stopping every thread, waiting, held signals
 *   remote_seccomp.c   the process's seccomp filters, run here
 *   remote_syscall.c   one syscall run in the executor
 *   remote_memory.c    reading the process, writing its scratch area
 *   remote_close.c     putting everything back
 *   remote_<arch>.c    the architecture's part (remote_arch.h)
 *
 * Calls go one way: open -> close -> syscall -> seccomp -> threads, and
 * every part -> memory, error.
 *
 * The executor's life, in ptrace stops:
 *
 *   initial stop          PTRACE_EVENT_STOP from our PTRACE_INTERRUPT (or a
 *   (inside get_signal)   signal-delivery-stop, or a group-stop): registers
 *                         saved as they are, the interrupted syscall's
 *                         number and result included
 *   for each syscall      registers := ours (in no syscall), PTRACE_SYSCALL,
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
#ifndef KVMIRQ_REMOTE_INTERNAL_H
#define KVMIRQ_REMOTE_INTERNAL_H

#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vmm/remote.h"
#include "vmm/remote_arch.h"

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

struct sock_filter;

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
	uint64_t t_first, t_last, t_all_stopped, t_resumed;
	struct remote_stats stats;
	char msg[256];
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t deadline_ms(unsigned ms)
{
	return now_ns() + (uint64_t)ms * 1000000u;
}

/* remote_error.c */
/* The message remote_error() returns. */
__attribute__((format(printf, 2, 3))) void remote_seterr(struct remote *r, const char *fmt, ...);

/* remote_threads.c */
struct remote_status {
	char state;
	pid_t tgid;
	pid_t tracer;
	int seccomp;
	char name[64];
};

/* /proc/PID/status, or /proc/PID/task/TID/status when TID. 0 or -errno. */
int remote_read_status(pid_t pid, pid_t tid, struct remote_status *ps);

static inline bool remote_dead_state(char s)
{
	return s == 'Z' || s == 'X' || s == 'x';
}

/* This thread to SCHED_FIFO, lowest priority, if it runs SCHED_OTHER and is
 * allowed to; true when done (then *POLICY and *PARAM are the old ones). */
bool remote_boost(int *policy, struct sched_param *param);
void remote_unboost(bool *fifo, int policy, const struct sched_param *param);
/* TID's next ptrace event until DEADLINE (CLOCK_MONOTONIC ns): 0 with
 * *STATUS, -ETIMEDOUT, or -errno (ECHILD: not ours any more). */
int remote_wait_tid(pid_t tid, int *status, uint64_t deadline);
/* Wait up to REMOTE_D_WAIT_MS for no thread to be in an uninterruptible
 * sleep. 0, or -EAGAIN naming one. */
int remote_wait_not_uninterruptible(struct remote *r);
/* Seize and stop every thread of the process. 0 or -errno. */
int remote_seize_all(struct remote *r);
/* Keep SI, to put back at remote_close(). 0 or -ENOMEM. */
int remote_hold_signal(struct remote *r, const siginfo_t *si);
/* The executor TID is in a signal-delivery-stop for SIG, about to be
 * resumed with no signal: hold SIG with its siginfo. */
void remote_hold_current(struct remote *r, pid_t tid, int sig);

/* remote_seccomp.c */
/* Read the seccomp filters of thread TID. 0, or -EPERM (strict mode, or
 * filters we may not read), -ENOMEM. */
int remote_load_seccomp(struct remote *r, pid_t tid);
/* Would the kernel let the executor make syscall NR(ARGS) from our
 * instruction? */
bool remote_seccomp_allows(const struct remote *r, long nr, const long args[6]);

/* remote_close.c */
/* Everything remote_close() does; also the undo of a failed remote_open(). */
int remote_teardown(struct remote *r);
void remote_free(struct remote *r);

#endif
