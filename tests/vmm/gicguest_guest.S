/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest program of gicguest (gicguest.c): freestanding AArch64 code that
 * the VMM copies to GUEST_RAM and runs with KVM_RUN from its first byte, at
 * EL1h with DAIF masked and the MMU off (KVM_ARM_VCPU_INIT's reset state).
 * Position independent: only PC-relative addresses and constants.
 *
 *  1. VBAR_EL1; the CPU interface (ICC_SRE_EL1.SRE, ICC_PMR_EL1,
 *     ICC_BPR1_EL1, ICC_IGRPEN1_EL1); the distributor (GICD_CTLR ARE and
 *     Group 1; SPIs 40 edge and 41 level with their priorities, routed to
 *     vCPU 0 and enabled); the redistributor (GICR_WAKER, PPI 27 enabled,
 *     the LPI tables in GICR_PROPBASER/PENDBASER, EnableLPIs); the ITS
 *     (GITS_BASER0/1 device and collection tables, GITS_CBASER, enabled)
 *     and its commands (MAPD, MAPC, MAPTI x2, INV, INVALL, SYNC) through
 *     GITS_CWRITER, until GITS_CREADR has read them all. Each step that
 *     sets something reads it back (DEV_READBACK).
 *  2. PHASE_READY: the VMM raises SPI 40 (an edge) and 41 (a level line);
 *     the guest takes both, 41 first by priority. PHASE_TIMER: it arms
 *     CNTV (PPI 27) and takes it. PHASE_MSI: the VMM signals the MSI of
 *     event EVENT_MSI (LPI 8192). PHASE_IRQFD: the VMM writes the irqfd
 *     of event EVENT_IRQFD (LPI 8193). Then IRQs masked, ICC_IAR1_EL1 read
 *     once more (spurious: nothing left), PHASE_DONE, WFI forever.
 *  The IRQ handler reads ICC_IAR1_EL1 (DEV_ACK); for SPI 41 asks the VMM to
 *  lower the line (DEV_LOWER), for PPI 27 turns the timer off, so that
 *  neither is taken again; writes ICC_EOIR1_EL1, counts it (x23) and
 *  reports it (DEV_EOI), eret. Any other exception reports its vector,
 *  ESR and ELR (DEV_FATAL last) and stops.
 *
 * Registers: x19 the report device, x20 GICD, x21 GICR (RD frame), x22 the
 * ITS, x23 interrupts taken, x24 the command queue, x25 GICR's SGI frame;
 * the handler uses only x9 and x10, which the interrupted code leaves alone.
 */
#include "gicguest.h"

/* Registers by encoding: the assembler need not know the GIC's names. */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7

#define GICD_CTLR 0x0000
#define GICD_ISENABLER1 0x0104
#define GICD_IPRIORITYR40 0x0428
#define GICD_ICFGR2 0x0c08
#define GICD_IROUTER40 0x6140
#define GICD_IROUTER41 0x6148
#define GICD_CTLR_RWP (1 << 31)
#define GICD_CTLR_ARE_G1 0x12 /* ARE (bit 4), EnableGrp1 (bit 1) */
#define GICR_CTLR 0x0000
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_WAKER_CHILDREN_ASLEEP 2 /* bit */
#define GICR_ISENABLER0 0x0100	     /* in the SGI frame */
#define GICR_IPRIORITYR24 0x0418     /* PPIs 24..27 */
#define GITS_CTLR 0x0000
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER0 0x0100
#define GITS_BASER1 0x0108
#define VALID (1 << 63)

/* ITS commands (the GICv3 architecture's encodings). */
#define CMD_SYNC 0x05
#define CMD_MAPD 0x08
#define CMD_MAPC 0x09
#define CMD_MAPTI 0x0a
#define CMD_INV 0x0c
#define CMD_INVALL 0x0d

#define WAIT_WAKEUPS 1000 /* WFI returns before the interrupt at most this often */
#define POLL_LOOPS 0x100000

	.macro mov64 reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 48) & 0xffff), lsl #48
	.endm

	/* A register's value (32 bits) reported as the next readback. */
	.macro readback reg
	str	\reg, [x19, #DEV_READBACK]
	.endm

	.macro phase n
	mov	w0, #\n
	str	w0, [x19, #DEV_PHASE]
	.endm

	/* One ITS command of four doublewords (the last always 0) at x24. */
	.macro its_cmd d0, d1, d2
	mov64	x0, \d0
	mov64	x1, \d1
	mov64	x2, \d2
	str	x0, [x24]
	str	x1, [x24, #8]
	str	x2, [x24, #16]
	str	xzr, [x24, #24]
	add	x24, x24, #ITS_CMD_SIZE
	.endm

	.section .rodata.gicguest_guest, "a"
	.balign 4096
	.globl gicguest_guest_start
	.globl gicguest_guest_end
gicguest_guest_start:
	b	setup

	.org gicguest_guest_start + GUEST_VECTORS
vectors:
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.org vectors + \n * 0x80
	.if \n == 5 /* IRQ, current EL with SP_ELx */
	b	irq_handler
	.else
	mov	x9, #(\n * 0x80)
	b	fatal
	.endif
	.endr
	.org vectors + 0x800

irq_handler:
	mrs	x9, ICC_IAR1_EL1
	str	w9, [x19, #DEV_ACK]
	sub	x10, x9, #1020		/* 1020..1023: nothing to acknowledge */
	cmp	x10, #4
	b.lo	9f
	cmp	x9, #SPI_LEVEL
	b.ne	1f
	str	w9, [x19, #DEV_LOWER]
1:	cmp	x9, #PPI_VTIMER
	b.ne	2f
	msr	cntv_ctl_el0, xzr
	isb
2:	msr	ICC_EOIR1_EL1, x9
	isb
	add	x23, x23, #1
	str	w9, [x19, #DEV_EOI]	/* last: x23 is current at this exit */
9:	eret

fatal:
	mrs	x10, esr_el1
	str	w10, [x19, #DEV_FATAL_ESR]
	mrs	x10, elr_el1
	str	w10, [x19, #DEV_FATAL_ELR]
	str	w9, [x19, #DEV_FATAL]
1:	wfi
	b	1b

/* Wait with IRQs masked until x23 reaches x0, taking each interrupt WFI
 * wakes for; returns with IRQs masked. */
wait_taken:
	mov	x1, #WAIT_WAKEUPS
1:	msr	daifset, #2
	cmp	x23, x0
	b.hs	2f
	wfi
	msr	daifclr, #2
	isb
	subs	x1, x1, #1
	b.ne	1b
2:	msr	daifset, #2
	ret

setup:
	mov64	x19, GUEST_DEVICE
	mov64	x20, GICD_BASE
	mov64	x21, GICR_BASE
	mov64	x22, ITS_BASE
	mov64	x25, GICR_SGI_BASE
	mov	x23, #0
	mov64	x0, GUEST_RAM + GUEST_STACK_TOP
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb

	/* The CPU interface: system registers, all priorities, Group 1 on. */
	mrs	x0, ICC_SRE_EL1
	orr	x0, x0, #1
	msr	ICC_SRE_EL1, x0
	isb
	mrs	x0, ICC_SRE_EL1
	readback w0
	mov	x0, #0xff
	msr	ICC_PMR_EL1, x0
	msr	ICC_BPR1_EL1, xzr
	mov	x0, #1
	msr	ICC_IGRPEN1_EL1, x0
	isb

	/* The distributor: affinity routing and Group 1. */
	mov	w0, #GICD_CTLR_ARE_G1
	str	w0, [x20, #GICD_CTLR]
	mov	x1, #POLL_LOOPS
1:	ldr	w0, [x20, #GICD_CTLR]
	tbz	w0, #31, 2f
	subs	x1, x1, #1
	b.ne	1b
2:	readback w0
	/* SPIs 40 (edge) and 41 (level): priority, trigger, vCPU 0, enabled. */
	mov	w0, #(PRIO_SPI_EDGE | PRIO_SPI_LEVEL << 8)
	str	w0, [x20, #GICD_IPRIORITYR40]
	mov64	x0, ICFGR2_LEVEL41
	str	w0, [x20, #GICD_ICFGR2]
	str	xzr, [x20, #GICD_IROUTER40]
	str	xzr, [x20, #GICD_IROUTER41]
	mov	w0, #(1 << (SPI_EDGE - 32) | 1 << (SPI_LEVEL - 32))
	str	w0, [x20, #GICD_ISENABLER1]
	ldr	w0, [x20, #GICD_ISENABLER1]
	readback w0

	/* The redistributor: awake; the virtual timer's PPI. */
	str	wzr, [x21, #GICR_WAKER]
	mov	x1, #POLL_LOOPS
1:	ldr	w0, [x21, #GICR_WAKER]
	tbz	w0, #GICR_WAKER_CHILDREN_ASLEEP, 2f
	subs	x1, x1, #1
	b.ne	1b
2:	mov64	x0, PRIO_VTIMER << 24
	str	w0, [x25, #GICR_IPRIORITYR24]
	mov	w0, #(1 << PPI_VTIMER)
	str	w0, [x25, #GICR_ISENABLER0]
	ldr	w0, [x25, #GICR_ISENABLER0]
	readback w0

	/* LPIs: both configured (priority, enabled) before the tables are
	 * given; the pending table is the VMM's zeroed RAM. */
	mov64	x1, GUEST_PROP
	mov	w0, #LPI_PROP
	strb	w0, [x1, #(LPI_MSI - 8192)]
	strb	w0, [x1, #(LPI_IRQFD - 8192)]
	mov64	x0, GUEST_PROP | PROPBASER_IDBITS
	str	x0, [x21, #GICR_PROPBASER]
	mov64	x0, GUEST_PEND
	str	x0, [x21, #GICR_PENDBASER]
	mov	w0, #1
	str	w0, [x21, #GICR_CTLR]
	ldr	w0, [x21, #GICR_CTLR]
	readback w0

	/* The ITS: its tables and command queue, then enabled. */
	mov64	x0, GUEST_DEVTAB | VALID
	str	x0, [x22, #GITS_BASER0]
	mov64	x0, GUEST_COLLTAB | VALID
	str	x0, [x22, #GITS_BASER1]
	mov64	x0, GUEST_CMDQ | VALID
	str	x0, [x22, #GITS_CBASER]
	str	xzr, [x22, #GITS_CWRITER]
	mov	w0, #1
	str	w0, [x22, #GITS_CTLR]
	ldr	w0, [x22, #GITS_CTLR]
	readback w0

	/* The device with its ITT, the collection on vCPU 0 (GITS_TYPER.PTA
	 * is 0: a processor number), two events to two LPIs. */
	mov64	x24, GUEST_CMDQ
	its_cmd	CMD_MAPD | ITS_DEVID << 32, ITS_EVENT_BITS - 1, GUEST_ITT | VALID
	its_cmd	CMD_MAPC, 0, ITS_ICID | 0 << 16 | VALID
	its_cmd	CMD_MAPTI | ITS_DEVID << 32, EVENT_MSI | LPI_MSI << 32, ITS_ICID
	its_cmd	CMD_MAPTI | ITS_DEVID << 32, EVENT_IRQFD | LPI_IRQFD << 32, ITS_ICID
	its_cmd	CMD_INV | ITS_DEVID << 32, EVENT_MSI, 0
	its_cmd	CMD_INVALL, 0, ITS_ICID
	its_cmd	CMD_SYNC, 0, 0 << 16
	mov	x0, #(ITS_NR_COMMANDS * ITS_CMD_SIZE)
	str	x0, [x22, #GITS_CWRITER]
	mov	x2, #POLL_LOOPS
1:	ldr	x1, [x22, #GITS_CREADR]
	cmp	x1, x0
	b.eq	2f
	subs	x2, x2, #1
	b.ne	1b
2:	readback w1

	phase	PHASE_READY
	mov	x0, #2
	bl	wait_taken
	phase	PHASE_TIMER
	mov	x0, #TIMER_TICKS
	msr	cntv_tval_el0, x0
	mov	x0, #1			/* ENABLE, IMASK clear */
	msr	cntv_ctl_el0, x0
	isb
	mov	x0, #3
	bl	wait_taken
	phase	PHASE_MSI
	mov	x0, #4
	bl	wait_taken
	phase	PHASE_IRQFD
	mov	x0, #5
	bl	wait_taken
	mrs	x0, ICC_IAR1_EL1
	readback w0
	phase	PHASE_DONE
1:	wfi
	b	1b
gicguest_guest_end:
