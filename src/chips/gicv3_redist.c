// SPDX-License-Identifier: GPL-2.0
/*
 * A VGICv3 redistributor, one per vCPU: group
 * KVM_DEV_ARM_VGIC_GRP_REDIST_REGS of the "kvm-arm-vgic-v3" device, attr =
 * the vCPU's MPIDR in bits 63:32 (Aff3..Aff0, a byte each) and the
 * register's offset in bits 31:0, a 32-bit value. The RD frame is at 0,
 * the SGI frame (the SGIs' and PPIs' state, INTIDs 0..31) at 0x10000.
 * 64-bit registers (TYPER, PROPBASER, PENDBASER) are read as two halves.
 *
 * A snapshot reads the redistributor of each vCPU fd of the VM by the
 * MPIDR KVM gives that vCPU (chip_instance_attr_bits); a VMM that sets its
 * own MPIDR_EL1 has redistributors at other attrs.
 *
 * Checked against arch/arm64/kvm/vgic/vgic-mmio-v3.c and
 * include/linux/irqchip/arm-gic-v3.h of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/gicv3.h"
#include "chips/models.h"

#define SGI_FRAME 0x10000

#define REDIST_REG(...)                                                                        \
	{ .width = 4, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_REDIST_REGS, __VA_ARGS__ }
/* One bit per INTID 0..31 of the vCPU. */
#define REDIST_BITMAP(...) REDIST_REG(.irq_span = 32, __VA_ARGS__)


static const struct chip_field ctlr_fields[] = {
	{ .name = "enable_lpis", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "rwp", .lo = 3, .bits = 1, .format = CHIP_FMT_BOOL, .flags = CHIP_READ_ONLY },
	{ .name = NULL },
};

