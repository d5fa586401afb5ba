// SPDX-License-Identifier: GPL-2.0
/*
 * testvmm, arm64 part: KVM's VGICv3 and its ITS, devices (KVM_CREATE_DEVICE)
 * driven through their attribute groups, and KVM_IRQ_LINE's SPI and PPI
 * encodings.
 *
 * The sequence (no KVM_RUN):
 *  1. System fd: API version, the interrupt capabilities with their 6.1
 *     arm64 values (KVM_CAP_MSI_DEVID needs a VM: EINVAL here).
 *  2. A VM: before the VGIC, KVM_IRQ_LINE (ENXIO) and KVM_SIGNAL_MSI
 *     (EINVAL; ENODEV once there is a GIC without an ITS); two vCPUs, KVM_ARM_PREFERRED_TARGET and KVM_ARM_VCPU_INIT
 *     (a wrong target first: EINVAL).
 *  3. KVM_CREATE_DEVICE VGIC_V3 (TEST, the real one, a second, a bad type);
 *     KVM_IRQ_LINE before CTRL_INIT (EBUSY); HAS/GET/SET_DEVICE_ATTR of the
 *     distributor and redistributor base (unset, misaligned, beyond the
 *     IPA space, set, set twice), NR_IRQS (128; bad values; EBUSY once
 *     set), register access before CTRL_INIT (EBUSY), CTRL_INIT (twice).
 *  4. Distributor registers (GICD_CTLR, TYPER, IIDR, ISENABLER,
 *     IPRIORITYR with the 5 priority bits KVM keeps, IROUTER) and
 *     redistributor registers with the vCPU's MPIDR in attr bits 63:32
 *     (GICR_TYPER of vCPU 0 and 1, GICR_ISENABLER0, an MPIDR no vCPU has).
 *  5. KVM_IRQ_LINE: SPI 40 (edge-triggered at reset: GICD_ISPENDR1 keeps
 *     it latched after the line falls, until user space clears it), SPI 41
 *     made level-triggered and PPI 23/24 on vCPU 0/1 (LEVEL_INFO of each
 *     vCPU follows the lines; ISPENDR does not), and the refusals: a bad type, type CPU with an
 *     in-kernel GIC, an SPI below 32 and past NR_IRQS, an SGI number as a
 *     PPI, a vCPU index that does not exist.
 *  6. The ITS: KVM_CREATE_DEVICE VGIC_ITS, its base address, CTRL_INIT,
 *     GITS_CTLR/IIDR/TYPER/CBASER; KVM_CAP_MSI_DEVID turns 1 and GICD_TYPER
 *     and GICR_TYPER grow their LPI bits.
 *  7. KVM_SET_GSI_ROUTING (rejected tables, then two irqchip routes and an
 *     MSI route with KVM_MSI_VALID_DEVID to the ITS doorbell),
 *     KVM_SIGNAL_MSI (no devid: EINVAL; a devid to the doorbell: EBUSY, the
 *     ITS is disabled: it has no command queue or tables, which live in
 *     guest memory), an irqfd on the routed GSIs.
 *
 * --storm: VM with a VGICv3 (NR_IRQS 128) and vCPU 0; irq_line toggles SPI
 * 40; msi signals devid 0x10 to an ITS that is never enabled, so every MSI
 * fails with EBUSY (and is counted as an error).
 *
 * --break RULE (kvmirq check's rules that apply to arm64), each after the
 * storm's set-up (a VGICv3 of NR_IRQS 128 initialised: its default routes
 * are GSIs 0-95, GSI i to SPI i + 32; an ITS never enabled):
 *   none               an irqfd on GSI 5 (a default route), SPI 40 pulsed
 *   route-before-line  an irqfd on GSI 100, past the default routes
 *   errno-loop         KVM_SIGNAL_MSI to the disabled ITS, 10 times (EBUSY)
 *   interrupt-storm    SPI 40 pulsed by KVM_IRQ_LINE for 1.2 s, as fast as
 *                      it goes (under TCG a few thousand a second: check it
 *                      with a --storm-rate below what the VMM prints)
 *
 * Expected values follow the 6.1 sources (arch/arm64/kvm/{arm.c,vgic/}) and
 * were checked on the arm64 rig (tests/rig/arm64).
 */
