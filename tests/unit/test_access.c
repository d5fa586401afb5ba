// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq check's access table (src/check/access.c): what each controller
 * ioctl is (state read or write, command, run-time configuration), and the
 * key by which the restore audit matches a source's read of a register with
 * a destination's write of it, on records built here as the recorder writes
 * them (big-endian payloads for the MPIC, as an e500 host gives them).
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "check/access.h"
#include "kvmirq/ioctls.h"
#include "registry/registry.h"
#include "util/byte_order.h"

#define MPIC_GRP_MISC 1
#define MPIC_GRP_REGISTER 2
#define MPIC_GRP_IRQ_ACTIVE 3

struct record {
	struct kvmirq_event_header h;
	struct kvmirq_ev_ioctl io;
	uint8_t payload[64];
} __attribute__((aligned(8)));

static struct registry reg;
static uint32_t mpic, its, gic;

static void put32be(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put64be(uint8_t *p, uint64_t v)
{
	put32be(p, (uint32_t)(v >> 32));
	put32be(p + 4, (uint32_t)v);
}

/* A SET (value in the input) or GET (value in the output) of DEVICE's (GROUP, ATTR). */
static void attr_access(struct record *r, uint32_t device, bool set, uint32_t group,
			uint64_t attr, uint32_t value, struct access *a)
{
	memset(r, 0, sizeof(*r));
	r->h.kind = KVMIRQ_EV_IOCTL;
	r->h.vm = 1;
	r->h.vcpu_id = KVMIRQ_NO_VCPU;
	r->io.ioctl_id = set ? KVMIRQ_IOCTL_SET_DEVICE_ATTR : KVMIRQ_IOCTL_GET_DEVICE_ATTR;
	r->io.fd_kind = KVMIRQ_FD_DEVICE;
	r->io.object = device;
	put32be(r->payload + 4, group);
	put64be(r->payload + 8, attr);
	put32be(r->payload + 24, value);
	r->io.in_len = set ? 28 : 24;
	r->io.out_len = set ? 0 : 4;
	access_classify(&reg, true, &r->h, &r->io, a);
}

static void mpic_access(bool set, uint32_t group, uint64_t attr, uint32_t value,
			struct access *a)
{
	struct record r;

	attr_access(&r, mpic, set, group, attr, value, a);
}

static void mpic_rows(void)
{
	struct access a, b;

	/* a source's IVPR: state both ways, one key */
	mpic_access(false, MPIC_GRP_REGISTER, 0x10000 + 4 * 0x20, 0x80000044, &a);
	CHECK_EQ(a.class, ACCESS_STATE_GET);
	CHECK(!strcmp(a.key, "kvm-mpic src_ivpr[4]"));
	mpic_access(true, MPIC_GRP_REGISTER, 0x10000 + 4 * 0x20, 0x80000044, &b);
	CHECK_EQ(b.class, ACCESS_STATE_SET);
	CHECK(!strcmp(a.key, b.key));
	CHECK(a.have_value && b.have_value && a.value == b.value);
	CHECK(a.restorable);
	/* BRR1 is read-only, a timer's current count changes on its own */
	mpic_access(false, MPIC_GRP_REGISTER, 0x0000, 0x00400402, &a);
	CHECK(a.class == ACCESS_STATE_GET && !a.restorable);
	mpic_access(false, MPIC_GRP_REGISTER, 0x1100 + 0x30, 0, &a);
	CHECK(a.class == ACCESS_STATE_GET && !a.restorable);
	/* a timer's vector register: read at 0x1150, written at 0x1160 (6.1) */
	mpic_access(false, MPIC_GRP_REGISTER, 0x1100 + 0x40 + 0x10, 0, &a);
	mpic_access(true, MPIC_GRP_REGISTER, 0x1100 + 0x40 + 0x20, 0, &b);
	CHECK(!strcmp(a.key, "kvm-mpic gtvpr[1]") && !strcmp(a.key, b.key));
	/* commands: IACK and MSIR reads, EOI and MSIIR writes, a GCR reset */
	mpic_access(false, MPIC_GRP_REGISTER, 0x200a0, 0x63, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	CHECK(strstr(a.what, "cpu_iack[0] (iack)"));
	mpic_access(false, MPIC_GRP_REGISTER, 0x1600, 0, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	mpic_access(true, MPIC_GRP_REGISTER, 0x200b0, 0, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	CHECK(strstr(a.what, "(eoi)"));
	mpic_access(true, MPIC_GRP_REGISTER, 0x1740, 0x20000000, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	mpic_access(true, MPIC_GRP_REGISTER, 0x1020, 0x80000000, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	CHECK(strstr(a.what, "(reset)"));
	mpic_access(true, MPIC_GRP_REGISTER, 0x1020, 0x20000000, &a); /* mode only */
	CHECK_EQ(a.class, ACCESS_STATE_SET);
	/* a line is a command to set, state to read; the base address may move */
	mpic_access(true, MPIC_GRP_IRQ_ACTIVE, 7, 1, &a);
	CHECK_EQ(a.class, ACCESS_COMMAND);
	mpic_access(false, MPIC_GRP_IRQ_ACTIVE, 7, 1, &a);
	CHECK_EQ(a.class, ACCESS_STATE_GET);
	mpic_access(true, MPIC_GRP_MISC, 0, 0, &a);
	CHECK_EQ(a.class, ACCESS_RUNTIME);
	CHECK(a.why && strstr(a.why, "CCSRBAR"));
}

/* The GICv3 and ITS groups, named by their chip models. */
static void gic_rows(void)
{
	struct record r;
	struct access a;

	attr_access(&r, its, true, 4, 1, 0, &a); /* KVM_DEV_ARM_ITS_SAVE_TABLES */
	CHECK_EQ(a.class, ACCESS_COMMAND);
	CHECK(strstr(a.what, "ctrl_save_tables (save-tables)"));
	attr_access(&r, its, true, 4, 0, 0, &a); /* KVM_DEV_ARM_VGIC_CTRL_INIT */
	CHECK_EQ(a.class, ACCESS_NONE);
	attr_access(&r, its, true, 4, 4, 0, &a); /* KVM_DEV_ARM_ITS_CTRL_RESET */
	CHECK_EQ(a.class, ACCESS_COMMAND);
	attr_access(&r, its, false, 8, 0x80, 0, &a); /* GITS_CBASER, ITS_REGS */
	CHECK_EQ(a.class, ACCESS_STATE_GET);
	attr_access(&r, gic, true, 1, 0x100, 0, &a); /* GICD_ISENABLER0 */
	CHECK_EQ(a.class, ACCESS_STATE_SET);
	CHECK(!strcmp(a.key, "kvm-arm-vgic-v3 isenabler[0]"));
	/* a redistributor register is its vCPU's: the attr's MPIDR names it */
	attr_access(&r, gic, false, 5, 0x10100, 0, &a); /* GICR_ISENABLER0 */
	CHECK_EQ(a.class, ACCESS_STATE_GET);
	CHECK(!strcmp(a.key, "kvm-arm-vgic-v3 isenabler0 of vcpu 0"));
	attr_access(&r, gic, false, 5, 0x0000010100010100ull, 0, &a); /* Aff1 1, Aff0 1 */
	CHECK(!strcmp(a.key, "kvm-arm-vgic-v3 isenabler0 of vcpu 17"));
}

/* x86: whole blocks, keyed by irqchip id and vCPU. */
static void x86_rows(void)
{
	struct record r;
	struct access a;

	memset(&r, 0, sizeof(r));
	r.h.kind = KVMIRQ_EV_IOCTL;
	r.h.vm = 1;
	r.io.ioctl_id = KVMIRQ_IOCTL_SET_IRQCHIP;
	r.io.fd_kind = KVMIRQ_FD_VM;
	r.payload[0] = 2; /* chip_id, little-endian */
	r.io.in_len = 8;
	access_classify(&reg, false, &r.h, &r.io, &a);
	CHECK_EQ(a.class, ACCESS_STATE_SET);
	CHECK(!strcmp(a.key, "irqchip 2") && strstr(a.what, "the IOAPIC"));
	r.io.ioctl_id = KVMIRQ_IOCTL_GET_LAPIC;
	r.io.fd_kind = KVMIRQ_FD_VCPU;
	r.h.vcpu_id = 1;
	r.io.in_len = 0;
	r.io.out_len = 8;
	access_classify(&reg, false, &r.h, &r.io, &a);
	CHECK_EQ(a.class, ACCESS_STATE_GET);
	CHECK(!strcmp(a.key, "lapic 1"));
	r.io.ioctl_id = KVMIRQ_IOCTL_IRQ_LINE;
	r.io.fd_kind = KVMIRQ_FD_VM;
	access_classify(&reg, false, &r.h, &r.io, &a);
	CHECK_EQ(a.class, ACCESS_NONE);
}

int main(void)
{
	registry_init(&reg);
	registry_vm_id(&reg, 0x1000, 1, 0);
	mpic = registry_object_id(&reg, 0x2000, 1, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU, "kvm-mpic");
	its = registry_object_id(&reg, 0x3000, 1, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				 "kvm-arm-vgic-its");
	gic = registry_object_id(&reg, 0x4000, 1, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				 "kvm-arm-vgic-v3");
	mpic_rows();
	gic_rows();
	x86_rows();
	registry_free(&reg);
	return check_done();
}
