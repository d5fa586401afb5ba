/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a GSI goes and how its pin is programmed, from decoded state: the
 * VM's GSI routing table (or KVM's default x86 routing when the VMM created
 * the irqchip and never replaced it) and the IOAPIC redirection entry of the
 * pin it reaches. What the state does not know stays unknown.
 */
#ifndef KVMIRQ_LINE_ROUTE_H
#define KVMIRQ_LINE_ROUTE_H

#include <stdbool.h>

#include "snapshot/snapshot.h"
#include "top/frame.h"

/* Fill LINE's route, trigger and masked for LINE->vm and LINE->gsi. DEFAULT_ROUTING:
 * the VM has KVM's default x86 routing when the state holds no table of its own. */
void top_line_route(const struct snapshot *s, bool default_routing, struct top_line *line);
/* An arm64 KVM_IRQ_LINE line (its irq in LINE->gsi): its name, its route
 * (straight to the GIC), and its trigger and enable from the GIC's state in
 * S, when S has it (S may be NULL). */
void top_arm_line(const struct snapshot *s, struct top_line *line);

#endif
