// SPDX-License-Identifier: GPL-2.0
/*
 * The process tests/unit/test_remote.c attaches to with the syscall injector
 * (src/vmm/remote_*.c): threads that each sit in a different kind of wait,
 * or in none, and count anything that goes wrong for them.
 *
 *   remote_target MODE
 *
 * MODE is what the main thread, the injector's executor, does:
 *   read    blocks in read() on fd 0 (the commands)
 *   ppoll   blocks in ppoll() on fd 0, with a temporary mask that lets
 *           SIGUSR2 in (blocked otherwise), and checks the mask after
 *   busy    the register check below, in a loop
 *   sleep   clock_nanosleep() in a loop, checking the time slept
 *   futex   pthread_cond_wait(), woken by the "wake" command
 *   kvm     a KVM VM with an in-kernel irqchip, one vCPU in KVM_RUN (halted),
 *           a known IOAPIC redirection entry; commands on fd 0
 *   vfork   vfork()s a child that sleeps 6 s: main spends that long in an
 *           uninterruptible sleep (D), where ptrace cannot stop it
 *   seccomp-deny   a seccomp filter that kills the process on munmap
 *   seccomp-allow  a seccomp filter that kills it on reboot only
 * In the first five, other threads: a sleeper (nanosleep), a reader (read()
 * on fd 3), a waiter (condition variable), a poller (ppoll() on fd 4, the
 * same temporary mask), a busy one (the register check), a spawner (creates
 * and joins short threads all the time) and, unless main reads fd 0 itself,
 * a command reader. fd 5 is a pipe nobody reads (for FIONREAD).
 *
 * Commands, one a line on fd 0: "status" (prints a STATUS line of counters),
 * "wake" (wakes the condition variable waiters), "exit". Output: lines on
 * fd 1, each written whole with one write().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <linux/audit.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IOAPIC_PIN 5
/* vector 0x45, level-triggered, masked, destination 2 */
#define IOAPIC_ENTRY (0x45ull | (1ull << 15) | (1ull << 16) | (2ull << 56))

static unsigned long sleeps, sleep_err, read_err, read_eintr, poll_err, mask_err, busy, busy_err;
static unsigned long main_iters, main_err, spawned, kvm_runs, kvm_intr, kvm_err;
static volatile int usr1, usr2, rt, rtval = -1, rtcode, rtpid;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned long generation;

static void inc(unsigned long *v)
{
	__atomic_add_fetch(v, 1, __ATOMIC_RELAXED);
}

static unsigned long get(unsigned long *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, (size_t)n) < 0)
		_exit(3);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_add_fetch(&usr1, 1, __ATOMIC_RELAXED);
}

static void on_usr2(int sig)
{
	(void)sig;
	__atomic_add_fetch(&usr2, 1, __ATOMIC_RELAXED);
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	rtval = si->si_value.sival_int;
	rtcode = si->si_code;
	rtpid = si->si_pid;
	__atomic_add_fetch(&rt, 1, __ATOMIC_RELAXED);
}

/*
 * regs_spin(seed, iters): loads every general register but rsp with a value
 * from SEED (rcx and r11 too, which the syscall instruction overwrites), sets
 * the direction flag and xmm0, spins ITERS times, then checks them all.
 * Returns 0 when every one kept its value: a stop in the middle that does not
 * put every register back shows here.
 */
