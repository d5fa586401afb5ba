// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 in-kernel local APIC of one vCPU, as KVM_GET_LAPIC returns it:
 * struct kvm_lapic_state, a byte image of the xAPIC register page with each
 * 32-bit register at a 16-byte aligned offset.
 *
 * The fields follow the xAPIC layout. In x2APIC mode KVM exports ID and
 * ICR high differently (full 32-bit id / destination); the page alone does
 * not say which mode the vCPU is in (that is the APIC_BASE MSR).
 */
#include "chips/chip.h"
#include "chips/models.h"

static const char *const icr_delivery_modes[8] = { "fixed", "lowest", "smi",	 "reserved3",
						   "nmi",   "init",   "startup", "extint" };
/* LVT entries accept no lowest-priority or startup delivery. */
static const char *const lvt_delivery_modes[8] = { "fixed", "reserved1", "smi",	 "reserved3",
						   "nmi",   "init",	 "reserved6", "extint" };
static const char *const dest_modes[2] = { "physical", "logical" };
static const char *const polarities[2] = { "active-high", "active-low" };
static const char *const triggers[2] = { "edge", "level" };
static const char *const shorthands[4] = { "none", "self", "all", "all-but-self" };
static const char *const timer_modes[4] = { "one-shot", "periodic", "tsc-deadline",
					    "reserved3" };
static const char *const dfr_models[16] = { [0x0] = "cluster", [0xf] = "flat" };
/*
 * TDCR bits 0, 1 and 3 select the divisor; KVM ignores bit 2 (reserved), so
 * each divisor appears twice.
 */
static const char *const tdcr_divisors[16] = {
	"2", "4", "8", "16", "2", "4", "8", "16", "32", "64", "128", "1", "32", "64", "128", "1",
};

static const struct chip_field id_fields[] = {
	{ "id", 24, 8, CHIP_FMT_HEX },
	{ NULL },
};
static const struct chip_field lvr_fields[] = {
	{ "version", 0, 8, CHIP_FMT_HEX },
	{ "max_lvt", 16, 8, CHIP_FMT_DEC }, /* number of LVT entries - 1 */
	{ "directed_eoi", 24, 1, CHIP_FMT_BOOL },
	{ NULL },
};
static const struct chip_field ldr_fields[] = {
	{ "logical_id", 24, 8, CHIP_FMT_HEX },
	{ NULL },
};
static const struct chip_field dfr_fields[] = {
	{ "model", 28, 4, CHIP_FMT_ENUM, dfr_models },
	{ NULL },
};
static const struct chip_field spiv_fields[] = {
	{ "vector", 0, 8, CHIP_FMT_HEX },
	{ "enabled", 8, 1, CHIP_FMT_BOOL },
	{ "focus_disabled", 9, 1, CHIP_FMT_BOOL },
	{ "eoi_broadcast_suppression", 12, 1, CHIP_FMT_BOOL },
	{ NULL },
};
static const struct chip_field vector_set_fields[] = {
	{ "vectors", 0, 32, CHIP_FMT_VECTOR_SET },
	{ NULL },
};
static const struct chip_field esr_fields[] = {
	{ "send_checksum", 0, 1, CHIP_FMT_BOOL },
	{ "receive_checksum", 1, 1, CHIP_FMT_BOOL },
	{ "send_accept", 2, 1, CHIP_FMT_BOOL },
	{ "receive_accept", 3, 1, CHIP_FMT_BOOL },
	{ "redirectable_ipi", 4, 1, CHIP_FMT_BOOL },
	{ "send_illegal_vector", 5, 1, CHIP_FMT_BOOL },
	{ "receive_illegal_vector", 6, 1, CHIP_FMT_BOOL },
	{ "illegal_register", 7, 1, CHIP_FMT_BOOL },
	{ NULL },
};
static const struct chip_field icr_low_fields[] = {
	{ "vector", 0, 8, CHIP_FMT_HEX },
	{ "delivery_mode", 8, 3, CHIP_FMT_ENUM, icr_delivery_modes },
	{ "dest_mode", 11, 1, CHIP_FMT_ENUM, dest_modes },
	{ "delivery_status", 12, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "level", 14, 1, CHIP_FMT_BOOL },
	{ "trigger", 15, 1, CHIP_FMT_ENUM, triggers },
	{ "shorthand", 18, 2, CHIP_FMT_ENUM, shorthands },
	{ NULL },
};
static const struct chip_field icr_high_fields[] = {
	{ "dest", 24, 8, CHIP_FMT_HEX },
	{ NULL },
};

