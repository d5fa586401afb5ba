// SPDX-License-Identifier: GPL-2.0
/*
 * interrupt-storm: one source injecting into a VM more than --storm-rate
 * times a second: a GSI raised (kvm_set_irq, level 1), an arm64 line raised
 * (kvm_irq_line of KVM_IRQ_LINE, level 1: "SPI 40"), an MSI (one address
 * and data, kvm_msi_set_irq), a vector accepted by one vCPU's LAPIC
 * (kvm_apic_accept_irq). One storm shows at each level it passes, so a
 * burst is reported at the first of them: an MSI's while its GSI storms is
 * not, nor a vector's while a GSI or MSI of its VM storms. Once per burst,
 * when it ends, with the peak rate.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "check/rate.h"
#include "check/rules.h"
#include "chips/arm_irq.h"

/* In the order a storm passes them: the first in a burst names it. */
enum storm_source { STORM_GSI, STORM_ARM_LINE, STORM_MSI, STORM_VECTOR };

struct storm_key {
	uint32_t vm;
	enum storm_source source;
	uint64_t a;  /* GSI; the KVM_IRQ_LINE irq word; MSI address; vCPU */
	uint32_t b;  /* MSI data; vector */
	bool quiet;  /* this burst is another source's storm seen further on */
	struct rate_counter rate;
};

struct storms {
	struct storm_key *keys;
	size_t nr;
	size_t bursts;
};

static void report(const struct check_ctx *c, const struct check_rule *r, const struct storm_key *k)
{
	char what[96], line[64];
	struct arm_irq_line l;

	switch (k->source) {
	case STORM_GSI: snprintf(what, sizeof(what), "GSI %" PRIu64 " was raised", k->a); break;
	case STORM_ARM_LINE:
		arm_irq_line_split((uint32_t)k->a, &l);
		snprintf(what, sizeof(what), "%s was raised",
			 arm_irq_line_text(&l, line, sizeof(line)));
		break;
	case STORM_MSI:
		snprintf(what, sizeof(what), "the MSI address 0x%" PRIx64 " data 0x%x was sent",
			 k->a, k->b);
		break;
	case STORM_VECTOR:
		snprintf(what, sizeof(what), "vector %u was accepted by vCPU %" PRIu64, k->b, k->a);
		break;
	}
	check_report(c, r, r->severity, &k->rate.at, &k->rate.index, 1,
		     "%s up to %" PRIu64 " times a second (over 1 s; the limit is %" PRIu64
		     ") for %.3f s: an interrupt storm starves the guest's vCPUs and the VMM",
		     what, k->rate.peak, c->options->storm_rate, rate_burst_seconds(&k->rate));
}

static struct storm_key *key_of(struct storms *s, uint32_t vm, enum storm_source source,
				uint64_t a, uint32_t b)
{
	struct storm_key *k;

	for (size_t i = 0; i < s->nr; i++)
		if (s->keys[i].vm == vm && s->keys[i].source == source && s->keys[i].a == a &&
		    s->keys[i].b == b)
			return &s->keys[i];
	k = realloc(s->keys, (s->nr + 1) * sizeof(*k));
	if (!k)
		return NULL;
	s->keys = k;
	k = &s->keys[s->nr++];
	*k = (struct storm_key){ .vm = vm, .source = source, .a = a, .b = b };
	return k;
}

/* Is a source before SOURCE storming in VM now? */
static bool storm_upstream(const struct storms *s, uint32_t vm, enum storm_source source)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->keys[i].vm == vm && s->keys[i].source < source && s->keys[i].rate.in_burst)
			return true;
	return false;
}

static void inject(const struct check_ctx *c, struct storms *s, const struct kvmirq_event_header *h,
		   enum storm_source source, uint64_t a, uint32_t b)
{
	struct storm_key *k = key_of(s, (uint32_t)h->vm, source, a, b);

	if (!k || !rate_count(&k->rate, h, c->index, c->options->storm_rate))
		return;
	s->bursts++;
	k->quiet = storm_upstream(s, k->vm, source);
}

static void storm_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			const struct kvmirq_event_header *h, size_t len)
{
	struct storms *s = state;
	const void *body = h + 1;

	for (size_t i = 0; s->bursts && i < s->nr; i++)
		if (rate_burst_over(&s->keys[i].rate, h->timestamp_ns, c->options->storm_rate)) {
			s->bursts--;
			if (!s->keys[i].quiet)
				report(c, r, &s->keys[i]);
		}
	if (!h->vm)
		return;
	if (h->kind == KVMIRQ_EV_SET_IRQ && len >= sizeof(*h) + sizeof(struct kvmirq_ev_set_irq)) {
		const struct kvmirq_ev_set_irq *e = body;

		if (e->level)
			inject(c, s, h, STORM_GSI, e->gsi, 0);
	} else if (h->kind == KVMIRQ_EV_ARM_IRQ_LINE &&
		   len >= sizeof(*h) + sizeof(struct kvmirq_ev_arm_irq_line)) {
		const struct kvmirq_ev_arm_irq_line *e = body;
		const struct arm_irq_line l = { .type = e->type, .vcpu = (unsigned)e->vcpu_idx,
						.num = (unsigned)e->irq_num };

		if (e->level)
			inject(c, s, h, STORM_ARM_LINE, arm_irq_line_join(&l), 0);
	} else if (h->kind == KVMIRQ_EV_MSI_SET_IRQ &&
		   len >= sizeof(*h) + sizeof(struct kvmirq_ev_msi_set_irq)) {
		const struct kvmirq_ev_msi_set_irq *e = body;

		inject(c, s, h, STORM_MSI, e->address, (uint32_t)e->data);
	} else if (h->kind == KVMIRQ_EV_APIC_ACCEPT_IRQ &&
		   len >= sizeof(*h) + sizeof(struct kvmirq_ev_apic_accept_irq)) {
		const struct kvmirq_ev_apic_accept_irq *e = body;

		inject(c, s, h, STORM_VECTOR, e->apicid, e->vector);
	}
}

static void storm_end(const struct check_ctx *c, const struct check_rule *r, void *state)
{
	struct storms *s = state;

	for (size_t i = 0; i < s->nr; i++)
		if (s->keys[i].rate.in_burst && !s->keys[i].quiet)
			report(c, r, &s->keys[i]);
}

static void storm_free(void *state)
{
	free(((struct storms *)state)->keys);
}

const struct rule_ops rule_interrupt_storm = {
	.state_size = sizeof(struct storms),
	.event = storm_event,
	.end = storm_end,
	.free = storm_free,
};
