// SPDX-License-Identifier: GPL-2.0
/*
 * One decoder per ioctl, in a table. Payloads are structs of the KVM uAPI
 * in the recording host's byte order (payload_format.h); each decoder
 * checks the length it needs first and reads every field through u32/u64.
 */
#include <stdio.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/chip_attr.h"
#include "chips/models.h"
#include "chips/payload_format.h"
#include "codec/ioctl_decode.h"
#include "codec/routing_entry.h"
#include "util/byte_order.h"
#include "util/kv.h"

struct payload {
	const struct kvmirq_ev_ioctl *io;
	const uint8_t *in, *out;
	size_t in_len, out_len;
	const struct payload_format *format;
};

static uint32_t u32(const struct payload *p, const uint8_t *bytes, size_t off)
{
	return load_u32(bytes + off, p->format->big_endian);
}

static uint64_t u64(const struct payload *p, const uint8_t *bytes, size_t off)
{
	return load_u64(bytes + off, p->format->big_endian);
}

/* struct kvm_irq_level: irq, level. The irq is a GSI, or on arm64 a type,
 * vCPU and number (the platform row says which). */
static void decode_irq_level(const struct payload *p, struct kv_list *l)
{
	struct arm_irq_line line;

	if (p->in_len < 8)
		return;
	if (p->format->platform->irq_line_is_gsi) {
		kv_u64(l, "irq", u32(p, p->in, 0));
	} else {
		kv_hex(l, "irq", u32(p, p->in, 0));
		arm_irq_line_split(u32(p, p->in, 0), &line);
		arm_irq_line_fields(&line, l);
	}
	kv_u64(l, "level", u32(p, p->in, 4));
	if (p->out_len >= 4)
		kv_s64(l, "status", (int32_t)u32(p, p->out, 0));
}

/* struct kvm_msi: address_lo, address_hi, data, flags, devid */
static void decode_msi(const struct payload *p, struct kv_list *l)
{
	struct msi_message m;
	uint32_t lo, hi, flags;

	if (p->in_len < 20)
		return;
	lo = u32(p, p->in, 0), hi = u32(p, p->in, 4), flags = u32(p, p->in, 12);
	m = (struct msi_message){
		.address = (uint64_t)hi << 32 | lo,
		.data = u32(p, p->in, 8),
		.devid = u32(p, p->in, 16),
		.has_devid = flags & MSI_VALID_DEVID,
	};
	kv_hex(l, "address_lo", lo);
	kv_hex(l, "address_hi", hi);
	kv_hex(l, "data", m.data);
	kv_hex(l, "flags", flags);
	kv_u64(l, "devid", m.devid);
	p->format->platform->msi->fields(&m, l);
}

static void decode_irqfd(const struct payload *p, struct kv_list *l)
{
	uint32_t flags;

	if (p->in_len < 16)
		return;
	flags = u32(p, p->in, 8);
	kv_s64(l, "eventfd", (int32_t)u32(p, p->in, 0));
	kv_u64(l, "gsi", u32(p, p->in, 4));
	kv_hex(l, "flags", flags);
	kv_str(l, "op", flags & 1 ? "deassign" : flags & 2 ? "assign-resample" : "assign");
	if (flags & 2)
		kv_s64(l, "resamplefd", (int32_t)u32(p, p->in, 12));
}

static void decode_routing_entry(const struct payload *p, const uint8_t *e, struct kv_list *l)
{
	struct route_view v;

	routing_entry_view(e, p->format->big_endian, &v);
	kv_object(l, NULL);
	kv_u64(l, "gsi", v.gsi);
	switch (v.type) {
	case ROUTE_TYPE_IRQCHIP:
		kv_str(l, "type", "irqchip");
		kv_u64(l, "irqchip", v.irqchip);
		kv_u64(l, "pin", v.pin);
		break;
	case ROUTE_TYPE_MSI:
		kv_str(l, "type", "msi");
		kv_hex(l, "address_lo", v.address_lo);
		kv_hex(l, "address_hi", v.address_hi);
		kv_hex(l, "data", v.data);
		if (v.flags & MSI_VALID_DEVID)
			kv_u64(l, "devid", v.devid);
		break;
	default:
		kv_u64(l, "type", v.type);
	}
	if (v.flags)
		kv_hex(l, "flags", v.flags);
	kv_end(l);
}

