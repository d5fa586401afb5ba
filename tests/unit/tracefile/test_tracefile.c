/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the trace-file container (src/tracefile/).
 *
 * Build and run (from the top of the tree; see also tracefile.mk):
 *   cc -std=gnu11 -Wall -Wextra -Werror -O2 \
 *      -fsanitize=address,undefined -fno-omit-frame-pointer -g \
 *      -Iinclude -Isrc/tracefile tests/unit/tracefile/test_tracefile.c \
 *      src/tracefile/[a-z]*.c -lz -o build/test_tracefile && build/test_tracefile
 *
 * Prints one line "N passed, M failed" at the end; exits 1 on any failure,
 * or when no check ran (tf_check.h).
 */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "kvmirq/tracefile.h"
#include "format.h"
#include "le.h"
#include "util/varint.h"
#include "tf_check.h"

/* Under ASan, make any allocation above 256 MiB fail (the reader must
 * never try one, whatever the file says). */
#if defined(__SANITIZE_ADDRESS__)
#define TF_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TF_UNDER_ASAN 1
#endif
#endif
#ifdef TF_UNDER_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "max_allocation_size_mb=256:allocator_may_return_null=1";
}
#endif

/* ---- helpers -------------------------------------------------------------- */

struct blob {
	uint8_t *p;
	size_t len;
};

static char *tmp_path(const char *tag)
{
	static unsigned counter;
	const char *dir = getenv("TMPDIR");
	char *p = malloc(512);

	snprintf(p, 512, "%s/kvmirq-tf-%ld-%u-%s", dir ? dir : "/tmp",
		 (long)getpid(), counter++, tag);
	return p;
}

static struct blob slurp(const char *path)
{
	struct blob b = { NULL, 0 };
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(2);
	}
	b.len = (size_t)st.st_size;
	b.p = malloc(b.len + 1);
	if (b.len && read(fd, b.p, b.len) != (ssize_t)b.len) {
		perror("read");
		exit(2);
	}
	close(fd);
	return b;
}

static void spit(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, p, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

/* Deterministic record i: length 0..299, content derived from i. */
static size_t make_record(uint64_t i, uint8_t *buf)
{
	size_t len = (size_t)((i * 7919u + (i >> 3)) % 300u), j;

	for (j = 0; j < len; j++)
		buf[j] = (uint8_t)(i * 131u + j * 31u + (j >> 8));
	return len;
}

static int record_matches(uint64_t i, const void *rec, size_t len)
{
	uint8_t buf[512];
	size_t l = make_record(i, buf);

	return l == len && (len == 0 || memcmp(buf, rec, len) == 0);
}

static struct tracefile_meta *sample_header(void)
{
	static const struct tracefile_column pcols[] = {
		{ "pid", TRACEFILE_TYPE_U64 },
		{ "comm", TRACEFILE_TYPE_STRING },
	};
	struct tracefile_meta *m = tracefile_meta_new();
	struct tracefile_table *t;
	struct tracefile_cell row[2];

	tracefile_meta_set_string(m, "host", "testhost");
	tracefile_meta_set_string(m, "kernel_release", "6.1.0-18-amd64");
	tracefile_meta_set_string(m, "tool_version", "kvmirq 0.1");
	tracefile_meta_set_u64(m, "schema_version", 3);
	tracefile_meta_set_u64(m, "start_time_ns", 1700000000123456789ull);
	tracefile_meta_set_string(m, "attach_strategy", "fentry");
	tracefile_meta_set_raw(m, "future.blob", 77, "\x01\x02\x00\x03", 4);
	t = tracefile_meta_add_table(m, "processes", pcols, 2,
				     TRACEFILE_TABLE_REPLACE);
	row[0].u64 = 1234;
	row[0].str = NULL;
	row[1].u64 = 0;
	row[1].str = "qemu-system-x86";
	tracefile_table_add_row(t, row);
	row[0].u64 = 1;
	row[1].str = "init";
	tracefile_table_add_row(t, row);
	return m;
}

/* Write nrec records (timestamps = 1000 + i) with the given chunk size;
 * optionally a metadata update in the middle; optionally no close. */
static struct blob make_file(uint64_t nrec, size_t chunk_size, int with_meta,
			     int do_close)
{
	struct tracefile_writer_options o;
	struct tracefile_writer *w;
	struct tracefile_meta *h = sample_header();
	char *path = tmp_path("mk");
	struct blob b;
	uint8_t buf[512];
	uint64_t i;
	int rc;

	tracefile_writer_options_init(&o);
	o.chunk_size = chunk_size;
	rc = tracefile_writer_open(&w, path, h, &o);
	CHECKF(rc == 0, "%s", tracefile_writer_error(w));
	for (i = 0; i < nrec; i++) {
		size_t l = make_record(i, buf);

		rc = tracefile_writer_append_record_ts(w, 1000 + i, buf, l);
		if (!CHECKF(rc == 0, "%s", tracefile_writer_error(w)))
			break;
		if (with_meta && i == nrec / 2) {
			static const struct tracefile_column pcols[] = {
				{ "pid", TRACEFILE_TYPE_U64 },
				{ "comm", TRACEFILE_TYPE_STRING },
			};
			struct tracefile_meta *u = tracefile_meta_new();
			struct tracefile_table *t = tracefile_meta_add_table(
				u, "processes", pcols, 2,
				TRACEFILE_TABLE_APPEND);
			struct tracefile_cell row1[2] = { { 4321, NULL },
							  { 0, "vhost-4321" } };
			struct tracefile_cell row2[2] = { { 5, NULL },
							  { 0, "x" } };

			tracefile_table_add_row(t, row1);
			tracefile_table_add_row(t, row2);
			tracefile_meta_set_u64(u, "drops.ringbuf", 17);
			rc = tracefile_writer_write_metadata(w, u);
			CHECKF(rc == 0, "%s", tracefile_writer_error(w));
			tracefile_meta_free(u);
		}
	}
	if (do_close) {
		rc = tracefile_writer_close(w);
		CHECKF(rc == 0, "%s", tracefile_writer_error(w));
	}
	tracefile_writer_free(w);
	tracefile_meta_free(h);
	b = slurp(path);
	unlink(path);
	free(path);
	return b;
}

struct readres {
	int open_rc;
	int rc;			/* final next_record rc */
	uint64_t nrec;
	int recs_ok;		/* all records matched make_record(i) */
	int truncated;
	char err[512];
	char warn[512];
};

static void read_reader(struct tracefile_reader *r, int open_rc,
			struct readres *res)
{
	const void *rec;
	size_t len;

	memset(res, 0, sizeof(*res));
	res->open_rc = open_rc;
	res->recs_ok = 1;
	if (open_rc == 0) {
		while ((res->rc = tracefile_reader_next_record(r, &rec, &len)) == 1) {
			if (!record_matches(res->nrec, rec, len))
				res->recs_ok = 0;
			res->nrec++;
		}
		res->truncated = tracefile_reader_truncated(r);
		if (tracefile_reader_warning(r))
			snprintf(res->warn, sizeof(res->warn), "%s",
				 tracefile_reader_warning(r));
	}
	snprintf(res->err, sizeof(res->err), "%s", tracefile_error(r));
}

static void read_mem(const uint8_t *p, size_t len, struct readres *res)
{
	struct tracefile_reader *r;
	int rc = tracefile_reader_open_memory(&r, p, len);

	read_reader(r, rc, res);
	tracefile_reader_free(r);
}

struct chunkmap {
	size_t n;
	uint64_t end[4096];
	uint64_t start[4096];
	unsigned type[4096];
	uint64_t recs_before_end[4096];	/* cumulative records incl. chunk */
	uint64_t header_end;
};

static void map_chunks(const struct blob *b, struct chunkmap *cm)
{
	struct tracefile_reader *r;
	struct tracefile_chunk_info ci;
	uint64_t recs = 0;

	memset(cm, 0, sizeof(*cm));
	CHECK(tracefile_reader_open_memory(&r, b->p, b->len) == 0);
	cm->header_end = TF_FH_LEN + tf_get_le32(b->p + TF_FH_OFF_BODY_LEN);
	while (tracefile_reader_next_chunk(r, &ci) == 1 && cm->n < 4096) {
		if (ci.type == TRACEFILE_CHUNK_RECORDS)
			recs += ci.count;
		cm->start[cm->n] = ci.offset;
		cm->end[cm->n] = ci.offset + TF_CH_HDR_LEN + ci.compressed_size;
		cm->type[cm->n] = ci.type;
		cm->recs_before_end[cm->n] = recs;
		cm->n++;
	}
	tracefile_reader_free(r);
}

/* Chunk header + zlib payload with valid CRCs, for crafted files. */
static size_t build_chunk(uint8_t *out, unsigned type, const void *payload,
			  size_t plen, uint32_t count, uint32_t usize_override)
{
	uLongf clen = compressBound(plen);
	uint32_t usize = usize_override ? usize_override : (uint32_t)plen;

	compress2(out + TF_CH_HDR_LEN, &clen, payload, plen, 6);
	memcpy(out, TF_CHUNK_MAGIC, 4);
	tf_put_le16(out + TF_CH_OFF_TYPE, (uint16_t)type);
	tf_put_le16(out + TF_CH_OFF_FLAGS, 0);
	tf_put_le32(out + TF_CH_OFF_USIZE, usize);
	tf_put_le32(out + TF_CH_OFF_CSIZE, (uint32_t)clen);
	tf_put_le32(out + TF_CH_OFF_COUNT, count);
	tf_put_le32(out + TF_CH_OFF_PAYLOAD_CRC,
		    (uint32_t)crc32(0, out + TF_CH_HDR_LEN, (uInt)clen));
	memset(out + TF_CH_OFF_FIRST_TS, 0, 20);
	tf_put_le32(out + TF_CH_OFF_HDR_CRC,
		    (uint32_t)crc32(0, out, TF_CH_OFF_HDR_CRC));
	return TF_CH_HDR_LEN + clen;
}

/* Re-seal a chunk header's CRC after editing fields. */
static void reseal_chunk(uint8_t *hdr)
{
	tf_put_le32(hdr + TF_CH_OFF_HDR_CRC,
		    (uint32_t)crc32(0, hdr, TF_CH_OFF_HDR_CRC));
}

/* Minimal valid file header without metadata. */
static size_t build_file_header(uint8_t *out, uint32_t version)
{
	memcpy(out, TF_MAGIC, 8);
	tf_put_le32(out + 8, version);
	tf_put_le32(out + 12, 0);
	tf_put_le32(out + 16, 0);
	tf_put_le32(out + 20, (uint32_t)crc32(0, out, 20));
	return TF_FH_LEN;
}

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_varint(void)
{
	static const uint64_t vals[] = {
		0, 1, 127, 128, 255, 300, 16383, 16384, 2097151, 2097152,
		UINT32_MAX, (uint64_t)UINT32_MAX + 1, 1ull << 56,
		(1ull << 63) - 1, 1ull << 63, UINT64_MAX,
	};
	static const int64_t svals[] = {
		0, 1, -1, 63, -64, 64, -65, INT32_MIN, INT32_MAX,
		INT64_MAX, INT64_MIN,
	};
	uint8_t b[16];
	uint64_t v;
	int64_t s;
	size_t i, n;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		n = varint_encode_u64(vals[i], b);
		CHECK(n == varint_size(vals[i]));
		CHECK(n >= 1 && n <= VARINT_MAX_LEN);
		CHECK(varint_decode_u64(b, n, &v) == (int)n && v == vals[i]);
		/* every shorter prefix is "truncated" */
		while (n-- > 0)
			CHECK(varint_decode_u64(b, n, &v) == -ENODATA);
	}
	CHECK(varint_size(UINT64_MAX) == 10);
	CHECK(varint_size(127) == 1 && varint_size(128) == 2);
	for (i = 0; i < sizeof(svals) / sizeof(svals[0]); i++) {
		n = varint_encode_s64(svals[i], b);
		CHECK(varint_decode_s64(b, n, &s) == (int)n && s == svals[i]);
	}
	CHECK(zigzag_encode(0) == 0 && zigzag_encode(-1) == 1 &&
	      zigzag_encode(1) == 2 && zigzag_encode(-2) == 3);
	CHECK(zigzag_encode(INT64_MIN) == UINT64_MAX);
	CHECK(zigzag_decode(UINT64_MAX) == INT64_MIN);
	/* overlong encodings rejected */
	memcpy(b, "\x80\x00", 2);
	CHECK(varint_decode_u64(b, 2, &v) == -EILSEQ);
	memcpy(b, "\xff\x80\x00", 3);
	CHECK(varint_decode_u64(b, 3, &v) == -EILSEQ);
	/* 11 bytes / 10th byte > 1 overflow */
	memset(b, 0xff, 11);
	CHECK(varint_decode_u64(b, 11, &v) == -EOVERFLOW);
	memset(b, 0x80, 9);
	b[9] = 0x02;
	CHECK(varint_decode_u64(b, 10, &v) == -EOVERFLOW);
	b[9] = 0x01;
	CHECK(varint_decode_u64(b, 10, &v) == 10 && v == 1ull << 63);
	/* out is untouched on error */
	v = 42;
	CHECK(varint_decode_u64(b, 0, &v) == -ENODATA && v == 42);
	CHECK(varint_decode_u64(NULL, 0, &v) == -ENODATA);
}

