/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupts on arm64 KVM: the irq of KVM_IRQ_LINE, which is not a GSI but
 * a type, a vCPU index and a number (arch/arm64/include/uapi/asm/kvm.h,
 * KVM_ARM_IRQ_*), and the GIC's INTIDs that the kvm_irq_line and
 * vgic_update_irq_pending tracepoints carry. Every place that shows a line
 * of an arm64 recording names it through here: "SPI 40", "PPI 27 on vCPU
 * 1", "CPU IRQ on vCPU 0". The platform row (platform.h irq_line_is_gsi)
 * says whether a recording's KVM_IRQ_LINE takes this layout.
 */
#ifndef KVMIRQ_ARM_IRQ_H
#define KVMIRQ_ARM_IRQ_H

#include <stddef.h>
#include <stdint.h>

struct kv_list;

/* KVM_ARM_IRQ_TYPE_*: where the line goes */
enum arm_irq_type {
	ARM_IRQ_TYPE_CPU = 0, /* a vCPU's IRQ or FIQ input, no in-kernel GIC */
	ARM_IRQ_TYPE_SPI = 1, /* a shared peripheral interrupt of the GIC */
	ARM_IRQ_TYPE_PPI = 2, /* a private peripheral interrupt of one vCPU */
};

/* KVM_IRQ_LINE's irq, split as kvm_vm_ioctl_irq_line() splits it. */
struct arm_irq_line {
	unsigned type;	/* enum arm_irq_type, or another (refused) value */
	unsigned vcpu;	/* vcpu2_index * 256 + vcpu_index: a vCPU index */
	unsigned num;	/* the INTID (SPI, PPI), or KVM_ARM_IRQ_CPU_IRQ 0 / _FIQ 1 */
};

void arm_irq_line_split(uint32_t irq, struct arm_irq_line *l);
/* The irq KVM_IRQ_LINE takes for L: the inverse of arm_irq_line_split. */
uint32_t arm_irq_line_join(const struct arm_irq_line *l);
/* "SPI 40", "PPI 27 on vCPU 1", "CPU IRQ on vCPU 0", "type 5 number 3 on vCPU 0". */
const char *arm_irq_line_text(const struct arm_irq_line *l, char *buf, size_t len);
/* type, vcpu (not for an SPI, which ignores it), intid or cpu_input, line (the text). */
void arm_irq_line_fields(const struct arm_irq_line *l, struct kv_list *kv);

/* The INTID a GSI routing entry's irqchip pin reaches: pin 0 is SPI 32
 * (kvm_set_routing_entry(), arch/arm64/kvm/vgic/vgic-irqfd.c). */
unsigned arm_route_pin_intid(unsigned pin);

/* "sgi", "ppi", "spi", "special" (1020-1023), "lpi" (8192 on), "intid" (other). */
const char *arm_intid_class_label(unsigned intid);
/* An INTID raised for vCPU VCPU: "SPI 40" (shared: no vCPU), "PPI 27 on vCPU 1". */
const char *arm_intid_text(unsigned intid, unsigned vcpu, char *buf, size_t len);
/* class, intid, line (the text), for vgic_update_irq_pending. */
void arm_intid_fields(unsigned intid, unsigned vcpu, struct kv_list *kv);

#endif
