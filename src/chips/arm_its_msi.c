// SPDX-License-Identifier: GPL-2.0
/*
 * MSIs on arm64: a write to an ITS's doorbell (GITS_TRANSLATER: the address
 * picks the ITS) of an event id (the data), on behalf of the device whose id
 * KVM_MSI_VALID_DEVID says is in devid; KVM refuses one without it
 * (vgic_its_inject_msi). The ITS's tables turn device and event into an LPI.
 */
#include <stdio.h>

#include "chips/msi.h"
#include "util/kv.h"

static void fields(const struct msi_message *m, struct kv_list *l)
{
	if (m->has_devid)
		kv_u64(l, "device", m->devid);
	else
		kv_str(l, "device", "none");
	kv_u64(l, "event", m->data);
}

static void phrase(const struct msi_message *m, char *buf, size_t len)
{
	if (m->has_devid)
		snprintf(buf, len, "device %u event %u", m->devid, m->data);
	else
		snprintf(buf, len, "no device id, event %u", m->data);
}

static void route(const struct msi_message *m, char *buf, size_t len)
{
	if (m->has_devid)
		snprintf(buf, len, "device=%u event=%u", m->devid, m->data);
	else
		snprintf(buf, len, "device=none event=%u", m->data);
}

static void cells(const struct msi_message *m, char *buf, size_t len)
{
	if (m->has_devid)
		snprintf(buf, len, "%6u %6u", m->devid, m->data);
	else
		snprintf(buf, len, "%6s %6u", "none", m->data);
}

const struct msi_decoder msi_decoder_its = {
	.name = "its",
	.fields = fields,
	.phrase = phrase,
	.route = route,
	.columns = "DEVICE  EVENT",
	.cells = cells,
};
