/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer harness for whole recordings through the real `kvmirq report`
 * path: trace_in_open() + trace_in_next() to the end (src/trace/trace_in.c),
 * the registry loaded from the file's tables, and the summary and timelines
 * (src/report) fed with what comes out.
 *
 * To get past the container's CRCs, the harness does not read the input as a
 * file: it builds one with the tracefile writer from fuzzer-chosen parts --
 * header keys (tool, schema_version), the vms/objects/processes tables with
 * any values (ids 0 or huge, objects of absent VMs, missing or mistyped
 * columns), where the tables go (header, metadata chunks), the chunk size,
 * whether the file is closed, and the event batches. The input format is in
 * fuzz_trace_file.h. The file is written to a memfd and opened by path.
 *
 * Properties checked:
 *  - trace_in_open() fails with a reason after the path ("PATH: why"), or
 *    succeeds only for tool=kvmirq and a schema this kvmirq reads, with a
 *    registry no larger than the tables' rows (no allocation driven by an
 *    id value) plus, without a trailer only, the VMs the events name past
 *    the tables (at most one per event, with a warning);
 *  - trace_in_next() returns exactly the events that decoding the batches
 *    on their own gives, byte for byte, then 0 if every batch is well-formed,
 *    else a negative error with a message;
 *  - summary and text/JSON timelines handle every event; JSON lines are
 *    well-formed.
 *
 * Build: as fuzz_event_batch.c (tests/fuzz/run-fuzz.sh trace_file).
 * Seeds: tests/fuzz/corpus/trace_file (tests/fuzz/gen_event_corpus.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codec/batch.h"
#include "fuzz_report_sink.h"
#include "fuzz_trace_file.h"
#include "kvmirq/tracefile.h"
#include "trace/trace_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p, *end;
};

static uint8_t take_u8(struct input *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static uint64_t take_le(struct input *in, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)take_u8(in) << (8 * i);
	return v;
}

/* A string of u8 length (NUL-terminated copy; a NUL inside ends it). */
static void take_str(struct input *in, char *out, size_t outlen)
{
	size_t n = take_u8(in), i;

	for (i = 0; i < n; i++) {
		uint8_t c = take_u8(in);

		if (i < outlen - 1)
			out[i] = (char)c;
	}
	out[n < outlen - 1 ? n : outlen - 1] = '\0';
}

/* The registry tables as the harness builds them: kept to add them twice. */
struct tables {
	struct tracefile_meta *m;
	unsigned int nvms, nobjects, nprocs;
};

static void add_id_column(struct tracefile_column *cols, size_t *n, unsigned int idcol)
{
	if (idcol == FTF_IDCOL_SECOND)
		cols[(*n)++] = (struct tracefile_column){ "x", TRACEFILE_TYPE_U64 };
	if (idcol == FTF_IDCOL_STRING)
		cols[(*n)++] = (struct tracefile_column){ "id", TRACEFILE_TYPE_STRING };
	else if (idcol != FTF_IDCOL_ABSENT)
		cols[(*n)++] = (struct tracefile_column){ "id", TRACEFILE_TYPE_U64 };
}

/* Cells for the id column(s) chosen by add_id_column(). */
static void add_id_cells(struct tracefile_cell *c, size_t *n, unsigned int idcol, uint64_t id,
			 char *idstr, size_t idstrlen)
{
	if (idcol == FTF_IDCOL_SECOND)
		c[(*n)++] = (struct tracefile_cell){ id ^ 1, NULL };
	if (idcol == FTF_IDCOL_STRING) {
		snprintf(idstr, idstrlen, "%llu", (unsigned long long)id);
		c[(*n)++] = (struct tracefile_cell){ 0, idstr };
	} else if (idcol != FTF_IDCOL_ABSENT) {
		c[(*n)++] = (struct tracefile_cell){ id, NULL };
	}
}

