/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VGICv3's chip models (gicv3_dist.c, gicv3_redist.c, gicv3_cpu.c,
 * gicv3_its.c) share: the device attribute groups of
 * arch/arm64/include/uapi/asm/kvm.h, the same numbers on both devices,
 * and the names of interrupts by INTID.
 */
#ifndef KVMIRQ_GICV3_H
#define KVMIRQ_GICV3_H

#include <stddef.h>

#include "chips/chip.h"

/* KVM_DEV_ARM_VGIC_GRP_* */
#define GICV3_GRP_ADDR 0
#define GICV3_GRP_DIST_REGS 1
#define GICV3_GRP_NR_IRQS 3
#define GICV3_GRP_CTRL 4
#define GICV3_GRP_REDIST_REGS 5
#define GICV3_GRP_CPU_SYSREGS 6
#define GICV3_GRP_LEVEL_INFO 7
#define GICV3_GRP_ITS_REGS 8

/* KVM_DEV_ARM_VGIC_CTRL_INIT, the attr of group CTRL that initialises the VGIC */
#define GICV3_CTRL_INIT 0
/* The interrupts of a VM that never set NR_IRQS (VGIC_NR_IRQS_LEGACY), and
 * the private ones (SGIs and PPIs) before the first SPI. */
#define GICV3_DEFAULT_NR_IRQS 256
#define GICV3_NR_PRIVATE_IRQS 32
/* KVM_DEV_ARM_ITS_SAVE_TABLES: group CTRL's attr on the ITS device */
#define GICV3_ITS_SAVE_TABLES 1

#define GICV3_DEVICE "kvm-arm-vgic-v3"
#define GICV3_ITS_DEVICE "kvm-arm-vgic-its"

/* The groups of the kvm-arm-vgic-v3 device, and of the ITS device. */
extern const struct chip_group gicv3_groups[];
extern const struct chip_group gicv3_its_groups[];

/* The per-interrupt registers' fields (gicv3_groups.c), in both frames. */
extern const struct chip_field gicv3_group_bits[], gicv3_enable_bits[], gicv3_pending_bits[],
	gicv3_active_bits[], gicv3_grpmod_bits[], gicv3_priority_bytes[], gicv3_config_pairs[],
	gicv3_level_bits[];

/*
 * KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, VGIC_LEVEL_INFO_LINE_LEVEL: attr bits
 * 31:10 the kind of information (0: line levels), 9:0 the first of the 32
 * INTIDs whose input lines a 32-bit value holds (a multiple of 32); the
 * MPIDR in bits 63:32 picks the vCPU of private INTIDs. What a migration
 * must carry besides the registers: a level line high on the source.
 */
#define GICV3_LEVEL_WHY "the devices behind the lines raise and lower them"

/* "sgi3", "ppi27", "spi40", "lpi8192": INTID IRQ by its class. */
void gicv3_irq_label(unsigned irq, char *buf, size_t len);

#endif
