// SPDX-License-Identifier: GPL-2.0
/*
 * testvmm, x86 part: the legacy in-kernel irqchip (2 x 8259 PIC + IOAPIC,
 * created by KVM_CREATE_IRQCHIP) and the in-kernel LAPIC.
 *
 * The expected values follow the 6.1 sources (arch/x86/kvm/{i8259,ioapic,
 * lapic,irq_comm,x86}.c, virt/kvm/{kvm_main,eventfd,irqchip,vfio}.c); the
 * comment on each table says which rule produces each value. Where a later
 * kernel answers differently, kernel_expect.c's row for the running kernel
 * gives the value (KERNEL_CAP, ATTR_GET64_KERNEL).
 */
#define _GNU_SOURCE
#include "testvmm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

const char arch_name[] = "x86_64";

_Static_assert(sizeof(struct kvm_irqchip) == 520, "kvm_irqchip");
_Static_assert(sizeof(struct kvm_lapic_state) == 1024, "kvm_lapic_state");
_Static_assert(sizeof(struct kvm_interrupt) == 4, "kvm_interrupt");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the state the script programs -------------------------------------- */

/*
 * PICs: initialised (init_state 0), vector bases 0x20/0x28. The master only
 * lets pin 3 through, so GSI 3 is delivered by PIC and IOAPIC at once; the
 * slave masks everything and marks IRQ 10/11 level (ELCR).
 */
static const struct kvm_pic_state pic_master = {
	.irq_base = 0x20, .imr = 0xf7, .init4 = 1, .elcr = 0x00, .elcr_mask = 0xf8,
};
static const struct kvm_pic_state pic_slave = {
	.irq_base = 0x28, .imr = 0xff, .init4 = 1, .elcr = 0x0c, .elcr_mask = 0xde,
};

/* IOAPIC redirection entry: vector, flags, 8-bit destination. */
#define RTE(vec, flags, dest) (((__u64)(dest) << 56) | (flags) | (vec))
#define RTE_LOGICAL (1u << 11)
#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_REMOTE_IRR (1u << 14)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

/* Pins not listed stay masked. APIC ID 0 is the only vCPU. */
static const struct { unsigned pin; __u64 rte; } ioapic_pins[] = {
	{ 1, RTE(0x31, 0, 0) },                            /* edge, fixed, phys 0 */
	{ 3, RTE(0x33, 0, 0) },                            /* also PIC master pin 3 */
	{ 4, RTE(0x34, 0, 0) },                            /* the storm's pin */
	{ 5, RTE(0x35, 0, 7) },                            /* no APIC 7 exists */
	{ 9, RTE(0x39, RTE_LEVEL, 0) },
	{ 10, RTE(0x3a, RTE_LEVEL | RTE_ACTIVE_LOW, 0) },  /* polarity is ignored */
	{ 11, RTE(0x3b, RTE_LEVEL | RTE_MASKED, 0) },
	{ 16, RTE(0x40, 0, 0) },                           /* IOAPIC only (>= 16) */
	{ 17, RTE(0x41, RTE_LEVEL | RTE_LOGICAL, 1) },     /* logical dest 1 = LDR */
};

/* LAPIC registers set by KVM_SET_LAPIC (offsets in the 1 KiB page). */
static const struct { unsigned off; __u32 val; const char *name; } lapic_regs[] = {
	{ 0x080, 0x00000010, "TPR" },
	{ 0x0d0, 0x01000000, "LDR" },      /* logical ID 1 */
	{ 0x0e0, 0xffffffff, "DFR" },      /* flat model */
	{ 0x0f0, 0x000001ff, "SPIV" },     /* software-enabled, spurious 0xff */
	{ 0x320, 0x000100ef, "LVTT" },     /* masked, one-shot, vector 0xef */
	{ 0x330, 0x00010000, "LVTTHMR" },
	{ 0x340, 0x00010400, "LVTPC" },    /* masked NMI */
	{ 0x350, 0x00000700, "LVT0" },     /* ExtINT: the PIC's output */
	{ 0x360, 0x00000400, "LVT1" },     /* NMI */
	{ 0x370, 0x000000fe, "LVTERR" },
	{ 0x3e0, 0x0000000b, "TDCR" },     /* divide by 1 */
};

static __u32 lapic_get(const struct kvm_lapic_state *s, unsigned off)
{
	__u32 v;

	memcpy(&v, s->regs + off, sizeof(v));
	return v;
}

static void lapic_set(struct kvm_lapic_state *s, unsigned off, __u32 v)
{
	memcpy(s->regs + off, &v, sizeof(v));
}

/* Bit for vector vec in the 256-bit ISR/TMR/IRR register group at base. */
static bool lapic_vector_bit(const struct kvm_lapic_state *s, unsigned base, unsigned vec)
{
	return lapic_get(s, base + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}
#define APIC_TMR 0x180
#define APIC_IRR 0x200

/* ---- ioctl helpers ------------------------------------------------------ */

static long vm_simple(struct vmm *v, const char *name, unsigned long cmd, unsigned long arg,
		      struct expect expect, const char *note)
{
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, .name = name, .cmd = cmd,
			   .arg = arg, .expect = expect, .note = note };

	return vmm_call(v, &c);
}

