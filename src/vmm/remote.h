/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running syscalls inside another, uncooperative process (a VMM), so that
 * its KVM fds can be read: KVM refuses ioctls from any process but the one
 * whose mm created the VM (-EIO).
 *
 * remote_open() seizes every thread of the process with ptrace and stops
 * them all (so no vCPU holds its vcpu->mutex and nothing changes under the
 * snapshot), picks one thread, the executor, and from then on each
 * remote_syscall() makes the executor run one syscall instruction (found in
 * its [vdso]) with the registers we choose. remote_close() undoes everything:
 * unmaps the scratch area, puts the executor's registers and signal mask back
 * at a point where the kernel's syscall-restart logic still runs on them,
 * hands back every signal that arrived meanwhile, and detaches.
 *
 * What the stopped process sees afterwards:
 *  - a thread that was blocked in a restartable syscall (read, futex wait,
 *    ppoll, nanosleep, ...) carries on as if nothing happened: the syscall is
 *    restarted exactly as after a signal without a handler;
 *  - a vCPU thread in KVM_RUN gets -EINTR (KVM_EXIT_INTR), as on any signal;
 *    VMMs handle that (QEMU does) and it is not hidden;
 *  - signals sent while it was stopped are delivered after, each once, with
 *    their original siginfo;
 *  - a process that was stopped (SIGSTOP) stays stopped.
 *
 * Safety rules kept here:
 *  - refused: ourselves (or a process that traces us), a pid that does not
 *    exist, a zombie, a process already traced (a debugger), a process of
 *    another word size than ours (a 32-bit one on x86_64), one whose seccomp filter would not allow the syscalls we
 *    inject (the filter is read with PTRACE_SECCOMP_GET_FILTER and run here
 *    on each syscall before it is injected: a filter that kills the process
 *    on a syscall it does not expect must never see one), and any
 *    architecture without a part here: x86_64 and 32-bit PowerPC have
 *    one (-ENOTSUP);
 *  - remote_write() writes only inside the scratch area we mapped;
 *  - any failure in remote_open() undoes everything done so far;
 *  - the calling thread blocks SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP,
 *    SIGTTIN and SIGTTOU from remote_open() to remote_close(), so that a
 *    Ctrl-C cannot kill us while the executor runs our registers (the
 *    kernel would then detach it in that state). A crash of this process
 *    in that window still would: keep the window short.
 *  - a process with a thread in an uninterruptible sleep (I/O, a vfork
 *    parent), which ptrace cannot stop, is refused (-EAGAIN) before anything
 *    is touched, unless it leaves it within REMOTE_D_WAIT_MS;
 *  - every wait has a deadline: a thread that still does not stop within
 *    REMOTE_STOP_TIMEOUT_MS makes remote_open() fail (-ETIMEDOUT) and is
 *    released as described at REMOTE_STRAGGLER_TIMEOUT_MS; one that never
 *    stops stays attached, and would stop if it ever woke, until this
 *    process exits (the kernel then detaches it); an injected syscall that
 *    does not return within REMOTE_SYSCALL_TIMEOUT_MS is interrupted and
 *    fails with -ETIMEDOUT.
 *
 * Every ptrace request must come from the thread that attached: call
 * remote_open(), remote_syscall() ... remote_close() from one thread.
 * Not thread-safe.
 */
#ifndef KVMIRQ_REMOTE_H
#define KVMIRQ_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* An attached process, all of its threads stopped. */
struct remote;

struct remote_stats {
	uint64_t stopped_ns;	      /* first PTRACE_INTERRUPT to the last detach of a
				       * stopped thread (CLOCK_MONOTONIC) */
	uint64_t all_stopped_at_ns;   /* CLOCK_MONOTONIC when every thread was stopped:
				       * the process's own syscalls all ended before */
	uint64_t resumed_at_ns;	      /* CLOCK_MONOTONIC just before the first thread was
				       * let go: its own syscalls begin after */
	unsigned threads;	      /* threads stopped */
	uint64_t syscalls;	      /* syscalls injected, ours (mmap, munmap, ...) included */
	unsigned signals_redelivered; /* signals held while stopped, then passed on */
};

/* The scratch area remote_open() maps in the process (RW, private, anonymous). */
#define REMOTE_SCRATCH_SIZE (64 * 1024)
/* How long a thread may take to stop, and an injected syscall to return. */
#define REMOTE_STOP_TIMEOUT_MS 1000
#define REMOTE_SYSCALL_TIMEOUT_MS 1000
/* A thread that did not stop in time (it went into an uninterruptible sleep
 * as we stopped the others) stays seized with our stop request pending: the
 * others are let go at once, and it is waited for this long more, to be let
 * go too as soon as it stops. */