#define _GNU_SOURCE
#include "testvmm.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

const char arch_name[] = "arm64-gicv3";

_Static_assert(sizeof(struct kvm_vcpu_init) == 32, "kvm_vcpu_init");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* QEMU virt's layout. */
#define GICD_BASE 0x08000000ull
#define ITS_BASE 0x08080000ull
#define GICR_BASE 0x080a0000ull
#define ITS_DOORBELL (ITS_BASE + 0x10040) /* GITS_TRANSLATER */
#define NR_IRQS 128
#define NR_VCPUS 2

/* Distributor and redistributor offsets (arm-gic-v3.h). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_ISENABLER(n) (0x0100 + 4 * ((n) / 32))
#define GICD_ISPENDR(n) (0x0200 + 4 * ((n) / 32))
#define GICD_IPRIORITYR(n) (0x0400 + (n))
#define GICD_ICFGR(n) (0x0c00 + 4 * ((n) / 16))
#define GICD_IROUTER(n) (0x6000 + 8 * (n))
#define GICR_TYPER 0x0008
#define GICR_ISENABLER0 0x10100
#define GICR_ISPENDR0 0x10200
#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080

#define SPI 40
#define SPI_LEVEL 41
#define SPI_EDGE_CFG 0xaaaaaaaa /* ICFGR: SPIs start edge-triggered */
#define PPI 23
/* attr of a redistributor register of the vCPU with affinity AFF0. */
#define MPIDR(aff0) ((__u64)(aff0) << 32)
/* KVM_IRQ_LINE's irq field. */
#define IRQ(type, vcpu, n) \
	((__u32)(type) << KVM_ARM_IRQ_TYPE_SHIFT | (__u32)(vcpu) << KVM_ARM_IRQ_VCPU_SHIFT | (n))
#define SPI_IRQ(n) IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, n)
#define PPI_IRQ(vcpu, n) IRQ(KVM_ARM_IRQ_TYPE_PPI, vcpu, n)

#define ADDR_GET(type, val, note) \
	ATTR_GET64_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ADDR, type, val, note)
#define ADDR_SET(type, val, exp, note) \
	ATTR_SET64(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ADDR, type, val, exp, note)
#define DIST_GET(off, val, note) \
	ATTR_GET32_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off, val, note)
#define DIST_SET(off, val, note) \
	ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off, val, SUCCEEDS, note)
#define REDIST_GET(aff0, off, val, note) \
	ATTR_GET32_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, MPIDR(aff0) | (off), val, note)
#define REDIST_SET(aff0, off, val, note) \
	ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, MPIDR(aff0) | (off), val, \
		   SUCCEEDS, note)
#define ITS_GET(off, val, note) \
	ATTR_GET64_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, val, note)
#define CTRL_SET(attr, exp, note) \
	ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_CTRL, attr, 0, exp, note)

#define VGIC_ADDR_UNDEF (~0ull)

static int vcpu_fds[NR_VCPUS], gic_fd = -1, its_fd = -1;

static long vm_simple(struct vmm *v, const char *name, unsigned long cmd, unsigned long arg,
		      struct expect expect, const char *note)
{
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, .name = name, .cmd = cmd,
			   .arg = arg, .expect = expect, .note = note };

	return vmm_call(v, &c);
}

static void line(struct vmm *v, __u32 irq, __u32 level, struct expect expect, const char *note)
{
	struct kvm_irq_level lv = { .irq = irq, .level = level };
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_IRQ_LINE), .buf = &lv,
			   .in_len = sizeof(lv), .expect = expect, .note = note };

	vmm_call(v, &c);
}

static void attrs_on(struct vmm *v, int dev_fd, const struct attr_case *cases, size_t n)
{
	v->dev_fd = dev_fd;
	step_device_attrs(v, cases, n);
}

static struct kvm_irq_routing_entry to_pin(__u32 gsi, __u32 pin)
{
	return (struct kvm_irq_routing_entry){ .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = 0, .pin = pin } };
}