static long get_irqchip(struct vmm *v, __u32 chip_id, struct kvm_irqchip *chip,
			struct expect expect, const char *note)
{
	memset(chip, 0, sizeof(*chip));
	chip->chip_id = chip_id;
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_GET_IRQCHIP), .buf = chip,
			   .in_len = sizeof(*chip), .out_len = sizeof(*chip),
			   .expect = expect, .note = note };
	return vmm_call(v, &c);
}

static long set_irqchip(struct vmm *v, struct kvm_irqchip *chip, struct expect expect,
			const char *note)
{
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SET_IRQCHIP), .buf = chip,
			   .in_len = sizeof(*chip), .expect = expect, .note = note };

	return vmm_call(v, &c);
}

static long get_lapic(struct vmm *v, struct kvm_lapic_state *s, const char *note)
{
	memset(s, 0, sizeof(*s));
	struct kcall c = { .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_GET_LAPIC), .buf = s,
			   .out_len = sizeof(*s), .expect = SUCCEEDS, .note = note };
	return vmm_call(v, &c);
}

static long set_lapic(struct vmm *v, struct kvm_lapic_state *s, const char *note)
{
	struct kcall c = { .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_SET_LAPIC), .buf = s,
			   .in_len = sizeof(*s), .expect = SUCCEEDS, .note = note };

	return vmm_call(v, &c);
}

/* ---- steps -------------------------------------------------------------- */

/*
 * Interrupt capabilities on the system fd, with their 6.1 values; a
 * KERNEL_CAP's value depends on the kernel: kernel_expect.c has its rows.
 */
#define CAP(c, v) { c, #c, v, false }
#define KERNEL_CAP(c) { c, #c, 0, true }
static const struct { long cap; const char *name; long value; bool by_kernel; } caps[] = {
	CAP(KVM_CAP_IRQCHIP, 1),
	CAP(KVM_CAP_IRQ_ROUTING, 4096),        /* KVM_MAX_IRQ_ROUTES */
	CAP(KVM_CAP_IRQ_INJECT_STATUS, 1),
	CAP(KVM_CAP_IRQFD, 1),
	CAP(KVM_CAP_IRQFD_RESAMPLE, 1),
	CAP(KVM_CAP_SIGNAL_MSI, 1),
	KERNEL_CAP(KVM_CAP_DEVICE_CTRL),       /* 0 on x86 6.1, yet it works */
	CAP(KVM_CAP_SPLIT_IRQCHIP, 1),
};

