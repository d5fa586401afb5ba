// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <strings.h>

#include "codec/names.h"

struct kind_name {
	const char *name;
	const char *tracepoint;
};

static const struct kind_name kind_names[KVMIRQ_EV_KIND_MAX] = {
	[KVMIRQ_EV_SET_IRQ] = { "set_irq", "kvm_set_irq" },
	[KVMIRQ_EV_MSI_SET_IRQ] = { "msi_set_irq", "kvm_msi_set_irq" },
	[KVMIRQ_EV_IOAPIC_SET_IRQ] = { "ioapic_set_irq", "kvm_ioapic_set_irq" },
	[KVMIRQ_EV_PIC_SET_IRQ] = { "pic_set_irq", "kvm_pic_set_irq" },
	[KVMIRQ_EV_APIC_ACCEPT_IRQ] = { "apic_accept_irq", "kvm_apic_accept_irq" },
	[KVMIRQ_EV_EOI] = { "eoi", "kvm_eoi" },
	[KVMIRQ_EV_PV_EOI] = { "pv_eoi", "kvm_pv_eoi" },
	[KVMIRQ_EV_ACK_IRQ] = { "ack_irq", "kvm_ack_irq" },
	[KVMIRQ_EV_APIC_IPI] = { "apic_ipi", "kvm_apic_ipi" },
	[KVMIRQ_EV_INJ_VIRQ] = { "inj_virq", "kvm_inj_virq" },
	[KVMIRQ_EV_IOAPIC_DELAYED_EOI] = { "ioapic_delayed_eoi_inj", "kvm_ioapic_delayed_eoi_inj" },
	[KVMIRQ_EV_ARM_IRQ_LINE] = { "irq_line", "kvm_irq_line" },
	[KVMIRQ_EV_VGIC_UPDATE_PENDING] = { "vgic_update_irq_pending", "vgic_update_irq_pending" },
	[KVMIRQ_EV_ARM_TIMER_UPDATE] = { "timer_update_irq", "kvm_timer_update_irq" },
	[KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO] = { "booke_queue_irqprio", "kvm_booke_queue_irqprio" },
	[KVMIRQ_EV_MPIC_MMIO] = { "mpic_mmio", NULL },
	[KVMIRQ_EV_VCPUS_RUNNING] = { "vcpus_running", NULL },
	[KVMIRQ_EV_IOCTL] = { "ioctl", NULL },
	[KVMIRQ_EV_IOCTL_PAYLOAD] = { "ioctl_payload", NULL },
};

const char *event_kind_name(unsigned int kind)
{
	if (kind < KVMIRQ_EV_KIND_MAX && kind_names[kind].name)
		return kind_names[kind].name;
	return "?";
}

const char *event_kind_tracepoint(unsigned int kind)
{
	return kind < KVMIRQ_EV_KIND_MAX ? kind_names[kind].tracepoint : NULL;
}

const char *event_kind_counter_name(unsigned int kind)
{
	const char *tp = event_kind_tracepoint(kind);

	return tp ? tp : event_kind_name(kind);
}

int event_kind_from_name(const char *name)
{
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (kind_names[k].name && (!strcmp(kind_names[k].name, name) ||
					   (kind_names[k].tracepoint &&
					    !strcmp(kind_names[k].tracepoint, name))))
			return (int)k;
	return -1;
}

#define IOCTL_NAME(NAME, ...) [KVMIRQ_IOCTL_##NAME] = "KVM_" #NAME,

static const char *const ioctl_names[KVMIRQ_IOCTL_ID_MAX] = {
	[KVMIRQ_IOCTL_OTHER] = "KVM_OTHER",
	KVMIRQ_IOCTLS(IOCTL_NAME)
};

const char *ioctl_name(unsigned int id)
{
	return id < KVMIRQ_IOCTL_ID_MAX ? ioctl_names[id] : "KVM_?";
}

int ioctl_id_from_name(const char *name)
{
	for (unsigned int i = 1; i < KVMIRQ_IOCTL_ID_MAX; i++)
		if (!strcasecmp(ioctl_names[i], name) || !strcasecmp(ioctl_names[i] + 4, name))
			return (int)i;
	return -1;
}

const char *strategy_name(unsigned int strategy)
{
	switch (strategy) {
	case KVMIRQ_STRATEGY_FENTRY:
		return "fentry";
	case KVMIRQ_STRATEGY_SYSCALL:
		return "syscall-tracepoint";
	case KVMIRQ_STRATEGY_KPROBE:
		return "kprobe";
	default:
		return "none";
	}
}

const char *fd_kind_name(unsigned int kind)
{
	static const char *const names[] = { "unknown", "system", "vm", "vcpu", "device" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}
