// SPDX-License-Identifier: GPL-2.0
/*
 * remote_open(): the refusal rules, the syscall instruction found, every
 * thread stopped (remote_threads.c), and the executor chosen and prepared:
 * registers saved, seccomp filters read, scratch area mapped, signals
 * blocked. The rest of the injector is listed in remote_internal.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/remote_internal.h"

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
		struct remote_status ts;
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid > 0 && !remote_read_status(pid, tid, &ts) && !remote_dead_state(ts.state))
			live = true;
	}
	closedir(d);
	return live;
}

static int refuse(pid_t pid, char *err, size_t errlen)
{
	struct remote_status ps, self;
	int rc;

	if (pid <= 0) {
		snprintf(err, errlen, "%d is not a process id", (int)pid);
		return -EINVAL;
	}
	if (pid == getpid()) {
		snprintf(err, errlen, "process %d is ourselves", (int)pid);
		return -EINVAL;
	}
	rc = remote_read_status(pid, 0, &ps);
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
	if (!remote_read_status(getpid(), 0, &self) && self.tracer == pid) {
		snprintf(err, errlen, "process %d traces us", (int)pid);
		return -EINVAL;
	}
	if (remote_dead_state(ps.state) && !has_live_thread(pid)) {
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

/* Find the syscall instruction, at an address aligned as it must be: in
 * [vdso] first (its fallback paths make syscalls), else in any executable
 * file mapping. */
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

			remote_seterr(r, "cannot read %s: %s", path, strerror(e));
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
					if ((at + i) % remote_arch_insn_align == 0 &&
					    !memcmp(buf + i, remote_arch_insn, remote_arch_insn_len)) {
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
	remote_seterr(r, "no syscall instruction found in the executable mappings of process %d",
		      (int)r->pid);
	return -ENOEXEC;
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
		struct remote_status ts;

		if (r->threads[i].state != T_STOPPED ||
		    remote_arch_getregs(r->threads[i].tid, &r->saved) ||
		    !remote_arch_pc(&r->saved) || remote_read_status(r->pid, r->threads[i].tid, &ts) ||
		    !strncmp(ts.name, "iou-", 4) || !strncmp(ts.name, "vhost-", 6))
			continue;
		r->exec = i;
	}
	if (r->exec == r->nr_threads) {
		remote_seterr(r, "process %d has no thread left that runs user code", (int)r->pid);
		return -ESRCH;
	}
	ex = &r->threads[r->exec];
	rc = remote_arch_getregs(ex->tid, &r->saved);
	if (rc) {
		remote_seterr(r, "reading the registers of thread %d: %s", (int)ex->tid, strerror(-rc));
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
	rc = remote_load_seccomp(r, ex->tid);
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

		if (!remote_seccomp_allows(r, SYS_mmap, args) || !remote_seccomp_allows(r, SYS_munmap, unmap)) {
			remote_seterr(r,
				      "the seccomp filter of process %d would not allow the mmap and munmap kvmirq injects: not touching it",
				      (int)r->pid);
			return -EPERM;
		}
	}
	ret = remote_syscall(r, SYS_mmap, args);
	if (ret < 0 && ret > -4096) {
		if (!r->dead && !r->broken)
			remote_seterr(r, "mmap of a scratch area in process %d: %s", (int)r->pid,
				      strerror((int)-ret));
		return (int)ret;
	}
	r->scratch = (uint64_t)(unsigned long)ret; /* a 32-bit address may be "negative" */
	r->scratch_len = REMOTE_SCRATCH_SIZE;

	/* The signal mask. A thread stopped in ppoll/pselect/sigsuspend runs
	 * with that call's temporary mask, the real one kept aside to restore;
	 * PTRACE_GETSIGMASK gives the real one then, and anyway our first resume
	 * went through restore_saved_sigmask(): the real mask is what goes back
	 * (the restarted call sets its temporary mask again itself). */
	if (ptrace(PTRACE_GETSIGMASK, ex->tid, (void *)sizeof(ksigset_t), &r->saved_mask) < 0) {
		remote_seterr(r, "PTRACE_GETSIGMASK of thread %d: %s", (int)ex->tid, strerror(errno));
		return -errno;
	}
	r->mask_saved = true;
	/* Every signal blocked while we work: they wait in their queues (only
	 * SIGKILL and SIGSTOP get through), and are delivered after. */
	if (ptrace(PTRACE_SETSIGMASK, ex->tid, (void *)sizeof(ksigset_t), &all) < 0) {
		remote_seterr(r, "PTRACE_SETSIGMASK of thread %d: %s", (int)ex->tid, strerror(errno));
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
	if (!rc)
		rc = remote_arch_supported(err, errlen);
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
		remote_free(r);
		return rc == -EACCES ? -EPERM : rc == -ENOENT ? -ESRCH : rc;
	}
	/* before stopping anything: the vDSO does not move */
	rc = find_insn(r);
	if (rc == -ENOEXEC && remote_process_exiting(pid)) {
		/* its memory map is gone before it is: say so, not "no syscall" */
		snprintf(err, errlen, "process %d is exiting", (int)pid);
		rc = -ESRCH;
	} else if (rc) {
		snprintf(err, errlen, "%s", r->msg);
	}
	if (rc) {
		remote_free(r);
		return rc;
	}
	/* (the variable is for tests/unit/test_remote.c, to reach the path
	 * of a thread that does not stop) */
	rc = getenv("KVMIRQ_REMOTE_NO_D_CHECK") ? 0 : remote_wait_not_uninterruptible(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->msg);
		remote_free(r);
		return rc;
	}
	block_caller_signals(r);
	rc = remote_seize_all(r);
	if (!rc)
		rc = open_stopped(r);
	if (rc) {
		snprintf(err, errlen, "%s", r->msg);
		remote_teardown(r);
		remote_free(r);
		return rc;
	}
	r->msg[0] = 0;
	*rp = r;
	return 0;
}
