/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest program of mpicvmm --guest (mpicvmm_guest.c): 32-bit BookE
 * (e500v2) code that the VMM copies to guest-physical 0 and runs with
 * KVM_RUN, MSR 0 (supervisor, address space 0, EE off), PC 0.
 *
 *  1. Maps the MPIC (tlbwe: TLB1 entry 2, 256 KB at GUEST_MPIC_BASE, I|G),
 *     points IVPR/IVOR4 at its external-input handler, programs SPVR and
 *     the sources' IDR and IVPR and CPU 0's CTPR by MMIO from the table at
 *     the end, reading each back (DEV_READBACK), reads WHOAMI through the
 *     current-CPU alias (DEV_WHOAMI); DEV_PHASE 1 and MSR[EE] on.
 *  2. Waits until it has taken GUEST_FIRST_BATCH interrupts, DEV_PHASE 2;
 *     until GUEST_ALL, DEV_PHASE 3; then EE off and a loop on itself. The
 *     waits are bounded: a missing interrupt ends them with too few.
 *     With r25 nonzero (the VMM's --guest-loop) EE goes back on for that
 *     loop: the guest keeps taking whatever the VMM raises.
 *  The handler reads CPU 0's IACK (DEV_ACK), deasserts the level line
 *  (DEV_LOWER: the VMM lowers the GSI) or reads MSIR (DEV_MSIR) as the
 *  source needs, writes EOI (DEV_EOI) unless IACK said spurious, rfi.
 *
 * Every report is a store to GUEST_DEVICE + DEV_*: a KVM_EXIT_MMIO.
 * Registers: r25 the VMM's loop flag, r26 interrupts taken, r27 EOIs
 * written (both counted before the DEV_EOI report), r29 CPU 0's MPIC
 * block, r30 the MPIC, r31 the device; the handler uses only r20, r21 and
 * cr7, so the interrupted code needs no saving.
 */
#include "mpicvmm_guest.h"

#define SPRN_SRR0 26
#define SPRN_IVPR 63
#define SPRN_IVOR4 404
#define SPRN_MAS0 624
#define SPRN_MAS1 625
#define SPRN_MAS2 626
#define SPRN_MAS3 627
#define SPRN_MAS7 944

#define MAS0_TLB1_ENTRY2 0x10020000
#define MAS1_V_IPROT_256K 0xc0000400 /* valid, protected, TID 0, TS 0, 256 KB */
#define MAS2_I_G 0x0000000a
#define MAS3_SR_SW 0x00000005

#define WAIT_LOOPS 0x4000000 /* a few seconds of the emulated e500 */

/* Load a 32-bit constant. */
#define LI32(r, v) lis r, (v)@h; ori r, r, (v)@l

	.machine e500
	.section .rodata.mpicvmm_guest, "a"
	.balign 4
	.globl mpicvmm_guest_start
	.globl mpicvmm_guest_end
	.globl mpicvmm_guest_regs
mpicvmm_guest_start:
	b	setup

	.org mpicvmm_guest_start + GUEST_IVOR_EXTERNAL
external_input:
	lwz	r20, MPIC_CPU0_IACK - 0x20000(r29)
	stw	r20, DEV_ACK(r31)
	cmpwi	cr7, r20, GUEST_SPURIOUS
	beq	cr7, 3f
	cmpwi	cr7, r20, VEC_LEVEL
	bne	cr7, 1f
	li	r21, SRC_LEVEL
	stw	r21, DEV_LOWER(r31)
1:	cmpwi	cr7, r20, VEC_MSI0
	bne	cr7, 2f
	lwz	r21, MPIC_MSIR(0)(r30)
	stw	r21, DEV_MSIR(r31)
2:	cmpwi	cr7, r20, VEC_MSI1
	bne	cr7, 4f
	lwz	r21, MPIC_MSIR(1)(r30)
	stw	r21, DEV_MSIR(r31)
4:	li	r21, 0
	stw	r21, MPIC_CPU0_EOI - 0x20000(r29)
	addi	r27, r27, 1
	addi	r26, r26, 1
	stw	r20, DEV_EOI(r31)	/* last: the counts are current at this exit */
	rfi
3:	addi	r26, r26, 1
	rfi

	.org mpicvmm_guest_start + GUEST_IVOR_UNEXPECTED
unexpected:
	mfspr	r20, SPRN_SRR0
	stw	r20, DEV_FATAL(r31)
	b	.

setup:
	LI32(r3, MAS0_TLB1_ENTRY2)
	mtspr	SPRN_MAS0, r3
	LI32(r3, MAS1_V_IPROT_256K)
	mtspr	SPRN_MAS1, r3
	LI32(r3, GUEST_MPIC_BASE | MAS2_I_G)
	mtspr	SPRN_MAS2, r3
	LI32(r3, GUEST_MPIC_BASE | MAS3_SR_SW)
	mtspr	SPRN_MAS3, r3
	li	r3, 0
	mtspr	SPRN_MAS7, r3
	isync
	tlbwe
	isync
	li	r3, 0
	mtspr	SPRN_IVPR, r3
	li	r3, GUEST_IVOR_EXTERNAL
	mtspr	SPRN_IVOR4, r3

	LI32(r30, GUEST_MPIC_BASE)
	addis	r29, r30, 2
	LI32(r31, GUEST_DEVICE)
	li	r26, 0
	li	r27, 0

	/* Program the MPIC from the table: offset, value; offset -1 ends it. */
	li	r3, mpicvmm_guest_regs - mpicvmm_guest_start
1:	lwz	r4, 0(r3)
	cmpwi	r4, -1
	beq	2f
	lwz	r5, 4(r3)
	stwx	r5, r30, r4
	lwzx	r6, r30, r4
	stw	r6, DEV_READBACK(r31)
	addi	r3, r3, 8
	b	1b
2:	lwz	r3, MPIC_ALIAS_WHOAMI(r30)
	stw	r3, DEV_WHOAMI(r31)

	li	r3, 1
	stw	r3, DEV_PHASE(r31)
	wrteei	1
	LI32(r4, WAIT_LOOPS)
	mtctr	r4
1:	cmpwi	r26, GUEST_FIRST_BATCH
	bge	2f
	bdnz	1b
2:	li	r3, 2
	stw	r3, DEV_PHASE(r31)
	mtctr	r4
1:	cmpwi	r26, GUEST_ALL
	bge	2f
	bdnz	1b
2:	wrteei	0
	li	r3, 3
	stw	r3, DEV_PHASE(r31)
	cmpwi	r25, 0
	beq	1f
	wrteei	1
1:	b	.

/* What the guest programs, in this order (the VMM reads it too). */
#define SOURCE(n, ivpr) .long MPIC_SRC_IDR(n), 1, MPIC_SRC_IVPR(n), (ivpr)
	.balign 4
mpicvmm_guest_regs:
	.long	MPIC_SPVR, GUEST_SPURIOUS
	SOURCE(SRC_LEVEL, GUEST_LEVEL | GUEST_HIGH | GUEST_PRIO(PRIO_LEVEL) | VEC_LEVEL)
	SOURCE(SRC_EDGE_LOW, GUEST_HIGH | GUEST_PRIO(PRIO_EDGE_LOW) | VEC_EDGE_LOW)
	SOURCE(SRC_EDGE_HIGH, GUEST_HIGH | GUEST_PRIO(PRIO_EDGE_HIGH) | VEC_EDGE_HIGH)
	SOURCE(SRC_EDGE_MID, GUEST_HIGH | GUEST_PRIO(PRIO_EDGE_MID) | VEC_EDGE_MID)
	SOURCE(SRC_LATE, GUEST_HIGH | GUEST_PRIO(PRIO_LATE) | VEC_LATE)
	SOURCE(SRC_MSI0, GUEST_HIGH | GUEST_PRIO(PRIO_MSI0) | VEC_MSI0)
	SOURCE(SRC_MSI1, GUEST_HIGH | GUEST_PRIO(PRIO_MSI1) | VEC_MSI1)
	.long	MPIC_CPU0_CTPR, 0
	.long	-1
mpicvmm_guest_end:
