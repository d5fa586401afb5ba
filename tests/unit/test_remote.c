// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall injector (src/vmm/remote_*.c) and the VMM fd scanner, on
 * real processes with real ptrace: tests/snapshot/remote_target.c, whose
 * threads sit in nanosleep, read(), a futex wait, ppoll() or a busy loop,
 * attached to and let go again and again, and checked to carry on as if
 * nothing had happened. With /dev/kvm, also a real VM whose IOAPIC and LAPIC
 * are read from inside it.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "vmm/remote.h"
#include "vmm/vmm_fds.h"

#define IOAPIC_PIN 5
#define IOAPIC_ENTRY (0x45ull | (1ull << 15) | (1ull << 16) | (2ull << 56))

static char helper[PATH_MAX];

struct child {
	pid_t pid;
	int cmd, out, p3, p4, p5; /* our ends of its fds 0, 1, 3, 4, 5 */
	char buf[16384];
	size_t len;
	pid_t tid_reader, tid_poller;
	int vm_fd, vcpu_fd;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(void)
{
	return now_ns() / 1000000;
}

/* The next line from the child, within TIMEOUT_MS. 0, or -1. */
static int read_line(struct child *c, char *line, size_t size, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = { .fd = c->out, .events = POLLIN };
		ssize_t n;
		int left;

		if (nl) {
			size_t l = (size_t)(nl - c->buf);

			snprintf(line, size, "%.*s", (int)l, c->buf);
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return 0;
		}
		left = (int)(end - now_ms());
		if ((int64_t)(end - now_ms()) <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		n = read(c->out, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

/* Read lines until one starts with PREFIX. 0, or -1 (printed). */
static int expect(struct child *c, const char *prefix, char *line, size_t size)
{
	while (read_line(c, line, size, 5000) == 0) {
		if (!strncmp(line, prefix, strlen(prefix)))
			return 0;
		if (!strncmp(line, "FAIL", 4) || strstr(line, "ERR"))
			fprintf(stderr, "child: %s\n", line);
	}
	fprintf(stderr, "no \"%s\" line from child %d\n", prefix, (int)c->pid);
	return -1;
}

static void send_cmd(struct child *c, const char *s)
{
	if (write(c->cmd, s, strlen(s)) < 0)
		perror("write command");
}

/* One counter of a STATUS line; -1 when missing. */
static long field(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

static int get_status(struct child *c, char *line, size_t size)
{
	send_cmd(c, "status\n");
	return expect(c, "STATUS", line, size);
}

static int spawn(struct child *c, const char *mode)
{
	int in[2], out[2], p3[2], p4[2], p5[2];
	char line[512];

	memset(c, 0, sizeof(*c));
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(p3, O_CLOEXEC) ||
	    pipe2(p4, O_CLOEXEC) || pipe2(p5, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(p3[0], 3);
		dup2(p4[0], 4);
		dup2(p5[0], 5);
		execl(helper, helper, mode, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(p3[0]);
	close(p4[0]);
	close(p5[0]);
	c->cmd = in[1];
	c->out = out[0];
	c->p3 = p3[1];
	c->p4 = p4[1];
	c->p5 = p5[1];
	while (read_line(c, line, sizeof(line), 10000) == 0) {
		char name[32];
		int tid, a, b;

		if (sscanf(line, "TID %31s %d", name, &tid) == 2) {
			if (!strcmp(name, "reader"))
				c->tid_reader = tid;
			if (!strcmp(name, "poller"))
				c->tid_poller = tid;
		} else if (sscanf(line, "KVM vm=%d vcpu=%d", &a, &b) == 2) {
			c->vm_fd = a;
			c->vcpu_fd = b;
		} else if (!strncmp(line, "READY", 5)) {
			return 0;
		} else {
			fprintf(stderr, "child %s: %s\n", mode, line);
		}
	}
	fprintf(stderr, "child %s did not get ready\n", mode);
	return -1;
}

/* Ask it to exit; 0 when it exits with status 0. */
static int finish(struct child *c)
{
	int status = -1;
	uint64_t end = now_ms() + 5000;
	pid_t w = 0;

	send_cmd(c, "exit\n");
	while (now_ms() < end && (w = waitpid(c->pid, &status, WNOHANG)) == 0)
		usleep(1000);
	if (w == 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &status, 0);
	}
	close(c->cmd);
	close(c->out);
	close(c->p3);
	close(c->p4);
	close(c->p5);
	return w == c->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void send_rt(pid_t pid, pid_t tid, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN + 1;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	if (syscall(SYS_rt_tgsigqueueinfo, pid, tid, SIGRTMIN + 1, &si) < 0)
		perror("rt_tgsigqueueinfo");
}

/* Wait until the child has handled USR1 SIGUSR1s and RT real-time ones. */
static int wait_signals(struct child *c, long want_usr1, long want_rt, char *line, size_t size)
{
	uint64_t end = now_ms() + 3000;

	do {
		if (get_status(c, line, size))
			return -1;
		if (field(line, "usr1") >= want_usr1 && field(line, "rt") >= want_rt)
			return 0;
		usleep(2000);
	} while (now_ms() < end);
	return -1;
}

/*
 * CYCLES times: attach, run syscalls, detach, with signals sent before and
 * during some of them; then check that every thread of the child carried on.
 */
static void test_mode(const char *mode, int cycles)
{
	struct child c;
	char line[1024], err[256];
	uint64_t *stops = calloc((size_t)cycles, sizeof(*stops));
	static uint8_t pattern[16384], back[16384];
	long before_sleeps, before_busy, before_spawned, before_main;
	long sent_usr1 = 0, sent_rt = 0, last_rt = -1;
	unsigned redelivered = 0, min_threads = 1000;
	int i, done = 0;

	if (!stops || spawn(&c, mode)) {
		CHECK(!"child started");
		free(stops);
		return;
	}
	CHECK_EQ(write(c.p5, "1234567", 7), 7);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	before_sleeps = field(line, "sleeps");
	before_busy = field(line, "busy");
	before_spawned = field(line, "spawned");
	before_main = field(line, "main");

	for (i = 0; i < cycles; i++) {
		struct remote *r;
		struct remote_stats st;
		uint64_t before_close;
		long args[6] = { 0 };
		size_t len = 0;
		uint64_t scratch;
		int v = -1, rc, pre = i % 10 == 3, during = i % 10 == 7;
		size_t j;

		if (pre) {
			/* As we attach: handled before, or taken as we stop the thread
			 * (a signal-delivery-stop, given back at detach), or (main,
			 * the executor) held and given back. */
			syscall(SYS_tgkill, c.pid, c.tid_reader, SIGUSR1);
			syscall(SYS_tgkill, c.pid, c.tid_poller, SIGUSR1);
			syscall(SYS_tgkill, c.pid, c.pid, SIGUSR1);
			send_rt(c.pid, c.pid, 1000 + i);
			sent_usr1 += 3;
			sent_rt++;
			last_rt = 1000 + i;
		}
		rc = remote_open(&r, c.pid, err, sizeof(err));
		CHECK_EQ(rc, 0);
		if (rc) {
			fprintf(stderr, "%s cycle %d: remote_open: %s\n", mode, i, err);
			break;
		}
		CHECK_EQ(remote_executor(r), c.pid);
		CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), c.pid);
		CHECK_EQ(remote_syscall(r, SYS_gettid, args), c.pid);
		scratch = remote_scratch(r, &len);
		CHECK(scratch != 0 && len >= 16384);
		for (j = 0; j < sizeof(pattern); j++)
			pattern[j] = (uint8_t)(i * 7 + j * 13 + (j >> 8));
		memset(back, 0, sizeof(back));
		CHECK_EQ(remote_write(r, scratch, pattern, sizeof(pattern)), 0);
		CHECK_EQ(remote_read(r, scratch, back, sizeof(back)), 0);
		CHECK(!memcmp(pattern, back, sizeof(back)));
		if (i == 0) {
			/* never outside the scratch area */
			CHECK_EQ(remote_write(r, scratch + len - 4, pattern, 8), -EFAULT);
			CHECK_EQ(remote_write(r, scratch - 8, pattern, 8), -EFAULT);
			CHECK_EQ(remote_ioctl_buf(r, 5, FIONREAD, pattern, len + 1), -E2BIG);
			/* an fd it does not have */
			CHECK_EQ(remote_ioctl_buf(r, 999, FIONREAD, &v, sizeof(v)), -EBADF);
		}
		v = -1;
		CHECK_EQ(remote_ioctl_buf(r, 5, FIONREAD, &v, sizeof(v)), 0);
		CHECK_EQ(v, 7);
		if (during) {
			/* while stopped: process-wide, to a stopped non-executor
			 * thread, and a queued one with a value to the executor */
			kill(c.pid, SIGUSR1);
			syscall(SYS_tgkill, c.pid, c.tid_reader, SIGUSR1);
			send_rt(c.pid, c.pid, i);
			sent_usr1 += 2;
			sent_rt++;
			last_rt = i;
			CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), c.pid);
		}
		memset(&st, 0, sizeof(st));
		before_close = now_ns();
		rc = remote_close(r, &st, err, sizeof(err));
		CHECK_EQ(rc, 0);
		if (rc)
			fprintf(stderr, "%s cycle %d: remote_close: %s\n", mode, i, err);
		CHECK(st.stopped_ns > 0 && st.stopped_ns < 5000000000ull);
		/* the stopped window: every thread stopped, our syscalls, then the first let go */
		CHECK(st.all_stopped_at_ns > 0 && st.all_stopped_at_ns < before_close);
		CHECK(st.resumed_at_ns >= before_close && st.resumed_at_ns <= now_ns());
		CHECK(st.syscalls >= 5); /* mmap, getpid, gettid, ioctl, munmap */
		stops[done++] = st.stopped_ns;
		redelivered += st.signals_redelivered;
		if (st.threads < min_threads)
			min_threads = st.threads;
		if (pre || during) {
			/* each signal delivered once, before we attach again */
			CHECK(wait_signals(&c, sent_usr1, sent_rt, line, sizeof(line)) == 0);
			CHECK_EQ(field(line, "usr1"), sent_usr1);
			CHECK_EQ(field(line, "rt"), sent_rt);
			CHECK_EQ(field(line, "rtval"), last_rt);
			CHECK_EQ(field(line, "rtcode"), SI_QUEUE);
			CHECK_EQ(field(line, "rtpid"), getpid());
		}
	}
	/* main, sleeper, reader, waiter, poller, busy, spawner (+ control) */
	CHECK(min_threads >= 7);

	usleep(50000);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK(field(line, "sleeps") > before_sleeps);
	CHECK(field(line, "busy") > before_busy);
	CHECK(field(line, "spawned") > before_spawned);
	if (strcmp(mode, "read") && strcmp(mode, "ppoll") && strcmp(mode, "futex"))
		CHECK(field(line, "main") > before_main);
	CHECK_EQ(field(line, "sleep_err"), 0);
	CHECK_EQ(field(line, "read_err"), 0);
	CHECK_EQ(field(line, "read_eintr"), 0); /* SA_RESTART handlers: read() restarts */
	CHECK_EQ(field(line, "poll_err"), 0);
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(field(line, "busy_err"), 0);
	CHECK_EQ(field(line, "main_err"), 0);
	CHECK_EQ(field(line, "usr1"), sent_usr1);
	CHECK_EQ(field(line, "rt"), sent_rt);
	CHECK_EQ(field(line, "usr2"), 0);

	/* every blocked thread gets what it waited for */
	CHECK_EQ(write(c.p3, "hello", 5), 5);
	CHECK(expect(&c, "READ hello", line, sizeof(line)) == 0);
	CHECK_EQ(write(c.p4, "pp", 2), 2);
	CHECK(expect(&c, "POLL pp", line, sizeof(line)) == 0);
	send_cmd(&c, "wake\n");
	{
		/* the waiter's WOKE and, in futex mode, main's MAINWOKE: any order */
		int woke = 0, mainwoke = strcmp(mode, "futex") != 0;

		while ((!woke || !mainwoke) && read_line(&c, line, sizeof(line), 5000) == 0) {
			woke |= !strcmp(line, "WOKE 1");
			mainwoke |= !strcmp(line, "MAINWOKE 1");
		}
		CHECK(woke);
		CHECK(mainwoke);
	}
	/* SIGUSR2 is blocked but for the time of a ppoll(): it reaches the
	 * poller only there, and its mask is the real one again after */
	syscall(SYS_tgkill, c.pid, c.tid_poller, SIGUSR2);
	if (!strcmp(mode, "ppoll"))
		syscall(SYS_tgkill, c.pid, c.pid, SIGUSR2);
	usleep(20000);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK_EQ(field(line, "usr2"), strcmp(mode, "ppoll") ? 1 : 2);
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(field(line, "poll_err"), 0);
	CHECK_EQ(finish(&c), 0);

	if (done) {
		qsort(stops, (size_t)done, sizeof(*stops), cmp_u64);
		printf("%-6s %d attach/inject/detach cycles, %u+ threads: stopped median %.1f us, min %.1f us, max %.1f us; %u signals held and given back\n",
		       mode, done, min_threads, stops[done / 2] / 1000.0, stops[0] / 1000.0,
		       stops[done - 1] / 1000.0, redelivered);
	}
	free(stops);
}

static void test_refusals(void)
{
	struct remote *r = (struct remote *)1;
	struct snapshot_fd *fds = (struct snapshot_fd *)1;
	char err[256] = "", stat[64], line[1024];
	struct child c;
	size_t nr = 1;
	pid_t p;
	int status, i;

	/* ourselves */
	CHECK_EQ(remote_open(&r, getpid(), err, sizeof(err)), -EINVAL);
	CHECK(r == NULL);
	CHECK(strstr(err, "ourselves") != NULL);
	CHECK_EQ(remote_open(&r, 0, err, sizeof(err)), -EINVAL);
	CHECK_EQ(remote_open(&r, -5, err, sizeof(err)), -EINVAL);

	/* a pid that no longer exists */
	p = fork();
	if (!p)
		_exit(0);
	waitpid(p, &status, 0);
	CHECK_EQ(remote_open(&r, p, err, sizeof(err)), -ESRCH);
	CHECK(strstr(err, "no process") != NULL);
	CHECK_EQ(vmm_scan_fds(p, &fds, &nr, err, sizeof(err)), -ESRCH);
	CHECK(fds == NULL && nr == 0);

	/* a zombie */
	p = fork();
	if (!p)
		_exit(0);
	snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)p);
	for (i = 0; i < 1000; i++) {
		char buf[256] = "";
		FILE *f = fopen(stat, "r");

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = 0;
			fclose(f);
		}
		if (strstr(buf, ") Z "))
			break;
		usleep(1000);
	}
	CHECK_EQ(remote_open(&r, p, err, sizeof(err)), -ESRCH);
	CHECK(strstr(err, "zombie") != NULL);
	/* a VMM on its way out has closed its fds: exiting, not "not a VMM" */
	CHECK_EQ(vmm_scan_fds(p, &fds, &nr, err, sizeof(err)), -ESRCH);
	CHECK(strstr(err, "is exiting") != NULL);
	waitpid(p, &status, 0);

