/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event replay applied last, kept whole (an ioctl with the continuation
 * records of its payload) and shown as report --timeline shows it: one line.
 */
#ifndef KVMIRQ_LAST_EVENT_H
#define KVMIRQ_LAST_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "chips/payload_format.h"
#include "registry/registry.h"

struct last_event {
	uint8_t *bytes; /* records, each after its length (8 bytes, aligned) */
	size_t len, cap;
};

void last_event_free(struct last_event *e);
/* Start over with REC (an event), or add a continuation record to it. */
void last_event_set(struct last_event *e, const void *rec, size_t len);
void last_event_continue(struct last_event *e, const void *rec, size_t len);
/* The timeline line, times from BASE_NS, without its newline ("" when none). */
void last_event_format(const struct last_event *e, const struct registry *r,
		       const struct payload_format *format, uint64_t base_ns, char *buf,
		       size_t buflen);

#endif
