// SPDX-License-Identifier: GPL-2.0
/*
 * testvmm, PowerPC e500 part: KVM's in-kernel Freescale MPIC, a device
 * (KVM_CREATE_DEVICE) driven through its attribute groups.
 *
 * The sequence (no KVM_RUN):
 *  1. System fd: API version, the interrupt capabilities (their 6.1 e500
 *     values: no IRQCHIP/INJECT_STATUS caps, yet KVM_IRQ_LINE(_STATUS)
 *     exist), attribute ioctls the system fd refuses.
 *  2. VM A with an MPIC v2.0, then VM B with an MPIC v4.2 (one MPIC per VM);
 *     for each:
 *     - before the MPIC: KVM_IRQ_LINE ENXIO, KVM_SIGNAL_MSI EINVAL, a GSI
 *       routing table accepted, which the MPIC's creation then replaces
 *       with an empty one (KVM_IRQ_LINE_STATUS on that GSI: -1);
 *     - KVM_CREATE_DEVICE: TEST, the real one, a second MPIC, a bad type;
 *     - vCPU 0 connected as MPIC CPU 0 with KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC)
 *       after its errors (flags, a bad fd, a non-device fd, CPU 32, and in
 *       VM B the other VM's MPIC); a second connect (EBUSY); a second
 *       vCPU (EINVAL where KVM_CAP_MAX_VCPUS is 1, as on the rig; else it is
 *       made and refused the taken CPU 0: EEXIST);
 *     - HAS/GET/SET_DEVICE_ATTR: the base address, identification
 *       registers, GCR, SPVR, TFRR, a timer (with the 6.1 read-decode quirk),
 *       an IPI, CPU 0's CTPR and WHOAMI, source IVPR/IDR/ILR (what the kernel
 *       masks or forces), IRQ_ACTIVE, and the errors: unknown group or attr
 *       (ENXIO), misaligned or unmapped offsets (ENXIO), PIR writes (ENXIO),
 *       IRQ_ACTIVE value 2 or source 257 (EINVAL), a misaligned base (EINVAL);
 *     - KVM_SET_GSI_ROUTING: rejected tables (header flags, pin 256, GSI 4096,
 *       a GSI twice on the MPIC, type 99, entry flags), then GSI n -> pin n
 *       and two MSI routes; KVM_IRQ_LINE_STATUS (status 0 when routed: the
 *       MPIC never reports delivery; -1 when not), KVM_IRQ_LINE raise/lower;
 *       a level and an edge source delivered, acknowledged through IACK and
 *       retired through EOI (GRP_REGISTER of CPU 0's block);
 *     - MSIs: an MSIIR write, KVM_SIGNAL_MSI, an MSI route (which fires at
 *       level 0 too: the MPIC ignores the level), each read back through
 *       MSISR/MSIR (reading MSIR clears it) and IRQ_ACTIVE of its source;
 *     - irqfd (plain, resample, errors) and KVM_INTERRUPT on the vCPU;
 *     - a controller reset through GCR, and what it resets.
 *     Attribute ioctls on the VM fd (ENOTTY) and the vCPU fd (EINVAL).
 * VM A's fds are closed before VM B is made; B's stay open for --hold.
 *
 * Never done on purpose: a routing entry with irqchip != 0. The 6.1 MPIC
 * checks only the pin, and the generic code then indexes its one-chip
 * table with that irqchip: a write past the table in the kernel.
 *
 * --storm: VM with an MPIC v2.0 and vCPU 0; irq_line toggles GSI 4 (an
 * unmasked edge source, routed to pin 4); msi sends an MSI for MSIR 0 bit 5
 * (KVM_SIGNAL_MSI becomes an MSIIR write).
 *
 * Expected values follow the 6.1 sources (arch/powerpc/kvm/{mpic,powerpc,
 * booke}.c, virt/kvm/{kvm_main,irqchip,eventfd}.c) and were checked on the
 * e500 rig (tests/rig/e500).
 */
#define _GNU_SOURCE
#include "testvmm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char arch_name[] = "powerpc-e500";

/* No --break modes here yet: the MPIC's misbehaviours are mpicvmm's. */
const struct break_mode *const arch_breaks = NULL;
const size_t arch_nr_breaks = 0;

_Static_assert(sizeof(struct kvm_enable_cap) == 104, "kvm_enable_cap");
_Static_assert(sizeof(struct kvm_interrupt) == 4, "kvm_interrupt");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the MPIC's registers (KVM_DEV_MPIC_GRP_REGISTER offsets) ------------- */

