// SPDX-License-Identifier: GPL-2.0
/*
 * migratevmm: an x86 VMM that migrates a running VM within itself, right
 * or with one of kvmirq check's rules broken on purpose (tests/rig/x86,
 * test-check.sh).
 *
 *   migratevmm [--break state-set-while-running | --break restore-audit]
 *
 * VM A (in-kernel irqchip, two vCPUs) runs vCPU 0 on a guest that halts
 * (hlt; jmp back): the thread sits in KVM_RUN until a signal ends it. The
 * VMM stops it, saves A (KVM_GET_IRQCHIP of the three chips, KVM_GET_LAPIC
 * of both vCPUs), creates VM B, restores all of it there and runs B's
 * vCPU 0 the same way. Each break changes one step:
 *   state-set-while-running: before stopping A, a KVM_SET_IRQCHIP of A's
 *     IOAPIC from the main thread while vCPU 0 is inside KVM_RUN;
 *   restore-audit: B is restored without the slave PIC and vCPU 1's
 *     LAPIC, and with the IOAPIC set twice with different values.
 * Prints what it did; exit 0 when every ioctl did what KVM should.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM 0x1000
#define HALT_MS 200 /* how long the guest halts in KVM_RUN before each stop */

struct vm {
	int fd;
	int vcpu[2];
	void *mem;
	pthread_t runner;
	volatile int run_ret, run_errno;
};

struct saved {
	struct kvm_irqchip chip[3];
	struct kvm_lapic_state lapic[2];
};

static int kvm_fd;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "migratevmm: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	va_end(ap);
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* Real mode at 0: hlt; jmp back to it. */
static void create_vm(struct vm *v)
{
	static const unsigned char guest[] = { 0xf4, 0xeb, 0xfd };
	struct kvm_userspace_memory_region region = { .memory_size = GUEST_MEM };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0, .rflags = 2 };

	v->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM");
	if (ioctl(v->fd, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP");
	v->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		die("mmap");
	memcpy(v->mem, guest, sizeof(guest));
	region.userspace_addr = (unsigned long)v->mem;
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &region))
		die("KVM_SET_USER_MEMORY_REGION");
	for (int i = 0; i < 2; i++) {
		v->vcpu[i] = ioctl(v->fd, KVM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0)
			die("KVM_CREATE_VCPU %d", i);
	}
	if (ioctl(v->vcpu[0], KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(v->vcpu[0], KVM_SET_SREGS, &sregs) || ioctl(v->vcpu[0], KVM_SET_REGS, &regs))
		die("KVM_SET_SREGS/REGS");
}

static void *run_vcpu0(void *arg)
{
	struct vm *v = arg;

	v->run_ret = ioctl(v->vcpu[0], KVM_RUN, 0);
	v->run_errno = errno;
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig; /* only ends KVM_RUN with EINTR */
}

static void start_vcpu(struct vm *v)
{
	if (pthread_create(&v->runner, NULL, run_vcpu0, v))
		die("pthread_create");
	sleep_ms(HALT_MS); /* in KVM_RUN, halted */
}

/* Kick vCPU 0 out of KVM_RUN: it must end with EINTR (the guest only halts). */
static void stop_vcpu(struct vm *v)
{
	pthread_kill(v->runner, SIGUSR1);
	pthread_join(v->runner, NULL);
	if (v->run_ret != -1 || v->run_errno != EINTR) {
		errno = v->run_errno;
		die("KVM_RUN returned %d, not -1/EINTR", v->run_ret);
	}
}

static void save(const struct vm *v, struct saved *s)
{
	for (unsigned id = 0; id < 3; id++) {
		s->chip[id].chip_id = id;
		if (ioctl(v->fd, KVM_GET_IRQCHIP, &s->chip[id]))
			die("KVM_GET_IRQCHIP %u", id);
	}
	for (int i = 0; i < 2; i++)
		if (ioctl(v->vcpu[i], KVM_GET_LAPIC, &s->lapic[i]))
			die("KVM_GET_LAPIC %d", i);
}

static void set_chip(const struct vm *v, const struct kvm_irqchip *c)
{
	if (ioctl(v->fd, KVM_SET_IRQCHIP, c))
		die("KVM_SET_IRQCHIP %u", c->chip_id);
}

static void restore(const struct vm *v, const struct saved *s, bool broken)
{
	for (unsigned id = 0; id < 3; id++) {
		if (broken && id == 1)
			continue; /* the slave PIC left out */
		if (broken && id == 2) {
			struct kvm_irqchip first = s->chip[2];

			first.chip.ioapic.redirtbl[5].bits ^= 0x30; /* pin 5's vector changed */
			set_chip(v, &first);
		}
		set_chip(v, &s->chip[id]);
	}
	for (int i = 0; i < 2; i++) {
		if (broken && i == 1)
			continue; /* vCPU 1's LAPIC left out */
		if (ioctl(v->vcpu[i], KVM_SET_LAPIC, &s->lapic[i]))
			die("KVM_SET_LAPIC %d", i);
	}
}

int main(int argc, char **argv)
{
	struct sigaction kick = { .sa_handler = on_kick }; /* no SA_RESTART */
	const char *broken = NULL;
	struct vm a = { 0 }, b = { 0 };
	struct saved s;

	if (argc == 3 && !strcmp(argv[1], "--break") &&
	    (!strcmp(argv[2], "state-set-while-running") || !strcmp(argv[2], "restore-audit")))
		broken = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: migratevmm [--break state-set-while-running | "
				"--break restore-audit]\n");
		return 2;
	}
	if (sigaction(SIGUSR1, &kick, NULL))
		die("sigaction");
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");

	create_vm(&a);
	start_vcpu(&a);
	if (broken && !strcmp(broken, "state-set-while-running")) {
		struct kvm_irqchip ioapic = { .chip_id = KVM_IRQCHIP_IOAPIC };

		if (ioctl(a.fd, KVM_GET_IRQCHIP, &ioapic))
			die("KVM_GET_IRQCHIP");
		set_chip(&a, &ioapic);
		printf("migratevmm: VM A's IOAPIC set while vCPU 0 is in KVM_RUN\n");
	}
	stop_vcpu(&a);
	save(&a, &s);
	printf("migratevmm: VM A stopped and saved (3 irqchips, 2 LAPICs)\n");

	create_vm(&b);
	restore(&b, &s, broken && !strcmp(broken, "restore-audit"));
	printf("migratevmm: VM B restored%s\n",
	       broken && !strcmp(broken, "restore-audit")
		       ? " without the slave PIC and vCPU 1's LAPIC, the IOAPIC set twice"
		       : "");
	start_vcpu(&b);
	stop_vcpu(&b);
	printf("migratevmm: VM B ran\n");
	return 0;
}