static void test_roundtrip_many(void)
{
	struct blob b = make_file(20000, 4096, 0, 1);
	struct readres res;
	struct tracefile_reader *r;
	struct tracefile_chunk_info ci;
	struct tracefile_reader_stats st;
	uint64_t chunks = 0, recs = 0, v;
	int rc, ts_ok = 1;
	char *path = tmp_path("rt");
	int fd;

	read_mem(b.p, b.len, &res);
	CHECKF(res.open_rc == 0 && res.rc == 0, "%s", res.err);
	CHECK(res.nrec == 20000);
	CHECK(res.recs_ok);
	CHECK(res.warn[0] == '\0');
	CHECK(!res.truncated);

	/* chunk walk: many chunks, timestamps cover the records */
	CHECK(tracefile_reader_open_memory(&r, b.p, b.len) == 0);
	while ((rc = tracefile_reader_next_chunk(r, &ci)) == 1) {
		CHECK(ci.index == chunks);
		chunks++;
		if (ci.type == TRACEFILE_CHUNK_RECORDS) {
			if (!ci.has_timestamps ||
			    ci.first_timestamp != 1000 + recs ||
			    ci.last_timestamp != 1000 + recs + ci.count - 1)
				ts_ok = 0;
			recs += ci.count;
			CHECK(ci.uncompressed_size <= 4096 + 300);
		}
	}
	CHECK(rc == 0);
	CHECK(ts_ok);
	CHECK(chunks > 100);
	CHECK(recs == 20000);
	tracefile_reader_stats(r, &st);
	CHECK(st.trailer_seen && !st.truncated && st.records == 0);
	CHECK(st.bytes == b.len);
	CHECK(tracefile_reader_trailer(r) != NULL);
	CHECK(tracefile_meta_get_u64(tracefile_reader_trailer(r), "records",
				     &v) == 0 && v == 20000);
	CHECK(tracefile_reader_version(r) == 1);
	tracefile_reader_free(r);

	/* by path (pread) */
	spit(path, b.p, b.len);
	rc = tracefile_reader_open_path(&r, path);
	read_reader(r, rc, &res);
	CHECKF(res.open_rc == 0 && res.rc == 0 && res.nrec == 20000 &&
	       res.recs_ok, "%s", res.err);
	/* rewind and read again */
	CHECK(tracefile_reader_rewind(r) == 0);
	read_reader(r, 0, &res);
	CHECK(res.rc == 0 && res.nrec == 20000 && res.recs_ok);
	tracefile_reader_free(r);

	/* fd at a non-zero offset: trace embedded after 5 bytes */
	{
		uint8_t *p2 = malloc(b.len + 5);

		memcpy(p2, "junk!", 5);
		memcpy(p2 + 5, b.p, b.len);
		spit(path, p2, b.len + 5);
		free(p2);
		fd = open(path, O_RDONLY);
		CHECK(lseek(fd, 5, SEEK_SET) == 5);
		rc = tracefile_reader_open_fd(&r, fd);
		read_reader(r, rc, &res);
		CHECKF(res.open_rc == 0 && res.rc == 0 && res.nrec == 20000 &&
		       res.recs_ok, "%s", res.err);
		tracefile_reader_free(r);
		CHECK(fcntl(fd, F_GETFD) != -1);	/* fd not closed */
		close(fd);
	}
	unlink(path);
	free(path);
	free(b.p);
}

