// SPDX-License-Identifier: GPL-2.0
/*
 * MSIs on the Freescale MPIC. KVM feeds an MSI's data to MSIIR (its address
 * selects nothing: one bank): bits 31:29 (SRS) pick a shared MSI register,
 * bits 28:24 (IBS) the bit set in it, and source 224 + SRS goes up
 * (arch/powerpc/kvm/mpic.c, openpic_msi_write).
 */
#include <stdio.h>

#include "chips/msi.h"
#include "util/kv.h"

#define MSIIR_SRS_SHIFT 29
#define MSIIR_IBS_SHIFT 24
#define MSIIR_IBS_MASK 0x1fu
#define MPIC_FIRST_MSI_SOURCE 224

struct mpic_msi {
	unsigned msir, bit, source;
};

static struct mpic_msi decode(const struct msi_message *m)
{
	unsigned srs = m->data >> MSIIR_SRS_SHIFT;

	return (struct mpic_msi){
		.msir = srs,
		.bit = (m->data >> MSIIR_IBS_SHIFT) & MSIIR_IBS_MASK,
		.source = MPIC_FIRST_MSI_SOURCE + srs,
	};
}

static void fields(const struct msi_message *msg, struct kv_list *l)
{
	struct mpic_msi m = decode(msg);

	kv_u64(l, "msir", m.msir);
	kv_u64(l, "bit", m.bit);
	kv_u64(l, "source", m.source);
}

static void phrase(const struct msi_message *msg, char *buf, size_t len)
{
	struct mpic_msi m = decode(msg);

	snprintf(buf, len, "msir %u bit %u source %u", m.msir, m.bit, m.source);
}

static void route(const struct msi_message *msg, char *buf, size_t len)
{
	struct mpic_msi m = decode(msg);

	snprintf(buf, len, "msir=%u bit=%u source=%u", m.msir, m.bit, m.source);
}

static void cells(const struct msi_message *msg, char *buf, size_t len)
{
	struct mpic_msi m = decode(msg);

	snprintf(buf, len, "%4u %3u %4u", m.msir, m.bit, m.source);
}

const struct msi_decoder msi_decoder_mpic = {
	.name = "mpic",
	.fields = fields,
	.phrase = phrase,
	.route = route,
	.columns = "MSIR BIT  SRC",
	.cells = cells,
};
