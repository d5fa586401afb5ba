// SPDX-License-Identifier: GPL-2.0
/*
 * One decoder per ioctl, in a table. Payloads are little-endian structs of
 * the KVM uAPI; each decoder checks the length it needs first.
 */
#include <stdio.h>
#include <string.h>

#include "chips/x86_msi.h"
#include "codec/ioctl_decode.h"
#include "util/kv.h"

static uint32_t u32_at(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint64_t u64_at(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

struct payload {
	const struct kvmirq_ev_ioctl *io;
	const uint8_t *in, *out;
	size_t in_len, out_len;
};

static void decode_irq_level(const struct payload *p, struct kv_list *l)
{
	if (p->in_len < 8)
		return;
	kv_u64(l, "irq", u32_at(p->in, 0));
	kv_u64(l, "level", u32_at(p->in, 4));
	if (p->out_len >= 4)
		kv_s64(l, "status", (int32_t)u32_at(p->out, 0));
}

static void decode_msi(const struct payload *p, struct kv_list *l)
{
	uint32_t lo, hi, data;

	if (p->in_len < 20)
		return;
	lo = u32_at(p->in, 0), hi = u32_at(p->in, 4), data = u32_at(p->in, 8);
	kv_hex(l, "address_lo", lo);
	kv_hex(l, "address_hi", hi);
	kv_hex(l, "data", data);
	kv_hex(l, "flags", u32_at(p->in, 12));
	kv_u64(l, "devid", u32_at(p->in, 16));
	x86_msi_to_kv((uint64_t)hi << 32 | lo, data, l);
}

static void decode_irqfd(const struct payload *p, struct kv_list *l)
{
	uint32_t flags;

	if (p->in_len < 16)
		return;
	flags = u32_at(p->in, 8);
	kv_s64(l, "eventfd", (int32_t)u32_at(p->in, 0));
	kv_u64(l, "gsi", u32_at(p->in, 4));
	kv_hex(l, "flags", flags);
	kv_str(l, "op", flags & 1 ? "deassign" : flags & 2 ? "assign-resample" : "assign");
	if (flags & 2)
		kv_s64(l, "resamplefd", (int32_t)u32_at(p->in, 12));
}

static void decode_routing_entry(const uint8_t *e, struct kv_list *l)
{
	uint32_t type = u32_at(e, 4);

	kv_object(l, NULL);
	kv_u64(l, "gsi", u32_at(e, 0));
	switch (type) {
	case 1:
		kv_str(l, "type", "irqchip");
		kv_u64(l, "irqchip", u32_at(e, 16));
		kv_u64(l, "pin", u32_at(e, 20));
		break;
	case 2:
		kv_str(l, "type", "msi");
		kv_hex(l, "address_lo", u32_at(e, 16));
		kv_hex(l, "address_hi", u32_at(e, 20));
		kv_hex(l, "data", u32_at(e, 24));
		if (u32_at(e, 8) & 1)
			kv_u64(l, "devid", u32_at(e, 28));
		break;
	default:
		kv_u64(l, "type", type);
	}
	if (u32_at(e, 8))
		kv_hex(l, "flags", u32_at(e, 8));
	kv_end(l);
}

static void decode_routing(const struct payload *p, struct kv_list *l)
{
	uint32_t nr;

	if (p->in_len < 8)
		return;
	nr = u32_at(p->in, 0);
	kv_u64(l, "nr", nr);
	kv_hex(l, "flags", u32_at(p->in, 4));
	kv_array(l, "entries");
	for (uint32_t i = 0; i < nr && 8 + (size_t)(i + 1) * 48 <= p->in_len; i++)
		decode_routing_entry(p->in + 8 + (size_t)i * 48, l);
	kv_end(l);
	if (8 + (size_t)nr * 48 > p->in_len)
		kv_u64(l, "entries_missing", nr - (uint32_t)((p->in_len - 8) / 48));
}

static const char *device_type_name(uint32_t type)
{
	static const char *const names[] = {
		[1] = "fsl-mpic-20", [2] = "fsl-mpic-42", [3] = "xics",	      [4] = "vfio",
		[5] = "arm-vgic-v2", [6] = "flic",	  [7] = "arm-vgic-v3", [8] = "arm-vgic-its",
		[9] = "xive",	     [10] = "arm-pv-time", [11] = "riscv-aia",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

static void decode_create_device(const struct payload *p, struct kv_list *l)
{
	if (p->in_len < 12)
		return;
	kv_u64(l, "type", u32_at(p->in, 0));
	kv_str(l, "type_name", device_type_name(u32_at(p->in, 0)));
	kv_hex(l, "flags", u32_at(p->in, 8));
	if (p->out_len >= 8)
		kv_u64(l, "device_fd", u32_at(p->out, 4));
}

static void decode_device_attr(const struct payload *p, struct kv_list *l)
{
	if (p->in_len < 24)
		return;
	kv_hex(l, "flags", u32_at(p->in, 0));
	kv_u64(l, "group", u32_at(p->in, 4));
	kv_hex(l, "attr", u64_at(p->in, 8));
	kv_hex(l, "addr", u64_at(p->in, 16));
	/* The value is 8 bytes wide as captured; its width depends on the group. */
	if (p->in_len >= 32)
		kv_hex(l, "value", u64_at(p->in, 24));
	if (p->out_len >= 8)
		kv_hex(l, "value", u64_at(p->out, 0));
	else if (p->out_len >= 4)
		kv_hex(l, "value", u32_at(p->out, 0));
}

static void decode_irqchip(const struct payload *p, struct kv_list *l)
{
	const uint8_t *chip = p->in_len >= 4 ? p->in : p->out_len >= 4 ? p->out : NULL;
	static const char *const names[] = { "pic-master", "pic-slave", "ioapic" };
	uint32_t id;

	if (!chip)
		return;
	id = u32_at(chip, 0);
	kv_u64(l, "chip_id", id);
	kv_str(l, "chip", id < 3 ? names[id] : "invalid");
}

static void decode_enable_cap(const struct payload *p, struct kv_list *l)
{
	if (p->in_len < 16)
		return;
	kv_u64(l, "cap", u32_at(p->in, 0));
	kv_hex(l, "arg0", u64_at(p->in, 8));
	if (p->in_len >= 24)
		kv_hex(l, "arg1", u64_at(p->in, 16));
}

static void decode_create_vcpu(const struct payload *p, struct kv_list *l)
{
	kv_u64(l, "vcpu_id", p->io->arg);
}

static void decode_interrupt(const struct payload *p, struct kv_list *l)
{
	if (p->in_len >= 4)
		kv_hex(l, "irq", u32_at(p->in, 0));
}

typedef void (*ioctl_decoder)(const struct payload *p, struct kv_list *l);

static const ioctl_decoder decoders[KVMIRQ_IOCTL_ID_MAX] = {
	[KVMIRQ_IOCTL_CREATE_VCPU] = decode_create_vcpu,
	[KVMIRQ_IOCTL_IRQ_LINE] = decode_irq_level,
	[KVMIRQ_IOCTL_IRQ_LINE_STATUS] = decode_irq_level,
	[KVMIRQ_IOCTL_SIGNAL_MSI] = decode_msi,
	[KVMIRQ_IOCTL_IRQFD] = decode_irqfd,
	[KVMIRQ_IOCTL_SET_GSI_ROUTING] = decode_routing,
	[KVMIRQ_IOCTL_CREATE_DEVICE] = decode_create_device,
	[KVMIRQ_IOCTL_SET_DEVICE_ATTR] = decode_device_attr,
	[KVMIRQ_IOCTL_GET_DEVICE_ATTR] = decode_device_attr,
	[KVMIRQ_IOCTL_HAS_DEVICE_ATTR] = decode_device_attr,
	[KVMIRQ_IOCTL_GET_IRQCHIP] = decode_irqchip,
	[KVMIRQ_IOCTL_SET_IRQCHIP] = decode_irqchip,
	[KVMIRQ_IOCTL_ENABLE_CAP] = decode_enable_cap,
	[KVMIRQ_IOCTL_INTERRUPT] = decode_interrupt,
};

void ioctl_decode(const struct kvmirq_ev_ioctl *io, const uint8_t *in, size_t in_len,
		  const uint8_t *out, size_t out_len, struct kv_list *l)
{
	struct payload p = { io, in, out, in_len, out_len };

	if (io->ioctl_id < KVMIRQ_IOCTL_ID_MAX && decoders[io->ioctl_id])
		decoders[io->ioctl_id](&p, l);
}