/* Feed bytes through a pipe from a child process. */
static int pipe_from(const uint8_t *p, size_t len)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		size_t done = 0;

		close(pfd[0]);
		while (done < len) {
			ssize_t k = write(pfd[1], p + done,
					  len - done < 777 ? len - done : 777);
			if (k <= 0)
				_exit(1);
			done += (size_t)k;
		}
		_exit(0);
	}
	close(pfd[1]);
	return pfd[0];
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void test_pipe(void)
{
	struct blob b = make_file(3000, 2048, 1, 1);
	struct tracefile_reader *r;
	struct readres res;
	int fd, rc;

	fd = pipe_from(b.p, b.len);
	rc = tracefile_reader_open_fd(&r, fd);
	read_reader(r, rc, &res);
	CHECKF(res.open_rc == 0 && res.rc == 0 && res.nrec == 3000 &&
	       res.recs_ok && !res.truncated, "%s", res.err);
	CHECK(tracefile_reader_rewind(r) == -ESPIPE);
	CHECK(contains(tracefile_error(r), "not seekable"));
	CHECK(tracefile_reader_load_metadata(r) == -ESPIPE);
	tracefile_reader_free(r);
	close(fd);

	/* truncated stream */
	fd = pipe_from(b.p, b.len - 1000);
	rc = tracefile_reader_open_fd(&r, fd);
	read_reader(r, rc, &res);
	CHECKF(res.open_rc == 0 && res.rc == 0 && res.recs_ok &&
	       res.truncated && contains(res.warn, "truncated after chunk"),
	       "%s / %s", res.err, res.warn);
	CHECKF(res.nrec < 3000 && res.nrec > 2000, "nrec %" PRIu64, res.nrec);
	tracefile_reader_free(r);
	close(fd);
	reap();
	free(b.p);
}

static void check_processes(const struct tracefile_meta *m, size_t rows)
{
	const struct tracefile_table *t = tracefile_meta_get_table(m, "processes");
	struct tracefile_column col;
	uint64_t v;
	size_t len;

	if (!CHECK(t != NULL))
		return;
	CHECK(tracefile_table_nrows(t) == rows);
	CHECK(tracefile_table_ncols(t) == 2);
	CHECK(tracefile_table_column(t, 1, &col) == 0 &&
	      strcmp(col.name, "comm") == 0 && col.type == TRACEFILE_TYPE_STRING);
	CHECK(tracefile_table_find_column(t, "pid") == 0);
	CHECK(tracefile_table_find_column(t, "nope") == -ENOENT);
	CHECK(tracefile_table_get_u64(t, 0, 0, &v) == 0 && v == 1234);
	CHECK(strcmp(tracefile_table_get_string(t, 0, 1, &len),
		     "qemu-system-x86") == 0 && len == 15);
	CHECK(tracefile_table_get_u64(t, 0, 1, &v) == -EINVAL);
	CHECK(tracefile_table_get_string(t, 0, 0, NULL) == NULL);
	CHECK(tracefile_table_get_u64(t, rows, 0, &v) == -ENOENT);
	CHECK(strcmp(tracefile_table_get_string(t, 1, 1, NULL), "init") == 0);
	/* by name: the value, or 0 / "" for a missing column, wrong type or row */
	CHECK(tracefile_table_u64_by_name(t, 0, "pid") == 1234);
	CHECK(strcmp(tracefile_table_string_by_name(t, 1, "comm"), "init") == 0);
	CHECK(tracefile_table_u64_by_name(t, 0, "nope") == 0);
	CHECK(tracefile_table_u64_by_name(t, 0, "comm") == 0);
	CHECK(strcmp(tracefile_table_string_by_name(t, 0, "pid"), "") == 0);
	CHECK(strcmp(tracefile_table_string_by_name(t, rows, "comm"), "") == 0);
	if (rows > 2) {
		CHECK(tracefile_table_get_u64(t, 2, 0, &v) == 0 && v == 4321);
		CHECK(strcmp(tracefile_table_get_string(t, 2, 1, NULL),
			     "vhost-4321") == 0);
		CHECK(strcmp(tracefile_table_get_string(t, 3, 1, NULL), "x") == 0);
	}
}

static void check_header_meta(const struct tracefile_meta *m)
{
	struct tracefile_entry e;
	uint64_t v;

	CHECK(strcmp(tracefile_meta_get_string(m, "host"), "testhost") == 0);
	CHECK(strcmp(tracefile_meta_get_string(m, "kernel_release"),
		     "6.1.0-18-amd64") == 0);
	CHECK(tracefile_meta_get_u64(m, "schema_version", &v) == 0 && v == 3);
	CHECK(tracefile_meta_get_u64(m, "start_time_ns", &v) == 0 &&
	      v == 1700000000123456789ull);
	CHECK(tracefile_meta_get_u64(m, "host", &v) == -EINVAL);
	CHECK(tracefile_meta_get_u64(m, "missing", &v) == -ENOENT);
	CHECK(tracefile_meta_get_string(m, "schema_version") == NULL);
	/* unknown entry type preserved as raw bytes */
	CHECK(tracefile_meta_find(m, "future.blob", &e) == 0 && e.type == 77 &&
	      e.raw_len == 4 && memcmp(e.raw, "\x01\x02\x00\x03", 4) == 0);
	/* insertion order preserved */
	CHECK(tracefile_meta_entry(m, 0, &e) == 0 && strcmp(e.key, "host") == 0);
	CHECK(tracefile_meta_entry(m, 7, &e) == 0 &&
	      strcmp(e.key, "processes") == 0 && e.type == TRACEFILE_TYPE_TABLE);
}

