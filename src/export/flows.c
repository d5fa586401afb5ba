// SPDX-License-Identifier: GPL-2.0
/*
 * How events chain, after what KVM does (and what kvmirq check's rules
 * already rely on, e.g. eoi-never-injected: an EOI is of a vector its
 * vCPU's LAPIC accepted or had injected):
 *  - a source starts a chain: a line change (kvm_set_irq, arm64's
 *    kvm_irq_line and timer), an MSI (kvm_msi_set_irq), an IPI;
 *  - what KVM does synchronously for it follows on the same thread: the
 *    IOAPIC's or PIC's pin, the LAPIC's acceptance, the VGIC's pending
 *    bit, a BookE vCPU's queued exception; the thread's chain ends with its
 *    ioctl, a new source, an injection, EOI or acknowledgement on the
 *    thread (its vCPU back at its guest), or a millisecond without a step;
 *  - an acceptance (vCPU, vector) leads to that vCPU's injection of the
 *    vector, and either to its EOI; an EOI of a level line is acknowledged
 *    to its pin (kvm_ack_irq), which ends the chain of that line.
 * An acceptance or a pin with no source on its thread (a LAPIC timer, a
 * vCPU's own interrupt) starts a chain of its own.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/platform.h"
#include "export/flows.h"
#include "kvmirq/event.h"
#include "trace/trace_in.h"

#define THREAD_CHAIN_GAP_NS 1000000 /* a thread's chain ends after 1 ms idle */

struct chain {
	uint64_t first, last; /* record indices */
	uint32_t id;	      /* 0 until a second event joins */
};

/* A small map from a key to a chain: the keys in use stay few (threads,
 * vCPU × vector, lines), each replaced when it comes again. */
struct link {
	uint64_t a, b; /* the key */
	size_t chain;
	uint64_t ts;
};

struct links {
	struct link *v;
	size_t n, cap;
};

struct scan {
	struct export_flows *f;
	struct chain *chains;
	size_t nr_chains, cap_chains;
	struct links thread;	 /* (vm, tid) → the chain its current source started */
	struct links accepted;	 /* (vm, vcpu << 32 | vector) → chain, until injected */
	struct links in_service; /* (vm, vcpu << 32 | vector) → chain, until EOI */
	struct links line;	 /* (vm, pin or INTID) → chain of the line raised last */
	bool arm;		 /* kvm_ack_irq's pin is SPI pin + 32 */
	bool failed;
};

static struct link *links_find(struct links *l, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].a == a && l->v[i].b == b)
			return &l->v[i];
	return NULL;
}

static void links_put(struct scan *s, struct links *l, uint64_t a, uint64_t b, size_t chain,
		      uint64_t ts)
{
	struct link *k = links_find(l, a, b);

	if (!k) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 64;
			struct link *v = realloc(l->v, cap * sizeof(*v));

			if (!v) {
				s->failed = true;
				return;
			}
			l->v = v;
			l->cap = cap;
		}
		k = &l->v[l->n++];
	}
	*k = (struct link){ .a = a, .b = b, .chain = chain, .ts = ts };
}

static void links_drop(struct links *l, struct link *k)
{
	*k = l->v[--l->n];
}

static bool mark_room(struct scan *s, uint64_t index)
{
	struct export_flows *f = s->f;

	if (index < f->cap_marks)
		return true;
	size_t cap = f->cap_marks ? f->cap_marks * 2 : 4096;
	while (cap <= index)
		cap *= 2;
	struct flow_mark *m = realloc(f->marks, cap * sizeof(*m));

	if (!m) {
		s->failed = true;
		return false;
	}
	memset(m + f->cap_marks, 0, (cap - f->cap_marks) * sizeof(*m));
	f->marks = m;
	f->cap_marks = cap;
	return true;
}

static size_t chain_new(struct scan *s, uint64_t index)
{
	if (s->nr_chains == s->cap_chains) {
		size_t cap = s->cap_chains ? s->cap_chains * 2 : 1024;
		struct chain *c = realloc(s->chains, cap * sizeof(*c));

		if (!c) {
			s->failed = true;
			return SIZE_MAX;
		}
		s->chains = c;
		s->cap_chains = cap;
	}
	s->chains[s->nr_chains] = (struct chain){ .first = index, .last = index };
	return s->nr_chains++;
}

/* Event INDEX comes next in chain C: the previous last becomes a step. */
static void chain_join(struct scan *s, size_t c, uint64_t index)
{
	struct chain *ch = &s->chains[c];
	struct export_flows *f = s->f;

	if (ch->last == index || !mark_room(s, index))
		return;
	if (!ch->id) {
		ch->id = ++f->nr_flows;
		f->marks[ch->first] = (struct flow_mark){ .id = ch->id, .role = FLOW_START };
	} else if (ch->last != ch->first) {
		f->marks[ch->last].role = FLOW_STEP;
	}
	f->marks[index] = (struct flow_mark){ .id = ch->id, .role = FLOW_END };
	ch->last = index;
}

/* The chain the thread's source started, if still running; else a new one. */
static size_t thread_chain(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
			   bool may_start)
{
	struct link *k = links_find(&s->thread, h->vm, h->tid);
	size_t c;

	if (k && h->timestamp_ns - k->ts <= THREAD_CHAIN_GAP_NS) {
		k->ts = h->timestamp_ns;
		chain_join(s, k->chain, index);
		return k->chain;
	}
	if (!may_start)
		return SIZE_MAX;
	c = chain_new(s, index);
	if (c != SIZE_MAX)
		links_put(s, &s->thread, h->vm, h->tid, c, h->timestamp_ns);
	return c;
}