static void x86_system(struct vmm *v)
{
	struct kcall api = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_GET_API_VERSION),
			     .expect = RETURNS(KVM_API_VERSION), .note = "API version" };
	vmm_call(v, &api);

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		step_check_extension(v, FD_SYSTEM, caps[i].cap, caps[i].name,
				     caps[i].by_kernel ? kernel_returns(caps[i].name) :
							 RETURNS(caps[i].value));

	/*
	 * The system fd's attribute groups: 0 (XCOMP_GUEST_SUPP) everywhere,
	 * and 1 (KVM_X86_GRP_SEV) on AMD since 6.10 (546d714b0880, ac5c48027bac:
	 * 6.12's kvm_amd answers HAS for attribute 0), so group 2 is the one
	 * unknown on every kernel and vendor.
	 */
	const struct attr_case attrs[] = {
		ATTR_HAS(FD_SYSTEM, 0, KVM_X86_XCOMP_GUEST_SUPP, SUCCEEDS, "XCOMP_GUEST_SUPP"),
		ATTR_GET64(FD_SYSTEM, 0, KVM_X86_XCOMP_GUEST_SUPP, SUCCEEDS,
			   "supported XCR0 (host dependent)"),
		ATTR_HAS(FD_SYSTEM, 2, 0, FAILS(ENXIO), "unknown system group 2"),
		ATTR_SET64(FD_SYSTEM, 0, KVM_X86_XCOMP_GUEST_SUPP, 3, FAILS(EINVAL),
			   "no SET on the system fd: unknown ioctl there"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

static void x86_create(struct vmm *v)
{
	struct kvm_irq_level lv = { .irq = 4, .level = 1 };
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x51 };

	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0" };

	v->vm_fd = (int)vmm_call(v, &create);
	step_check_extension(v, FD_VM, KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP on the VM", RETURNS(1));

	struct kcall before[] = {
		{ .kind = FD_VM, .fd = v->vm_fd, KC(KVM_IRQ_LINE), .buf = &lv, .in_len = 8,
		  .expect = FAILS(ENXIO), .note = "no irqchip yet" },
		{ .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SIGNAL_MSI), .buf = &msi, .in_len = 32,
		  .expect = FAILS(EINVAL), .note = "no irqchip yet" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(before); i++)
		vmm_call(v, &before[i]);

	vm_simple(v, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0, SUCCEEDS, "PICs + IOAPIC");
	vm_simple(v, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0, FAILS(EEXIST), "second irqchip");
	v->vcpu_fd = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0, NEW_FD, "vcpu 0");
}

/*
 * Program the PICs and the IOAPIC; each reads back as written. The slave
 * goes first: setting either PIC re-evaluates the cascade, and a slave
 * still holding an IRR bit from earlier KVM_IRQ_LINEs would raise the
 * master's pin 2 (seen on the real kernel when the master went first).
 */
static void x86_program_irqchip(struct vmm *v)
{
	static const __u32 order[] = { KVM_IRQCHIP_PIC_SLAVE, KVM_IRQCHIP_PIC_MASTER,
				       KVM_IRQCHIP_IOAPIC };
	static const char *const names[] = { "PIC master", "PIC slave", "IOAPIC" };
	struct kvm_irqchip chip, back;

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		__u32 id = order[i];
		size_t state_len;

		get_irqchip(v, id, &chip, SUCCEEDS, names[id]);
		memset(&chip.chip, 0, sizeof(chip.chip));
		if (id == KVM_IRQCHIP_IOAPIC) {
			chip.chip.ioapic.base_address = 0xfec00000;
			for (unsigned pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++)
				chip.chip.ioapic.redirtbl[pin].bits = RTE_MASKED;
			for (size_t k = 0; k < ARRAY_SIZE(ioapic_pins); k++)
				chip.chip.ioapic.redirtbl[ioapic_pins[k].pin].bits = ioapic_pins[k].rte;
			state_len = sizeof(chip.chip.ioapic);
		} else {
			chip.chip.pic = id == KVM_IRQCHIP_PIC_MASTER ? pic_master : pic_slave;
			state_len = sizeof(chip.chip.pic);
		}
		set_irqchip(v, &chip, SUCCEEDS, names[id]);
		if (get_irqchip(v, id, &back, SUCCEEDS, names[id]) == 0 &&
		    memcmp(&back.chip, &chip.chip, state_len) != 0)
			vmm_mismatch(v, "%s reads back different from what was set", names[id]);
	}
}

static void x86_bad_chip_ids(struct vmm *v)
{
	struct kvm_irqchip chip;

	get_irqchip(v, 7, &chip, FAILS(EINVAL), "chip_id 7");
	memset(&chip, 0, sizeof(chip));
	chip.chip_id = 7;
	set_irqchip(v, &chip, FAILS(EINVAL), "chip_id 7");
}

static void x86_program_lapic(struct vmm *v)
{
	struct kvm_lapic_state s, back;

	if (get_lapic(v, &s, "reset state") != 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(lapic_regs); i++)
		lapic_set(&s, lapic_regs[i].off, lapic_regs[i].val);
	set_lapic(v, &s, "enable, LDR 1, LVTs");
	if (get_lapic(v, &back, "read back") != 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(lapic_regs); i++) {
		__u32 got = lapic_get(&back, lapic_regs[i].off);

		if (got != lapic_regs[i].val)
			vmm_mismatch(v, "LAPIC %s = 0x%08x, set 0x%08x", lapic_regs[i].name, got,
				     lapic_regs[i].val);
	}
}

static void x86_vcpu_injection(struct vmm *v)
{
	struct kvm_interrupt intr = { .irq = 0x30 };
	struct kcall calls[] = {
		{ .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_INTERRUPT), .buf = &intr, .in_len = 4,
		  .expect = FAILS(ENXIO), .note = "refused while the PIC is in the kernel" },
		{ .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_NMI), .expect = SUCCEEDS,
		  .note = "queue an NMI" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		vmm_call(v, &calls[i]);
}

/*
 * KVM_IRQ_LINE on the reset state (IOAPIC all masked, PIC unmasked), each
 * line lowered again so that no level is left asserted for later steps.
 */
static const struct line_case plain_lines[] = {
	{ 4, 1, 0, "raise" }, { 4, 0, 0, "lower" },
	{ 9, 1, 0, "raise" }, { 9, 0, 0, "lower" },
	{ 16, 1, 0, "raise" }, { 16, 0, 0, "lower" },
	{ 23, 1, 0, "raise" }, { 23, 0, 0, "lower" },
};

/*
 * KVM_IRQ_LINE_STATUS on the programmed chips (default routing: GSI n ->
 * IOAPIC pin n, and PIC pin n for n < 16). status = sum of the non-negative
 * results of the GSI's routes, -1 if none is: PIC pin: -1 masked, else 1 if
 * newly pending (0 if irr already set: nobody acks it); IOAPIC pin: lower
 * always 1; raise -1 if masked or level with remote IRR pending, 0 if an
 * edge is already pending, else the number of LAPICs reached.
 */
