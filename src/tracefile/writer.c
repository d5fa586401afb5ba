/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trace-file writer: header, buffered records chunks, metadata chunks,
 * trailer. Every write error is reported and sticky. */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "format.h"
#include "internal.h"
#include "le.h"
#include "util/varint.h"

struct tracefile_writer {
	int fd;
	int owns_fd;
	char *name;			/* path or "fd N", for messages */
	struct tracefile_writer_options opt;
	int failed;			/* sticky negative errno, or 0 */
	int closed;
	char err[TF_ERRLEN];

	struct tf_buf rec;		/* pending records chunk payload */
	uint32_t nrec;
	int has_ts;
	uint64_t ts_min, ts_max;

	struct tf_buf out;		/* chunk header + compressed payload */
	z_stream zs;
	int zs_ready;

	uint64_t off;			/* bytes written */
	uint64_t chunks;
	uint64_t records;
	uint64_t ubytes;
};

void tracefile_writer_options_init(struct tracefile_writer_options *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->chunk_size = TRACEFILE_DEFAULT_CHUNK_SIZE;
	opts->compression_level = TRACEFILE_DEFAULT_LEVEL;
}

const char *tracefile_writer_error(const struct tracefile_writer *w)
{
	return w ? w->err : "no writer (out of memory)";
}

void tracefile_writer_stats(const struct tracefile_writer *w,
			    struct tracefile_writer_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!w)
		return;
	st->records = w->records;
	st->chunks = w->chunks;
	st->bytes_written = w->off;
	st->bytes_uncompressed = w->ubytes;
}

/* Record a fatal (sticky) failure. */
static int fail(struct tracefile_writer *w, int code)
{
	w->failed = code;
	return code;
}

static int write_all(struct tracefile_writer *w, const uint8_t *p, size_t n,
		     const char *what)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(w->fd, p + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int e = k < 0 ? errno : EIO;
			char eb[128];

			tf_set_err(w->err,
				   "cannot write %s to '%s' at byte %" PRIu64
				   ": %s", what, w->name, w->off + done,
				   tf_strerror(e, eb, sizeof(eb)));
			w->off += done;
			return fail(w, -e);
		}
		done += (size_t)k;
	}
	w->off += n;
	return 0;
}

static int check_usable(struct tracefile_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->failed)
		return w->failed;
	if (w->closed) {
		tf_set_err(w->err, "trace writer for '%s' is already closed",
			   w->name);
		return -EINVAL;
	}
	return 0;
}

/* Compress payload into one chunk and write it. */
static int write_chunk(struct tracefile_writer *w, unsigned type,
		       const uint8_t *payload, size_t plen, uint32_t count,
		       const char *what)
{
	struct tf_chunk_hdr h;
	uLong bound;
	int rc, zrc;
	char desc[96];

	if (plen > TF_CHUNK_USIZE_MAX) {
		tf_set_err(w->err, "%s payload of %zu bytes exceeds the chunk limit of %u bytes",
			   what, plen, TF_CHUNK_USIZE_MAX);
		return -E2BIG;
	}
	bound = deflateBound(&w->zs, (uLong)plen);
	w->out.len = 0;
	if (tf_buf_reserve(&w->out, TF_CH_HDR_LEN + (size_t)bound)) {
		tf_set_err(w->err, "out of memory compressing %s", what);
		return -ENOMEM;
	}
	if (deflateReset(&w->zs) != Z_OK) {
		tf_set_err(w->err, "zlib deflateReset failed");
		return fail(w, -EIO);
	}
	w->zs.next_in = (Bytef *)(uintptr_t)payload;
	w->zs.avail_in = (uInt)plen;
	w->zs.next_out = w->out.p + TF_CH_HDR_LEN;
	w->zs.avail_out = (uInt)bound;
	zrc = deflate(&w->zs, Z_FINISH);
	if (zrc != Z_STREAM_END) {
		tf_set_err(w->err, "zlib deflate failed on %s: %s (%d)", what,
			   w->zs.msg ? w->zs.msg : "no message", zrc);
		return fail(w, -EIO);
	}

	memset(&h, 0, sizeof(h));
	h.type = (uint16_t)type;
	h.usize = (uint32_t)plen;
	h.csize = (uint32_t)w->zs.total_out;
	h.count = count;
	h.payload_crc = (uint32_t)crc32(0L, w->out.p + TF_CH_HDR_LEN, h.csize);
	if (type == TF_CHUNK_RECORDS && w->has_ts) {
		h.flags |= TF_CHF_TIMESTAMPS;
		h.first_ts = w->ts_min;
		h.last_ts = w->ts_max;
	}
	tf_chunk_hdr_encode(&h, w->out.p);

	snprintf(desc, sizeof(desc), "chunk %" PRIu64 " (%s)", w->chunks,
		 what);
	rc = write_all(w, w->out.p, TF_CH_HDR_LEN + h.csize, desc);
	if (rc)
		return rc;
	w->chunks++;
	w->ubytes += plen;
	return 0;
}