#define MPIC_BASE 0xfe0040000ull /* QEMU ppce500's address; 256 KiB aligned */
#define BRR1 0x0000
#define FRR 0x1000
#define GCR 0x1020
#define VIR 0x1080
#define PIR 0x1090
#define IPIVPR(n) (0x10a0 + 0x10 * (n))
#define SPVR 0x10e0
#define TFRR 0x10f0
/* Timer t's registers where a SET decodes them; a GET at GTBCR's offset
 * answers GTVPR, at GTCCR's answers GTBCR (6.1 read-decode quirk). */
#define GTCCR(t) (0x1100 + 0x40 * (t))
#define GTBCR(t) (0x1110 + 0x40 * (t))
#define GTVPR(t) (0x1120 + 0x40 * (t))
#define MSIR(n) (0x1600 + 0x10 * (n))
#define MSISR 0x1720
#define MSIIR 0x1740
#define SUMMARY 0x3800
#define SRC_IVPR(n) (0x10000 + 0x20 * (n))
#define SRC_IDR(n) (0x10010 + 0x20 * (n))
#define SRC_ILR(n) (0x10018 + 0x20 * (n))
#define CPU0(off) (0x20000 + (off))
#define CTPR 0x80
#define WHOAMI 0x90
#define IACK 0xa0
#define EOI 0xb0

#define MASK 0x80000000u
#define ACTIVITY 0x40000000u
#define HIGH 0x00800000u  /* polarity: active-high */
#define LEVEL 0x00400000u /* sense */
#define PRIO(p) ((__u32)(p) << 16)
#define GCR_RESET 0x80000000u
/* MSIIR's guest address; the MPIC ignores MSI addresses (one bank only). */
#define MSIIR_ADDR_LO ((__u32)(MPIC_BASE + MSIIR))
#define MSIIR_ADDR_HI ((__u32)((MPIC_BASE + MSIIR) >> 32))
#define MSIIR_VAL(srs, ibs) ((__u32)(srs) << 29 | (__u32)(ibs) << 24)

/* The sources the script programs. */
#define SRC_LEVEL 1                                /* level, priority 5 */
#define SRC_LEVEL_IVPR (HIGH | LEVEL | PRIO(5) | 0x41)
#define SRC_ALL_IDR 2                              /* IDR written all ones */
#define SRC_EDGE 3                                 /* edge, priority 12 */
#define SRC_EDGE_IVPR (HIGH | PRIO(12) | 0x63)
#define SRC_STORM 4                                /* --storm's edge source */
#define SRC_OUTPUT 6
#define SRC_INTERNAL 40                            /* FSL internal: level only */
#define SRC_INTERNAL_IVPR (MASK | LEVEL | PRIO(4) | 0x28)
#define SPV 0x23ff                                 /* SPVR reads back & 0xffff */

/* What differs between the two models (mpic_create in mpic.c). */
struct mpic_model {
	__u32 type;
	const char *name;
	__u32 brr1, frr; /* FRR with one CPU connected */
	__u32 gcr_mode;  /* the writable mode bits */
	__u32 all_idr;   /* IDR after writing all ones with one CPU */
	__u32 ilr;       /* ILR of SRC_OUTPUT after writing 1 */
};

static const struct mpic_model mpic20 = {
	.type = KVM_DEV_TYPE_FSL_MPIC_20, .name = "FSL MPIC 2.0",
	.brr1 = 0x00400200, .frr = 0x004f0002, .gcr_mode = 0x20000000,
	.all_idr = 0xc0000001, /* EP, critical to CPU 0, CPU 0 */
	.ilr = 0xffffffff,     /* no ILR on v2.0 */
};

static const struct mpic_model mpic42 = {
	.type = KVM_DEV_TYPE_FSL_MPIC_42, .name = "FSL MPIC 4.2",
	.brr1 = 0x00400402, .frr = 0x00c30002, .gcr_mode = 0x60000000,
	.all_idr = 0x00000001, /* no critical bits: the CPU mask only */
	.ilr = 1,              /* output CINT */
};

/* ---- helpers -------------------------------------------------------------- */

#define REG_GET(a, val, note) \
	ATTR_GET32_IS(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, a, val, note)
#define REG_SET(a, val, note) \
	ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, a, val, SUCCEEDS, note)
#define ACTIVE_GET(src, val, note) \
	ATTR_GET32_IS(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, src, val, note)

static long vm_simple(struct vmm *v, const char *name, unsigned long cmd, unsigned long arg,
		      struct expect expect, const char *note)
{
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, .name = name, .cmd = cmd,
			   .arg = arg, .expect = expect, .note = note };

	return vmm_call(v, &c);
}

