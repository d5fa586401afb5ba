// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "codec/routing_entry.h"
#include "util/byte_order.h"

/* The union's irqchip (pin) and msi (address) members overlap at 16. */
void routing_entry_view(const uint8_t *e, bool big_endian, struct route_view *v)
{
	memset(v, 0, sizeof(*v));
	v->gsi = load_u32(e, big_endian);
	v->type = load_u32(e + 4, big_endian);
	v->flags = load_u32(e + 8, big_endian);
	v->irqchip = load_u32(e + 16, big_endian);
	v->pin = load_u32(e + 20, big_endian);
	v->address_lo = load_u32(e + 16, big_endian);
	v->address_hi = load_u32(e + 20, big_endian);
	v->data = load_u32(e + 24, big_endian);
	v->devid = load_u32(e + 28, big_endian);
}
