/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes the seed corpora of the event-layer harnesses from a real recording
 * (demo/x86-testvmm.kvmirq), read with the tracefile reader:
 *
 *   BATCHDIR (fuzz_event_batch): seed-demo-batch-N, every record of the
 *     recording's records chunks as it is (one record = one event batch);
 *     seed-demo-split-N, its events re-encoded 16 to a batch; seed-kind-* and
 *     seed-ioctl-*, one batch per event kind and per ioctl with the first such
 *     event; seed-payload-*, a KVM_SET_GSI_ROUTING ioctl whose input continues
 *     in IOCTL_PAYLOAD records (in order, out of order, interleaved with
 *     another thread, beyond in_total); seed-raw-*, the events of the
 *     seed-kind-* and seed-ioctl-* files as raw records (the harness also
 *     takes its input as one ring-buffer record).
 *   FILEDIR (fuzz_trace_file, input format in fuzz_trace_file.h): the
 *     recording's tables and batches with the header and table placements
 *     the format offers, and a few bad tables (id 0, huge ids, objects of
 *     absent VMs).
 *
 *   cc -std=gnu11 -Iinclude -Isrc -D_GNU_SOURCE tests/fuzz/gen_event_corpus.c \
 *      src/tracefile/[a-z]*.c src/codec/batch.c src/codec/layout.c -lz
 *   ./a.out demo/x86-testvmm.kvmirq tests/fuzz/corpus/event_batch \
 *      tests/fuzz/corpus/trace_file
 *
 * Output is deterministic. Files are named seed-*; the directories may also
 * hold crash-* / min-* reproducers, which this program does not touch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec/batch.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "fuzz_trace_file.h"
#include "kvmirq/tracefile.h"

#define MAX_EVENTS 4096

struct blob {
	uint8_t *p;
	size_t len, cap;
};

static void die(const char *what)
{
	fprintf(stderr, "gen_event_corpus: %s\n", what);
	exit(1);
}

static void put(struct blob *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_le(struct blob *b, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));

		put(b, &c, 1);
	}
}

static void put_str(struct blob *b, const char *s)
{
	size_t n = strlen(s);

	if (n > 255)
		n = 255;
	put_le(b, n, 1);
	put(b, s, n);
}

static void emit(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f))
		die(path);
}

/* The recording's events, decoded. */
static uint8_t *events[MAX_EVENTS];
static size_t event_len[MAX_EVENTS], nr_events;
/* Its batches, as stored. */
static struct blob batches[64];
static size_t nr_batches;

static void encode(struct blob *out, uint8_t *const *recs, const size_t *lens, size_t n)
{
	struct batch_encoder e;
	const uint8_t *batch;
	size_t len;

	batch_encoder_init(&e, 1000);
	for (size_t i = 0; i < n; i++)
		if (batch_encoder_add(&e, recs[i], lens[i]))
			die("cannot encode an event");
	if (batch_encoder_finish(&e, &batch, &len))
		die("cannot finish a batch");
	out->len = 0;
	put(out, batch, len);
	batch_encoder_free(&e);
}

static void emit_events(const char *dir, const char *name, uint8_t *const *recs,
			const size_t *lens, size_t n)
{
	struct blob b = { 0 };

	encode(&b, recs, lens, n);
	emit(dir, name, b.p, b.len);
	free(b.p);
}

static void read_recording(const char *path, struct tracefile_reader **rp)
{
	const void *rec;
	size_t len;

	if (tracefile_reader_open_path(rp, path) || tracefile_reader_load_metadata(*rp))
		die(*rp ? tracefile_error(*rp) : path);
	while (tracefile_reader_next_record(*rp, &rec, &len) == 1) {
		struct batch_decoder d;
		uint8_t out[KVMIRQ_RECORD_MAX];
		size_t n;
		int ret;

		if (nr_batches == sizeof(batches) / sizeof(batches[0]))
			break;
		put(&batches[nr_batches++], rec, len);
		if (batch_decoder_init(&d, rec, len))
			die(d.error);
		while ((ret = batch_decoder_next(&d, out, &n)) == 1 && nr_events < MAX_EVENTS) {
			events[nr_events] = malloc(n);
			memcpy(events[nr_events], out, n);
			event_len[nr_events++] = n;
		}
		if (ret < 0)
			die(d.error);
	}
}