static long connect_vcpu(struct vmm *v, int vcpu_fd, __u32 flags, __u64 dev_fd, __u64 cpu,
			 struct expect expect, const char *note)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_IRQ_MPIC, .flags = flags,
				      .args = { dev_fd, cpu } };
	struct kcall c = { .kind = FD_VCPU, .fd = vcpu_fd, KC(KVM_ENABLE_CAP), .buf = &cap,
			   .in_len = sizeof(cap), .expect = expect, .note = note };

	return vmm_call(v, &c);
}

static void line(struct vmm *v, __u32 gsi, __u32 level, struct expect expect, const char *note)
{
	struct kvm_irq_level lv = { .irq = gsi, .level = level };
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_IRQ_LINE), .buf = &lv,
			   .in_len = sizeof(lv), .expect = expect, .note = note };

	vmm_call(v, &c);
}

static struct kvm_irq_routing_entry to_pin(__u32 gsi, __u32 pin)
{
	return (struct kvm_irq_routing_entry){ .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = 0, .pin = pin } };
}

static struct kvm_irq_routing_entry to_msi(__u32 gsi, __u32 data)
{
	return (struct kvm_irq_routing_entry){ .gsi = gsi, .type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = MSIIR_ADDR_LO, .address_hi = MSIIR_ADDR_HI,
			   .data = data } };
}

/* ---- steps ---------------------------------------------------------------- */

/*
 * Interrupt capabilities on the system fd, with their 6.1 e500 values; a
 * KERNEL_CAP's value depends on the kernel: kernel_expect.c has its rows.
 */
#define CAP(c, val) { c, #c, val, false }
#define KERNEL_CAP(c) { c, #c, 0, true }
static const struct { long cap; const char *name; long value; bool by_kernel; } caps[] = {
	CAP(KVM_CAP_IRQCHIP, 0),            /* x86/s390/arm64 only, yet IRQ_LINE works */
	CAP(KVM_CAP_IRQ_ROUTING, 4096),     /* KVM_MAX_IRQ_ROUTES */
	CAP(KVM_CAP_IRQ_INJECT_STATUS, 0),  /* and KVM_IRQ_LINE_STATUS exists */
	CAP(KVM_CAP_IRQFD, 1),
	KERNEL_CAP(KVM_CAP_IRQFD_RESAMPLE), /* 0 since 6.3, yet resample irqfds work */
	CAP(KVM_CAP_SIGNAL_MSI, 1),
	CAP(KVM_CAP_DEVICE_CTRL, 1),
	CAP(KVM_CAP_IRQ_MPIC, 1),
	CAP(KVM_CAP_IRQ_XICS, 0),           /* Book3S only */
	CAP(KVM_CAP_PPC_IRQ_LEVEL, 1),
	CAP(KVM_CAP_PPC_UNSET_IRQ, 1),
	CAP(KVM_CAP_PPC_EPR, 1),
	CAP(KVM_CAP_SPLIT_IRQCHIP, 0),
	CAP(KVM_CAP_MSI_DEVID, 0),
};

static bool has_signal_msi, has_irqfd;
static long max_vcpus;

