/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One struct kvm_irq_routing_entry, as a VMM passed it to
 * KVM_SET_GSI_ROUTING: the timeline decodes it, and so do the routing
 * tables a recording rebuilds (src/snapshot/routing.c).
 */
#ifndef KVMIRQ_ROUTING_ENTRY_H
#define KVMIRQ_ROUTING_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "kvmirq/ioctls.h"

#define ROUTE_TYPE_IRQCHIP 1 /* KVM_IRQ_ROUTING_IRQCHIP */
#define ROUTE_TYPE_MSI 2     /* KVM_IRQ_ROUTING_MSI */

struct route_view {
	uint32_t gsi, type, flags;
	uint32_t irqchip, pin;			      /* ROUTE_TYPE_IRQCHIP */
	uint32_t address_lo, address_hi, data, devid; /* ROUTE_TYPE_MSI */
};

/* The fields of the entry at E (KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY bytes, in the
 * byte order BIG_ENDIAN says). */
void routing_entry_view(const uint8_t *e, bool big_endian, struct route_view *v);

#endif
