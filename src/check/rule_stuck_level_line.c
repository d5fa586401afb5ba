// SPDX-License-Identifier: GPL-2.0
/*
 * stuck-level-line: kvm_set_irq raised a GSI (level 1, per IRQ source id, as
 * KVM keeps line levels) and neither a kvm_set_irq lowering it nor a
 * kvm_ack_irq of one of its irqchip pins came within --stuck-after. A VM
 * whose vCPUs ran (or that existed before the recording, so may have run)
 * and then stopped for a save (its state read with no vCPU in KVM_RUN: a
 * migration's source) cannot acknowledge: a line up across such a stop is
 * not judged. A VM that never ran (a VMM that drives its irqchip alone) is.
 */
#include <stdlib.h>

#include "check/rules.h"

struct raised_line {
	uint32_t vm, gsi;
	int32_t source;
	uint64_t index;
	bool reported;
	bool paused; /* its VM was stopped for a save while it was up */
	struct kvmirq_event_header at; /* the raise */
};

struct stuck_lines {
	struct raised_line *lines;
	size_t nr;
};

#define MAX_ROUTES 8

/* Is GSI a line (routed to an irqchip pin)? Unknown routes: assume it is. */
static bool is_line(const struct check_ctx *c, uint32_t vm, uint32_t gsi)
{
	struct route_view routes[MAX_ROUTES];
	size_t nr;

	if (check_gsi_routes(c, vm, gsi, routes, MAX_ROUTES, &nr) == GSI_ROUTES_UNKNOWN)
		return true;
	for (size_t i = 0; i < nr; i++)
		if (routes[i].type == ROUTE_TYPE_IRQCHIP)
			return true;
	return false;
}

/* Does an ack of (CHIP, PIN) acknowledge GSI? Unknown routes: the pin of its number. */
static bool acks(const struct check_ctx *c, uint32_t vm, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	struct route_view routes[MAX_ROUTES];
	size_t nr;

	if (check_gsi_routes(c, vm, gsi, routes, MAX_ROUTES, &nr) == GSI_ROUTES_UNKNOWN)
		return pin == gsi;
	for (size_t i = 0; i < nr; i++)
		if (routes[i].type == ROUTE_TYPE_IRQCHIP && routes[i].irqchip == chip &&
		    routes[i].pin == pin)
			return true;
	return false;
}

static void drop(struct stuck_lines *s, size_t i)
{
	s->lines[i] = s->lines[--s->nr];
}

static void set_irq(const struct check_ctx *c, struct stuck_lines *s,
		    const struct kvmirq_event_header *h, const struct kvmirq_ev_set_irq *e)
{
	struct raised_line *l;

	for (size_t i = 0; i < s->nr; i++)
		if (s->lines[i].vm == h->vm && s->lines[i].gsi == e->gsi &&
		    s->lines[i].source == e->irq_source_id) {
			if (!e->level)
				drop(s, i);
			return; /* raised again: it was up already */
		}
	if (!e->level || !is_line(c, (uint32_t)h->vm, e->gsi))
		return;
	l = realloc(s->lines, (s->nr + 1) * sizeof(*l));
	if (!l)
		return;
	s->lines = l;
	s->lines[s->nr++] = (struct raised_line){
		.vm = (uint32_t)h->vm, .gsi = e->gsi, .source = e->irq_source_id,
		.index = c->index, .at = *h,
	};
}

static void ack_irq(const struct check_ctx *c, struct stuck_lines *s,
		    const struct kvmirq_event_header *h, const struct kvmirq_ev_ack_irq *e)
{
	for (size_t i = 0; i < s->nr;)
		if (s->lines[i].vm == h->vm && acks(c, (uint32_t)h->vm, s->lines[i].gsi, e->irqchip, e->pin))
			drop(s, i);
		else
			i++;
}

static void stuck_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			const struct kvmirq_event_header *h, size_t len)
{
	struct stuck_lines *s = state;

	/* the recording reached past the bound of a line still up: decided */
	for (size_t i = 0; i < s->nr; i++) {
		struct raised_line *l = &s->lines[i];
		const struct check_vm *v = check_vm(c, l->vm);

		l->paused |= v && (v->ran || !v->created) && v->in_sequence;
		/* Events of other CPUs arrive a little out of time order: one
		 * stamped before the raise is not past its bound. */
		if (l->reported || l->paused ||
		    h->timestamp_ns <= l->at.timestamp_ns + c->options->stuck_ns)
			continue;
		l->reported = true;
		check_report(c, r, r->severity, &l->at, &l->index, 1,
			     "GSI %u (IRQ source %d) was raised and neither lowered nor acknowledged "
			     "within %.3f s: a level-triggered line left high interrupts again at "
			     "once or hides later interrupts on its pin",
			     l->gsi, l->source, (double)c->options->stuck_ns / 1e9);
	}
	if (!h->vm)
		return;
	if (h->kind == KVMIRQ_EV_SET_IRQ && len >= sizeof(*h) + sizeof(struct kvmirq_ev_set_irq))
		set_irq(c, s, h, (const void *)(h + 1));
	else if (h->kind == KVMIRQ_EV_ACK_IRQ &&
		 len >= sizeof(*h) + sizeof(struct kvmirq_ev_ack_irq))
		ack_irq(c, s, h, (const void *)(h + 1));
}

static void stuck_free(void *state)
{
	free(((struct stuck_lines *)state)->lines);
}

const struct rule_ops rule_stuck_level_line = {
	.state_size = sizeof(struct stuck_lines),
	.event = stuck_event,
	.free = stuck_free,
};