static void ppc_system(struct vmm *v)
{
	struct kcall api = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_GET_API_VERSION),
			     .expect = RETURNS(KVM_API_VERSION), .note = "API version" };
	vmm_call(v, &api);

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		long r = step_check_extension(v, FD_SYSTEM, caps[i].cap, caps[i].name,
					      caps[i].by_kernel ? kernel_returns(caps[i].name) :
								  RETURNS(caps[i].value));

		if (caps[i].cap == KVM_CAP_SIGNAL_MSI)
			has_signal_msi = r > 0;
		if (caps[i].cap == KVM_CAP_IRQFD)
			has_irqfd = r > 0;
	}
	/* NR_CPUS: 1 on the rig's uniprocessor e500 kernel. */
	max_vcpus = step_check_extension(v, FD_SYSTEM, KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS",
					 NONNEG);

	/* No attribute groups on the system fd: kvm_arch_dev_ioctl says EINVAL. */
	const struct attr_case attrs[] = {
		ATTR_HAS(FD_SYSTEM, 0, 0, FAILS(EINVAL), "no system attributes on powerpc"),
		ATTR_GET64(FD_SYSTEM, 0, 0, FAILS(EINVAL), "no system attributes on powerpc"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

/* KVM_CREATE_VM and what the VM does before it has an MPIC. */
static void ppc_vm_before_mpic(struct vmm *v)
{
	struct kvm_irq_level lv = { .irq = SRC_LEVEL, .level = 1 };
	struct kvm_msi msi = { .data = MSIIR_VAL(0, 1) };
	struct kvm_irq_routing_entry early = to_pin(SRC_LEVEL, SRC_LEVEL);
	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0" };

	v->vm_fd = (int)vmm_call(v, &create);
	step_check_extension(v, FD_VM, KVM_CAP_IRQ_MPIC, "KVM_CAP_IRQ_MPIC on the VM", RETURNS(1));

	struct kcall before[] = {
		{ .kind = FD_VM, .fd = v->vm_fd, KC(KVM_IRQ_LINE), .buf = &lv, .in_len = 8,
		  .expect = FAILS(ENXIO), .note = "no MPIC yet" },
		{ .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SIGNAL_MSI), .buf = &msi, .in_len = 32,
		  .expect = FAILS(EINVAL), .note = "no MPIC yet" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(before); i++)
		if (before[i].cmd != KVM_SIGNAL_MSI || has_signal_msi)
			vmm_call(v, &before[i]);
	step_gsi_routing(v, &early, 1, 0, SUCCEEDS,
			 "accepted without an MPIC (replaced when it is created)");
}

/* Create the MPIC; VM B also checks that A's MPIC cannot take B's vCPU. */
static void ppc_create_mpic(struct vmm *v, const struct mpic_model *m, int other_mpic)
{
	char note[96];
	int second_vcpu;

	step_create_device(v, m->type, KVM_CREATE_DEVICE_TEST, SUCCEEDS, "TEST: probe only");
	v->dev_fd = step_create_device(v, m->type, 0, SUCCEEDS, m->name);
	step_create_device(v, KVM_DEV_TYPE_FSL_MPIC_20 + KVM_DEV_TYPE_FSL_MPIC_42 - m->type, 0,
			   FAILS(EINVAL), "the other MPIC: one MPIC per VM");
	step_create_device(v, m->type, 0, FAILS(EINVAL), "a second one of the same type");
	step_create_device(v, 0xffff, 0, FAILS(ENODEV), "type >= KVM_DEV_TYPE_MAX");

	static const struct line_case wiped[] = {
		{ SRC_LEVEL, 1, -1, "creating the MPIC emptied the routing table" },
		{ SRC_LEVEL, 0, -1, "lower" },
	};
	step_irq_line_status(v, wiped, ARRAY_SIZE(wiped));

	v->vcpu_fd = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0, NEW_FD, "vcpu 0");
	connect_vcpu(v, v->vcpu_fd, 1, (__u64)v->dev_fd, 0, FAILS(EINVAL), "flags 1");
	connect_vcpu(v, v->vcpu_fd, 0, 0xffffffffull, 0, FAILS(EBADF), "fd -1");
	connect_vcpu(v, v->vcpu_fd, 0, (__u64)v->vm_fd, 0, FAILS(EPERM),
		     "the VM fd: not a device");
	connect_vcpu(v, v->vcpu_fd, 0, (__u64)v->dev_fd, 32, FAILS(EPERM), "MPIC CPU 32");
	if (other_mpic >= 0)
		connect_vcpu(v, v->vcpu_fd, 0, (__u64)other_mpic, 0, FAILS(EPERM),
			     "the other VM's MPIC");
	snprintf(note, sizeof(note), "vcpu 0 as MPIC CPU 0 of the %s", m->name);
	connect_vcpu(v, v->vcpu_fd, 0, (__u64)v->dev_fd, 0, SUCCEEDS, note);
	connect_vcpu(v, v->vcpu_fd, 0, (__u64)v->dev_fd, 1, FAILS(EBUSY),
		     "vcpu 0 again, as CPU 1: it has an irq type");
	second_vcpu = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 1,
				     max_vcpus > 1 ? NEW_FD : FAILS(EINVAL),
				     max_vcpus > 1 ? "vcpu 1" : "vcpu 1: beyond KVM_CAP_MAX_VCPUS");
	if (second_vcpu < 0)
		return;
	connect_vcpu(v, second_vcpu, 0, (__u64)v->dev_fd, 0, FAILS(EEXIST),
		     "vcpu 1 as CPU 0: taken");
	close(second_vcpu);
}