	if (spawn(&c, "read")) {
		CHECK(!"child started");
		return;
	}
	/* a thread id is not a process id */
	CHECK_EQ(remote_open(&r, c.tid_reader, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "is a thread of process") != NULL);

	/* not a KVM VMM */
	CHECK_EQ(vmm_scan_fds(c.pid, &fds, &nr, err, sizeof(err)), -ENOENT);
	CHECK(strstr(err, "has no KVM VM fd: not a KVM VMM") != NULL);

	/* already traced (by us here, by a debugger in real life) */
	CHECK_EQ(ptrace(PTRACE_SEIZE, c.pid, NULL, NULL), 0);
	CHECK_EQ(remote_open(&r, c.pid, err, sizeof(err)), -EBUSY);
	CHECK(strstr(err, "already traced") != NULL);
	CHECK_EQ(ptrace(PTRACE_INTERRUPT, c.pid, NULL, NULL), 0);
	CHECK_EQ(waitpid(c.pid, &status, __WALL), c.pid);
	CHECK_EQ(ptrace(PTRACE_DETACH, c.pid, NULL, NULL), 0);
	/* and after the debugger left, fine */
	CHECK_EQ(remote_open(&r, c.pid, err, sizeof(err)), 0);
	CHECK_EQ(remote_close(r, NULL, err, sizeof(err)), 0);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(finish(&c), 0);
}

