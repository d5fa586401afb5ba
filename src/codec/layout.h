/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of every event kind, field by field: name, place, width and
 * signedness. One table drives validation, the file encoding, and the
 * generic text and JSON output.
 */
#ifndef KVMIRQ_LAYOUT_H
#define KVMIRQ_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"

struct event_field {
	const char *name;
	uint16_t offset; /* within the body (after the header) */
	uint8_t size;	 /* 1, 2, 4 or 8 */
	bool is_signed;
	bool hex;	 /* shown in hex */
	bool is_duration; /* nanoseconds: stored in the recording's time unit */
};

struct event_layout {
	uint16_t body_size; /* fixed part, without any payload */
	uint8_t nr_fields;
	const struct event_field *fields;
};

extern const struct event_layout event_layouts[KVMIRQ_EV_KIND_MAX];

/* NULL for kinds this version does not know. Inline: every event asks, several times. */
static inline const struct event_layout *event_layout(unsigned int kind)
{
	if (kind >= KVMIRQ_EV_KIND_MAX || !event_layouts[kind].fields)
		return NULL;
	return &event_layouts[kind];
}

uint64_t event_field_get(const void *body, const struct event_field *f);
void event_field_set(void *body, const struct event_field *f, uint64_t value);

/* Body and payload of an ioctl record. */
static inline const struct kvmirq_ev_ioctl *event_ioctl(const struct kvmirq_event_header *h)
{
	return (const struct kvmirq_ev_ioctl *)(h + 1);
}

/*
 * Check a record as it arrives from the ring buffer or a decoder: a known
 * kind, sizes that agree, a payload inside the record. Returns 0 or -EBADMSG
 * with a reason in ERR.
 */
int event_record_check(const void *rec, size_t len, char *err, size_t errlen);

#endif
