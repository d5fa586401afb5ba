// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/models.h"
#include "top/line_route.h"

#define IRQCHIP_IOAPIC	2  /* KVM_IRQCHIP_IOAPIC; 0 and 1 are the two PICs */
#define X86_PIC_GSIS	16 /* KVM's default routing: GSIs 0-15 reach a PIC and the IOAPIC */
#define X86_IOAPIC_PINS 24

static void append(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", what);
}

/* One routing entry as a short target: "ioapic 9", "pic-slave 1", "SPI 40", "msi". */
static void entry_target(const struct route_view *v, enum chip_arch arch, char *buf, size_t len)
{
	static const char *const x86_chips[] = { "pic", "pic-slave", "ioapic" };
	bool x86 = arch == CHIP_ARCH_X86;

	if (v->type == ROUTE_TYPE_IRQCHIP && x86 && v->irqchip <= IRQCHIP_IOAPIC)
		snprintf(buf, len, "%s %u", x86_chips[v->irqchip], v->pin);
	else if (v->type == ROUTE_TYPE_IRQCHIP && arch == CHIP_ARCH_ARM64)
		snprintf(buf, len, "SPI %u", arm_route_pin_intid(v->pin));
	else if (v->type == ROUTE_TYPE_IRQCHIP)
		snprintf(buf, len, "chip%u %u", v->irqchip, v->pin);
	else if (v->type == ROUTE_TYPE_MSI)
		snprintf(buf, len, "msi");
	else if (v->type == 4)
		snprintf(buf, len, "hv-sint");
	else
		snprintf(buf, len, "type %u", v->type);
}

/* The route text, and the IOAPIC pin the GSI reaches (-1: none). */
static int route_text(const struct snapshot *s, bool default_routing, struct top_line *l)
{
	const struct vm_routing *r = snapshot_find_routing(s, l->vm);
	bool x86 = snapshot_platform(s)->arch == CHIP_ARCH_X86;
	char target[32];
	int pin = -1;

	l->route[0] = '\0';
	if (r && r->table_known) {
		for (size_t i = 0; i < r->nr_entries; i++) {
			struct route_view v;

			routing_entry_view(r->entries[i], s->byte_order_big, &v);
			if (v.gsi != l->gsi)
				continue;
			entry_target(&v, snapshot_platform(s)->arch, target, sizeof(target));
			append(l->route, sizeof(l->route), target);
			if (x86 && v.type == ROUTE_TYPE_IRQCHIP && v.irqchip == IRQCHIP_IOAPIC)
				pin = (int)v.pin;
		}
		if (!l->route[0])
			snprintf(l->route, sizeof(l->route), "none");
		return pin;
	}
	if (!default_routing || !x86)
		return -1; /* unknown */
	if (l->gsi >= X86_IOAPIC_PINS) {
		snprintf(l->route, sizeof(l->route), "none");
		return -1;
	}
	snprintf(l->route, sizeof(l->route), "ioapic %u", l->gsi);
	if (l->gsi < X86_PIC_GSIS) {
		snprintf(target, sizeof(target), "%s %u", l->gsi < 8 ? "pic" : "pic-slave",
			 l->gsi % 8);
		append(l->route, sizeof(l->route), target);
	}
	return (int)l->gsi;
}

struct pin_ctx {
	unsigned pin;
	int trigger, masked;
};

static int pin_value(void *ctx, const struct chip_value *v)
{
	struct pin_ctx *p = ctx;

	if (!v->field || v->element != p->pin || strcmp(v->reg->name, "redir") || !v->known)
		return 0;
	if (!strcmp(v->field->name, "trigger"))
		p->trigger = (int)v->value;
	else if (!strcmp(v->field->name, "masked"))
		p->masked = (int)v->value;
	return 0;
}

struct gic_ctx {
	int32_t intid;
	int trigger, masked;
};

/* The INTID's trigger (ICFGR: 2 edge, 0 level) and enable (ISENABLER) bits. */
static int gic_value(void *ctx, const struct chip_value *v)
{
	struct gic_ctx *g = ctx;

	if (v->irq != g->intid || !v->known || !v->field)
		return 0;
	if (!strcmp(v->field->name, "trigger"))
		g->trigger = v->value ? 0 : 1;
	else if (!strcmp(v->field->name, "enabled") && !(v->reg->flags & CHIP_WRITE_ONLY))
		g->masked = !v->value;
	return 0;
}

void top_arm_line(const struct snapshot *s, struct top_line *l)
{
	struct arm_irq_line line;
	struct gic_ctx g = { .trigger = -1, .masked = -1 };

	arm_irq_line_split(l->gsi, &line);
	arm_irq_line_text(&line, l->line, sizeof(l->line));
	snprintf(l->route, sizeof(l->route), "gic");
	g.intid = (int32_t)line.num;
	for (size_t i = 0; s && line.type != ARM_IRQ_TYPE_CPU && i < s->nr_chips; i++) {
		const struct chip_state *c = &s->chips[i];

		if (c->vm != l->vm)
			continue;
		if ((line.type == ARM_IRQ_TYPE_SPI && c->model == &chip_model_gicv3_dist) ||
		    (line.type == ARM_IRQ_TYPE_PPI && c->model == &chip_model_gicv3_redist &&
		     c->index == (int32_t)line.vcpu))
			chip_decode(c, gic_value, &g);
	}
	l->trigger = g.trigger;
	l->masked = g.masked;
}

void top_line_route(const struct snapshot *s, bool default_routing, struct top_line *l)
{
	int pin = route_text(s, default_routing, l);
	struct pin_ctx p = { .trigger = -1, .masked = -1 };

	l->trigger = l->masked = -1;
	if (pin < 0)
		return;
	p.pin = (unsigned)pin;
	for (size_t i = 0; i < s->nr_chips; i++)
		if (s->chips[i].model == &chip_model_x86_ioapic && s->chips[i].vm == l->vm)
			chip_decode(&s->chips[i], pin_value, &p);
	l->trigger = p.trigger;
	l->masked = p.masked;
}