static void test_meta_roundtrip(void)
{
	struct blob b = make_file(1000, 1024, 1, 1);
	struct tracefile_reader *r;
	const struct tracefile_meta *m;
	struct readres res;
	uint64_t v;
	int rc;

	/* header view and merged view after a full read */
	rc = tracefile_reader_open_memory(&r, b.p, b.len);
	CHECKF(rc == 0, "%s", tracefile_error(r));
	m = tracefile_reader_header(r);
	CHECK(tracefile_meta_count(m) == 8);
	check_header_meta(m);
	{
		struct tracefile_entry e;

		CHECK(tracefile_meta_entry(m, 8, &e) == -ENOENT);
	}
	check_processes(m, 2);
	check_processes(tracefile_reader_meta(r), 2);
	CHECK(tracefile_meta_get_u64(tracefile_reader_meta(r), "drops.ringbuf",
				     &v) == -ENOENT);
	read_reader(r, 0, &res);
	CHECKF(res.rc == 0 && res.nrec == 1000 && res.recs_ok, "%s", res.err);
	m = tracefile_reader_meta(r);
	check_header_meta(m);
	check_processes(m, 4);
	CHECK(tracefile_meta_get_u64(m, "drops.ringbuf", &v) == 0 && v == 17);
	check_processes(tracefile_reader_header(r), 2);
	/* reading again does not append the rows twice */
	CHECK(tracefile_reader_rewind(r) == 0);
	read_reader(r, 0, &res);
	CHECK(res.rc == 0 && res.nrec == 1000);
	check_processes(tracefile_reader_meta(r), 4);
	tracefile_reader_free(r);

	/* load_metadata: final metadata before reading records */
	rc = tracefile_reader_open_memory(&r, b.p, b.len);
	CHECK(rc == 0);
	CHECK(tracefile_reader_load_metadata(r) == 0);
	check_processes(tracefile_reader_meta(r), 4);
	CHECK(tracefile_reader_trailer(r) != NULL);
	read_reader(r, 0, &res);
	CHECK(res.rc == 0 && res.nrec == 1000 && res.recs_ok);
	check_processes(tracefile_reader_meta(r), 4);
	tracefile_reader_free(r);
	free(b.p);
}

static void test_meta_api(void)
{
	static const struct tracefile_column cols[] = {
		{ "id", TRACEFILE_TYPE_U64 }, { "name", TRACEFILE_TYPE_STRING },
	};
	static const struct tracefile_column bad[] = {
		{ "id", TRACEFILE_TYPE_TABLE },
	};
	struct tracefile_meta *a = tracefile_meta_new(), *u = tracefile_meta_new();
	struct tracefile_table *t;
	struct tracefile_cell row[2] = { { 1, NULL }, { 0, "one" } };
	struct tracefile_entry e;
	uint64_t v;
	char key[40];
	int i, ok = 1;

	CHECK(tracefile_meta_set_u64(a, "", 1) == -EINVAL);
	CHECK(tracefile_meta_set_u64(a, NULL, 1) == -EINVAL);
	CHECK(tracefile_meta_set_string(a, "k", NULL) == -EINVAL);
	CHECK(tracefile_meta_set_raw(a, "k", 1, "x", 1) == -EINVAL);
	CHECK(tracefile_meta_set_raw(a, "k", 256, "x", 1) == -EINVAL);
	CHECK(tracefile_meta_add_table(a, "t", bad, 1, TRACEFILE_TABLE_APPEND) == NULL);
	CHECK(tracefile_meta_add_table(a, "t", cols, 0, TRACEFILE_TABLE_APPEND) == NULL);
	CHECK(tracefile_meta_count(a) == 0);
	/* replace keeps position and changes type */
	CHECK(tracefile_meta_set_u64(a, "x", 1) == 0);
	CHECK(tracefile_meta_set_u64(a, "y", 2) == 0);
	CHECK(tracefile_meta_set_string(a, "x", "str") == 0);
	CHECK(tracefile_meta_count(a) == 2);
	CHECK(tracefile_meta_entry(a, 0, &e) == 0 && e.type == TRACEFILE_TYPE_STRING &&
	      strcmp(e.str, "str") == 0);
	/* many keys: hash index */
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key.%d", i);
		tracefile_meta_set_u64(a, key, (uint64_t)i * 3);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key.%d", i);
		if (tracefile_meta_get_u64(a, key, &v) || v != (uint64_t)i * 3)
			ok = 0;
	}
	CHECK(ok);
	CHECK(tracefile_meta_count(a) == 5002);

	t = tracefile_meta_add_table(a, "tab", cols, 2, TRACEFILE_TABLE_REPLACE);
	CHECK(t && tracefile_table_add_row(t, row) == 0);
	CHECK(tracefile_table_mode(t) == TRACEFILE_TABLE_REPLACE);
	/* apply: append with same columns */
	t = tracefile_meta_add_table(u, "tab", cols, 2, TRACEFILE_TABLE_APPEND);
	row[0].u64 = 2;
	row[1].str = "two";
	tracefile_table_add_row(t, row);
	tracefile_meta_set_u64(u, "y", 99);
	CHECK(tracefile_meta_apply(a, u) == 0);
	CHECK(tracefile_table_nrows(tracefile_meta_get_table(a, "tab")) == 2);
	CHECK(tracefile_meta_get_u64(a, "y", &v) == 0 && v == 99);
	/* apply: replace */
	t = tracefile_meta_add_table(u, "tab", cols, 2, TRACEFILE_TABLE_REPLACE);
	CHECK(tracefile_meta_apply(a, u) == 0);
	CHECK(tracefile_table_nrows(tracefile_meta_get_table(a, "tab")) == 0);
	/* apply: append with different columns fails */
	t = tracefile_meta_add_table(u, "tab", cols, 1, TRACEFILE_TABLE_APPEND);
	CHECK(tracefile_meta_apply(a, u) == -EBADMSG);
	CHECK(tracefile_meta_apply(a, a) == -EINVAL);
	CHECK(tracefile_meta_apply(NULL, a) == -EINVAL);
	tracefile_meta_free(a);
	tracefile_meta_free(u);
}

/* Cut a small file at every byte offset. */
static void test_truncation_every_offset(void)
{
	struct blob b = make_file(120, 600, 1, 1);
	struct chunkmap *cm = malloc(sizeof(*cm));
	size_t cut, k;
	int bad = 0, checked = 0;

	map_chunks(&b, cm);
	CHECK(cm->n >= 6);
	for (cut = 0; cut <= b.len; cut++) {
		struct readres res;
		uint64_t expect = 0, whole = 0;
		uint8_t *copy = malloc(cut ? cut : 1);

		/* exact-size copy so ASan sees any overread */
		memcpy(copy, b.p, cut);
		read_mem(copy, cut, &res);
		free(copy);
		checked++;
		if (cut < cm->header_end) {
			if (res.open_rc != (cut == 0 ? -ENODATA : -ENODATA) ||
			    !(cut == 0 ? contains(res.err, "empty")
				       : contains(res.err, "header truncated at byte"))) {
				if (bad++ < 5)
					fprintf(stderr, "cut %zu: rc %d '%s'\n",
						cut, res.open_rc, res.err);
			}
			continue;
		}
		for (k = 0; k < cm->n; k++)
			if (cm->end[k] <= cut) {
				expect = cm->recs_before_end[k];
				whole = k + 1;
			}
		if (cut == b.len) {
			if (!(res.rc == 0 && res.nrec == 120 && res.recs_ok &&
			      !res.truncated && res.warn[0] == '\0'))
				bad++;
			continue;
		}
		if (res.open_rc != 0 || res.rc != 0 || res.nrec != expect ||
		    !res.recs_ok || !res.truncated ||
		    !contains(res.warn, "trailer missing") ||
		    !contains(res.warn, whole ? "file truncated after chunk"
					      : "file truncated before the first chunk")) {
			if (bad++ < 5)
				fprintf(stderr,
					"cut %zu: open %d rc %d nrec %" PRIu64
					" expect %" PRIu64 " err '%s' warn '%s'\n",
					cut, res.open_rc, res.rc, res.nrec,
					expect, res.err, res.warn);
		}
	}
	CHECKF(bad == 0, "%d of %d cuts misbehaved", bad, checked);

	/* the exact message for a cut inside chunk 3 */
	{
		struct readres res;
		char want[256];
		size_t c = (size_t)cm->start[3] + 10;

		read_mem(b.p, c, &res);
		snprintf(want, sizeof(want),
			 "file truncated after chunk 2 (byte %" PRIu64 " of %zu): %"
			 PRIu64 " records read; trailer missing",
			 cm->end[2], c, cm->recs_before_end[2]);
		CHECKF(strcmp(res.warn, want) == 0, "got '%s' want '%s'",
		       res.warn, want);
	}

	/* metadata written before the cut survives, after the cut it doesn't */
	{
		struct tracefile_reader *r;
		size_t meta_k = 0;
		uint64_t v;

		for (k = 0; k < cm->n; k++)
			if (cm->type[k] == TRACEFILE_CHUNK_METADATA)
				meta_k = k;
		CHECK(meta_k > 0);
		CHECK(tracefile_reader_open_memory(&r, b.p, cm->end[meta_k]) == 0);
		CHECK(tracefile_reader_load_metadata(r) == 0);
		CHECK(tracefile_reader_truncated(r));
		CHECK(tracefile_meta_get_u64(tracefile_reader_meta(r),
					     "drops.ringbuf", &v) == 0 && v == 17);
		tracefile_reader_free(r);
		CHECK(tracefile_reader_open_memory(&r, b.p, cm->end[meta_k] - 1) == 0);
		CHECK(tracefile_reader_load_metadata(r) == 0);
		CHECK(tracefile_meta_get_u64(tracefile_reader_meta(r),
					     "drops.ringbuf", &v) == -ENOENT);
		tracefile_reader_free(r);
	}

	/* a few cuts through a real file (pread path) too */
	{
		char *path = tmp_path("cut");
		size_t cuts[] = { 24, (size_t)cm->end[1] + 1, (size_t)cm->end[2],
				  b.len - 1 };

		for (k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			struct tracefile_reader *r;
			struct readres res, mres;
			int rc;

			spit(path, b.p, cuts[k]);
			rc = tracefile_reader_open_path(&r, path);
			read_reader(r, rc, &res);
			tracefile_reader_free(r);
			read_mem(b.p, cuts[k], &mres);
			CHECK(res.open_rc == mres.open_rc && res.rc == mres.rc &&
			      res.nrec == mres.nrec &&
			      strcmp(res.warn, mres.warn) == 0 &&
			      strcmp(res.err, mres.err) == 0);
		}
		unlink(path);
		free(path);
	}
	free(cm);
	free(b.p);
}