static struct kvm_irq_routing_entry to_its(__u32 gsi, __u32 devid, __u32 event)
{
	return (struct kvm_irq_routing_entry){ .gsi = gsi, .type = KVM_IRQ_ROUTING_MSI,
		.flags = KVM_MSI_VALID_DEVID,
		.u.msi = { .address_lo = (__u32)ITS_DOORBELL,
			   .address_hi = (__u32)(ITS_DOORBELL >> 32), .data = event,
			   .devid = devid } };
}

/* ---- steps ---------------------------------------------------------------- */

#define CAP(c, val) { c, #c, val }
static const struct { long cap; const char *name; struct expect value; } caps[] = {
	CAP(KVM_CAP_IRQCHIP, RETURNS(1)),          /* a GICv3 host: vgic_present */
	CAP(KVM_CAP_IRQ_ROUTING, RETURNS(4096)),   /* KVM_MAX_IRQ_ROUTES */
	CAP(KVM_CAP_IRQ_INJECT_STATUS, RETURNS(0)),
	CAP(KVM_CAP_IRQFD, RETURNS(1)),
	CAP(KVM_CAP_IRQFD_RESAMPLE, RETURNS(1)),
	CAP(KVM_CAP_SIGNAL_MSI, RETURNS(1)),
	CAP(KVM_CAP_DEVICE_CTRL, RETURNS(1)),
	CAP(KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, RETURNS(1)),
	CAP(KVM_CAP_MSI_DEVID, FAILS(EINVAL)),      /* per VM: no answer without one */
	CAP(KVM_CAP_SPLIT_IRQCHIP, RETURNS(0)),
	CAP(KVM_CAP_IRQ_MPIC, RETURNS(0)),
};

static void arm_system(struct vmm *v)
{
	struct kcall api = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_GET_API_VERSION),
			     .expect = RETURNS(KVM_API_VERSION), .note = "API version" };

	vmm_call(v, &api);
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		step_check_extension(v, FD_SYSTEM, caps[i].cap, caps[i].name, caps[i].value);
}

/* The VM and its vCPUs, initialised with the host's preferred target. */
static void arm_vm(struct vmm *v)
{
	struct kvm_msi msi = { .address_lo = (__u32)ITS_DOORBELL, .data = 1,
			       .flags = KVM_MSI_VALID_DEVID, .devid = 0x10 };
	struct kvm_vcpu_init init = { 0 }, bad;
	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0: 40-bit IPA" };
	char note[64];

	v->vm_fd = (int)vmm_call(v, &create);
	step_check_extension(v, FD_VM, KVM_CAP_MSI_DEVID, "KVM_CAP_MSI_DEVID: no ITS yet",
			     RETURNS(0));
	line(v, SPI_IRQ(SPI), 1, FAILS(ENXIO), "SPI 40: no in-kernel GIC yet");
	struct kcall no_its = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SIGNAL_MSI), .buf = &msi,
				.in_len = sizeof(msi), .expect = FAILS(EINVAL),
				.note = "no in-kernel GIC" };
	vmm_call(v, &no_its);

	for (int i = 0; i < NR_VCPUS; i++) {
		snprintf(note, sizeof(note), "vcpu %d", i);
		vcpu_fds[i] = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, (unsigned long)i,
					     NEW_FD, note);
	}
	v->vcpu_fd = vcpu_fds[0];
	struct kcall target = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_ARM_PREFERRED_TARGET),
				.buf = &init, .out_len = sizeof(init), .expect = SUCCEEDS,
				.note = "the host's CPU target" };
	if (vmm_call(v, &target) != 0)
		return;
	bad = init;
	bad.target = init.target + 1;
	struct kcall wrong = { .kind = FD_VCPU, .fd = vcpu_fds[0], KC(KVM_ARM_VCPU_INIT),
			       .buf = &bad, .in_len = sizeof(bad), .expect = FAILS(EINVAL),
			       .note = "not the preferred target" };
	vmm_call(v, &wrong);
	for (int i = 0; i < NR_VCPUS; i++) {
		struct kcall c = { .kind = FD_VCPU, .fd = vcpu_fds[i], KC(KVM_ARM_VCPU_INIT),
				   .buf = &init, .in_len = sizeof(init), .expect = SUCCEEDS,
				   .note = "preferred target, no features" };
		vmm_call(v, &c);
	}
}

