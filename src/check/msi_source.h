/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MSIs a recording shows a VM using or setting up, for the rules about
 * MSIs: a KVM_SIGNAL_MSI's message, a kvm_msi_set_irq's (every MSI KVM
 * delivers, by route or by signal), and each MSI entry of a table
 * KVM_SET_GSI_ROUTING set. A table is read from the reconstruction at the
 * next event, once its payload's continuations are in.
 */
#ifndef KVMIRQ_CHECK_MSI_SOURCE_H
#define KVMIRQ_CHECK_MSI_SOURCE_H

#include "check/rules.h"

struct msi_use {
	const struct kvmirq_event_header *at; /* the event that shows it */
	uint64_t index;			      /* its timeline index */
	const char *via;		      /* "KVM_SIGNAL_MSI", "a KVM_SET_GSI_ROUTING entry", ... */
	bool routed;			      /* from a routing entry: gsi is its GSI */
	uint32_t gsi;
	struct msi_message msg;
};

struct msi_tables {
	bool pending;			  /* a table was set and is not read yet */
	struct kvmirq_event_header at;	  /* its KVM_SET_GSI_ROUTING */
	uint64_t index;
};

typedef void (*msi_use_fn)(const struct check_ctx *c, const struct check_rule *r, void *state,
			   const struct msi_use *u);

/* The MSIs event H shows (and those of a table set just before it), to FN. */
void msi_source_event(const struct check_ctx *c, const struct check_rule *r, void *state,
		      struct msi_tables *t, const struct kvmirq_event_header *h, size_t len,
		      msi_use_fn fn);
/* The recording ended: a table set by its last ioctl. */
void msi_source_end(const struct check_ctx *c, const struct check_rule *r, void *state,
		    struct msi_tables *t, msi_use_fn fn);

#endif
