/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the seed corpus for fuzz_tracefile_reader into a directory:
 * small valid files made by the writer, and truncated/corrupt variants.
 *
 *   cc -std=gnu11 -Iinclude -Isrc/tracefile tests/fuzz/gen_tracefile_corpus.c \
 *      src/tracefile/[a-z]*.c -lz -o build/gen_tracefile_corpus
 *   build/gen_tracefile_corpus tests/fuzz/corpus/tracefile
 *
 * Output is deterministic (and byte-identical on big-endian hosts). Files
 * are named seed-* (seed-plain-* are in the harness's "uncompressed payload"
 * form). The same directory also holds min-* files, a minimised corpus
 * from fuzzing runs (libFuzzer -merge=1), and would hold crash reproducers
 * as crash-* / timeout-* / oom-*; this program does not touch those.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "kvmirq/tracefile.h"
#include "format.h"
#include "internal.h"
#include "le.h"

static const char *outdir;

struct blob {
	uint8_t *p;
	size_t len;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void emit(const char *name, const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f))
		die(path);
}

static struct blob slurp_fd(int fd)
{
	struct blob b;
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	b.len = (size_t)st.st_size;
	b.p = malloc(b.len + 1);
	if (pread(fd, b.p, b.len, 0) != (ssize_t)b.len)
		die("pread");
	return b;
}

static struct tracefile_meta *header_meta(void)
{
	static const struct tracefile_column cols[] = {
		{ "pid", TRACEFILE_TYPE_U64 }, { "comm", TRACEFILE_TYPE_STRING },
	};
	struct tracefile_meta *m = tracefile_meta_new();
	struct tracefile_table *t;
	struct tracefile_cell row[2] = { { 42, NULL }, { 0, "qemu" } };

	tracefile_meta_set_string(m, "host", "h");
	tracefile_meta_set_string(m, "kernel_release", "6.1.0");
	tracefile_meta_set_u64(m, "schema_version", 1);
	tracefile_meta_set_u64(m, "start_time_ns", 123456789);
	tracefile_meta_set_raw(m, "x.unknown", 99, "\x00\x01", 2);
	t = tracefile_meta_add_table(m, "processes", cols, 2,
				     TRACEFILE_TABLE_REPLACE);
	tracefile_table_add_row(t, row);
	return m;
}

/* A small recording: nrec records, a metadata update in the middle. */
static struct blob make(int nrec, size_t chunk, int level, int ts, int meta,
			int close_it)
{
	static const struct tracefile_column cols[] = {
		{ "pid", TRACEFILE_TYPE_U64 }, { "comm", TRACEFILE_TYPE_STRING },
	};
	struct tracefile_writer_options o;
	struct tracefile_writer *w;
	struct tracefile_meta *h = meta ? header_meta() : NULL;
	char tmpl[] = "/tmp/kvmirq-corpus-XXXXXX";
	int fd = mkstemp(tmpl), i;
	struct blob b;

	if (fd < 0)
		die("mkstemp");
	unlink(tmpl);
	tracefile_writer_options_init(&o);
	o.chunk_size = chunk;
	o.compression_level = level;
	if (tracefile_writer_open_fd(&w, fd, h, &o))
		die(tracefile_writer_error(w));
	for (i = 0; i < nrec; i++) {
		uint8_t rec[40];
		size_t len = (size_t)(i * 7) % sizeof(rec), j;

		for (j = 0; j < len; j++)
			rec[j] = (uint8_t)(i + j);
		if (ts)
			tracefile_writer_append_record_ts(w, 1000u + (unsigned)i * 3,
							  rec, len);
		else
			tracefile_writer_append_record(w, rec, len);
		if (meta && i == nrec / 2) {
			struct tracefile_meta *u = tracefile_meta_new();
			struct tracefile_table *t = tracefile_meta_add_table(
				u, "processes", cols, 2, TRACEFILE_TABLE_APPEND);
			struct tracefile_cell row[2] = { { 7, NULL }, { 0, "vcpu" } };

			tracefile_table_add_row(t, row);
			tracefile_meta_set_u64(u, "drops", 3);
			tracefile_writer_write_metadata(w, u);
			tracefile_meta_free(u);
		}
	}
	if (close_it && tracefile_writer_close(w))
		die(tracefile_writer_error(w));
	tracefile_writer_free(w);
	tracefile_meta_free(h);
	b = slurp_fd(fd);
	close(fd);
	return b;
}

/* Offset of chunk k's header in a file. */
static size_t chunk_off(const struct blob *b, int k)
{
	size_t off = TF_FH_LEN + tf_get_le32(b->p + TF_FH_OFF_BODY_LEN);

	while (k-- > 0)
		off += TF_CH_HDR_LEN + tf_get_le32(b->p + off + TF_CH_OFF_CSIZE);
	return off;
}