/* A seccomp filter that kills on munmap: refused, untouched. One that kills
 * on reboot only: fine, and a reboot we ask for is refused, not injected. */
static void test_seccomp(void)
{
	struct remote *r;
	struct child c;
	char err[256], line[1024];
	long args[6] = { 0 };
	int rc;

	if (spawn(&c, "seccomp-deny")) {
		CHECK(!"child started");
		return;
	}
	rc = remote_open(&r, c.pid, err, sizeof(err));
	CHECK_EQ(rc, -EPERM);
	CHECK(strstr(err, "seccomp") != NULL);
	printf("seccomp-deny: refused: %s\n", err);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK_EQ(finish(&c), 0);

	if (spawn(&c, "seccomp-allow")) {
		CHECK(!"child started");
		return;
	}
	rc = remote_open(&r, c.pid, err, sizeof(err));
	if (rc == -EPERM && strstr(err, "cannot be read")) {
		/* a kernel without PTRACE_SECCOMP_GET_FILTER: refusing is right */
		printf("seccomp-allow: refused on this kernel: %s\n", err);
	} else {
		CHECK_EQ(rc, 0);
		if (!rc) {
			CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), c.pid);
			CHECK_EQ(remote_syscall(r, SYS_reboot, args), -EPERM);
			CHECK(strstr(remote_error(r), "seccomp") != NULL);
			CHECK_EQ(remote_close(r, NULL, err, sizeof(err)), 0);
		}
	}
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK_EQ(finish(&c), 0);
}

