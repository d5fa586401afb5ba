// SPDX-License-Identifier: GPL-2.0
/*
 * unroutable-vector (x86): an IOAPIC redirection entry or an MSI that sends
 * a vector the LAPIC refuses (0-15: the CPU's exceptions), or, in physical
 * destination mode, to an APIC ID no vCPU of the VM has. Vectors are
 * checked where an entry is set (KVM_SET_IRQCHIP, KVM_SET_GSI_ROUTING) and
 * where KVM delivers it; destinations only where KVM delivers, since a VMM
 * may route to a vCPU it creates later. Each entry or message once per VM.
 */
#include <inttypes.h>

#include "chips/x86_msi.h"
#include "check/msi_source.h"
#include "kvmirq/ioctls.h"
#include "util/byte_order.h"

#define IOAPIC_CHIP_ID 2	/* KVM_IRQCHIP_IOAPIC */
#define IOAPIC_PINS 24
#define IOAPIC_REDIRTBL_AT 32	/* struct kvm_irqchip: chip_id, pad, then kvm_ioapic_state's 24 bytes */
#define RTE_LOGICAL (1ull << 11)
#define RTE_MASKED (1ull << 16)
#define RTE_ROUTE_BITS (0xffull | 7ull << 8 | RTE_LOGICAL | 0xffull << 56)
#define IOAPIC_KEY (1ull << 63) /* a seen key for an IOAPIC pin, apart from MSI addresses */
#define DM_LOWEST 1

struct unroutable {
	struct msi_tables tables;
	struct check_seen reported;
	struct check_seen told_unknown; /* VMs said to predate the recording */
};

/* An interrupt's target: where it comes from and where it goes. */
struct target {
	const struct kvmirq_event_header *at;
	uint64_t index;
	uint32_t vector, delivery, dest;
	bool logical, delivered;
	uint64_t key_a, key_b;
	char what[96];
};

static bool has_vector(uint32_t delivery)
{
	return delivery <= DM_LOWEST; /* fixed or lowest priority; NMI, INIT, SIPI, ExtINT ignore it */
}

static bool broadcast(uint32_t dest)
{
	return dest == X86_XAPIC_BROADCAST || dest == X86_X2APIC_BROADCAST;
}

static void check_target(const struct check_ctx *c, const struct check_rule *r,
			 struct unroutable *s, const struct target *t)
{
	uint32_t vm = (uint32_t)t->at->vm;
	bool bad_vector = has_vector(t->delivery) && t->vector < X86_FIRST_INTERRUPT_VECTOR;
	enum vcpu_known dest = VCPU_PRESENT;

	if (t->delivered && !t->logical && !broadcast(t->dest))
		dest = check_vm_vcpu(c, vm, t->dest);
	if (dest == VCPU_UNKNOWN && !bad_vector) {
		if (check_first_time(&s->told_unknown, vm, 0, 0))
			check_report(c, r, CHECK_INFO, t->at, &t->index, 1,
				     "destinations cannot be decided on this VM: it was created "
				     "before the recording began, so its vCPUs are not known");
		return;
	}
	if ((!bad_vector && dest != VCPU_ABSENT) ||
	    !check_first_time(&s->reported, vm, t->key_a, t->key_b))
		return;
	if (bad_vector)
		check_report(c, r, r->severity, t->at, &t->index, 1,
			     "%s sends vector %u (%s): vectors 0-15 are the CPU's exceptions, a "
			     "LAPIC refuses them as interrupts (KVM delivers one anyway and the guest "
			     "takes it for an exception)",
			     t->what, t->vector, x86_delivery_mode_name(t->delivery));
	else
		check_report(c, r, r->severity, t->at, &t->index, 1,
			     "%s sends vector %u to APIC ID %u in physical mode, and the VM has "
			     "no vCPU with that id: no LAPIC accepts it and the interrupt is lost",
			     t->what, t->vector, t->dest);
}

