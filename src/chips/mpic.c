// SPDX-License-Identifier: GPL-2.0
/*
 * The Freescale MPIC (OpenPIC) that KVM emulates on e500 hosts
 * (KVM_DEV_TYPE_FSL_MPIC_20 and _42, anon inode "kvm-mpic").
 *
 * Every register is one KVM_GET_DEVICE_ATTR: group KVM_DEV_MPIC_GRP_REGISTER
 * with the register's byte offset in the 256 KiB window as attr, a 32-bit
 * value; the base address is in group MISC, the source input latches in
 * group IRQ_ACTIVE. A GET is a guest read of that offset, side effects
 * included, so the table marks what a snapshot must leave alone:
 *  - IACK (per CPU) acknowledges the best pending interrupt;
 *  - MSIR0..7 clear on read and lower their MSI source;
 *  - IPIDR, EOI and MSIIR are write-only;
 *  - the "current CPU" aliases in the global block (0x40..0xb0) act on the
 *    vCPU the calling thread runs; from a VMM thread there is none, so reads
 *    answer 0xffffffff: read the per-CPU blocks instead.
 *
 * One table serves both versions; where they differ the row says so
 * (.only_on, named as KVM_CREATE_DEVICE's decoder names the types): v2.0
 * has critical-interrupt bits in IDR and no ILR (its ILR reads 0xffffffff,
 * writes are ignored), v4.2 has ILR and a plain destination mask in IDR.
 * BRR1 (0x00400200 for v2.0, 0x00400402 for v4.2) tells which one answered.
 *
 * Accesses that are commands rather than state say so (.command): a GET of
 * IACK or an MSIR, a SET of EOI, IPIDR, MSIIR, or of GCR with RESET set.
 *
 * Checked against arch/powerpc/kvm/mpic.c of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/models.h"
#include "chips/msi.h"

/* arch/powerpc/include/uapi/asm/kvm.h */
#define MPIC_GRP_MISC 1
#define MPIC_GRP_REGISTER 2
#define MPIC_GRP_IRQ_ACTIVE 3
#define MPIC_BASE_ADDR 0

#define MPIC_SOURCES 256	/* the source register block: 0x10000 + 0x20 * n */
#define MPIC_CPU_SLOTS 32	/* per-CPU blocks: 0x20000 + 0x1000 * n */
#define MPIC_TIMERS 4
#define MPIC_MSI_BANKS 8

#define MPIC_20 "fsl-mpic-20" /* KVM_DEV_TYPE_FSL_MPIC_20 */
#define MPIC_42 "fsl-mpic-42" /* KVM_DEV_TYPE_FSL_MPIC_42 */

/* A 32-bit register read through GRP_REGISTER, its byte offset as .attr. */
#define MPIC_REG(...)                                                                   \
	{ .width = 4, .read = CHIP_READ_DEVICE_ATTR, .group = MPIC_GRP_REGISTER, __VA_ARGS__ }

static const char *const senses[2] = { "edge", "level" };
static const char *const polarities[2] = { "active-low", "active-high" };
static const char *const ivpr_modes[2] = { "directed", "distributed" };
static const char *const gcr_modes[4] = { "pass-through", "mixed", NULL, "proxy" };
static const char *const ilr_outputs[256] = { "int", "critical", "machine-check" };

/*
 * IVPR of a normal source. The kernel forces sense to edge on the internal
 * sources 16..255 (they are level inside all the same) and never sets MODE
 * (delivery is always directed). ACTIVITY is set while the source is
 * asserted towards a CPU.
 */
