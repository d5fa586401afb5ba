/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An MSI message and what it means on one platform. KVM carries every MSI
 * as an address/data pair (plus a device id where the platform needs one),
 * but each interrupt controller reads it its own way: on x86 the address
 * and data name a LAPIC and a vector, on the MPIC the data is a write to
 * MSIIR (which shared register, which bit), on arm64 the address is an
 * ITS doorbell and the data an event of the device the id names. The
 * platform table (platform.h) says which decoder a recording's MSIs take.
 */
#ifndef KVMIRQ_MSI_H
#define KVMIRQ_MSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kv_list;

#define MSI_VALID_DEVID 1u /* KVM_MSI_VALID_DEVID: the devid of a kvm_msi or route is set */

struct msi_message {
	uint64_t address; /* address_lo | address_hi << 32 */
	uint32_t data;
	uint32_t devid;
	bool has_devid;
};

/* One platform's reading of MSIs, for each place that shows one. */
struct msi_decoder {
	const char *name;
	/* named fields: the timeline (text and JSON), top's JSON */
	void (*fields)(const struct msi_message *m, struct kv_list *l);
	/* words for the report summary: "dest 0 physical vector 65 fixed edge" */
	void (*phrase)(const struct msi_message *m, char *buf, size_t len);
	/* a routing entry's target after "msi ": "dest=0x0 vector=0x41 ..." */
	void (*route)(const struct msi_message *m, char *buf, size_t len);
	/* top's MSI list: the column titles and one message's cells, same widths */
	const char *columns;
	void (*cells)(const struct msi_message *m, char *buf, size_t len);
	/* is the address one the platform's interrupt controllers take? NULL:
	 * the platform's KVM ignores it (the MPIC feeds only the data to MSIIR)
	 * or no decoder knows */
	bool (*valid_address)(const struct msi_message *m);
};

extern const struct msi_decoder msi_decoder_raw;  /* no decoder known: address and data */
extern const struct msi_decoder msi_decoder_x86;  /* x86_msi.c */
extern const struct msi_decoder msi_decoder_mpic; /* mpic_msi.c */
extern const struct msi_decoder msi_decoder_its;  /* arm_its_msi.c */

#endif