#ifdef __x86_64__
uint64_t regs_spin(uint64_t seed, uint64_t iters);
__asm__(".text\n"
	".globl regs_spin\n"
	".type regs_spin, @function\n"
	"regs_spin:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	lea 1(%rdi), %rax\n	lea 2(%rdi), %rbx\n	lea 3(%rdi), %rcx\n"
	"	lea 4(%rdi), %rdx\n	lea 5(%rdi), %rbp\n	lea 6(%rdi), %r8\n"
	"	lea 7(%rdi), %r9\n	lea 8(%rdi), %r10\n	lea 9(%rdi), %r11\n"
	"	lea 10(%rdi), %r12\n	lea 11(%rdi), %r13\n	lea 12(%rdi), %r14\n"
	"	lea 13(%rdi), %r15\n	movq %rdi, %xmm0\n"
	"	std\n"
	"1:	dec %rsi\n	jnz 1b\n"
	"	pushfq\n	cld\n	pop %rsi\n"
	"	and $0x400, %rsi\n	xor $0x400, %rsi\n"
	"	sub %rdi, %rax\n	xor $1, %rax\n	or %rax, %rsi\n"
	"	sub %rdi, %rbx\n	xor $2, %rbx\n	or %rbx, %rsi\n"
	"	sub %rdi, %rcx\n	xor $3, %rcx\n	or %rcx, %rsi\n"
	"	sub %rdi, %rdx\n	xor $4, %rdx\n	or %rdx, %rsi\n"
	"	sub %rdi, %rbp\n	xor $5, %rbp\n	or %rbp, %rsi\n"
	"	sub %rdi, %r8\n	xor $6, %r8\n	or %r8, %rsi\n"
	"	sub %rdi, %r9\n	xor $7, %r9\n	or %r9, %rsi\n"
	"	sub %rdi, %r10\n	xor $8, %r10\n	or %r10, %rsi\n"
	"	sub %rdi, %r11\n	xor $9, %r11\n	or %r11, %rsi\n"
	"	sub %rdi, %r12\n	xor $10, %r12\n	or %r12, %rsi\n"
	"	sub %rdi, %r13\n	xor $11, %r13\n	or %r13, %rsi\n"
	"	sub %rdi, %r14\n	xor $12, %r14\n	or %r14, %rsi\n"
	"	sub %rdi, %r15\n	xor $13, %r15\n	or %r15, %rsi\n"
	"	movq %xmm0, %rax\n	xor %rdi, %rax\n	or %rax, %rsi\n"
	"	mov %rsi, %rax\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n"
	".size regs_spin, .-regs_spin\n");
#else
static uint64_t regs_spin(uint64_t seed, uint64_t iters)
{
	volatile uint64_t a = seed;

	while (iters--)
		a = a + 1 - 1;
	return a != seed;
}
#endif

/* The mask every thread runs with: SIGUSR2 blocked, the rest open. */
static sigset_t real_mask, temp_mask;

static void check_mask(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	if (!sigismember(&cur, SIGUSR2) || sigismember(&cur, SIGUSR1) ||
	    sigismember(&cur, SIGRTMIN + 1))
		inc(&mask_err);
}

/* ---- threads ---- */

enum { T_SLEEPER, T_READER, T_WAITER, T_POLLER, T_BUSY, T_SPAWNER, T_CONTROL, T_VCPU, NR_T };
static const char *const tnames[NR_T] = { "sleeper", "reader", "waiter", "poller",
					  "busy",    "spawner", "control", "vcpu" };
static volatile pid_t tids[NR_T];

static void register_tid(int which)
{
	tids[which] = (pid_t)syscall(SYS_gettid);
}

/* Sleep 5 ms; an early successful return, or an error but EINTR, is a fault. */
static void sleep_once(unsigned long *iters, unsigned long *errs)
{
	struct timespec d = { 0, 5000000 };
	uint64_t t0 = now_ns();
	int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);

	if (rc == 0 && now_ns() - t0 < 5000000)
		inc(errs);
	else if (rc && rc != EINTR)
		inc(errs);
	inc(iters);
}

static void *sleeper(void *arg)
{
	(void)arg;
	register_tid(T_SLEEPER);
	for (;;)
		sleep_once(&sleeps, &sleep_err);
	return NULL;
}

static void *reader(void *arg)
{
	char buf[256];

	(void)arg;
	register_tid(T_READER);
	for (;;) {
		ssize_t n = read(3, buf, sizeof(buf));

		if (n > 0) {
			say("READ %.*s", (int)n, buf);
		} else if (n < 0 && errno == EINTR) {
			inc(&read_eintr);
		} else if (n < 0) {
			inc(&read_err);
			say("READERR %d", errno);
		} else {
			return NULL;
		}
	}
}

static void wait_generation(unsigned long *seen)
{
	pthread_mutex_lock(&lock);
	while (generation == *seen)
		pthread_cond_wait(&cond, &lock);
	*seen = generation;
	pthread_mutex_unlock(&lock);
}

static void *waiter(void *arg)
{
	unsigned long seen = 0;

	(void)arg;
	register_tid(T_WAITER);
	for (;;) {
		wait_generation(&seen);
		say("WOKE %lu", seen);
	}
	return NULL;
}