/* Create the VGICv3, place it, size it and initialise it. */
static void arm_create_gic(struct vmm *v)
{
	step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_V3, KVM_CREATE_DEVICE_TEST, SUCCEEDS,
			   "TEST: probe only");
	gic_fd = step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_V3, 0, SUCCEEDS, "the VGICv3");
	step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_V3, 0, FAILS(EEXIST), "a second GIC");
	step_create_device(v, 0xffff, 0, FAILS(ENODEV), "type >= KVM_DEV_TYPE_MAX");
	if (gic_fd < 0)
		return;
	line(v, SPI_IRQ(SPI), 1, FAILS(EBUSY), "SPI 40: the GICv3 is not initialised");
	struct kvm_msi msi = { .address_lo = (__u32)ITS_DOORBELL, .data = 1,
			       .flags = KVM_MSI_VALID_DEVID, .devid = 0x10 };
	struct kcall no_its = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SIGNAL_MSI), .buf = &msi,
				.in_len = sizeof(msi), .expect = FAILS(ENODEV),
				.note = "a GIC, no ITS: vgic_has_its" };
	vmm_call(v, &no_its);

	const struct attr_case attrs[] = {
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, SUCCEEDS,
			 "distributor base"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, FAILS(ENXIO),
			 "the ITS base is the ITS device's"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, SUCCEEDS, "NR_IRQS"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, SUCCEEDS,
			 "CTRL_INIT"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, SUCCEEDS, "GICD_CTLR"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 2, FAILS(ENXIO),
			 "not 32-bit aligned"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, GICR_TYPER, SUCCEEDS,
			 "GICR_TYPER"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0, FAILS(ENXIO),
			 "GICv2 CPU interface: not on a v3"),
		ATTR_HAS(FD_DEVICE, 99, 0, FAILS(ENXIO), "unknown group 99"),

		ADDR_GET(KVM_VGIC_V3_ADDR_TYPE_DIST, VGIC_ADDR_UNDEF, "unset: VGIC_ADDR_UNDEF"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE + 0x1000, FAILS(EINVAL),
			 "not 64 KiB aligned"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_DIST, 1ull << 45, FAILS(E2BIG),
			 "beyond the 40-bit IPA space"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE, SUCCEEDS, "distributor at 0x08000000"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE, FAILS(EEXIST), "set twice"),
		ADDR_GET(KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE, "reads back"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE, SUCCEEDS,
			 "redistributors at 0x080a0000, 128 KiB per vCPU"),
		ADDR_GET(KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE, "reads back"),
		ADDR_SET(KVM_VGIC_V2_ADDR_TYPE_DIST, GICD_BASE, FAILS(ENXIO),
			 "a GICv2 address type on a v3"),

		ATTR_GET32_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 32,
			      "no SPIs yet: the 32 private interrupts"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 100, FAILS(EINVAL),
			   "not a multiple of 32"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 32, FAILS(EINVAL),
			   "no SPI at all"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, NR_IRQS, SUCCEEDS,
			   "128: SPIs 32..127"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 256, FAILS(EBUSY),
			   "already set"),
		ATTR_GET32_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, NR_IRQS, "reads back"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, FAILS(EBUSY),
			   "registers before CTRL_INIT"),
		CTRL_SET(KVM_DEV_ARM_VGIC_CTRL_INIT, SUCCEEDS, "CTRL_INIT"),
		CTRL_SET(KVM_DEV_ARM_VGIC_CTRL_INIT, SUCCEEDS, "CTRL_INIT again: nothing to do"),
		CTRL_SET(9, FAILS(ENXIO), "unknown CTRL attr 9"),
	};
	attrs_on(v, gic_fd, attrs, ARRAY_SIZE(attrs));
}