/* The LVT entries share a layout; each has the bits KVM keeps for it (apic_lvt_mask). */
#define LVT_VECTOR { "vector", 0, 8, CHIP_FMT_HEX }
#define LVT_MODE { "delivery_mode", 8, 3, CHIP_FMT_ENUM, lvt_delivery_modes }
#define LVT_STATUS { "delivery_status", 12, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY }
#define LVT_MASKED { "masked", 16, 1, CHIP_FMT_BOOL }

static const struct chip_field lvt_timer_fields[] = {
	LVT_VECTOR, LVT_STATUS, LVT_MASKED,
	{ "mode", 17, 2, CHIP_FMT_ENUM, timer_modes },
	{ NULL },
};
/* CMCI, thermal, PMC: vector, delivery mode, status, mask. */
static const struct chip_field lvt_moded_fields[] = {
	LVT_VECTOR, LVT_MODE, LVT_STATUS, LVT_MASKED,
	{ NULL },
};
static const struct chip_field lvt_lint_fields[] = {
	LVT_VECTOR, LVT_MODE, LVT_STATUS,
	{ "polarity", 13, 1, CHIP_FMT_ENUM, polarities },
	{ "remote_irr", 14, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "trigger", 15, 1, CHIP_FMT_ENUM, triggers },
	LVT_MASKED,
	{ NULL },
};
static const struct chip_field lvt_error_fields[] = {
	LVT_VECTOR, LVT_STATUS, LVT_MASKED,
	{ NULL },
};
static const struct chip_field count_fields[] = {
	{ "count", 0, 32, CHIP_FMT_DEC },
	{ NULL },
};
static const struct chip_field tdcr_fields[] = {
	{ "divisor", 0, 4, CHIP_FMT_ENUM, tdcr_divisors },
	{ NULL },
};

#define REG(name, off, flags, why, fields) \
	{ name, 1, 0, 4, CHIP_READ_LAPIC, 0, 0, off, flags, why, fields }
#define VECTOR_BITMAP(name, off) \
	{ name, 8, 0x10, 4, CHIP_READ_LAPIC, 0, 0, off, 0, NULL, vector_set_fields }

/* Offsets in the register page; SELF IPI (x2APIC only, write-only) is left out. */
static const struct chip_register lapic_registers[] = {
	REG("id", 0x20, 0, NULL, id_fields),
	REG("lvr", 0x30, CHIP_READ_ONLY, NULL, lvr_fields),
	REG("tpr", 0x80, 0, NULL, NULL),
	REG("apr", 0x90, CHIP_READ_ONLY, NULL, NULL),
	/* Derived from TPR and the highest ISR vector. */
	REG("ppr", 0xa0, CHIP_READ_ONLY, NULL, NULL),
	/* Listed for decoding guest writes; a read means nothing. */
	REG("eoi", 0xb0, CHIP_WRITE_ONLY, NULL, NULL),
	REG("ldr", 0xd0, 0, NULL, ldr_fields),
	REG("dfr", 0xe0, 0, NULL, dfr_fields),
	REG("spiv", 0xf0, 0, NULL, spiv_fields),
	VECTOR_BITMAP("isr", 0x100),
	VECTOR_BITMAP("tmr", 0x180), /* 1: the vector was accepted level-triggered */
	VECTOR_BITMAP("irr", 0x200),
	REG("esr", 0x280, CHIP_READ_ONLY, NULL, esr_fields),
	REG("lvt_cmci", 0x2f0, 0, NULL, lvt_moded_fields),
	REG("icr_low", 0x300, 0, NULL, icr_low_fields),
	REG("icr_high", 0x310, 0, NULL, icr_high_fields),
	REG("lvt_timer", 0x320, 0, NULL, lvt_timer_fields),
	REG("lvt_thermal", 0x330, 0, NULL, lvt_moded_fields),
	REG("lvt_pmc", 0x340, 0, NULL, lvt_moded_fields),
	REG("lvt_lint0", 0x350, 0, NULL, lvt_lint_fields),
	REG("lvt_lint1", 0x360, 0, NULL, lvt_lint_fields),
	REG("lvt_error", 0x370, 0, NULL, lvt_error_fields),
	REG("tmict", 0x380, 0, NULL, count_fields),
	REG("tmcct", 0x390, CHIP_VOLATILE | CHIP_READ_ONLY,
	    "computed from the running timer at the moment of KVM_GET_LAPIC", count_fields),
	REG("tdcr", 0x3e0, 0, NULL, tdcr_fields),
};

const struct chip_model chip_model_x86_lapic = {
	.name = "x86-lapic",
	.arch = CHIP_ARCH_X86,
	.title = "local APIC",
	.fd_kind = CHIP_FD_VCPU,
	.registers = lapic_registers,
	.nr_registers = sizeof(lapic_registers) / sizeof(lapic_registers[0]),
};