static const struct line_case status_lines[] = {
	{ 1, 1, 1, "edge raise, delivered to vcpu 0" },
	{ 1, 1, 0, "raise again: coalesced" },
	{ 1, 0, 1, "lower" },
	{ 3, 1, 2, "PIC + IOAPIC both deliver" },
	{ 3, 0, 2, "lower on both" },
	{ 3, 1, 1, "PIC irr still set (no INTA): PIC 0 + IOAPIC 1" },
	{ 3, 0, 2, "lower on both" },
	{ 5, 1, 0, "destination APIC 7 does not exist" },
	{ 5, 0, 1, "lower" },
	{ 9, 1, 1, "level raise: remote IRR set" },
	{ 9, 0, 1, "lower" },
	{ 9, 1, -1, "remote IRR still set (no EOI)" },
	{ 9, 0, 1, "lower" },
	{ 10, 1, 1, "active-low pin: level 1 still means assert" },
	{ 10, 0, 1, "lower" },
	{ 11, 1, -1, "masked pin" },
	{ 11, 0, 1, "lower" },
	{ 16, 1, 1, "IOAPIC-only GSI" },
	{ 16, 0, 1, "lower" },
	{ 17, 1, 1, "logical destination 1" },
	{ 17, 0, 1, "lower" },
	{ 200, 1, -1, "GSI without a route" },
};

#define MSI_ADDR(dest) (0xfee00000u | ((__u32)(dest) << 12))
static const struct msi_case msis[] = {
	{ { .address_lo = MSI_ADDR(0), .data = 0x51 }, RETURNS(1), "vector 0x51 to APIC 0" },
	{ { .address_lo = MSI_ADDR(0), .data = 0x52, .flags = KVM_MSI_VALID_DEVID,
	    .devid = 0x1234 }, RETURNS(1), "VALID_DEVID accepted, devid unused on x86" },
	{ { .address_lo = MSI_ADDR(0), .data = 0xc053 }, RETURNS(1), "level-triggered, assert" },
	{ { .address_lo = MSI_ADDR(5), .data = 0x54 }, RETURNS(0), "APIC 5 does not exist" },
	{ { .address_lo = MSI_ADDR(0), .data = 0x55, .flags = 2 }, FAILS(EINVAL), "unknown flag" },
};

/*
 * A full replacement table: 26 entries. GSI 0-19 -> IOAPIC pin n, GSI 3 and
 * 9 also to the PICs, GSI 24-27 MSIs to APIC 0 (vectors 0x61-0x64).
 */
static __u32 routing_table(struct kvm_irq_routing_entry *e)
{
	__u32 n = 0;

	memset(e, 0, 26 * sizeof(*e));
	for (__u32 gsi = 0; gsi < 20; gsi++) {
		e[n].gsi = gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e[n++].u.irqchip.pin = gsi;
	}
	e[n] = (struct kvm_irq_routing_entry){ .gsi = 3, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { KVM_IRQCHIP_PIC_MASTER, 3 } };
	n++;
	e[n] = (struct kvm_irq_routing_entry){ .gsi = 9, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { KVM_IRQCHIP_PIC_SLAVE, 1 } };
	n++;
	for (__u32 i = 0; i < 4; i++, n++) {
		e[n].gsi = 24 + i;
		e[n].type = KVM_IRQ_ROUTING_MSI;
		e[n].u.msi.address_lo = MSI_ADDR(0);
		e[n].u.msi.data = 0x61 + i;
	}
	e[n - 1].flags = KVM_MSI_VALID_DEVID; /* allowed for MSI entries */
	e[n - 1].u.msi.devid = 0x0100;
	return n;
}

static void x86_routing(struct vmm *v)
{
	struct kvm_irq_routing_entry table[26], bad[2];
	__u32 n = routing_table(table);

	step_gsi_routing(v, table, 1, 1, FAILS(EINVAL), "header flags 1");
	memset(bad, 0, sizeof(bad));
	bad[0] = (struct kvm_irq_routing_entry){ .gsi = 5, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { KVM_IRQCHIP_IOAPIC, 24 } };
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "IOAPIC pin 24 does not exist");
	bad[1] = (struct kvm_irq_routing_entry){ .gsi = 5, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { KVM_IRQCHIP_IOAPIC, 6 } };
	bad[0].u.irqchip.pin = 5;
	step_gsi_routing(v, bad, 2, 0, FAILS(EINVAL), "GSI 5 to the IOAPIC twice");
	bad[0] = table[n - 2];
	bad[0].flags = 2;
	step_gsi_routing(v, bad, 1, 0, FAILS(EINVAL), "MSI entry flag 2");
	step_gsi_routing(v, table, n, 0, SUCCEEDS, "26 entries: IOAPIC, PIC, MSI");

	static const struct line_case after[] = {
		{ 24, 1, 1, "MSI route: vector 0x61" },
		{ 24, 0, -1, "MSI route ignores level 0" },
		{ 27, 1, 1, "MSI route with VALID_DEVID" },
		{ 20, 1, -1, "GSI 20 no longer routed" },
		{ 3, 1, 1, "PIC irr still set: PIC 0 + IOAPIC 1" },
		{ 3, 0, 2, "lower on both" },
	};
	step_irq_line_status(v, after, ARRAY_SIZE(after));
}