static const struct kvmirq_event_header *hdr(size_t i)
{
	return (const void *)events[i];
}

static const struct kvmirq_ev_ioctl *ioctl_of(size_t i)
{
	return (const void *)(hdr(i) + 1);
}

/* One KVM_SET_GSI_ROUTING ioctl whose input arrives in continuation records. */
static void emit_payload_seeds(const char *dir)
{
	uint8_t rec[8][KVMIRQ_RECORD_MAX];
	uint8_t *recs[8];
	size_t lens[8], i, base = SIZE_MAX;
	struct kvmirq_event_header *h;
	struct kvmirq_ev_ioctl *io;
	struct kvmirq_ev_ioctl_payload *pl;
	uint8_t routing[8 + 6 * 48];

	for (i = 0; i < nr_events; i++)
		if (hdr(i)->kind == KVMIRQ_EV_IOCTL &&
		    ioctl_of(i)->ioctl_id == KVMIRQ_IOCTL_SET_GSI_ROUTING) {
			base = i;
			break;
		}
	if (base == SIZE_MAX)
		die("no KVM_SET_GSI_ROUTING ioctl in the recording");
	/* six entries: irqchip and MSI routes */
	memset(routing, 0, sizeof(routing));
	routing[0] = 6;
	for (i = 0; i < 6; i++) {
		uint8_t *e = routing + 8 + i * 48;

		e[0] = (uint8_t)(i + 16);
		e[4] = i & 1 ? 2 : 1;
		e[16] = i & 1 ? 0x00 : 2;
		e[17] = i & 1 ? 0xe0 : 0;
		e[18] = i & 1 ? 0xfe : 0;
		e[20] = (uint8_t)(i + 3);
		e[24] = (uint8_t)(0x40 + i);
	}

	/* the ioctl: 56 input bytes in the record, 296 in total */
	memcpy(rec[0], events[base], event_len[base]);
	h = (void *)rec[0];
	io = (void *)(h + 1);
	io->in_total = sizeof(routing);
	io->in_len = 56;
	io->out_len = 0;
	memcpy(io + 1, routing, 56);
	h->size = (uint16_t)(sizeof(*h) + sizeof(*io) + 56);
	h->flags = KVMIRQ_F_PAYLOAD_TRUNCATED;
	/* continuations of 120 bytes each, same thread */
	for (i = 1; i <= 2; i++) {
		size_t off = 56 + (i - 1) * 120, n = i == 2 ? sizeof(routing) - off : 120;

		memset(rec[i], 0, sizeof(rec[i]));
		memcpy(rec[i], h, sizeof(*h));
		h = (void *)rec[i];
		h->kind = KVMIRQ_EV_IOCTL_PAYLOAD;
		h->timestamp_ns += 1;
		h->flags = 0;
		pl = (void *)(h + 1);
		pl->offset = (uint32_t)off;
		pl->len = (uint16_t)n;
		memcpy(pl + 1, routing + off, n);
		h->size = (uint16_t)(sizeof(*h) + sizeof(*pl) + n);
	}
	/* then a delivery event of the same thread */
	for (i = 0; i < nr_events && hdr(i)->kind != KVMIRQ_EV_SET_IRQ; i++)
		;
	memcpy(rec[3], events[i], event_len[i]);
	((struct kvmirq_event_header *)rec[3])->tid = ((struct kvmirq_event_header *)rec[0])->tid;
	for (i = 0; i < 4; i++) {
		recs[i] = rec[i];
		lens[i] = ((struct kvmirq_event_header *)rec[i])->size;
	}
	emit_events(dir, "payload-in-order", recs, lens, 4);
	emit(dir, "raw-kind-ioctl_payload", rec[1], lens[1]);

	/* the second continuation before the first: the input stays incomplete */
	recs[1] = rec[2], recs[2] = rec[1];
	lens[1] = ((struct kvmirq_event_header *)rec[2])->size;
	lens[2] = ((struct kvmirq_event_header *)rec[1])->size;
	emit_events(dir, "payload-out-of-order", recs, lens, 4);

	/* another thread's event between them, and no end (flushed at the end) */
	memcpy(rec[4], rec[3], sizeof(rec[4]));
	((struct kvmirq_event_header *)rec[4])->tid += 1;
	recs[0] = rec[0], recs[1] = rec[1], recs[2] = rec[4], recs[3] = rec[2];
	for (i = 0; i < 4; i++)
		lens[i] = ((struct kvmirq_event_header *)recs[i])->size;
	emit_events(dir, "payload-interleaved", recs, lens, 4);

	/* a continuation with no ioctl before it, and one past in_total */
	memcpy(rec[5], rec[2], sizeof(rec[5]));
	pl = (void *)((struct kvmirq_event_header *)rec[5] + 1);
	pl->offset = (uint32_t)sizeof(routing);
	recs[0] = rec[1], recs[1] = rec[0], recs[2] = rec[1], recs[3] = rec[2], recs[4] = rec[5];
	for (i = 0; i < 5; i++)
		lens[i] = ((struct kvmirq_event_header *)recs[i])->size;
	emit_events(dir, "payload-stray", recs, lens, 5);
}

