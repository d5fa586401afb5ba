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
	{ "vector", 0, 8, CHIP_FMT_HEX },
	{ "delivery_mode", 8, 3, CHIP_FMT_ENUM, delivery_modes },
	{ "dest_mode", 11, 1, CHIP_FMT_ENUM, dest_modes },
	{ "delivery_status", 12, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "polarity", 13, 1, CHIP_FMT_ENUM, polarities },
	{ "remote_irr", 14, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "trigger", 15, 1, CHIP_FMT_ENUM, triggers },
	{ "masked", 16, 1, CHIP_FMT_BOOL },
	{ "dest_id", 56, 8, CHIP_FMT_HEX },
	{ NULL },
};

static const struct chip_field id_fields[] = {
	{ "id", 24, 4, CHIP_FMT_DEC },
	{ NULL },
};

/* struct kvm_ioapic_state: base_address @0, ioregsel @8, id @12, irr @16, redirtbl @24. */
static const struct chip_register ioapic_registers[] = {
	{ "base_address", 1, 0, 8, CHIP_READ_IRQCHIP, 0, IOAPIC_CHIP_ID, 0 },
	{ "ioregsel", 1, 0, 4, CHIP_READ_IRQCHIP, 0, IOAPIC_CHIP_ID, 8, CHIP_VOLATILE,
	  "the guest's index register: it moves with every register access" },
	{ "id", 1, 0, 4, CHIP_READ_IRQCHIP, 0, IOAPIC_CHIP_ID, 12, 0, NULL, id_fields },
	{ "irr", 1, 0, 4, CHIP_READ_IRQCHIP, 0, IOAPIC_CHIP_ID, 16, CHIP_VOLATILE,
	  "the pins' input levels: devices raise and lower them" },
	{ "redir", 24, 8, 8, CHIP_READ_IRQCHIP, 0, IOAPIC_CHIP_ID, 24, 0, NULL, redir_fields },
};

const struct chip_model chip_model_x86_ioapic = {
	.name = "x86-ioapic",
	.arch = CHIP_ARCH_X86,
	.title = "IOAPIC",
	.fd_kind = CHIP_FD_VM,
	.registers = ioapic_registers,
	.nr_registers = sizeof(ioapic_registers) / sizeof(ioapic_registers[0]),
};