/*
 * Is the host TSC marked unstable? Then KVM (kvm_arch_vcpu_load) rewrites the
 * TSC offset on every vCPU ioctl so that the guest TSC does not advance while
 * the vCPU is unloaded: a GET after a SET reads the value minus the host TSC
 * ticks in between. The TCG L1 of the rig is such a host ("Marking TSC
 * unstable due to TSCs unsynchronized"). An unstable TSC is dropped from the
 * available clocksources, which is what we can see.
 */
static bool host_tsc_unstable(void)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/available_clocksource", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
		if (strcmp(w, "tsc") == 0)
			return false;
	return true;
}

static void x86_device_control(struct vmm *v)
{
	/* 2^36 ticks: tens of seconds at any plausible TSC rate. */
	__u64 tsc_slack = host_tsc_unstable() ? 1ull << 36 : 0;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FSL_MPIC_20 };
	struct kcall mpic = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_CREATE_DEVICE), .buf = &cd,
			      .in_len = sizeof(cd), .out_len = sizeof(cd), .expect = FAILS(ENODEV),
			      .note = "FSL MPIC has no ops on x86" };

	step_vfio_device(v);
	vmm_call(v, &mpic);

	/* vCPU: the TSC control group. VM fd: no attribute ioctls in 6.1 x86. */
	const struct attr_case attrs[] = {
		ATTR_HAS(FD_VCPU, KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET, SUCCEEDS, "TSC offset"),
		ATTR_HAS(FD_VCPU, KVM_VCPU_TSC_CTRL, 1, FAILS(ENXIO), "unknown TSC attr 1"),
		ATTR_HAS(FD_VCPU, 1, 0, FAILS(ENXIO), "unknown vCPU group 1"),
		ATTR_GET64(FD_VCPU, KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET, SUCCEEDS,
			   "initial offset (host dependent)"),
		ATTR_SET64(FD_VCPU, KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET, 0x123456789ull,
			   SUCCEEDS, "TSC offset 0x123456789"),
		ATTR_GET64_KERNEL(FD_VCPU, KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET, 0x123456789ull,
				  tsc_slack, "TSC offset after SET", "offset reads back"),
		ATTR_HAS(FD_VM, 0, 0, FAILS(ENOTTY), "no VM attributes on x86 6.1"),
		ATTR_GET64(FD_VM, 0, 0, FAILS(ENOTTY), "no VM attributes on x86 6.1"),
	};
	step_device_attrs(v, attrs, ARRAY_SIZE(attrs));
}

/* Final snapshot: the traces of the injections above must be visible. */
static void x86_final_state(struct vmm *v)
{
	static const unsigned irr_vectors[] = { 0x31, 0x33, 0x39, 0x3a, 0x40, 0x41, 0x51, 0x52,
						0x53, 0x61, 0x64 };
	static const unsigned level_pins[] = { 9, 10, 17 };
	struct kvm_irqchip chip;
	struct kvm_lapic_state s;

	get_irqchip(v, KVM_IRQCHIP_PIC_MASTER, &chip, SUCCEEDS, "final state");
	get_irqchip(v, KVM_IRQCHIP_PIC_SLAVE, &chip, SUCCEEDS, "final state");
	/* The level pins were delivered and never EOIed (no guest runs). */
	if (get_irqchip(v, KVM_IRQCHIP_IOAPIC, &chip, SUCCEEDS, "final state") == 0)
		for (size_t i = 0; i < ARRAY_SIZE(level_pins); i++)
			if (!(chip.chip.ioapic.redirtbl[level_pins[i]].bits & RTE_REMOTE_IRR))
				vmm_mismatch(v, "IOAPIC pin %u: remote IRR not set", level_pins[i]);
	if (get_lapic(v, &s, "final state") != 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(irr_vectors); i++)
		if (!lapic_vector_bit(&s, APIC_IRR, irr_vectors[i]))
			vmm_mismatch(v, "LAPIC IRR: vector 0x%x not pending", irr_vectors[i]);
	if (!lapic_vector_bit(&s, APIC_TMR, 0x39) || lapic_vector_bit(&s, APIC_TMR, 0x31))
		vmm_mismatch(v, "LAPIC TMR: want 0x39 level, 0x31 edge");
}

