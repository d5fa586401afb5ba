/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the trace-file reader: opens the input from memory
 * and walks everything (records, chunks, metadata, tables, trailer).
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/tracefile \
 *         tests/fuzz/fuzz_tracefile_reader.c src/tracefile/[a-z]*.c -lz
 *
 * Without libFuzzer, link with tests/fuzz/fuzz_driver_main.c to replay a
 * corpus (works with gcc too). See tests/fuzz/run-fuzz.sh.
 *
 * Every input is read three times:
 *  1. as is;
 *  2. with the file-header and chunk CRCs recomputed (and each chunk's
 *     compressed size clamped to the bytes present), so that mutations get
 *     past the CRC checks into zlib, metadata and record parsing;
 *  3. with each chunk's payload taken as *uncompressed* data that the harness
 *     compresses (sizes and CRCs fixed), so that mutations reach the
 *     metadata/record decoders directly. The seed-plain-* corpus files are in
 *     this form.
 * The library itself has no fuzzing-only code paths.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kvmirq/tracefile.h"
#include "format.h"
#include "internal.h"
#include "le.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void touch(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len; i++)
		s += b[i];
	sink += s;
}

static void touch_table(const struct tracefile_table *t)
{
	size_t r, c, len;
	struct tracefile_column col;
	uint64_t v;

	touch(tracefile_table_name(t), strlen(tracefile_table_name(t)));
	for (c = 0; c < tracefile_table_ncols(t); c++)
		if (tracefile_table_column(t, c, &col) == 0)
			touch(col.name, strlen(col.name) + 1);
	for (r = 0; r < tracefile_table_nrows(t); r++) {
		for (c = 0; c < tracefile_table_ncols(t); c++) {
			const char *s = tracefile_table_get_string(t, r, c, &len);

			if (s)
				touch(s, len + 1);
			else if (tracefile_table_get_u64(t, r, c, &v) == 0)
				sink += v;
		}
	}
}

static void touch_meta(const struct tracefile_meta *m)
{
	struct tracefile_entry e;
	size_t i;

	for (i = 0; i < tracefile_meta_count(m); i++) {
		if (tracefile_meta_entry(m, i, &e))
			continue;
		touch(e.key, strlen(e.key) + 1);
		switch (e.type) {
		case TRACEFILE_TYPE_U64:
			sink += e.u64;
			break;
		case TRACEFILE_TYPE_STRING:
			touch(e.str, e.str_len + 1);
			break;
		case TRACEFILE_TYPE_TABLE:
			touch_table(e.table);
			break;
		default:
			touch(e.raw, e.raw_len);
			break;
		}
		/* lookups go through the hash index */
		if (tracefile_meta_find(m, e.key, NULL) != 0)
			__builtin_trap();
	}
}

static int same_table(const struct tracefile_table *a,
		      const struct tracefile_table *b)
{
	size_t r, c, la, lb;
	struct tracefile_column ca, cb;
	uint64_t va, vb;

	if (strcmp(tracefile_table_name(a), tracefile_table_name(b)) ||
	    tracefile_table_mode(a) != tracefile_table_mode(b) ||
	    tracefile_table_ncols(a) != tracefile_table_ncols(b) ||
	    tracefile_table_nrows(a) != tracefile_table_nrows(b))
		return 0;
	for (c = 0; c < tracefile_table_ncols(a); c++) {
		tracefile_table_column(a, c, &ca);
		tracefile_table_column(b, c, &cb);
		if (strcmp(ca.name, cb.name) || ca.type != cb.type)
			return 0;
	}
	for (r = 0; r < tracefile_table_nrows(a); r++) {
		for (c = 0; c < tracefile_table_ncols(a); c++) {
			const char *sa = tracefile_table_get_string(a, r, c, &la);
			const char *sb = tracefile_table_get_string(b, r, c, &lb);

			if (sa || sb) {
				if (!sa || !sb || la != lb || memcmp(sa, sb, la))
					return 0;
				continue;
			}
			if (tracefile_table_get_u64(a, r, c, &va) ||
			    tracefile_table_get_u64(b, r, c, &vb) || va != vb)
				return 0;
		}
	}
	return 1;
}

/* Property: encode(m) decodes back to the same entries. */
static void meta_roundtrip(const struct tracefile_meta *m)
{
	struct tf_buf b = { 0 };
	struct tracefile_meta *m2;
	char err[TF_ERRLEN];
	size_t i;

	if (!m || tf_meta_encode(m, &b))
		goto out_buf;
	m2 = tracefile_meta_new();
	if (!m2)
		goto out_buf;
	if (tf_meta_decode(b.p, b.len, m2, NULL, err, sizeof(err)) ||
	    tracefile_meta_count(m2) != tracefile_meta_count(m))
		__builtin_trap();
	for (i = 0; i < tracefile_meta_count(m); i++) {
		struct tracefile_entry x, y;

		tracefile_meta_entry(m, i, &x);
		tracefile_meta_entry(m2, i, &y);
		if (strcmp(x.key, y.key) || x.type != y.type || x.u64 != y.u64 ||
		    x.str_len != y.str_len || x.raw_len != y.raw_len ||
		    (x.str && memcmp(x.str, y.str, x.str_len)) ||
		    (x.raw_len && memcmp(x.raw, y.raw, x.raw_len)) ||
		    (x.table && !same_table(x.table, y.table)))
			__builtin_trap();
	}
	tracefile_meta_free(m2);
out_buf:
	tf_buf_free(&b);
}

