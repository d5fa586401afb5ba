// SPDX-License-Identifier: GPL-2.0
#include "check/msi_source.h"
#include "kvmirq/ioctls.h"
#include "snapshot/snapshot.h"
#include "util/byte_order.h"

/* The MSI entries of the table the reconstruction holds for the pending call's VM. */
static void table_msis(const struct check_ctx *c, const struct check_rule *r, void *state,
		       struct msi_tables *t, msi_use_fn fn)
{
	const struct vm_routing *vr = snapshot_find_routing(&c->recon->snap, (uint32_t)t->at.vm);

	t->pending = false;
	for (size_t i = 0; vr && vr->table_known && i < vr->nr_entries; i++) {
		struct route_view e;
		struct msi_use u = { .at = &t->at, .index = t->index,
				     .via = "a KVM_SET_GSI_ROUTING entry", .routed = true };

		routing_entry_view(vr->entries[i], c->recon->snap.byte_order_big, &e);
		if (e.type != ROUTE_TYPE_MSI)
			continue;
		u.gsi = e.gsi;
		u.msg = (struct msi_message){
			.address = e.address_lo | (uint64_t)e.address_hi << 32, .data = e.data,
			.devid = e.devid, .has_devid = e.flags & MSI_VALID_DEVID,
		};
		fn(c, r, state, &u);
	}
}

/* struct kvm_msi: address_lo, address_hi, data, flags, devid */
static void signal_msi(const struct check_ctx *c, const struct check_rule *r, void *state,
		       const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io,
		       msi_use_fn fn)
{
	bool big = c->recon->snap.byte_order_big;
	struct msi_use u = { .at = h, .index = c->index, .via = "KVM_SIGNAL_MSI" };

	if (io->in_len < 20 || (h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT)))
		return;
	u.msg = (struct msi_message){
		.address = load_u32(io->payload, big) | (uint64_t)load_u32(io->payload + 4, big) << 32,
		.data = load_u32(io->payload + 8, big),
		.devid = load_u32(io->payload + 16, big),
		.has_devid = load_u32(io->payload + 12, big) & MSI_VALID_DEVID,
	};
	fn(c, r, state, &u);
}

void msi_source_event(const struct check_ctx *c, const struct check_rule *r, void *state,
		      struct msi_tables *t, const struct kvmirq_event_header *h, size_t len,
		      msi_use_fn fn)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);

	if (t->pending)
		table_msis(c, r, state, t, fn);
	if (!h->vm)
		return;
	if (h->kind == KVMIRQ_EV_MSI_SET_IRQ &&
	    len >= sizeof(*h) + sizeof(struct kvmirq_ev_msi_set_irq)) {
		const struct kvmirq_ev_msi_set_irq *e = (const void *)(h + 1);
		struct msi_use u = { .at = h, .index = c->index, .via = "kvm_msi_set_irq",
				     .msg = { .address = e->address, .data = (uint32_t)e->data } };

		fn(c, r, state, &u);
		return;
	}
	if (h->kind != KVMIRQ_EV_IOCTL || len < sizeof(*h) + sizeof(*io) + io->in_len || io->ret < 0)
		return;
	if (io->ioctl_id == KVMIRQ_IOCTL_SIGNAL_MSI) {
		signal_msi(c, r, state, h, io, fn);
	} else if (io->ioctl_id == KVMIRQ_IOCTL_SET_GSI_ROUTING) {
		t->pending = true;
		t->at = *h;
		t->index = c->index;
	}
}

void msi_source_end(const struct check_ctx *c, const struct check_rule *r, void *state,
		    struct msi_tables *t, msi_use_fn fn)
{
	if (t->pending)
		table_msis(c, r, state, t, fn);
}
