// SPDX-License-Identifier: GPL-2.0
/*
 * The VGICv3 test VMM of the arm64 rig (tests/rig/arm64/): a static arm64
 * program that drives KVM's in-kernel GICv3 and its ITS with no guest code,
 * snapshots them with kvmirq's own snapshot code and migrates them.
 *
 *  1. VM A: 1 MiB of RAM at 0x40000000 (the ITS's tables and command queue
 *     live in guest memory), two vCPUs, a VGICv3 (NR_IRQS 128) and an ITS
 *     at QEMU virt's addresses. Known values go in through
 *     KVM_SET_DEVICE_ATTR: the distributor, each redistributor's RD and SGI
 *     frames, each CPU interface's ICC_* registers and the ITS registers
 *     (its command queue, device and collection tables, then enabled); and
 *     lines through KVM_IRQ_LINE.
 *  2. A snapshot of A in-process (snapshot_take over its own fds), written
 *     to DIR/first.kvmsnap and printed (console_file.h); then a JSON line,
 *     KVMIRQ-EXPECT, with every register written, the value written and
 *     what a GET must return for it (what KVM keeps: 5 priority bits,
 *     RAZ/WI fields, the ITS's forced page size and table types), which the
 *     host checks against `kvmirq show --json` field by field.
 *  3. Migration: A's ITS tables saved into A's RAM (KVM_DEV_ARM_ITS_SAVE_TABLES,
 *     as a migrating VMM does: the snapshot never does), A's RAM copied to
 *     VM B, and B restored from A's snapshot file in the order
 *     Documentation/virt/kvm/devices/arm-vgic-{v3,its}.rst give:
 *     the ITS device created first (creating it resets GICR_PROPBASER),
 *     then redistributors, distributor, CPU system registers (ICC_CTLR_EL1
 *     first: its CBPR decides where BPR1 goes), then the ITS (its base
 *     address, GITS_CBASER, IIDR, CREADR, CWRITER, BASER<n>,
 *     RESTORE_TABLES, GITS_CTLR last). The IS registers that only set bits
 *     (ISENABLER, ISACTIVER) get their IC twin first. B's snapshot goes to
 *     DIR/second.kvmsnap, printed.
 *
 * With --hold SECONDS, for kvmirq snapshot --pid (tests/rig/arm64/test-snapshot-pid.sh):
 *  4. VM B closed, the collection table in A's RAM filled with a pattern
 *     again, A snapshotted in-process (held.kvmsnap), then held: the
 *     process waits in sigtimedwait() for SIGINT or SIGTERM or SECONDS,
 *     printing "gicvmm: holding pid N" first. Each ptrace stop ends that
 *     wait with EINTR (never restarted), counted; at each one the VMM looks
 *     whether the collection table's first entry still holds the pattern
 *     and prints "gicvmm: ITS tables written before interruption N" when
 *     it no longer does (kvmirq snapshot --its-save-tables writes it). At
 *     the end A is snapshotted again (after.kvmsnap) and
 *     "gicvmm: held, ended by ..., N interruptions" printed. One thread: no
 *     vCPU runs.
 *
 * Output on stdout: the files (console_file.h), "KVMIRQ-EXPECT <json>",
 * a "gicvmm: FAIL ..." line per failed check, "gicvmm: exit N" last.
 *
 * Usage: gicvmm [--hold SECONDS] [DIR]   (DIR: where the files go, default /tmp)
 *
 * Expected values follow arch/arm64/kvm/vgic/vgic-mmio-v3.c, vgic-mmio.c,
 * vgic-its.c and arch/arm64/kvm/vgic-sys-reg-v3.c of Linux 6.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "chips/models.h"
#include "console_file.h"
#include "expect_text.h"
#include "hold_wait.h"
#include "snapshot/snapshot.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* QEMU virt's layout (as tests/vmm/testvmm_arm64.c). */
#define GICD_BASE 0x08000000ull
#define ITS_BASE 0x08080000ull
#define GICR_BASE 0x080a0000ull
#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x100000ull
#define NR_IRQS 128
#define NR_VCPUS 2

/* Guest memory the ITS uses: its command queue, device and collection tables. */
#define CMDQ_GPA (RAM_BASE + 0x00000)
#define DEVICE_TABLE_GPA (RAM_BASE + 0x10000)
#define COLL_TABLE_GPA (RAM_BASE + 0x20000)
#define LPI_PROP_GPA (RAM_BASE + 0x30000)
#define LPI_PEND_GPA(cpu) (RAM_BASE + 0x40000 + 0x10000 * (cpu))
#define TABLE_PATTERN 0xa5a5a5a5a5a5a5a5ull