/* ppoll() with the temporary mask; the real mask must be back after. */
static int poll_once(int fd, unsigned long *errs)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc = ppoll(&p, 1, NULL, &temp_mask);

	check_mask();
	if (rc < 0 && errno != EINTR) {
		inc(errs);
		say("POLLERR %d", errno);
	}
	if (rc == 0)
		inc(errs); /* no timeout was given */
	return rc > 0 && (p.revents & POLLIN);
}

static void *poller(void *arg)
{
	char buf[256];

	(void)arg;
	register_tid(T_POLLER);
	for (;;) {
		if (poll_once(4, &poll_err)) {
			ssize_t n = read(4, buf, sizeof(buf));

			if (n > 0)
				say("POLL %.*s", (int)n, buf);
			else if (n == 0)
				return NULL;
		}
	}
}

static void busy_once(uint64_t *seed, unsigned long *iters, unsigned long *errs)
{
	if (regs_spin(*seed, 20000))
		inc(errs);
	*seed += 0x10000;
	inc(iters);
}

static void *busy_thread(void *arg)
{
	uint64_t seed = 0x1111000000000000ull;

	(void)arg;
	register_tid(T_BUSY);
	for (;;)
		busy_once(&seed, &busy, &busy_err);
	return NULL;
}

static void *tiny(void *arg)
{
	(void)arg;
	syscall(SYS_gettid);
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	register_tid(T_SPAWNER);
	for (;;) {
		pthread_t t;
		struct timespec d = { 0, 300000 };

		if (pthread_create(&t, NULL, tiny, NULL) == 0) {
			pthread_join(t, NULL);
			inc(&spawned);
		}
		nanosleep(&d, NULL);
	}
	return NULL;
}

static void status(void)
{
	say("STATUS sleeps=%lu sleep_err=%lu read_err=%lu read_eintr=%lu poll_err=%lu mask_err=%lu busy=%lu busy_err=%lu main=%lu main_err=%lu spawned=%lu usr1=%d usr2=%d rt=%d rtval=%d rtcode=%d rtpid=%d runs=%lu intr=%lu kvm_err=%lu",
	    get(&sleeps), get(&sleep_err), get(&read_err), get(&read_eintr), get(&poll_err),
	    get(&mask_err), get(&busy), get(&busy_err), get(&main_iters), get(&main_err),
	    get(&spawned), usr1, usr2, rt, rtval, rtcode, rtpid, get(&kvm_runs), get(&kvm_intr),
	    get(&kvm_err));
}

/* Commands in BUF (N bytes, whole lines or not: kept across calls). */
static void commands(const char *buf, size_t n)
{
	static char line[256];
	static size_t len;
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (len < sizeof(line) - 1)
				line[len++] = buf[i];
			continue;
		}
		line[len] = 0;
		len = 0;
		if (!strcmp(line, "status")) {
			status();
		} else if (!strcmp(line, "wake")) {
			pthread_mutex_lock(&lock);
			generation++;
			pthread_cond_broadcast(&cond);
			pthread_mutex_unlock(&lock);
		} else if (!strcmp(line, "exit")) {
			_exit(0);
		} else {
			say("UNKNOWN %s", line);
		}
	}
}

/* Read commands from fd 0 until it closes; read() errors but EINTR count. */
static void command_loop(unsigned long *errs, int main_thread)
{
	char buf[256];

	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));

		if (main_thread)
			check_mask();
		if (n > 0)
			commands(buf, (size_t)n);
		else if (n == 0)
			_exit(0);
		else if (errno != EINTR)
			inc(errs);
	}
}

static void *control(void *arg)
{
	(void)arg;
	register_tid(T_CONTROL);
	command_loop(&read_err, 0);
	return NULL;
}

static void start(int which, void *(*fn)(void *))
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, NULL)) {
		say("FAIL pthread_create");
		_exit(2);
	}
	while (!tids[which])
		usleep(100);
	say("TID %s %d", tnames[which], (int)tids[which]);
}

static void handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGRTMIN + 1, &sa, NULL);

	sigemptyset(&real_mask);
	sigaddset(&real_mask, SIGUSR2);
	pthread_sigmask(SIG_SETMASK, &real_mask, NULL);
	sigemptyset(&temp_mask);
}

/* ---- the KVM VM ---- */

static int vcpu_fd;
static struct kvm_run *run;

