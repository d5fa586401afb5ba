// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 in-kernel IOAPIC, as KVM_GET_IRQCHIP (chip id 2) returns it:
 * struct kvm_ioapic_state, with its 24 redirection entries.
 */
#include "chips/chip.h"
#include "chips/models.h"

#define IOAPIC_CHIP_ID 2

static const char *const delivery_modes[8] = { "fixed", "lowest", "smi",     "reserved3",
					       "nmi",   "init",   "reserved6", "extint" };
static const char *const dest_modes[2] = { "physical", "logical" };
static const char *const polarities[2] = { "active-high", "active-low" };
static const char *const triggers[2] = { "edge", "level" };

static const struct chip_field redir_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = "delivery_mode", .lo = 8, .bits = 3, .format = CHIP_FMT_ENUM,
	  .names = delivery_modes },
	{ .name = "dest_mode", .lo = 11, .bits = 1, .format = CHIP_FMT_ENUM, .names = dest_modes },
	{ .name = "delivery_status", .lo = 12, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "polarity", .lo = 13, .bits = 1, .format = CHIP_FMT_ENUM, .names = polarities },
	{ .name = "remote_irr", .lo = 14, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "trigger", .lo = 15, .bits = 1, .format = CHIP_FMT_ENUM, .names = triggers },
	{ .name = "masked", .lo = 16, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "dest_id", .lo = 56, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

static const struct chip_field id_fields[] = {
	{ .name = "id", .lo = 24, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

/* struct kvm_ioapic_state: base_address @0, ioregsel @8, id @12, irr @16, redirtbl @24. */
static const struct chip_register ioapic_registers[] = {
	{ .name = "base_address", .count = 1, .width = 8, .read = CHIP_READ_IRQCHIP,
	  .attr = IOAPIC_CHIP_ID, .offset = 0 },
	{ .name = "ioregsel", .count = 1, .width = 4, .read = CHIP_READ_IRQCHIP,
	  .attr = IOAPIC_CHIP_ID, .offset = 8, .flags = CHIP_VOLATILE,
	  .why = "the guest's index register: it moves with every register access" },
	{ .name = "id", .count = 1, .width = 4, .read = CHIP_READ_IRQCHIP,
	  .attr = IOAPIC_CHIP_ID, .offset = 12, .fields = id_fields },
	{ .name = "irr", .count = 1, .width = 4, .read = CHIP_READ_IRQCHIP,
	  .attr = IOAPIC_CHIP_ID, .offset = 16, .flags = CHIP_VOLATILE,
	  .why = "the pins' input levels: devices raise and lower them" },
	{ .name = "redir", .count = 24, .stride = 8, .width = 8, .read = CHIP_READ_IRQCHIP,
	  .attr = IOAPIC_CHIP_ID, .offset = 24, .fields = redir_fields },
};

const struct chip_model chip_model_x86_ioapic = {
	.name = "x86-ioapic",
	.arch = CHIP_ARCH_X86,
	.title = "IOAPIC",
	.fd_kind = CHIP_FD_VM,
	.registers = ioapic_registers,
	.nr_registers = sizeof(ioapic_registers) / sizeof(ioapic_registers[0]),
};
