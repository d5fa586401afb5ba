// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check/rules.h"
#include "kvmirq/ioctls.h"

#define KIND(k) (1ull << KVMIRQ_EV_##k)
#define IOCTL(i) (1ull << KVMIRQ_IOCTL_##i)

const struct check_rule check_rules[] = {
	{
		.id = "route-before-line",
		.severity = CHECK_ERROR,
		.title = "a line raised or an irqfd assigned on a GSI that the VM's routing does not hold yet",
		.reason = "KVM delivers a GSI through the VM's routing table; a GSI without a route "
			  "goes nowhere, so the interrupt is lost (KVM_IRQ_LINE may even succeed). "
			  "On x86 KVM_CREATE_IRQCHIP routes GSIs 0-23 to the PICs and the IOAPIC; the "
			  "MPIC and irqfds on other GSIs need KVM_SET_GSI_ROUTING first. Lowering a "
			  "line without a route loses nothing and is not reported.",
		.source = "Documentation/virt/kvm/api.rst (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE, "
			  "KVM_IRQFD); kvmirq issue #11, rule 3",
		.needs_kinds = KIND(IOCTL),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_IRQCHIP) | IOCTL(SET_GSI_ROUTING) |
				IOCTL(IRQ_LINE) | IOCTL(IRQ_LINE_STATUS) | IOCTL(IRQFD),
		.ops = &rule_route_before_line,
	},
	{
		.id = "errno-loop",
		.severity = CHECK_WARNING,
		.title = "the same ioctl on the same fd failing with the same errno many times in a row",
		.reason = "a VMM that retries what KVM refuses never gets what the call was for "
			  "(a route, a device, a register) and burns CPU doing so; the first failure "
			  "is the bug to fix (--errno-loop sets how many failures make a loop).",
		.source = "kvmirq issue #11, rule 4",
		.needs_kinds = KIND(IOCTL),
		.ops = &rule_errno_loop,
	},
	{
		.id = "stuck-level-line",
		.severity = CHECK_WARNING,
		.title = "a GSI raised and neither lowered nor acknowledged within a bound",
		.reason = "a level-triggered line held high after the guest acknowledged it "
			  "interrupts again at once (a storm) or, masked, hides every later "
			  "interrupt on that pin; a device model that forgets to lower its line "
			  "does this. Only GSIs routed to an irqchip pin count (an MSI has no "
			  "level); --stuck-after sets the bound, and a line still high at the end "
			  "of a recording shorter than the bound is not reported.",
		.source = "kvmirq issue #11, rule 4",
		.needs_kinds = KIND(SET_IRQ) | KIND(ACK_IRQ) | KIND(IOCTL),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_IRQCHIP) | IOCTL(SET_GSI_ROUTING),
		.ops = &rule_stuck_level_line,
	},
};

const size_t check_nr_rules = sizeof(check_rules) / sizeof(check_rules[0]);

void check_report(const struct check_ctx *c, const struct check_rule *r,
		  enum check_severity severity, const struct kvmirq_event_header *at,
		  const uint64_t *events, unsigned nr, const char *fmt, ...)
{
	struct finding f = {
		.rule = r->id,
		.severity = severity,
		.vcpu = KVMIRQ_NO_VCPU,
	};
	va_list ap;

	if (at) {
		f.vm = (uint32_t)at->vm;
		f.pid = at->pid;
		f.tid = at->tid;
		f.vcpu = at->vcpu_id;
		f.ts_ns = at->timestamp_ns;
		f.t = at->timestamp_ns >= c->base_ns ? (double)(at->timestamp_ns - c->base_ns) / 1e9 : 0;
	}
	for (unsigned i = 0; i < nr && i < FINDING_MAX_EVENTS; i++)
		f.events[f.nr_events++] = events[i];
	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	c->emit(c->emit_arg, &f);
}

const struct check_vm *check_vm(const struct check_ctx *c, uint32_t vm)
{
	return vm < c->nr_vms ? &c->vms[vm] : NULL;
}

enum gsi_routes check_gsi_routes(const struct check_ctx *c, uint32_t vm, uint32_t gsi,
				 struct route_view *out, size_t max, size_t *nr)
{
	const struct check_vm *v = check_vm(c, vm);
	const struct vm_routing *vr = snapshot_find_routing(&c->recon->snap, vm);
	struct route_view def[2];
	size_t n;

	*nr = 0;
	if (!v || !v->created)
		return GSI_ROUTES_UNKNOWN;
	if (v->routing_set) {
		if (!vr || !vr->table_known)
			return GSI_ROUTES_UNKNOWN;
		for (size_t i = 0; i < vr->nr_entries; i++) {
			struct route_view e;

			routing_entry_view(vr->entries[i], c->recon->snap.byte_order_big, &e);
			if (e.gsi == gsi && *nr < max)
				out[(*nr)++] = e;
		}
		return GSI_ROUTES_KNOWN;
	}
	n = v->irqchip ? routing_default_pins(c->platform, gsi, def) : 0;
	for (size_t i = 0; i < n && *nr < max; i++)
		out[(*nr)++] = def[i];
	return GSI_ROUTES_KNOWN;
}

const char *check_errno_text(int64_t ret, char *buf, size_t len)
{
	int err = ret < 0 ? (int)-ret : 0;
	const char *name = strerrorname_np(err);

	snprintf(buf, len, "%s (%s)", name ? name : "errno", strerror(err));
	return buf;
}
