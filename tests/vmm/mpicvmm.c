// SPDX-License-Identifier: GPL-2.0
/*
 * The MPIC test VMM: /init of the e500v2 rig (tests/rig/e500/), a static
 * 32-bit PowerPC program that drives KVM's in-kernel MPIC with no guest
 * (with --guest, with one).
 *
 *  1. VM A: an MPIC v2.0 (with --type 42, v4.2: the expectations follow
 *     the version), vCPU 0 connected as MPIC CPU 0, the base address,
 *     GSI i -> pin i routing; global, timer, IPI, CPU and source registers
 *     programmed with known values; level and edge lines raised with
 *     KVM_IRQ_LINE, one MSI through MSIIR.
 *  2. A snapshot of A in-process (snapshot_take over its own fds), written
 *     to a file and printed; then a JSON line with every value programmed
 *     and what a GET must return for it, and the live checks that need the
 *     VM itself: the snapshot left IACK and MSIR alone, the current-CPU
 *     aliases answer all ones, the timer read quirk.
 *  3. Migration: VM B, restored from A's snapshot file through
 *     KVM_SET_DEVICE_ATTR of every register that can be restored (at the
 *     offset a SET decodes, which for timers is not where the GET read),
 *     except the priority of one source, deliberately left out; a snapshot
 *     of B, printed.
 *
 * Output on stdout (the rig's serial console), one item per line:
 *   KVMIRQ-FILE-BEGIN <name> / base64 lines / KVMIRQ-FILE-END <name> <bytes> <crc32>
 *     (console_file.h)
 *   KVMIRQ-EXPECT <json>
 *   KVMIRQ-DONE <exit status>
 * As PID 1 it mounts devtmpfs and powers the machine off at the end.
 *
 * With --hold SECONDS, for kvmirq snapshot --pid (test-snapshot-pid.sh):
 *  4. VM B closed; VM A snapshotted in-process again (held.kvmsnap: the
 *     state a snapshot from outside must find), then held: the process
 *     waits in sigtimedwait() for SIGINT or SIGTERM, or SECONDS, and prints
 *     "mpicvmm: holding pid N" first. Each stop by ptrace ends that wait
 *     with EINTR (sigtimedwait is never restarted), counted; then VM A is
 *     snapshotted in-process once more (after.kvmsnap: the VM as the
 *     stops left it), "mpicvmm: held, ended by ..., N interruptions" and
 *     KVMIRQ-DONE come last. The process has one thread: vCPU 0 is
 *     never run (no KVM_RUN), so no thread sits in it.
 *
 * With --guest, instead of all the above (mpicvmm_guest.c): a vCPU that
 * runs. VM G gets 64 KB of RAM at 0 with a small BookE program
 * (mpicvmm_guest.S) and KVM_RUN. The guest maps the MPIC (at 0xe0040000,
 * its own tlbwe), sets IVPR/IVOR4, programs SPVR, seven sources' IDR and
 * IVPR and CPU 0's CTPR by MMIO (reading each back), turns MSR[EE] on and
 * takes each interrupt: IACK (0x200a0) read, the source quieted (the level
 * line lowered by the VMM on the guest's request, MSIR read for an MSI),
 * EOI (0x200b0) written. It reports each step by a store to an address
 * with no RAM and no device, a KVM_EXIT_MMIO. The VMM raises six sources
 * at once and out of priority order when the guest says it is ready
 * (KVM_IRQ_LINE edges and a level, KVM_IRQ_LINE on a GSI routed as an MSI,
 * MSIIR), and one more edge from a second thread while the vCPU is in
 * KVM_RUN. It checks that the vectors acknowledged are the sources by
 * priority, then the late one, each EOId; that every register the guest
 * wrote reads back the same by MMIO and by KVM_GET_DEVICE_ATTR; that the
 * current-CPU WHOAMI alias is 0 from the vCPU; that IACK is then spurious.
 * Output: "KVMIRQ-GUEST <json>", a "mpicvmm: guest: FAIL ..." line per
 * failed check, KVMIRQ-DONE. On 6.1, KVM_RUN on e500v2 needs
 * tests/rig/e500/kernel-patches/ (booke_interrupts.S passes the exit
 * number in the wrong register: every first exit BUG()s).
 *
 * With --guest-loop SECONDS, the same guest then keeps taking interrupts
 * (an edge every 10 ms from a VMM thread) for SECONDS or until SIGTERM,
 * for kvmirq snapshot --pid of a running guest (mpicvmm_guest.c).
 *
 * With --break RULE, a run that breaks a kvmirq check rule on purpose
 * (tests/rig/e500/test-check.sh): command-as-state, a save that reads
 * CPU 0's IACK among the registers; restore-audit, VM A programmed and let
 * run (KVM_RUN with immediate_exit), saved, and VM B restored from it
 * without source 7's IVPR and let run; with --guest,
 * state-set-while-running, the late source's IVPR (and the base address,
 * which is allowed) set while the vCPU is in KVM_RUN.
 *
 * Usage: mpicvmm [--type 20|42] [--hold SECONDS | --guest | --guest-loop SECONDS] [DIR]
 *   (snapshot files go to DIR, default /tmp; --type: the MPIC version, default 20)
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
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chips/models.h"
#include "console_file.h"
#include "expect_text.h"
#include "hold_wait.h"
#include "mpicvmm.h"
#include "mpicvmm_guest.h"
#include "snapshot/snapshot.h"

#define MPIC_BASE 0xfe0040000ull /* where QEMU's ppce500 board puts it */

