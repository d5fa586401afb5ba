// SPDX-License-Identifier: GPL-2.0
/* Every BPF program kvmirq has, with the hook it needs from the kernel. */
#include <string.h>

#include "capture/programs.h"
#include "kvmirq/event.h"

const struct program_info program_table[] = {
	{ "on_set_irq", PROGRAM_DELIVERY, "kvm/kvm_set_irq", KVMIRQ_EV_SET_IRQ },
	{ "on_msi_set_irq", PROGRAM_DELIVERY, "kvm/kvm_msi_set_irq", KVMIRQ_EV_MSI_SET_IRQ },
	{ "on_ioapic_set_irq", PROGRAM_DELIVERY, "kvm/kvm_ioapic_set_irq", KVMIRQ_EV_IOAPIC_SET_IRQ },
	{ "on_pic_set_irq", PROGRAM_DELIVERY, "kvm/kvm_pic_set_irq", KVMIRQ_EV_PIC_SET_IRQ },
	{ "on_apic_accept_irq", PROGRAM_DELIVERY, "kvm/kvm_apic_accept_irq", KVMIRQ_EV_APIC_ACCEPT_IRQ },
	{ "on_eoi", PROGRAM_DELIVERY, "kvm/kvm_eoi", KVMIRQ_EV_EOI },
	{ "on_pv_eoi", PROGRAM_DELIVERY, "kvm/kvm_pv_eoi", KVMIRQ_EV_PV_EOI },
	{ "on_ack_irq", PROGRAM_DELIVERY, "kvm/kvm_ack_irq", KVMIRQ_EV_ACK_IRQ },
	{ "on_apic_ipi", PROGRAM_DELIVERY, "kvm/kvm_apic_ipi", KVMIRQ_EV_APIC_IPI },
	{ "on_inj_virq", PROGRAM_DELIVERY, "kvm/kvm_inj_virq", KVMIRQ_EV_INJ_VIRQ },
	{ "on_ioapic_delayed_eoi", PROGRAM_DELIVERY, "kvm/kvm_ioapic_delayed_eoi_inj",
	  KVMIRQ_EV_IOAPIC_DELAYED_EOI },
	{ "on_arm_irq_line", PROGRAM_DELIVERY, "kvm/kvm_irq_line", KVMIRQ_EV_ARM_IRQ_LINE },
	{ "on_vgic_update_pending", PROGRAM_DELIVERY, "kvm/vgic_update_irq_pending",
	  KVMIRQ_EV_VGIC_UPDATE_PENDING },
	{ "enter_kvm_dev_ioctl", PROGRAM_FENTRY, "kvm_dev_ioctl", KVMIRQ_EV_IOCTL },
	{ "exit_kvm_dev_ioctl", PROGRAM_FENTRY, "kvm_dev_ioctl", KVMIRQ_EV_IOCTL },
	{ "enter_kvm_vm_ioctl", PROGRAM_FENTRY, "kvm_vm_ioctl", KVMIRQ_EV_IOCTL },
	{ "exit_kvm_vm_ioctl", PROGRAM_FENTRY, "kvm_vm_ioctl", KVMIRQ_EV_IOCTL },
	{ "enter_kvm_vcpu_ioctl", PROGRAM_FENTRY, "kvm_vcpu_ioctl", KVMIRQ_EV_IOCTL },
	{ "exit_kvm_vcpu_ioctl", PROGRAM_FENTRY, "kvm_vcpu_ioctl", KVMIRQ_EV_IOCTL },
	{ "enter_kvm_device_ioctl", PROGRAM_FENTRY, "kvm_device_ioctl", KVMIRQ_EV_IOCTL },
	{ "exit_kvm_device_ioctl", PROGRAM_FENTRY, "kvm_device_ioctl", KVMIRQ_EV_IOCTL },
	{ "sys_enter_ioctl", PROGRAM_SYSCALL, "syscalls/sys_enter_ioctl", KVMIRQ_EV_IOCTL },
	{ "sys_exit_ioctl", PROGRAM_SYSCALL, "syscalls/sys_exit_ioctl", KVMIRQ_EV_IOCTL },
	{ "inject_enter_irqfd", PROGRAM_INJECT, "irqfd_inject", 0 },
	{ "inject_exit_irqfd", PROGRAM_INJECT, "irqfd_inject", 0 },
	{ "inject_enter_shutdown", PROGRAM_INJECT, "irqfd_shutdown", 0 },
	{ "inject_exit_shutdown", PROGRAM_INJECT, "irqfd_shutdown", 0 },
	{ "inject_enter_pit", PROGRAM_INJECT, "pit_do_work", 0 },
	{ "inject_exit_pit", PROGRAM_INJECT, "pit_do_work", 0 },
	{ "inject_enter_inatomic", PROGRAM_INJECT, "kvm_arch_set_irq_inatomic", 0 },
	{ "inject_exit_inatomic", PROGRAM_INJECT, "kvm_arch_set_irq_inatomic", 0 },
};

const unsigned int program_table_len = sizeof(program_table) / sizeof(program_table[0]);

const struct program_info *program_info_find(const char *prog_name)
{
	for (unsigned int i = 0; i < program_table_len; i++)
		if (!strcmp(program_table[i].prog_name, prog_name))
			return &program_table[i];
	return NULL;
}
