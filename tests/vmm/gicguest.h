/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What gicguest (gicguest.c) and its guest program (gicguest_guest.S)
 * agree on: the guest-physical map, the guest's report registers and the
 * interrupts it takes. Only #defines: the assembler includes it too.
 *
 * Guest-physical map (QEMU virt's GIC addresses, as testvmm_arm64.c):
 *   GICD_BASE        the VGICv3 distributor (64 KB)
 *   ITS_BASE         its ITS (128 KB: control frame, then GITS_TRANSLATER's)
 *   GICR_BASE        vCPU 0's redistributor (RD frame, then the SGI frame)
 *   GUEST_DEVICE     no RAM, no device: each store exits to the VMM as
 *                    KVM_EXIT_MMIO, the guest's reports
 *   GUEST_RAM        RAM (one memory slot): the program at its start, then
 *                    the stack and the tables the GIC reads from guest
 *                    memory (LPI configuration and pending tables, ITT,
 *                    command queue, device and collection tables)
 */
#ifndef KVMIRQ_TEST_GICGUEST_H
#define KVMIRQ_TEST_GICGUEST_H

#define GICD_BASE 0x08000000
#define ITS_BASE 0x08080000
#define GICR_BASE 0x080a0000
#define GICR_SGI_BASE (GICR_BASE + 0x10000)
#define ITS_TRANSLATER (ITS_BASE + 0x10040) /* the MSI doorbell */
#define GUEST_DEVICE 0x0a000000

#define GUEST_RAM 0x40000000
#define GUEST_RAM_SIZE 0x80000
#define GUEST_VECTORS 0x800	      /* VBAR_EL1: 2 KB aligned */
#define GUEST_STACK_TOP 0x10000
#define GUEST_PROP (GUEST_RAM + 0x10000)    /* LPI configuration: 4 KB aligned */
#define GUEST_PEND (GUEST_RAM + 0x20000)    /* LPI pending: 64 KB aligned */
#define GUEST_ITT (GUEST_RAM + 0x30000)     /* 256-byte aligned */
#define GUEST_CMDQ (GUEST_RAM + 0x40000)    /* GITS_CBASER: one 4 KB page */
#define GUEST_DEVTAB (GUEST_RAM + 0x50000)  /* GITS_BASER0: one 64 KB page */
#define GUEST_COLLTAB (GUEST_RAM + 0x60000) /* GITS_BASER1: one 64 KB page */

/* The guest's reports: word stores at GUEST_DEVICE + offset. */
#define DEV_PHASE 0x00	  /* a phase reached (PHASE_*) */
#define DEV_ACK 0x04	  /* the INTID ICC_IAR1_EL1 returned */
#define DEV_EOI 0x08	  /* the INTID just written to ICC_EOIR1_EL1 */
#define DEV_LOWER 0x0c	  /* deassert this level SPI (the VMM's KVM_IRQ_LINE 0) */
#define DEV_READBACK 0x10 /* a register as the guest read it (READBACK_* order) */
#define DEV_FATAL 0x14	  /* an unexpected exception: its vector offset */
#define DEV_FATAL_ESR 0x18
#define DEV_FATAL_ELR 0x1c

/* The phases: what the VMM does when the guest reports each. */
#define PHASE_READY 1	 /* GIC and ITS programmed: raise the SPIs */
#define PHASE_TIMER 2	 /* SPIs taken: the guest arms its virtual timer */
#define PHASE_MSI 3	 /* timer taken: KVM_SIGNAL_MSI with the device id */
#define PHASE_IRQFD 4	 /* MSI taken: the irqfd's eventfd written */
#define PHASE_DONE 5	 /* all taken; ICC_IAR1_EL1 read once more (READBACK) */

/* The readbacks, in the order the guest reports them. */
#define READBACK_ICC_SRE 0
#define READBACK_GICD_CTLR 1
#define READBACK_GICD_ISENABLER1 2
#define READBACK_GICR_ISENABLER0 3
#define READBACK_GICR_CTLR 4
#define READBACK_GITS_CTLR 5
#define READBACK_GITS_CREADR 6
#define READBACK_IAR_AFTER 7
#define NR_READBACKS 8

/* The interrupts. SPI_LEVEL has the higher priority (lower value): raised
 * together, it is taken first. */
#define SPI_EDGE 40
#define SPI_LEVEL 41
#define PRIO_SPI_EDGE 0xa0
#define PRIO_SPI_LEVEL 0x80
#define ICFGR2_LEVEL41 0xaaa2aaaa /* SPIs 32-47 edge, 41 level */
#define PPI_VTIMER 27
#define PRIO_VTIMER 0x90
#define TIMER_TICKS 0x1000
#define INTID_SPURIOUS 1023

/* The ITS: one device, one collection on vCPU 0, two events. */
#define ITS_DEVID 0x42
#define ITS_EVENT_BITS 5 /* MAPD's size field is this less one */
#define ITS_ICID 1
#define EVENT_MSI 5	 /* signalled with KVM_SIGNAL_MSI */
#define EVENT_IRQFD 6	 /* through an irqfd on a GSI routed as an MSI */
#define LPI_MSI 8192
#define LPI_IRQFD 8193
#define LPI_PROP 0xa1	 /* priority 0xa0, enabled */
#define PROPBASER_IDBITS 13 /* 14 bits of INTID: LPIs 8192..16383 */
#define ITS_NR_COMMANDS 7   /* MAPD, MAPC, MAPTI x2, INV, INVALL, SYNC */
#define ITS_CMD_SIZE 32

#endif
