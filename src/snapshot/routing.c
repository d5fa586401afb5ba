// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "snapshot/routing.h"

#define IRQFD_DEASSIGN 1u
#define IRQFD_RESAMPLE 2u

void routing_free(struct vm_routing *r)
{
	free(r->entries);
	free(r->irqfds);
	r->entries = NULL;
	r->irqfds = NULL;
	r->nr_entries = r->nr_irqfds = 0;
}

int routing_set_table(struct vm_routing *r, const uint8_t *entries, size_t nr, uint64_t ns)
{
	uint8_t(*copy)[ROUTE_ENTRY_SIZE] = NULL;

	if (nr > ROUTING_MAX_ENTRIES)
		return -EINVAL;
	if (nr) {
		copy = malloc(nr * ROUTE_ENTRY_SIZE);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, entries, nr * ROUTE_ENTRY_SIZE);
	}
	free(r->entries);
	r->entries = copy;
	r->nr_entries = nr;
	r->table_known = true;
	r->table_ns = ns;
	return 0;
}

int routing_irqfd(struct vm_routing *r, int32_t eventfd, uint32_t gsi, uint32_t flags,
		  int32_t resamplefd, uint64_t ns)
{
	struct irqfd_binding *b;

	/* KVM matches a deassign by eventfd and GSI; an fd number names one binding */
	for (size_t i = 0; i < r->nr_irqfds; i++) {
		if (r->irqfds[i].eventfd != eventfd || r->irqfds[i].gsi != gsi)
			continue;
		memmove(&r->irqfds[i], &r->irqfds[i + 1], (r->nr_irqfds - i - 1) * sizeof(*b));
		r->nr_irqfds--;
		break;
	}
	if (flags & IRQFD_DEASSIGN)
		return 0;
	b = realloc(r->irqfds, (r->nr_irqfds + 1) * sizeof(*b));
	if (!b)
		return -ENOMEM;
	r->irqfds = b;
	b[r->nr_irqfds++] = (struct irqfd_binding){
		.eventfd = eventfd,
		.gsi = gsi,
		.flags = flags,
		.resamplefd = flags & IRQFD_RESAMPLE ? resamplefd : -1,
		.since_ns = ns,
	};
	return 0;
}

size_t routing_default_pins(const struct platform *p, uint32_t gsi, uint32_t nr_default,
			    struct route_view out[2])
{
	size_t n = 0;

	if (gsi >= nr_default)
		return 0;
	if (p->arch == CHIP_ARCH_ARM64) {
		out[0] = (struct route_view){ .gsi = gsi, .type = ROUTE_TYPE_IRQCHIP, .pin = gsi };
		return 1;
	}
	if (p->arch != CHIP_ARCH_X86)
		return 0;
	if (gsi < 16)
		out[n++] = (struct route_view){ .gsi = gsi, .type = ROUTE_TYPE_IRQCHIP,
						.irqchip = gsi < 8 ? 0 : 1, .pin = gsi % 8 };
	out[n++] = (struct route_view){ .gsi = gsi, .type = ROUTE_TYPE_IRQCHIP, .irqchip = 2,
					.pin = gsi };
	return n;
}

/* struct kvm_irq_routing_entry: gsi, type, flags, pad, then the union at 16. */
static struct msi_message entry_msi(const struct route_view *v)
{
	return (struct msi_message){
		.address = (uint64_t)v->address_hi << 32 | v->address_lo,
		.data = v->data,
		.devid = v->devid,
		.has_devid = v->flags & MSI_VALID_DEVID,
	};
}

static void msi_text(const struct route_view *v, const struct platform *p, char *buf, size_t len)
{
	struct msi_message m = entry_msi(v);
	int n = snprintf(buf, len, "msi ");

	if (n > 0 && (size_t)n < len)
		p->msi->route(&m, buf + n, len - (size_t)n);
}

void routing_entry_text(const struct route_view *v, const struct platform *p, char *buf,
			size_t len)
{
	switch (v->type) {
	case ROUTE_TYPE_IRQCHIP:
		if (p->arch == CHIP_ARCH_X86 && v->irqchip < 3) /* KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE, _IOAPIC */
			snprintf(buf, len, "%s pin %u",
				 (const char *const[]){ "pic-master", "pic-slave", "ioapic" }[v->irqchip],
				 v->pin);
		else if (p->arch == CHIP_ARCH_ARM64) /* the GIC: pin p is SPI p + 32 */
			snprintf(buf, len, "irqchip %u pin %u (SPI %u)", v->irqchip, v->pin,
				 arm_route_pin_intid(v->pin));
		else
			snprintf(buf, len, "irqchip %u pin %u", v->irqchip, v->pin);
		break;
	case ROUTE_TYPE_MSI:
		msi_text(v, p, buf, len);
		break;
	case 4:
		snprintf(buf, len, "hv-sint vcpu %u sint %u", v->irqchip, v->pin);
		break;
	default:
		snprintf(buf, len, "type %u", v->type);
	}
}