static const struct chip_field iidr_fields[] = {
	{ .name = "implementer", .lo = 0, .bits = 12, .format = CHIP_FMT_HEX },
	{ .name = "revision", .lo = 12, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "variant", .lo = 16, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "product_id", .lo = 24, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

/* TYPER bits 31:0; Last marks the highest-numbered vCPU's redistributor. */
static const struct chip_field typer_fields[] = {
	{ .name = "plpis", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "vlpis", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "direct_lpi", .lo = 3, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "last", .lo = 4, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "processor_number", .lo = 8, .bits = 16, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};
/* TYPER bits 63:32: the vCPU's affinity. */
static const struct chip_field affinity_fields[] = {
	{ .name = "aff0", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "aff1", .lo = 8, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "aff2", .lo = 16, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "aff3", .lo = 24, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

static const struct chip_field waker_fields[] = {
	{ .name = "processor_sleep", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "children_asleep", .lo = 2, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = NULL },
};

/* PROPBASER bits 31:0: the LPI configuration table. */
static const struct chip_field propbaser_fields[] = {
	{ .name = "id_bits", .lo = 0, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "inner_cache", .lo = 7, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "shareability", .lo = 10, .bits = 2, .format = CHIP_FMT_DEC },
	{ .name = "pa_low", .lo = 12, .bits = 20, .format = CHIP_FMT_HEX }, /* PA bits 31:12 */
	{ .name = NULL },
};
/* PENDBASER bits 31:0: the LPI pending table. */
static const struct chip_field pendbaser_fields[] = {
	{ .name = "inner_cache", .lo = 7, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "shareability", .lo = 10, .bits = 2, .format = CHIP_FMT_DEC },
	{ .name = "pa_low", .lo = 16, .bits = 16, .format = CHIP_FMT_HEX }, /* PA bits 31:16 */
	{ .name = NULL },
};
/* Bits 63:32 of either: PA bits 51:32, the outer cacheability; PENDBASER's PTZ. */
static const struct chip_field baser_hi_fields[] = {
	{ .name = "pa_high", .lo = 0, .bits = 20, .format = CHIP_FMT_HEX },
	{ .name = "outer_cache", .lo = 24, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};
static const struct chip_field pendbaser_hi_fields[] = {
	{ .name = "pa_high", .lo = 0, .bits = 20, .format = CHIP_FMT_HEX },
	{ .name = "outer_cache", .lo = 24, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "ptz", .lo = 30, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};


/* A PPI raised on KVM_IRQ_LINE, an SGI the guest sends: the pending
 * latches, and the levels of the lines themselves. */
static const char *const line_state[] = { "ispendr0", "line_level0", NULL };
/* A SET of line levels latches edges as pending. */
static const char *const level_set[] = { "ispendr0", NULL };
static const char *const enables[] = { "isenabler0", NULL };
static const char *const actives[] = { "isactiver0", NULL };

#define WHY_TWIN "reads as its IS twin; a write clears the bits written"

static const struct chip_register redist_registers[] = {
	REDIST_REG(.name = "ctlr", .attr = 0x0000, .fields = ctlr_fields),
	REDIST_REG(.name = "iidr", .attr = 0x0004, .flags = CHIP_READ_ONLY, .fields = iidr_fields),
	REDIST_REG(.name = "typer", .attr = 0x0008, .flags = CHIP_READ_ONLY,
		   .fields = typer_fields),
	REDIST_REG(.name = "typer_affinity", .attr = 0x000c, .flags = CHIP_READ_ONLY,
		   .fields = affinity_fields),
	REDIST_REG(.name = "waker", .attr = 0x0014, .fields = waker_fields),
	REDIST_REG(.name = "propbaser", .attr = 0x0070, .fields = propbaser_fields),
	REDIST_REG(.name = "propbaser_hi", .attr = 0x0074, .fields = baser_hi_fields),
	REDIST_REG(.name = "pendbaser", .attr = 0x0078, .fields = pendbaser_fields),
	REDIST_REG(.name = "pendbaser_hi", .attr = 0x007c, .fields = pendbaser_hi_fields),

	REDIST_BITMAP(.name = "igroupr0", .attr = SGI_FRAME + 0x0080, .fields = gicv3_group_bits),
	REDIST_BITMAP(.name = "isenabler0", .attr = SGI_FRAME + 0x0100, .fields = gicv3_enable_bits,
		      .forgets = enables),
	REDIST_BITMAP(.name = "icenabler0", .attr = SGI_FRAME + 0x0180, .flags = CHIP_WRITE_ONLY,
		      .why = WHY_TWIN, .fields = gicv3_enable_bits, .forgets = enables),
	REDIST_BITMAP(.name = "ispendr0", .attr = SGI_FRAME + 0x0200, .flags = CHIP_VOLATILE,
		      .why = "edges on the lines latch it; the guest's acknowledgement clears it",
		      .fields = gicv3_pending_bits),
	REDIST_BITMAP(.name = "icpendr0", .attr = SGI_FRAME + 0x0280, .flags = CHIP_WRITE_ONLY,
		      .why = "reads as zero and ignores writes from user space",
		      .fields = gicv3_pending_bits),
	REDIST_BITMAP(.name = "isactiver0", .attr = SGI_FRAME + 0x0300, .flags = CHIP_VOLATILE,
		      .why = "the guest's acknowledgements and EOIs move it",
		      .fields = gicv3_active_bits, .forgets = actives),
	REDIST_BITMAP(.name = "icactiver0", .attr = SGI_FRAME + 0x0380, .flags = CHIP_WRITE_ONLY,
		      .why = WHY_TWIN, .fields = gicv3_active_bits, .forgets = actives),
	REDIST_REG(.name = "ipriorityr", .count = 8, .stride = 4, .attr = SGI_FRAME + 0x0400,
		   .irq_span = 4, .fields = gicv3_priority_bytes),
	REDIST_REG(.name = "icfgr", .count = 2, .stride = 4, .attr = SGI_FRAME + 0x0c00,
		   .irq_span = 16, .fields = gicv3_config_pairs),
	REDIST_BITMAP(.name = "igrpmodr0", .attr = SGI_FRAME + 0x0d00, .fields = gicv3_grpmod_bits),
	/* The input lines of this vCPU's SGIs and PPIs (group LEVEL_INFO, gicv3.h) */
	{ .name = "line_level0", .width = 4, .read = CHIP_READ_DEVICE_ATTR,
	  .group = GICV3_GRP_LEVEL_INFO, .attr = 0, .irq_span = 32, .flags = CHIP_VOLATILE,
	  .why = GICV3_LEVEL_WHY, .fields = gicv3_level_bits, .forgets = level_set },
};

const struct chip_model chip_model_gicv3_redist = {
	.name = "arm-gicv3-redist",
	.arch = CHIP_ARCH_ARM64,
	.title = "GICv3 redistributor",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = GICV3_DEVICE,
	.registers = redist_registers,
	.nr_registers = sizeof(redist_registers) / sizeof(redist_registers[0]),
	.groups = gicv3_groups,
	.line_forgets = line_state,
	.attr_layout = CHIP_ATTR_MPIDR_VCPU,
	.irq_label = gicv3_irq_label,
};