static void touch_reader_state(struct tracefile_reader *r)
{
	const char *w = tracefile_reader_warning(r);

	touch(tracefile_error(r), strlen(tracefile_error(r)));
	if (w)
		touch(w, strlen(w));
	touch_meta(tracefile_reader_header(r));
	touch_meta(tracefile_reader_meta(r));
	touch_meta(tracefile_reader_trailer(r));
}

/* Build variant 2 (compress == 0) or 3 (compress == 1) of the input into
 * a new exactly-sized buffer; returns NULL if the input is too short. */
static uint8_t *rebuild(const uint8_t *in, size_t n, int compress,
			size_t *out_len)
{
	size_t cap = 2 * n + 4096, o, pos, body;
	uint8_t *out, *exact;

	if (n < TF_FH_LEN)
		return NULL;
	out = malloc(cap);
	if (!out)
		return NULL;
	body = tf_get_le32(in + TF_FH_OFF_BODY_LEN);
	if (body > n - TF_FH_LEN)
		body = n - TF_FH_LEN;
	memcpy(out, in, TF_FH_LEN + body);
	tf_put_le32(out + TF_FH_OFF_BODY_LEN, (uint32_t)body);
	tf_put_le32(out + TF_FH_OFF_CRC,
		    (uint32_t)crc32(crc32(0, out, TF_FH_OFF_CRC),
				    out + TF_FH_LEN, (uInt)body));
	o = pos = TF_FH_LEN + body;
	while (n - pos >= TF_CH_HDR_LEN) {
		const uint8_t *pay = in + pos + TF_CH_HDR_LEN;
		size_t take = tf_get_le32(in + pos + TF_CH_OFF_CSIZE);
		uint8_t *h = out + o;
		uLongf clen;

		if (take > n - pos - TF_CH_HDR_LEN)
			take = n - pos - TF_CH_HDR_LEN;
		memcpy(h, in + pos, TF_CH_HDR_LEN);
		if (compress) {
			clen = (uLongf)(cap - o - TF_CH_HDR_LEN);
			if (compressBound((uLong)take) > clen ||
			    compress2(h + TF_CH_HDR_LEN, &clen, pay, (uLong)take,
				      1) != Z_OK)
				break;
			tf_put_le32(h + TF_CH_OFF_USIZE, (uint32_t)take);
		} else {
			memcpy(h + TF_CH_HDR_LEN, pay, take);
			clen = (uLongf)take;
		}
		tf_put_le32(h + TF_CH_OFF_CSIZE, (uint32_t)clen);
		tf_put_le32(h + TF_CH_OFF_PAYLOAD_CRC,
			    (uint32_t)crc32(0, h + TF_CH_HDR_LEN, (uInt)clen));
		tf_put_le32(h + TF_CH_OFF_HDR_CRC,
			    (uint32_t)crc32(0, h, TF_CH_OFF_HDR_CRC));
		o += TF_CH_HDR_LEN + clen;
		pos += TF_CH_HDR_LEN + take;
	}
	/* keep a short tail as is: truncated chunk headers */
	if (pos < n && n - pos < TF_CH_HDR_LEN) {
		memcpy(out + o, in + pos, n - pos);
		o += n - pos;
	}
	exact = malloc(o ? o : 1);
	if (exact)
		memcpy(exact, out, o);
	free(out);
	*out_len = o;
	return exact;
}

static void read_all(const uint8_t *data, size_t size)
{
	struct tracefile_reader *r;
	struct tracefile_chunk_info ci;
	const void *rec;
	size_t len;
	int rc, i = 0;

	rc = tracefile_reader_open_memory(&r, data, size);
	if (!r)
		return;
	if (rc == 0) {
		/* pass 1: every record */
		while (tracefile_reader_next_record(r, &rec, &len) == 1)
			touch(rec, len);
		touch_reader_state(r);
		meta_roundtrip(tracefile_reader_header(r));
		meta_roundtrip(tracefile_reader_meta(r));

		/* pass 2: metadata scan, then a chunk walk reading some
		 * records of every other chunk */
		tracefile_reader_load_metadata(r);
		touch_reader_state(r);
		while (tracefile_reader_next_chunk(r, &ci) == 1) {
			sink += ci.count + ci.uncompressed_size;
			if (i++ & 1) {
				if (tracefile_reader_next_record(r, &rec, &len) == 1)
					touch(rec, len);
			}
		}
		touch_reader_state(r);
	} else {
		touch(tracefile_error(r), strlen(tracefile_error(r)));
	}
	tracefile_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode;

	read_all(data, size);
	for (mode = 0; mode < 2; mode++) {
		size_t len;
		uint8_t *v = rebuild(data, size, mode, &len);

		if (v) {
			read_all(v, len);
			free(v);
		}
	}
	return 0;
}