static void check_msi(const struct check_ctx *c, const struct check_rule *r, void *state,
		      const struct msi_use *u)
{
	struct target t = { .at = u->at, .index = u->index, .key_a = u->msg.address,
			    .key_b = u->msg.data, .delivered = !u->routed };
	struct x86_msi m;

	x86_msi_decode(u->msg.address, u->msg.data, &m);
	t.vector = m.vector;
	t.delivery = m.delivery_mode;
	t.dest = m.dest_id;
	t.logical = m.dest_logical;
	if (u->routed)
		snprintf(t.what, sizeof(t.what), "%s for GSI %u", u->via, u->gsi);
	else
		snprintf(t.what, sizeof(t.what), "the MSI of %s (address 0x%" PRIx64 ", data 0x%x)",
			 u->via, u->msg.address, u->msg.data);
	check_target(c, r, state, &t);
}

static void check_entry(const struct check_ctx *c, const struct check_rule *r,
			struct unroutable *s, const struct kvmirq_event_header *h, uint32_t pin,
			uint64_t entry, bool delivered)
{
	struct target t = {
		.at = h, .index = c->index, .vector = entry & 0xff, .delivery = (entry >> 8) & 7,
		.dest = (uint32_t)(entry >> 56), .logical = entry & RTE_LOGICAL,
		.delivered = delivered, .key_a = IOAPIC_KEY | pin, .key_b = entry & RTE_ROUTE_BITS,
	};

	if (entry & RTE_MASKED)
		return;
	snprintf(t.what, sizeof(t.what), "IOAPIC pin %u's entry 0x%016" PRIx64 " (%s)", pin,
		 entry, delivered ? "kvm_ioapic_set_irq" : "KVM_SET_IRQCHIP");
	check_target(c, r, s, &t);
}

static void set_irqchip(const struct check_ctx *c, const struct check_rule *r,
			struct unroutable *s, const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	bool big = c->recon->snap.byte_order_big;

	if (io->ioctl_id != KVMIRQ_IOCTL_SET_IRQCHIP || io->ret != 0 ||
	    len < sizeof(*h) + sizeof(*io) + io->in_len ||
	    io->in_len < IOAPIC_REDIRTBL_AT + IOAPIC_PINS * 8 ||
	    load_u32(io->payload, big) != IOAPIC_CHIP_ID)
		return;
	for (uint32_t pin = 0; pin < IOAPIC_PINS; pin++)
		check_entry(c, r, s, h, pin, load_u64(io->payload + IOAPIC_REDIRTBL_AT + pin * 8, big),
			    false);
}

static void unroutable_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			     const struct kvmirq_event_header *h, size_t len)
{
	struct unroutable *s = state;

	msi_source_event(c, r, state, &s->tables, h, len, check_msi);
	if (!h->vm)
		return;
	if (h->kind == KVMIRQ_EV_IOAPIC_SET_IRQ &&
	    len >= sizeof(*h) + sizeof(struct kvmirq_ev_ioapic_set_irq)) {
		const struct kvmirq_ev_ioapic_set_irq *e = (const void *)(h + 1);

		check_entry(c, r, s, h, e->pin, e->entry, true);
	} else if (h->kind == KVMIRQ_EV_IOCTL && len >= sizeof(*h) + sizeof(struct kvmirq_ev_ioctl) &&
		   !(h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT))) {
		set_irqchip(c, r, s, h, len);
	}
}

static void unroutable_end(const struct check_ctx *c, const struct check_rule *r, void *state)
{
	struct unroutable *s = state;

	msi_source_end(c, r, state, &s->tables, check_msi);
}

static void unroutable_free(void *state)
{
	struct unroutable *s = state;

	check_seen_free(&s->reported);
	check_seen_free(&s->told_unknown);
}

const struct rule_ops rule_unroutable_vector = {
	.state_size = sizeof(struct unroutable),
	.event = unroutable_event,
	.end = unroutable_end,
	.free = unroutable_free,
};