/* Register offsets (KVM_DEV_MPIC_GRP_REGISTER attrs) as a SET decodes them. */
#define GCR 0x1020
#define SPVR 0x10e0
#define TFRR 0x10f0
#define IPIVPR(n) (0x10a0 + 0x10 * (n))
#define GTBCR(t) (0x1110 + 0x40 * (t))
#define GTVPR(t) (0x1120 + 0x40 * (t))
#define GTDR(t) (0x1130 + 0x40 * (t))
#define MSIIR 0x1740
#define MSISR 0x1720
#define MSIR(n) (0x1600 + 0x10 * (n))
#define SRC_IVPR(n) (0x10000 + 0x20 * (n))
#define SRC_IDR(n) (0x10010 + 0x20 * (n))
#define SRC_ILR(n) (0x10018 + 0x20 * (n))
#define CPU_REG(c, off) (0x20000 + 0x1000 * (c) + (off))
#define CTPR 0x80
#define IACK 0xa0

int status;
const char *break_rule;

/* The two versions KVM offers; the values are what 6.1's mpic_create sets. */
static const struct mpic_kind mpic_kinds[] = {
	{ .device_type = KVM_DEV_TYPE_FSL_MPIC_20, .number = 20, .name = "FSL MPIC 2.0",
	  .brr1 = 0x00400200, .frr = 0x004f0002, .gcr = 0x20000000 /* mixed */ },
	{ .device_type = KVM_DEV_TYPE_FSL_MPIC_42, .number = 42, .name = "FSL MPIC 4.2",
	  .brr1 = 0x00400402, .frr = 0x00c30002, .gcr = 0x60000000 /* proxy */ },
};
const struct mpic_kind *mpic_kind = &mpic_kinds[0];

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "mpicvmm: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, "\nKVMIRQ-DONE 1\n");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	exit(1);
}

/* --- KVM ------------------------------------------------------------------- */

int kvm_fd = -1;

void mpic_set_attr(const struct vm *v, uint32_t group, uint64_t attr, uint64_t value)
{
	uint32_t v32 = (uint32_t)value;
	uint64_t v64 = value;
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = group == KVM_DEV_MPIC_GRP_MISC ? (uintptr_t)&v64 : (uintptr_t)&v32,
	};

	if (ioctl(v->mpic, KVM_SET_DEVICE_ATTR, &a) < 0)
		die("SET_DEVICE_ATTR group %u attr 0x%llx = 0x%llx: %s", group,
		    (unsigned long long)attr, (unsigned long long)value, strerror(errno));
}

static void reg_set(const struct vm *v, uint64_t off, uint32_t value)
{
	mpic_set_attr(v, KVM_DEV_MPIC_GRP_REGISTER, off, value);
}

uint32_t reg_get(const struct vm *v, uint64_t off)
{
	uint32_t value = 0;
	struct kvm_device_attr a = {
		.group = KVM_DEV_MPIC_GRP_REGISTER, .attr = off, .addr = (uintptr_t)&value
	};

	if (ioctl(v->mpic, KVM_GET_DEVICE_ATTR, &a) < 0)
		die("GET_DEVICE_ATTR 0x%llx: %s", (unsigned long long)off, strerror(errno));
	return value;
}

