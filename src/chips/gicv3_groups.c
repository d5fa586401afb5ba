// SPDX-License-Identifier: GPL-2.0
/* The VGICv3 devices' attribute groups and interrupt names (gicv3.h). */
#include <stdio.h>

#include "chips/arm_irq.h"
#include "chips/gicv3.h"

#ifdef __aarch64__
/* Built on arm64: the groups are the uAPI's. */
#include <asm/kvm.h>
_Static_assert(GICV3_GRP_ADDR == KVM_DEV_ARM_VGIC_GRP_ADDR &&
		       GICV3_GRP_DIST_REGS == KVM_DEV_ARM_VGIC_GRP_DIST_REGS &&
		       GICV3_GRP_NR_IRQS == KVM_DEV_ARM_VGIC_GRP_NR_IRQS &&
		       GICV3_GRP_CTRL == KVM_DEV_ARM_VGIC_GRP_CTRL &&
		       GICV3_GRP_REDIST_REGS == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS &&
		       GICV3_GRP_CPU_SYSREGS == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS &&
		       GICV3_GRP_LEVEL_INFO == KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO &&
		       GICV3_GRP_ITS_REGS == KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
	       "KVM_DEV_ARM_VGIC_GRP_*");
_Static_assert(GICV3_ITS_SAVE_TABLES == KVM_DEV_ARM_ITS_SAVE_TABLES, "KVM_DEV_ARM_ITS_SAVE_TABLES");
#endif

const struct chip_group gicv3_groups[] = {
	{ .group = GICV3_GRP_ADDR, .name = "ADDR" },
	{ .group = GICV3_GRP_DIST_REGS, .name = "DIST_REGS" },
	{ .group = GICV3_GRP_NR_IRQS, .name = "NR_IRQS", .value_width = 4 },
	{ .group = GICV3_GRP_CTRL, .name = "CTRL" },
	{ .group = GICV3_GRP_REDIST_REGS, .name = "REDIST_REGS" },
	{ .group = GICV3_GRP_CPU_SYSREGS, .name = "CPU_SYSREGS" },
	{ .group = GICV3_GRP_LEVEL_INFO, .name = "LEVEL_INFO" },
	{ .name = NULL },
};

const struct chip_group gicv3_its_groups[] = {
	{ .group = GICV3_GRP_ADDR, .name = "ADDR" },
	{ .group = GICV3_GRP_CTRL, .name = "CTRL" },
	{ .group = GICV3_GRP_ITS_REGS, .name = "ITS_REGS" },
	{ .name = NULL },
};

void gicv3_irq_label(unsigned irq, char *buf, size_t len)
{
	snprintf(buf, len, "%s%u", arm_intid_class_label(irq), irq);
}

/*
 * The per-interrupt registers' fields, the same in the distributor and in
 * a redistributor's SGI frame: one bit (two for the trigger, a byte for the
 * priority) per INTID. ICFGR: bit 1 of the pair set is edge-triggered.
 */
static const char *const edge_level[4] = { "level", NULL, "edge", NULL };

const struct chip_field gicv3_group_bits[] = {
	{ .name = "group", .lo = 0, .bits = 32, .format = CHIP_FMT_DEC, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_enable_bits[] = {
	{ .name = "enabled", .lo = 0, .bits = 32, .format = CHIP_FMT_BOOL, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_pending_bits[] = {
	{ .name = "pending", .lo = 0, .bits = 32, .format = CHIP_FMT_BOOL, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_active_bits[] = {
	{ .name = "active", .lo = 0, .bits = 32, .format = CHIP_FMT_BOOL, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_grpmod_bits[] = {
	{ .name = "modifier", .lo = 0, .bits = 32, .format = CHIP_FMT_DEC, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_level_bits[] = {
	{ .name = "level", .lo = 0, .bits = 32, .format = CHIP_FMT_DEC, .per_irq = 1 },
	{ .name = NULL },
};
const struct chip_field gicv3_priority_bytes[] = {
	{ .name = "priority", .lo = 0, .bits = 32, .format = CHIP_FMT_HEX, .per_irq = 8 },
	{ .name = NULL },
};
const struct chip_field gicv3_config_pairs[] = {
	{ .name = "trigger", .lo = 0, .bits = 32, .format = CHIP_FMT_ENUM, .names = edge_level,
	  .per_irq = 2 },
	{ .name = NULL },
};
