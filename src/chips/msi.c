// SPDX-License-Identifier: GPL-2.0
/* MSIs of a platform kvmirq has no decoder for: the raw address and data say it all. */
#include <stdio.h>

#include "chips/msi.h"

static void raw_fields(const struct msi_message *m, struct kv_list *l)
{
	(void)m; /* the event's own address and data fields are all there is */
	(void)l;
}

static void raw_phrase(const struct msi_message *m, char *buf, size_t len)
{
	(void)m;
	snprintf(buf, len, "not decoded");
}

static void raw_route(const struct msi_message *m, char *buf, size_t len)
{
	snprintf(buf, len, "address=0x%016llx data=0x%x", (unsigned long long)m->address, m->data);
}

static void raw_cells(const struct msi_message *m, char *buf, size_t len)
{
	(void)m;
	snprintf(buf, len, "%s", "");
}

const struct msi_decoder msi_decoder_raw = {
	.name = "raw",
	.fields = raw_fields,
	.phrase = raw_phrase,
	.route = raw_route,
	.columns = "",
	.cells = raw_cells,
};