/* Distributor and redistributor registers before any interrupt. */
static void arm_registers(struct vmm *v)
{
	const struct attr_case attrs[] = {
		DIST_GET(GICD_CTLR, 0x50, "ARE_NS and DS, groups disabled"),
		DIST_GET(GICD_TYPER, 0x00480003, "ITLinesNumber 3, IDbits 9: no LPIs"),
		DIST_GET(GICD_IIDR, 0x4b00343b, "KVM, revision 3, ARM"),
		DIST_SET(GICD_CTLR, 0x2, "enable group 1"),
		DIST_GET(GICD_CTLR, 0x52, "EnableGrp1 kept"),
		DIST_GET(GICD_ISENABLER(SPI), 0, "SPIs 32..63 disabled"),
		DIST_SET(GICD_ISENABLER(SPI), 1u << (SPI % 32), "enable SPI 40"),
		DIST_GET(GICD_ISENABLER(SPI), 1u << (SPI % 32), "SPI 40 enabled"),
		DIST_SET(GICD_IPRIORITYR(SPI), 0x12345678, "priorities of SPIs 40..43"),
		DIST_GET(GICD_IPRIORITYR(SPI), 0x10305078, "5 priority bits kept per byte"),
		DIST_GET(GICD_IROUTER(SPI), 0, "SPI 40 routed to affinity 0"),
		DIST_SET(GICD_IROUTER(SPI), 1, "SPI 40 to vCPU 1 (Aff0 1)"),
		DIST_GET(GICD_IROUTER(SPI), 1, "reads back"),
		REDIST_GET(0, GICR_TYPER, 0x00000000, "vCPU 0: processor 0, not the last"),
		REDIST_GET(1, GICR_TYPER, 0x00000110, "vCPU 1: processor 1, Last"),
		REDIST_GET(1, GICR_TYPER + 4, 0x00000001, "vCPU 1: affinity 0.0.0.1"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, MPIDR(5) | GICR_TYPER,
			   FAILS(EINVAL), "no vCPU has MPIDR 5"),
		REDIST_GET(0, GICR_ISENABLER0, 0x0000ffff, "SGIs enabled at reset"),
		REDIST_SET(0, GICR_ISENABLER0, 1u << PPI, "enable PPI 23 on vCPU 0"),
		REDIST_GET(0, GICR_ISENABLER0, 0x0000ffff | 1u << PPI, "PPI 23 enabled"),
		REDIST_GET(1, GICR_ISENABLER0, 0x0000ffff, "not on vCPU 1"),
	};
	attrs_on(v, gic_fd, attrs, ARRAY_SIZE(attrs));
}

/* LEVEL_INFO of interrupts BASE..BASE+31 as vCPU AFF0 sees them. */
#define LEVELS(aff0, base, val, note) \
	ATTR_GET32_IS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, MPIDR(aff0) | \
		      VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT | (base), \
		      val, note)

/*
 * KVM_IRQ_LINE: an edge SPI, a level SPI, a level PPI per vCPU, and what it
 * refuses. User space reads the latched pending state in ISPENDR (an
 * edge's), and line levels (a level interrupt's) through LEVEL_INFO.
 */