/* Attribute groups, registers and the values the kernel stores. */
static void ppc_registers(struct vmm *v, const struct mpic_model *m)
{
	const struct attr_case attrs[] = {
		ATTR_HAS(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, SUCCEEDS,
			 "base address"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, 1, FAILS(ENXIO), "MISC attr 1"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x1022, SUCCEEDS,
			 "every offset, even a misaligned one"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 256, SUCCEEDS,
			 "source 256: the bound check is > MAX_SRC"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 257, FAILS(ENXIO), "source 257"),
		ATTR_HAS(FD_DEVICE, 4, 0, FAILS(ENXIO), "unknown group 4"),
		ATTR_HAS(FD_DEVICE, 0, 0, FAILS(ENXIO), "unknown group 0"),

		ATTR_GET64_IS(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, 0,
			      "unmapped at reset"),
		ATTR_SET64(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, MPIC_BASE,
			   SUCCEEDS, "map at 0xfe0040000"),
		ATTR_SET64(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR,
			   MPIC_BASE + 0x1000, FAILS(EINVAL), "not 256 KiB aligned"),
		ATTR_GET64_IS(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, MPIC_BASE,
			      "base reads back"),
		ATTR_SET64(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, 1, 0, FAILS(ENXIO), "MISC attr 1"),
		ATTR_GET64(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, 1, FAILS(ENXIO), "MISC attr 1"),
		ATTR_SET32(FD_DEVICE, 4, 0, 0, FAILS(ENXIO), "unknown group 4"),
		ATTR_GET32(FD_DEVICE, 4, 0, FAILS(ENXIO), "unknown group 4"),

		REG_GET(BRR1, m->brr1, "BRR1: block revision"),
		REG_GET(FRR, m->frr, "FRR: sources, one CPU, VID 2"),
		REG_GET(VIR, 0, "VIR"),
		REG_GET(PIR, 0, "PIR reads 0"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, PIR, 1, FAILS(ENXIO),
			   "PIR writes are refused: CPU reset is user space's"),
		REG_GET(GCR, 0, "GCR after reset"),
		REG_SET(GCR, 0x7fffffff, "GCR: all but reset"),
		REG_GET(GCR, m->gcr_mode, "only the model's mode bits stay"),
		REG_SET(SPVR, 0x123ff, "spurious vector"),
		REG_GET(SPVR, SPV, "masked with 0xffff"),
		REG_SET(TFRR, 25000000, "timer frequency"),
		REG_GET(TFRR, 25000000, "TFRR"),
		REG_SET(GTBCR(0), 0x1000, "timer 0 base count"),
		REG_SET(GTVPR(0), MASK | PRIO(3) | 0x77, "timer 0 vector/priority"),
		REG_GET(GTCCR(0), 0x1000, "a GET at GTCCR's offset answers GTBCR"),
		REG_GET(GTBCR(0), MASK | PRIO(3) | 0x77, "a GET at GTBCR's offset answers GTVPR"),
		REG_SET(IPIVPR(2), PRIO(10) | 0x99, "IPI 2"),
		REG_GET(IPIVPR(2), PRIO(10) | 0x99, "IPI 2"),
		REG_GET(CPU0(CTPR), 15, "CPU 0 CTPR after reset"),
		REG_SET(CPU0(CTPR), 0x12, "CPU 0 CTPR"),
		REG_GET(CPU0(CTPR), 2, "the low 4 bits stay"),
		REG_GET(CPU0(WHOAMI), 0, "CPU 0 WHOAMI"),
		REG_GET(CTPR, 0xffffffff, "current-CPU alias from a non-vCPU thread"),
		REG_GET(SRC_IVPR(SRC_LEVEL), MASK, "reset IVPR: masked"),
		REG_GET(SRC_IDR(SRC_LEVEL), 0, "reset before any CPU was connected: no destination"),
		REG_SET(SRC_IDR(SRC_LEVEL), 1, "to CPU 0"),
		REG_SET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR, "level, active-high, priority 5"),
		REG_GET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR, "reads back, idle"),
		REG_SET(SRC_IDR(SRC_EDGE), 1, "to CPU 0"),
		REG_SET(SRC_IVPR(SRC_EDGE), SRC_EDGE_IVPR, "edge, priority 12"),
		REG_SET(SRC_IVPR(SRC_STORM), PRIO(1) | 0x44, "edge, priority 1"),
		REG_SET(SRC_IDR(SRC_ALL_IDR), 0xffffffff, "IDR all ones"),
		REG_GET(SRC_IDR(SRC_ALL_IDR), m->all_idr, "what the model keeps"),
		REG_SET(SRC_ILR(SRC_OUTPUT), 1, "ILR: output CINT"),
		REG_GET(SRC_ILR(SRC_OUTPUT), m->ilr, "ILR"),
		REG_SET(SRC_IVPR(SRC_INTERNAL), SRC_INTERNAL_IVPR, "internal source, level asked"),
		REG_GET(SRC_IVPR(SRC_INTERNAL), SRC_INTERNAL_IVPR & ~LEVEL,
			"internal sources: sense forced to 0"),
		REG_GET(SRC_IVPR(100), MASK | HIGH, "internal source reset: polarity high"),
		REG_GET(SUMMARY, 0, "summary registers read 0"),
		REG_SET(SUMMARY, 1, "and ignore writes"),

		ATTR_GET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x1022, FAILS(ENXIO),
			   "offset & 3"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x1022, 0, FAILS(ENXIO),
			   "offset & 3"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x2000, FAILS(ENXIO),
			   "between the MSI and summary regions"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x2000, 0, FAILS(ENXIO),
			   "between the MSI and summary regions"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, 0x40000, FAILS(ENXIO),
			   "past the window"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, MSIR(0) + 4, FAILS(ENXIO),
			   "MSI region, not 16-aligned: a read fails"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_REGISTER, MSIR(0) + 4, 0, SUCCEEDS,
			   "MSI region, not 16-aligned: a write is ignored"),
		REG_GET(GCR + 4, 0xffffffff, "global region, not 16-aligned: all ones"),

		ACTIVE_GET(SRC_LEVEL, 0, "idle"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, SRC_LEVEL, 1, SUCCEEDS,
			   "assert the level source"),
		ACTIVE_GET(SRC_LEVEL, 1, "asserted"),
		REG_GET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR | ACTIVITY, "activity while raised"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, SRC_LEVEL, 0, SUCCEEDS,
			   "deassert"),
		ACTIVE_GET(SRC_LEVEL, 0, "deasserted"),
		REG_GET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR, "activity gone"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, SRC_LEVEL, 2, FAILS(EINVAL),
			   "value 2"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 257, 1, FAILS(EINVAL),
			   "source 257"),
		ATTR_GET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 257, FAILS(EINVAL), "source 257"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 256, 1, SUCCEEDS,
			   "source 256 is IPI 0 (edge, masked)"),
		ACTIVE_GET(256, 1, "the edge stays pending"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

/* Routing: rejected tables, then GSI n -> pin n and two MSI routes. */
static void ppc_routing(struct vmm *v)
{
	struct kvm_irq_routing_entry table[20], bad[2];
	__u32 n = 0;

	for (__u32 gsi = 0; gsi < 16; gsi++)
		table[n++] = to_pin(gsi, gsi);
	table[n++] = to_pin(SRC_INTERNAL, SRC_INTERNAL);
	table[n++] = to_pin(255, 255);
	table[n++] = to_msi(300, MSIIR_VAL(3, 1));
	table[n] = to_msi(301, MSIIR_VAL(3, 2));
	table[n].flags = KVM_MSI_VALID_DEVID;
	table[n++].u.msi.devid = 0x0100;

	step_gsi_routing(v, table, 1, 1, FAILS(EINVAL), "header flags 1");
	bad[0] = to_pin(5, 256);
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "pin 256");
	bad[0] = to_pin(4096, 5);
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "GSI 4096 = KVM_MAX_IRQ_ROUTES");
	bad[0] = to_pin(5, 5);
	bad[1] = to_pin(5, 6);
	step_gsi_routing(v, bad, 2, 0, FAILS(EINVAL), "GSI 5 on the MPIC twice");
	bad[0].type = 99;
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "type 99");
	bad[0] = to_pin(5, 5);
	bad[0].flags = 1;
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "irqchip entry with flags");
	bad[0] = to_msi(300, 0);
	bad[0].flags = 2;
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "MSI entry flag 2");
	step_gsi_routing(v, table, n, 0, SUCCEEDS, "GSI n -> pin n, MSI routes 300 and 301");

	/* mpic_set_irq always answers 0: a routed GSI reports 0, never a count. */
	static const struct line_case status[] = {
		{ 9, 1, 0, "routed, masked source" },
		{ 9, 0, 0, "lower" },
		{ 200, 1, -1, "no route" },
		{ 1000, 1, -1, "beyond the table" },
	};
	step_irq_line_status(v, status, ARRAY_SIZE(status));

	static const struct line_case plain[] = {
		{ 5, 1, 0, "raise" }, { 5, 0, 0, "lower" },
		{ 255, 1, 0, "raise the last pin" }, { 255, 0, 0, "lower" },
		{ 200, 1, 0, "no route: still 0" },
	};
	step_irq_lines(v, plain, ARRAY_SIZE(plain));
}

