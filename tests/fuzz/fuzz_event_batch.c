/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer harness for the event layer above the container: the event-batch
 * decoder (src/codec/batch.c), event_record_check() (src/codec/layout.c) and
 * what `kvmirq report` does with decoded events (src/report: summary, text
 * and JSON timelines, IOCTL_PAYLOAD reassembly).
 *
 * The input is one batch, i.e. one trace-file record. Properties checked:
 *  - batch_decoder_init() rejects a wrong format byte with a message; the
 *    harness then forces the first byte to BATCH_FORMAT and goes on;
 *  - batch_decoder_next() ends (0) or fails (-EBADMSG with a message), and
 *    every record it returns fits KVMIRQ_RECORD_MAX and passes
 *    event_record_check();
 *  - every decoded record goes through summary_add() and two event printers
 *    (text and JSON); every JSON line written is well-formed; the payloads
 *    are read as a big-endian 32-bit PowerPC recording's when the input's
 *    last byte is odd, else as an x86_64 one's;
 *  - round trip: the decoded events re-encoded with batch_encoder_add()
 *    decode to the same bytes;
 *  - the input taken as one raw ring-buffer record: if event_record_check()
 *    accepts it, the report code must handle it too (it promises to handle
 *    any "checked event").
 *
 * Build (see tests/fuzz/run-fuzz.sh, which does this):
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc -Ibuild \
 *         -D_GNU_SOURCE -DKVMIRQ_VERSION='"x"' tests/fuzz/fuzz_event_batch.c \
 *         src/{chips,codec,model,report,trace,tracefile,util}/[a-z]*.c -lz
 * Without libFuzzer, link tests/fuzz/fuzz_driver_main.c to replay a corpus.
 * Seeds: tests/fuzz/corpus/event_batch (tests/fuzz/gen_event_corpus.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/batch.h"
#include "fuzz_report_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_VMS 8

/* The recording host the input's payloads are read as (both byte orders). */
static const struct payload_format *fuzz_format(const uint8_t *data, size_t size)
{
	static struct payload_format ppc, x86;

	ppc = (struct payload_format){ platform_by_machine("ppc"), true, 4 };
	x86 = (struct payload_format){ platform_by_machine("x86_64"), false, 8 };
	return size && data[size - 1] & 1 ? &ppc : &x86;
}

/*
 * A registry like one loaded from a file: VMs 1..6 of the summary's 8 (so
 * that some VM ids have no entry), vCPU and device objects, no processes.
 */
static const struct registry *fuzz_registry(void)
{
	static struct registry r;
	static bool ready;

	if (ready)
		return &r;
	registry_init(&r);
	for (unsigned int i = 1; i <= 6; i++) {
		registry_vm_id(&r, 0x1000 * i, 100 + i, i);
		registry_object_id(&r, 0x2000 * i, i, KVMIRQ_FD_VCPU, (int32_t)i - 1, NULL);
		registry_object_id(&r, 0x3000 * i, i, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				   i & 1 ? "kvm-vfio" : "");
		registry_object_id(&r, 0x4000 * i, i, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, NULL);
	}
	ready = true;
	return &r;
}

/*
 * The decoded events of one batch with their lengths, each at an 8-byte
 * aligned offset: records are structs (the ring buffer and the decoders hand
 * them out aligned), and the encoder reads them as such.
 */
struct events {
	uint8_t *buf;
	size_t len, cap;
	size_t *lens, *offs;
	size_t n, ncap;
};

static void events_add(struct events *e, const void *rec, size_t len)
{
	size_t off = (e->len + 7) & ~(size_t)7;

	if (off + len > e->cap) {
		e->cap = (off + len) * 2;
		e->buf = realloc(e->buf, e->cap);
		FUZZ_CHECK(e->buf != NULL);
	}
	if (e->n == e->ncap) {
		e->ncap = e->ncap ? e->ncap * 2 : 64;
		e->lens = realloc(e->lens, e->ncap * sizeof(*e->lens));
		e->offs = realloc(e->offs, e->ncap * sizeof(*e->offs));
		FUZZ_CHECK(e->lens && e->offs);
	}
	memcpy(e->buf + off, rec, len);
	e->len = off + len;
	e->offs[e->n] = off;
	e->lens[e->n++] = len;
}

static void events_free(struct events *e)
{
	free(e->buf);
	free(e->lens);
	free(e->offs);
}

/* Decode a whole batch; every event is checked and kept. Returns the decoder's result. */
static int decode_all(const uint8_t *batch, size_t len, struct events *out, uint8_t *rec,
		      struct report_sink *sink)
{
	struct batch_decoder d;
	char why[160];
	size_t n;
	int ret;

	if (batch_decoder_init(&d, batch, len)) {
		FUZZ_CHECK(d.error[0] != '\0'); /* not a batch: refused with a reason */
		return -EBADMSG;
	}
	while ((ret = batch_decoder_next(&d, rec, &n)) == 1) {
		FUZZ_CHECK(n >= sizeof(struct kvmirq_event_header) && n <= KVMIRQ_RECORD_MAX);
		if (event_record_check(rec, n, why, sizeof(why))) {
			fprintf(stderr, "decoded event %zu fails event_record_check: %s\n", out->n,
				why);
			FUZZ_CHECK(!"a decoded event passes event_record_check()");
		}
		events_add(out, rec, n);
		if (sink)
			sink_add(sink, rec, n);
	}
	if (ret < 0) {
		FUZZ_CHECK(ret == -EBADMSG);
		FUZZ_CHECK(d.error[0] != '\0');
	} else {
		FUZZ_CHECK(ret == 0);
		for (int i = 0; i < NR_STREAMS; i++)
			FUZZ_CHECK(d.s[i].p == d.s[i].end);
	}
	FUZZ_CHECK(d.index == out->n);
	return ret;
}

/* Property: decode(encode(decoded events)) == decoded events, byte for byte. */
static void round_trip(const struct events *ev, uint8_t *rec)
{
	struct batch_encoder enc;
	struct events again = { 0 };

	if (!ev->n)
		return;
	const uint8_t *batch;
	size_t batch_len;

	/* nanoseconds: any decoded time and duration is kept exactly */
	batch_encoder_init(&enc, 1);
	for (size_t i = 0; i < ev->n; i++)
		FUZZ_CHECK(batch_encoder_add(&enc, ev->buf + ev->offs[i], ev->lens[i]) == 0);
	FUZZ_CHECK(enc.count == ev->n);
	FUZZ_CHECK(batch_encoder_finish(&enc, &batch, &batch_len) == 0);
	FUZZ_CHECK(decode_all(batch, batch_len, &again, rec, NULL) == 0);
	FUZZ_CHECK(again.n == ev->n);
	for (size_t i = 0; i < ev->n; i++) {
		const uint8_t *a = again.buf + again.offs[i], *b = ev->buf + ev->offs[i];

		if (again.lens[i] != ev->lens[i] || memcmp(a, b, ev->lens[i]))
			fprintf(stderr, "round trip: event %zu of %zu differs\n", i, ev->n);
		FUZZ_CHECK(again.lens[i] == ev->lens[i]);
		FUZZ_CHECK(!memcmp(a, b, ev->lens[i]));
	}
	events_free(&again);
	batch_encoder_free(&enc);
}

/* The input as one raw record, as the ring buffer would hand it over. */
static void raw_record(const uint8_t *data, size_t size)
{
	struct report_sink sink;
	char why[160];
	uint8_t *copy;

	if (size < sizeof(struct kvmirq_event_header))
		return;
	copy = malloc(size);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	why[0] = '\0';
	if (event_record_check(copy, size, why, sizeof(why))) {
		FUZZ_CHECK(why[0] != '\0');
	} else {
		/* consumers get h->size bytes (normalize_record copies that much) */
		struct kvmirq_event_header h;

		memcpy(&h, copy, sizeof(h));
		sink_init(&sink, fuzz_registry(), NR_VMS, fuzz_format(data, size));
		sink_add(&sink, copy, h.size);
		sink_finish(&sink);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct batch_decoder d;
	struct report_sink sink;
	struct events ev = { 0 };
	uint8_t *batch, *rec;

	/* Exactly-sized buffers, so that ASan sees any access past them. */
	batch = malloc(size ? size : 1);
	rec = malloc(KVMIRQ_RECORD_MAX);
	FUZZ_CHECK(batch && rec);
	memcpy(batch, data, size);

	if (batch_decoder_init(&d, batch, size))
		FUZZ_CHECK(d.error[0] != '\0');
	if (size) {
		batch[0] = BATCH_FORMAT;
		sink_init(&sink, fuzz_registry(), NR_VMS, fuzz_format(data, size));
		decode_all(batch, size, &ev, rec, &sink);
		sink_finish(&sink);
		round_trip(&ev, rec);
	}
	raw_record(data, size);

	events_free(&ev);
	free(rec);
	free(batch);
	return 0;
}