static void emit_batch_seeds(const char *dir)
{
	char name[128];
	bool kind_seen[KVMIRQ_EV_KIND_MAX] = { false };
	bool ioctl_seen[KVMIRQ_IOCTL_ID_MAX] = { false };

	for (size_t i = 0; i < nr_batches; i++) {
		snprintf(name, sizeof(name), "demo-batch-%zu", i);
		emit(dir, name, batches[i].p, batches[i].len);
	}
	for (size_t i = 0; i < nr_events; i += 16) {
		size_t n = nr_events - i < 16 ? nr_events - i : 16;

		snprintf(name, sizeof(name), "demo-split-%03zu", i / 16);
		emit_events(dir, name, &events[i], &event_len[i], n);
	}
	for (size_t i = 0; i < nr_events; i++) {
		unsigned int k = hdr(i)->kind;

		if (k == KVMIRQ_EV_IOCTL) {
			unsigned int id = ioctl_of(i)->ioctl_id;

			if (ioctl_seen[id])
				continue;
			ioctl_seen[id] = true;
			snprintf(name, sizeof(name), "ioctl-%s", ioctl_name(id));
		} else {
			if (kind_seen[k])
				continue;
			kind_seen[k] = true;
			snprintf(name, sizeof(name), "kind-%s", event_kind_name(k));
		}
		emit_events(dir, name, &events[i], &event_len[i], 1);
		/* the same event as a raw record, for the harness's record mode */
		memmove(name + 4, name, strlen(name) + 1);
		memcpy(name, "raw-", 4);
		emit(dir, name, events[i], event_len[i]);
	}
	emit_payload_seeds(dir);
}

/* ---- fuzz_trace_file inputs ---- */

enum table_twist { TW_NONE, TW_ID_ZERO, TW_ID_HUGE, TW_ABSENT_VM, TW_ID_GAP };

