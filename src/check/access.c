// SPDX-License-Identifier: GPL-2.0
/* The device-control API's classes of controller ioctls, one table. */
#include <stdio.h>
#include <string.h>

#include "check/access.h"
#include "chips/chip.h"
#include "chips/chip_attr.h"
#include "codec/names.h"
#include "kvmirq/ioctls.h"
#include "registry/registry.h"
#include "util/byte_order.h"

#define ANY (-1)
/* The class comes from the device's register table: state, or a command. */
#define FROM_CHIP ((enum access_class)100)

struct access_row {
	uint8_t ioctl;	    /* enum kvmirq_ioctl_id */
	const char *device; /* a device fd's ops name; NULL: a VM or vCPU fd */
	int64_t group, attr; /* device attributes: which (ANY: all) */
	enum access_class class;
	const char *what;   /* what the access is, for a finding */
	const char *why;    /* ACCESS_RUNTIME: why it may happen while vCPUs run */
};

/*
 * Sources: Documentation/virt/kvm/api.rst (KVM_GET/SET_IRQCHIP, _LAPIC) and
 * Documentation/virt/kvm/devices/{mpic,arm-vgic-v3,arm-vgic-its,xics}.rst;
 * the groups' numbers are the uAPI headers'.
 */
static const struct access_row access_rows[] = {
	/* x86: whole controllers by block */
	{ KVMIRQ_IOCTL_GET_IRQCHIP, NULL, ANY, ANY, ACCESS_STATE_GET, "KVM_GET_IRQCHIP" },
	{ KVMIRQ_IOCTL_SET_IRQCHIP, NULL, ANY, ANY, ACCESS_STATE_SET, "KVM_SET_IRQCHIP" },
	{ KVMIRQ_IOCTL_GET_LAPIC, NULL, ANY, ANY, ACCESS_STATE_GET, "KVM_GET_LAPIC" },
	{ KVMIRQ_IOCTL_SET_LAPIC, NULL, ANY, ANY, ACCESS_STATE_SET, "KVM_SET_LAPIC" },

	/* Freescale MPIC: KVM_DEV_MPIC_GRP_MISC 1, REGISTER 2, IRQ_ACTIVE 3 */
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-mpic", 1, ANY, ACCESS_RUNTIME, "the MPIC's base address",
	  "the guest may move the MPIC (CCSRBAR) while it runs, and the VMM follows it" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-mpic", 1, ANY, ACCESS_STATE_GET, "the MPIC's base address" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-mpic", 2, ANY, FROM_CHIP, NULL },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-mpic", 2, ANY, FROM_CHIP, NULL },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-mpic", 3, ANY, ACCESS_COMMAND,
	  "an MPIC source's input line (IRQ_ACTIVE)" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-mpic", 3, ANY, ACCESS_STATE_GET,
	  "an MPIC source's input line (IRQ_ACTIVE)" },

	/* GICv3: DIST_REGS 1, REDIST_REGS 5, CPU_SYSREGS 6, LEVEL_INFO 7 */
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-v3", 1, ANY, ACCESS_STATE_SET, "a GICD register" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-arm-vgic-v3", 1, ANY, ACCESS_STATE_GET, "a GICD register" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-v3", 5, ANY, ACCESS_STATE_SET, "a GICR register" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-arm-vgic-v3", 5, ANY, ACCESS_STATE_GET, "a GICR register" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-v3", 6, ANY, ACCESS_STATE_SET, "an ICC register" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-arm-vgic-v3", 6, ANY, ACCESS_STATE_GET, "an ICC register" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-v3", 7, ANY, ACCESS_STATE_SET, "line levels" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-arm-vgic-v3", 7, ANY, ACCESS_STATE_GET, "line levels" },
	/* CTRL 4: SAVE_PENDING_TABLES (3) writes guest memory */
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-v3", 4, 3, ACCESS_COMMAND,
	  "KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES" },

	/* GICv3 ITS: ITS_REGS 8; CTRL 4: SAVE_TABLES 1, RESTORE_TABLES 2, CTRL_RESET 4 */
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-its", 8, ANY, ACCESS_STATE_SET, "a GITS register" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-arm-vgic-its", 8, ANY, ACCESS_STATE_GET, "a GITS register" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-its", 4, 1, ACCESS_COMMAND,
	  "KVM_DEV_ARM_ITS_SAVE_TABLES" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-its", 4, 2, ACCESS_COMMAND,
	  "KVM_DEV_ARM_ITS_RESTORE_TABLES" },
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-arm-vgic-its", 4, 4, ACCESS_COMMAND,
	  "KVM_DEV_ARM_ITS_CTRL_RESET" },

	/* XICS: SOURCES 1 */
	{ KVMIRQ_IOCTL_SET_DEVICE_ATTR, "kvm-xics", 1, ANY, ACCESS_STATE_SET, "an XICS source" },
	{ KVMIRQ_IOCTL_GET_DEVICE_ATTR, "kvm-xics", 1, ANY, ACCESS_STATE_GET, "an XICS source" },
};

