/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event batches: how events are stored in a trace file. A batch is one
 * trace-file record holding many events, split into streams of like data
 * (kinds, header changes, times, fields, raw bytes) so that zlib finds the
 * repetition; each event is encoded against the one before it (times) or
 * the last one of its kind (fields). A batch decodes on its own.
 * docs/events.md describes the encoding.
 */
#ifndef KVMIRQ_BATCH_H
#define KVMIRQ_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"

#define BATCH_FORMAT 2
#define BATCH_TARGET_BYTES (60 * 1024)
#define BATCH_MAX_FIELDS 16

/* The streams of a batch, in their order in the batch. */
enum batch_stream {
	STREAM_KINDS,	/* u8 kind per event */
	STREAM_CHANGED, /* u8 mask of header fields that changed */
	STREAM_TIMES,	/* varint time deltas */
	STREAM_HEADER,	/* varints of the changed header fields */
	STREAM_FIELDS,	/* varint deltas of the body fields, per kind */
	STREAM_BYTES,	/* device names and payloads */
	NR_STREAMS,
};

/* What came before: times against the previous event, fields against the
 * previous event of the same kind. */
struct batch_state {
	uint64_t time; /* in time units */
	uint64_t vm;
	uint32_t pid, tid, cpu;
	int32_t vcpu_id;
	uint64_t fields[KVMIRQ_EV_KIND_MAX][BATCH_MAX_FIELDS];
};

struct byte_stream {
	uint8_t *buf;
	size_t len, cap;
};

struct batch_encoder {
	struct byte_stream streams[NR_STREAMS];
	struct byte_stream out; /* the finished batch */
	uint64_t time_unit_ns;	/* timestamps and durations are stored in these */
	uint32_t count;
	size_t len;		/* bytes in the streams so far */
	uint64_t last_timestamp_ns;
	struct batch_state prev;
};

/* TIME_UNIT_NS: 1 keeps nanoseconds; 1000 stores microseconds. */
void batch_encoder_init(struct batch_encoder *e, uint64_t time_unit_ns);
void batch_encoder_free(struct batch_encoder *e);
/* Append one checked event record; 0, -EINVAL or -ENOMEM. */
int batch_encoder_add(struct batch_encoder *e, const void *rec, size_t len);
/* The batch as stored: *buf (valid until the next add or reset) and *len. */
int batch_encoder_finish(struct batch_encoder *e, const uint8_t **buf, size_t *len);
/* Start a new batch (after the current one was written). */
void batch_encoder_reset(struct batch_encoder *e);

struct batch_decoder {
	struct {
		const uint8_t *p, *end;
	} s[NR_STREAMS];
	uint64_t time_unit_ns;
	uint32_t count, index;
	struct batch_state prev;
	char error[160];
};

/* Returns 0, or -EBADMSG (reason in d->error) for a batch that is not one. */
int batch_decoder_init(struct batch_decoder *d, const void *batch, size_t len);
/*
 * Decode the next event into OUT (room for KVMIRQ_RECORD_MAX bytes): returns
 * 1 with *outlen set, 0 at the end of the batch, or -EBADMSG with a reason
 * in d->error.
 */
int batch_decoder_next(struct batch_decoder *d, void *out, size_t *outlen);

#endif