static void arm_irq_lines(struct vmm *v)
{
	line(v, SPI_IRQ(SPI), 1, SUCCEEDS, "raise SPI 40 (edge)");
	line(v, SPI_IRQ(SPI), 0, SUCCEEDS, "lower SPI 40");
	const struct attr_case edge[] = {
		DIST_GET(GICD_ISPENDR(SPI), 1u << (SPI % 32), "SPI 40 latched pending"),
		LEVELS(0, 32, 0, "an edge has no line level"),
		DIST_SET(GICD_ISPENDR(SPI), 0, "clear the latch"),
		DIST_GET(GICD_ISPENDR(SPI), 0, "cleared"),
		DIST_SET(GICD_ICFGR(SPI), SPI_EDGE_CFG & ~(2u << 2 * (SPI_LEVEL % 16)),
			 "SPI 41 level-triggered"),
		DIST_GET(GICD_ICFGR(SPI), SPI_EDGE_CFG & ~(2u << 2 * (SPI_LEVEL % 16)), "reads back"),
	};
	attrs_on(v, gic_fd, edge, ARRAY_SIZE(edge));
	line(v, SPI_IRQ(SPI_LEVEL), 1, SUCCEEDS, "raise SPI 41 (level)");
	line(v, PPI_IRQ(0, PPI), 1, SUCCEEDS, "raise PPI 23 on vCPU 0");
	line(v, PPI_IRQ(1, PPI + 1), 1, SUCCEEDS, "raise PPI 24 on vCPU 1");
	const struct attr_case level[] = {
		LEVELS(0, 32, 1u << (SPI_LEVEL % 32), "SPI 41's line high"),
		DIST_GET(GICD_ISPENDR(SPI), 0, "a level line is not latched"),
		LEVELS(0, 0, 1u << PPI, "vCPU 0: PPI 23 high"),
		LEVELS(1, 0, 1u << (PPI + 1), "vCPU 1: PPI 24 high"),
	};
	attrs_on(v, gic_fd, level, ARRAY_SIZE(level));
	line(v, SPI_IRQ(SPI_LEVEL), 0, SUCCEEDS, "lower SPI 41");
	line(v, PPI_IRQ(0, PPI), 0, SUCCEEDS, "lower PPI 23 on vCPU 0");
	const struct attr_case lowered[] = {
		LEVELS(0, 32, 0, "SPI 41 low"),
		LEVELS(0, 0, 0, "vCPU 0: PPI 23 low"),
		LEVELS(1, 0, 1u << (PPI + 1), "vCPU 1: PPI 24 still high"),
	};
	attrs_on(v, gic_fd, lowered, ARRAY_SIZE(lowered));

	line(v, IRQ(3, 0, SPI), 1, FAILS(EINVAL), "irq type 3");
	line(v, IRQ(KVM_ARM_IRQ_TYPE_CPU, 0, 0), 1, FAILS(ENXIO),
	     "type CPU: the in-kernel GIC owns the IRQ line");
	line(v, SPI_IRQ(5), 1, FAILS(EINVAL), "SPI 5: a private interrupt number");
	line(v, SPI_IRQ(NR_IRQS), 1, FAILS(EINVAL), "SPI 128: past NR_IRQS");
	line(v, SPI_IRQ(1020), 1, FAILS(EINVAL), "SPI 1020: past the architecture");
	line(v, PPI_IRQ(0, 8), 1, FAILS(EINVAL), "PPI 8: an SGI number");
	line(v, PPI_IRQ(NR_VCPUS, PPI), 1, FAILS(EINVAL), "PPI to vCPU 2: no such vCPU");
}

/* The ITS: a device of its own beside the VGICv3. */
static void arm_its(struct vmm *v)
{
	step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_ITS, KVM_CREATE_DEVICE_TEST, SUCCEEDS,
			   "ITS, TEST: probe only");
	its_fd = step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_ITS, 0, SUCCEEDS, "the ITS");
	if (its_fd < 0)
		return;
	step_check_extension(v, FD_VM, KVM_CAP_MSI_DEVID, "KVM_CAP_MSI_DEVID: an ITS",
			     RETURNS(1));
	const struct attr_case its[] = {
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, SUCCEEDS,
			 "ITS base"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CTLR, SUCCEEDS, "GITS_CTLR"),
		ADDR_GET(KVM_VGIC_ITS_ADDR_TYPE, VGIC_ADDR_UNDEF, "unset"),
		ADDR_SET(KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE + 0x8000, FAILS(EINVAL),
			 "not 64 KiB aligned"),
		ADDR_SET(KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE, SUCCEEDS, "ITS at 0x08080000"),
		ADDR_SET(KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE, FAILS(EEXIST), "set twice"),
		ADDR_GET(KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE, "reads back"),
		CTRL_SET(KVM_DEV_ARM_VGIC_CTRL_INIT, SUCCEEDS, "ITS CTRL_INIT: nothing to do"),
		ITS_GET(GITS_CTLR, 0x80000000, "disabled, quiescent"),
		ITS_GET(GITS_IIDR, 0x4b00043b, "KVM, table ABI revision 0, ARM"),
		ATTR_GET64(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_TYPER, SUCCEEDS,
			   "GITS_TYPER"),
		ITS_GET(GITS_CBASER, 0, "no command queue"),
	};
	attrs_on(v, its_fd, its, ARRAY_SIZE(its));
	const struct attr_case gic[] = {
		DIST_GET(GICD_TYPER, 0x007a0003, "LPIs, IDbits 15: an ITS"),
		REDIST_GET(1, GICR_TYPER, 0x00000111, "vCPU 1: PLPIS too"),
	};
	attrs_on(v, gic_fd, gic, ARRAY_SIZE(gic));
}