/* A level and an edge source delivered to CPU 0, acknowledged and retired. */
static void ppc_delivery(struct vmm *v)
{
	line(v, SRC_LEVEL, 1, SUCCEEDS, "raise the level source");
	const struct attr_case level[] = {
		ACTIVE_GET(SRC_LEVEL, 1, "line high"),
		REG_GET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR | ACTIVITY, "delivered: activity"),
		REG_GET(CPU0(IACK), 0x41, "IACK: its vector"),
		REG_SET(CPU0(EOI), 0, "EOI"),
	};
	step_device_attrs(v, level, ARRAY_SIZE(level));
	line(v, SRC_LEVEL, 0, SUCCEEDS, "lower the level source");

	line(v, SRC_EDGE, 1, SUCCEEDS, "edge");
	line(v, SRC_EDGE, 0, SUCCEEDS, "edge: lowering is ignored");
	const struct attr_case edge[] = {
		ACTIVE_GET(SRC_LEVEL, 0, "line low"),
		REG_GET(SRC_IVPR(SRC_LEVEL), SRC_LEVEL_IVPR, "no activity"),
		ACTIVE_GET(SRC_EDGE, 1, "edge pending until IACK"),
		REG_GET(CPU0(IACK), 0x63, "IACK: the edge's vector"),
		ACTIVE_GET(SRC_EDGE, 0, "IACK took the edge"),
		REG_SET(CPU0(EOI), 0, "EOI"),
		REG_GET(CPU0(IACK), SPV, "nothing pending: the spurious vector"),
	};
	step_device_attrs(v, edge, ARRAY_SIZE(edge));
}