void route_gsis(const struct vm *v, const struct kvm_irq_routing_entry *extra, unsigned nr_extra)
{
	struct kvm_irq_routing *r;

	r = calloc(1, sizeof(*r) + (NR_PINS + nr_extra) * sizeof(r->entries[0]));
	if (!r)
		die("out of memory");
	r->nr = NR_PINS + nr_extra;
	for (unsigned i = 0; i < NR_PINS; i++) {
		r->entries[i].gsi = i;
		r->entries[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		r->entries[i].u.irqchip.irqchip = 0;
		r->entries[i].u.irqchip.pin = i;
	}
	if (nr_extra)
		memcpy(&r->entries[NR_PINS], extra, nr_extra * sizeof(*extra));
	if (ioctl(v->fd, KVM_SET_GSI_ROUTING, r) < 0)
		die("KVM_SET_GSI_ROUTING: %s", strerror(errno));
	free(r);
}

void create_vm(struct vm *v)
{
	struct kvm_create_device cd = { .type = mpic_kind->device_type };
	struct kvm_enable_cap cap = { .cap = KVM_CAP_IRQ_MPIC };

	v->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(v->fd, KVM_CREATE_DEVICE, &cd) < 0)
		die("KVM_CREATE_DEVICE(%s): %s", mpic_kind->name, strerror(errno));
	v->mpic = (int)cd.fd;
	v->vcpu = ioctl(v->fd, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	/* Until a vCPU is connected FRR says 0 CPUs and IDR writes are dropped. */
	cap.args[0] = (uint64_t)v->mpic;
	cap.args[1] = 0; /* MPIC CPU number */
	if (ioctl(v->vcpu, KVM_ENABLE_CAP, &cap) < 0)
		die("KVM_ENABLE_CAP(IRQ_MPIC): %s", strerror(errno));
	/* The MPIC starts with no routes: KVM_IRQ_LINE reaches nothing without them. */
	route_gsis(v, NULL, 0);
	snprintf(v->name, sizeof(v->name), "%d-%d", (int)getpid(), v->fd);
}

static void close_vm(const struct vm *v)
{
	if (close(v->mpic) < 0 || close(v->vcpu) < 0 || close(v->fd) < 0)
		die("closing VM %s: %s", v->name, strerror(errno));
}

void irq_line(const struct vm *v, unsigned gsi, unsigned level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	if (ioctl(v->fd, KVM_IRQ_LINE, &l) < 0)
		die("KVM_IRQ_LINE %u=%u: %s", gsi, level, strerror(errno));
}

/* --- snapshots --------------------------------------------------------------- */

static void print_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (console_print_file(path, name) < 0)
		die("%s: %s", path, strerror(errno));
}