/* GSI routes (irqfd's way in), MSIs to the ITS, an irqfd. */
static void arm_routing_msi(struct vmm *v)
{
	struct kvm_irq_routing_entry table[3], bad;

	table[0] = to_pin(0, SPI - 32);
	table[1] = to_pin(1, SPI - 32 + 1);
	table[2] = to_its(2, 0x10, 5);
	step_gsi_routing(v, table, 3, 1, FAILS(EINVAL), "header flags 1");
	bad = to_pin(0, 988);
	step_gsi_routing(v, &bad, 1, 0, FAILS(EINVAL), "pin 988 = KVM_IRQCHIP_NUM_PINS");
	bad = to_pin(0, 8);
	bad.u.irqchip.irqchip = 1;
	step_gsi_routing(v, &bad, 1, 0, FAILS(EINVAL), "irqchip 1");
	bad = to_pin(0, 8);
	bad.flags = KVM_MSI_VALID_DEVID;
	step_gsi_routing(v, &bad, 1, 0, FAILS(EINVAL), "irqchip entry with VALID_DEVID");
	bad = to_its(2, 0x10, 5);
	bad.flags = 2;
	step_gsi_routing(v, &bad, 1, 0, FAILS(EINVAL), "MSI entry flag 2");
	step_gsi_routing(v, table, 3, 0, SUCCEEDS,
			 "GSI 0/1 -> pins 8/9 (SPIs 40/41), GSI 2 -> ITS devid 0x10 event 5");

	static const struct msi_case msis[] = {
		{ { .address_lo = (__u32)ITS_DOORBELL, .data = 5 }, FAILS(EINVAL),
		  "no KVM_MSI_VALID_DEVID: the ITS needs one" },
		{ { .address_lo = (__u32)ITS_DOORBELL, .data = 5, .flags = KVM_MSI_VALID_DEVID,
		    .devid = 0x10 }, FAILS(EBUSY),
		  "devid 0x10 to the doorbell: the ITS is disabled (no tables)" },
		{ { .address_lo = (__u32)GICD_BASE, .data = 5, .flags = KVM_MSI_VALID_DEVID,
		    .devid = 0x10 }, FAILS(EINVAL), "not an ITS doorbell" },
		{ { .address_lo = (__u32)ITS_DOORBELL, .data = 5, .flags = 2 }, FAILS(EINVAL),
		  "unknown flag" },
	};
	step_signal_msi(v, msis, ARRAY_SIZE(msis));
	step_irqfd(v, 1, 0);
}

void arch_sequence(struct vmm *v)
{
	arm_system(v);
	arm_vm(v);
	if (v->vm_fd < 0 || vcpu_fds[0] < 0 || vcpu_fds[1] < 0)
		return;
	arm_create_gic(v);
	if (gic_fd < 0)
		return;
	arm_registers(v);
	arm_irq_lines(v);
	arm_its(v);
	arm_routing_msi(v);
	v->dev_fd = gic_fd;
}

/* ---- storm ---------------------------------------------------------------- */

void arch_storm_setup(struct vmm *v)
{
	struct kvm_vcpu_init init = { 0 };
	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0" };

	v->vm_fd = (int)vmm_call(v, &create);
	v->vcpu_fd = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0, NEW_FD, "vcpu 0");
	struct kcall target = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_ARM_PREFERRED_TARGET),
				.buf = &init, .out_len = sizeof(init), .expect = SUCCEEDS,
				.note = "the host's CPU target" };
	struct kcall vcpu_init = { .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_ARM_VCPU_INIT),
				   .buf = &init, .in_len = sizeof(init), .expect = SUCCEEDS,
				   .note = "preferred target" };
	if (v->vcpu_fd < 0 || vmm_call(v, &target) != 0 || vmm_call(v, &vcpu_init) != 0)
		return;
	gic_fd = step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_V3, 0, SUCCEEDS, "the VGICv3");
	its_fd = step_create_device(v, KVM_DEV_TYPE_ARM_VGIC_ITS, 0, SUCCEEDS, "the ITS");
	if (gic_fd < 0 || its_fd < 0)
		return;
	const struct attr_case gic[] = {
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE, SUCCEEDS, "distributor"),
		ADDR_SET(KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE, SUCCEEDS, "redistributor"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, NR_IRQS, SUCCEEDS, "128"),
		CTRL_SET(KVM_DEV_ARM_VGIC_CTRL_INIT, SUCCEEDS, "CTRL_INIT"),
	};
	attrs_on(v, gic_fd, gic, ARRAY_SIZE(gic));
	const struct attr_case its[] = {
		ADDR_SET(KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE, SUCCEEDS, "ITS"),
	};
	attrs_on(v, its_fd, its, ARRAY_SIZE(its));
	v->dev_fd = gic_fd;
}