/* MSIs: MSIIR, KVM_SIGNAL_MSI, MSI routes; MSIR reads clear. */
static void ppc_msi(struct vmm *v)
{
	const struct attr_case msiir[] = {
		REG_SET(MSIIR, MSIIR_VAL(1, 5), "MSIIR: MSIR 1 bit 5"),
		REG_GET(MSISR, 1u << 1, "MSISR: bank 1"),
		ACTIVE_GET(224 + 1, 1, "its source 225 asserted"),
		REG_GET(MSIR(1), 1u << 5, "MSIR 1, cleared by this read"),
		REG_GET(MSIR(1), 0, "cleared"),
		ACTIVE_GET(224 + 1, 0, "source 225 deasserted"),
	};
	step_device_attrs(v, msiir, ARRAY_SIZE(msiir));

	if (has_signal_msi) {
		static const struct msi_case msis[] = {
			{ { .address_lo = MSIIR_ADDR_LO, .address_hi = MSIIR_ADDR_HI,
			    .data = MSIIR_VAL(2, 7) }, SUCCEEDS,
			  "data goes to MSIIR: MSIR 2 bit 7" },
			{ { .data = MSIIR_VAL(2, 8), .flags = KVM_MSI_VALID_DEVID, .devid = 7 },
			  SUCCEEDS, "VALID_DEVID accepted; address ignored" },
			{ { .data = MSIIR_VAL(2, 9), .flags = 2 }, FAILS(EINVAL), "unknown flag" },
		};
		step_signal_msi(v, msis, ARRAY_SIZE(msis));
		const struct attr_case back[] = {
			REG_GET(MSISR, 1u << 2, "MSISR: bank 2"),
			REG_GET(MSIR(2), 3u << 7, "MSIR 2: bits 7 and 8"),
		};
		step_device_attrs(v, back, ARRAY_SIZE(back));
	}

	static const struct line_case route_high[] = {
		{ 300, 1, 0, "MSI route: MSIR 3 bit 1" },
		{ 301, 1, 0, "MSI route with VALID_DEVID: MSIR 3 bit 2" },
	};
	static const struct line_case route_low[] = {
		{ 300, 0, 0, "level 0 sends the MSI too" },
	};
	step_irq_line_status(v, route_high, ARRAY_SIZE(route_high));
	const struct attr_case high[] = {
		REG_GET(MSISR, 1u << 3, "MSISR: bank 3"),
		REG_GET(MSIR(3), 3u << 1, "MSIR 3: bits 1 and 2"),
	};
	step_device_attrs(v, high, ARRAY_SIZE(high));
	step_irq_line_status(v, route_low, ARRAY_SIZE(route_low));
	const struct attr_case low[] = {
		REG_GET(MSIR(3), 1u << 1, "MSIR 3: bit 1 again"),
	};
	step_device_attrs(v, low, ARRAY_SIZE(low));
}

/* KVM_INTERRUPT queues/dequeues the external interrupt, MPIC or not. */
static void ppc_vcpu_interrupt(struct vmm *v)
{
	struct kvm_interrupt set = { .irq = KVM_INTERRUPT_SET_LEVEL };
	struct kvm_interrupt unset = { .irq = KVM_INTERRUPT_UNSET };
	struct kcall calls[] = {
		{ .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_INTERRUPT), .buf = &set, .in_len = 4,
		  .expect = SUCCEEDS, .note = "SET_LEVEL: queue the external interrupt" },
		{ .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_INTERRUPT), .buf = &unset, .in_len = 4,
		  .expect = SUCCEEDS, .note = "UNSET: dequeue it" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		vmm_call(v, &calls[i]);
}