int tracefile_writer_flush(struct tracefile_writer *w)
{
	int rc = check_usable(w);

	if (rc)
		return rc;
	if (w->nrec == 0)
		return 0;
	rc = write_chunk(w, TF_CHUNK_RECORDS, w->rec.p, w->rec.len, w->nrec,
			 "records");
	if (rc && !w->failed)
		return rc;	/* not a write error: keep the records */
	if (rc) {
		size_t l = strlen(w->err);

		snprintf(w->err + l, TF_ERRLEN - l,
			 "; %" PRIu32 " buffered records lost", w->nrec);
	}
	w->rec.len = 0;
	w->nrec = 0;
	w->has_ts = 0;
	return rc;
}

static int append(struct tracefile_writer *w, int has_ts, uint64_t ts,
		  const void *rec, size_t len)
{
	uint8_t vb[VARINT_MAX_LEN];
	size_t vl, need;
	int rc = check_usable(w);

	if (rc)
		return rc;
	if (!rec && len) {
		tf_set_err(w->err, "NULL record pointer with length %zu", len);
		return -EINVAL;
	}
	if (len > TRACEFILE_MAX_RECORD_SIZE) {
		tf_set_err(w->err, "record of %zu bytes exceeds the maximum of %u bytes",
			   len, TRACEFILE_MAX_RECORD_SIZE);
		return -EINVAL;
	}
	vl = varint_encode_u64(len, vb);
	need = vl + len;
	if (w->nrec > 0 &&
	    (w->rec.len + need > w->opt.chunk_size || w->nrec == UINT32_MAX)) {
		rc = tracefile_writer_flush(w);
		if (rc)
			return rc;
	}
	if (tf_buf_reserve(&w->rec, need)) {
		tf_set_err(w->err, "out of memory buffering a record of %zu bytes",
			   len);
		return -ENOMEM;
	}
	memcpy(w->rec.p + w->rec.len, vb, vl);
	if (len)
		memcpy(w->rec.p + w->rec.len + vl, rec, len);
	w->rec.len += need;
	w->nrec++;
	w->records++;
	if (has_ts) {
		if (!w->has_ts || ts < w->ts_min)
			w->ts_min = ts;
		if (!w->has_ts || ts > w->ts_max)
			w->ts_max = ts;
		w->has_ts = 1;
	}
	return 0;
}

int tracefile_writer_append_record(struct tracefile_writer *w,
				   const void *rec, size_t len)
{
	return append(w, 0, 0, rec, len);
}

int tracefile_writer_append_record_ts(struct tracefile_writer *w,
				      uint64_t timestamp,
				      const void *rec, size_t len)
{
	return append(w, 1, timestamp, rec, len);
}

static int write_meta_chunk(struct tracefile_writer *w, unsigned type,
			    const struct tracefile_meta *m, const char *what)
{
	struct tf_buf b = { 0 };
	size_t n = tracefile_meta_count(m);
	int rc = tf_meta_encode(m, &b);

	if (rc) {
		tf_set_err(w->err, "cannot encode %s: %s", what,
			   rc == -ENOMEM ? "out of memory"
					 : "a value is too large");
	} else if (n > UINT32_MAX) {
		tf_set_err(w->err, "%s has too many entries (%zu)", what, n);
		rc = -E2BIG;
	} else {
		rc = write_chunk(w, type, b.p, b.len, (uint32_t)n, what);
	}
	tf_buf_free(&b);
	return rc;
}

