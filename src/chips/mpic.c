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
 * One table serves both versions; where they differ the field says so:
 * v2.0 has critical-interrupt bits in IDR and no ILR (its ILR reads
 * 0xffffffff), v4.2 has ILR and a plain destination mask in IDR. BRR1
 * (0x00400200 for v2.0, 0x00400402 for v4.2) tells which one answered.
 *
 * Checked against arch/powerpc/kvm/mpic.c of Linux 6.1.
 */
#include "chips/chip.h"
#include "chips/models.h"

/* arch/powerpc/include/uapi/asm/kvm.h */
#define MPIC_GRP_MISC 1
#define MPIC_GRP_REGISTER 2
#define MPIC_GRP_IRQ_ACTIVE 3
#define MPIC_BASE_ADDR 0

#define MPIC_SOURCES 256	/* the source register block: 0x10000 + 0x20 * n */
#define MPIC_CPU_SLOTS 32	/* per-CPU blocks: 0x20000 + 0x1000 * n */
#define MPIC_TIMERS 4
#define MPIC_MSI_BANKS 8

/* A 32-bit register read through GRP_REGISTER at byte offset OFF. */
#define REG(name_, count_, stride_, off_, flags_, why_, fields_)                          \
	{ name_, count_, stride_, 4, CHIP_READ_DEVICE_ATTR, MPIC_GRP_REGISTER, off_, 0, flags_, \
	  why_, fields_ }

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
	{ "vector", 0, 16, CHIP_FMT_HEX },
	{ "priority", 16, 4, CHIP_FMT_DEC },
	{ "sense", 22, 1, CHIP_FMT_ENUM, senses },
	{ "polarity", 23, 1, CHIP_FMT_ENUM, polarities },
	{ "mode", 29, 1, CHIP_FMT_ENUM, ivpr_modes, CHIP_READ_ONLY },
	{ "activity", 30, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "masked", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

/* IPIs and timers have no sense or polarity: the kernel keeps them 0. */
static const struct chip_field special_ivpr_fields[] = {
	{ "vector", 0, 16, CHIP_FMT_HEX },
	{ "priority", 16, 4, CHIP_FMT_DEC },
	{ "activity", 30, 1, CHIP_FMT_BOOL, NULL, CHIP_READ_ONLY },
	{ "masked", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

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
	{ "dest", 0, 29, CHIP_FMT_HEX },
	{ "critical_cpu1", 29, 1, CHIP_FMT_BOOL },
	{ "critical_cpu0", 30, 1, CHIP_FMT_BOOL },
	{ "ep", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

/* v4.2 only: the output a source drives. Only "int" reaches a vCPU. */
static const struct chip_field ilr_fields[] = {
	{ "output", 0, 8, CHIP_FMT_ENUM, ilr_outputs },
	{ NULL },
};

/* NIRQ and NCPU hold the counts minus one; NCPU is 0 until a vCPU is connected. */
static const struct chip_field frr_fields[] = {
	{ "vid", 0, 8, CHIP_FMT_DEC },
	{ "ncpu", 8, 5, CHIP_FMT_DEC },
	{ "nirq", 16, 11, CHIP_FMT_DEC },
	{ NULL },
};

static const struct chip_field brr1_fields[] = {
	{ "minor", 0, 8, CHIP_FMT_DEC },
	{ "major", 8, 8, CHIP_FMT_DEC },
	{ "ip_id", 16, 16, CHIP_FMT_HEX },
	{ NULL },
};

/* Writing RESET resets the whole controller; it always reads 0. Only the
 * mode bits the version allows are stored (mixed on v2.0, proxy on v4.2). */
static const struct chip_field gcr_fields[] = {
	{ "mode", 29, 2, CHIP_FMT_ENUM, gcr_modes },
	{ "reset", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

static const struct chip_field vector_fields[] = {
	{ "vector", 0, 16, CHIP_FMT_HEX },
	{ NULL },
};

static const struct chip_field tfrr_fields[] = {
	{ "frequency", 0, 32, CHIP_FMT_DEC },
	{ NULL },
};

static const struct chip_field gtccr_fields[] = {
	{ "count", 0, 31, CHIP_FMT_DEC },
	{ "toggle", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

static const struct chip_field gtbcr_fields[] = {
	{ "base_count", 0, 31, CHIP_FMT_DEC },
	{ "count_inhibit", 31, 1, CHIP_FMT_BOOL },
	{ NULL },
};

static const struct chip_field msisr_fields[] = {
	{ "banks", 0, MPIC_MSI_BANKS, CHIP_FMT_HEX }, /* bit i: MSIR i is not zero */
	{ NULL },
};

static const struct chip_field msiir_fields[] = {
	{ "ibs", 24, 5, CHIP_FMT_DEC }, /* the bit to set */
	{ "srs", 29, 3, CHIP_FMT_DEC }, /* in which MSIR */
	{ NULL },
};

static const struct chip_field ctpr_fields[] = {
	{ "priority", 0, 4, CHIP_FMT_DEC },
	{ NULL },
};

static const struct chip_field whoami_fields[] = {
	{ "cpu", 0, 5, CHIP_FMT_DEC },
	{ NULL },
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
 * restore has to know. GTCCR 0 comes from 0x11f0, the documented GTDR 3.
 */
#define TMR(t) (0x1100 + 0x40 * (t))

static const struct chip_register mpic_registers[] = {
	{ "base_addr", 1, 0, 8, CHIP_READ_DEVICE_ATTR, MPIC_GRP_MISC, MPIC_BASE_ADDR },

	/* Global block. */
	REG("brr1", 1, 0, 0x0000, CHIP_READ_ONLY, NULL, brr1_fields),
	REG("cur_ipidr", 4, 0x10, 0x0040, CHIP_WRITE_ONLY, WHY_ALIAS, NULL),
	REG("cur_ctpr", 1, 0, 0x0080, CHIP_WRITE_ONLY, WHY_ALIAS, ctpr_fields),
	REG("cur_whoami", 1, 0, 0x0090, CHIP_WRITE_ONLY, WHY_ALIAS, whoami_fields),
	REG("cur_iack", 1, 0, 0x00a0, CHIP_SIDE_EFFECT, WHY_IACK, vector_fields),
	REG("cur_eoi", 1, 0, 0x00b0, CHIP_WRITE_ONLY, WHY_ALIAS, NULL),
	REG("frr", 1, 0, 0x1000, CHIP_READ_ONLY, NULL, frr_fields),
	REG("gcr", 1, 0, 0x1020, 0, NULL, gcr_fields),
	REG("vir", 1, 0, 0x1080, CHIP_READ_ONLY, NULL, NULL),
	/* Reads 0; the kernel refuses writes (ENXIO): CPU reset is the VMM's. */
	REG("pir", 1, 0, 0x1090, CHIP_READ_ONLY, NULL, NULL),
	REG("ipivpr", 4, 0x10, 0x10a0, 0, NULL, special_ivpr_fields),
	REG("spvr", 1, 0, 0x10e0, 0, NULL, vector_fields),

	/* Timers (see the read quirk above). */
	REG("tfrr", 1, 0, 0x10f0, 0, NULL, tfrr_fields),
	REG("gtbcr", MPIC_TIMERS, 0x40, TMR(0), CHIP_READ_MOVED, NULL, gtbcr_fields),
	REG("gtvpr", MPIC_TIMERS, 0x40, TMR(0) + 0x10, CHIP_READ_MOVED, NULL, special_ivpr_fields),
	REG("gtdr", MPIC_TIMERS, 0x40, TMR(0) + 0x20, CHIP_READ_MOVED, NULL, idr_fields),
	REG("gtccr[0]", 1, 0, TMR(3) + 0x30, CHIP_VOLATILE | CHIP_READ_MOVED, WHY_GTCCR, gtccr_fields),
	REG("gtccr[1]", 1, 0, TMR(0) + 0x30, CHIP_VOLATILE | CHIP_READ_MOVED, WHY_GTCCR, gtccr_fields),
	REG("gtccr[2]", 1, 0, TMR(1) + 0x30, CHIP_VOLATILE | CHIP_READ_MOVED, WHY_GTCCR, gtccr_fields),
	REG("gtccr[3]", 1, 0, TMR(2) + 0x30, CHIP_VOLATILE | CHIP_READ_MOVED, WHY_GTCCR, gtccr_fields),

	/* Shared message-signalled interrupts: MSIR i feeds source 224 + i. */
	REG("msir", MPIC_MSI_BANKS, 0x10, 0x1600, CHIP_SIDE_EFFECT, WHY_MSIR, NULL),
	REG("msisr", 1, 0, 0x1720, CHIP_READ_ONLY, NULL, msisr_fields),
	REG("msiir", 1, 0, 0x1740, CHIP_WRITE_ONLY, NULL, msiir_fields),

	/* Sources. ILR exists on v4.2 only; v2.0 reads 0xffffffff there. */
	REG("src_ivpr", MPIC_SOURCES, 0x20, 0x10000, 0, NULL, ivpr_fields),
	REG("src_idr", MPIC_SOURCES, 0x20, 0x10010, 0, NULL, idr_fields),
	REG("src_ilr", MPIC_SOURCES, 0x20, 0x10018, 0, NULL, ilr_fields),

	/*
	 * Per-CPU blocks, all 32 slots: a VMM picks the MPIC CPU number of each
	 * vCPU (0..31, any order), so a table of fewer slots could miss a
	 * connected one. Reading an unconnected slot is harmless (its CTPR is
	 * stored like any other, WHOAMI is the slot number); it costs 64 reads.
	 */
	REG("cpu_ipidr0", MPIC_CPU_SLOTS, 0x1000, 0x20040, CHIP_WRITE_ONLY, NULL, NULL),
	REG("cpu_ipidr1", MPIC_CPU_SLOTS, 0x1000, 0x20050, CHIP_WRITE_ONLY, NULL, NULL),
	REG("cpu_ipidr2", MPIC_CPU_SLOTS, 0x1000, 0x20060, CHIP_WRITE_ONLY, NULL, NULL),
	REG("cpu_ipidr3", MPIC_CPU_SLOTS, 0x1000, 0x20070, CHIP_WRITE_ONLY, NULL, NULL),
	REG("cpu_ctpr", MPIC_CPU_SLOTS, 0x1000, 0x20080, 0, NULL, ctpr_fields),
	REG("cpu_whoami", MPIC_CPU_SLOTS, 0x1000, 0x20090, CHIP_READ_ONLY, NULL, whoami_fields),
	REG("cpu_iack", MPIC_CPU_SLOTS, 0x1000, 0x200a0, CHIP_SIDE_EFFECT, WHY_IACK, vector_fields),
	REG("cpu_eoi", MPIC_CPU_SLOTS, 0x1000, 0x200b0, CHIP_WRITE_ONLY, NULL, NULL),

	/*
	 * The input latch of each source: the line level for level sources, and
	 * for edge sources 1 from the edge until the IACK that takes it. The
	 * kernel's bound check (attr > 256) also lets attr 256 through, which is
	 * IPI 0; the other internal sources (IPIs 1-3, timers) are refused, so
	 * the table stops at the 256 real sources.
	 */
	{ "irq_active", MPIC_SOURCES, 1, 4, CHIP_READ_DEVICE_ATTR, MPIC_GRP_IRQ_ACTIVE, 0, 0,
	  CHIP_VOLATILE, "the sources' input lines: devices raise and lower them" },
};

const struct chip_model chip_model_fsl_mpic = {
	.name = "fsl-mpic",
	.arch = CHIP_ARCH_POWERPC,
	.title = "Freescale MPIC",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = "kvm-mpic",
	.registers = mpic_registers,
	.nr_registers = sizeof(mpic_registers) / sizeof(mpic_registers[0]),
};
