/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The platforms a recording or snapshot can come from, one row each: the
 * machine names (uname -m) it stands for, its byte order and word size, and
 * how its MSIs read. Code that depends on the recording host asks its row,
 * never the machine string. Adding a platform is one row in platform.c
 * (and its MSI decoder, when it has a new kind of MSI).
 */
#ifndef KVMIRQ_PLATFORM_H
#define KVMIRQ_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "chips/chip.h"
#include "chips/msi.h"

struct platform {
	const char *name;	     /* "x86_64", "ppc" (e500), "aarch64" */
	const char *const *machines; /* the uname -m values it stands for, NULL-ended */
	enum chip_arch arch;	     /* CHIP_ARCH_X86: the PICs and IOAPIC as irqchips 0-2 */
	bool big_endian;
	uint8_t word_size;	     /* bytes in a long or a pointer */
	const struct msi_decoder *msi;
	/* GSIs 0..n-1 that KVM_CREATE_IRQCHIP routes before any
	 * KVM_SET_GSI_ROUTING (x86: the IOAPIC's 24 pins, the PICs' 16 among
	 * them); 0: no default routes */
	uint32_t irqchip_default_gsis;
	/* What gives a VM its default routes, for messages: "KVM_CREATE_IRQCHIP",
	 * "the VGIC's KVM_DEV_ARM_VGIC_CTRL_INIT" (one route per SPI); NULL: nothing */
	const char *default_routes_by;
	/* KVM_IRQ_LINE's irq is a GSI (arm64: a type, vCPU and number instead) */
	bool irq_line_is_gsi;
};

/* The row of MACHINE (NULL or unknown: a little-endian 64-bit row with no
 * MSI decoder, what files without the name always were read as). */
const struct platform *platform_by_machine(const char *machine);
/* The row of the host this kvmirq runs on. */
const struct platform *platform_host(void);

#endif