/* A controller reset through GCR, and attribute ioctls elsewhere. */
static void ppc_reset(struct vmm *v)
{
	const struct attr_case attrs[] = {
		REG_SET(GCR, GCR_RESET, "GCR reset"),
		REG_GET(GCR, 0, "reset bit and mode cleared"),
		REG_GET(CPU0(CTPR), 15, "CTPR reset"),
		REG_GET(SPVR, 0xffff, "SPVR reset"),
		REG_GET(SRC_IVPR(SRC_LEVEL), MASK, "IVPR reset"),
		REG_GET(SRC_IDR(SRC_ALL_IDR), 1, "IDR reset: CPU 0"),
		REG_GET(SRC_IVPR(SRC_INTERNAL), MASK | HIGH, "internal source reset"),
		REG_GET(GTCCR(0), 0x80000000, "timer 0 base count: count inhibit"),
		REG_GET(IPIVPR(2), MASK, "IPI 2 reset"),
		ATTR_GET64_IS(FD_DEVICE, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, MPIC_BASE,
			      "the reset keeps the mapping"),
		ATTR_HAS(FD_VM, KVM_DEV_MPIC_GRP_MISC, 0, FAILS(ENOTTY),
			 "no VM attributes on powerpc"),
		ATTR_GET64(FD_VM, KVM_DEV_MPIC_GRP_MISC, 0, FAILS(ENOTTY),
			   "no VM attributes on powerpc"),
		ATTR_HAS(FD_VCPU, 0, 0, FAILS(EINVAL), "no vCPU attributes on e500"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

static void ppc_mpic_vm(struct vmm *v, const struct mpic_model *m, int other_mpic)
{
	ppc_vm_before_mpic(v);
	ppc_create_mpic(v, m, other_mpic);
	if (v->dev_fd < 0 || v->vcpu_fd < 0)
		return;
	ppc_registers(v, m);
	ppc_routing(v);
	ppc_delivery(v);
	ppc_msi(v);
	if (has_irqfd)
		step_irqfd(v, 7, SRC_LEVEL);
	ppc_vcpu_interrupt(v);
	ppc_reset(v);
}

void arch_sequence(struct vmm *v)
{
	ppc_system(v);
	ppc_mpic_vm(v, &mpic20, -1);
	/* VM A stays open while B tries to borrow its MPIC. */
	int a_vm = v->vm_fd, a_vcpu = v->vcpu_fd, a_mpic = v->dev_fd;

	ppc_mpic_vm(v, &mpic42, a_mpic);
	close(a_mpic);
	close(a_vcpu);
	close(a_vm);
}

/* ---- storm ---------------------------------------------------------------- */

void arch_storm_setup(struct vmm *v)
{
	struct kvm_irq_routing_entry table[16];
	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0" };

	v->vm_fd = (int)vmm_call(v, &create);
	v->dev_fd = step_create_device(v, KVM_DEV_TYPE_FSL_MPIC_20, 0, SUCCEEDS, mpic20.name);
	v->vcpu_fd = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0, NEW_FD, "vcpu 0");
	if (v->dev_fd < 0 || v->vcpu_fd < 0)
		return;
	connect_vcpu(v, v->vcpu_fd, 0, (__u64)v->dev_fd, 0, SUCCEEDS, "vcpu 0 as MPIC CPU 0");
	for (__u32 gsi = 0; gsi < 16; gsi++)
		table[gsi] = to_pin(gsi, gsi);
	step_gsi_routing(v, table, 16, 0, SUCCEEDS, "GSI n -> pin n");
	const struct attr_case attrs[] = {
		REG_SET(SRC_IDR(SRC_STORM), 1, "to CPU 0"),
		REG_SET(SRC_IVPR(SRC_STORM), PRIO(1) | 0x44, "edge, priority 1"),
		REG_SET(SRC_IVPR(224), PRIO(2) | 0xe0, "MSI bank 0, priority 2"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

__u32 arch_storm_gsi(void)
{
	return SRC_STORM;
}

struct kvm_msi arch_storm_msi(void)
{
	return (struct kvm_msi){ .address_lo = MSIIR_ADDR_LO, .address_hi = MSIIR_ADDR_HI,
				 .data = MSIIR_VAL(0, 5) };
}