static void source(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
		   bool is_line, uint64_t line)
{
	size_t c = chain_new(s, index);

	if (c == SIZE_MAX)
		return;
	links_put(s, &s->thread, h->vm, h->tid, c, h->timestamp_ns);
	if (is_line)
		links_put(s, &s->line, h->vm, line, c, h->timestamp_ns);
}

static uint64_t vector_key(uint32_t vcpu, uint32_t vector)
{
	return (uint64_t)vcpu << 32 | vector;
}

/* An acceptance, or an EOI: by vCPU and vector. */
static void accepted(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
		     uint32_t vcpu, uint32_t vector)
{
	size_t c = thread_chain(s, h, index, true);

	if (c != SIZE_MAX)
		links_put(s, &s->accepted, h->vm, vector_key(vcpu, vector), c, h->timestamp_ns);
}

static void injected(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
		     uint32_t vector)
{
	struct link *k = links_find(&s->accepted, h->vm, vector_key((uint32_t)h->vcpu_id, vector));
	size_t c;

	if (!k)
		return;
	c = k->chain;
	links_drop(&s->accepted, k);
	chain_join(s, c, index);
	links_put(s, &s->in_service, h->vm, vector_key((uint32_t)h->vcpu_id, vector), c,
		  h->timestamp_ns);
}

static void eoi(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
		const struct kvmirq_ev_eoi *e)
{
	uint64_t key = vector_key(e->apicid, e->vector);
	struct links *l = &s->in_service;
	struct link *k = links_find(l, h->vm, key);

	if (!k) { /* its injection was not recorded */
		l = &s->accepted;
		k = links_find(l, h->vm, key);
	}
	if (!k)
		return;
	chain_join(s, k->chain, index);
	links_drop(l, k);
}

static void acked(struct scan *s, const struct kvmirq_event_header *h, uint64_t index,
		  const struct kvmirq_ev_ack_irq *a)
{
	uint64_t line = s->arm ? arm_route_pin_intid(a->pin) : a->pin;
	struct link *k = links_find(&s->line, h->vm, line);

	if (!k)
		return;
	chain_join(s, k->chain, index);
	links_drop(&s->line, k);
}

static void scan_event(struct scan *s, const struct kvmirq_event_header *h, uint64_t index)
{
	const void *body = h + 1;

	switch (h->kind) {
	case KVMIRQ_EV_SET_IRQ: {
		const struct kvmirq_ev_set_irq *e = body;

		source(s, h, index, e->level, e->gsi);
		break;
	}
	case KVMIRQ_EV_ARM_IRQ_LINE: {
		const struct kvmirq_ev_arm_irq_line *e = body;

		source(s, h, index, e->level && e->type == ARM_IRQ_TYPE_SPI, (uint32_t)e->irq_num);
		break;
	}
	case KVMIRQ_EV_ARM_TIMER_UPDATE:
	case KVMIRQ_EV_MSI_SET_IRQ:
	case KVMIRQ_EV_APIC_IPI:
		source(s, h, index, false, 0);
		break;
	case KVMIRQ_EV_IOAPIC_SET_IRQ:
	case KVMIRQ_EV_PIC_SET_IRQ:
	case KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO:
		thread_chain(s, h, index, true);
		break;
	case KVMIRQ_EV_VGIC_UPDATE_PENDING: {
		const struct kvmirq_ev_vgic_update_pending *e = body;
		size_t c = thread_chain(s, h, index, true);

		if (c != SIZE_MAX && e->level && !links_find(&s->line, h->vm, e->irq))
			links_put(s, &s->line, h->vm, e->irq, c, h->timestamp_ns);
		break;
	}
	case KVMIRQ_EV_APIC_ACCEPT_IRQ: {
		const struct kvmirq_ev_apic_accept_irq *e = body;

		accepted(s, h, index, e->apicid, e->vector);
		break;
	}
	case KVMIRQ_EV_INJ_VIRQ:
		if (h->vcpu_id >= 0)
			injected(s, h, index, ((const struct kvmirq_ev_inj_virq *)body)->vector);
		break;
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI:
		eoi(s, h, index, body);
		break;
	case KVMIRQ_EV_ACK_IRQ:
		acked(s, h, index, body);
		break;
	default:
		break;
	}
	/* The ioctl that raised the thread's source has returned, or the vCPU
	 * thread has moved on to its guest: what follows is another interrupt's. */
	if (h->kind == KVMIRQ_EV_IOCTL || h->kind == KVMIRQ_EV_INJ_VIRQ || h->kind == KVMIRQ_EV_EOI ||
	    h->kind == KVMIRQ_EV_PV_EOI || h->kind == KVMIRQ_EV_ACK_IRQ) {
		struct link *k = links_find(&s->thread, h->vm, h->tid);

		if (k)
			links_drop(&s->thread, k);
	}
}

int export_flows_scan(struct trace_in *t, struct export_flows *f)
{
	struct scan s = { .f = f, .arm = t->format.platform->arch == CHIP_ARCH_ARM64 };
	uint64_t index = 0;
	const void *rec;
	size_t len;
	int ret;

	memset(f, 0, sizeof(*f));
	while ((ret = trace_in_next(t, &rec, &len)) > 0 && !s.failed)
		scan_event(&s, rec, index++);
	free(s.chains);
	free(s.thread.v);
	free(s.accepted.v);
	free(s.in_service.v);
	free(s.line.v);
	if (s.failed) {
		snprintf(t->error, sizeof(t->error), "out of memory linking flows");
		return -ENOMEM;
	}
	return ret < 0 ? ret : 0;
}

struct flow_mark export_flow_mark(const struct export_flows *f, uint64_t index)
{
	return index < f->cap_marks ? f->marks[index] : (struct flow_mark){ 0 };
}

void export_flows_free(struct export_flows *f)
{
	free(f->marks);
	memset(f, 0, sizeof(*f));
}
