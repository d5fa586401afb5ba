// SPDX-License-Identifier: GPL-2.0
/*
 * A VGICv3 CPU interface, one per vCPU: the ICC_* system registers through
 * group KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS of the "kvm-arm-vgic-v3" device,
 * attr = the vCPU's MPIDR in bits 63:32 and the register's instruction
 * encoding in bits 15:0 (Op0[15:14] Op1[13:11] CRn[10:7] CRm[6:3]
 * Op2[2:0]), a 64-bit value. The active-priority registers past the
 * number the host's priority bits need (AP0R1..3, AP1R1..3 with 5 bits,
 * as under QEMU's TCG and on many cores) answer -EINVAL: absent, not
 * failed (CHIP_HOST_MAY_LACK).
 *
 * Checked against arch/arm64/kvm/vgic-sys-reg-v3.c of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/gicv3.h"
#include "chips/models.h"

/* The instr field of ICC_<name>_EL1: Op0 3, Op1 0, CRn, CRm, Op2. */
#define ICC(crn, crm, op2) (3u << 14 | (crn) << 7 | (crm) << 3 | (op2))

#define CPU_REG(...)                                                                           \
	{ .width = 8, .read = CHIP_READ_DEVICE_ATTR, .group = GICV3_GRP_CPU_SYSREGS, __VA_ARGS__ }

static const struct chip_field pmr_fields[] = {
	{ .name = "priority", .lo = 0, .bits = 8, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

static const struct chip_field bpr_fields[] = {
	{ .name = "binary_point", .lo = 0, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

static const struct chip_field enable_fields[] = {
	{ .name = "enable", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* PRIbits and IDbits are the host's, minus one; CBPR: BPR0 serves group 1 too. */
static const struct chip_field ctlr_fields[] = {
	{ .name = "cbpr", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "eoimode", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "pmhe", .lo = 6, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "pri_bits", .lo = 8, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "id_bits", .lo = 11, .bits = 3, .format = CHIP_FMT_DEC },
	{ .name = "seis", .lo = 14, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "a3v", .lo = 15, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "rss", .lo = 18, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "extrange", .lo = 19, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* KVM's SRE is always 1 (system registers only): DFB and DIB read as 1. */
static const struct chip_field sre_fields[] = {
	{ .name = "sre", .lo = 0, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "dfb", .lo = 1, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = "dib", .lo = 2, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

static const struct chip_register cpu_registers[] = {
	CPU_REG(.name = "pmr", .attr = ICC(4, 6, 0), .fields = pmr_fields),
	CPU_REG(.name = "bpr0", .attr = ICC(12, 8, 3), .fields = bpr_fields),
	/* one bit per preemption level of group 0, then of group 1 */
	CPU_REG(.name = "ap0r", .count = 4, .stride = 1, .attr = ICC(12, 8, 4),
		.flags = CHIP_VOLATILE | CHIP_HOST_MAY_LACK,
		.why = "the guest's acknowledgements and EOIs move it"),
	CPU_REG(.name = "ap1r", .count = 4, .stride = 1, .attr = ICC(12, 9, 0),
		.flags = CHIP_VOLATILE | CHIP_HOST_MAY_LACK,
		.why = "the guest's acknowledgements and EOIs move it"),
	CPU_REG(.name = "bpr1", .attr = ICC(12, 12, 3), .fields = bpr_fields),
	CPU_REG(.name = "ctlr", .attr = ICC(12, 12, 4), .fields = ctlr_fields),
	CPU_REG(.name = "sre", .attr = ICC(12, 12, 5), .fields = sre_fields),
	CPU_REG(.name = "igrpen0", .attr = ICC(12, 12, 6), .fields = enable_fields),
	CPU_REG(.name = "igrpen1", .attr = ICC(12, 12, 7), .fields = enable_fields),
};

const struct chip_model chip_model_gicv3_cpu = {
	.name = "arm-gicv3-cpu",
	.arch = CHIP_ARCH_ARM64,
	.title = "GICv3 CPU interface",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = GICV3_DEVICE,
	.registers = cpu_registers,
	.nr_registers = sizeof(cpu_registers) / sizeof(cpu_registers[0]),
	.groups = gicv3_groups,
	.attr_layout = CHIP_ATTR_MPIDR_VCPU,
};
