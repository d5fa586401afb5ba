// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codec/layout.h"

#define F(type, field, is_signed, hex)                                                  \
	{ #field, offsetof(type, field), sizeof(((type *)0)->field), is_signed, hex, false }
#define DURATION(type, field)                                                           \
	{ #field, offsetof(type, field), sizeof(((type *)0)->field), false, false, true }
#define LAYOUT(type, fields)                                                            \
	{ sizeof(type), sizeof(fields) / sizeof(fields[0]), fields }

static const struct event_field set_irq_fields[] = {
	F(struct kvmirq_ev_set_irq, gsi, false, false),
	F(struct kvmirq_ev_set_irq, level, true, false),
	F(struct kvmirq_ev_set_irq, irq_source_id, true, false),
};
static const struct event_field msi_fields[] = {
	F(struct kvmirq_ev_msi_set_irq, address, false, true),
	F(struct kvmirq_ev_msi_set_irq, data, false, true),
};
static const struct event_field ioapic_fields[] = {
	F(struct kvmirq_ev_ioapic_set_irq, entry, false, true),
	F(struct kvmirq_ev_ioapic_set_irq, pin, false, false),
	F(struct kvmirq_ev_ioapic_set_irq, coalesced, false, false),
};
static const struct event_field pic_fields[] = {
	F(struct kvmirq_ev_pic_set_irq, chip, false, false),
	F(struct kvmirq_ev_pic_set_irq, pin, false, false),
	F(struct kvmirq_ev_pic_set_irq, elcr, false, true),
	F(struct kvmirq_ev_pic_set_irq, imr, false, true),
	F(struct kvmirq_ev_pic_set_irq, coalesced, false, false),
};
static const struct event_field accept_fields[] = {
	F(struct kvmirq_ev_apic_accept_irq, apicid, false, false),
	F(struct kvmirq_ev_apic_accept_irq, delivery_mode, false, true),
	F(struct kvmirq_ev_apic_accept_irq, trig_mode, false, false),
	F(struct kvmirq_ev_apic_accept_irq, vector, false, true),
};
static const struct event_field eoi_fields[] = {
	F(struct kvmirq_ev_eoi, apicid, false, false),
	F(struct kvmirq_ev_eoi, vector, false, true),
};
static const struct event_field ack_fields[] = {
	F(struct kvmirq_ev_ack_irq, irqchip, false, false),
	F(struct kvmirq_ev_ack_irq, pin, false, false),
};
static const struct event_field ipi_fields[] = {
	F(struct kvmirq_ev_apic_ipi, icr_low, false, true),
	F(struct kvmirq_ev_apic_ipi, dest_id, false, false),
};
static const struct event_field inj_fields[] = {
	F(struct kvmirq_ev_inj_virq, vector, false, true),
	F(struct kvmirq_ev_inj_virq, soft, false, false),
	F(struct kvmirq_ev_inj_virq, reinjected, false, false),
	F(struct kvmirq_ev_inj_virq, has_soft_reinjected, false, false),
};
static const struct event_field delayed_eoi_fields[] = {
	F(struct kvmirq_ev_ioapic_delayed_eoi, entry, false, true),
};
static const struct event_field arm_irq_line_fields[] = {
	F(struct kvmirq_ev_arm_irq_line, type, false, false),
	F(struct kvmirq_ev_arm_irq_line, vcpu_idx, true, false),
	F(struct kvmirq_ev_arm_irq_line, irq_num, true, false),
	F(struct kvmirq_ev_arm_irq_line, level, true, false),
};
static const struct event_field vgic_fields[] = {
	F(struct kvmirq_ev_vgic_update_pending, vcpu_id, false, false),
	F(struct kvmirq_ev_vgic_update_pending, irq, false, false),
	F(struct kvmirq_ev_vgic_update_pending, level, false, false),
};
static const struct event_field arm_timer_fields[] = {
	F(struct kvmirq_ev_arm_timer_update, vcpu_id, false, false),
	F(struct kvmirq_ev_arm_timer_update, irq, false, false),
	F(struct kvmirq_ev_arm_timer_update, level, true, false),
};
static const struct event_field booke_irqprio_fields[] = {
	F(struct kvmirq_ev_booke_queue_irqprio, vcpu_id, false, false),
	F(struct kvmirq_ev_booke_queue_irqprio, priority, false, false),
	F(struct kvmirq_ev_booke_queue_irqprio, pending, false, true),
};
static const struct event_field mpic_mmio_fields[] = {
	F(struct kvmirq_ev_mpic_mmio, offset, false, true),
	F(struct kvmirq_ev_mpic_mmio, value, false, true),
	F(struct kvmirq_ev_mpic_mmio, vcpu_id, true, false),
	F(struct kvmirq_ev_mpic_mmio, result, true, false),
	F(struct kvmirq_ev_mpic_mmio, len, false, false),
	F(struct kvmirq_ev_mpic_mmio, write, false, false),
};
static const struct event_field vcpus_running_fields[] = {
	F(struct kvmirq_ev_vcpus_running, threads, false, false),
	F(struct kvmirq_ev_vcpus_running, cause, false, false),
};
/* device_name and the payload follow these in the encoding. */
static const struct event_field ioctl_fields[] = {
	F(struct kvmirq_ev_ioctl, cmd, false, true),
	F(struct kvmirq_ev_ioctl, fd, true, false),
	F(struct kvmirq_ev_ioctl, ioctl_id, false, false),
	F(struct kvmirq_ev_ioctl, fd_kind, false, false),
	F(struct kvmirq_ev_ioctl, strategy, false, false),
	F(struct kvmirq_ev_ioctl, in_total, false, false),
	F(struct kvmirq_ev_ioctl, ret, true, false),
	F(struct kvmirq_ev_ioctl, arg, false, true),
	F(struct kvmirq_ev_ioctl, object, false, false),
	DURATION(struct kvmirq_ev_ioctl, duration_ns),
	F(struct kvmirq_ev_ioctl, in_len, false, false),
	F(struct kvmirq_ev_ioctl, out_len, false, false),
};
static const struct event_field payload_fields[] = {
	F(struct kvmirq_ev_ioctl_payload, offset, false, false),
	F(struct kvmirq_ev_ioctl_payload, len, false, false),
};

const struct event_layout event_layouts[KVMIRQ_EV_KIND_MAX] = {
	[KVMIRQ_EV_SET_IRQ] = LAYOUT(struct kvmirq_ev_set_irq, set_irq_fields),
	[KVMIRQ_EV_MSI_SET_IRQ] = LAYOUT(struct kvmirq_ev_msi_set_irq, msi_fields),
	[KVMIRQ_EV_IOAPIC_SET_IRQ] = LAYOUT(struct kvmirq_ev_ioapic_set_irq, ioapic_fields),
	[KVMIRQ_EV_PIC_SET_IRQ] = LAYOUT(struct kvmirq_ev_pic_set_irq, pic_fields),
	[KVMIRQ_EV_APIC_ACCEPT_IRQ] = LAYOUT(struct kvmirq_ev_apic_accept_irq, accept_fields),
	[KVMIRQ_EV_EOI] = LAYOUT(struct kvmirq_ev_eoi, eoi_fields),
	[KVMIRQ_EV_PV_EOI] = LAYOUT(struct kvmirq_ev_eoi, eoi_fields),
	[KVMIRQ_EV_ACK_IRQ] = LAYOUT(struct kvmirq_ev_ack_irq, ack_fields),
	[KVMIRQ_EV_APIC_IPI] = LAYOUT(struct kvmirq_ev_apic_ipi, ipi_fields),
	[KVMIRQ_EV_INJ_VIRQ] = LAYOUT(struct kvmirq_ev_inj_virq, inj_fields),
	[KVMIRQ_EV_IOAPIC_DELAYED_EOI] = LAYOUT(struct kvmirq_ev_ioapic_delayed_eoi,
						 delayed_eoi_fields),
	[KVMIRQ_EV_ARM_IRQ_LINE] = LAYOUT(struct kvmirq_ev_arm_irq_line, arm_irq_line_fields),
	[KVMIRQ_EV_VGIC_UPDATE_PENDING] = LAYOUT(struct kvmirq_ev_vgic_update_pending,
						 vgic_fields),
	[KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO] = LAYOUT(struct kvmirq_ev_booke_queue_irqprio,
						 booke_irqprio_fields),
	[KVMIRQ_EV_MPIC_MMIO] = LAYOUT(struct kvmirq_ev_mpic_mmio, mpic_mmio_fields),
	[KVMIRQ_EV_VCPUS_RUNNING] = LAYOUT(struct kvmirq_ev_vcpus_running, vcpus_running_fields),
	[KVMIRQ_EV_ARM_TIMER_UPDATE] = LAYOUT(struct kvmirq_ev_arm_timer_update, arm_timer_fields),
	[KVMIRQ_EV_IOCTL] = LAYOUT(struct kvmirq_ev_ioctl, ioctl_fields),
	[KVMIRQ_EV_IOCTL_PAYLOAD] = LAYOUT(struct kvmirq_ev_ioctl_payload, payload_fields),
};

uint64_t event_field_get(const void *body, const struct event_field *f)
{
	const unsigned char *p = (const unsigned char *)body + f->offset;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (f->size) {
	case 1:
		memcpy(&u8, p, 1);
		return f->is_signed ? (uint64_t)(int64_t)(int8_t)u8 : u8;
	case 2:
		memcpy(&u16, p, 2);
		return f->is_signed ? (uint64_t)(int64_t)(int16_t)u16 : u16;
	case 4:
		memcpy(&u32, p, 4);
		return f->is_signed ? (uint64_t)(int64_t)(int32_t)u32 : u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

void event_field_set(void *body, const struct event_field *f, uint64_t value)
{
	unsigned char *p = (unsigned char *)body + f->offset;
	uint8_t u8 = (uint8_t)value;
	uint16_t u16 = (uint16_t)value;
	uint32_t u32 = (uint32_t)value;

	switch (f->size) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &value, 8); break;
	}
}

int event_record_check(const void *rec, size_t len, char *err, size_t errlen)
{
	struct kvmirq_event_header h;
	const struct event_layout *l;
	size_t need;

	if (len < sizeof(h)) {
		snprintf(err, errlen, "record of %zu bytes is shorter than its header", len);
		return -EBADMSG;
	}
	memcpy(&h, rec, sizeof(h));
	l = event_layout(h.kind);
	if (!l) {
		snprintf(err, errlen, "unknown event kind %u", h.kind);
		return -EBADMSG;
	}
	need = sizeof(h) + l->body_size;
	if (h.size > len || h.size < need) {
		snprintf(err, errlen, "%u-byte record of kind %u (needs %zu, has %zu)", h.size,
			 h.kind, need, len);
		return -EBADMSG;
	}
	if (h.kind == KVMIRQ_EV_IOCTL) {
		struct kvmirq_ev_ioctl io;

		memcpy(&io, (const char *)rec + sizeof(h), sizeof(io));
		need += (size_t)io.in_len + io.out_len;
		if ((size_t)io.in_len + io.out_len > KVMIRQ_PAYLOAD_MAX || h.size != need ||
		    io.ioctl_id >= KVMIRQ_IOCTL_ID_MAX) {
			snprintf(err, errlen, "ioctl record with a bad payload (%u + %u bytes in %u)",
				 io.in_len, io.out_len, h.size);
			return -EBADMSG;
		}
		/* Consumers read the name as a C string; the BPF programs and the batch
		 * decoder always end it with a NUL. Without one it would be read past. */
		if (!memchr(io.device_name, '\0', sizeof(io.device_name))) {
			snprintf(err, errlen, "ioctl record with an unterminated device name");
			return -EBADMSG;
		}
	} else if (h.kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		struct kvmirq_ev_ioctl_payload p;

		memcpy(&p, (const char *)rec + sizeof(h), sizeof(p));
		if (p.len > KVMIRQ_PAYLOAD_MAX || h.size != need + p.len) {
			snprintf(err, errlen, "payload record with a bad length (%u in %u)", p.len,
				 h.size);
			return -EBADMSG;
		}
	}
	return 0;
}