void arch_sequence(struct vmm *v)
{
	x86_system(v);
	x86_create(v);
	step_irq_lines(v, plain_lines, ARRAY_SIZE(plain_lines));
	x86_bad_chip_ids(v);
	x86_program_irqchip(v);
	x86_program_lapic(v);
	x86_vcpu_injection(v);
	step_irq_line_status(v, status_lines, ARRAY_SIZE(status_lines));
	step_signal_msi(v, msis, ARRAY_SIZE(msis));
	x86_routing(v);
	step_irqfd(v, 25, 9); /* plain on an MSI-routed GSI, resample on a level pin */
	x86_device_control(v);
	x86_final_state(v);
}

/* ---- storm -------------------------------------------------------------- */

void arch_storm_setup(struct vmm *v)
{
	x86_create(v);
	x86_program_irqchip(v);
	x86_program_lapic(v);
}

__u32 arch_storm_gsi(void)
{
	return 4;
}

struct kvm_msi arch_storm_msi(void)
{
	return (struct kvm_msi){ .address_lo = MSI_ADDR(0), .data = 0x51 };
}

/* ---- --break: a misbehaving VMM ----------------------------------------- */

#define BREAK_CHURN_CHANGES 3000   /* > 1000 in well under a second: masked-pin-churn */
#define BREAK_STORM_RATE 125000.0  /* MSIs a second, above kvmirq check's 100000 */
#define BREAK_STORM_SECONDS 1.2	   /* sustained over check's 1 s window */
#define BREAK_RETRIES 10	   /* failures in a row: check's errno loop is 8 */
#define BREAK_HOLD_SECONDS 2	   /* a line held: check with --stuck-after 1s */
#define X2APIC_CPUID_ECX (1u << 21) /* CPUID.1:ECX */
#define MSR_IA32_APICBASE 0x1b
#define APICBASE_X2APIC_BSP (0xfee00000u | 1u << 11 | 1u << 10 | 1u << 8)
#define MSR_X2APIC_EOI 0x80b
#define APIC_SPIV 0x0f0
#define APIC_ISR 0x100

static double seconds_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The least a misbehaviour needs: a VM with an irqchip and vCPU 0. */
static void break_setup(struct vmm *v)
{
	struct kcall create = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_CREATE_VM), .arg = 0,
				.expect = NEW_FD, .note = "type 0" };

	v->vm_fd = (int)vmm_call(v, &create);
	vm_simple(v, "KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0, SUCCEEDS, "PICs + IOAPIC");
	v->vcpu_fd = (int)vm_simple(v, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0, NEW_FD, "vcpu 0");
}

/* The IOAPIC with every pin masked but PIN, which gets RTE (0: none). */
static void break_ioapic(struct vmm *v, unsigned pin, __u64 rte, const char *note)
{
	struct kvm_irqchip chip;

	get_irqchip(v, KVM_IRQCHIP_IOAPIC, &chip, SUCCEEDS, "IOAPIC");
	for (unsigned p = 0; p < KVM_IOAPIC_NUM_PINS; p++)
		chip.chip.ioapic.redirtbl[p].bits = RTE_MASKED;
	if (rte)
		chip.chip.ioapic.redirtbl[pin].bits = rte;
	set_irqchip(v, &chip, SUCCEEDS, note);
}

static void break_msi_address(struct vmm *v)
{
	const struct msi_case ioapic_page = {
		{ .address_lo = 0xfec00000, .data = 0x51 }, NONNEG,
		"address 0xfec00000: the IOAPIC's page, not the LAPICs'"
	};
	struct kvm_irq_routing_entry swapped = {
		.gsi = 24, .type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = 0, .address_hi = 0xfee00000, .data = 0x61 },
	};

	break_setup(v);
	step_signal_msi(v, &ioapic_page, 1);
	step_gsi_routing(v, &swapped, 1, 0, SUCCEEDS, "GSI 24: address_lo and address_hi swapped");
	printf("break msi-address: KVM_SIGNAL_MSI to address 0xfec00000, and a GSI 24 MSI route "
	       "with address 0xfee00000 in address_hi and 0 in address_lo\n");
}

static void break_unroutable_vector(struct vmm *v)
{
	const struct msi_case no_apic = { { .address_lo = MSI_ADDR(3), .data = 0x41 }, RETURNS(0),
					  "vector 0x41 to APIC 3: the VM has only vCPU 0" };

	break_setup(v);
	break_ioapic(v, 4, RTE(0x05, 0, 0), "pin 4 unmasked with vector 5, an exception's");
	step_signal_msi(v, &no_apic, 1);
	printf("break unroutable-vector: IOAPIC pin 4 set to vector 5, and KVM_SIGNAL_MSI of "
	       "vector 0x41 to APIC ID 3 on a VM with only vCPU 0\n");
}