/* struct kvm_irq_routing: nr, flags, then nr entries */
static void decode_routing(const struct payload *p, struct kv_list *l)
{
	const size_t HEAD = KVMIRQ_SIZEOF_IRQ_ROUTING, ENTRY = KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY;
	uint32_t nr;

	if (p->in_len < HEAD)
		return;
	nr = u32(p, p->in, 0);
	kv_u64(l, "nr", nr);
	kv_hex(l, "flags", u32(p, p->in, 4));
	kv_array(l, "entries");
	for (uint32_t i = 0; i < nr && HEAD + (size_t)(i + 1) * ENTRY <= p->in_len; i++)
		decode_routing_entry(p, p->in + HEAD + (size_t)i * ENTRY, l);
	kv_end(l);
	if (HEAD + (size_t)nr * ENTRY > p->in_len)
		kv_u64(l, "entries_missing", nr - (uint32_t)((p->in_len - HEAD) / ENTRY));
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
	kv_u64(l, "type", u32(p, p->in, 0));
	kv_str(l, "type_name", device_type_name(u32(p, p->in, 0)));
	kv_hex(l, "flags", u32(p, p->in, 8));
	if (p->out_len >= 8)
		kv_u64(l, "device_fd", u32(p, p->out, 4));
}

/* The model of the device an attribute ioctl went to that reads (GROUP, ATTR), or NULL. */
static const struct chip_model *device_model(const struct payload *p, uint32_t group,
					     uint64_t attr)
{
	return p->io->fd_kind == KVMIRQ_FD_DEVICE
		       ? chip_model_by_device_group(p->io->device_name, group, attr)
		       : NULL;
}

/* How many of the HAVE captured value bytes are the value: the width the
 * device's model gives its group, else all 8 (or 4, when a narrow value ended
 * a page). */
static size_t value_width(const struct chip_model *m, uint32_t group, uint64_t attr, size_t have)
{
	size_t width = m ? chip_attr_value_width(m, group, attr) : 0;

	if (width)
		return have >= width ? width : 0;
	return have >= 8 ? 8 : have >= 4 ? 4 : 0;
}

enum chip_access ioctl_attr_access(uint8_t ioctl_id)
{
	switch (ioctl_id) {
	case KVMIRQ_IOCTL_SET_DEVICE_ATTR: return CHIP_ACCESS_WRITE;
	case KVMIRQ_IOCTL_GET_DEVICE_ATTR: return CHIP_ACCESS_READ;
	default: return CHIP_ACCESS_PROBE;
	}
}

/* struct kvm_device_attr: flags, group, attr (u64), addr (u64); the value at addr
 * follows. A device whose model names the group gets the access in its terms:
 * the written value for a SET, the value read for a GET. */
static void decode_device_attr(const struct payload *p, struct kv_list *l)
{
	const struct chip_model *m;
	enum chip_access access = ioctl_attr_access(p->io->ioctl_id);
	uint64_t written = 0, read = 0;
	size_t in_width, out_width;
	uint32_t group;
	uint64_t attr;

	if (p->in_len < 24)
		return;
	group = u32(p, p->in, 4);
	attr = u64(p, p->in, 8);
	m = device_model(p, group, attr);
	kv_hex(l, "flags", u32(p, p->in, 0));
	kv_u64(l, "group", group);
	kv_hex(l, "attr", attr);
	kv_hex(l, "addr", u64(p, p->in, 16));
	in_width = value_width(m, group, attr, p->in_len - 24);
	out_width = value_width(m, group, attr, p->out_len);
	if (in_width) {
		written = bytes_load(p->in + 24, (unsigned)in_width, p->format->big_endian);
		kv_hex(l, "value", written);
	}
	if (out_width) {
		read = bytes_load(p->out, (unsigned)out_width, p->format->big_endian);
		kv_hex(l, "value", read);
	}
	if (!m)
		return;
	if (access == CHIP_ACCESS_WRITE)
		chip_attr_decode(m, group, attr, access, in_width, written, l);
	else
		chip_attr_decode(m, group, attr, access, out_width, read, l);
}

static void decode_irqchip(const struct payload *p, struct kv_list *l)
{
	const uint8_t *chip = p->in_len >= 4 ? p->in : p->out_len >= 4 ? p->out : NULL;
	static const char *const names[] = { "pic-master", "pic-slave", "ioapic" };
	uint32_t id;

	if (!chip)
		return;
	id = u32(p, chip, 0);
	kv_u64(l, "chip_id", id);
	kv_str(l, "chip", id < 3 ? names[id] : "invalid");
}

static void decode_enable_cap(const struct payload *p, struct kv_list *l)
{
	if (p->in_len < 16)
		return;
	kv_u64(l, "cap", u32(p, p->in, 0));
	kv_hex(l, "arg0", u64(p, p->in, 8));
	if (p->in_len >= 24)
		kv_hex(l, "arg1", u64(p, p->in, 16));
}

static void decode_create_vcpu(const struct payload *p, struct kv_list *l)
{
	kv_u64(l, "vcpu_id", p->io->arg);
}

static void decode_interrupt(const struct payload *p, struct kv_list *l)
{
	if (p->in_len >= 4)
		kv_hex(l, "irq", u32(p, p->in, 0));
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
		  const uint8_t *out, size_t out_len, const struct payload_format *format,
		  struct kv_list *l)
{
	struct payload p = { io, in, out, in_len, out_len, format };

	if (io->ioctl_id < KVMIRQ_IOCTL_ID_MAX && decoders[io->ioctl_id])
		decoders[io->ioctl_id](&p, l);
}
