// SPDX-License-Identifier: GPL-2.0
/*
 * VM and object ids when the kernel reuses an address: a VM destroyed and a
 * new one created at the same struct kvm (the e500 demo recording had
 * testvmm's second VM and the guest VM of the next VMM at one address, and
 * the report merged them) must be two VMs, from its KVM_CREATE_VM on; so
 * must a vCPU or device at a reused address in the new VM.
 */
#include <string.h>

#include "check.h"
#include "kvmirq/event.h"
#include "kvmirq/ioctls.h"
#include "registry/registry.h"
#include "trace/normalize.h"

static void registry_ids(void)
{
	struct registry r;
	uint32_t a, b;

	registry_init(&r);
	CHECK_EQ(registry_vm_id(&r, 0, 1, 0), 0);
	CHECK_EQ(registry_vm_id(&r, 0x1000, 10, 1), 1);
	CHECK_EQ(registry_vm_id(&r, 0x2000, 10, 2), 2);
	CHECK_EQ(registry_vm_id(&r, 0x1000, 10, 3), 1);
	/* the VM at 0x1000 is gone; another is created there */
	CHECK_EQ(registry_vm_new(&r, 0x1000, 11, 4), 3);
	CHECK_EQ(registry_vm_id(&r, 0x1000, 11, 5), 3);
	CHECK_EQ(registry_vm_id(&r, 0x2000, 10, 6), 2);
	CHECK_EQ(r.vms[2].pid, 11);

	a = registry_object_id(&r, 0x9000, 1, KVMIRQ_FD_VCPU, 0, "");
	b = registry_object_id(&r, 0x9000, 3, KVMIRQ_FD_VCPU, 0, "");
	CHECK(a && b && a != b);
	CHECK_EQ(registry_object_id(&r, 0x9000, 1, KVMIRQ_FD_VCPU, 0, ""), a);
	CHECK_EQ(registry_object_id(&r, 0x9000, 3, KVMIRQ_FD_VCPU, 0, ""), b);
	/* an event that does not know its VM finds the newest */
	CHECK_EQ(registry_object_id(&r, 0x9000, 0, KVMIRQ_FD_VCPU, 0, ""), b);
	registry_free(&r);
}

/* A KVM_CREATE_VM record of PID whose new VM is at KVM, then a set_irq there. */
static void vm_life(struct normalizer *n, uint64_t kvm, uint32_t pid, uint64_t ns,
		    uint32_t *created, uint32_t *later)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_ioctl io;
	} __attribute__((aligned(8))) create = {
		.h = { .timestamp_ns = ns, .vm = kvm, .pid = pid, .tid = pid,
		       .vcpu_id = KVMIRQ_NO_VCPU, .kind = KVMIRQ_EV_IOCTL, .size = sizeof(create) },
		.io = { .ioctl_id = KVMIRQ_IOCTL_CREATE_VM, .fd_kind = KVMIRQ_FD_SYSTEM, .ret = 5,
			.object = kvm },
	};
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_set_irq b;
	} __attribute__((aligned(8))) line = {
		.h = { .timestamp_ns = ns + 1, .vm = kvm, .pid = pid, .tid = pid,
		       .vcpu_id = KVMIRQ_NO_VCPU, .kind = KVMIRQ_EV_SET_IRQ, .size = sizeof(line) },
		.b = { .gsi = 4, .level = 1 },
	};
	const void *out;
	size_t len;

	CHECK_EQ(normalize_record(n, &create, sizeof(create), &out, &len), 0);
	*created = (uint32_t)((const struct kvmirq_event_header *)out)->vm;
	CHECK_EQ(normalize_record(n, &line, sizeof(line), &out, &len), 0);
	*later = (uint32_t)((const struct kvmirq_event_header *)out)->vm;
}

static void normalized_ids(void)
{
	struct registry r;
	struct normalizer n;
	uint32_t c1, l1, c2, l2;

	registry_init(&r);
	normalizer_init(&n, &r);
	vm_life(&n, 0xc0de0000, 22, 1000, &c1, &l1);
	vm_life(&n, 0xc0de0000, 24, 9000, &c2, &l2); /* the kernel reused the address */
	CHECK_EQ(c1, 1);
	CHECK_EQ(l1, 1);
	CHECK_EQ(c2, 2);
	CHECK_EQ(l2, 2);
	CHECK_EQ(r.nr_vms, 2);
	registry_free(&r);
}

int main(void)
{
	registry_ids();
	normalized_ids();
	return check_done();
}