static void *vcpu_thread(void *arg)
{
	(void)arg;
	register_tid(T_VCPU);
	for (;;) {
		int rc = ioctl(vcpu_fd, KVM_RUN, 0);

		inc(&kvm_runs);
		if (rc < 0 && errno == EINTR)
			inc(&kvm_intr);
		else if (rc < 0 || run->exit_reason != KVM_EXIT_INTR) {
			/* the guest only halts with interrupts off: nothing should exit */
			inc(&kvm_err);
			say("KVMEXIT rc=%d errno=%d reason=%u", rc, rc < 0 ? errno : 0,
			    run->exit_reason);
			usleep(100000);
		}
	}
	return NULL;
}

static void die(const char *what)
{
	say("FAIL %s: %s", what, strerror(errno));
	_exit(2);
}

static void kvm_mode(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_irqchip chip;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint8_t *mem;
	int kvm, vm, size;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
		die("KVM_SET_TSS_ADDR");
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		die("KVM_CREATE_IRQCHIP");
	/* guest memory: at 0x1000 "hlt; jmp .-1", run with interrupts off */
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem + 0x1000, "\xf4\xeb\xfd", 3);
	memset(&region, 0, sizeof(region));
	region.memory_size = 0x10000;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu_fd = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die("KVM_CREATE_VCPU");
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0x1000;
	regs.rflags = 2;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
	/* a known IOAPIC redirection entry */
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	if (ioctl(vm, KVM_GET_IRQCHIP, &chip) < 0)
		die("KVM_GET_IRQCHIP");
	chip.chip.ioapic.redirtbl[IOAPIC_PIN].bits = IOAPIC_ENTRY;
	if (ioctl(vm, KVM_SET_IRQCHIP, &chip) < 0)
		die("KVM_SET_IRQCHIP");
	start(T_VCPU, vcpu_thread);
	say("KVM vm=%d vcpu=%d", vm, vcpu_fd);
	say("READY %d", (int)getpid());
	command_loop(&main_err, 1);
}

/* ---- seccomp ---- */

static void seccomp_mode(int deny_munmap)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			 deny_munmap ? (uint32_t)SYS_munmap : (uint32_t)SYS_reboot, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		die("PR_SET_SECCOMP");
	say("READY %d", (int)getpid());
	/* from here no munmap: no stdio, no thread exits */
	command_loop(&main_err, 1);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "read";
	uint64_t seed = 0x2222000000000000ull;
	unsigned long seen = 0;

	handlers();
	if (!strcmp(mode, "kvm")) {
		kvm_mode();
		return 0;
	}
	if (!strcmp(mode, "seccomp-deny") || !strcmp(mode, "seccomp-allow")) {
		seccomp_mode(!strcmp(mode, "seccomp-deny"));
		return 0;
	}
	start(T_SLEEPER, sleeper);
	start(T_READER, reader);
	start(T_WAITER, waiter);
	start(T_POLLER, poller);
	start(T_BUSY, busy_thread);
	start(T_SPAWNER, spawner);
	if (strcmp(mode, "read") != 0 && strcmp(mode, "ppoll") != 0)
		start(T_CONTROL, control);
	say("READY %d", (int)getpid());

	if (!strcmp(mode, "read")) {
		command_loop(&main_err, 1);
	} else if (!strcmp(mode, "ppoll")) {
		for (;;) {
			if (poll_once(0, &main_err)) {
				char buf[256];
				ssize_t n = read(0, buf, sizeof(buf));

				if (n <= 0)
					_exit(0);
				commands(buf, (size_t)n);
			}
			inc(&main_iters);
		}
	} else if (!strcmp(mode, "busy")) {
		for (;;) {
			busy_once(&seed, &main_iters, &main_err);
			check_mask();
		}
	} else if (!strcmp(mode, "sleep")) {
		for (;;) {
			sleep_once(&main_iters, &main_err);
			check_mask();
		}
	} else if (!strcmp(mode, "vfork")) {
		for (;;) {
			pid_t p = vfork();

			if (p == 0) {
				struct timespec d = { 6, 0 };

				syscall(SYS_nanosleep, &d, NULL);
				_exit(0);
			}
			if (p > 0)
				waitpid(p, NULL, 0);
			inc(&main_iters);
			say("VFORKED %lu", get(&main_iters));
		}
	} else if (!strcmp(mode, "futex")) {
		for (;;) {
			wait_generation(&seen);
			check_mask();
			inc(&main_iters);
			say("MAINWOKE %lu", seen);
		}
	}
	say("FAIL unknown mode %s", mode);
	return 2;
}
