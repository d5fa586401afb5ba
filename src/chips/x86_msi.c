// SPDX-License-Identifier: GPL-2.0
/* Layouts from the x86 MSI address/data format and the IOAPIC redirection entry. */
#include <stdio.h>

#include "chips/msi.h"
#include "chips/x86_msi.h"
#include "util/kv.h"

const char *x86_delivery_mode_name(unsigned int mode)
{
	static const char *const names[8] = { "fixed", "lowest", "smi",  "reserved3",
					      "nmi",   "init",   "startup", "extint" };

	return names[mode & 7];
}

void x86_msi_decode(uint64_t address, uint32_t data, struct x86_msi *m)
{
	uint32_t lo = (uint32_t)address, hi = (uint32_t)(address >> 32);

	m->dest_id = ((lo >> 12) & 0xff) | (hi & 0xffffff00);
	m->ext_dest_id = (lo >> 5) & 0x7f;
	m->redir_hint = (lo >> 3) & 1;
	m->dest_logical = (lo >> 2) & 1;
	m->vector = data & 0xff;
	m->delivery_mode = (data >> 8) & 7;
	m->assert = (data >> 14) & 1;
	m->level_trigger = (data >> 15) & 1;
}

void x86_msi_to_kv(uint64_t address, uint32_t data, struct kv_list *l)
{
	struct x86_msi m;

	x86_msi_decode(address, data, &m);
	kv_u64(l, "dest", m.dest_id);
	if (m.ext_dest_id)
		kv_u64(l, "ext_dest", m.ext_dest_id);
	kv_str(l, "dest_mode", m.dest_logical ? "logical" : "physical");
	kv_u64(l, "vector", m.vector);
	kv_str(l, "delivery", x86_delivery_mode_name(m.delivery_mode));
	kv_str(l, "trigger", m.level_trigger ? "level" : "edge");
	if (m.redir_hint)
		kv_bool(l, "redir_hint", 1);
}

void x86_ioapic_entry_to_kv(uint64_t e, struct kv_list *l)
{
	kv_u64(l, "vector", e & 0xff);
	kv_str(l, "delivery", x86_delivery_mode_name((e >> 8) & 7));
	kv_str(l, "dest_mode", (e >> 11) & 1 ? "logical" : "physical");
	kv_str(l, "trigger", (e >> 15) & 1 ? "level" : "edge");
	kv_bool(l, "masked", (e >> 16) & 1);
	kv_bool(l, "remote_irr", (e >> 14) & 1);
	kv_u64(l, "dest", e >> 56);
}

static void fields(const struct msi_message *m, struct kv_list *l)
{
	x86_msi_to_kv(m->address, m->data, l);
}

static void phrase(const struct msi_message *msg, char *buf, size_t len)
{
	struct x86_msi m;

	x86_msi_decode(msg->address, msg->data, &m);
	snprintf(buf, len, "dest %u %s vector %u %s %s", m.dest_id,
		 m.dest_logical ? "logical" : "physical", m.vector,
		 x86_delivery_mode_name(m.delivery_mode), m.level_trigger ? "level" : "edge");
}

static void route(const struct msi_message *msg, char *buf, size_t len)
{
	struct x86_msi m;
	int n;

	x86_msi_decode(msg->address, msg->data, &m);
	n = snprintf(buf, len, "dest=0x%x%s vector=0x%02x delivery=%s trigger=%s", m.dest_id,
		     m.dest_logical ? " logical" : "", m.vector,
		     x86_delivery_mode_name(m.delivery_mode), m.level_trigger ? "level" : "edge");
	if (m.ext_dest_id && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " ext_dest=0x%x", m.ext_dest_id);
}

static void cells(const struct msi_message *msg, char *buf, size_t len)
{
	struct x86_msi m;

	x86_msi_decode(msg->address, msg->data, &m);
	snprintf(buf, len, "%4u %-4s 0x%02x %-6.6s %-5s", m.dest_id,
		 m.dest_logical ? "log" : "phys", m.vector, x86_delivery_mode_name(m.delivery_mode),
		 m.level_trigger ? "level" : "edge");
}

/* The LAPICs take writes to 0xFEExxxxx; address_hi is the x2APIC destination's high bits. */
static bool valid_address(const struct msi_message *msg)
{
	return ((uint32_t)msg->address & X86_MSI_ADDRESS_MASK) == X86_MSI_ADDRESS_BASE;
}

const struct msi_decoder msi_decoder_x86 = {
	.name = "x86",
	.fields = fields,
	.phrase = phrase,
	.route = route,
	.columns = "DEST MODE VEC  DELIV  TRIG ",
	.cells = cells,
	.valid_address = valid_address,
};
