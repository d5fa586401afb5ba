// SPDX-License-Identifier: GPL-2.0
/*
 * masked-pin-churn (x86): a line changing on a masked irqchip pin more than
 * --masked-rate times a second: an IOAPIC pin whose entry, as
 * kvm_ioapic_set_irq shows it, has the mask bit, or a PIC pin its IMR
 * (kvm_pic_set_irq) masks. Once per pin and burst, when the burst ends.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "check/rate.h"
#include "check/rules.h"

#define IOAPIC_MASKED (1ull << 16)

enum pin_chip { PIN_PIC_MASTER, PIN_PIC_SLAVE, PIN_IOAPIC };

static const char *const chip_names[] = {
	[PIN_PIC_MASTER] = "PIC master",
	[PIN_PIC_SLAVE] = "PIC slave",
	[PIN_IOAPIC] = "IOAPIC",
};

struct masked_pin {
	uint32_t vm, pin;
	enum pin_chip chip;
	struct rate_counter rate;
};

struct masked_churn {
	struct masked_pin *pins;
	size_t nr;
	size_t bursts; /* pins in a burst now */
};

static void report(const struct check_ctx *c, const struct check_rule *r, struct masked_pin *p)
{
	check_report(c, r, r->severity, &p->rate.at, &p->rate.index, 1,
		     "%s pin %u changed while masked at up to %" PRIu64 " times a second (over 1 s; "
		     "the limit is %" PRIu64 ") for %.3f s: the guest takes none of these "
		     "interrupts, a device model that ignores the mask burns CPU on each",
		     chip_names[p->chip], p->pin, p->rate.peak, c->options->masked_rate,
		     rate_burst_seconds(&p->rate));
}

static struct masked_pin *pin_of(struct masked_churn *s, uint32_t vm, enum pin_chip chip,
				 uint32_t pin)
{
	struct masked_pin *p;

	for (size_t i = 0; i < s->nr; i++)
		if (s->pins[i].vm == vm && s->pins[i].chip == chip && s->pins[i].pin == pin)
			return &s->pins[i];
	p = realloc(s->pins, (s->nr + 1) * sizeof(*p));
	if (!p)
		return NULL;
	s->pins = p;
	p = &s->pins[s->nr++];
	*p = (struct masked_pin){ .vm = vm, .chip = chip, .pin = pin };
	return p;
}

static void masked_change(const struct check_ctx *c, struct masked_churn *s,
			  const struct kvmirq_event_header *h, enum pin_chip chip, uint32_t pin)
{
	struct masked_pin *p = pin_of(s, (uint32_t)h->vm, chip, pin);

	if (p && rate_count(&p->rate, h, c->index, c->options->masked_rate))
		s->bursts++;
}

static void churn_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			const struct kvmirq_event_header *h, size_t len)
{
	struct masked_churn *s = state;

	for (size_t i = 0; s->bursts && i < s->nr; i++)
		if (rate_burst_over(&s->pins[i].rate, h->timestamp_ns, c->options->masked_rate)) {
			s->bursts--;
			report(c, r, &s->pins[i]);
		}
	if (!h->vm)
		return;
	if (h->kind == KVMIRQ_EV_IOAPIC_SET_IRQ &&
	    len >= sizeof(*h) + sizeof(struct kvmirq_ev_ioapic_set_irq)) {
		const struct kvmirq_ev_ioapic_set_irq *e = (const void *)(h + 1);

		if (e->entry & IOAPIC_MASKED)
			masked_change(c, s, h, PIN_IOAPIC, e->pin);
	} else if (h->kind == KVMIRQ_EV_PIC_SET_IRQ &&
		   len >= sizeof(*h) + sizeof(struct kvmirq_ev_pic_set_irq)) {
		const struct kvmirq_ev_pic_set_irq *e = (const void *)(h + 1);

		if (e->pin < 8 && (e->imr >> e->pin & 1))
			masked_change(c, s, h, e->chip ? PIN_PIC_SLAVE : PIN_PIC_MASTER, e->pin);
	}
}

/* A burst still on when the recording ends is reported with what it had. */
static void churn_end(const struct check_ctx *c, const struct check_rule *r, void *state)
{
	struct masked_churn *s = state;

	for (size_t i = 0; i < s->nr; i++)
		if (s->pins[i].rate.in_burst)
			report(c, r, &s->pins[i]);
}

static void churn_free(void *state)
{
	free(((struct masked_churn *)state)->pins);
}

const struct rule_ops rule_masked_pin_churn = {
	.state_size = sizeof(struct masked_churn),
	.event = churn_event,
	.end = churn_end,
	.free = churn_free,
};
