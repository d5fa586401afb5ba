/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event batches: how events are stored in a trace file. A batch is one
 * trace-file record holding many events, each encoded against the one
 * before it (timestamp deltas, header fields only when they change, varint
 * fields), so a batch decodes on its own and zlib finds the rest.
 * docs/file-format.md describes the encoding.
 */
#ifndef KVMIRQ_BATCH_H
#define KVMIRQ_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"

#define BATCH_FORMAT 1
#define BATCH_TARGET_BYTES (60 * 1024)

/* What the previous event of the batch said; the encoding is relative to it. */
struct batch_state {
	uint64_t timestamp_ns;
	uint64_t vm;
	uint32_t pid, tid, cpu;
	int32_t vcpu_id;
};

struct batch_encoder {
	uint8_t *buf;
	size_t len, cap;
	uint32_t count;
	struct batch_state prev;
};

void batch_encoder_init(struct batch_encoder *e);
void batch_encoder_free(struct batch_encoder *e);
/* Append one checked event record; 0 or -ENOMEM. */
int batch_encoder_add(struct batch_encoder *e, const void *rec, size_t len);
/* Start a new batch (after the current one was written). */
void batch_encoder_reset(struct batch_encoder *e);

struct batch_decoder {
	const uint8_t *p, *end;
	uint32_t index;
	struct batch_state prev;
	char error[160];
};

/* Returns 0, or -EBADMSG for a batch of an unknown format. */
int batch_decoder_init(struct batch_decoder *d, const void *batch, size_t len);
/*
 * Decode the next event into OUT (room for KVMIRQ_RECORD_MAX bytes): returns
 * 1 with *outlen set, 0 at the end of the batch, or -EBADMSG with a reason
 * in d->error.
 */
int batch_decoder_next(struct batch_decoder *d, void *out, size_t *outlen);

#endif