#define REMOTE_STRAGGLER_TIMEOUT_MS 10000
/* Before stopping anything: how long to wait for no thread to be in an
 * uninterruptible sleep ('D': I/O, a vfork parent), else -EAGAIN. */
#define REMOTE_D_WAIT_MS 500

/*
 * Seize every thread of process PID (PTRACE_SEIZE, PTRACE_INTERRUPT), wait
 * until all are stopped (re-reading /proc/PID/task until no thread appears
 * that is not stopped), pick the executor (the main thread, unless it has
 * exited and left the others running), find a syscall instruction in its
 * [vdso], save its registers, map the scratch area and block every signal in
 * the executor (restored by remote_close()).
 * Returns 0 and *RP, or -errno with a message in ERR and nothing left behind:
 * -EINVAL (ourselves, our tracer, not a process id but a thread id), -ESRCH
 * (no such process, a zombie), -EBUSY (already traced), -EPERM (no right to
 * ptrace it, or its seccomp filter), -ENOTSUP (no architecture part, another word size),
 * -EAGAIN (a thread in an uninterruptible sleep: try again), -ETIMEDOUT (a
 * thread that does not stop).
 */
int remote_open(struct remote **rp, pid_t pid, char *err, size_t errlen);

/*
 * Run syscall NR with ARGS (NULL: all 0) in the executor. Returns its result,
 * or -errno: the syscall's own error, -EPERM without running it when the
 * process's seccomp filter would not allow it, -ETIMEDOUT, -ESRCH (the
 * process died). remote_error() then says more.
 */
long remote_syscall(struct remote *r, long nr, const long args[6]);

/* The scratch area's address in the process, and its length in *LEN (may be NULL). */
uint64_t remote_scratch(const struct remote *r, size_t *len);

/* Copy LEN bytes from BUF to ADDR in the process. Only inside the scratch
 * area: anything else is -EFAULT (we never write the VMM's own memory).
 * 0 or -errno. */
int remote_write(struct remote *r, uint64_t addr, const void *buf, size_t len);

/* Copy LEN bytes at ADDR in the process into BUF (any readable address). 0 or -errno. */
int remote_read(struct remote *r, uint64_t addr, void *buf, size_t len);

/*
 * ioctl(FD, CMD, scratch) in the executor, with the LEN bytes of BUF copied
 * into the scratch area before and, when the ioctl succeeds, back into BUF
 * after. LEN 0 passes the scratch address with nothing copied. Returns the
 * ioctl's result or -errno (-E2BIG: LEN larger than the scratch area).
 */
long remote_ioctl_buf(struct remote *r, int fd, unsigned long cmd, void *buf, size_t len);

/* The executor's thread id (the process id unless its main thread had exited). */
pid_t remote_executor(const struct remote *r);

/* The last failure's message, "" when none. */
const char *remote_error(const struct remote *r);

/*
 * Whether PID is on its way out: gone, a zombie, or flagged PF_EXITING. The
 * kernel sets that flag before it drops the memory map and closes the fds,
 * so for a moment a VMM shutting down shows neither while it still exists:
 * it is then "exiting", not "not a KVM VMM" or "no syscall instruction".
 */
bool remote_process_exiting(pid_t pid);

/*
 * Undo remote_open(): unmap the scratch area, put the executor's registers and
 * signal mask back, hand back the signals that arrived while it was stopped,
 * detach every thread, free R. Fills ST (may be NULL). Does all it can even
 * after a failure; returns 0, or the first -errno with a message in ERR
 * (-ESRCH: the process died while stopped, e.g. by SIGKILL).
 */
int remote_close(struct remote *r, struct remote_stats *st, char *err, size_t errlen);

/*
 * The architecture part this build compiles (src/vmm/remote_<arch>.c): its
 * REMOTE_ARCH_<ARCH>, and REMOTE_ARCH_SUPPORTED. Without one,
 * remote_unsupported.c makes remote_open() answer -ENOTSUP.
 * -DREMOTE_NO_ARCH builds without one anywhere, to test that.
 */
#ifndef REMOTE_NO_ARCH
#if defined(__x86_64__)
#define REMOTE_ARCH_X86_64 1
#define REMOTE_ARCH_SUPPORTED 1
#elif defined(__powerpc__) && !defined(__powerpc64__)
#define REMOTE_ARCH_PPC32 1
#define REMOTE_ARCH_SUPPORTED 1
#elif defined(__aarch64__)
#define REMOTE_ARCH_ARM64 1
#define REMOTE_ARCH_SUPPORTED 1
#endif
#endif

#endif