/* Offsets (include/linux/irqchip/arm-gic-v3.h). */
#define GICD_CTLR 0x0000
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ISPENDR 0x0200
#define GICD_ISACTIVER 0x0300
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define SGI_FRAME 0x10000
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GITS_CTLR 0x0000
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER(n) (0x0100 + 8 * (n))
/* ICC_*_EL1 as the CPU_SYSREGS attr encodes them: Op0 3, Op1 0, CRn, CRm, Op2. */
#define ICC(crn, crm, op2) (3u << 14 | (crn) << 7 | (crm) << 3 | (op2))
#define ICC_PMR ICC(4, 6, 0)
#define ICC_BPR0 ICC(12, 8, 3)
#define ICC_BPR1 ICC(12, 12, 3)
#define ICC_CTLR ICC(12, 12, 4)
#define ICC_IGRPEN0 ICC(12, 12, 6)
#define ICC_IGRPEN1 ICC(12, 12, 7)
#define ICC_CTLR_EOIMODE 0x2
/* A redistributor's or CPU interface's attr: the vCPU's affinity in bits 63:32. */
#define MPIDR(vcpu) ((uint64_t)(vcpu) << 32)

/* Table and queue registers' fields (arm-gic-v3.h). */
#define BASER_VALID (1ull << 63)
#define INNER_RAWAWB (7ull << 59)
#define INNER_RAWB (3ull << 59) /* what KVM makes of a non-cacheable inner attribute */
#define INNER_SHAREABLE (1ull << 10)
#define ITS_PAGE_64K (2ull << 8)
#define ITS_ENTRY_SIZE(n) ((uint64_t)((n) - 1) << 48)
#define ITS_TYPE(t) ((uint64_t)(t) << 56)
#define ITS_TYPE_DEVICE 1
#define ITS_TYPE_COLLECTION 4
#define ITS_ABI0_ENTRY 8 /* the v0 table ABI's device and collection entries */

/* KVM_IRQ_LINE's irq field. */
#define SPI_IRQ(n) ((uint32_t)KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | (n))
#define PPI_IRQ(vcpu, n)                                                                       \
	((uint32_t)KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT |                            \
	 (uint32_t)(vcpu) << KVM_ARM_IRQ_VCPU_SHIFT | (n))

struct vm {
	int fd, vcpu[NR_VCPUS], gic, its;
	uint8_t *ram;
	char name[32];
};

static int kvm_fd = -1, status;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "gicvmm: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, "\ngicvmm: exit 1\n");
	exit(1);
}

/* --- KVM ------------------------------------------------------------------- */

/* SET (or GET) a device attribute, 32 or 64 bits wide; -errno or 0. */
static int attr_io(int fd, unsigned long cmd, uint32_t group, uint64_t attr, uint64_t *value,
		   unsigned width)
{
	uint32_t v32 = (uint32_t)*value;
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = width == 8 ? (uintptr_t)value : (uintptr_t)&v32,
	};

	if (ioctl(fd, cmd, &a) < 0)
		return -errno;
	if (width == 4 && cmd == KVM_GET_DEVICE_ATTR)
		*value = v32;
	return 0;
}

static void set_attr(int fd, uint32_t group, uint64_t attr, uint64_t value, unsigned width)
{
	int ret = attr_io(fd, KVM_SET_DEVICE_ATTR, group, attr, &value, width);

	if (ret)
		die("SET_DEVICE_ATTR group %u attr 0x%llx = 0x%llx: %s", group,
		    (unsigned long long)attr, (unsigned long long)value, strerror(-ret));
}

static uint64_t get_attr(int fd, uint32_t group, uint64_t attr, unsigned width)
{
	uint64_t value = 0;
	int ret = attr_io(fd, KVM_GET_DEVICE_ATTR, group, attr, &value, width);

	if (ret)
		die("GET_DEVICE_ATTR group %u attr 0x%llx: %s", group, (unsigned long long)attr,
		    strerror(-ret));
	return value;
}

static void ctrl(int dev, uint64_t attr, const char *what)
{
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = attr };

	if (ioctl(dev, KVM_SET_DEVICE_ATTR, &a) < 0)
		die("%s: %s", what, strerror(errno));
}

static int create_device(int vm, uint32_t type, const char *what)
{
	struct kvm_create_device cd = { .type = type };

	if (ioctl(vm, KVM_CREATE_DEVICE, &cd) < 0)
		die("KVM_CREATE_DEVICE(%s): %s", what, strerror(errno));
	return (int)cd.fd;
}