/* GSI 4 raised and lowered as fast as it goes, unlogged: its pins are masked. */
static void break_masked_pin_churn(struct vmm *v)
{
	struct kvm_irq_level lv = { .irq = 4 };
	struct kvm_irqchip chip;
	long errors = 0;
	double t0, dt;

	break_setup(v);
	break_ioapic(v, 0, 0, "every pin masked");
	get_irqchip(v, KVM_IRQCHIP_PIC_MASTER, &chip, SUCCEEDS, "PIC master");
	chip.chip.pic = pic_master;
	chip.chip.pic.imr = 0xff;
	set_irqchip(v, &chip, SUCCEEDS, "PIC master: every pin masked");
	t0 = seconds_now();
	for (long i = 0; i < BREAK_CHURN_CHANGES; i++) {
		lv.level = !(i & 1);
		errors += ioctl(v->vm_fd, KVM_IRQ_LINE, &lv) < 0;
	}
	dt = seconds_now() - t0;
	printf("break masked-pin-churn: %d KVM_IRQ_LINE changes of GSI 4 (IOAPIC pin 4 and PIC "
	       "master pin 4 masked) in %.3f s, %ld failed\n", BREAK_CHURN_CHANGES, dt, errors);
	if (errors)
		vmm_mismatch(v, "%ld of %d KVM_IRQ_LINE failed", errors, BREAK_CHURN_CHANGES);
}

/* One MSI, unlogged, at BREAK_STORM_RATE (or as fast as it goes) for BREAK_STORM_SECONDS. */
static void break_interrupt_storm(struct vmm *v)
{
	struct kvm_msi msi = { .address_lo = MSI_ADDR(0), .data = 0x51 };
	long n = 0, errors = 0;
	double t0, dt;

	break_setup(v);
	t0 = seconds_now();
	while ((dt = seconds_now() - t0) < BREAK_STORM_SECONDS) {
		if (n > dt * BREAK_STORM_RATE)
			continue; /* ahead of the pace */
		for (int i = 0; i < 100; i++, n++)
			errors += ioctl(v->vm_fd, KVM_SIGNAL_MSI, &msi) < 0;
	}
	printf("break interrupt-storm: %ld KVM_SIGNAL_MSI of vector 0x51 to APIC 0 in %.3f s "
	       "(%.0f a second), %ld failed\n", n, dt, n / dt, errors);
	if (errors)
		vmm_mismatch(v, "%ld of %ld KVM_SIGNAL_MSI failed", errors, n);
}

static long set_msr(struct vmm *v, __u32 index, __u64 data, const char *note)
{
	struct {
		struct kvm_msrs head;
		struct kvm_msr_entry entry;
	} msrs = { .head.nmsrs = 1, .entry = { .index = index, .data = data } };
	struct kcall c = { .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_SET_MSRS), .buf = &msrs,
			   .in_len = sizeof(msrs), .expect = RETURNS(1), .note = note };

	return vmm_call(v, &c);
}

/* The vCPU's CPUID: what KVM supports, so that x2APIC mode may be set. */
static void set_cpuid_x2apic(struct vmm *v)
{
	size_t len = sizeof(struct kvm_cpuid2) + 256 * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, len);
	struct kcall get = { .kind = FD_SYSTEM, .fd = v->sys_fd, KC(KVM_GET_SUPPORTED_CPUID),
			     .buf = cpuid, .in_len = sizeof(*cpuid), .expect = SUCCEEDS,
			     .note = "what KVM supports" };
	struct kcall set = { .kind = FD_VCPU, .fd = v->vcpu_fd, KC(KVM_SET_CPUID2), .buf = cpuid,
			     .expect = SUCCEEDS, .note = "with x2APIC" };

	if (!cpuid) {
		perror("testvmm: calloc");
		exit(2);
	}
	cpuid->nent = 256;
	if (vmm_call(v, &get) == 0) {
		for (__u32 i = 0; i < cpuid->nent; i++)
			if (cpuid->entries[i].function == 1)
				cpuid->entries[i].ecx |= X2APIC_CPUID_ECX;
		set.in_len = sizeof(*cpuid) + cpuid->nent * sizeof(struct kvm_cpuid_entry2);
		vmm_call(v, &set);
	}
	free(cpuid);
}

/*
 * A LAPIC that has taken an interrupt (vector 0x51) gets stale state with
 * vector 0x61 in service, and the EOI the guest would write (by KVM_SET_MSRS
 * of x2APIC's EOI register: no guest code needed) retires 0x61.
 */
static void break_eoi_never_injected(struct vmm *v)
{
	const struct msi_case msi = { { .address_lo = MSI_ADDR(0), .data = 0x51 }, RETURNS(1),
				      "vector 0x51 accepted by vCPU 0" };
	struct kvm_lapic_state s;

	break_setup(v);
	set_cpuid_x2apic(v);
	if (get_lapic(v, &s, "reset state") != 0)
		return;
	lapic_set(&s, APIC_SPIV, 0x1ff);
	set_lapic(v, &s, "software-enabled");
	step_signal_msi(v, &msi, 1);
	if (get_lapic(v, &s, "after the MSI") != 0)
		return;
	lapic_set(&s, APIC_ISR + 0x10 * (0x61 / 32), lapic_get(&s, APIC_ISR + 0x10 * (0x61 / 32)) |
						       1u << (0x61 % 32));
	set_lapic(v, &s, "stale state: vector 0x61 in service, never delivered");
	set_msr(v, MSR_IA32_APICBASE, APICBASE_X2APIC_BSP, "x2APIC mode, for the EOI register");
	set_msr(v, MSR_X2APIC_EOI, 0, "EOI: retires vector 0x61");
	printf("break eoi-never-injected: vCPU 0 accepted vector 0x51, KVM_SET_LAPIC then put "
	       "vector 0x61 in service, and an x2APIC EOI (KVM_SET_MSRS 0x80b) retired it\n");
}

