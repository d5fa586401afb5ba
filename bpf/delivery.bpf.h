/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interrupt delivery: one raw tracepoint program per KVM tracepoint. Raw
 * tracepoints receive the TP_PROTO arguments, which are cheaper than the
 * formatted record and can be exercised with bpf_prog_test_run on a
 * fabricated argument array. User space turns off the programs whose
 * tracepoint the running kernel lacks.
 */
#ifndef KVMIRQ_DELIVERY_BPF_H
#define KVMIRQ_DELIVERY_BPF_H

#include "aggregate.bpf.h"

SEC("raw_tp/kvm_set_irq")
int BPF_PROG(on_set_irq, unsigned int gsi, int level, int irq_source_id)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_SET_IRQ, -1, gsi, level);
	struct kvmirq_ev_set_irq b = {
		.gsi = gsi, .level = level, .irq_source_id = irq_source_id,
	};

	return EMIT_FIXED(KVMIRQ_EV_SET_IRQ, b);
}

SEC("raw_tp/kvm_msi_set_irq")
int BPF_PROG(on_msi_set_irq, __u64 address, __u64 data)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_MSI_SET_IRQ, -1,
				       (address & 0xffffffffULL) << 32 | (__u32)data, address >> 32);
	struct kvmirq_ev_msi_set_irq b = { .address = address, .data = data };

	return EMIT_FIXED(KVMIRQ_EV_MSI_SET_IRQ, b);
}

SEC("raw_tp/kvm_ioapic_set_irq")
int BPF_PROG(on_ioapic_set_irq, __u64 entry, int pin, bool coalesced)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_IOAPIC_SET_IRQ, -1, pin, entry);
	struct kvmirq_ev_ioapic_set_irq b = {
		.entry = entry, .pin = pin, .coalesced = coalesced,
	};

	return EMIT_FIXED(KVMIRQ_EV_IOAPIC_SET_IRQ, b);
}

SEC("raw_tp/kvm_pic_set_irq")
int BPF_PROG(on_pic_set_irq, __u8 chip, __u8 pin, __u8 elcr, __u8 imr, bool coalesced)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_PIC_SET_IRQ, -1, (__u32)chip << 8 | pin,
				       (__u32)imr << 8 | elcr);
	struct kvmirq_ev_pic_set_irq b = {
		.chip = chip, .pin = pin, .elcr = elcr, .imr = imr, .coalesced = coalesced,
	};

	return EMIT_FIXED(KVMIRQ_EV_PIC_SET_IRQ, b);
}

SEC("raw_tp/kvm_apic_accept_irq")
int BPF_PROG(on_apic_accept_irq, __u32 apicid, __u16 dm, __u16 tm, __u8 vec)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_APIC_ACCEPT_IRQ, apicid, vec, (__u32)dm << 16 | tm);
	struct kvmirq_ev_apic_accept_irq b = {
		.apicid = apicid, .delivery_mode = dm, .trig_mode = tm, .vector = vec,
	};

	return EMIT_FIXED(KVMIRQ_EV_APIC_ACCEPT_IRQ, b);
}

/* kvm_eoi and kvm_pv_eoi pass the LAPIC; its vCPU id is what the record shows. */
static __always_inline __u32 lapic_vcpu_id(struct kvm_lapic *apic)
{
	return BPF_CORE_READ(apic, vcpu, vcpu_id);
}

SEC("raw_tp/kvm_eoi")
int BPF_PROG(on_eoi, struct kvm_lapic *apic, int vector)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_EOI, lapic_vcpu_id(apic), vector, 0);
	struct kvmirq_ev_eoi b = { .apicid = lapic_vcpu_id(apic), .vector = vector };

	return EMIT_FIXED(KVMIRQ_EV_EOI, b);
}

SEC("raw_tp/kvm_pv_eoi")
int BPF_PROG(on_pv_eoi, struct kvm_lapic *apic, int vector)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_PV_EOI, lapic_vcpu_id(apic), vector, 0);
	struct kvmirq_ev_eoi b = { .apicid = lapic_vcpu_id(apic), .vector = vector };

	return EMIT_FIXED(KVMIRQ_EV_PV_EOI, b);
}

SEC("raw_tp/kvm_ack_irq")
int BPF_PROG(on_ack_irq, unsigned int irqchip, unsigned int pin)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_ACK_IRQ, -1, irqchip << 16 | pin, 0);
	struct kvmirq_ev_ack_irq b = { .irqchip = irqchip, .pin = pin };

	return EMIT_FIXED(KVMIRQ_EV_ACK_IRQ, b);
}