/* The VM, its RAM, its vCPUs and a VGICv3 at QEMU virt's addresses, initialised. */
static void create_vm(struct vm *v)
{
	struct kvm_vcpu_init init = { 0 };
	struct kvm_userspace_memory_region ram = {
		.slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = RAM_SIZE,
	};

	v->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));
	v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	ram.userspace_addr = (uintptr_t)v->ram;
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &ram) < 0)
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	if (ioctl(v->fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		die("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	for (int i = 0; i < NR_VCPUS; i++) {
		v->vcpu[i] = ioctl(v->fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (v->vcpu[i] < 0 || ioctl(v->vcpu[i], KVM_ARM_VCPU_INIT, &init) < 0)
			die("vCPU %d: %s", i, strerror(errno));
	}
	v->gic = create_device(v->fd, KVM_DEV_TYPE_ARM_VGIC_V3, "VGICv3");
	set_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE, 8);
	set_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE, 8);
	set_attr(v->gic, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, NR_IRQS, 4);
	ctrl(v->gic, KVM_DEV_ARM_VGIC_CTRL_INIT, "VGICv3 CTRL_INIT");
	snprintf(v->name, sizeof(v->name), "%d-%d", (int)getpid(), v->fd);
}

/*
 * The ITS beside it. Creating it resets the VM's GICR_PROPBASER
 * (vgic_its_create), so a restore creates it before the redistributors and
 * places it after them (place_its), as arm-vgic-its.rst's order has it.
 */
static void create_its(struct vm *v)
{
	v->its = create_device(v->fd, KVM_DEV_TYPE_ARM_VGIC_ITS, "ITS");
}

static void place_its(const struct vm *v)
{
	set_attr(v->its, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, ITS_BASE, 8);
	ctrl(v->its, KVM_DEV_ARM_VGIC_CTRL_INIT, "ITS CTRL_INIT");
}

static void close_vm(struct vm *v)
{
	int fds[] = { v->its, v->gic, v->vcpu[0], v->vcpu[1], v->fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (close(fds[i]) < 0)
			die("closing VM %s: %s", v->name, strerror(errno));
	munmap(v->ram, RAM_SIZE);
}

static void irq_line(const struct vm *v, uint32_t irq, uint32_t level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(v->fd, KVM_IRQ_LINE, &l) < 0)
		die("KVM_IRQ_LINE 0x%x=%u: %s", irq, level, strerror(errno));
}

static uint64_t *guest(const struct vm *v, uint64_t gpa)
{
	return (uint64_t *)(v->ram + (gpa - RAM_BASE));
}

/* --- snapshots --------------------------------------------------------------- */

static void print_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (console_print_file(path, name) < 0)
		die("%s: %s", path, strerror(errno));
}