/* A file left without close(): reads to the last flushed chunk. */
static void test_unclosed(void)
{
	struct blob b = make_file(500, 1024, 0, 0);
	struct readres res;

	read_mem(b.p, b.len, &res);
	CHECK(res.open_rc == 0 && res.rc == 0 && res.recs_ok);
	CHECK(res.nrec > 0 && res.nrec < 500);
	CHECK(res.truncated && contains(res.warn, "trailer missing"));
	free(b.p);
}

/* Flip every bit of a small file: every flip must give an error naming the
 * right place; no crash, no record from the damaged chunk or later. */
static void test_bitflips(void)
{
	struct blob b = make_file(40, 400, 1, 1);
	struct chunkmap *cm = malloc(sizeof(*cm));
	uint8_t *copy = malloc(b.len);
	size_t off, k;
	int bit, bad = 0, n = 0;

	map_chunks(&b, cm);
	for (off = 0; off < b.len; off++) {
		for (bit = 0; bit < 8; bit++) {
			struct readres res;
			char where[64];
			uint64_t max_recs = 0;

			memcpy(copy, b.p, b.len);
			copy[off] ^= (uint8_t)(1u << bit);
			read_mem(copy, b.len, &res);
			n++;
			if (off < cm->header_end) {
				if (res.open_rc >= 0 ||
				    !(contains(res.err, "header") ||
				      contains(res.err, "not a kvmirq trace file") ||
				      contains(res.err, "version"))) {
					if (bad++ < 5)
						fprintf(stderr, "flip %zu.%d: open %d '%s'\n",
							off, bit, res.open_rc, res.err);
				}
				continue;
			}
			for (k = 0; k < cm->n && cm->end[k] <= off; k++)
				;
			if (k > 0)
				max_recs = cm->recs_before_end[k - 1];
			snprintf(where, sizeof(where), "chunk %zu at byte %" PRIu64 ": ",
				 k, cm->start[k]);
			if (res.open_rc != 0 || res.rc >= 0 ||
			    strncmp(res.err, where, strlen(where)) != 0 ||
			    res.nrec > max_recs || !res.recs_ok) {
				if (bad++ < 5)
					fprintf(stderr,
						"flip %zu.%d: rc %d nrec %" PRIu64
						" err '%s' (want '%s')\n",
						off, bit, res.rc, res.nrec,
						res.err, where);
			}
		}
	}
	CHECKF(bad == 0, "%d of %d bit flips misreported", bad, n);
	free(cm);
	free(copy);
	free(b.p);
}

/* A FIFO is refused, not waited on for a writer (SIGALRM ends a hang). */
static void test_open_fifo(void)
{
	char dir[] = "/tmp/test_tracefile.XXXXXX", fifo[64];
	struct tracefile_reader *r;
	int rc;

	if (!CHECK(mkdtemp(dir) != NULL))
		return;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	alarm(10);
	rc = tracefile_reader_open_path(&r, fifo);
	alarm(0);
	CHECK(rc == -EINVAL && contains(tracefile_error(r), "not a regular file (a FIFO)"));
	tracefile_reader_free(r);
	unlink(fifo);
	rmdir(dir);
}

static void test_bad_headers(void)
{
	uint8_t f[256];
	struct readres res;
	struct tracefile_reader *r;
	int rc;

	read_mem((const uint8_t *)"hello world, this is text\n", 26, &res);
	CHECK(res.open_rc == -EMEDIUMTYPE &&
	      contains(res.err, "not a kvmirq trace file"));
	read_mem((const uint8_t *)"\x1f\x8b\x08\x00\x00\x00", 6, &res);
	CHECK(res.open_rc == -EMEDIUMTYPE && contains(res.err, "gzip"));
	read_mem((const uint8_t *)"", 0, &res);
	CHECK(res.open_rc == -ENODATA && contains(res.err, "empty"));
	read_mem((const uint8_t *)"KVM", 3, &res);
	CHECK(res.open_rc == -ENODATA &&
	      strcmp(res.err, "header truncated at byte 3 (the file header needs 24 bytes)") == 0);
	read_mem((const uint8_t *)"KVx", 3, &res);
	CHECK(res.open_rc == -EMEDIUMTYPE);

	/* newer version */
	build_file_header(f, 3);
	read_mem(f, TF_FH_LEN, &res);
	CHECKF(res.open_rc == -ENOTSUP &&
	       strcmp(res.err, "trace file version 3 is newer than this kvmirq (supports 1)") == 0,
	       "%s", res.err);
	build_file_header(f, 0);
	read_mem(f, TF_FH_LEN, &res);
	CHECK(res.open_rc == -EBADMSG && contains(res.err, "version 0"));

	/* valid empty header, no chunks: warning, no records */
	build_file_header(f, 1);
	read_mem(f, TF_FH_LEN, &res);
	CHECK(res.open_rc == 0 && res.rc == 0 && res.nrec == 0 &&
	      strcmp(res.warn, "file truncated before the first chunk (byte 24 of 24): 0 records read; trailer missing") == 0);

	/* huge header length: rejected before allocating */
	build_file_header(f, 1);
	tf_put_le32(f + 16, 0xfffffff0u);
	read_mem(f, TF_FH_LEN, &res);
	CHECK(res.open_rc == -EBADMSG && contains(res.err, "exceeds the limit"));
	/* header length beyond the end of the file */
	tf_put_le32(f + 16, 1000);
	read_mem(f, TF_FH_LEN + 10, &res);
	CHECK(res.open_rc == -ENODATA &&
	      contains(res.err, "header truncated at byte 34 (the file header needs 1024 bytes)"));

	/* API misuse */
	CHECK(tracefile_reader_open_memory(NULL, f, 10) == -EINVAL);
	rc = tracefile_reader_open_memory(&r, NULL, 10);
	CHECK(rc == -EINVAL && r != NULL);
	CHECK(tracefile_reader_next_record(r, NULL, NULL) == -EINVAL);
	tracefile_reader_free(r);
	rc = tracefile_reader_open_path(&r, "/nonexistent/kvmirq.trace");
	CHECK(rc == -ENOENT && contains(tracefile_error(r), "cannot open '/nonexistent/kvmirq.trace'"));
	tracefile_reader_free(r);
	rc = tracefile_reader_open_path(&r, "/");
	CHECK(rc == -EISDIR && contains(tracefile_error(r), "not a regular file (a directory)"));
	tracefile_reader_free(r);
	test_open_fifo();
	tracefile_reader_free(NULL);
}

