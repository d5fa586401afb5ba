/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's GSI routing table and irqfds. KVM has no ioctl that reads them back,
 * so a snapshot of a running VMM cannot hold them; a recording can: the
 * VMM's last KVM_SET_GSI_ROUTING replaced the whole table, and KVM_IRQFD
 * assigns and deassigns irqfds one by one. This is where an MSI routed to
 * the wrong vector shows.
 */
#ifndef KVMIRQ_ROUTING_H
#define KVMIRQ_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chips/platform.h"
#include "codec/routing_entry.h"

#define ROUTE_ENTRY_SIZE KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY
#define ROUTING_MAX_ENTRIES KVMIRQ_MAX_IRQ_ROUTES

struct irqfd_binding {
	int32_t eventfd;    /* the VMM's fd number */
	uint32_t gsi;
	uint32_t flags;	    /* KVM_IRQFD_FLAG_RESAMPLE (2) */
	int32_t resamplefd;
	uint64_t since_ns;  /* when it was assigned */
};

struct vm_routing {
	uint32_t vm; /* the VM's ordinal */
	/* the table of the last KVM_SET_GSI_ROUTING, raw entries as the VMM passed them */
	bool table_known;
	uint64_t table_ns;
	uint8_t (*entries)[ROUTE_ENTRY_SIZE];
	size_t nr_entries;
	/* irqfds assigned and not deassigned since the recording began: one
	 * assigned before it began is not known */
	struct irqfd_binding *irqfds;
	size_t nr_irqfds;
};

void routing_free(struct vm_routing *r);
/* Replace the table with NR raw entries. 0 or -ENOMEM. */
int routing_set_table(struct vm_routing *r, const uint8_t *entries, size_t nr, uint64_t ns);
/* Assign (or, with KVM_IRQFD_FLAG_DEASSIGN, remove) an irqfd. 0 or -ENOMEM. */
int routing_irqfd(struct vm_routing *r, int32_t eventfd, uint32_t gsi, uint32_t flags,
		  int32_t resamplefd, uint64_t ns);

/*
 * The routes the in-kernel irqchip gives GSI before any KVM_SET_GSI_ROUTING,
 * as irqchip entries in OUT[2]: how many. NR_DEFAULT: the GSIs it routes.
 * x86 (KVM_CREATE_IRQCHIP, 24): a GSI under 16 reaches its PIC pin and the
 * IOAPIC pin of its number, one up to 23 the IOAPIC only. arm64 (the
 * VGIC's initialisation, one per SPI): GSI i is irqchip 0 pin i, SPI i + 32.
 */
size_t routing_default_pins(const struct platform *p, uint32_t gsi, uint32_t nr_default,
			    struct route_view out[2]);

/* "ioapic pin 4", "msi dest=0x1 vector=0x41 ...": the irqchips and MSIs as P has them. */
void routing_entry_text(const struct route_view *v, const struct platform *p, char *buf,
			size_t len);

#endif