/* State letter of TID in process PID ('?' when unknown). */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], line[128];
	char st = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			sscanf(line + 6, " %c", &st);
	if (f)
		fclose(f);
	return st;
}

/*
 * A process stopped by SIGSTOP, with signals already pending for its main
 * thread: our first resume of the executor makes it dequeue them, always.
 * They must be held and given back with their siginfo, the process must
 * still be stopped after, and take them once on SIGCONT.
 */
static void test_stopped(void)
{
	struct remote_stats st;
	struct remote *r;
	struct child c;
	char err[256], line[1024];
	int i, rc;

	if (spawn(&c, "read")) {
		CHECK(!"child started");
		return;
	}
	kill(c.pid, SIGSTOP);
	for (i = 0; i < 1000 && task_state(c.pid, c.pid) != 'T'; i++)
		usleep(1000);
	CHECK_EQ(task_state(c.pid, c.pid), 'T');
	syscall(SYS_tgkill, c.pid, c.pid, SIGUSR1);
	send_rt(c.pid, c.pid, 4242);

	rc = remote_open(&r, c.pid, err, sizeof(err));
	CHECK_EQ(rc, 0);
	if (!rc) {
		CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), c.pid);
		memset(&st, 0, sizeof(st));
		CHECK_EQ(remote_close(r, &st, err, sizeof(err)), 0);
		CHECK(st.signals_redelivered >= 2); /* SIGUSR1 and the RT one */
	} else {
		fprintf(stderr, "stopped: remote_open: %s\n", err);
	}
	usleep(20000);
	/* still stopped, every thread of it */
	CHECK_EQ(task_state(c.pid, c.pid), 'T');
	CHECK_EQ(task_state(c.pid, c.tid_reader), 'T');
	kill(c.pid, SIGCONT);
	CHECK(wait_signals(&c, 1, 1, line, sizeof(line)) == 0);
	CHECK_EQ(field(line, "usr1"), 1);
	CHECK_EQ(field(line, "rt"), 1);
	CHECK_EQ(field(line, "rtval"), 4242);
	CHECK_EQ(field(line, "rtcode"), SI_QUEUE);
	CHECK_EQ(field(line, "rtpid"), getpid());
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(field(line, "read_err"), 0);
	CHECK_EQ(write(c.p3, "after-stop", 10), 10);
	CHECK(expect(&c, "READ after-stop", line, sizeof(line)) == 0);
	CHECK_EQ(finish(&c), 0);
}