int tracefile_writer_write_metadata(struct tracefile_writer *w,
				    const struct tracefile_meta *m)
{
	int rc = check_usable(w);

	if (rc)
		return rc;
	if (!m) {
		tf_set_err(w->err, "NULL metadata");
		return -EINVAL;
	}
	rc = tracefile_writer_flush(w);
	if (rc)
		return rc;
	return write_meta_chunk(w, TF_CHUNK_METADATA, m, "metadata");
}

static int write_trailer(struct tracefile_writer *w)
{
	struct tracefile_meta *t = tracefile_meta_new();
	int rc;

	if (!t) {
		tf_set_err(w->err, "out of memory building the trailer");
		return -ENOMEM;
	}
	rc = tracefile_meta_set_u64(t, TF_TRAILER_RECORDS, w->records);
	rc = rc ? rc : tracefile_meta_set_u64(t, TF_TRAILER_CHUNKS, w->chunks);
	rc = rc ? rc : tracefile_meta_set_u64(t, TF_TRAILER_DATA_END, w->off);
	rc = rc ? rc : tracefile_meta_set_u64(t, TF_TRAILER_UBYTES, w->ubytes);
	if (rc)
		tf_set_err(w->err, "out of memory building the trailer");
	else
		rc = write_meta_chunk(w, TF_CHUNK_TRAILER, t, "trailer");
	tracefile_meta_free(t);
	return rc;
}

int tracefile_writer_close(struct tracefile_writer *w)
{
	char eb[128];
	int rc;

	if (!w)
		return -EINVAL;
	if (w->closed) {
		tf_set_err(w->err, "trace writer for '%s' is already closed",
			   w->name);
		return -EINVAL;
	}
	rc = w->failed;
	if (!rc)
		rc = tracefile_writer_flush(w);
	if (!rc)
		rc = write_trailer(w);
	if (!rc && w->opt.fsync_on_close && fsync(w->fd) < 0 &&
	    errno != EINVAL && errno != EROFS) {
		int e = errno;

		tf_set_err(w->err, "cannot fsync '%s': %s", w->name,
			   tf_strerror(e, eb, sizeof(eb)));
		rc = fail(w, -e);
	}
	if (w->owns_fd && w->fd >= 0) {
		if (close(w->fd) < 0 && !rc) {
			int e = errno;

			tf_set_err(w->err, "cannot close '%s': %s", w->name,
				   tf_strerror(e, eb, sizeof(eb)));
			rc = fail(w, -e);
		}
		w->fd = -1;
	}
	w->closed = 1;
	return rc;
}

void tracefile_writer_free(struct tracefile_writer *w)
{
	if (!w)
		return;
	if (w->owns_fd && w->fd >= 0)
		close(w->fd);
	if (w->zs_ready)
		deflateEnd(&w->zs);
	tf_buf_free(&w->rec);
	tf_buf_free(&w->out);
	free(w->name);
	free(w);
}

/* ---- opening ------------------------------------------------------------ */

static int setup(struct tracefile_writer *w,
		 const struct tracefile_writer_options *opts)
{
	if (opts)
		w->opt = *opts;
	else
		tracefile_writer_options_init(&w->opt);
	if (w->opt.chunk_size == 0)
		w->opt.chunk_size = TRACEFILE_DEFAULT_CHUNK_SIZE;
	if (w->opt.compression_level == -1)
		w->opt.compression_level = TRACEFILE_DEFAULT_LEVEL;
	if (w->opt.chunk_size > TRACEFILE_MAX_CHUNK_TARGET) {
		tf_set_err(w->err, "chunk size %zu exceeds the maximum of %u",
			   w->opt.chunk_size, TRACEFILE_MAX_CHUNK_TARGET);
		return fail(w, -EINVAL);
	}
	if (w->opt.compression_level < 0 || w->opt.compression_level > 9) {
		tf_set_err(w->err, "compression level %d is not in 0..9",
			   w->opt.compression_level);
		return fail(w, -EINVAL);
	}
	if (deflateInit(&w->zs, w->opt.compression_level) != Z_OK) {
		tf_set_err(w->err, "zlib deflateInit failed");
		return fail(w, -ENOMEM);
	}
	w->zs_ready = 1;
	return 0;
}