/* ctl bytes, the recording's tables (with a twist), then batches. */
static void file_seed(const char *dir, const char *name, uint8_t ctl0, uint8_t ctl1,
		      const struct tracefile_meta *m, enum table_twist tw, size_t split,
		      size_t max_events)
{
	const struct tracefile_table *vms = tracefile_meta_get_table(m, "vms");
	const struct tracefile_table *objs = tracefile_meta_get_table(m, "objects");
	const struct tracefile_table *procs = tracefile_meta_get_table(m, "processes");
	struct blob b = { 0 };

	put_le(&b, ctl0, 1);
	put_le(&b, ctl1, 1);
	if (FTF_SCHEMA(ctl0) == FTF_SCHEMA_VALUE)
		put_le(&b, 2, 8);
	put_le(&b, tracefile_table_nrows(vms), 1);
	for (size_t i = 0; i < tracefile_table_nrows(vms); i++) {
		uint64_t id = tracefile_table_u64_by_name(vms, i, "id");

		if (tw == TW_ID_ZERO)
			id = 0;
		else if (tw == TW_ID_HUGE)
			id = 0xffffffffull;
		else if (tw == TW_ID_GAP)
			id += 5;
		put_le(&b, id, 8);
		put_le(&b, tracefile_table_u64_by_name(vms, i, "pid"), 8);
		put_le(&b, tracefile_table_u64_by_name(vms, i, "first_ns"), 8);
	}
	put_le(&b, tracefile_table_nrows(objs), 1);
	for (size_t i = 0; i < tracefile_table_nrows(objs); i++) {
		uint64_t id = tracefile_table_u64_by_name(objs, i, "id"), vm = tracefile_table_u64_by_name(objs, i, "vm");

		if (tw == TW_ID_HUGE)
			id = 0x100000000ull + i;
		else if (tw == TW_ABSENT_VM)
			vm = 1000 + i;
		put_le(&b, id, 8);
		put_le(&b, vm, 8);
		put_le(&b, tracefile_table_u64_by_name(objs, i, "fd_kind"), 8);
		put_le(&b, tracefile_table_u64_by_name(objs, i, "vcpu_id"), 8);
		put_str(&b, tracefile_table_string_by_name(objs, i, "name"));
	}
	put_le(&b, tracefile_table_nrows(procs), 1);
	for (size_t i = 0; i < tracefile_table_nrows(procs); i++) {
		put_le(&b, tracefile_table_u64_by_name(procs, i, "pid"), 8);
		put_str(&b, tracefile_table_string_by_name(procs, i, "comm"));
		put_str(&b, tracefile_table_string_by_name(procs, i, "name"));
	}
	if (!split) {
		for (size_t i = 0; i < nr_batches; i++) {
			put_le(&b, batches[i].len, 2);
			put(&b, batches[i].p, batches[i].len);
		}
	} else {
		size_t end = max_events < nr_events ? max_events : nr_events;

		for (size_t i = 0; i < end; i += split) {
			struct blob e = { 0 };
			size_t n = end - i < split ? end - i : split;

			encode(&e, &events[i], &event_len[i], n);
			put_le(&b, e.len, 2);
			put(&b, e.p, e.len);
			free(e.p);
		}
	}
	emit(dir, name, b.p, b.len);
	free(b.p);
}

static void emit_file_seeds(const char *dir, const struct tracefile_meta *m)
{
	const uint8_t closed = FTF_CLOSE, dflt = 7;

	/* the whole recording as kvmirq writes it: tables after the events */
	file_seed(dir, "demo", closed | FTF_TABLES_AFTER << 4, dflt, m, TW_NONE, 0, 0);
	/* the others: its first 40 events, re-encoded into batches of 8 or 16 */
	file_seed(dir, "small-chunks", closed | FTF_TABLES_BOTH << 4, 3, m, TW_NONE, 8, 40);
	file_seed(dir, "header-tables", closed | FTF_TABLES_HEADER << 4, dflt, m, TW_NONE, 16,
		  40);
	file_seed(dir, "unclosed", FTF_TABLES_BEFORE << 4, 2, m, TW_NONE, 8, 40);
	file_seed(dir, "tool-absent", closed | FTF_TOOL_ABSENT, dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "tool-wrong", closed | FTF_TOOL_WRONG, dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "schema-newer", closed | FTF_SCHEMA_VALUE << 2, dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "schema-string", closed | FTF_SCHEMA_STRING << 2, dflt, m, TW_NONE, 16,
		  40);
	file_seed(dir, "id-string", closed, FTF_IDCOL_STRING << 3 | dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "id-absent", closed, FTF_IDCOL_ABSENT << 3 | dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "id-second", closed, FTF_IDCOL_SECOND << 3 | dflt, m, TW_NONE, 16, 40);
	file_seed(dir, "vm-id-zero", closed, dflt, m, TW_ID_ZERO, 16, 40);
	file_seed(dir, "ids-huge", closed, dflt, m, TW_ID_HUGE, 16, 40);
	file_seed(dir, "vm-id-gap", closed, dflt, m, TW_ID_GAP, 16, 40);
	file_seed(dir, "objects-absent-vm", closed, dflt, m, TW_ABSENT_VM, 16, 40);
	file_seed(dir, "raw-format-byte", closed | FTF_RAW_FORMAT, dflt, m, TW_NONE, 16, 40);
}

int main(int argc, char **argv)
{
	struct tracefile_reader *r;

	if (argc != 4) {
		fprintf(stderr, "usage: %s RECORDING BATCHDIR FILEDIR\n", argv[0]);
		return 2;
	}
	mkdir(argv[2], 0755);
	mkdir(argv[3], 0755);
	read_recording(argv[1], &r);
	emit_batch_seeds(argv[2]);
	emit_file_seeds(argv[3], tracefile_reader_meta(r));
	tracefile_reader_free(r);
	return 0;
}