/* Build header + given chunk bytes; read; return result. */
static void read_crafted(const uint8_t *chunks, size_t clen, struct readres *res)
{
	uint8_t *f = malloc(TF_FH_LEN + clen);

	build_file_header(f, 1);
	memcpy(f + TF_FH_LEN, chunks, clen);
	read_mem(f, TF_FH_LEN + clen, res);
	free(f);
}

static void test_crafted_chunks(void)
{
	uint8_t *c = malloc(1 << 20);
	uint8_t pay[256];
	struct readres res;
	size_t n, p;

	/* record 1's length overruns the chunk */
	p = 0;
	pay[p++] = 2; pay[p++] = 'a'; pay[p++] = 'b';	/* record 0 */
	pay[p++] = 50; pay[p++] = 'x';			/* record 1: 50 > 1 */
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, p, 2, 0);
	read_crafted(c, n, &res);
	CHECKF(res.rc == -EBADMSG && res.nrec == 0 &&
	       contains(res.err, "chunk 0 at byte 24: record 1 at payload offset 3: length 50 overruns the chunk"),
	       "%s", res.err);

	/* trailing bytes after the declared records */
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 3, 0, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "unexpected bytes after the 0 records"));

	/* varint length truncated at the end of the payload */
	pay[0] = 0x80;
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 1, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "truncated record length"));

	/* declared uncompressed size smaller / larger than the real one */
	memset(pay, 1, 100);
	pay[0] = 99;
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 100, 1, 99);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "decompresses to more than"));
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 100, 1, 101);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "decompresses to 100 bytes but the chunk header says 101"));

	/* not a zlib stream, CRCs valid */
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 10, 1, 0);
	memset(c + TF_CH_HDR_LEN, 0x55, n - TF_CH_HDR_LEN);
	tf_put_le32(c + TF_CH_OFF_PAYLOAD_CRC,
		    (uint32_t)crc32(0, c + TF_CH_HDR_LEN, (uInt)(n - TF_CH_HDR_LEN)));
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "chunk 0 at byte 24: zlib error"));

	/* huge sizes rejected without allocating */
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 10, 1, 0);
	tf_put_le32(c + TF_CH_OFF_USIZE, 0xffffffffu);
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "uncompressed size 4294967295 exceeds the limit"));
	tf_put_le32(c + TF_CH_OFF_USIZE, 64u << 20);
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "is impossible for compressed size"));
	tf_put_le32(c + TF_CH_OFF_USIZE, 10);
	tf_put_le32(c + TF_CH_OFF_CSIZE, 0xfffffff0u);
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "compressed size 4294967280 exceeds the limit"));
	/* plausible compressed size beyond the end of file: truncation */
	tf_put_le32(c + TF_CH_OFF_CSIZE, 60u << 20);
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == 0 && res.truncated && contains(res.warn, "before the first chunk"));
	tf_put_le32(c + TF_CH_OFF_USIZE, 11);
	tf_put_le32(c + TF_CH_OFF_CSIZE, 8);
	tf_put_le32(c + TF_CH_OFF_COUNT, 12);
	reseal_chunk(c);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "record count 12 cannot fit in 11 bytes"));

	/* unknown chunk type is skipped; records after it are read */
	n = build_chunk(c, 9, "whatever", 8, 0, 0);
	pay[0] = 3; memcpy(pay + 1, "abc", 3);
	n += build_chunk(c + n, TF_CHUNK_RECORDS, pay, 4, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == 0 && res.nrec == 1 && res.truncated);

	/* zero-filled tail (e.g. after a crash on some filesystems) */
	n = build_chunk(c, TF_CHUNK_RECORDS, pay, 4, 1, 0);
	memset(c + n, 0, 5000);
	read_crafted(c, n + 5000, &res);
	CHECKF(res.rc == 0 && res.nrec == 1 && contains(res.warn, "the rest is zero bytes"),
	       "%s", res.warn);
	/* zeros followed by garbage: an error */
	c[n + 4000] = 1;
	read_crafted(c, n + 5000, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "chunk 1 at byte") &&
	      contains(res.err, "bad chunk magic"));

	free(c);
}

/* Metadata blocks with hostile contents. */
static void test_crafted_metadata(void)
{
	uint8_t *c = malloc(1 << 16);
	uint8_t m[256];
	struct readres res;
	size_t n, p;

	/* table claiming 4 billion rows */
	p = 0;
	m[p++] = TF_T_TABLE; m[p++] = 0;
	tf_put_le16(m + p, 1); p += 2;			/* key len */
	tf_put_le32(m + p, 8 + 4 + 1 + 8); p += 4;	/* value len */
	m[p++] = 'T';
	m[p++] = 0; m[p++] = 0;				/* mode, reserved */
	tf_put_le16(m + p, 1); p += 2;			/* ncols */
	tf_put_le32(m + p, 0xffffffffu); p += 4;	/* nrows */
	m[p++] = TF_T_U64; m[p++] = 0;
	tf_put_le16(m + p, 1); p += 2;
	m[p++] = 'c';
	tf_put_le64(m + p, 7); p += 8;
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	read_crafted(c, n, &res);
	CHECKF(res.rc == -EBADMSG &&
	       contains(res.err, "chunk 0 at byte 24: metadata chunk corrupt: entry 0 at offset 0: table 'T' claims 4294967295 rows"),
	       "%s", res.err);

	/* string value overrunning the block */
	p = 0;
	m[p++] = TF_T_STRING; m[p++] = 0;
	tf_put_le16(m + p, 3); p += 2;
	tf_put_le32(m + p, 1000); p += 4;
	memcpy(m + p, "key", 3); p += 3;
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "key 'key': value length 1000 overruns the block"));

	/* u64 with wrong length, NUL in key, key overrun */
	p = 0;
	m[p++] = TF_T_U64; m[p++] = 0;
	tf_put_le16(m + p, 1); p += 2;
	tf_put_le32(m + p, 4); p += 4;
	m[p++] = 'k';
	memset(m + p, 0, 4); p += 4;
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "has value length 4 (expected 8)"));
	m[8] = 0;
	m[0] = TF_T_STRING;
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "key contains a NUL byte"));
	tf_put_le16(m + 2, 60000);
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "key length 60000 invalid"));

	/* entry count mismatch */
	p = 0;
	m[p++] = 42; m[p++] = 0;		/* unknown type: kept raw */
	tf_put_le16(m + p, 1); p += 2;
	tf_put_le32(m + p, 2); p += 4;
	m[p++] = 'u'; m[p++] = 1; m[p++] = 2;
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 2, 0);
	read_crafted(c, n, &res);
	CHECK(res.rc == -EBADMSG && contains(res.err, "1 entries but the chunk header says 2"));
	n = build_chunk(c, TF_CHUNK_METADATA, m, p, 1, 0);
	{
		struct tracefile_reader *r;
		struct tracefile_entry e;
		uint8_t *f = malloc(TF_FH_LEN + n);

		build_file_header(f, 1);
		memcpy(f + TF_FH_LEN, c, n);
		CHECK(tracefile_reader_open_memory(&r, f, TF_FH_LEN + n) == 0);
		CHECK(tracefile_reader_load_metadata(r) == 0);
		CHECK(tracefile_meta_find(tracefile_reader_meta(r), "u", &e) == 0 &&
		      e.type == 42 && e.raw_len == 2);
		tracefile_reader_free(r);
		free(f);
	}
	free(c);
}