static int write_header(struct tracefile_writer *w,
			const struct tracefile_meta *header)
{
	struct tf_buf b = { 0 };
	uint32_t crc;
	int rc;

	if (tf_buf_reserve(&b, TF_FH_LEN)) {
		tf_set_err(w->err, "out of memory");
		return fail(w, -ENOMEM);
	}
	b.len = TF_FH_LEN;
	rc = header ? tf_meta_encode(header, &b) : 0;
	if (rc) {
		tf_set_err(w->err, "cannot encode the header metadata: %s",
			   rc == -ENOMEM ? "out of memory"
					 : "a value is too large");
		tf_buf_free(&b);
		return fail(w, rc);
	}
	if (b.len - TF_FH_LEN > TF_HEADER_BODY_MAX) {
		tf_set_err(w->err, "header metadata is %zu bytes, more than the limit of %u",
			   b.len - TF_FH_LEN, TF_HEADER_BODY_MAX);
		tf_buf_free(&b);
		return fail(w, -E2BIG);
	}
	memcpy(b.p + TF_FH_OFF_MAGIC, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le32(b.p + TF_FH_OFF_VERSION, TF_VERSION);
	tf_put_le32(b.p + TF_FH_OFF_FLAGS, 0);
	tf_put_le32(b.p + TF_FH_OFF_BODY_LEN, (uint32_t)(b.len - TF_FH_LEN));
	crc = (uint32_t)crc32(0L, b.p, TF_FH_OFF_CRC);
	crc = (uint32_t)crc32(crc, b.p + TF_FH_LEN, (uInt)(b.len - TF_FH_LEN));
	tf_put_le32(b.p + TF_FH_OFF_CRC, crc);
	rc = write_all(w, b.p, b.len, "the file header");
	tf_buf_free(&b);
	return rc;
}

static struct tracefile_writer *writer_new(const char *name)
{
	struct tracefile_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->fd = -1;
	w->name = strdup(name);
	if (!w->name) {
		free(w);
		return NULL;
	}
	return w;
}

int tracefile_writer_open(struct tracefile_writer **wp, const char *path,
			  const struct tracefile_meta *header,
			  const struct tracefile_writer_options *opts)
{
	struct tracefile_writer *w;
	char eb[128];
	int rc;

	if (!wp)
		return -EINVAL;
	*wp = w = writer_new(path ? path : "(null)");
	if (!w)
		return -ENOMEM;
	if (!path) {
		tf_set_err(w->err, "no output path given");
		return fail(w, -EINVAL);
	}
	rc = setup(w, opts);
	if (rc)
		return rc;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		int e = errno;

		tf_set_err(w->err, "cannot create '%s': %s", path,
			   tf_strerror(e, eb, sizeof(eb)));
		return fail(w, -e);
	}
	w->owns_fd = 1;
	return write_header(w, header);
}

int tracefile_writer_open_fd(struct tracefile_writer **wp, int fd,
			     const struct tracefile_meta *header,
			     const struct tracefile_writer_options *opts)
{
	struct tracefile_writer *w;
	char name[32];
	int rc;

	if (!wp)
		return -EINVAL;
	snprintf(name, sizeof(name), "fd %d", fd);
	*wp = w = writer_new(opts && opts->name ? opts->name : name);
	if (!w)
		return -ENOMEM;
	if (fd < 0) {
		tf_set_err(w->err, "invalid file descriptor %d", fd);
		return fail(w, -EBADF);
	}
	rc = setup(w, opts);
	if (rc)
		return rc;
	w->fd = fd;
	return write_header(w, header);
}