/* Header without metadata + one crafted chunk with valid CRCs. */
static void emit_crafted(const char *name, unsigned type, const void *payload,
			 size_t plen, uint32_t count, uint32_t usize)
{
	uint8_t f[4096];
	uLongf clen = sizeof(f) - TF_FH_LEN - TF_CH_HDR_LEN;
	struct tf_chunk_hdr h;

	memcpy(f, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le32(f + TF_FH_OFF_VERSION, 1);
	tf_put_le32(f + TF_FH_OFF_FLAGS, 0);
	tf_put_le32(f + TF_FH_OFF_BODY_LEN, 0);
	tf_put_le32(f + TF_FH_OFF_CRC, (uint32_t)crc32(0, f, TF_FH_OFF_CRC));
	compress2(f + TF_FH_LEN + TF_CH_HDR_LEN, &clen, payload, plen, 6);
	memset(&h, 0, sizeof(h));
	h.type = (uint16_t)type;
	h.usize = usize;
	h.csize = (uint32_t)clen;
	h.count = count;
	h.payload_crc = (uint32_t)crc32(0, f + TF_FH_LEN + TF_CH_HDR_LEN,
					(uInt)clen);
	tf_chunk_hdr_encode(&h, f + TF_FH_LEN);
	emit(name, f, TF_FH_LEN + TF_CH_HDR_LEN + clen);
}

/* The "plain" form read by the harness's third variant: every chunk
 * payload stored uncompressed (its compressed-size field holds the plain
 * length; the harness compresses it and fixes sizes and CRCs). */
static void emit_plain(const char *name, const struct blob *b)
{
	uint8_t *out = malloc(b->len * 64 + 4096);
	size_t pos = chunk_off(b, 0), o = pos;

	memcpy(out, b->p, pos);
	while (b->len - pos >= TF_CH_HDR_LEN) {
		uint32_t cs = tf_get_le32(b->p + pos + TF_CH_OFF_CSIZE);
		uint32_t us = tf_get_le32(b->p + pos + TF_CH_OFF_USIZE);
		uLongf ulen = us;

		if (cs > b->len - pos - TF_CH_HDR_LEN)
			break;
		memcpy(out + o, b->p + pos, TF_CH_HDR_LEN);
		if (uncompress(out + o + TF_CH_HDR_LEN, &ulen,
			       b->p + pos + TF_CH_HDR_LEN, cs) != Z_OK)
			die("uncompress");
		tf_put_le32(out + o + TF_CH_OFF_CSIZE, (uint32_t)ulen);
		o += TF_CH_HDR_LEN + ulen;
		pos += TF_CH_HDR_LEN + cs;
	}
	emit(name, out, o);
	free(out);
}

int main(int argc, char **argv)
{
	struct blob a, b;
	uint8_t *tmp;
	size_t off;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);

	a = make(30, 120, 6, 1, 1, 1);
	emit("valid-meta", a.p, a.len);
	tmp = malloc(a.len + 64);

	emit_plain("plain-valid-meta", &a);

	b = make(0, 0, 6, 0, 0, 1);
	emit("valid-empty", b.p, b.len);
	free(b.p);
	b = make(12, 64, 0, 0, 0, 1);
	emit("valid-stored", b.p, b.len);
	free(b.p);
	b = make(10, 100, 9, 1, 0, 0);
	emit("unclosed", b.p, b.len);
	emit_plain("plain-unclosed", &b);
	free(b.p);

	/* truncations: inside the header, a chunk header, a payload */
	emit("trunc-header", a.p, 20);
	off = chunk_off(&a, 2);
	emit("trunc-chunkhdr", a.p, off + 10);
	emit("trunc-payload", a.p, off + TF_CH_HDR_LEN + 3);

	/* corruptions */
	memcpy(tmp, a.p, a.len);
	tmp[chunk_off(&a, 1) + TF_CH_HDR_LEN + 2] ^= 0x10;
	emit("bad-payload-crc", tmp, a.len);
	memcpy(tmp, a.p, a.len);
	tmp[chunk_off(&a, 1) + TF_CH_OFF_USIZE] ^= 0x01;
	emit("bad-chunkhdr-crc", tmp, a.len);
	memcpy(tmp, a.p, a.len);
	tmp[30] ^= 0x04;
	emit("bad-header-crc", tmp, a.len);
	memcpy(tmp, a.p, a.len);
	tf_put_le32(tmp + TF_FH_OFF_VERSION, 3);
	emit("newer-version", tmp, a.len);
	memcpy(tmp, a.p, a.len);
	memset(tmp + chunk_off(&a, 3), 0, a.len - chunk_off(&a, 3));
	emit("zero-tail", tmp, a.len);
	memcpy(tmp, a.p, a.len);
	memcpy(tmp + a.len, "trailing", 8);
	emit("after-trailer", tmp, a.len + 8);

	/* crafted chunks with valid CRCs but bad contents */
	emit_crafted("rec-overrun", TF_CHUNK_RECORDS, "\x02" "ab" "\x32" "x", 5, 2, 5);
	emit_crafted("rec-extra", TF_CHUNK_RECORDS, "\x02" "ab" "\x01" "x", 5, 1, 5);
	emit_crafted("usize-short", TF_CHUNK_RECORDS, "\x02" "ab" "\x01" "x", 5, 2, 4);
	emit_crafted("unknown-type", 77, "opaque", 6, 0, 6);
	{
		/* metadata: a table whose row count does not fit */
		uint8_t m[64];
		size_t p = 0;

		m[p++] = TF_T_TABLE; m[p++] = 0;
		tf_put_le16(m + p, 1); p += 2;
		tf_put_le32(m + p, 21); p += 4;
		m[p++] = 'T';
		m[p++] = 1; m[p++] = 0;
		tf_put_le16(m + p, 1); p += 2;
		tf_put_le32(m + p, 1000); p += 4;
		m[p++] = TF_T_STRING; m[p++] = 0;
		tf_put_le16(m + p, 1); p += 2;
		m[p++] = 'c';
		tf_put_le32(m + p, 4); p += 4;
		memcpy(m + p, "abcd", 4); p += 4;
		emit_crafted("meta-table-rows", TF_CHUNK_METADATA, m, p, 1,
			     (uint32_t)p);
	}
	free(tmp);
	free(a.p);
	return 0;
}