/* The control: the same set-up, and interrupts sent the right way. */
static void break_none(struct vmm *v)
{
	const struct msi_case msi = { { .address_lo = MSI_ADDR(0), .data = 0x51 }, RETURNS(1),
				      "vector 0x51 to APIC 0" };
	static const struct line_case line[] = {
		{ 4, 1, 2, "edge raise: the PIC (unmasked at reset) and the IOAPIC deliver" },
		{ 4, 0, 2, "lower on both" },
	};
	struct kvm_lapic_state s;

	break_setup(v);
	if (get_lapic(v, &s, "reset state") == 0) {
		lapic_set(&s, APIC_SPIV, 0x1ff);
		set_lapic(v, &s, "software-enabled");
	}
	break_ioapic(v, 4, RTE(0x34, 0, 0), "pin 4: vector 0x34 to APIC 0");
	step_irq_line_status(v, line, ARRAY_SIZE(line));
	step_signal_msi(v, &msi, 1);
	printf("break none: GSI 4 raised and lowered (IOAPIC pin 4, vector 0x34 to APIC 0) and "
	       "KVM_SIGNAL_MSI of vector 0x51 to APIC 0: nothing broken\n");
}

/* A line raised on GSI 30, which the default routes (the IOAPIC's 24) lack. */
static void break_route_before_line(struct vmm *v)
{
	static const struct line_case line[] = {
		{ 30, 1, -1, "GSI 30: no route, nothing delivered" },
		{ 30, 0, -1, "lowered" },
	};

	break_setup(v);
	step_irq_line_status(v, line, ARRAY_SIZE(line));
	printf("break route-before-line: GSI 30 raised with no route (the defaults end at 23)\n");
}

/* The same refused KVM_SET_GSI_ROUTING, retried: a route that cannot exist. */
static void break_errno_loop(struct vmm *v)
{
	const struct kvm_irq_routing_entry bad = { .gsi = 5, .type = KVM_IRQ_ROUTING_IRQCHIP,
						   .u.irqchip = { KVM_IRQCHIP_IOAPIC, 24 } };

	break_setup(v);
	for (int i = 0; i < BREAK_RETRIES; i++)
		step_gsi_routing(v, &bad, 1, 0, FAILS(EINVAL), "IOAPIC pin 24, again");
	printf("break errno-loop: KVM_SET_GSI_ROUTING of IOAPIC pin 24 retried %d times (EINVAL)\n",
	       BREAK_RETRIES);
}

/* A level line raised and held: delivered once, never lowered or acknowledged. */
static void break_stuck_level_line(struct vmm *v)
{
	static const struct line_case line[] = {
		{ 5, 1, 2, "GSI 5 level high: the PIC and the IOAPIC deliver, never lowered" },
	};
	struct kvm_lapic_state s;
	struct kvm_irqchip chip;

	break_setup(v);
	if (get_lapic(v, &s, "reset state") == 0) {
		lapic_set(&s, APIC_SPIV, 0x1ff);
		set_lapic(v, &s, "software-enabled");
	}
	break_ioapic(v, 5, RTE(0x35, RTE_LEVEL, 0), "pin 5: level, vector 0x35 to APIC 0");
	step_irq_line_status(v, line, ARRAY_SIZE(line));
	sleep(BREAK_HOLD_SECONDS);
	get_irqchip(v, KVM_IRQCHIP_IOAPIC, &chip, SUCCEEDS, "pin 5 still high");
	printf("break stuck-level-line: GSI 5 raised (level) and held %d s, never lowered\n",
	       BREAK_HOLD_SECONDS);
}

static const struct break_mode breaks[] = {
	{ "none", break_none },
	{ "route-before-line", break_route_before_line },
	{ "errno-loop", break_errno_loop },
	{ "stuck-level-line", break_stuck_level_line },
	{ "msi-address", break_msi_address },
	{ "unroutable-vector", break_unroutable_vector },
	{ "masked-pin-churn", break_masked_pin_churn },
	{ "interrupt-storm", break_interrupt_storm },
	{ "eoi-never-injected", break_eoi_never_injected },
};
const struct break_mode *const arch_breaks = breaks;
const size_t arch_nr_breaks = ARRAY_SIZE(breaks);
