// SPDX-License-Identifier: GPL-2.0
/*
 * Every thread of the process seized and stopped, and waited for with a
 * deadline; the signals the executor dequeues meanwhile, held to be put
 * back at remote_close().
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/remote_internal.h"

int remote_read_status(pid_t pid, pid_t tid, struct remote_status *ps)
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

bool remote_boost(int *policy, struct sched_param *param)
{
	struct sched_param fifo = { .sched_priority = 1 };

	*policy = sched_getscheduler(0);
	if (*policy != SCHED_OTHER || sched_getparam(0, param))
		return false;
	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) == 0;
}

void remote_unboost(bool *fifo, int policy, const struct sched_param *param)
{
	if (*fifo)
		sched_setscheduler(0, policy, param);
	*fifo = false;
}

/*
 * Wait for TID's next ptrace event until DEADLINE (CLOCK_MONOTONIC ns).
 * Polls (WNOHANG) so a thread that never stops cannot hang us: a few
 * sched_yield()s first (a stop usually comes within microseconds), then
 * sleeps growing to 1 ms. 0 with *STATUS, -ETIMEDOUT, or -errno (ECHILD:
 * not ours any more).
 */
int remote_wait_tid(pid_t tid, int *status, uint64_t deadline)
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

int remote_hold_signal(struct remote *r, const siginfo_t *si)
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
void remote_hold_current(struct remote *r, pid_t tid, int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0) {
		si.si_signo = sig;
		si.si_code = SI_KERNEL;
	}
	if (remote_hold_signal(r, &si))
		remote_seterr(r, "out of memory: signal %d to thread %d lost", sig, (int)tid);
}

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
	struct remote_status ts;

	if (!remote_read_status(pid, tid, &ts))
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
		rc = remote_wait_tid(t->tid, &status, deadline);
		if (rc == -ETIMEDOUT) {
			char what[96];

			thread_comm(r->pid, t->tid, what, sizeof(what));
			remote_seterr(r,
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
int remote_wait_not_uninterruptible(struct remote *r)
{
	uint64_t deadline = deadline_ms(REMOTE_D_WAIT_MS);
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
	for (;;) {
		pid_t stuck = 0;
		struct remote_status ts;
		struct dirent *e;
		DIR *d = opendir(path);

		if (!d)
			return 0; /* gone: remote_seize_all() says so */
		while (!stuck && (e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);

			if (tid > 0 && !remote_read_status(r->pid, tid, &ts) && ts.state == 'D')
				stuck = tid;
		}
		closedir(d);
		if (!stuck)
			return 0;
		if (now_ns() >= deadline) {
			remote_seterr(r,
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
int remote_seize_all(struct remote *r)
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
			remote_seterr(r, "process %d keeps creating threads", (int)r->pid);
			return -EAGAIN;
		}
		d = opendir(path);
		if (!d) {
			remote_seterr(r, "process %d exited", (int)r->pid);
			return -ESRCH;
		}
		/* not preempted by the threads still running while we stop them */
		fifo = remote_boost(&old_policy, &old_param);
		while ((e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);
			struct remote_status ts;
			int rc;

			if (tid <= 0 || find_thread(r, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD) < 0) {
				int e2 = errno;

				if (e2 == ESRCH)
					continue; /* exited meanwhile */
				if (e2 == EPERM && remote_read_status(r->pid, tid, &ts) == 0) {
					if (remote_dead_state(ts.state))
						continue; /* an exited thread (a zombie main thread) */
					if (ts.tracer && ts.tracer != getpid()) {
						remote_seterr(r,
							      "thread %d of process %d is already traced by process %d",
							      (int)tid, (int)r->pid, (int)ts.tracer);
						closedir(d);
						remote_unboost(&fifo, old_policy, &old_param);
						return -EBUSY;
					}
				} else if (e2 == EPERM) {
					continue; /* gone */
				}
				closedir(d);
				remote_unboost(&fifo, old_policy, &old_param);
				if (e2 == EPERM)
					remote_seterr(r,
						      "not permitted to ptrace process %d: it needs the same user and Yama's ptrace_scope allowing it, or CAP_SYS_PTRACE",
						      (int)r->pid);
				else
					remote_seterr(r, "PTRACE_SEIZE of thread %d: %s", (int)tid, strerror(e2));
				return -e2;
			}
			rc = add_thread(r, tid);
			if (rc) {
				/* seized but not stopped: cannot be detached; the interrupt
				 * makes it stop, and our detach-all releases it */
				ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
				closedir(d);
				remote_unboost(&fifo, old_policy, &old_param);
				remote_seterr(r, "out of memory");
				return rc;
			}
			if (!r->t_first)
				r->t_first = now_ns();
			ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
			added++;
		}
		closedir(d);
		remote_unboost(&fifo, old_policy, &old_param);
		deadline = deadline_ms(REMOTE_STOP_TIMEOUT_MS);
		for (i = 0; i < r->nr_threads; i++) {
			int rc = wait_stopped(r, &r->threads[i], deadline);

			if (rc)
				return rc;
		}
		if (!added)
			break;
	}
	if (!r->t_all_stopped)
		r->t_all_stopped = now_ns();
	return 0;
}
