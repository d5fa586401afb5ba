// SPDX-License-Identifier: GPL-2.0
/*
 * msi-address: an MSI (KVM_SIGNAL_MSI, an MSI routing entry, a
 * kvm_msi_set_irq) whose address is not one the platform's interrupt
 * controllers take (the platform's MSI decoder says which are), reported
 * once per VM and address.
 */
#include <inttypes.h>

#include "check/msi_source.h"

struct msi_address {
	struct msi_tables tables;
	struct check_seen reported;
};

static void check_use(const struct check_ctx *c, const struct check_rule *r, void *state,
		      const struct msi_use *u)
{
	struct msi_address *s = state;
	char gsi[32] = "";

	if (c->platform->msi->valid_address(&u->msg) ||
	    !check_first_time(&s->reported, (uint32_t)u->at->vm, u->msg.address, 0))
		return;
	if (u->routed)
		snprintf(gsi, sizeof(gsi), " for GSI %u", u->gsi);
	check_report(c, r, r->severity, u->at, &u->index, 1,
		     "the MSI of %s%s goes to address 0x%" PRIx64 " (data 0x%x), which is not an "
		     "interrupt address on %s: real hardware takes the write as a memory write and the "
		     "interrupt is lost, while KVM decodes it anyway",
		     u->via, gsi, u->msg.address, u->msg.data, c->platform->name);
}

static void msi_address_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			      const struct kvmirq_event_header *h, size_t len)
{
	struct msi_address *s = state;

	if (c->platform->msi->valid_address)
		msi_source_event(c, r, state, &s->tables, h, len, check_use);
}

static void msi_address_end(const struct check_ctx *c, const struct check_rule *r, void *state)
{
	struct msi_address *s = state;

	if (c->platform->msi->valid_address)
		msi_source_end(c, r, state, &s->tables, check_use);
}

static void msi_address_free(void *state)
{
	check_seen_free(&((struct msi_address *)state)->reported);
}

const struct rule_ops rule_msi_address = {
	.state_size = sizeof(struct msi_address),
	.event = msi_address_event,
	.end = msi_address_end,
	.free = msi_address_free,
};
