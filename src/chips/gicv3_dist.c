// SPDX-License-Identifier: GPL-2.0
/*
 * The VGICv3 distributor (KVM_DEV_TYPE_ARM_VGIC_V3, anon inode
 * "kvm-arm-vgic-v3"): group KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr = the
 * register's offset (bits 31:0; the MPIDR in bits 63:32 is ignored), a
 * 32-bit value. 64-bit registers (IROUTER) are read as two halves, at the
 * offset and at offset + 4.
 *
 * The distributor holds the SPIs (INTIDs 32..1019); the words and bytes of
 * INTIDs 0..31 are the redistributors' (gicv3_redist.c). Registers of
 * INTIDs past the VM's NR_IRQS read as zero from user space and ignore
 * writes (vgic_uaccess_read answers 0 where check_region refuses; seen in
 * the arm64 rig): a snapshot reads GICD_TYPER first and leaves those
 * unread (CHIP_STATUS_PAST_IRQS), about 2200 of 2460 reads on a VM with
 * 128 interrupts.
 *
 * A user space read of ISPENDR gives the pending latch, not the line level
 * (LEVEL_INFO); ICPENDR reads as zero and ignores writes; ICENABLER and
 * ICACTIVER read as their IS twins. A user space write of ISENABLER or
 * ISACTIVER sets the bits written and leaves the others, so what it leaves
 * is not known from the value: those writes forget the register.
 *
 * Checked against arch/arm64/kvm/vgic/vgic-mmio-v3.c and
 * include/linux/irqchip/arm-gic-v3.h of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/gicv3.h"
#include "chips/models.h"

#define GIC_SPI_WORDS 32   /* bitmap words: INTIDs 0..1023 */
#define GIC_SPIS 988	   /* INTIDs 32..1019 */
#define GIC_PRIORITY_WORDS 255 /* 4 INTIDs a word: 0..1019 */
#define GIC_CFG_WORDS 64   /* 16 INTIDs a word */

#define DIST_REG(...)                                                                          \
	{ .width = 4, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_DIST_REGS, __VA_ARGS__ }
/* A bitmap of one bit per INTID: word E is INTIDs 32E..32E+31. */
#define DIST_BITMAP(...) DIST_REG(.count = GIC_SPI_WORDS, .stride = 4, .irq_span = 32, __VA_ARGS__)


static const struct chip_field ctlr_fields[] = {
	{ .name = "enable_grp0", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "enable_grp1", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "are", .lo = 4, .bits = 1, .format = CHIP_FMT_BOOL, .flags = CHIP_READ_ONLY },
	{ .name = "ds", .lo = 6, .bits = 1, .format = CHIP_FMT_BOOL, .flags = CHIP_READ_ONLY },
	{ .name = "nassgireq", .lo = 8, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "rwp", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL, .flags = CHIP_READ_ONLY },
	{ .name = NULL },
};