/* Snapshot VM V in-process into DIR/NAME; returns the number of failed reads. */
static uint64_t snapshot_vm(const struct vm *v, const char *dir, const char *name)
{
	struct snapshot_fd fds[3] = {
		{ .fd = v->fd, .kind = CHIP_FD_VM, .vm = 1, .name = "kvm-vm" },
		{ .fd = v->vcpu, .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 0, .name = "kvm-vcpu:0" },
		{ .fd = v->mpic, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-mpic" },
	};
	struct snapshot s;
	char path[4096], err[512];
	uint64_t failed;
	int fd;

	snapshot_init(&s);
	s.pid = (uint32_t)getpid();
	snprintf(s.process_name, sizeof(s.process_name), "mpicvmm");
	snprintf(s.method, sizeof(s.method), "in-process");
	snapshot_add_vm(&s, v->name);
	if (snapshot_take(&s, &snapshot_io_local, fds, 3, err, sizeof(err)))
		die("snapshot: %s", err);
	if (s.nr_chips != 1 || s.chips[0].model != &chip_model_fsl_mpic)
		die("snapshot: %zu controllers, expected just the MPIC", s.nr_chips);
	failed = s.failed_reads;
	expect_add("\"%s\":{\"reads\":%llu,\"failed_reads\":%llu,\"big_endian\":%s},", name,
	    (unsigned long long)s.reads, (unsigned long long)failed,
	    s.chips[0].big_endian ? "true" : "false");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (snapshot_write_fd(&s, fd, err, sizeof(err)))
		die("%s", err);
	if (close(fd) < 0)
		die("%s: %s", path, strerror(errno));
	snapshot_free(&s);
	return failed;
}

/* --- what VM A gets, and what a GET must return afterwards --------------------- */

enum raise { NONE, LEVEL_HIGH, EDGE_PULSE };

/* IDR keeps EP and critical bits on v2.0 only; ILR exists on v4.2 only
 * (v2.0 ignores writes and reads all ones), its low 8 bits kept. */
struct source {
	unsigned n;
	uint32_t ivpr, idr, ilr;		       /* written (ILR when not 0) */
	uint32_t want_ivpr, want_idr20, want_idr42, want_ilr42; /* read back */
	enum raise raise;
	const char *why;
};

#define MASK 0x80000000u
#define ACTIVITY 0x40000000u
#define HIGH 0x00800000u  /* polarity: active-high */
#define LEVEL 0x00400000u /* sense */
#define PRIO(p) ((uint32_t)(p) << 16)

static const struct source sources[] = {
	{ 0, PRIO(3) | 0x30, 1, 0, PRIO(3) | 0x30, 1, 1, 0, NONE, "edge, unmasked, idle" },
	{ 1, HIGH | LEVEL | PRIO(5) | 0x41, 1, 0, ACTIVITY | HIGH | LEVEL | PRIO(5) | 0x41, 1, 1, 0,
	  LEVEL_HIGH, "level line held high: activity set" },
	{ 2, MASK | LEVEL | PRIO(9) | 0x52, 1, 0, MASK | LEVEL | PRIO(9) | 0x52, 1, 1, 0, LEVEL_HIGH,
	  "masked level line held high: latched, no activity" },
	{ 3, HIGH | PRIO(12) | 0x63, 1, 0, ACTIVITY | HIGH | PRIO(12) | 0x63, 1, 1, 0, EDGE_PULSE,
	  "edge pulse: pending until IACK" },
	{ 4, MASK | LEVEL | PRIO(15) | 0x1234, 0x80000001, 0x102, MASK | LEVEL | PRIO(15) | 0x1234,
	  0x80000001, 1, 2, NONE,
	  "16-bit vector, external-pin bit (v2.0); machine check, ILR's bit 8 dropped (v4.2)" },
	{ 5, LEVEL | PRIO(7) | 0x75, 0x40000000, 1, LEVEL | PRIO(7) | 0x75, 0x40000000, 0, 1, NONE,
	  "critical interrupt to CPU 0: by IDR on v2.0, by ILR on v4.2" },
	{ 7, HIGH | PRIO(11) | 0xb7, 1, 0, HIGH | PRIO(11) | 0xb7, 1, 1, 0, NONE,
	  "its priority is left out of the migration" },
	{ 9, 0, 0, 0, MASK, 0, 0, 0, NONE,
	  "never written: reset IVPR, IDR 0 (reset before any vCPU)" },
	{ 40, MASK | LEVEL | PRIO(4) | 0x28, 0xffffffff, 0, MASK | PRIO(4) | 0x28, 0xc0000001, 1, 0,
	  NONE, "internal source: sense forced to edge; IDR keeps CPU 0's bit (and EP, critical on v2.0)" },
	{ 100, 0, 0, 0, MASK | HIGH, 0, 0, 0, NONE,
	  "internal source never written: reset polarity high" },
	{ 224, 0, 0, 0, MASK | HIGH, 0, 0, 0, NONE, "MSI bank 0's source, asserted by MSIIR, masked" },
};
#define LEFT_OUT_SOURCE 7
#define WRITTEN(s) ((s)->ivpr || (s)->idr)

#define MSI_SRS 0
#define MSI_IBS 5
#define CPU0_CTPR 2
#define SPV 0xff
#define TFREQ 25000000u
#define IPI2_IVPR (PRIO(10) | 0x99)
#define TIMER 1
#define TIMER_BCR 0x1000u
#define TIMER_VPR (PRIO(3) | 0x77)

/* Write a register of VM A and note it, by the name the model gives it. */
static void program_reg(const struct vm *a, const char *name, uint64_t off, uint32_t value)
{
	reg_set(a, off, value);
	expect_add("\"%s\":{\"offset\":%llu,\"wrote\":%u},", name, (unsigned long long)off, value);
}

static void program(const struct vm *a)
{
	char name[64];

	expect_add("\"programmed\":{");
	mpic_set_attr(a, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, MPIC_BASE);
	expect_add("\"base_addr\":{\"group\":%d,\"wrote\":%llu},", KVM_DEV_MPIC_GRP_MISC,
	    (unsigned long long)MPIC_BASE);
	program_reg(a, "gcr", GCR, mpic_kind->gcr);
	program_reg(a, "spvr", SPVR, SPV);
	program_reg(a, "tfrr", TFRR, TFREQ);
	program_reg(a, "ipivpr[2]", IPIVPR(2), IPI2_IVPR);
	snprintf(name, sizeof(name), "gtbcr[%d]", TIMER);
	program_reg(a, name, GTBCR(TIMER), TIMER_BCR);
	snprintf(name, sizeof(name), "gtvpr[%d]", TIMER);
	program_reg(a, name, GTVPR(TIMER), TIMER_VPR);
	snprintf(name, sizeof(name), "gtdr[%d]", TIMER);
	program_reg(a, name, GTDR(TIMER), 1);
	program_reg(a, "cpu_ctpr[0]", CPU_REG(0, CTPR), CPU0_CTPR);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		const struct source *s = &sources[i];

		if (!WRITTEN(s))
			continue;
		snprintf(name, sizeof(name), "src_idr[%u]", s->n);
		program_reg(a, name, SRC_IDR(s->n), s->idr);
		snprintf(name, sizeof(name), "src_ivpr[%u]", s->n);
		program_reg(a, name, SRC_IVPR(s->n), s->ivpr);
		if (!s->ilr)
			continue;
		snprintf(name, sizeof(name), "src_ilr[%u]", s->n);
		program_reg(a, name, SRC_ILR(s->n), s->ilr);
	}
	/* An MSI: bit IBS of MSIR SRS, which asserts source 224 + SRS. */
	program_reg(a, "msiir", MSIIR, (uint32_t)MSI_SRS << 29 | (uint32_t)MSI_IBS << 24);
	expect_unadd(); /* the last comma */
	expect_add("},\"raised\":{");
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		const struct source *s = &sources[i];

		if (s->raise == NONE)
			continue;
		irq_line(a, s->n, 1);
		if (s->raise == EDGE_PULSE)
			irq_line(a, s->n, 0);
		expect_add("\"%u\":\"%s\",", s->n, s->raise == EDGE_PULSE ? "edge pulse" : "level high");
	}
	expect_unadd();
	expect_add("},");
}