/* FNV-1a: enough to tell two values apart. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static const struct access_row *find_row(uint8_t ioctl, const char *device, uint32_t group,
					 uint64_t attr)
{
	for (size_t i = 0; i < sizeof(access_rows) / sizeof(access_rows[0]); i++) {
		const struct access_row *r = &access_rows[i];

		if (r->ioctl != ioctl || (!r->device) != (!device) ||
		    (device && strcmp(r->device, device)) ||
		    (r->group != ANY && (uint64_t)r->group != group) ||
		    (r->attr != ANY && (uint64_t)r->attr != attr))
			continue;
		return r;
	}
	return NULL;
}

static const char *irqchip_name(uint32_t id)
{
	static const char *const names[] = { "the master PIC", "the slave PIC", "the IOAPIC" };

	return id < 3 ? names[id] : "an unknown irqchip";
}

/* KVM_GET/SET_IRQCHIP and _LAPIC: a whole controller's block. */
static void classify_block(const struct access_row *row, const struct kvmirq_event_header *h,
			   const struct kvmirq_ev_ioctl *io, bool big, struct access *out)
{
	bool set = out->class == ACCESS_STATE_SET;
	const uint8_t *bytes = set ? io->payload : io->payload + io->in_len;
	size_t len = set ? io->in_len : io->out_len;

	if (io->ioctl_id == KVMIRQ_IOCTL_GET_IRQCHIP || io->ioctl_id == KVMIRQ_IOCTL_SET_IRQCHIP) {
		uint32_t id = io->in_len >= 4 ? load_u32(io->payload, big) : ~0u;

		snprintf(out->what, sizeof(out->what), "%s of %s", row->what, irqchip_name(id));
		snprintf(out->key, sizeof(out->key), "irqchip %u", id);
	} else {
		snprintf(out->what, sizeof(out->what), "%s of vCPU %d", row->what, h->vcpu_id);
		snprintf(out->key, sizeof(out->key), "lapic %d", h->vcpu_id);
	}
	if (len) {
		out->value = hash_bytes(bytes, len);
		out->have_value = true;
	}
	out->restorable = true;
}

/* KVM_GET/SET_DEVICE_ATTR: struct kvm_device_attr (flags, group, attr,
 * addr), then the value as the recorder read it. */
static void classify_attr(const struct access_row *row, const char *device,
			  const struct kvmirq_ev_ioctl *io, bool big, struct access *out)
{
	bool set = io->ioctl_id == KVMIRQ_IOCTL_SET_DEVICE_ATTR;
	uint32_t group = load_u32(io->payload + 4, big);
	uint64_t attr = load_u64(io->payload + 8, big);
	size_t have = (size_t)io->in_len + io->out_len;
	const struct chip_model *m = chip_model_by_device_group(device, group, attr);
	const struct chip_register *reg = NULL;
	const char *command = NULL;
	unsigned element = 0;
	uint64_t value = 0;
	char name[64];

	if (m) {
		reg = chip_attr_register(m, group, attr, set ? CHIP_ACCESS_WRITE : CHIP_ACCESS_READ,
					 &element);
		if (reg && have >= 24 + (size_t)reg->width) {
			value = bytes_load(io->payload + 24, reg->width, big);
			out->value = value;
			out->have_value = true;
		}
	}
	out->restorable = !reg || !(reg->flags & (CHIP_READ_ONLY | CHIP_VOLATILE |
						  CHIP_SIDE_EFFECT | CHIP_WRITE_ONLY));
	if (reg) {
		chip_register_element_name(reg, element, name, sizeof(name));
		if (m->attr_layout == CHIP_ATTR_MPIDR_VCPU) /* each vCPU's instance its own */
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " of vcpu %d",
				 chip_attr_instance(m, attr));
		snprintf(out->key, sizeof(out->key), "%s %s", device, name);
		command = chip_attr_command(m, group, attr, set ? CHIP_ACCESS_WRITE : CHIP_ACCESS_READ,
					    out->have_value, value);
	} else {
		snprintf(name, sizeof(name), "group %u attr %#llx", group, (unsigned long long)attr);
		snprintf(out->key, sizeof(out->key), "%s %s", device, name);
	}
	if (row->class == FROM_CHIP)
		out->class = command ? ACCESS_COMMAND : reg ? (set ? ACCESS_STATE_SET : ACCESS_STATE_GET)
							   : ACCESS_NONE;
	if (command)
		snprintf(out->what, sizeof(out->what), "%s of %s (%s)", ioctl_name(io->ioctl_id), name,
			 command);
	else
		snprintf(out->what, sizeof(out->what), "%s of %s%s%s", ioctl_name(io->ioctl_id),
			 row->what ? row->what : name, row->what && reg ? ", " : "",
			 row->what && reg ? name : "");
}

void access_classify(const struct registry *registry, bool big,
		     const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io,
		     struct access *out)
{
	const struct object_entry *o = NULL;
	const struct access_row *row;
	const char *device = NULL;
	uint32_t group = 0;
	uint64_t attr = 0;

	memset(out, 0, sizeof(*out));
	if (io->fd_kind == KVMIRQ_FD_DEVICE) {
		o = registry_find_object(registry, (uint32_t)io->object);
		if (!o || io->in_len < 24)
			return;
		device = o->name;
		group = load_u32(io->payload + 4, big);
		attr = load_u64(io->payload + 8, big);
	}
	row = find_row(io->ioctl_id, device, group, attr);
	if (!row)
		return;
	out->class = row->class;
	out->why = row->why;
	if (device)
		classify_attr(row, device, io, big, out);
	else
		classify_block(row, h, io, big, out);
}
