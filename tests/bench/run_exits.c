// SPDX-License-Identifier: GPL-2.0
/*
 * N exits of a vCPU to user space, and the time they took: what kvmirq
 * record adds to each KVM_RUN (it counts each VM's threads inside KVM_RUN
 * for kvmirq check). The guest (x86 real mode at 0) loops on an OUT to a
 * port no device has: each one returns from KVM_RUN with KVM_EXIT_IO.
 *
 *   run_exits [N]      prints "N exits in S s: X ns each"
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	static const unsigned char guest[] = { 0xe6, 0x10, 0xeb, 0xfc }; /* out 0x10, al; jmp */
	long n = argc > 1 ? atol(argv[1]) : 200000;
	struct kvm_userspace_memory_region region = { .memory_size = 0x1000 };
	struct kvm_regs regs = { .rip = 0, .rflags = 2 };
	struct kvm_sregs sregs;
	struct timespec a, b;
	struct kvm_run *run;
	int kvm, vm, vcpu;
	void *mem;
	double s;

	if (n <= 0) {
		fprintf(stderr, "usage: run_exits [N > 0]\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_CREATE_IRQCHIP, 0))
		return fail("KVM_CREATE_VM/IRQCHIP");
	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap");
	memcpy(mem, guest, sizeof(guest));
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		return fail("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	run = mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		return fail("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		return fail("KVM_SET_SREGS/REGS");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (ioctl(vcpu, KVM_RUN, 0))
			return fail("KVM_RUN");
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "run_exits: exit reason %u, not KVM_EXIT_IO\n", run->exit_reason);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld exits in %.3f s: %.0f ns each\n", n, s, s * 1e9 / (double)n);
	return 0;
}