/* SIGKILL while attached: errors, no hang, and its parent can reap it. */
static void test_killed(void)
{
	struct remote *r;
	struct child c;
	char err[256];
	int status = 0, rc;
	uint64_t t0;

	if (spawn(&c, "busy")) {
		CHECK(!"child started");
		return;
	}
	rc = remote_open(&r, c.pid, err, sizeof(err));
	CHECK_EQ(rc, 0);
	if (!rc) {
		CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), c.pid);
		kill(c.pid, SIGKILL);
		usleep(20000);
		CHECK_EQ(remote_syscall(r, SYS_getpid, NULL), -ESRCH);
		t0 = now_ms();
		CHECK_EQ(remote_close(r, NULL, err, sizeof(err)), -ESRCH);
		CHECK(now_ms() - t0 < 2000);
		CHECK(strstr(err, "died") != NULL);
	}
	CHECK_EQ(waitpid(c.pid, &status, 0), c.pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(c.cmd);
	close(c.out);
	close(c.p3);
	close(c.p4);
	close(c.p5);
}

/* No thread of PID traced (by us) any more, within 3 s. */
static int all_untraced(pid_t pid)
{
	uint64_t end = now_ms() + 3000;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	do {
		int traced = 0;
		struct dirent *e;
		DIR *d = opendir(path);

		if (!d)
			return -1;
		while ((e = readdir(d))) {
			char sp[384], l[128];
			FILE *f;

			if (e->d_name[0] == '.')
				continue;
			snprintf(sp, sizeof(sp), "%s/%s/status", path, e->d_name);
			f = fopen(sp, "r");
			while (f && fgets(l, sizeof(l), f))
				if (!strncmp(l, "TracerPid:", 10) && atoi(l + 10) != 0)
					traced++;
			if (f)
				fclose(f);
		}
		closedir(d);
		if (!traced)
			return 0;
		usleep(10000);
	} while (now_ms() < end);
	return -1;
}