static void expect_reg(const char *name, uint64_t value)
{
	expect_add("\"%s\":%llu,", name, (unsigned long long)value);
}

static void expect_values(void)
{
	bool v42 = mpic_kind->device_type == KVM_DEV_TYPE_FSL_MPIC_42;
	char name[64];

	expect_add("\"expect\":{");
	/* Identification and reset values of the version, with one CPU. */
	expect_reg("brr1", mpic_kind->brr1);
	expect_reg("frr", mpic_kind->frr);
	expect_reg("vir", 0);
	expect_reg("pir", 0);
	expect_reg("base_addr", MPIC_BASE);
	expect_reg("gcr", mpic_kind->gcr);
	expect_reg("spvr", SPV);
	expect_reg("tfrr", TFREQ);
	for (unsigned i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "ipivpr[%u]", i);
		expect_reg(name, i == 2 ? IPI2_IVPR : MASK);
	}
	for (unsigned t = 0; t < 4; t++) {
		snprintf(name, sizeof(name), "gtbcr[%u]", t);
		expect_reg(name, t == TIMER ? TIMER_BCR : 0x80000000);
		snprintf(name, sizeof(name), "gtvpr[%u]", t);
		expect_reg(name, t == TIMER ? TIMER_VPR : MASK);
		snprintf(name, sizeof(name), "gtdr[%u]", t);
		expect_reg(name, t == TIMER ? 1 : 0);
		snprintf(name, sizeof(name), "gtccr[%u]", t);
		expect_reg(name, 0);
	}
	expect_reg("msisr", 1u << MSI_SRS);
	expect_reg("cpu_ctpr[0]", CPU0_CTPR);
	expect_reg("cpu_ctpr[1]", 15);
	expect_reg("cpu_ctpr[31]", 15);
	expect_reg("cpu_whoami[0]", 0);
	expect_reg("cpu_whoami[1]", 1);
	expect_reg("cpu_whoami[31]", 31);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		const struct source *s = &sources[i];

		snprintf(name, sizeof(name), "src_ivpr[%u]", s->n);
		expect_reg(name, s->want_ivpr);
		snprintf(name, sizeof(name), "src_idr[%u]", s->n);
		expect_reg(name, v42 ? s->want_idr42 : s->want_idr20);
		snprintf(name, sizeof(name), "src_ilr[%u]", s->n);
		expect_reg(name, v42 ? s->want_ilr42 : 0xffffffff);
		snprintf(name, sizeof(name), "irq_active[%u]", s->n);
		expect_reg(name, s->raise != NONE || s->n == 224 + MSI_SRS);
	}
	expect_unadd(); /* the last comma */
	expect_add("},");
}