static void test_trailer_checks(void)
{
	struct blob b = make_file(200, 500, 0, 1);
	struct chunkmap *cm = malloc(sizeof(*cm));
	struct readres res;
	uint8_t *f = malloc(b.len + 100);
	size_t len;

	map_chunks(&b, cm);
	/* drop chunk 2 */
	len = (size_t)cm->start[2];
	memcpy(f, b.p, len);
	memcpy(f + len, b.p + cm->end[2], b.len - cm->end[2]);
	len += b.len - cm->end[2];
	read_mem(f, len, &res);
	CHECKF(res.rc == -EBADMSG && contains(res.err, "trailer says 200 records") &&
	       contains(res.err, "chunks missing or duplicated"), "%s", res.err);

	/* data after the trailer: warning */
	memcpy(f, b.p, b.len);
	memcpy(f + b.len, "garbage", 7);
	read_mem(f, b.len + 7, &res);
	CHECK(res.rc == 0 && res.nrec == 200 && !res.truncated &&
	      contains(res.warn, "7 bytes after the trailer"));
	free(f);
	free(cm);
	free(b.p);
}

/* Errors are sticky for iteration; load_metadata()/rewind() start over. */
static void test_error_then_reload(void)
{
	struct blob b = make_file(200, 500, 1, 1);
	struct chunkmap *cm = malloc(sizeof(*cm));
	struct tracefile_reader *r;
	struct readres res;
	const void *rec;
	size_t len;
	int rc;

	map_chunks(&b, cm);
	b.p[cm->start[3] + TF_CH_HDR_LEN + 1] ^= 0x40;	/* payload of chunk 3 */
	CHECK(tracefile_reader_open_memory(&r, b.p, b.len) == 0);
	read_reader(r, 0, &res);
	CHECK(res.rc == -EBADMSG && res.nrec == cm->recs_before_end[2] &&
	      res.recs_ok && contains(res.err, "chunk 3 at byte"));
	CHECK(tracefile_reader_next_record(r, &rec, &len) == -EBADMSG);
	rc = tracefile_reader_load_metadata(r);
	CHECK(rc == -EBADMSG && contains(tracefile_error(r), "chunk 3 at byte"));
	read_reader(r, 0, &res);
	CHECK(res.rc == -EBADMSG && res.nrec == cm->recs_before_end[2]);
	tracefile_reader_free(r);
	free(cm);
	free(b.p);
}

static void test_chunk_skip_and_foreach(void)
{
	struct blob b = make_file(2000, 1000, 0, 1);
	struct tracefile_reader *r;
	struct tracefile_chunk_info ci;
	const void *rec;
	size_t len;
	uint64_t first = 0;
	int rc, count = 0;

	/* skip chunk 0 without reading, then records continue at chunk 1 */
	CHECK(tracefile_reader_open_memory(&r, b.p, b.len) == 0);
	CHECK(tracefile_reader_next_chunk(r, &ci) == 1 && ci.index == 0);
	CHECK(tracefile_reader_next_chunk(r, &ci) == 1 && ci.index == 1);
	first = ci.first_timestamp - 1000;
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1);
	CHECK(record_matches(first, rec, len));
	/* next_chunk mid-chunk drops the rest of chunk 1 */
	CHECK(tracefile_reader_next_chunk(r, &ci) == 1 && ci.index == 2);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1);
	CHECK(record_matches(ci.first_timestamp - 1000, rec, len));
	tracefile_reader_free(r);

	/* plain full read */
	CHECK(tracefile_reader_open_memory(&r, b.p, b.len) == 0);
	while ((rc = tracefile_reader_next_record(r, &rec, &len)) == 1)
		count++;
	CHECK(rc == 0 && count == 2000);
	tracefile_reader_free(r);
	free(b.p);
}

static int g_cb_seen;

static int count_cb(void *ctx, const void *rec, size_t len)
{
	int *limit = ctx;

	if (!record_matches((uint64_t)g_cb_seen, rec, len))
		return -1000;
	return ++g_cb_seen == *limit ? 77 : 0;
}

static void test_foreach(void)
{
	struct blob b = make_file(300, 1000, 0, 1);
	struct tracefile_reader *r;
	int limit = 100;

	CHECK(tracefile_reader_open_memory(&r, b.p, b.len) == 0);
	g_cb_seen = 0;
	CHECK(tracefile_reader_foreach_record(r, count_cb, &limit) == 77);
	CHECK(g_cb_seen == 100);
	limit = -1;
	g_cb_seen = 100;
	CHECK(tracefile_reader_foreach_record(r, count_cb, &limit) == 0);
	CHECK(g_cb_seen == 300);
	tracefile_reader_free(r);
	free(b.p);
}

