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
	{ .name = "id", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};
static const struct chip_field lvr_fields[] = {
	{ .name = "version", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	/* number of LVT entries - 1 */
	{ .name = "max_lvt", .lo = 16, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "directed_eoi", .lo = 24, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};
static const struct chip_field ldr_fields[] = {
	{ .name = "logical_id", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};
static const struct chip_field dfr_fields[] = {
	{ .name = "model", .lo = 28, .bits = 4, .format = CHIP_FMT_ENUM, .names = dfr_models },
	{ .name = NULL },
};
static const struct chip_field spiv_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = "enabled", .lo = 8, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "focus_disabled", .lo = 9, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "eoi_broadcast_suppression", .lo = 12, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};
static const struct chip_field vector_set_fields[] = {
	{ .name = "vectors", .lo = 0, .bits = 32, .format = CHIP_FMT_VECTOR_SET },
	{ .name = NULL },
};
static const struct chip_field esr_fields[] = {
	{ .name = "send_checksum", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "receive_checksum", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "send_accept", .lo = 2, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "receive_accept", .lo = 3, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "redirectable_ipi", .lo = 4, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "send_illegal_vector", .lo = 5, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "receive_illegal_vector", .lo = 6, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "illegal_register", .lo = 7, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};
static const struct chip_field icr_low_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = "delivery_mode", .lo = 8, .bits = 3, .format = CHIP_FMT_ENUM,
	  .names = icr_delivery_modes },
	{ .name = "dest_mode", .lo = 11, .bits = 1, .format = CHIP_FMT_ENUM, .names = dest_modes },
	{ .name = "delivery_status", .lo = 12, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "level", .lo = 14, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "trigger", .lo = 15, .bits = 1, .format = CHIP_FMT_ENUM, .names = triggers },
	{ .name = "shorthand", .lo = 18, .bits = 2, .format = CHIP_FMT_ENUM, .names = shorthands },
	{ .name = NULL },
};
static const struct chip_field icr_high_fields[] = {
	{ .name = "dest", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

/* The LVT entries share a layout; each has the bits KVM keeps for it (apic_lvt_mask). */
#define LVT_VECTOR { .name = "vector", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX }
#define LVT_MODE                                                               \
	{ .name = "delivery_mode", .lo = 8, .bits = 3, .format = CHIP_FMT_ENUM, \
	  .names = lvt_delivery_modes }
#define LVT_STATUS                                                                \
	{ .name = "delivery_status", .lo = 12, .bits = 1, .format = CHIP_FMT_BOOL, \
	  .flags = CHIP_READ_ONLY }
#define LVT_MASKED { .name = "masked", .lo = 16, .bits = 1, .format = CHIP_FMT_BOOL }

static const struct chip_field lvt_timer_fields[] = {
	LVT_VECTOR, LVT_STATUS, LVT_MASKED,
	{ .name = "mode", .lo = 17, .bits = 2, .format = CHIP_FMT_ENUM, .names = timer_modes },
	{ .name = NULL },
};
/* CMCI, thermal, PMC: vector, delivery mode, status, mask. */
static const struct chip_field lvt_moded_fields[] = {
	LVT_VECTOR, LVT_MODE, LVT_STATUS, LVT_MASKED,
	{ .name = NULL },
};
static const struct chip_field lvt_lint_fields[] = {
	LVT_VECTOR, LVT_MODE, LVT_STATUS,
	{ .name = "polarity", .lo = 13, .bits = 1, .format = CHIP_FMT_ENUM, .names = polarities },
	{ .name = "remote_irr", .lo = 14, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "trigger", .lo = 15, .bits = 1, .format = CHIP_FMT_ENUM, .names = triggers },
	LVT_MASKED,
	{ .name = NULL },
};
static const struct chip_field lvt_error_fields[] = {
	LVT_VECTOR, LVT_STATUS, LVT_MASKED,
	{ .name = NULL },
};
static const struct chip_field count_fields[] = {
	{ .name = "count", .lo = 0, .bits = 32, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};
static const struct chip_field tdcr_fields[] = {
	{ .name = "divisor", .lo = 0, .bits = 4, .format = CHIP_FMT_ENUM, .names = tdcr_divisors },
	{ .name = NULL },
};

/* A 32-bit register of the page, at byte offset .offset. */
#define LAPIC_REG(...) { .count = 1, .width = 4, .read = CHIP_READ_LAPIC, __VA_ARGS__ }
/* 256 bits, one per vector: eight 32-bit registers 0x10 apart. */
#define LAPIC_VECTOR_BITMAP(...)                                                        \
	{ .count = 8, .stride = 0x10, .width = 4, .read = CHIP_READ_LAPIC,              \
	  .fields = vector_set_fields, __VA_ARGS__ }

/* Offsets in the register page; SELF IPI (x2APIC only, write-only) is left out. */
static const struct chip_register lapic_registers[] = {
	LAPIC_REG(.name = "id", .offset = 0x20, .fields = id_fields),
	LAPIC_REG(.name = "lvr", .offset = 0x30, .flags = CHIP_READ_ONLY, .fields = lvr_fields),
	LAPIC_REG(.name = "tpr", .offset = 0x80),
	LAPIC_REG(.name = "apr", .offset = 0x90, .flags = CHIP_READ_ONLY),
	/* Derived from TPR and the highest ISR vector. */
	LAPIC_REG(.name = "ppr", .offset = 0xa0, .flags = CHIP_READ_ONLY),
	/* Listed for decoding guest writes; a read means nothing. */
	LAPIC_REG(.name = "eoi", .offset = 0xb0, .flags = CHIP_WRITE_ONLY),
	LAPIC_REG(.name = "ldr", .offset = 0xd0, .fields = ldr_fields),
	LAPIC_REG(.name = "dfr", .offset = 0xe0, .fields = dfr_fields),
	LAPIC_REG(.name = "spiv", .offset = 0xf0, .fields = spiv_fields),
	LAPIC_VECTOR_BITMAP(.name = "isr", .offset = 0x100),
	/* 1: the vector was accepted level-triggered */
	LAPIC_VECTOR_BITMAP(.name = "tmr", .offset = 0x180),
	LAPIC_VECTOR_BITMAP(.name = "irr", .offset = 0x200),
	LAPIC_REG(.name = "esr", .offset = 0x280, .flags = CHIP_READ_ONLY, .fields = esr_fields),
	LAPIC_REG(.name = "lvt_cmci", .offset = 0x2f0, .fields = lvt_moded_fields),
	LAPIC_REG(.name = "icr_low", .offset = 0x300, .fields = icr_low_fields),
	LAPIC_REG(.name = "icr_high", .offset = 0x310, .fields = icr_high_fields),
	LAPIC_REG(.name = "lvt_timer", .offset = 0x320, .fields = lvt_timer_fields),
	LAPIC_REG(.name = "lvt_thermal", .offset = 0x330, .fields = lvt_moded_fields),
	LAPIC_REG(.name = "lvt_pmc", .offset = 0x340, .fields = lvt_moded_fields),
	LAPIC_REG(.name = "lvt_lint0", .offset = 0x350, .fields = lvt_lint_fields),
	LAPIC_REG(.name = "lvt_lint1", .offset = 0x360, .fields = lvt_lint_fields),
	LAPIC_REG(.name = "lvt_error", .offset = 0x370, .fields = lvt_error_fields),
	LAPIC_REG(.name = "tmict", .offset = 0x380, .fields = count_fields),
	LAPIC_REG(.name = "tmcct", .offset = 0x390, .flags = CHIP_VOLATILE | CHIP_READ_ONLY,
		  .why = "computed from the running timer at the moment of KVM_GET_LAPIC",
		  .fields = count_fields),
	LAPIC_REG(.name = "tdcr", .offset = 0x3e0, .fields = tdcr_fields),
};

const struct chip_model chip_model_x86_lapic = {
	.name = "x86-lapic",
	.arch = CHIP_ARCH_X86,
	.title = "local APIC",
	.fd_kind = CHIP_FD_VCPU,
	.registers = lapic_registers,
	.nr_registers = sizeof(lapic_registers) / sizeof(lapic_registers[0]),
};