/* --- live checks on VM A after its snapshot ----------------------------------- */

static void live_checks(const struct vm *a)
{
	uint32_t tbcr_slot = reg_get(a, 0x1100 + 0x40 * TIMER + 0x10);
	uint32_t tccr_slot = reg_get(a, 0x1100 + 0x40 * TIMER);

	/* The 6.1 timer quirk: a GET at GTBCR's own offset returns GTVPR, and one
	 * at GTCCR's offset returns GTBCR. */
	expect_add("\"timer_quirk\":{\"get_gtbcr_offset\":%u,\"want_gtvpr\":%u,"
	    "\"get_gtccr_offset\":%u,\"want_gtbcr\":%u},",
	    tbcr_slot, TIMER_VPR, tccr_slot, TIMER_BCR);
	/* The current-CPU aliases, from a thread that runs no vCPU. */
	expect_add("\"alias_ctpr\":%u,\"alias_whoami\":%u,", reg_get(a, 0x80), reg_get(a, 0x90));
	/* The snapshot read MSISR only: MSIR still holds the MSI's bit... */
	expect_add("\"msisr_after\":%u,", reg_get(a, MSISR));
	expect_add("\"msir_after\":%u,\"msir_want\":%u,", reg_get(a, MSIR(MSI_SRS)), 1u << MSI_IBS);
	/* ...and reading it cleared it (the reason a snapshot never does). */
	expect_add("\"msir_again\":%u,", reg_get(a, MSIR(MSI_SRS)));
	/* IACK was not read either: it still hands out the best pending vector
	 * (source 3, priority 12, over source 1, priority 5; both above CTPR 2). */
	expect_add("\"iack_after\":%u,\"iack_want\":%u,", reg_get(a, CPU_REG(0, IACK)), 0x63);
}

/* --- migration: restore B from A's snapshot file ------------------------------- */

/*
 * Where a SET of each restorable register goes, relative to where the
 * snapshot's GET read it: the timer registers' GETs answer one register
 * early (see src/chips/mpic.c), so their SETs go 0x10 further.
 */
static const struct {
	const char *reg;
	uint32_t write_delta;
} write_fixups[] = {
	{ "gtbcr", 0x10 },
	{ "gtvpr", 0x10 },
	{ "gtdr", 0x10 },
};

struct restore_stats {
	unsigned sets, skipped;
};

