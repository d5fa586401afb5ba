// SPDX-License-Identifier: GPL-2.0
/*
 * command-as-state: an access with side effects (an MPIC IACK or MSIR
 * read, an EOI, IPI or MSI write, a reset, an IRQ_ACTIVE set, an ITS table
 * save) in the middle of a save or restore sequence: controller-state
 * accesses made while no vCPU of the VM runs (checker.c keeps it).
 */
#include "check/access.h"
#include "check/rules.h"

static void command_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			  const struct kvmirq_event_header *h, size_t len)
{
	const struct check_vm *v = check_vm(c, (uint32_t)h->vm);
	uint64_t events[2];

	(void)state;
	(void)len;
	if (c->access.class != ACCESS_COMMAND || !v || !v->in_sequence || c->running)
		return;
	events[0] = v->sequence_index;
	events[1] = c->index;
	check_report(c, r, r->severity, h, events, 2,
		     "%s during a save or restore sequence (%u state access%s since event %llu, "
		     "no vCPU running): it is a command, not state: it changes the controller "
		     "(acknowledges, ends or raises an interrupt, resets, writes guest memory), "
		     "so what is saved or restored is not what the guest had",
		     c->access.what, v->sequence_accesses, v->sequence_accesses == 1 ? "" : "es",
		     (unsigned long long)v->sequence_index);
}

const struct rule_ops rule_command_as_state = {
	.event = command_event,
};