static const struct chip_field ivpr_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 16, .format = CHIP_FMT_HEX },
	{ .name = "priority", .lo = 16, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "sense", .lo = 22, .bits = 1, .format = CHIP_FMT_ENUM, .names = senses },
	{ .name = "polarity", .lo = 23, .bits = 1, .format = CHIP_FMT_ENUM, .names = polarities },
	{ .name = "mode", .lo = 29, .bits = 1, .format = CHIP_FMT_ENUM,
	  .names = ivpr_modes, .flags = CHIP_READ_ONLY },
	{ .name = "activity", .lo = 30, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "masked", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/* IPIs and timers have no sense or polarity: the kernel keeps them 0. */
static const struct chip_field special_ivpr_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 16, .format = CHIP_FMT_HEX },
	{ .name = "priority", .lo = 16, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = "activity", .lo = 30, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_READ_ONLY },
	{ .name = "masked", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

/*
 * What moves when an interrupt is raised, taken (IACK), retired (EOI) or
 * sent (IPI, MSI), none of which a snapshot or event shows bit by bit: the
 * activity bits and the input latches (CHIP_FORGETS).
 */
static const char *const delivery_state[] = {
	"src_ivpr.activity", "ipivpr.activity", "gtvpr.activity", "irq_active", NULL,
};
/* An MSIIR write also sets an MSIR bit, and so its MSISR bit. */
static const char *const msi_state[] = {
	"msisr", "src_ivpr.activity", "irq_active", NULL,
};
/* Reading an MSIR clears it, and its bank's MSISR bit. */
static const char *const msir_read_state[] = { "msisr", "src_ivpr.activity", "irq_active", NULL };
/* A source's input line set by the VMM (IRQ_ACTIVE): its activity follows. */
static const char *const line_state[] = { "src_ivpr.activity", NULL };
/* GCR's RESET: every register to its reset value. */
static const char *const everything[] = { "*", NULL };

/*
 * IDR: bit i sends the source to CPU i. v2.0 adds EP (bit 31, stored,
 * unused) and critical-interrupt bits, CPU i at bit 30 - i; any critical
 * bit turns the source into a critical interrupt that never reaches a vCPU.
 * The kernel keeps only the bits of connected CPUs (at the time of the
 * write), so the fields cover every bit: with three or more CPUs, v2.0's
 * critical bits of CPU 2 and up fall inside "dest", and on v4.2 CPUs 29..31
 * show as the v2.0 bits.
 */
static const struct chip_field idr_fields[] = {
	{ .name = "dest", .lo = 0, .bits = 29, .format = CHIP_FMT_HEX },
	{ .name = "critical_cpu1", .lo = 29, .bits = 1, .format = CHIP_FMT_BOOL,
	  .only_on = MPIC_20 },
	{ .name = "critical_cpu0", .lo = 30, .bits = 1, .format = CHIP_FMT_BOOL,
	  .only_on = MPIC_20 },
	{ .name = "ep", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL, .only_on = MPIC_20 },
	{ .name = NULL },
};

/* v4.2 only: the output a source drives. Only "int" reaches a vCPU. */
static const struct chip_field ilr_fields[] = {
	{ .name = "output", .lo = 0, .bits = 8, .format = CHIP_FMT_ENUM, .names = ilr_outputs },
	{ .name = NULL },
};

/* NIRQ and NCPU hold the counts minus one; NCPU is 0 until a vCPU is connected. */
static const struct chip_field frr_fields[] = {
	{ .name = "vid", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "ncpu", .lo = 8, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = "nirq", .lo = 16, .bits = 11, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

static const struct chip_field brr1_fields[] = {
	{ .name = "minor", .lo = 0, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "major", .lo = 8, .bits = 8, .format = CHIP_FMT_DEC },
	{ .name = "ip_id", .lo = 16, .bits = 16, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

/* Writing RESET resets the whole controller; it always reads 0. Only the
 * mode bits the version allows are stored (mixed on v2.0, proxy on v4.2). */
static const struct chip_field gcr_fields[] = {
	{ .name = "mode", .lo = 29, .bits = 2, .format = CHIP_FMT_ENUM, .names = gcr_modes },
	{ .name = "reset", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL,
	  .flags = CHIP_WRITE_COMMAND, .command = "reset", .forgets = everything },
	{ .name = NULL },
};

static const struct chip_field vector_fields[] = {
	{ .name = "vector", .lo = 0, .bits = 16, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

static const struct chip_field tfrr_fields[] = {
	{ .name = "frequency", .lo = 0, .bits = 32, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

static const struct chip_field gtccr_fields[] = {
	{ .name = "count", .lo = 0, .bits = 31, .format = CHIP_FMT_DEC },
	{ .name = "toggle", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

static const struct chip_field gtbcr_fields[] = {
	{ .name = "base_count", .lo = 0, .bits = 31, .format = CHIP_FMT_DEC },
	{ .name = "count_inhibit", .lo = 31, .bits = 1, .format = CHIP_FMT_BOOL },
	{ .name = NULL },
};

static const struct chip_field msisr_fields[] = {
	/* bit i: MSIR i is not zero */
	{ .name = "banks", .lo = 0, .bits = MPIC_MSI_BANKS, .format = CHIP_FMT_HEX },
	{ .name = NULL },
};

static const struct chip_field msiir_fields[] = {
	{ .name = "ibs", .lo = 24, .bits = 5, .format = CHIP_FMT_DEC }, /* the bit to set */
	{ .name = "srs", .lo = 29, .bits = 3, .format = CHIP_FMT_DEC }, /* in which MSIR */
	{ .name = NULL },
};

static const struct chip_field ctpr_fields[] = {
	{ .name = "priority", .lo = 0, .bits = 4, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

static const struct chip_field whoami_fields[] = {
	{ .name = "cpu", .lo = 0, .bits = 5, .format = CHIP_FMT_DEC },
	{ .name = NULL },
};

#define WHY_IACK "reading IACK acknowledges the best pending interrupt"
#define WHY_MSIR "reading an MSIR returns its bits, clears them and lowers its MSI source"
#define WHY_ALIAS "an alias of the calling vCPU's block: a VMM thread reads 0xffffffff; the per-CPU blocks hold the state"
#define WHY_GTCCR \
	"the current count of a timer, which hardware counts down; KVM's timers never count, so it stays as reset"

/*
 * The timers' read quirk (6.1, openpic_tmr_read): reads decode the offset
 * relative to TFRR (0x10f0), writes add 0x10f0 back first. So a GET at the
 * documented offset of a timer register returns the next register of that
 * timer, and GTDR's slot returns the next timer's GTCCR:
 *
 *   GET at 0x1100 + 0x40 t   returns GTBCR t   (documented there: GTCCR t)
 *   GET at 0x1110 + 0x40 t   returns GTVPR t   (documented there: GTBCR t)
 *   GET at 0x1120 + 0x40 t   returns GTDR t    (documented there: GTVPR t)
 *   GET at 0x1130 + 0x40 t   returns GTCCR t+1 (documented there: GTDR t)
 *
 * This table models what a GET returns: each row is named after the register
 * whose value it holds, at the attr that yields it. A SET must use the
 * documented offset (GTBCR t at 0x1110 + 0x40 t, and so on), which is what a
 * restore has to know: each row's .write_attr. GTCCR 0 comes from 0x11f0, the documented GTDR 3.
 */
#define TMR(t) (0x1100 + 0x40 * (t))

static const struct chip_register mpic_registers[] = {
	{ .name = "base_addr", .count = 1, .width = 8, .read = CHIP_READ_DEVICE_ATTR,
	  .group = MPIC_GRP_MISC, .attr = MPIC_BASE_ADDR },

	/* Global block. */
	MPIC_REG(.name = "brr1", .count = 1, .attr = 0x0000, .flags = CHIP_READ_ONLY,
		 .fields = brr1_fields),
	MPIC_REG(.name = "cur_ipidr", .count = 4, .stride = 0x10, .attr = 0x0040,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .why = WHY_ALIAS, .command = "ipi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cur_ctpr", .count = 1, .attr = 0x0080, .flags = CHIP_WRITE_ONLY,
		 .why = WHY_ALIAS, .fields = ctpr_fields),
	MPIC_REG(.name = "cur_whoami", .count = 1, .attr = 0x0090, .flags = CHIP_WRITE_ONLY,
		 .why = WHY_ALIAS, .fields = whoami_fields),
	MPIC_REG(.name = "cur_iack", .count = 1, .attr = 0x00a0, .flags = CHIP_SIDE_EFFECT,
		 .why = WHY_IACK, .fields = vector_fields, .command = "iack",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cur_eoi", .count = 1, .attr = 0x00b0,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .why = WHY_ALIAS, .command = "eoi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "frr", .count = 1, .attr = 0x1000, .flags = CHIP_READ_ONLY,
		 .fields = frr_fields),
	MPIC_REG(.name = "gcr", .count = 1, .attr = 0x1020, .fields = gcr_fields),
	MPIC_REG(.name = "vir", .count = 1, .attr = 0x1080, .flags = CHIP_READ_ONLY),
	/* Reads 0; the kernel refuses writes (ENXIO): CPU reset is the VMM's. */
	MPIC_REG(.name = "pir", .count = 1, .attr = 0x1090, .flags = CHIP_READ_ONLY),
	MPIC_REG(.name = "ipivpr", .count = 4, .stride = 0x10, .attr = 0x10a0,
		 .fields = special_ivpr_fields),
	MPIC_REG(.name = "spvr", .count = 1, .attr = 0x10e0, .fields = vector_fields),

	/* Timers (see the read quirk above). */
	MPIC_REG(.name = "tfrr", .count = 1, .attr = 0x10f0, .fields = tfrr_fields),
	MPIC_REG(.name = "gtbcr", .count = MPIC_TIMERS, .stride = 0x40, .attr = TMR(0),
		 .write_attr = TMR(0) + 0x10, .flags = CHIP_READ_MOVED, .fields = gtbcr_fields),
	MPIC_REG(.name = "gtvpr", .count = MPIC_TIMERS, .stride = 0x40, .attr = TMR(0) + 0x10,
		 .write_attr = TMR(0) + 0x20, .flags = CHIP_READ_MOVED,
		 .fields = special_ivpr_fields),
	MPIC_REG(.name = "gtdr", .count = MPIC_TIMERS, .stride = 0x40, .attr = TMR(0) + 0x20,
		 .write_attr = TMR(0) + 0x30, .flags = CHIP_READ_MOVED, .fields = idr_fields),
	MPIC_REG(.name = "gtccr[0]", .count = 1, .attr = TMR(3) + 0x30, .write_attr = TMR(0),
		 .why = WHY_GTCCR, .flags = CHIP_VOLATILE | CHIP_READ_MOVED, .fields = gtccr_fields),
	MPIC_REG(.name = "gtccr[1]", .count = 1, .attr = TMR(0) + 0x30, .write_attr = TMR(1),
		 .why = WHY_GTCCR, .flags = CHIP_VOLATILE | CHIP_READ_MOVED, .fields = gtccr_fields),
	MPIC_REG(.name = "gtccr[2]", .count = 1, .attr = TMR(1) + 0x30, .write_attr = TMR(2),
		 .why = WHY_GTCCR, .flags = CHIP_VOLATILE | CHIP_READ_MOVED, .fields = gtccr_fields),
	MPIC_REG(.name = "gtccr[3]", .count = 1, .attr = TMR(2) + 0x30, .write_attr = TMR(3),
		 .why = WHY_GTCCR, .flags = CHIP_VOLATILE | CHIP_READ_MOVED, .fields = gtccr_fields),

	/* Shared message-signalled interrupts: MSIR i feeds source 224 + i. */
	MPIC_REG(.name = "msir", .count = MPIC_MSI_BANKS, .stride = 0x10, .attr = 0x1600,
		 .flags = CHIP_SIDE_EFFECT, .why = WHY_MSIR, .command = "clear-msir",
		 .forgets = msir_read_state),
	MPIC_REG(.name = "msisr", .count = 1, .attr = 0x1720, .flags = CHIP_READ_ONLY,
		 .fields = msisr_fields),
	/* A write is an MSI: KVM_SIGNAL_MSI and MSI routes write their data here. */
	MPIC_REG(.name = "msiir", .count = 1, .attr = 0x1740,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND | CHIP_MSI_DOORBELL, .command = "msi",
		 .forgets = msi_state,
		 .fields = msiir_fields),

	/* Sources. ILR exists on v4.2 only; v2.0 reads 0xffffffff there. */
	MPIC_REG(.name = "src_ivpr", .count = MPIC_SOURCES, .stride = 0x20, .attr = 0x10000,
		 .fields = ivpr_fields),
	MPIC_REG(.name = "src_idr", .count = MPIC_SOURCES, .stride = 0x20, .attr = 0x10010,
		 .fields = idr_fields),
	MPIC_REG(.name = "src_ilr", .count = MPIC_SOURCES, .stride = 0x20, .attr = 0x10018,
		 .only_on = MPIC_42, .fields = ilr_fields),

	/*
	 * Per-CPU blocks, all 32 slots: a VMM picks the MPIC CPU number of each
	 * vCPU (0..31, any order), so a table of fewer slots could miss a
	 * connected one. Reading an unconnected slot is harmless (its CTPR is
	 * stored like any other, WHOAMI is the slot number); it costs 64 reads.
	 */
	MPIC_REG(.name = "cpu_ipidr0", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20040,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "ipi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cpu_ipidr1", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20050,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "ipi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cpu_ipidr2", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20060,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "ipi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cpu_ipidr3", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20070,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "ipi",
		 .forgets = delivery_state),
	MPIC_REG(.name = "cpu_ctpr", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20080,
		 .fields = ctpr_fields),
	MPIC_REG(.name = "cpu_whoami", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x20090,
		 .flags = CHIP_READ_ONLY, .fields = whoami_fields),
	MPIC_REG(.name = "cpu_iack", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x200a0,
		 .flags = CHIP_SIDE_EFFECT, .why = WHY_IACK, .fields = vector_fields,
		 .command = "iack", .forgets = delivery_state),
	/* Retires the best in-service interrupt: a command, whatever the value. */
	MPIC_REG(.name = "cpu_eoi", .count = MPIC_CPU_SLOTS, .stride = 0x1000, .attr = 0x200b0,
		 .flags = CHIP_WRITE_ONLY | CHIP_WRITE_COMMAND, .command = "eoi",
		 .forgets = delivery_state),

	/*
	 * The input latch of each source: the line level for level sources, and
	 * for edge sources 1 from the edge until the IACK that takes it. The
	 * kernel's bound check (attr > 256) also lets attr 256 through, which is
	 * IPI 0; the other internal sources (IPIs 1-3, timers) are refused, so
	 * the table stops at the 256 real sources.
	 */
	{ .name = "irq_active", .count = MPIC_SOURCES, .stride = 1, .width = 4,
	  .read = CHIP_READ_DEVICE_ATTR, .group = MPIC_GRP_IRQ_ACTIVE, .attr = 0,
	  .flags = CHIP_VOLATILE, .why = "the sources' input lines: devices raise and lower them",
	  .forgets = line_state },
};

/* arch/powerpc/include/uapi/asm/kvm.h: KVM_DEV_MPIC_GRP_* */
static const struct chip_group mpic_groups[] = {
	{ .group = MPIC_GRP_MISC, .name = "MISC" },
	{ .group = MPIC_GRP_REGISTER, .name = "REGISTER" },
	{ .group = MPIC_GRP_IRQ_ACTIVE, .name = "IRQ_ACTIVE" },
	{ .name = NULL },
};

const struct chip_model chip_model_fsl_mpic = {
	.name = "fsl-mpic",
	.arch = CHIP_ARCH_POWERPC,
	.title = "Freescale MPIC",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = "kvm-mpic",
	.registers = mpic_registers,
	.nr_registers = sizeof(mpic_registers) / sizeof(mpic_registers[0]),
	.groups = mpic_groups,
	.msi = &msi_decoder_mpic,
	.line_forgets = delivery_state,
	.mmio_group = MPIC_GRP_REGISTER,
};