/*
 * The main thread waits in vfork() for 6 s: an uninterruptible sleep,
 * where ptrace cannot stop it. Refused (-EAGAIN) without touching anything;
 * and when the check is skipped, remote_open() times out, lets every other
 * thread go at once and the main thread as soon as it stops.
 */
static void test_vfork(void)
{
	struct remote *r = NULL;
	struct child c;
	char err[256], line[1024];
	uint64_t t0, dt;
	int rc;

	if (spawn(&c, "vfork")) {
		CHECK(!"child started");
		return;
	}
	usleep(200000);
	CHECK_EQ(task_state(c.pid, c.pid), 'D');
	t0 = now_ms();
	rc = remote_open(&r, c.pid, err, sizeof(err));
	dt = now_ms() - t0;
	CHECK_EQ(rc, -EAGAIN);
	CHECK(strstr(err, "uninterruptible") != NULL);
	CHECK(dt >= REMOTE_D_WAIT_MS && dt < REMOTE_D_WAIT_MS + 1000);
	CHECK_EQ(all_untraced(c.pid), 0);

	setenv("KVMIRQ_REMOTE_NO_D_CHECK", "1", 1);
	t0 = now_ms();
	rc = remote_open(&r, c.pid, err, sizeof(err));
	dt = now_ms() - t0;
	unsetenv("KVMIRQ_REMOTE_NO_D_CHECK");
	CHECK_EQ(rc, -ETIMEDOUT);
	CHECK(strstr(err, "did not stop") != NULL);
	/* the stop timeout, then until the vfork child exits (6 s after it began) */
	CHECK(dt >= REMOTE_STOP_TIMEOUT_MS && dt < 6000 + 1000);
	printf("vfork: %s; remote_open returned after %llu ms\n", err, (unsigned long long)dt);
	CHECK_EQ(all_untraced(c.pid), 0);
	CHECK(expect(&c, "VFORKED 1", line, sizeof(line)) == 0);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(field(line, "sleep_err"), 0);
	CHECK_EQ(field(line, "read_err"), 0);
	CHECK_EQ(field(line, "busy_err"), 0);
	CHECK_EQ(finish(&c), 0);
}

