/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a ring-buffer record to an event every consumer can use: checked,
 * copied out of the ring, with kernel addresses replaced by registry ids.
 */
#ifndef KVMIRQ_NORMALIZE_H
#define KVMIRQ_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"
#include "registry/registry.h"

struct normalizer {
	struct registry *registry;
	uint8_t buf[KVMIRQ_RECORD_MAX + 64];
	char error[160];
};

void normalizer_init(struct normalizer *n, struct registry *registry);
/* 0 with *out (valid until the next call), or -EBADMSG for a malformed record. */
int normalize_record(struct normalizer *n, const void *rec, size_t len, const void **out,
		     size_t *outlen);

#endif
