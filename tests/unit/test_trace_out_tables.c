// SPDX-License-Identifier: GPL-2.0
/*
 * The recorder's tables go to the file before the events that need them
 * (trace/trace_out.h): a file cut right after any chunk of events lists
 * every VM those events name, with its process, without waiting for a
 * flush (an interrupt storm can keep the flush from coming: issue #16's
 * cut-by-fsize recording). And a file whose tables are missing anyway is
 * made whole by the reader (trace/trace_in.h): its VMs listed from their
 * first events, with a warning.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "codec/batch.h"
#include "kvmirq/event.h"
#include "kvmirq/tracefile.h"
#include "registry/registry.h"
#include "trace/trace_in.h"
#include "trace/trace_out.h"

struct set_irq_rec {
	struct kvmirq_event_header h;
	struct kvmirq_ev_set_irq b;
};

/* Events of VM 1 (pid 100), then of VM 2 (pid 200), enough for several
 * batches each; the file is left as a kill leaves it: no flush, no trailer. */
static void write_unflushed(const char *path)
{
	struct tracefile_meta *header = tracefile_meta_new();
	struct registry registry;
	struct trace_out out;
	struct set_irq_rec rec = { .h = { .kind = KVMIRQ_EV_SET_IRQ, .size = sizeof(rec),
					  .vcpu_id = -1 },
				   .b = { .gsi = 4 } };
	uint64_t ts = 1000;

	registry_init(&registry);
	CHECK(header && !trace_header_describe_host(header));
	CHECK_EQ(trace_out_open(&out, path, header, &registry, 1), 0);
	for (uint32_t vm = 1; vm <= 2; vm++) {
		rec.h.pid = rec.h.tid = vm * 100;
		rec.h.vm = registry_vm_new(&registry, 0x1000 * vm, rec.h.pid, ts);
		CHECK_EQ(rec.h.vm, vm);
		for (size_t i = 0; i < 200000; i++) {
			rec.h.timestamp_ns = ts += 7;
			rec.b.level = (uint8_t)(i & 1);
			rec.b.gsi = (uint32_t)(i % 24);
			if (trace_out_add(&out, &rec, sizeof(rec))) {
				CHECK(false);
				break;
			}
		}
	}
	trace_out_free(&out); /* no close, no flush: the writer's pending chunk is lost */
	tracefile_meta_free(header);
	registry_free(&registry);
}

/* Every batch of events comes after a table that lists the VMs it names
 * (the metadata a reader has applied when it returns the batch). */
static void check_tables_first(const char *path)
{
	struct tracefile_reader *r = NULL;
	const void *batch;
	size_t len, batches = 0;
	uint32_t newest = 0;
	int ret;

	CHECK_EQ(tracefile_reader_open_path(&r, path), 0);
	while ((ret = tracefile_reader_next_record(r, &batch, &len)) > 0) {
		const struct tracefile_table *vms =
			tracefile_meta_get_table(tracefile_reader_meta(r), "vms");
		size_t listed = vms ? tracefile_table_nrows(vms) : 0;
		struct batch_decoder d;
		uint8_t ev[KVMIRQ_RECORD_MAX + 64];
		size_t n;

		batches++;
		CHECK_EQ(batch_decoder_init(&d, batch, len), 0);
		while (batch_decoder_next(&d, ev, &n) == 1) {
			const struct kvmirq_event_header *h = (const void *)ev;

			if (h->vm > listed) {
				fprintf(stderr, "batch %zu: VM %u before its table row\n", batches,
					(unsigned)h->vm);
				CHECK(false);
				goto out;
			}
			if (h->vm > newest)
				newest = h->vm;
		}
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(newest, 2u); /* the events of both VMs reached the file */
out:
	tracefile_reader_free(r);
}

/* The reader lists both VMs, with their processes, whatever the file holds. */
static void check_read_back(const char *path, bool expect_warning)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	const char *w;

	CHECK(t && trace_in_open(t, path) == 0);
	CHECK_EQ(t->registry.nr_vms, 2u);
	if (t->registry.nr_vms == 2) {
		CHECK_EQ(t->registry.vms[0].pid, 100u);
		CHECK_EQ(t->registry.vms[1].pid, 200u);
	}
	w = trace_in_warning(t);
	CHECK(w && strstr(w, "trailer missing"));
	CHECK_EQ(w && strstr(w, "not in its tables") != NULL, expect_warning);
	trace_in_close(t);
	free(t);
}

/* The file with its metadata chunks left out: as a writer that wrote its
 * tables only on a flush left a file cut before the first flush. */
static void strip_metadata(const char *from, const char *to)
{
	enum { FILE_HDR = 24, CHUNK_HDR = 48 }; /* docs/file-format.md */
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	uint8_t hdr[CHUNK_HDR], *buf;
	uint32_t body;

	CHECK(in && out);
	if (!in || !out)
		exit(check_done());
	CHECK_EQ(fread(hdr, 1, FILE_HDR, in), (size_t)FILE_HDR);
	body = hdr[16] | hdr[17] << 8 | hdr[18] << 16 | (uint32_t)hdr[19] << 24;
	buf = malloc(body + 1);
	CHECK(buf && fread(buf, 1, body, in) == body);
	fwrite(hdr, 1, FILE_HDR, out);
	fwrite(buf, 1, body, out);
	free(buf);
	while (fread(hdr, 1, sizeof(hdr), in) == sizeof(hdr)) {
		uint32_t csize = hdr[12] | hdr[13] << 8 | hdr[14] << 16 | (uint32_t)hdr[15] << 24;
		uint16_t type = (uint16_t)(hdr[4] | hdr[5] << 8);
		uint8_t *payload = malloc(csize + 1);

		CHECK(payload && fread(payload, 1, csize, in) == csize);
		if (type == TRACEFILE_CHUNK_RECORDS) {
			fwrite(hdr, 1, sizeof(hdr), out);
			fwrite(payload, 1, csize, out);
		}
		free(payload);
	}
	fclose(in);
	fclose(out);
}

int main(void)
{
	char path[] = "/tmp/kvmirq-trace-out-tables-XXXXXX";
	char stripped[sizeof(path) + 16];
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	snprintf(stripped, sizeof(stripped), "%s.stripped", path);
	write_unflushed(path);
	check_tables_first(path);
	check_read_back(path, false);
	strip_metadata(path, stripped);
	check_read_back(stripped, true);
	unlink(stripped);
	unlink(path);
	return check_done();
}