__u32 arch_storm_gsi(void)
{
	return SPI_IRQ(SPI);
}

struct kvm_msi arch_storm_msi(void)
{
	return (struct kvm_msi){ .address_lo = (__u32)ITS_DOORBELL, .data = 5,
				 .flags = KVM_MSI_VALID_DEVID, .devid = 0x10 };
}

/* ---- --break -------------------------------------------------------------- */

#define BREAK_RETRIES 10	   /* failures in a row: check's errno loop is 8 */
#define BREAK_STORM_SECONDS 1.2 /* sustained over check's 1 s window */
#define DEFAULT_GSIS (NR_IRQS - 32) /* the VGIC's default routes: one per SPI */

static double seconds_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* The storm's VM; false (a mismatch logged) when it could not be made. */
static bool break_setup(struct vmm *v)
{
	arch_storm_setup(v);
	return gic_fd >= 0 && its_fd >= 0;
}

static void break_none(struct vmm *v)
{
	int efd = vmm_new_eventfd();

	if (!break_setup(v))
		return;
	step_irqfd_one(v, efd, 5, 0, 0, SUCCEEDS, "GSI 5: the VGIC's default route to SPI 37");
	line(v, SPI_IRQ(SPI), 1, SUCCEEDS, "raise SPI 40");
	line(v, SPI_IRQ(SPI), 0, SUCCEEDS, "lower SPI 40");
	step_irqfd_one(v, efd, 5, KVM_IRQFD_FLAG_DEASSIGN, 0, SUCCEEDS, "GSI 5: deassign");
	close(efd);
	printf("break none: an irqfd on default-routed GSI 5, SPI 40 pulsed once\n");
}

static void break_route_before_line(struct vmm *v)
{
	int efd = vmm_new_eventfd();

	if (!break_setup(v))
		return;
	step_irqfd_one(v, efd, 100, 0, 0, SUCCEEDS, "GSI 100: no route, signals are lost");
	printf("break route-before-line: an irqfd on GSI 100 (the default routes end at %d)\n",
	       DEFAULT_GSIS - 1);
}

static void break_errno_loop(struct vmm *v)
{
	const struct msi_case msi = { arch_storm_msi(), FAILS(EBUSY),
				      "devid 0x10 to the ITS, never enabled, again" };

	if (!break_setup(v))
		return;
	for (int i = 0; i < BREAK_RETRIES; i++)
		step_signal_msi(v, &msi, 1);
	printf("break errno-loop: KVM_SIGNAL_MSI to a disabled ITS retried %d times (EBUSY)\n",
	       BREAK_RETRIES);
}

static void break_interrupt_storm(struct vmm *v)
{
	struct kvm_irq_level up = { .irq = SPI_IRQ(SPI), .level = 1 }, down = up;
	long n = 0, errors = 0;
	double t0, dt;

	if (!break_setup(v))
		return;
	down.level = 0;
	t0 = seconds_now();
	while ((dt = seconds_now() - t0) < BREAK_STORM_SECONDS) {
		for (int i = 0; i < 100; i++, n++)
			errors += ioctl(v->vm_fd, KVM_IRQ_LINE, &up) < 0 ||
				  ioctl(v->vm_fd, KVM_IRQ_LINE, &down) < 0;
	}
	printf("break interrupt-storm: SPI 40 raised and lowered %ld times in %.3f s "
	       "(%.0f a second), %ld failed\n", n, dt, n / dt, errors);
	if (errors)
		vmm_mismatch(v, "%ld of %ld SPI 40 pulses failed", errors, n);
}

static const struct break_mode breaks[] = {
	{ "none", break_none },
	{ "route-before-line", break_route_before_line },
	{ "errno-loop", break_errno_loop },
	{ "interrupt-storm", break_interrupt_storm },
};
const struct break_mode *const arch_breaks = breaks;
const size_t arch_nr_breaks = ARRAY_SIZE(breaks);