static void test_kvm(void)
{
	struct snapshot_fd *fds = NULL;
	struct child c;
	char err[256], line[1024], name[64], path[128];
	size_t nr = 0;
	long intr_before;
	int i, rc;

	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("SKIP: no usable /dev/kvm ON THIS HOST ONLY (the rig tests cover it): the real-VM part of test_remote did not run\n");
		return;
	}
	if (spawn(&c, "kvm")) {
		CHECK(!"kvm child started");
		return;
	}
	CHECK(c.vm_fd > 2 && c.vcpu_fd > c.vm_fd);

	rc = vmm_scan_fds(c.pid, &fds, &nr, err, sizeof(err));
	CHECK_EQ(rc, 0);
	CHECK_EQ(nr, 2);
	if (!rc && nr == 2) {
		CHECK_EQ(fds[0].fd, c.vm_fd);
		CHECK_EQ(fds[0].kind, CHIP_FD_VM);
		CHECK_EQ(fds[0].vm, 1);
		CHECK(!strcmp(fds[0].name, "kvm-vm"));
		CHECK_EQ(fds[1].fd, c.vcpu_fd);
		CHECK_EQ(fds[1].kind, CHIP_FD_VCPU);
		CHECK_EQ(fds[1].vcpu_id, 0);
		CHECK_EQ(fds[1].vm, 1);
		CHECK(!strcmp(fds[1].name, "kvm-vcpu:0"));
	}
	free(fds);
	vmm_vm_name(c.pid, c.vm_fd, name, sizeof(name));
	snprintf(path, sizeof(path), "%d-%d", (int)c.pid, c.vm_fd);
	CHECK(!strcmp(name, path));
	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s", name);
	if (!access("/sys/kernel/debug/kvm", F_OK))
		CHECK(access(path, F_OK) == 0); /* KVM's own name for it */

	/* from here, with a copy of its VM fd, KVM says no: why we inject */
	{
		int pidfd = (int)syscall(SYS_pidfd_open, c.pid, 0);
		int fd = pidfd >= 0 ? (int)syscall(SYS_pidfd_getfd, pidfd, c.vm_fd, 0) : -1;

		if (fd >= 0) {
			struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };

			CHECK_EQ(ioctl(fd, KVM_GET_IRQCHIP, &chip), -1);
			CHECK_EQ(errno, EIO);
			close(fd);
		}
		if (pidfd >= 0)
			close(pidfd);
	}

	CHECK(get_status(&c, line, sizeof(line)) == 0);
	intr_before = field(line, "intr");
	usleep(20000); /* the vCPU thread into KVM_RUN, halted */
	for (i = 0; i < 20; i++) {
		struct kvm_irqchip chip;
		struct kvm_lapic_state lapic;
		struct remote_stats st;
		struct remote *r;
		uint32_t reg;

		rc = remote_open(&r, c.pid, err, sizeof(err));
		CHECK_EQ(rc, 0);
		if (rc) {
			fprintf(stderr, "kvm: remote_open: %s\n", err);
			break;
		}
		memset(&chip, 0xff, sizeof(chip));
		chip.chip_id = KVM_IRQCHIP_IOAPIC;
		CHECK_EQ(remote_ioctl_buf(r, c.vm_fd, KVM_GET_IRQCHIP, &chip, sizeof(chip)), 0);
		CHECK_EQ(chip.chip_id, KVM_IRQCHIP_IOAPIC);
		CHECK_EQ(chip.chip.ioapic.redirtbl[IOAPIC_PIN].bits, IOAPIC_ENTRY);
		CHECK_EQ(chip.chip.ioapic.redirtbl[IOAPIC_PIN].fields.vector, 0x45);
		/* the vCPU was in KVM_RUN: stopped, it holds no vcpu->mutex */
		memset(&lapic, 0xff, sizeof(lapic));
		CHECK_EQ(remote_ioctl_buf(r, c.vcpu_fd, KVM_GET_LAPIC, &lapic, sizeof(lapic)), 0);
		memcpy(&reg, lapic.regs + 0x20, 4);
		CHECK_EQ(reg >> 24, 0); /* APIC ID of vCPU 0 */
		memcpy(&reg, lapic.regs + 0x30, 4);
		CHECK_EQ(reg & 0xff, 0x14); /* KVM's APIC version */
		rc = remote_close(r, &st, err, sizeof(err));
		CHECK_EQ(rc, 0);
		CHECK(st.threads >= 2);
		if (i == 0)
			printf("kvm: IOAPIC pin %d = %#llx read from inside process %d; stopped %.1f us, %u threads\n",
			       IOAPIC_PIN, (unsigned long long)chip.chip.ioapic.redirtbl[IOAPIC_PIN].bits,
			       (int)c.pid, st.stopped_ns / 1000.0, st.threads);
		usleep(2000);
	}
	usleep(20000);
	CHECK(get_status(&c, line, sizeof(line)) == 0);
	/* KVM_RUN came back with EINTR (KVM_EXIT_INTR) and went on: normal */
	CHECK(field(line, "intr") > intr_before);
	CHECK_EQ(field(line, "kvm_err"), 0);
	CHECK_EQ(field(line, "main_err"), 0);
	CHECK_EQ(field(line, "mask_err"), 0);
	CHECK_EQ(finish(&c), 0);
}

int main(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	signal(SIGPIPE, SIG_IGN);
	if (n <= 0)
		return 1;
	self[n] = 0;
	snprintf(helper, sizeof(helper), "%s/helpers/remote_target", dirname(self));
	if (access(helper, X_OK)) {
		fprintf(stderr, "no %s: build it with make tests\n", helper);
		CHECK(!"helper present");
		return check_done();
	}
#ifndef REMOTE_ARCH_SUPPORTED
	{
		struct remote *r;
		char err[256];
		struct child c;

		if (!spawn(&c, "read")) {
			CHECK_EQ(remote_open(&r, c.pid, err, sizeof(err)), -ENOTSUP);
			CHECK(strstr(err, "x86_64") != NULL);
			CHECK_EQ(finish(&c), 0);
		}
		return check_done();
	}
#endif
	test_refusals();
	test_seccomp();
	test_stopped();
	test_killed();
	test_vfork();
	test_mode("read", 100);
	test_mode("ppoll", 100);
	test_mode("busy", 100);
	test_mode("sleep", 100);
	test_mode("futex", 100);
	test_kvm();
	return check_done();
}
