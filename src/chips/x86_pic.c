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
#define PIN(n, fmt_, names_) \
	{ .name = "pin" #n, .lo = n, .bits = 1, .format = fmt_, .names = names_ }
#define PINS(fmt, names)                                                            \
	{ PIN(0, fmt, names), PIN(1, fmt, names), PIN(2, fmt, names), PIN(3, fmt, names), \
	  PIN(4, fmt, names), PIN(5, fmt, names), PIN(6, fmt, names), PIN(7, fmt, names), \
	  { .name = NULL } }

static const struct chip_field pin_bits[] = PINS(CHIP_FMT_BOOL, NULL);
static const struct chip_field pin_triggers[] = PINS(CHIP_FMT_ENUM, triggers);

static const struct chip_field priority_add_fields[] = {
	/* Rotation: the pin that currently has the highest priority. */
	{ .name = "highest_pin", .lo = 0, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};
static const struct chip_field irq_base_fields[] = {
	/* ICW2: pin n raises vector base + n */
	{ .name = "vector_base", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};
static const struct chip_field read_select_fields[] = {
	{ .name = "reads", .lo = 0, .bits = 1, .format = CHIP_FMT_ENUM, .names = read_selects },
	{ .name = NULL },
};
static const struct chip_field init_state_fields[] = {
	{ .name = "state", .lo = 0, .bits = 2, .format = CHIP_FMT_ENUM, .names = init_states },
	{ .name = NULL },
};
static const struct chip_field flag_fields[] = {
	{ .name = "on", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

#define LINES_MOVE "the input line levels: devices raise and lower them"

/* A one-byte register of chip ID's block, at byte offset .offset. */
#define PIC_REG(id, ...) \
	{ .count = 1, .width = 1, .read = CHIP_READ_IRQCHIP, .attr = id, __VA_ARGS__ }

/* struct kvm_pic_state, one byte each, offsets 0..15. */
#define PIC_REGISTERS(id) {                                                                   \
	PIC_REG(id, .name = "last_irr", .offset = 0, .flags = CHIP_VOLATILE | CHIP_READ_ONLY, \
		.why = LINES_MOVE, .fields = pin_bits),                                       \
	PIC_REG(id, .name = "irr", .offset = 1, .flags = CHIP_VOLATILE | CHIP_READ_ONLY,      \
		.why = LINES_MOVE, .fields = pin_bits),                                       \
	PIC_REG(id, .name = "imr", .offset = 2, .fields = pin_bits),                          \
	PIC_REG(id, .name = "isr", .offset = 3, .flags = CHIP_READ_ONLY, .fields = pin_bits), \
	PIC_REG(id, .name = "priority_add", .offset = 4, .fields = priority_add_fields),      \
	PIC_REG(id, .name = "irq_base", .offset = 5, .fields = irq_base_fields),              \
	PIC_REG(id, .name = "read_reg_select", .offset = 6, .fields = read_select_fields),    \
	PIC_REG(id, .name = "poll", .offset = 7, .fields = flag_fields),                      \
	PIC_REG(id, .name = "special_mask", .offset = 8, .fields = flag_fields),              \
	PIC_REG(id, .name = "init_state", .offset = 9, .fields = init_state_fields),          \
	PIC_REG(id, .name = "auto_eoi", .offset = 10, .fields = flag_fields),                 \
	PIC_REG(id, .name = "rotate_on_auto_eoi", .offset = 11, .fields = flag_fields),       \
	PIC_REG(id, .name = "special_fully_nested_mode", .offset = 12,                        \
		.fields = flag_fields),                                                       \
	PIC_REG(id, .name = "init4", .offset = 13, .fields = flag_fields),                    \
	PIC_REG(id, .name = "elcr", .offset = 14, .fields = pin_triggers),                    \
	/* Which ELCR bits the guest may set: fixed by KVM per chip. */                       \
	PIC_REG(id, .name = "elcr_mask", .offset = 15, .flags = CHIP_READ_ONLY),              \
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
