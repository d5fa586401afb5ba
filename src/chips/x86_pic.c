// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 in-kernel 8259 PIC pair, as KVM_GET_IRQCHIP returns it: chip id 0
 * is the master, 1 the slave, each a struct kvm_pic_state of 16 bytes in
 * this order. The two models differ only in the chip id their reads use.
 */
#include "chips/chip.h"
#include "chips/models.h"

#define PIC_MASTER_CHIP_ID 0
#define PIC_SLAVE_CHIP_ID 1

/* Where the guest is in the ICW1..ICW4 initialization sequence (i8259.c). */
static const char *const init_states[4] = { "ready", "want-icw2", "want-icw3", "want-icw4" };
static const char *const read_selects[2] = { "irr", "isr" }; /* OCW3 RIS */
static const char *const triggers[2] = { "edge", "level" };

/* One field per input pin, so that diff names the pin that changed. */
#define PIN(n, fmt, names) { "pin" #n, n, 1, fmt, names }
#define PINS(fmt, names)                                                            \
	{ PIN(0, fmt, names), PIN(1, fmt, names), PIN(2, fmt, names), PIN(3, fmt, names), \
	  PIN(4, fmt, names), PIN(5, fmt, names), PIN(6, fmt, names), PIN(7, fmt, names), \
	  { NULL } }

static const struct chip_field pin_bits[] = PINS(CHIP_FMT_BOOL, NULL);
static const struct chip_field pin_triggers[] = PINS(CHIP_FMT_ENUM, triggers);

static const struct chip_field priority_add_fields[] = {
	/* Rotation: the pin that currently has the highest priority. */
	{ "highest_pin", 0, 3, CHIP_FMT_DEC },
	{ NULL },
};
static const struct chip_field irq_base_fields[] = {
	{ "vector_base", 0, 8, CHIP_FMT_HEX }, /* ICW2: pin n raises vector base + n */
	{ NULL },
};
static const struct chip_field read_select_fields[] = {
	{ "reads", 0, 1, CHIP_FMT_ENUM, read_selects },
	{ NULL },
};
static const struct chip_field init_state_fields[] = {
	{ "state", 0, 2, CHIP_FMT_ENUM, init_states },
	{ NULL },
};
static const struct chip_field flag_fields[] = {
	{ "on", 0, 1, CHIP_FMT_BOOL },
	{ NULL },
};

#define LINES_MOVE "the input line levels: devices raise and lower them"

#define PIC_REG(id, name, off, flags, why, fields) \
	{ name, 1, 0, 1, CHIP_READ_IRQCHIP, 0, id, off, flags, why, fields }

/* struct kvm_pic_state, one byte each, offsets 0..15. */
#define PIC_REGISTERS(id)                                                                  \
	{                                                                                  \
		PIC_REG(id, "last_irr", 0, CHIP_VOLATILE | CHIP_READ_ONLY, LINES_MOVE, pin_bits), \
		PIC_REG(id, "irr", 1, CHIP_VOLATILE | CHIP_READ_ONLY, LINES_MOVE, pin_bits),     \
		PIC_REG(id, "imr", 2, 0, NULL, pin_bits),                                  \
		PIC_REG(id, "isr", 3, CHIP_READ_ONLY, NULL, pin_bits),                     \
		PIC_REG(id, "priority_add", 4, 0, NULL, priority_add_fields),              \
		PIC_REG(id, "irq_base", 5, 0, NULL, irq_base_fields),                      \
		PIC_REG(id, "read_reg_select", 6, 0, NULL, read_select_fields),            \
		PIC_REG(id, "poll", 7, 0, NULL, flag_fields),                              \
		PIC_REG(id, "special_mask", 8, 0, NULL, flag_fields),                      \
		PIC_REG(id, "init_state", 9, 0, NULL, init_state_fields),                  \
		PIC_REG(id, "auto_eoi", 10, 0, NULL, flag_fields),                         \
		PIC_REG(id, "rotate_on_auto_eoi", 11, 0, NULL, flag_fields),               \
		PIC_REG(id, "special_fully_nested_mode", 12, 0, NULL, flag_fields),        \
		PIC_REG(id, "init4", 13, 0, NULL, flag_fields),                            \
		PIC_REG(id, "elcr", 14, 0, NULL, pin_triggers),                            \
		/* Which ELCR bits the guest may set: fixed by KVM per chip. */            \
		PIC_REG(id, "elcr_mask", 15, CHIP_READ_ONLY, NULL, NULL),                  \
	}

static const struct chip_register master_registers[] = PIC_REGISTERS(PIC_MASTER_CHIP_ID);
static const struct chip_register slave_registers[] = PIC_REGISTERS(PIC_SLAVE_CHIP_ID);

const struct chip_model chip_model_x86_pic_master = {
	.name = "x86-pic-master",
	.arch = CHIP_ARCH_X86,
	.title = "8259 PIC (master)",
	.fd_kind = CHIP_FD_VM,
	.registers = master_registers,
	.nr_registers = sizeof(master_registers) / sizeof(master_registers[0]),
};

const struct chip_model chip_model_x86_pic_slave = {
	.name = "x86-pic-slave",
	.arch = CHIP_ARCH_X86,
	.title = "8259 PIC (slave)",
	.fd_kind = CHIP_FD_VM,
	.registers = slave_registers,
	.nr_registers = sizeof(slave_registers) / sizeof(slave_registers[0]),
};