SEC("raw_tp/kvm_apic_ipi")
int BPF_PROG(on_apic_ipi, __u32 icr_low, __u32 dest_id)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_APIC_IPI, -1, dest_id, icr_low);
	struct kvmirq_ev_apic_ipi b = { .icr_low = icr_low, .dest_id = dest_id };

	return EMIT_FIXED(KVMIRQ_EV_APIC_IPI, b);
}

/*
 * kvm_inj_virq was (irq) before 5.19 and is (vector, soft, reinjected) since:
 * the first argument means the same in both, the others exist only when the
 * kernel's record has them (a CO-RE check, resolved at load time).
 */
SEC("raw_tp/kvm_inj_virq")
int BPF_PROG(on_inj_virq, unsigned int vector)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_INJ_VIRQ, -1, vector, 0);
	struct kvmirq_ev_inj_virq b = { .vector = vector };
	bool has_soft = bpf_core_field_exists(struct trace_event_raw_kvm_inj_virq, soft);

	if (has_soft) {
		b.soft = (__u8)ctx[1];
		b.reinjected = (__u8)ctx[2];
		b.has_soft_reinjected = 1;
	}
	return EMIT_FIXED(KVMIRQ_EV_INJ_VIRQ, b);
}

SEC("raw_tp/kvm_ioapic_delayed_eoi_inj")
int BPF_PROG(on_ioapic_delayed_eoi, __u64 entry)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_IOAPIC_DELAYED_EOI, -1, entry & 0xff, entry);
	struct kvmirq_ev_ioapic_delayed_eoi b = { .entry = entry };

	return EMIT_FIXED(KVMIRQ_EV_IOAPIC_DELAYED_EOI, b);
}

SEC("raw_tp/kvm_irq_line")
int BPF_PROG(on_arm_irq_line, unsigned int type, int vcpu_idx, int irq_num, int level)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		/* the type with the number: an SPI and a PPI of one number are two lines */
		return aggregate_event(KVMIRQ_EV_ARM_IRQ_LINE, vcpu_idx,
				       (__u64)type << 32 | (__u32)irq_num, level);
	struct kvmirq_ev_arm_irq_line b = {
		.type = type, .vcpu_idx = vcpu_idx, .irq_num = irq_num, .level = level,
	};

	return EMIT_FIXED(KVMIRQ_EV_ARM_IRQ_LINE, b);
}

SEC("raw_tp/vgic_update_irq_pending")
int BPF_PROG(on_vgic_update_pending, unsigned long vcpu_id, __u32 irq, bool level)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_VGIC_UPDATE_PENDING, (__s32)vcpu_id, irq, level);
	struct kvmirq_ev_vgic_update_pending b = {
		.vcpu_id = vcpu_id, .irq = irq, .level = level,
	};

	return EMIT_FIXED(KVMIRQ_EV_VGIC_UPDATE_PENDING, b);
}

/* arm64: a vCPU's timer raised or lowered its PPI at the VGIC. */
SEC("raw_tp/kvm_timer_update_irq")
int BPF_PROG(on_timer_update_irq, unsigned long vcpu_id, __u32 irq, int level)
{
	JIT_SIZE_STABLE();
	if (aggregate)
		return aggregate_event(KVMIRQ_EV_ARM_TIMER_UPDATE, (__s32)vcpu_id, irq, level);
	struct kvmirq_ev_arm_timer_update b = { .vcpu_id = vcpu_id, .irq = irq, .level = level };

	return EMIT_FIXED(KVMIRQ_EV_ARM_TIMER_UPDATE, b);
}

/* PowerPC BookE: an exception queued for a vCPU (the MPIC raising its output). */
SEC("raw_tp/kvm_booke_queue_irqprio")
int BPF_PROG(on_booke_queue_irqprio, struct kvm_vcpu *vcpu, unsigned int priority)
{
	JIT_SIZE_STABLE();
	__u32 vcpu_id = BPF_CORE_READ(vcpu, vcpu_id);

	if (aggregate)
		return aggregate_event(KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO, vcpu_id, priority, 0);
	struct kvmirq_ev_booke_queue_irqprio b = {
		.vcpu_id = vcpu_id, .priority = priority,
		.pending = KREAD(&vcpu->arch, pending_exceptions),
	};

	return EMIT_FIXED(KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO, b);
}

#endif /* KVMIRQ_DELIVERY_BPF_H */