static void restore(const struct vm *b, const struct chip_state *c, struct restore_stats *st)
{
	const struct chip_model *m = c->model;

	for (size_t i = 0; i < m->nr_registers; i++) {
		const struct chip_register *r = &m->registers[i];
		unsigned skip = CHIP_READ_ONLY | CHIP_SIDE_EFFECT | CHIP_WRITE_ONLY;
		uint32_t delta = 0;

		/* Read-only and never-read registers have nothing to restore; a
		 * volatile one is either a count (GTCCR: writes are ignored) or the
		 * input latches, which go last. */
		if (r->read != CHIP_READ_DEVICE_ATTR || (r->flags & skip) ||
		    ((r->flags & CHIP_VOLATILE) && r->group != KVM_DEV_MPIC_GRP_IRQ_ACTIVE)) {
			st->skipped++;
			continue;
		}
		for (size_t k = 0; k < sizeof(write_fixups) / sizeof(write_fixups[0]); k++)
			if (!strcmp(r->name, write_fixups[k].reg))
				delta = write_fixups[k].write_delta;
		for (unsigned e = 0; e < (r->count ? r->count : 1u); e++) {
			uint64_t value;

			if (!chip_register_get(c, r, e, &value))
				die("the snapshot lacks %s[%u]", r->name, e);
			if (!strcmp(r->name, "src_ivpr") && e == LEFT_OUT_SOURCE) {
				if (break_rule) { /* --break restore-audit: not written at all */
					st->skipped++;
					continue;
				}
				value &= ~(uint64_t)PRIO(15); /* the deliberate loss */
			}
			if (!strcmp(r->name, "gcr"))
				value &= ~(uint64_t)0x80000000; /* never reset B */
			mpic_set_attr(b, r->group, r->attr + (uint64_t)e * r->stride + delta, value);
			st->sets++;
		}
	}
	/* MSIR cannot be read without clearing it; MSISR says which banks held
	 * bits. Re-create one bit in each (the exact bits are lost). */
	{
		const struct chip_register *msisr = chip_register_by_name(m, "msisr");
		uint64_t banks = 0;

		if (!msisr || !chip_register_get(c, msisr, 0, &banks))
			die("the snapshot lacks msisr");
		for (unsigned i = 0; i < 8; i++) {
			if (!(banks >> i & 1))
				continue;
			reg_set(b, MSIIR, i << 29);
			st->sets++;
		}
	}
}

/* Migrate into VM B; THEN (or NULL) runs after the restore; B is closed after
 * its snapshot, when HOLD (A stays alone). */
static void migrate(const char *dir, const char *from, bool hold,
		    void (*then)(const struct vm *b))
{
	struct snapshot s;
	struct restore_stats st = { 0 };
	struct vm b;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/%s", dir, from);
	if (snapshot_read(&s, path, err, sizeof(err)))
		die("reading back %s: %s", path, err);
	if (s.nr_chips != 1 || s.chips[0].model != &chip_model_fsl_mpic)
		die("%s: %zu controllers, expected just the MPIC", path, s.nr_chips);
	create_vm(&b);
	restore(&b, &s.chips[0], &st);
	expect_add("\"migration\":{\"sets\":%u,\"registers_skipped\":%u,\"left_out\":"
	    "\"src_ivpr[%u].priority\",\"left_out_was\":%u},",
	    st.sets, st.skipped, LEFT_OUT_SOURCE, 11);
	snapshot_free(&s);
	if (then)
		then(&b);
	if (snapshot_vm(&b, dir, "second.kvmsnap"))
		status = 1;
	if (hold)
		close_vm(&b);
}

/* --- hold: VM A kept for kvmirq snapshot --pid --------------------------------- */

static void hold(const struct vm *a, const char *dir, unsigned seconds)
{
	struct hold_result r;
	int err;

	if (snapshot_vm(a, dir, "held.kvmsnap"))
		status = 1;
	err = hold_wait("mpicvmm", seconds, NULL, NULL, &r);
	if (err)
		die("sigtimedwait: %s", strerror(-err));
	if (snapshot_vm(a, dir, "after.kvmsnap"))
		status = 1;
	if (r.signal)
		printf("mpicvmm: held, ended by signal %d, %u interruptions\n", r.signal,
		       r.interruptions);
	else
		printf("mpicvmm: held, ended after %u s, %u interruptions\n", seconds,
		       r.interruptions);
}

/* The default run: VM A programmed, snapshotted, migrated into VM B; held
 * afterwards when HOLD_S >= 0. */
static void snapshot_run(const char *dir, long hold_s)
{
	struct vm a;

	expect_add("{\"mpic_type\":%u,\"caps\":{\"device_ctrl\":%d,\"irq_mpic\":%d},", mpic_kind->number,
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEVICE_CTRL),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_MPIC));
	create_vm(&a);
	program(&a);
	if (snapshot_vm(&a, dir, "first.kvmsnap"))
		status = 1;
	expect_values();
	live_checks(&a);
	migrate(dir, "first.kvmsnap", hold_s >= 0, NULL);
	expect_add("\"left_out_source\":%u}", LEFT_OUT_SOURCE);

	print_file(dir, "first.kvmsnap");
	print_file(dir, "second.kvmsnap");
	printf("KVMIRQ-EXPECT %s\n", expect_text());
	if (hold_s >= 0)
		hold(&a, dir, (unsigned)hold_s);
}

