// SPDX-License-Identifier: GPL-2.0
/*
 * route-before-line: KVM_IRQ_LINE (or _STATUS) raising, or KVM_IRQFD
 * assigning, a GSI the VM's routing does not hold yet.
 */
#include "check/rules.h"
#include "codec/names.h"
#include "kvmirq/ioctls.h"
#include "util/byte_order.h"

#define IRQFD_DEASSIGN 1u

/* Why VM has no route yet, for the message, in BUF. */
static const char *why_unrouted(const struct check_ctx *c, const struct check_vm *v, char *buf,
				size_t len)
{
	const char *by = c->platform->default_routes_by;

	if (v->routing_set)
		return "it is not in the table of the last KVM_SET_GSI_ROUTING";
	if (!by)
		return "no KVM_SET_GSI_ROUTING yet (this platform has no default routes)";
	if (v->irqchip)
		snprintf(buf, len, "no KVM_SET_GSI_ROUTING yet, and the default routes of %s "
			 "(GSIs 0-%u) do not hold it", by, v->default_gsis - 1);
	else
		snprintf(buf, len, "no %s or KVM_SET_GSI_ROUTING yet", by);
	return buf;
}

static void check_gsi(const struct check_ctx *c, const struct check_rule *r,
		      const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io,
		      uint32_t gsi, const char *what)
{
	const struct check_vm *v = check_vm(c, (uint32_t)h->vm);
	struct route_view route;
	uint64_t events[2];
	char failed[96] = "", err[64], why[160];
	size_t nr;

	if (!v)
		return;
	events[0] = c->index;
	events[1] = v->routing_at;
	if (check_gsi_routes(c, (uint32_t)h->vm, gsi, &route, 1, &nr) == GSI_ROUTES_UNKNOWN) {
		if (!v->told_unknown)
			check_report(c, r, CHECK_INFO, h, &c->index, 1,
				     "cannot be decided on this VM: %s, so its routes are not known",
				     v->created ? "its last KVM_SET_GSI_ROUTING was not recorded whole"
						: "it was created before the recording began");
		c->vms[h->vm].told_unknown = true;
		return;
	}
	if (nr)
		return;
	if (io->ret < 0)
		snprintf(failed, sizeof(failed), "; the call failed with %s",
			 check_errno_text(io->ret, err, sizeof(err)));
	check_report(c, r, r->severity, h, events, v->routing_set ? 2 : 1,
		     "%s %s GSI %u, which the VM's routing does not hold (%s): KVM has nowhere "
		     "to deliver it and the interrupt is lost%s",
		     ioctl_name(io->ioctl_id), what, gsi, why_unrouted(c, v, why, sizeof(why)),
		     failed);
}

static void route_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	bool big = c->recon->snap.byte_order_big;

	(void)state;
	if (h->kind != KVMIRQ_EV_IOCTL || !h->vm || len < sizeof(*h) + sizeof(*io) + io->in_len ||
	    (h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT)))
		return;
	switch (io->ioctl_id) {
	case KVMIRQ_IOCTL_IRQ_LINE:
	case KVMIRQ_IOCTL_IRQ_LINE_STATUS:
		/* struct kvm_irq_level: irq, level; lowering an unrouted line loses nothing */
		if (io->in_len >= 8 && c->platform->irq_line_is_gsi && load_u32(io->payload + 4, big))
			check_gsi(c, r, h, io, load_u32(io->payload, big), "raised");
		break;
	case KVMIRQ_IOCTL_IRQFD:
		/* struct kvm_irqfd: fd, gsi, flags */
		if (io->in_len >= 12 && !(load_u32(io->payload + 8, big) & IRQFD_DEASSIGN))
			check_gsi(c, r, h, io, load_u32(io->payload + 4, big), "assigned an irqfd to");
		break;
	default:
		break;
	}
}

const struct rule_ops rule_route_before_line = {
	.event = route_event,
};
