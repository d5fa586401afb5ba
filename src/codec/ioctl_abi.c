// SPDX-License-Identifier: GPL-2.0
/*
 * include/kvmirq/ioctls.h checked at compile time: against the host's
 * <linux/kvm.h> (each ioctl's number, direction and argument size) and
 * against itself (IDs dense and in row order). A wrong row fails the build.
 */
#include <linux/kvm.h>

#include "kvmirq/ioctls.h"

/* The kernel's structs, where the host's UAPI has them. */
_Static_assert(KVMIRQ_SIZEOF_IRQ_LEVEL == sizeof(struct kvm_irq_level), "kvm_irq_level");
_Static_assert(KVMIRQ_SIZEOF_MSI == sizeof(struct kvm_msi), "kvm_msi");
_Static_assert(KVMIRQ_SIZEOF_IRQFD == sizeof(struct kvm_irqfd), "kvm_irqfd");
_Static_assert(KVMIRQ_SIZEOF_IRQ_ROUTING == sizeof(struct kvm_irq_routing), "kvm_irq_routing");
_Static_assert(KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY == sizeof(struct kvm_irq_routing_entry),
	       "kvm_irq_routing_entry");
_Static_assert(KVMIRQ_SIZEOF_CREATE_DEVICE == sizeof(struct kvm_create_device),
	       "kvm_create_device");
_Static_assert(KVMIRQ_SIZEOF_DEVICE_ATTR == sizeof(struct kvm_device_attr), "kvm_device_attr");
_Static_assert(KVMIRQ_SIZEOF_ENABLE_CAP == sizeof(struct kvm_enable_cap), "kvm_enable_cap");
_Static_assert(KVMIRQ_SIZEOF_INTERRUPT == sizeof(struct kvm_interrupt), "kvm_interrupt");
#ifdef KVMIRQ_ARCH_X86
_Static_assert(KVMIRQ_SIZEOF_IRQCHIP == sizeof(struct kvm_irqchip), "kvm_irqchip");
_Static_assert(KVMIRQ_SIZEOF_LAPIC_STATE == sizeof(struct kvm_lapic_state), "kvm_lapic_state");
#endif

/* The whole command, as <linux/ioctl.h> encodes it for this architecture. */
#define CMD_IO(NR, SIZE) _IOC(_IOC_NONE, KVMIRQ_KVMIO, NR, SIZE)
#define CMD_IOR(NR, SIZE) _IOC(_IOC_READ, KVMIRQ_KVMIO, NR, SIZE)
#define CMD_IOW(NR, SIZE) _IOC(_IOC_WRITE, KVMIRQ_KVMIO, NR, SIZE)
#define CMD_IOWR(NR, SIZE) _IOC(_IOC_READ | _IOC_WRITE, KVMIRQ_KVMIO, NR, SIZE)

#define CHECK_CMD(NAME, ID, DIR, NR, SIZE, ARCH, ...)                             \
	KVMIRQ_IF_ARCH_##ARCH(_Static_assert(                                     \
		KVM_##NAME == CMD_##DIR(NR, KVMIRQ_SIZEOF(SIZE)),                 \
		"KVM_" #NAME ": number, direction or size is not <linux/kvm.h>'s");)
KVMIRQ_IOCTLS(CHECK_CMD)

/* Row N has ID N: no gap, no reuse, and KVMIRQ_IOCTL_ID_MAX bounds them. */
#define ROW_INDEX(NAME, ...) ROW_OF_##NAME,
enum { ROW_OF_OTHER, KVMIRQ_IOCTLS(ROW_INDEX) ROWS };

#define CHECK_ID(NAME, ID, ...)                                                   \
	_Static_assert(ID == ROW_OF_##NAME, "KVM_" #NAME ": IDs go in row order, one apart");
KVMIRQ_IOCTLS(CHECK_ID)
_Static_assert((int)ROWS == (int)KVMIRQ_IOCTL_ID_MAX, "KVMIRQ_IOCTL_ID_MAX");
/* Filter masks and the aggregation key hold a bit, or a byte, per ID. */
_Static_assert(KVMIRQ_IOCTL_ID_MAX <= 64, "a bit per ioctl in a __u64");