static void read_tables(struct input *in, unsigned int idcol, struct tables *t)
{
	struct tracefile_column cols[8];
	struct tracefile_table *tab;
	char idstr[32];
	size_t n;

	t->m = tracefile_meta_new();
	FUZZ_CHECK(t->m != NULL);

	n = 0;
	add_id_column(cols, &n, idcol);
	cols[n++] = (struct tracefile_column){ "pid", TRACEFILE_TYPE_U64 };
	cols[n++] = (struct tracefile_column){ "first_ns", TRACEFILE_TYPE_U64 };
	tab = tracefile_meta_add_table(t->m, "vms", cols, n, TRACEFILE_TABLE_REPLACE);
	FUZZ_CHECK(tab != NULL);
	t->nvms = take_u8(in);
	for (unsigned int i = 0; i < t->nvms; i++) {
		struct tracefile_cell c[8];
		uint64_t id = take_le(in, 8);

		n = 0;
		add_id_cells(c, &n, idcol, id, idstr, sizeof(idstr));
		c[n++] = (struct tracefile_cell){ take_le(in, 8), NULL };
		c[n++] = (struct tracefile_cell){ take_le(in, 8), NULL };
		FUZZ_CHECK(tracefile_table_add_row(tab, c) == 0);
	}

	n = 0;
	add_id_column(cols, &n, idcol);
	cols[n++] = (struct tracefile_column){ "vm", TRACEFILE_TYPE_U64 };
	cols[n++] = (struct tracefile_column){ "fd_kind", TRACEFILE_TYPE_U64 };
	cols[n++] = (struct tracefile_column){ "vcpu_id", TRACEFILE_TYPE_U64 };
	cols[n++] = (struct tracefile_column){ "name", TRACEFILE_TYPE_STRING };
	tab = tracefile_meta_add_table(t->m, "objects", cols, n, TRACEFILE_TABLE_REPLACE);
	FUZZ_CHECK(tab != NULL);
	t->nobjects = take_u8(in);
	for (unsigned int i = 0; i < t->nobjects; i++) {
		struct tracefile_cell c[8];
		uint64_t id = take_le(in, 8);
		char name[256];

		n = 0;
		add_id_cells(c, &n, idcol, id, idstr, sizeof(idstr));
		c[n++] = (struct tracefile_cell){ take_le(in, 8), NULL };
		c[n++] = (struct tracefile_cell){ take_le(in, 8), NULL };
		c[n++] = (struct tracefile_cell){ take_le(in, 8), NULL };
		take_str(in, name, sizeof(name));
		c[n++] = (struct tracefile_cell){ 0, name };
		FUZZ_CHECK(tracefile_table_add_row(tab, c) == 0);
	}

	n = 0;
	cols[n++] = (struct tracefile_column){ "pid", TRACEFILE_TYPE_U64 };
	cols[n++] = (struct tracefile_column){ "comm", TRACEFILE_TYPE_STRING };
	cols[n++] = (struct tracefile_column){ "name", TRACEFILE_TYPE_STRING };
	tab = tracefile_meta_add_table(t->m, "processes", cols, n, TRACEFILE_TABLE_REPLACE);
	FUZZ_CHECK(tab != NULL);
	t->nprocs = take_u8(in);
	for (unsigned int i = 0; i < t->nprocs; i++) {
		struct tracefile_cell c[3];
		char comm[256], name[256];

		c[0] = (struct tracefile_cell){ take_le(in, 8), NULL };
		take_str(in, comm, sizeof(comm));
		take_str(in, name, sizeof(name));
		c[1] = (struct tracefile_cell){ 0, comm };
		c[2] = (struct tracefile_cell){ 0, name };
		FUZZ_CHECK(tracefile_table_add_row(tab, c) == 0);
	}
}

/* The events every batch gives on its own: what trace_in_next() must return. */
struct expected {
	uint8_t *buf;
	size_t len, cap, *lens, n, ncap;
	bool bad; /* a batch fails: trace_in_next() must end in an error */
};

