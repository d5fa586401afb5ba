// SPDX-License-Identifier: GPL-2.0
/*
 * The VGICv3 ITS (KVM_DEV_TYPE_ARM_VGIC_ITS, anon inode
 * "kvm-arm-vgic-its"): group KVM_DEV_ARM_VGIC_GRP_ITS_REGS, attr = the
 * register's offset from the ITS base, always a 64-bit value (the 32-bit
 * registers in its low half). The ITS's own tables (devices, collections,
 * translations) live in guest memory: group CTRL's SAVE_TABLES writes them
 * there and RESTORE_TABLES reads them back, commands that a snapshot never
 * issues. Restoring sets CBASER, then the other registers, then
 * RESTORE_TABLES, then CTLR.
 *
 * Checked against arch/arm64/kvm/vgic/vgic-its.c and
 * include/linux/irqchip/arm-gic-v3.h of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/gicv3.h"
#include "chips/models.h"
#include "chips/msi.h"

#define ITS_BASERS 8

#define ITS_REG(...)                                                                           \
	{ .width = 8, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_ITS_REGS, __VA_ARGS__ }
#define ITS_CTRL(...)                                                                          \
	{ .width = 8, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_CTRL,                 \
	  .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, __VA_ARGS__ }

static const char *const baser_types[8] = { "none", "devices", "vpes", NULL, "collections" };

static const struct chip_field ctlr_fields[] = {
	{ .name = "enabled", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "quiescent", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = NULL },
};

/* The revision is the ABI of the tables SAVE_TABLES writes. */
static const struct chip_field iidr_fields[] = {
	{ .name = "implementer", .lo = 0, .bits = 12, .format = CHIP_FMT_HEX },
	{ .name = "revision", .lo = 12, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "product_id", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

/* Sizes minus one: an ITT entry's bytes, the event and device id widths, the collection id's. */
static const struct chip_field typer_fields[] = {
	{ .name = "physical", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "itt_entry_size", .lo = 4, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "id_bits", .lo = 8, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "dev_bits", .lo = 13, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "cid_bits", .lo = 32, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "cil", .lo = 36, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* The command queue: its 4 KiB pages minus one, where, and whether valid. */
static const struct chip_field cbaser_fields[] = {
	{ .name = "size", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "shareability", .lo = 10, .bits = 2, .format = CHIP_FMT_DEC },
	{ .name = "pa", .lo = 12, .bits = 40, .format = CHIP_FMT_HEX }, /* PA bits 51:12 */
	{ .name = "outer_cache", .lo = 53, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "inner_cache", .lo = 59, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "valid", .lo = 63, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* A byte offset in the queue, in 32-byte commands (bits 19:5). */
static const struct chip_field cwriter_fields[] = {
	{ .name = "retry", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "offset", .lo = 5, .bits = 15, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};
static const struct chip_field creadr_fields[] = {
	{ .name = "stalled", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "offset", .lo = 5, .bits = 15, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

/* A table the guest gives the ITS: the device table, the collection table. */
static const struct chip_field baser_fields[] = {
	{ .name = "size", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "page_size", .lo = 8, .bits = 2, .format = CHIP_FMT_DEC },
	{ .name = "shareability", .lo = 10, .bits = 2, .format = CHIP_FMT_DEC },
	{ .name = "pa", .lo = 12, .bits = 36, .format = CHIP_FMT_HEX }, /* PA bits 47:12 */
	{ .name = "entry_size", .lo = 48, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "outer_cache", .lo = 53, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "type", .lo = 56, .bits = 3, .format = CHIP_FMT_ENUM, .names = baser_types,
	  .flags = CHIP_READ_ONLY },
	{ .name = "inner_cache", .lo = 59, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "indirect", .lo = 62, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "valid", .lo = 63, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* The ITS's translations, in no register: RESTORE_TABLES and a reset change them. */
static const char *const everything[] = { "*", NULL };

static const struct chip_register its_registers[] = {
	ITS_REG(.name = "ctlr", .attr = 0x0000, .fields = ctlr_fields),
	ITS_REG(.name = "iidr", .attr = 0x0004, .fields = iidr_fields),
	ITS_REG(.name = "typer", .attr = 0x0008, .flags = CHIP_READ_ONLY, .fields = typer_fields),
	ITS_REG(.name = "cbaser", .attr = 0x0080, .fields = cbaser_fields),
	ITS_REG(.name = "cwriter", .attr = 0x0088, .fields = cwriter_fields),
	ITS_REG(.name = "creadr", .attr = 0x0090, .flags = CHIP_VOLATILE,
		.why = "the ITS consumes the queue as the guest writes CWRITER",
		.fields = creadr_fields),
	ITS_REG(.name = "baser", .count = ITS_BASERS, .stride = 8, .attr = 0x0100,
		.fields = baser_fields),

	/* CTRL (KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_ITS_*): commands, no value */
	ITS_CTRL(.name = "ctrl_init", .attr = 0, .command = "init"),
	ITS_CTRL(.name = "ctrl_save_tables", .attr = GICV3_ITS_SAVE_TABLES, .command = "save-tables"),
	ITS_CTRL(.name = "ctrl_restore_tables", .attr = 2, .command = "restore-tables",
		 .forgets = everything),
	ITS_CTRL(.name = "ctrl_reset", .attr = 4, .command = "reset", .forgets = everything),
};

const struct chip_model chip_model_gicv3_its = {
	.name = "arm-gicv3-its",
	.arch = CHIP_ARCH_ARM64,
	.title = "GICv3 ITS",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = GICV3_ITS_DEVICE,
	.registers = its_registers,
	.nr_registers = sizeof(its_registers) / sizeof(its_registers[0]),
	.groups = gicv3_its_groups,
	.msi = &msi_decoder_its,
};