/* Snapshot VM V in-process into DIR/NAME, noting its read counts. */
static void snapshot_vm(const struct vm *v, const char *dir, const char *name)
{
	struct snapshot_fd fds[] = {
		{ .fd = v->fd, .kind = CHIP_FD_VM, .vm = 1, .name = "kvm-vm" },
		{ .fd = v->vcpu[0], .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 0, .name = "kvm-vcpu:0" },
		{ .fd = v->vcpu[1], .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 1, .name = "kvm-vcpu:1" },
		{ .fd = v->gic, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-arm-vgic-v3" },
		{ .fd = v->its, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-arm-vgic-its" },
	};
	struct snapshot s;
	char path[4096], err[512];

	snapshot_init(&s);
	s.pid = (uint32_t)getpid();
	snprintf(s.process_name, sizeof(s.process_name), "gicvmm");
	snprintf(s.method, sizeof(s.method), "in-process");
	snapshot_add_vm(&s, v->name);
	if (snapshot_take(&s, &snapshot_io_local, fds, ARRAY_SIZE(fds), err, sizeof(err)))
		die("snapshot: %s", err);
	expect_add("\"%s\":{\"reads\":%llu,\"failed_reads\":%llu,\"chips\":%zu},", name,
	    (unsigned long long)s.reads, (unsigned long long)s.failed_reads, s.nr_chips);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (snapshot_write(&s, path, true, err, sizeof(err)))
		die("%s", err);
	snapshot_free(&s);
}

/* --- what VM A gets, and what a GET must return afterwards --------------------- */

enum chip { DIST, REDIST, CPU, ITS };

static const struct chip_info {
	const char *model;
	uint32_t group;
	unsigned width;
} chips[] = {
	[DIST] = { "arm-gicv3-dist", KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 4 },
	[REDIST] = { "arm-gicv3-redist", KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, 4 },
	[CPU] = { "arm-gicv3-cpu", KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, 8 },
	[ITS] = { "arm-gicv3-its", KVM_DEV_ARM_VGIC_GRP_ITS_REGS, 8 },
};

/*
 * One register written: CHIP's instance INDEX (the vCPU of a redistributor
 * or CPU interface), named REG as kvmirq's table names it (element ELEM,
 * -1 for a single register), at OFFSET; WROTE written, WANT read back.
 */
struct write {
	enum chip chip;
	int index;
	const char *reg;
	int elem;
	uint64_t offset, wrote, want;
	const char *why;
};

/* ICC_CTLR_EL1 keeps the host's PRIbits, IDbits, SEIS and A3V (read first). */
static uint64_t icc_ctlr_reset[NR_VCPUS];

#define W(c, i, r, e, off, w, g, y)                                                            \
	{ .chip = c, .index = i, .reg = r, .elem = e, .offset = off, .wrote = w, .want = g,   \
	  .why = y }

static const struct write writes[] = {
	/* the distributor */
	W(DIST, 0, "ctlr", -1, GICD_CTLR, 0x3, 0x52,
	  "EnableGrp1 kept; EnableGrp0 WI (DS: one group); ARE_NS and DS read as 1"),
	W(DIST, 0, "igroupr", 1, GICD_IGROUPR + 4, 0xffff0fff, 0xffff0fff,
	  "SPIs 44..47 in group 0 (all start in group 1)"),
	W(DIST, 0, "isenabler", 1, GICD_ISENABLER + 4, 1u << 8 | 1u << 13 | 1u << 18,
	  1u << 8 | 1u << 13 | 1u << 18, "SPIs 40, 45, 50 enabled"),
	W(DIST, 0, "ispendr", 1, GICD_ISPENDR + 4, 1u << 14, 1u << 14 | 1u << 8,
	  "SPI 46's latch set by user space; SPI 40 latched by its KVM_IRQ_LINE edge; "
	  "SPI 41's high level line is no latch"),
	W(DIST, 0, "isactiver", 2, GICD_ISACTIVER + 8, 1u << 6, 1u << 6, "SPI 70 active"),
	W(DIST, 0, "ipriorityr", 10, GICD_IPRIORITYR + 40, 0x12345678, 0x10305078,
	  "SPIs 40..43: 5 priority bits kept per byte"),
	W(DIST, 0, "ipriorityr", 31, GICD_IPRIORITYR + 124, 0xfff8a001, 0xf8f8a000,
	  "SPIs 124..127, the last of NR_IRQS 128"),
	W(DIST, 0, "icfgr", 2, GICD_ICFGR + 8, 0xfff3ffff, 0xaaa2aaaa,
	  "SPI 41 level, the rest edge; the low bit of each pair is RES0"),
	W(DIST, 0, "icfgr", 7, GICD_ICFGR + 28, 0x0000aaaa, 0x0000aaaa,
	  "SPIs 112..119 edge, 120..127 level"),
	W(DIST, 0, "igrpmodr", 1, GICD_IGRPMODR + 4, 0xffffffff, 0, "RAZ/WI"),
	W(DIST, 0, "irouter", 45 - 32, GICD_IROUTER + 8 * 45, 0x80000001, 0x1,
	  "SPI 45 to vCPU 1; Interrupt_Routing_Mode (bit 31) not kept"),
	W(DIST, 0, "irouter_hi", 45 - 32, GICD_IROUTER + 8 * 45 + 4, 0xff, 0,
	  "Aff3: the upper word is RAZ/WI"),
	W(DIST, 0, "irouter", 50 - 32, GICD_IROUTER + 8 * 50, 0xff030201, 0x030201,
	  "SPI 50 to affinity 3.2.1, which no vCPU has: Aff2..Aff0 kept"),
	/* each redistributor: the RD frame's LPI tables (PROPBASER is the VM's, one for all) */
	W(REDIST, 0, "propbaser", -1, GICR_PROPBASER, LPI_PROP_GPA | INNER_RAWAWB >> 52 |
	  INNER_SHAREABLE | 0xf | 0x60, LPI_PROP_GPA | INNER_RAWAWB >> 52 | INNER_SHAREABLE | 0xf,
	  "16 LPI id bits, inner RaWaWb, inner shareable; bits 6:5 RES0"),
	W(REDIST, 1, "propbaser", -1, -1ull, 0, LPI_PROP_GPA | INNER_RAWAWB >> 52 |
	  INNER_SHAREABLE | 0xf, "not written: vCPU 0's write set the VM's one table"),
	W(REDIST, 0, "pendbaser", -1, GICR_PENDBASER, LPI_PEND_GPA(0) | 2ull << 10 | 0x7f,
	  LPI_PEND_GPA(0) | INNER_SHAREABLE | INNER_RAWB >> 52,
	  "outer shareable becomes inner, non-cacheable inner RaWb; bits 6:0 RES0"),
	W(REDIST, 1, "pendbaser", -1, GICR_PENDBASER, LPI_PEND_GPA(1) | INNER_RAWAWB >> 52,
	  LPI_PEND_GPA(1) | INNER_RAWAWB >> 52, "each vCPU's own pending table"),
	/* each redistributor's SGI frame */
	W(REDIST, 0, "igroupr0", -1, SGI_FRAME + GICD_IGROUPR, 0xfffffff0, 0xfffffff0,
	  "SGIs 0..3 of vCPU 0 in group 0"),
	W(REDIST, 0, "isenabler0", -1, SGI_FRAME + GICD_ISENABLER, 1u << 23 | 1u << 27,
	  0xffff | 1u << 23 | 1u << 27, "PPIs 23, 27 enabled; SGIs are enabled at reset"),
	W(REDIST, 1, "ispendr0", -1, SGI_FRAME + GICD_ISPENDR, 1u << 3, 1u << 3,
	  "SGI 3 of vCPU 1 pending; PPI 24's high level line is no latch"),
	W(REDIST, 1, "isactiver0", -1, SGI_FRAME + GICD_ISACTIVER, 1u << 20, 1u << 20,
	  "PPI 20 of vCPU 1 active"),
	W(REDIST, 0, "ipriorityr", 6, SGI_FRAME + GICD_IPRIORITYR + 24, 0x80a0c0e7, 0x80a0c0e0,
	  "PPIs 24..27 of vCPU 0: 5 priority bits"),
	W(REDIST, 1, "ipriorityr", 1, SGI_FRAME + GICD_IPRIORITYR + 4, 0x10203040, 0x10203040,
	  "SGIs 4..7 of vCPU 1"),
	W(REDIST, 0, "icfgr", 1, SGI_FRAME + GICD_ICFGR + 4, 0xaaaaaaaa, 0,
	  "PPIs stay level: private configurations are read-only"),
	/* each CPU interface (ICC_CTLR_EL1 is set by cpu_ctlr(), from what it read) */
	W(CPU, 0, "pmr", -1, ICC_PMR, 0xa8, 0xa8, "priority mask 0xa8"),
	W(CPU, 1, "pmr", -1, ICC_PMR, 0xf0, 0xf0, "priority mask 0xf0"),
	W(CPU, 0, "bpr0", -1, ICC_BPR0, 3, 3, "binary point 3"),
	W(CPU, 0, "bpr1", -1, ICC_BPR1, 0xfc, 4, "binary point 4; bits past 2:0 dropped"),
	W(CPU, 1, "bpr1", -1, ICC_BPR1, 5, 5, "binary point 5"),
	W(CPU, 0, "igrpen0", -1, ICC_IGRPEN0, 1, 1, "group 0 enabled"),
	W(CPU, 0, "igrpen1", -1, ICC_IGRPEN1, 1, 1, "group 1 enabled"),
	W(CPU, 1, "igrpen1", -1, ICC_IGRPEN1, 0x3, 1, "group 1 enabled; bit 1 dropped"),
	/* the ITS: queue, tables, then enabled (it needs all three valid) */
	W(ITS, 0, "cbaser", -1, GITS_CBASER, BASER_VALID | INNER_RAWAWB | CMDQ_GPA | 0x7000 |
	  INNER_SHAREABLE | 1, BASER_VALID | INNER_RAWAWB | CMDQ_GPA | INNER_SHAREABLE | 1,
	  "a 2-page queue at 0x40000000; address bits 15:12 cleared (64 KiB aligned)"),
	W(ITS, 0, "cwriter", -1, GITS_CWRITER, 0x60, 0x60,
	  "3 commands written: processed only once the ITS is enabled, from CREADR"),
	W(ITS, 0, "creadr", -1, GITS_CREADR, 0x61, 0x60,
	  "user space may set it (the guest may not): CREADR = CWRITER, nothing to run; "
	  "the Stalled bit is not kept"),
	W(ITS, 0, "baser", 0, GITS_BASER(0), BASER_VALID | INNER_RAWAWB | DEVICE_TABLE_GPA |
	  INNER_SHAREABLE | ITS_TYPE(7) | ITS_ENTRY_SIZE(32),
	  BASER_VALID | INNER_RAWAWB | DEVICE_TABLE_GPA | INNER_SHAREABLE | ITS_PAGE_64K |
	  ITS_TYPE(ITS_TYPE_DEVICE) | ITS_ENTRY_SIZE(ITS_ABI0_ENTRY),
	  "the device table: type, entry size read-only, 64 KiB pages forced"),
	W(ITS, 0, "baser", 1, GITS_BASER(1), BASER_VALID | COLL_TABLE_GPA | 1ull << 62,
	  BASER_VALID | COLL_TABLE_GPA | INNER_RAWB | ITS_PAGE_64K |
	  ITS_TYPE(ITS_TYPE_COLLECTION) | ITS_ENTRY_SIZE(ITS_ABI0_ENTRY),
	  "the collection table: flat (Indirect cleared), 64 KiB pages, inner RaWb"),
	W(ITS, 0, "baser", 2, GITS_BASER(2), BASER_VALID | 0x50000, 0,
	  "only two tables: BASER2..7 are RAZ/WI"),
	W(ITS, 0, "ctlr", -1, GITS_CTLR, 1, 0x80000001, "enabled; quiescent: CREADR = CWRITER"),
};

static int device_of(const struct vm *v, enum chip c)
{
	return c == ITS ? v->its : v->gic;
}

static void program_one(const struct vm *a, const struct write *w)
{
	const struct chip_info *ci = &chips[w->chip];
	uint64_t attr = w->offset | (w->chip == REDIST || w->chip == CPU ? MPIDR(w->index) : 0);

	if (w->offset != -1ull)
		set_attr(device_of(a, w->chip), ci->group, attr, w->wrote, ci->width);
}

static void note(const struct write *w, uint64_t wrote, uint64_t want, bool written)
{
	char name[48];

	if (w->elem >= 0)
		snprintf(name, sizeof(name), "%s[%d]", w->reg, w->elem);
	else
		snprintf(name, sizeof(name), "%s", w->reg);
	expect_add("{\"chip\":\"%s\",\"index\":%d,\"reg\":\"%s\",", chips[w->chip].model, w->index, name);
	if (written)
		expect_add("\"wrote\":%llu,", (unsigned long long)wrote);
	expect_add("\"want\":%llu,\"why\":\"%s\"},", (unsigned long long)want, w->why);
}

/* ICC_CTLR_EL1 of each vCPU: what it holds, and EOImode set on vCPU 0. */
static void cpu_ctlr(const struct vm *a)
{
	for (int i = 0; i < NR_VCPUS; i++)
		icc_ctlr_reset[i] = get_attr(a->gic, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
					     MPIDR(i) | ICC_CTLR, 8);
	set_attr(a->gic, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, MPIDR(0) | ICC_CTLR,
		 icc_ctlr_reset[0] | ICC_CTLR_EOIMODE, 8);
}

static void note_cpu_ctlr(void)
{
	static const struct write w = { .chip = CPU, .reg = "ctlr", .elem = -1,
					 .why = "EOImode set; PRIbits, IDbits, SEIS, A3V are the host's" };
	static const struct write w1 = { .chip = CPU, .index = 1, .reg = "ctlr", .elem = -1,
					  .why = "not written: the reset value" };

	note(&w, icc_ctlr_reset[0] | ICC_CTLR_EOIMODE, icc_ctlr_reset[0] | ICC_CTLR_EOIMODE, true);
	note(&w1, 0, icc_ctlr_reset[1], false);
}

/* The lines: an edge on SPI 40, SPI 41 (level) held high, PPI 24 (level) on vCPU 1 high. */
static void raise_lines(const struct vm *a)
{
	irq_line(a, SPI_IRQ(40), 1);
	irq_line(a, SPI_IRQ(40), 0);
	irq_line(a, SPI_IRQ(41), 1);
	irq_line(a, PPI_IRQ(1, 24), 1);
	expect_add("\"lines\":{\"spi40\":\"edge pulse\",\"spi41\":\"level high\","
	    "\"ppi24 on vCPU 1\":\"level high\"},");
}

static void program(const struct vm *a)
{
	/* the SPI configuration before the lines, the ITS's registers in its order */
	for (size_t i = 0; i < ARRAY_SIZE(writes); i++)
		if (writes[i].chip != ITS)
			program_one(a, &writes[i]);
	raise_lines(a);
	cpu_ctlr(a);
	for (size_t i = 0; i < ARRAY_SIZE(writes); i++)
		if (writes[i].chip == ITS)
			program_one(a, &writes[i]);
	expect_add("\"expect\":[");
	note_cpu_ctlr();
	for (size_t i = 0; i < ARRAY_SIZE(writes); i++)
		note(&writes[i], writes[i].wrote, writes[i].want, writes[i].offset != -1ull);
	expect_unadd(); /* the last comma */
	expect_add("],");
}

/* The registers a GET must read back as the VMM reads them now (a check of the table). */
static void check_reads(const struct vm *a)
{
	unsigned bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(writes); i++) {
		const struct write *w = &writes[i];
		const struct chip_info *ci = &chips[w->chip];
		uint64_t off = w->offset == -1ull ? GICR_PROPBASER : w->offset;
		uint64_t attr = off | (w->chip == REDIST || w->chip == CPU ? MPIDR(w->index) : 0);
		uint64_t got = get_attr(device_of(a, w->chip), ci->group, attr, ci->width);

		if (got != w->want) {
			printf("gicvmm: FAIL %s %d %s: GET 0x%llx, want 0x%llx\n", ci->model,
			       w->index, w->reg, (unsigned long long)got,
			       (unsigned long long)w->want);
			bad++;
		}
	}
	expect_add("\"own_reads_wrong\":%u,", bad);
	if (bad)
		status = 1;
}

/* --- migration: restore B from A's snapshot file ------------------------------- */

struct restore_stats {
	unsigned sets, skipped;
};

static const struct chip_state *chip_of(const struct snapshot *s, const struct chip_model *m,
					int32_t index)
{
	for (size_t i = 0; i < s->nr_chips; i++)
		if (s->chips[i].model == m && s->chips[i].index == index)
			return &s->chips[i];
	die("the snapshot lacks %s %d", m->name, index);
	return NULL;
}

/* Write register R of chip C into B: every element the snapshot read. */
static void restore_reg(int dev, const struct chip_state *c, const struct chip_register *r,
			struct restore_stats *st)
{
	uint64_t instance = chip_instance_attr_bits(c->model, c->index);

	for (unsigned e = 0; e < (r->count ? r->count : 1u); e++) {
		uint64_t value, attr = r->attr + (uint64_t)e * r->stride;

		if (!chip_register_get(c, r, e, &value)) {
			st->skipped++; /* past NR_IRQS, or an AP<n>R the host lacks */
			continue;
		}
		/* ISENABLER and ISACTIVER only set bits: their IC twin clears the rest. */
		if (!strncmp(r->name, "isenabler", 9) || !strncmp(r->name, "isactiver", 9)) {
			set_attr(dev, r->group, instance | (attr + 0x80), ~value & 0xffffffffu,
				 r->width);
			st->sets++;
		}
		set_attr(dev, r->group, instance | attr, value, r->width);
		st->sets++;
	}
}

static bool restorable(const struct chip_register *r)
{
	return r->read == CHIP_READ_DEVICE_ATTR &&
	       !(r->flags & (CHIP_READ_ONLY | CHIP_WRITE_ONLY | CHIP_SIDE_EFFECT));
}

/* Every restorable register of C, those named in FIRST before the rest. */
static void restore_chip(int dev, const struct chip_state *c, const char *const *first,
			 struct restore_stats *st)
{
	const struct chip_model *m = c->model;

	for (const char *const *n = first; n && *n; n++)
		restore_reg(dev, c, chip_register_by_name(m, *n), st);
	for (size_t i = 0; i < m->nr_registers; i++) {
		const struct chip_register *r = &m->registers[i];
		bool done = false;

		for (const char *const *n = first; n && *n; n++)
			done |= !strcmp(r->name, *n);
		if (done)
			continue;
		if (restorable(r))
			restore_reg(dev, c, r, st);
		else
			st->skipped++;
	}
}

/* The ITS, in the documented order: RESTORE_TABLES between the registers and CTLR. */
static void restore_its(const struct vm *b, const struct chip_state *c, struct restore_stats *st)
{
	static const char *const order[] = { "cbaser", "iidr", "creadr", "cwriter", "baser" };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		restore_reg(b->its, c, chip_register_by_name(c->model, order[i]), st);
	ctrl(b->its, KVM_DEV_ARM_ITS_RESTORE_TABLES, "ITS RESTORE_TABLES");
	restore_reg(b->its, c, chip_register_by_name(c->model, "ctlr"), st);
}

static void migrate(const struct vm *a, const char *dir, const char *from, struct vm *b)
{
	static const char *const cpu_first[] = { "ctlr", NULL };
	struct restore_stats st = { 0 };
	struct snapshot s;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/%s", dir, from);
	if (snapshot_read(&s, path, err, sizeof(err)))
		die("reading back %s: %s", path, err);
	/* What a migrating VMM does before copying RAM: the ITS's tables into it. */
	ctrl(a->its, KVM_DEV_ARM_ITS_SAVE_TABLES, "ITS SAVE_TABLES of VM A");
	expect_add("\"saved_collection_terminator\":%llu,",
	    (unsigned long long)*guest(a, COLL_TABLE_GPA));
	create_vm(b);
	memcpy(b->ram, a->ram, RAM_SIZE);
	create_its(b);
	for (int i = 0; i < NR_VCPUS; i++)
		restore_chip(b->gic, chip_of(&s, &chip_model_gicv3_redist, i), NULL, &st);
	restore_chip(b->gic, chip_of(&s, &chip_model_gicv3_dist, 0), NULL, &st);
	for (int i = 0; i < NR_VCPUS; i++)
		restore_chip(b->gic, chip_of(&s, &chip_model_gicv3_cpu, i), cpu_first, &st);
	place_its(b);
	restore_its(b, chip_of(&s, &chip_model_gicv3_its, 0), &st);
	expect_add("\"migration\":{\"sets\":%u,\"skipped\":%u},", st.sets, st.skipped);
	snapshot_free(&s);
	snapshot_vm(b, dir, "second.kvmsnap");
}

/* --- hold: VM A kept for kvmirq snapshot --pid --------------------------------- */

/* After each wake-up of the hold: say when SAVE_TABLES wrote the guest's
 * collection table (it holds TABLE_PATTERN until then). */
struct tables_watch {
	uint64_t *coll;
	bool written;
};

static void watch_tables(void *ctx, unsigned interruptions)
{
	struct tables_watch *w = ctx;

	if (w->written || *w->coll == TABLE_PATTERN)
		return;
	w->written = true;
	printf("gicvmm: ITS tables written before interruption %u "
	       "(collection table entry 0 = 0x%llx)\n",
	       interruptions, (unsigned long long)*w->coll);
}

static void hold(const struct vm *a, const char *dir, unsigned seconds)
{
	struct tables_watch w = { .coll = guest(a, COLL_TABLE_GPA) };
	struct hold_result r;
	int err;

	*w.coll = TABLE_PATTERN;
	snapshot_vm(a, dir, "held.kvmsnap");
	err = hold_wait("gicvmm", seconds, watch_tables, &w, &r);
	if (err)
		die("sigtimedwait: %s", strerror(-err));
	snapshot_vm(a, dir, "after.kvmsnap");
	if (r.signal)
		printf("gicvmm: held, ended by signal %d, %u interruptions\n", r.signal,
		       r.interruptions);
	else
		printf("gicvmm: held, ended after %u s, %u interruptions\n", seconds,
		       r.interruptions);
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: gicvmm [--hold SECONDS] [DIR]";
	static const struct option longopts[] = {
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = "/tmp";
	long hold_s = -1;
	struct vm a, b;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		hold_s = c == 'H' ? strtol(optarg, &end, 10) : -1;
		if (c != 'H' || end == optarg || *end || hold_s < 0 || hold_s > 86400)
			die("%s", usage);
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind != argc)
		die("%s", usage);
	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm: %s", strerror(errno));

	expect_add("{\"nr_irqs\":%d,\"vcpus\":%d,", NR_IRQS, NR_VCPUS);
	create_vm(&a);
	create_its(&a);
	place_its(&a);
	program(&a);
	check_reads(&a);
	snapshot_vm(&a, dir, "first.kvmsnap");
	migrate(&a, dir, "first.kvmsnap", &b);
	expect_add("\"ram_base\":%llu}", (unsigned long long)RAM_BASE);
	print_file(dir, "first.kvmsnap");
	print_file(dir, "second.kvmsnap");
	printf("KVMIRQ-EXPECT %s\n", expect_text());
	if (hold_s >= 0) {
		close_vm(&b);
		hold(&a, dir, (unsigned)hold_s);
	}
	printf("gicvmm: exit %d\n", status);
	return status;
}
