/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One event as a timeline line (text) or a JSON Lines object. Large ioctl
 * inputs that arrived in continuation records are reassembled first.
 */
#ifndef KVMIRQ_EVENT_PRINT_H
#define KVMIRQ_EVENT_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chips/payload_format.h"
#include "registry/registry.h"
#include "trace/key_frames.h"
#include "util/kv.h"

/* One decoded event, for a consumer other than the printer (kvmirq export). */
struct event_decoded {
	const struct kvmirq_event_header *h;
	const uint8_t *in; /* the whole input payload of an ioctl */
	size_t in_len;
	bool in_complete;
	bool key_frame; /* an ioctl of a key frame: kvmirq's own read */
	const struct kv_list *fields; /* as the timeline and JSON show them */
};

typedef void (*event_sink_fn)(void *ctx, const struct event_decoded *e);

struct event_printer {
	FILE *out;
	/* when set, decoded events go here instead of being printed */
	event_sink_fn sink;
	void *sink_ctx;
	bool json;
	uint64_t base_ns; /* timestamps are shown relative to this */
	const struct registry *registry;
	struct payload_format format; /* of the ioctl payloads, and whose MSIs */
	struct kv_list kv;
	/* the recording's key frames: their reads are marked as such */
	const struct key_frame *key_frames;
	size_t nr_key_frames;
	/* an ioctl waiting for its continuation records */
	uint8_t *pending;
	size_t pending_len;
	uint8_t *in;	  /* reassembled input payload */
	size_t in_len, in_cap;
};

void event_printer_init(struct event_printer *p, FILE *out, bool json, uint64_t base_ns,
			const struct registry *registry, const struct payload_format *format);
/* Print (or hold, until its payload is complete) one checked event. */
void event_printer_add(struct event_printer *p, const void *rec, size_t len);
/* Print what is held. */
void event_printer_flush(struct event_printer *p);
void event_printer_free(struct event_printer *p);

#endif