/*
 * --break command-as-state: VM A programmed, then a "save" that walks the
 * CPU's registers and reads IACK among them, which acknowledges the
 * pending interrupt instead of reading state.
 */
static void command_as_state_run(void)
{
	struct vm a;
	uint32_t vector;

	create_vm(&a);
	program(&a);
	for (unsigned n = 0; n < 4; n++) {
		reg_get(&a, MPIC_SRC_IVPR(n));
		reg_get(&a, MPIC_SRC_IDR(n));
	}
	reg_get(&a, MPIC_CPU0_CTPR);
	vector = reg_get(&a, MPIC_CPU0_IACK);
	printf("mpicvmm: break command-as-state: CPU 0's IACK read amid a save: vector 0x%x\n",
	       vector);
	close_vm(&a);
}

/* KVM_RUN with immediate_exit: the VMM lets vCPU 0 run (it returns EINTR at once). */
static void run_immediately(const struct vm *v)
{
	long size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = size > 0 ? mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
					      MAP_SHARED, v->vcpu, 0) : MAP_FAILED;

	if (run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));
	run->immediate_exit = 1;
	if (ioctl(v->vcpu, KVM_RUN, 0) != -1 || errno != EINTR)
		die("KVM_RUN with immediate_exit did not return EINTR: %s", strerror(errno));
	munmap(run, (size_t)size);
}

/*
 * --break restore-audit: VM A programmed and run, stopped and saved (an
 * in-process snapshot), VM B restored from it without source 7's IVPR, and
 * run: a destination that starts with a register the source saved unset.
 */
static void restore_audit_run(const char *dir)
{
	struct vm a;

	create_vm(&a);
	program(&a);
	run_immediately(&a);
	if (snapshot_vm(&a, dir, "first.kvmsnap"))
		status = 1;
	migrate(dir, "first.kvmsnap", false, run_immediately);
	printf("mpicvmm: break restore-audit: VM B ran without src_ivpr[%u] restored\n",
	       LEFT_OUT_SOURCE);
	close_vm(&a);
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"usage: mpicvmm [--type 20|42] [--hold SECONDS | --guest | --guest-loop SECONDS]\n"
		"               [--break command-as-state | --break restore-audit |\n"
		"                --guest --break state-set-while-running] [DIR]";
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 'T' },
		{ "hold", required_argument, NULL, 'H' },
		{ "guest", no_argument, NULL, 'G' },
		{ "guest-loop", required_argument, NULL, 'L' },
		{ "break", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = "/tmp";
	long hold_s = -1, loop_s = 0;
	bool guest = false;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'G') {
			guest = true;
			continue;
		}
		if (c == 'B') {
			break_rule = optarg;
			continue;
		}
		if (c == 'L') {
			guest = true;
			loop_s = strtol(optarg, &end, 10);
			if (end == optarg || *end || loop_s < 1 || loop_s > 3600)
				die("%s", usage);
			continue;
		}
		if (c == 'T') {
			long number = strtol(optarg, &end, 10);

			mpic_kind = NULL;
			for (size_t i = 0; i < sizeof(mpic_kinds) / sizeof(mpic_kinds[0]); i++)
				if (end != optarg && !*end && number == (long)mpic_kinds[i].number)
					mpic_kind = &mpic_kinds[i];
			if (!mpic_kind)
				die("%s", usage);
			continue;
		}
		hold_s = c == 'H' ? strtol(optarg, &end, 10) : -1;
		if (c != 'H' || end == optarg || *end || hold_s < 0 || hold_s > 86400)
			die("%s", usage);
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind != argc || (guest && hold_s >= 0))
		die("%s", usage);
	if (break_rule && (hold_s >= 0 || (guest ? strcmp(break_rule, "state-set-while-running")
						 : strcmp(break_rule, "command-as-state") &&
						   strcmp(break_rule, "restore-audit"))))
		die("%s", usage);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1) {
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY)
			die("mount devtmpfs: %s", strerror(errno));
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm: %s", strerror(errno));

	if (guest)
		guest_run((unsigned)loop_s);
	else if (break_rule && !strcmp(break_rule, "restore-audit"))
		restore_audit_run(dir);
	else if (break_rule)
		command_as_state_run();
	else
		snapshot_run(dir, hold_s);
	printf("KVMIRQ-DONE %d\n", status);
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return status;
}