static void expect_batch(struct expected *e, const uint8_t *batch, size_t len)
{
	struct batch_decoder d;
	uint8_t *rec = malloc(KVMIRQ_RECORD_MAX);
	size_t n;
	int ret;

	FUZZ_CHECK(rec != NULL);
	if (e->bad || batch_decoder_init(&d, batch, len)) {
		e->bad = true;
		free(rec);
		return;
	}
	while ((ret = batch_decoder_next(&d, rec, &n)) == 1) {
		if (e->len + n > e->cap) {
			e->cap = (e->len + n) * 2;
			e->buf = realloc(e->buf, e->cap);
			FUZZ_CHECK(e->buf != NULL);
		}
		if (e->n == e->ncap) {
			e->ncap = e->ncap ? e->ncap * 2 : 64;
			e->lens = realloc(e->lens, e->ncap * sizeof(*e->lens));
			FUZZ_CHECK(e->lens != NULL);
		}
		memcpy(e->buf + e->len, rec, n);
		e->len += n;
		e->lens[e->n++] = n;
	}
	if (ret < 0)
		e->bad = true;
	free(rec);
}

static int memfd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz_trace_file", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

/* Write the file; fills in what the events must be. */
static void write_file(int fd, struct input *in, struct expected *exp, struct tables *tabs,
		       uint8_t *ctl0_out, uint64_t *schema_out)
{
	struct tracefile_writer_options o;
	struct tracefile_writer *w;
	struct tracefile_meta *h = tracefile_meta_new();
	uint8_t ctl0 = take_u8(in), ctl1 = take_u8(in);
	uint64_t schema = KVMIRQ_SCHEMA_VERSION;
	int ret;

	FUZZ_CHECK(h != NULL);
	switch (FTF_TOOL(ctl0)) {
	case FTF_TOOL_OK: tracefile_meta_set_string(h, "tool", "kvmirq"); break;
	case FTF_TOOL_ABSENT: break;
	case FTF_TOOL_WRONG: tracefile_meta_set_string(h, "tool", "KVMIRQ"); break;
	case FTF_TOOL_U64: tracefile_meta_set_u64(h, "tool", 1); break;
	}
	switch (FTF_SCHEMA(ctl0)) {
	case FTF_SCHEMA_OK: tracefile_meta_set_u64(h, "schema_version", schema); break;
	case FTF_SCHEMA_ABSENT: schema = 0; break;
	case FTF_SCHEMA_VALUE:
		schema = take_le(in, 8);
		tracefile_meta_set_u64(h, "schema_version", schema);
		break;
	case FTF_SCHEMA_STRING:
		schema = 0; /* not a U64: read as absent */
		tracefile_meta_set_string(h, "schema_version", "1");
		break;
	}
	tracefile_meta_set_u64(h, "batch_format", BATCH_FORMAT);
	read_tables(in, FTF_IDCOL(ctl1), tabs);
	if (FTF_TABLES(ctl0) == FTF_TABLES_HEADER || FTF_TABLES(ctl0) == FTF_TABLES_BOTH)
		FUZZ_CHECK(tracefile_meta_apply(h, tabs->m) == 0);

	tracefile_writer_options_init(&o);
	o.chunk_size = FTF_CHUNK(ctl1) == 7 ? 0 : (size_t)64 << FTF_CHUNK(ctl1);
	o.compression_level = 1;
	ret = tracefile_writer_open_fd(&w, fd, h, &o);
	if (ret)
		fprintf(stderr, "writer: %s\n", tracefile_writer_error(w));
	FUZZ_CHECK(ret == 0);
	if (FTF_TABLES(ctl0) == FTF_TABLES_BEFORE)
		FUZZ_CHECK(tracefile_writer_write_metadata(w, tabs->m) == 0);

	while (in->p < in->end) {
		size_t len = (size_t)take_le(in, 2);
		uint8_t *batch;

		if (len > (size_t)(in->end - in->p))
			len = (size_t)(in->end - in->p);
		batch = malloc(len ? len : 1);
		FUZZ_CHECK(batch != NULL);
		memcpy(batch, in->p, len);
		in->p += len;
		if (len && !(ctl0 & FTF_RAW_FORMAT))
			batch[0] = BATCH_FORMAT;
		expect_batch(exp, batch, len);
		FUZZ_CHECK(tracefile_writer_append_record_ts(w, exp->n, batch, len) == 0);
		free(batch);
	}

	if (FTF_TABLES(ctl0) == FTF_TABLES_AFTER || FTF_TABLES(ctl0) == FTF_TABLES_BOTH)
		FUZZ_CHECK(tracefile_writer_write_metadata(w, tabs->m) == 0);
	if (ctl0 & FTF_CLOSE)
		FUZZ_CHECK(tracefile_writer_close(w) == 0);
	else
		FUZZ_CHECK(tracefile_writer_flush(w) == 0); /* a file without its trailer */
	tracefile_writer_free(w);
	tracefile_meta_free(h);
	*ctl0_out = ctl0;
	*schema_out = schema;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, data + size };
	struct expected exp = { 0 };
	struct tables tabs = { 0 };
	struct report_sink sink;
	struct trace_in *t = calloc(1, sizeof(*t));
	char path[64];
	const void *rec;
	size_t len, i = 0, off = 0;
	uint64_t schema;
	uint8_t ctl0;
	int fd = memfd(), ret;

	FUZZ_CHECK(t != NULL);
	write_file(fd, &in, &exp, &tabs, &ctl0, &schema);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	ret = trace_in_open(t, path);
	if (ret) {
		FUZZ_CHECK(ret < 0);
		/* "PATH: why": the prefix alone says nothing */
		FUZZ_CHECK(!strncmp(t->error, path, strlen(path)) &&
			   !strncmp(t->error + strlen(path), ": ", 2) && t->error[strlen(path) + 2]);
		goto out;
	}
	/* only a kvmirq recording of a schema this kvmirq knows opens */
	FUZZ_CHECK(FTF_TOOL(ctl0) == FTF_TOOL_OK);
	FUZZ_CHECK(schema <= KVMIRQ_SCHEMA_VERSION);
	/*
	 * The registry comes from the tables' rows, whatever their ids say,
	 * plus, in a file without its trailer, the VMs its events name past
	 * the tables (one per event at most, each with a warning).
	 */
	FUZZ_CHECK(t->registry.nr_vms <= tabs.nvms + t->unlisted_vms);
	if (t->unlisted_vms) {
		FUZZ_CHECK(!(ctl0 & FTF_CLOSE));
		FUZZ_CHECK(t->unlisted_vms <= exp.n);
		FUZZ_CHECK(trace_in_warning(t) != NULL);
	}
	FUZZ_CHECK(t->registry.nr_objects <= tabs.nobjects);
	FUZZ_CHECK(t->registry.nr_processes <= tabs.nprocs);

	sink_init(&sink, &t->registry, t->registry.nr_vms, &t->format);
	while ((ret = trace_in_next(t, &rec, &len)) == 1) {
		/* the same events as the batches decoded on their own */
		FUZZ_CHECK(i < exp.n);
		FUZZ_CHECK(len == exp.lens[i]);
		FUZZ_CHECK(!memcmp(rec, exp.buf + off, len));
		off += len;
		i++;
		sink_add(&sink, rec, len);
	}
	sink_finish(&sink);
	if (ret < 0) {
		FUZZ_CHECK(exp.bad);
		FUZZ_CHECK(t->error[0] != '\0');
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(!exp.bad);
	}
	FUZZ_CHECK(i == exp.n);
	/* a file left without its trailer reads with a warning */
	if (!(ctl0 & FTF_CLOSE))
		FUZZ_CHECK(trace_in_warning(t) != NULL);
out:
	trace_in_close(t);
	free(t);
	tracefile_meta_free(tabs.m);
	free(exp.buf);
	free(exp.lens);
	return 0;
}