static void test_writer_edge_cases(void)
{
	struct tracefile_writer_options o;
	struct tracefile_writer *w;
	struct tracefile_writer_stats st;
	struct readres res;
	char *path = tmp_path("edge");
	uint8_t *big = calloc(1, TRACEFILE_MAX_RECORD_SIZE + 1);
	struct blob b;
	const void *rec;
	size_t len;
	struct tracefile_reader *r;
	int rc;

	/* bad options */
	tracefile_writer_options_init(&o);
	o.compression_level = 10;
	rc = tracefile_writer_open(&w, path, NULL, &o);
	CHECK(rc == -EINVAL && contains(tracefile_writer_error(w), "compression level 10"));
	tracefile_writer_free(w);
	o.compression_level = 6;
	o.chunk_size = TRACEFILE_MAX_CHUNK_TARGET + 1;
	rc = tracefile_writer_open(&w, path, NULL, &o);
	CHECK(rc == -EINVAL && contains(tracefile_writer_error(w), "chunk size"));
	tracefile_writer_free(w);
	rc = tracefile_writer_open(&w, "/nonexistent/dir/x.trace", NULL, NULL);
	CHECK(rc == -ENOENT && contains(tracefile_writer_error(w), "cannot create '/nonexistent/dir/x.trace'"));
	tracefile_writer_free(w);

	/* empty recording, zero-length and large records, level 0 */
	o.compression_level = 0;
	o.chunk_size = 0;
	rc = tracefile_writer_open(&w, path, NULL, &o);
	CHECK(rc == 0);
	tracefile_writer_close(w);
	tracefile_writer_free(w);
	b = slurp(path);
	read_mem(b.p, b.len, &res);
	CHECK(res.open_rc == 0 && res.rc == 0 && res.nrec == 0 && res.warn[0] == 0);
	free(b.p);

	o.compression_level = 1;
	rc = tracefile_writer_open(&w, path, NULL, &o);
	CHECK(tracefile_writer_append_record(w, big, TRACEFILE_MAX_RECORD_SIZE + 1) == -EINVAL);
	CHECK(contains(tracefile_writer_error(w), "exceeds the maximum"));
	CHECK(tracefile_writer_append_record(w, NULL, 0) == 0);
	CHECK(tracefile_writer_append_record(w, "a", 1) == 0);
	big[5] = 9;
	CHECK(tracefile_writer_append_record(w, big, TRACEFILE_MAX_RECORD_SIZE) == 0);
	CHECK(tracefile_writer_append_record(w, "b", 1) == 0);
	CHECK(tracefile_writer_flush(w) == 0);
	CHECK(tracefile_writer_flush(w) == 0);	/* no-op */
	CHECK(tracefile_writer_write_metadata(w, NULL) == -EINVAL);
	tracefile_writer_stats(w, &st);
	CHECK(st.records == 4 && st.chunks == 3);
	CHECK(tracefile_writer_close(w) == 0);
	CHECK(tracefile_writer_append_record(w, "a", 1) == -EINVAL);
	CHECK(contains(tracefile_writer_error(w), "already closed"));
	CHECK(tracefile_writer_close(w) == -EINVAL);
	tracefile_writer_free(w);
	CHECK(tracefile_reader_open_path(&r, path) == 0);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1 && len == 0);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1 && len == 1);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1 &&
	      len == TRACEFILE_MAX_RECORD_SIZE && ((const uint8_t *)rec)[5] == 9);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 1 && len == 1 &&
	      memcmp(rec, "b", 1) == 0);
	CHECK(tracefile_reader_next_record(r, &rec, &len) == 0);
	CHECK(tracefile_reader_warning(r) == NULL);
	tracefile_reader_free(r);

	/* free() without close(): like a crash, file reads back truncated */
	rc = tracefile_writer_open(&w, path, NULL, NULL);
	CHECK(tracefile_writer_append_record(w, "x", 1) == 0);
	CHECK(tracefile_writer_flush(w) == 0);
	CHECK(tracefile_writer_append_record(w, "y", 1) == 0);
	tracefile_writer_free(w);
	b = slurp(path);
	read_mem(b.p, b.len, &res);
	CHECK(res.rc == 0 && res.nrec == 1 && res.truncated);
	free(b.p);

	/* writer to a pipe (non-seekable output) */
	{
		int pfd[2];
		uint8_t buf[65536];
		ssize_t k;
		size_t got = 0;

		CHECK(pipe(pfd) == 0);
		rc = tracefile_writer_open_fd(&w, pfd[1], NULL, NULL);
		CHECK(rc == 0);
		CHECK(tracefile_writer_append_record(w, "hello", 5) == 0);
		CHECK(tracefile_writer_close(w) == 0);
		tracefile_writer_free(w);
		close(pfd[1]);
		while ((k = read(pfd[0], buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)k;
		close(pfd[0]);
		read_mem(buf, got, &res);
		CHECK(res.rc == 0 && res.nrec == 1 && res.warn[0] == 0);
	}
	rc = tracefile_writer_open_fd(&w, -1, NULL, NULL);
	CHECK(rc == -EBADF);
	tracefile_writer_free(w);
	tracefile_writer_free(NULL);
	unlink(path);
	free(path);
	free(big);
}

static void test_enospc(void)
{
	struct tracefile_writer *w;
	struct tracefile_writer_options o;
	struct readres res;
	struct blob b;
	char *path = tmp_path("full");
	uint8_t buf[512];
	int fd, full, rc, i;

	/* header write fails */
	rc = tracefile_writer_open(&w, "/dev/full", NULL, NULL);
	CHECKF(rc == -ENOSPC, "rc %d", rc);
	CHECKF(contains(tracefile_writer_error(w),
			"cannot write the file header to '/dev/full' at byte 0: No space left on device"),
	       "%s", tracefile_writer_error(w));
	CHECK(tracefile_writer_append_record(w, "x", 1) == -ENOSPC);
	CHECK(tracefile_writer_close(w) == -ENOSPC);
	tracefile_writer_free(w);

	/* disk fills up in the middle of a recording */
	full = open("/dev/full", O_WRONLY);
	if (!CHECK(full >= 0))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	tracefile_writer_options_init(&o);
	o.chunk_size = 1000;
	rc = tracefile_writer_open_fd(&w, fd, NULL, &o);
	CHECK(rc == 0);
	for (i = 0; i < 50; i++)
		tracefile_writer_append_record(w, buf, make_record((uint64_t)i, buf));
	CHECK(tracefile_writer_flush(w) == 0);
	dup2(full, fd);				/* the disk is now full */
	for (i = 50; i < 1000; i++) {
		rc = tracefile_writer_append_record(w, buf, make_record((uint64_t)i, buf));
		if (rc)
			break;
	}
	CHECK(rc == -ENOSPC);
	CHECKF(contains(tracefile_writer_error(w), "cannot write chunk") &&
	       contains(tracefile_writer_error(w), "No space left on device") &&
	       contains(tracefile_writer_error(w), "buffered records lost"),
	       "%s", tracefile_writer_error(w));
	/* sticky */
	CHECK(tracefile_writer_append_record(w, "x", 1) == -ENOSPC);
	CHECK(tracefile_writer_flush(w) == -ENOSPC);
	{
		struct tracefile_meta *m = tracefile_meta_new();

		CHECK(tracefile_writer_write_metadata(w, m) == -ENOSPC);
		tracefile_meta_free(m);
	}
	CHECK(tracefile_writer_close(w) == -ENOSPC);
	tracefile_writer_free(w);
	close(fd);
	close(full);
	/* what reached the disk reads back, with a truncation warning */
	b = slurp(path);
	read_mem(b.p, b.len, &res);
	CHECK(res.open_rc == 0 && res.rc == 0 && res.nrec == 50 && res.recs_ok &&
	      res.truncated);
	free(b.p);

	/* metadata chunk write failure is reported too */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = tracefile_writer_open_fd(&w, fd, NULL, NULL);
	CHECK(rc == 0);
	dup2(full = open("/dev/full", O_WRONLY), fd);
	{
		struct tracefile_meta *m = tracefile_meta_new();

		tracefile_meta_set_u64(m, "drops", 5);
		rc = tracefile_writer_write_metadata(w, m);
		CHECK(rc == -ENOSPC && contains(tracefile_writer_error(w), "(metadata)"));
		tracefile_meta_free(m);
	}
	tracefile_writer_free(w);
	close(fd);
	close(full);
	unlink(path);
	free(path);
}

/* Sizes in headers never cause large allocations: run a few hostile
 * inputs with a small address-space limit (non-ASan builds; under ASan
 * the allocation cap in __asan_default_options does the same job). */
static void test_no_huge_alloc(void)
{
#ifndef TF_UNDER_ASAN
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct rlimit rl = { 512u << 20, 512u << 20 };
		uint8_t c[512], f[600];
		struct readres res;
		size_t n;

		setrlimit(RLIMIT_AS, &rl);
		n = build_chunk(c, TF_CHUNK_RECORDS, "\x01x", 2, 1, 0);
		tf_put_le32(c + TF_CH_OFF_CSIZE, TF_CHUNK_CSIZE_MAX);
		tf_put_le32(c + TF_CH_OFF_USIZE, TF_CHUNK_USIZE_MAX);
		reseal_chunk(c);
		build_file_header(f, 1);
		memcpy(f + TF_FH_LEN, c, n);
		read_mem(f, TF_FH_LEN + n, &res);
		if (!(res.rc == 0 && res.truncated))
			_exit(3);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#endif
	/* and the stream path: a 60 MiB chunk claimed, 100 bytes provided */
	{
		uint8_t c[512], f[600];
		struct tracefile_reader *r;
		struct readres res;
		size_t n;
		int fd, rc;

		n = build_chunk(c, TF_CHUNK_RECORDS, "\x01x", 2, 1, 0);
		tf_put_le32(c + TF_CH_OFF_CSIZE, 60u << 20);
		reseal_chunk(c);
		build_file_header(f, 1);
		memcpy(f + TF_FH_LEN, c, n);
		fd = pipe_from(f, TF_FH_LEN + n);
		rc = tracefile_reader_open_fd(&r, fd);
		read_reader(r, rc, &res);
		CHECK(res.rc == 0 && res.truncated);
		tracefile_reader_free(r);
		close(fd);
		reap();
	}
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_varint();
	test_meta_api();
	test_roundtrip_many();
	test_pipe();
	test_meta_roundtrip();
	test_truncation_every_offset();
	test_unclosed();
	test_bitflips();
	test_bad_headers();
	test_crafted_chunks();
	test_crafted_metadata();
	test_trailer_checks();
	test_error_then_reload();
	test_chunk_skip_and_foreach();
	test_foreach();
	test_writer_edge_cases();
	test_enospc();
	test_no_huge_alloc();
	return check_done();
}