/* ITLinesNumber is NR_IRQS / 32 - 1; IDbits the INTID width minus one. */
static const struct chip_field typer_fields[] = {
	{ .name = "it_lines", .lo = 0, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "cpu_number", .lo = 5, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "mbis", .lo = 16, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "lpis", .lo = 17, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "id_bits", .lo = 19, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "a3v", .lo = 24, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "no1n", .lo = 25, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "rss", .lo = 26, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* KVM's: implementer 0x43b (ARM), product 0x4b ('K'); the revision selects
 * KVM_VGIC_IMP_REV_2 or _3 behaviour and is the one writable field. */
static const struct chip_field iidr_fields[] = {
	{ .name = "implementer", .lo = 0, .bits = 12, .format = CHIP_FMT_HEX },
	{ .name = "revision", .lo = 12, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "variant", .lo = 16, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "product_id", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

static const struct chip_field typer2_fields[] = {
	{ .name = "vid", .lo = 0, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "vil", .lo = 7, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "nassgicap", .lo = 8, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* The affinity an SPI goes to; IRM: to any vCPU (KVM routes those to vCPU 0). */
static const struct chip_field irouter_fields[] = {
	{ .name = "aff0", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "aff1", .lo = 8, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "aff2", .lo = 16, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "irm", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};
static const struct chip_field irouter_hi_fields[] = {
	{ .name = "aff3", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

/* What a line change, or the guest, moves unseen: the pending latches, and
 * the levels of the lines themselves (the event says which line; the model
 * forgets them all). */
static const char *const line_state[] = { "ispendr", "line_level", NULL };
/* A SET of line levels latches edges as pending. */
static const char *const line_level[] = { "ispendr", NULL };
static const char *const enables[] = { "isenabler", NULL };
static const char *const actives[] = { "isactiver", NULL };
static const char *const everything[] = { "*", NULL };

#define WHY_TWIN "reads as its IS twin; a write clears the bits written"

static const struct chip_register dist_registers[] = {
	DIST_REG(.name = "ctlr", .attr = 0x0000, .fields = ctlr_fields),
	DIST_REG(.name = "typer", .attr = 0x0004, .flags = CHIP_READ_ONLY, .fields = typer_fields),
	DIST_REG(.name = "iidr", .attr = 0x0008, .fields = iidr_fields),
	DIST_REG(.name = "typer2", .attr = 0x000c, .flags = CHIP_READ_ONLY,
		 .fields = typer2_fields),
	DIST_BITMAP(.name = "igroupr", .attr = 0x0080, .fields = gicv3_group_bits),
	DIST_BITMAP(.name = "isenabler", .attr = 0x0100, .fields = gicv3_enable_bits,
		    .forgets = enables),
	DIST_BITMAP(.name = "icenabler", .attr = 0x0180, .flags = CHIP_WRITE_ONLY,
		    .why = WHY_TWIN, .fields = gicv3_enable_bits, .forgets = enables),
	DIST_BITMAP(.name = "ispendr", .attr = 0x0200, .flags = CHIP_VOLATILE,
		    .why = "edges on the lines latch it; the guest's acknowledgement clears it",
		    .fields = gicv3_pending_bits),
	DIST_BITMAP(.name = "icpendr", .attr = 0x0280, .flags = CHIP_WRITE_ONLY,
		    .why = "reads as zero and ignores writes from user space",
		    .fields = gicv3_pending_bits),
	DIST_BITMAP(.name = "isactiver", .attr = 0x0300, .flags = CHIP_VOLATILE,
		    .why = "the guest's acknowledgements and EOIs move it",
		    .fields = gicv3_active_bits, .forgets = actives),
	DIST_BITMAP(.name = "icactiver", .attr = 0x0380, .flags = CHIP_WRITE_ONLY,
		    .why = WHY_TWIN, .fields = gicv3_active_bits, .forgets = actives),
	DIST_REG(.name = "ipriorityr", .count = GIC_PRIORITY_WORDS, .stride = 4, .attr = 0x0400,
		 .irq_span = 4, .fields = gicv3_priority_bytes),
	DIST_REG(.name = "icfgr", .count = GIC_CFG_WORDS, .stride = 4, .attr = 0x0c00,
		 .irq_span = 16, .fields = gicv3_config_pairs),
	DIST_BITMAP(.name = "igrpmodr", .attr = 0x0d00, .fields = gicv3_grpmod_bits),
	/* IROUTER[n] for SPI n at 0x6000 + 8n: element E is SPI 32 + E */
	DIST_REG(.name = "irouter", .count = GIC_SPIS, .stride = 8, .attr = 0x6100,
		 .irq_base = 32, .irq_span = 1, .fields = irouter_fields),
	DIST_REG(.name = "irouter_hi", .count = GIC_SPIS, .stride = 8, .attr = 0x6104,
		 .irq_base = 32, .irq_span = 1, .fields = irouter_hi_fields),
	/* The SPIs' input lines (group LEVEL_INFO, gicv3.h): word E is SPIs
	 * 32(E+1)..32(E+1)+31 */
	{ .name = "line_level", .count = GIC_SPI_WORDS - 1, .stride = 32, .width = 4,
	  .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_LEVEL_INFO, .attr = 32,
	  .irq_base = 32, .irq_span = 32, .flags = CHIP_VOLATILE, .why = GICV3_LEVEL_WHY,
	  .fields = gicv3_level_bits, .forgets = line_level },

	/* CTRL: commands, no value */
	{ .name = "ctrl_init", .width = 8, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_CTRL,
	  .attr = 0, .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "init",
	  .forgets = everything },
	{ .name = "ctrl_save_pending_tables", .width = 8, .read = CHIP_READ_DEVICE_ATTR,
	  .group = GICV3_GRP_CTRL, .attr = 3, .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND,
	  .command = "save-pending-tables" },
};

/* GICD_TYPER.ITLinesNumber: the VM has 32 * (n + 1) INTIDs (its NR_IRQS). */
static int dist_irq_count(const struct chip_state *state)
{
	uint64_t typer;

	if (!chip_register_get(state, chip_register_by_name(state->model, "typer"), 0, &typer))
		return -1;
	return 32 * ((int)(typer & 0x1f) + 1);
}

const struct chip_model chip_model_gicv3_dist = {
	.name = "arm-gicv3-dist",
	.arch = CHIP_ARCH_ARM64,
	.title = "GICv3 distributor",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = GICV3_DEVICE,
	.registers = dist_registers,
	.nr_registers = sizeof(dist_registers) / sizeof(dist_registers[0]),
	.groups = gicv3_groups,
	.line_forgets = line_state,
	.attr_layout = CHIP_ATTR_MPIDR_IGNORED,
	.irq_label = gicv3_irq_label,
	.irq_count = dist_irq_count,
};
