// SPDX-License-Identifier: GPL-2.0
/*
 * eoi-never-injected (x86): a kvm_eoi of a vector that its vCPU's LAPIC
 * never accepted (kvm_apic_accept_irq) nor injected (kvm_inj_virq) in the
 * recording. Only vCPUs whose KVM_CREATE_VCPU is in the recording are
 * decided: any other may have taken the vector before the recording began.
 * A vector a KVM_SET_LAPIC put in service (its ISR bit) before the vCPU's
 * LAPIC took anything is a restore (a migration's destination carries the
 * source's in-service vectors) and is not decided either; one put there
 * after is stale state written into a live LAPIC, and is reported.
 */
#include <stdlib.h>

#include "check/rules.h"
#include "kvmirq/ioctls.h"
#include "registry/registry.h"
#include "util/byte_order.h"

#define LAPIC_ISR 0x100
#define VECTOR_WORDS 4 /* 256 vectors */

struct lapic_seen {
	uint32_t vm;
	int32_t vcpu;
	bool took_any;			/* accepted, injected or EOIed something */
	uint64_t delivered[VECTOR_WORDS];
	uint64_t restored[VECTOR_WORDS]; /* ISR bits of a KVM_SET_LAPIC before took_any */
	uint64_t planted[VECTOR_WORDS];	/* ISR bits of a KVM_SET_LAPIC after it */
	uint64_t planted_at;		/* that KVM_SET_LAPIC's index */
};

struct eoi_check {
	struct lapic_seen *lapics;
	size_t nr;
	struct check_seen told; /* VMs and vectors reported or said undecidable */
};

static bool has(const uint64_t *set, uint32_t v)
{
	return set[v / 64] >> (v % 64) & 1;
}

static void put(uint64_t *set, uint32_t v, bool on)
{
	if (on)
		set[v / 64] |= 1ull << (v % 64);
	else
		set[v / 64] &= ~(1ull << (v % 64));
}

static struct lapic_seen *lapic_of(struct eoi_check *s, uint32_t vm, int32_t vcpu)
{
	struct lapic_seen *l;

	for (size_t i = 0; i < s->nr; i++)
		if (s->lapics[i].vm == vm && s->lapics[i].vcpu == vcpu)
			return &s->lapics[i];
	l = realloc(s->lapics, (s->nr + 1) * sizeof(*l));
	if (!l)
		return NULL;
	s->lapics = l;
	l = &s->lapics[s->nr++];
	*l = (struct lapic_seen){ .vm = vm, .vcpu = vcpu };
	return l;
}

static void delivered(struct eoi_check *s, uint32_t vm, int32_t vcpu, uint32_t vector)
{
	struct lapic_seen *l = lapic_of(s, vm, vcpu);

	if (l && vector < 256) {
		put(l->delivered, vector, true);
		l->took_any = true;
	}
}

/* struct kvm_lapic_state: the ISR is 8 words at 0x100, one every 16 bytes. */
static void set_lapic(const struct check_ctx *c, struct eoi_check *s,
		      const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	const struct object_entry *o;
	struct lapic_seen *l;

	if (len < sizeof(*h) + sizeof(*io) || io->ioctl_id != KVMIRQ_IOCTL_SET_LAPIC || io->ret != 0 ||
	    len < sizeof(*h) + sizeof(*io) + io->in_len || io->in_len < LAPIC_ISR + 0x80 ||
	    (h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT)))
		return;
	o = registry_find_object(c->registry, (uint32_t)io->object);
	l = lapic_of(s, (uint32_t)h->vm, o && o->fd_kind == KVMIRQ_FD_VCPU ? o->vcpu_id : h->vcpu_id);
	if (!l)
		return;
	for (uint32_t v = 0; v < 256; v++) {
		bool in_service = load_u32(io->payload + LAPIC_ISR + v / 32 * 16,
					   c->recon->snap.byte_order_big) >> (v % 32) & 1;

		put(l->restored, v, in_service && !l->took_any);
		put(l->planted, v, in_service && l->took_any);
	}
	l->planted_at = c->index;
}

static void eoi(const struct check_ctx *c, const struct check_rule *r, struct eoi_check *s,
		const struct kvmirq_event_header *h, const struct kvmirq_ev_eoi *e)
{
	uint32_t vm = (uint32_t)h->vm;
	struct lapic_seen *l = lapic_of(s, vm, (int32_t)e->apicid);
	uint64_t events[2] = { c->index };

	if (!l || e->vector >= 256) /* -1: the guest wrote EOI with nothing in service */
		return;
	l->took_any = true;
	if (has(l->delivered, e->vector) || has(l->restored, e->vector))
		return;
	if (check_vm_vcpu(c, vm, e->apicid) != VCPU_PRESENT) {
		if (check_first_time(&s->told, vm, 1ull << 32, 0))
			check_report(c, r, CHECK_INFO, h, &c->index, 1,
				     "cannot be decided on this VM: its vCPU %u was created before the "
				     "recording began and may have taken any vector then", e->apicid);
		return;
	}
	if (!check_first_time(&s->told, vm, e->apicid, e->vector))
		return;
	if (has(l->planted, e->vector)) {
		events[1] = l->planted_at;
		check_report(c, r, r->severity, h, events, 2,
			     "vCPU %u EOIed vector %u, which KVM never delivered to it: a "
			     "KVM_SET_LAPIC put it in service after the LAPIC had taken interrupts "
			     "(stale state written into a live LAPIC); the guest's own interrupt "
			     "stays in service and blocks every vector at or below its priority",
			     e->apicid, e->vector);
	} else {
		check_report(c, r, r->severity, h, events, 1,
			     "vCPU %u EOIed vector %u, which its LAPIC never accepted nor had "
			     "injected since the vCPU was created: the in-service bit came from "
			     "nowhere the recording shows", e->apicid, e->vector);
	}
}

static void eoi_event(const struct check_ctx *c, const struct check_rule *r, void *state,
		      const struct kvmirq_event_header *h, size_t len)
{
	struct eoi_check *s = state;
	const void *body = h + 1;

	if (!h->vm)
		return;
	switch (h->kind) {
	case KVMIRQ_EV_APIC_ACCEPT_IRQ:
		if (len >= sizeof(*h) + sizeof(struct kvmirq_ev_apic_accept_irq))
			delivered(s, (uint32_t)h->vm,
				  (int32_t)((const struct kvmirq_ev_apic_accept_irq *)body)->apicid,
				  ((const struct kvmirq_ev_apic_accept_irq *)body)->vector);
		break;
	case KVMIRQ_EV_INJ_VIRQ:
		if (len >= sizeof(*h) + sizeof(struct kvmirq_ev_inj_virq))
			delivered(s, (uint32_t)h->vm, h->vcpu_id,
				  ((const struct kvmirq_ev_inj_virq *)body)->vector);
		break;
	case KVMIRQ_EV_EOI:
		if (len >= sizeof(*h) + sizeof(struct kvmirq_ev_eoi))
			eoi(c, r, s, h, body);
		break;
	case KVMIRQ_EV_IOCTL:
		set_lapic(c, s, h, len);
		break;
	default:
		break;
	}
}

static void eoi_free(void *state)
{
	struct eoi_check *s = state;

	free(s->lapics);
	check_seen_free(&s->told);
}

const struct rule_ops rule_eoi_never_injected = {
	.state_size = sizeof(struct eoi_check),
	.event = eoi_event,
	.free = eoi_free,
};
