/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mpicvmm --guest and its guest program (mpicvmm_guest.S) agree on:
 * the guest-physical map, the guest's device registers and the MPIC
 * sources it programs. Only #defines: the assembler includes it too.
 *
 * Guest-physical map (the VMM's TLB1 entry 0 maps 256 MB at 0, as KVM's
 * own initial entry would if 6.1 could find it: see mpicvmm_guest.c):
 *   0 .. GUEST_RAM_SIZE      RAM (one memory slot), the program at 0
 *   GUEST_DEVICE             no RAM, no device: each access exits to the
 *                            VMM as KVM_EXIT_MMIO, the guest's reports
 *   GUEST_MPIC_BASE          the MPIC, where QEMU's MPC8544DS puts it
 *                            (CCSR 0xe0000000 + 0x40000); outside the
 *                            initial mapping, so the guest maps it itself
 *                            with tlbwe (TLB1 entry 2, 256 KB, I|G)
 */
#ifndef KVMIRQ_TEST_MPICVMM_GUEST_H
#define KVMIRQ_TEST_MPICVMM_GUEST_H

#define GUEST_RAM_SIZE 0x10000
#define GUEST_DEVICE 0x0f000000
#define GUEST_MPIC_BASE 0xe0040000

/* Exception vectors: IVPR 0, IVOR4 (external input) set by the guest;
 * every other IVOR set by the VMM (KVM_SET_SREGS) to the fatal handler. */
#define GUEST_IVOR_EXTERNAL 0x100
#define GUEST_IVOR_UNEXPECTED 0x200

/* The guest's device: word registers at GUEST_DEVICE + offset, written
 * (stw) by the guest; each write is one KVM_EXIT_MMIO. */
#define DEV_PHASE 0x00	  /* a phase done: 1 programmed, 2 first batch, 3 all */
#define DEV_ACK 0x04	  /* the vector IACK returned */
#define DEV_EOI 0x08	  /* the vector whose EOI was just written */
#define DEV_LOWER 0x0c	  /* deassert this level line (the VMM's KVM_IRQ_LINE 0) */
#define DEV_READBACK 0x10 /* a programmed MPIC register as the guest read it back */
#define DEV_WHOAMI 0x14	  /* WHOAMI through the current-CPU alias */
#define DEV_MSIR 0x18	  /* the MSIR the MSI handler read (clearing it) */
#define DEV_FATAL 0x1c	  /* an unexpected exception: SRR0 */

/* MPIC register offsets from its base (also the KVM_DEV_MPIC_GRP_REGISTER
 * attributes). */
#define MPIC_SRC_IVPR(n) (0x10000 + 0x20 * (n))
#define MPIC_SRC_IDR(n) (0x10010 + 0x20 * (n))
#define MPIC_CPU0_CTPR 0x20080
#define MPIC_CPU0_IACK 0x200a0
#define MPIC_CPU0_EOI 0x200b0
#define MPIC_ALIAS_WHOAMI 0x90 /* the current CPU's, at the global block */
#define MPIC_SPVR 0x10e0
#define MPIC_MSIR(n) (0x1600 + 0x10 * (n))
#define MPIC_MSIIR 0x1740

/* IVPR fields */
#define GUEST_LEVEL 0x00400000
#define GUEST_HIGH 0x00800000
#define GUEST_PRIO(p) ((p) << 16)

/*
 * The sources: number, priority, vector. The first batch is raised by the
 * VMM all at once while the vCPU is out of KVM_RUN; the late one by a
 * second VMM thread while the vCPU runs. MSI bank 0 arrives through a GSI
 * routed as an MSI (kvm_set_msi writes MSIIR), bank 1 through MSIIR itself.
 */
#define SRC_LEVEL 1 /* external, level, active-high */
#define VEC_LEVEL 0x41
#define PRIO_LEVEL 5
#define SRC_EDGE_LOW 2
#define VEC_EDGE_LOW 0x52
#define PRIO_EDGE_LOW 3
#define SRC_EDGE_HIGH 3
#define VEC_EDGE_HIGH 0x63
#define PRIO_EDGE_HIGH 12
#define SRC_EDGE_MID 6
#define VEC_EDGE_MID 0x66
#define PRIO_EDGE_MID 9
#define SRC_MSI0 224
#define VEC_MSI0 0xe0
#define PRIO_MSI0 7
#define MSI0_IBS 5
#define SRC_MSI1 225
#define VEC_MSI1 0xe1
#define PRIO_MSI1 10
#define MSI1_IBS 17
#define SRC_LATE 4 /* raised while the vCPU runs */
#define VEC_LATE 0x44
#define PRIO_LATE 6

#define GUEST_FIRST_BATCH 6
#define GUEST_ALL (GUEST_FIRST_BATCH + 1)
#define GUEST_SPURIOUS 0xff /* SPVR's vector: the guest writes SPVR */

#endif
