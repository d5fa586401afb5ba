/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace-file reader: validates the header, walks chunks, applies metadata
 * updates, returns records. Never trusts a size from the file before
 * checking it against a fixed limit and the bytes actually available.
 */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "format.h"
#include "internal.h"
#include "le.h"
#include "source.h"
#include "util/varint.h"

struct tracefile_reader {
	struct tf_source src;
	int opened;			/* header validated */
	int failed;			/* sticky negative errno, or 0 */
	char err[TF_ERRLEN];
	char warn[TF_ERRLEN];
	int has_warn;
	int truncated;
	int trailer_seen;
	int at_end;

	uint32_t version;
	struct tracefile_meta *header;
	struct tracefile_meta *meta;	/* header + applied updates */
	struct tracefile_meta *trailer;

	uint64_t first_chunk;		/* offset of chunk 0 */
	uint64_t pos;			/* offset of the next chunk header */
	uint64_t chunk_index;		/* index of the next chunk */
	uint64_t chunk_records;		/* records in whole records chunks */
	uint64_t delivered;		/* records returned */
	uint64_t meta_upto;		/* updates before this offset applied */

	int have_cur;
	struct tracefile_chunk_info cur;
	const uint8_t *cpay;		/* current compressed payload */
	int cur_loaded;			/* records decompressed and checked */
	const uint8_t *rp;		/* next record's length varint */
	const uint8_t *rend;
	uint32_t rec_left;

	struct tf_buf hbuf;		/* header / chunk header bytes */
	struct tf_buf cbuf;		/* compressed payload (fd input) */
	struct tf_buf ubuf;		/* decompressed payload */
	struct tf_buf zbuf;		/* zero-tail scan */
	z_stream zs;
	int zs_ready;
};

/* ---- small accessors --------------------------------------------------- */

const char *tracefile_error(const struct tracefile_reader *r)
{
	return r ? r->err : "no reader (out of memory)";
}

const char *tracefile_reader_warning(const struct tracefile_reader *r)
{
	return r && r->has_warn ? r->warn : NULL;
}

int tracefile_reader_truncated(const struct tracefile_reader *r)
{
	return r ? r->truncated : 0;
}

uint32_t tracefile_reader_version(const struct tracefile_reader *r)
{
	return r ? r->version : 0;
}

const struct tracefile_meta *tracefile_reader_header(
	const struct tracefile_reader *r)
{
	return r && r->opened ? r->header : NULL;
}

const struct tracefile_meta *tracefile_reader_meta(
	const struct tracefile_reader *r)
{
	return r && r->opened ? r->meta : NULL;
}

const struct tracefile_meta *tracefile_reader_trailer(
	const struct tracefile_reader *r)
{
	return r && r->trailer_seen ? r->trailer : NULL;
}

void tracefile_reader_stats(const struct tracefile_reader *r,
			    struct tracefile_reader_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!r)
		return;
	st->chunks = r->chunk_index;
	st->records = r->delivered;
	st->bytes = r->pos;
	st->trailer_seen = r->trailer_seen;
	st->truncated = r->truncated;
}

/* ---- error helpers ------------------------------------------------------ */

static int fail(struct tracefile_reader *r, int code)
{
	r->failed = code;
	return code;
}

/* Error about chunk number idx starting at byte 'at'. */
static int chunk_fail_at(struct tracefile_reader *r, uint64_t idx,
			 uint64_t at, int code, const char *detail)
{
	tf_set_err(r->err, "chunk %" PRIu64 " at byte %" PRIu64 ": %s",
		   idx, at, detail);
	return fail(r, code);
}

/* Error about the chunk being read (advance()) at byte 'at'. */
static int chunk_fail(struct tracefile_reader *r, uint64_t at, int code,
		      const char *detail)
{
	return chunk_fail_at(r, r->chunk_index, at, code, detail);
}

/* Error about the current chunk r->cur. */
static int cur_fail(struct tracefile_reader *r, int code, const char *detail)
{
	return chunk_fail_at(r, r->cur.index, r->cur.offset, code, detail);
}

static int io_fail(struct tracefile_reader *r, uint64_t at, int code)
{
	char eb[128];

	if (code == -ENOMEM)
		tf_set_err(r->err, "out of memory reading at byte %" PRIu64, at);
	else
		tf_set_err(r->err, "read error at byte %" PRIu64 ": %s", at,
			   tf_strerror(-code, eb, sizeof(eb)));
	return fail(r, code);
}

/* The data ends inside (or right before) chunk r->chunk_index. */
static int truncated_at(struct tracefile_reader *r, uint64_t file_end,
			const char *note)
{
	uint64_t at = r->pos;

	if (r->chunk_index > 0)
		snprintf(r->warn, sizeof(r->warn),
			 "file truncated after chunk %" PRIu64 " (byte %" PRIu64
			 " of %" PRIu64 "%s): %" PRIu64
			 " records read; trailer missing",
			 r->chunk_index - 1, at, file_end, note,
			 r->chunk_records);
	else
		snprintf(r->warn, sizeof(r->warn),
			 "file truncated before the first chunk (byte %" PRIu64
			 " of %" PRIu64 "%s): 0 records read; trailer missing",
			 at, file_end, note);
	r->has_warn = 1;
	r->truncated = 1;
	r->at_end = 1;
	return 0;
}

/* Is everything from 'at' to the end of input zero bytes? Sets *end. */
static int tail_is_zero(struct tracefile_reader *r, uint64_t at,
			uint64_t *end)
{
	for (;;) {
		const uint8_t *p;
		size_t got, i;

		if (tf_source_read(&r->src, at, 64 * 1024, &r->zbuf, &p, &got))
			return 0;
		for (i = 0; i < got; i++)
			if (p[i])
				return 0;
		at += got;
		if (got < 64 * 1024) {
			*end = at;
			return 1;
		}
	}
}

/* ---- decompression ------------------------------------------------------ */

static int inflate_cur(struct tracefile_reader *r)
{
	const struct tracefile_chunk_info *c = &r->cur;
	char msg[256];
	int zrc;

	if (tf_buf_reserve(&r->ubuf, (size_t)c->uncompressed_size + 1))
		return cur_fail(r, -ENOMEM,
				  "out of memory for the decompressed payload");
	if (inflateReset(&r->zs) != Z_OK)
		return cur_fail(r, -EIO, "zlib inflateReset failed");
	r->zs.next_in = (Bytef *)(uintptr_t)r->cpay;
	r->zs.avail_in = c->compressed_size;
	r->zs.next_out = r->ubuf.p;
	r->zs.avail_out = c->uncompressed_size;
	zrc = inflate(&r->zs, Z_FINISH);
	if (zrc == Z_STREAM_END && r->zs.avail_out == 0 &&
	    r->zs.avail_in == 0)
		return 0;

	if (zrc == Z_STREAM_END && r->zs.avail_out != 0)
		snprintf(msg, sizeof(msg),
			 "payload decompresses to %lu bytes but the chunk header says %" PRIu32,
			 r->zs.total_out, c->uncompressed_size);
	else if (zrc == Z_STREAM_END)
		snprintf(msg, sizeof(msg),
			 "%u bytes of garbage after the compressed payload",
			 r->zs.avail_in);
	else if (zrc == Z_BUF_ERROR && r->zs.avail_out == 0)
		snprintf(msg, sizeof(msg),
			 "payload decompresses to more than the %" PRIu32
			 " bytes the chunk header says",
			 c->uncompressed_size);
	else if (zrc == Z_BUF_ERROR)
		snprintf(msg, sizeof(msg),
			 "compressed payload ends early (zlib stream incomplete)");
	else
		snprintf(msg, sizeof(msg), "zlib error: %s (%d)",
			 r->zs.msg ? r->zs.msg : "invalid data", zrc);
	return cur_fail(r, -EBADMSG, msg);
}

/* Decompress the current records chunk and check its framing completely
 * before any record is handed out. */
static int load_records(struct tracefile_reader *r)
{
	const struct tracefile_chunk_info *c = &r->cur;
	const uint8_t *p, *end;
	uint32_t i;
	char msg[256];
	int rc = inflate_cur(r);

	if (rc)
		return rc;
	p = r->ubuf.p;
	end = p + c->uncompressed_size;
	for (i = 0; i < c->count; i++) {
		uint64_t len;
		int vl = varint_decode_u64(p, (size_t)(end - p), &len);

		if (vl < 0) {
			snprintf(msg, sizeof(msg),
				 "record %" PRIu32 " at payload offset %zu: %s record length",
				 i, (size_t)(p - r->ubuf.p),
				 vl == -ENODATA ? "truncated" : "invalid");
			return cur_fail(r, -EBADMSG, msg);
		}
		p += vl;
		if (len > (uint64_t)(end - p)) {
			snprintf(msg, sizeof(msg),
				 "record %" PRIu32 " at payload offset %zu: length %" PRIu64
				 " overruns the chunk (%zu bytes left)",
				 i, (size_t)(p - vl - r->ubuf.p), len,
				 (size_t)(end - p));
			return cur_fail(r, -EBADMSG, msg);
		}
		p += len;
	}
	if (p != end) {
		snprintf(msg, sizeof(msg),
			 "%zu unexpected bytes after the %" PRIu32 " records",
			 (size_t)(end - p), c->count);
		return cur_fail(r, -EBADMSG, msg);
	}
	r->rp = r->ubuf.p;
	r->rend = end;
	r->rec_left = c->count;
	r->cur_loaded = 1;
	return 0;
}

/* Decompress and decode the current metadata/trailer chunk into *out. */
static int load_meta_block(struct tracefile_reader *r,
			   struct tracefile_meta **out)
{
	const struct tracefile_chunk_info *c = &r->cur;
	struct tracefile_meta *m;
	uint64_t n = 0;
	char derr[TF_ERRLEN / 2], msg[TF_ERRLEN];
	int rc = inflate_cur(r);

	if (rc)
		return rc;
	m = tracefile_meta_new();
	if (!m)
		return cur_fail(r, -ENOMEM, "out of memory");
	derr[0] = '\0';
	rc = tf_meta_decode(r->ubuf.p, c->uncompressed_size, m, &n, derr,
			    sizeof(derr));
	if (!rc && n != c->count) {
		snprintf(derr, sizeof(derr),
			 "%" PRIu64 " entries but the chunk header says %" PRIu32,
			 n, c->count);
		rc = -EBADMSG;
	}
	if (rc) {
		tracefile_meta_free(m);
		snprintf(msg, sizeof(msg), "%s chunk corrupt: %s",
			 tf_chunk_type_name(c->type), derr);
		return cur_fail(r, rc, msg);
	}
	*out = m;
	return 0;
}

static int check_trailer(struct tracefile_reader *r)
{
	uint64_t v;
	char msg[256];

	if (tracefile_meta_get_u64(r->trailer, TF_TRAILER_RECORDS, &v) == 0 &&
	    v != r->chunk_records) {
		snprintf(msg, sizeof(msg),
			 "trailer says %" PRIu64 " records but the chunks before it hold %" PRIu64
			 " (chunks missing or duplicated)", v, r->chunk_records);
		return cur_fail(r, -EBADMSG, msg);
	}
	if (tracefile_meta_get_u64(r->trailer, TF_TRAILER_CHUNKS, &v) == 0 &&
	    v != r->cur.index) {
		snprintf(msg, sizeof(msg),
			 "trailer says %" PRIu64 " chunks but %" PRIu64
			 " precede it (chunks missing or duplicated)",
			 v, r->cur.index);
		return cur_fail(r, -EBADMSG, msg);
	}
	if (tracefile_meta_get_u64(r->trailer, TF_TRAILER_DATA_END, &v) == 0 &&
	    v != r->cur.offset) {
		snprintf(msg, sizeof(msg),
			 "trailer says it starts at byte %" PRIu64, v);
		return cur_fail(r, -EBADMSG, msg);
	}
	return 0;
}

/* Anything after the trailer is ignored with a warning. */
static void check_after_trailer(struct tracefile_reader *r)
{
	const uint8_t *p;
	size_t got = 0;

	if (r->src.size_known) {
		if (r->src.size > r->pos) {
			snprintf(r->warn, sizeof(r->warn),
				 "%" PRIu64 " bytes after the trailer (byte %" PRIu64
				 ") ignored", r->src.size - r->pos, r->pos);
			r->has_warn = 1;
		}
		return;
	}
	if (tf_source_read(&r->src, r->pos, 1, &r->zbuf, &p, &got) == 0 &&
	    got) {
		snprintf(r->warn, sizeof(r->warn),
			 "data after the trailer (byte %" PRIu64 ") ignored",
			 r->pos);
		r->has_warn = 1;
	}
}

/* ---- chunk walking ------------------------------------------------------- */

/* Read the next whole chunk (header + payload, CRC-checked) and process
 * metadata and trailer chunks. Returns 1 with r->cur set, 0 at the end
 * (truncation -> warning), or a negative error. */
static int advance(struct tracefile_reader *r)
{
	const uint8_t *h, *pay;
	size_t got;
	uint64_t at = r->pos, zend;
	struct tf_chunk_hdr ch;
	struct tracefile_meta *m = NULL;
	uint32_t crc;
	char msg[TF_ERRLEN / 2];
	int rc;

	r->have_cur = 0;
	r->rec_left = 0;
	if (r->at_end)
		return 0;

	rc = tf_source_read(&r->src, at, TF_CH_HDR_LEN, &r->hbuf, &h, &got);
	if (rc)
		return io_fail(r, at, rc);
	if (got < TF_CH_HDR_LEN)
		return truncated_at(r, at + got, "");
	rc = tf_chunk_hdr_decode(h, &ch, msg, sizeof(msg));
	if (rc) {
		static const uint8_t zero[TF_CH_HDR_LEN];

		if (memcmp(h, zero, TF_CH_HDR_LEN) == 0 &&
		    tail_is_zero(r, at, &zend))
			return truncated_at(r, zend,
					    "; the rest is zero bytes");
		return chunk_fail(r, at, rc, msg);
	}

	if (r->src.size_known &&
	    ch.csize > r->src.size - (at + TF_CH_HDR_LEN))
		return truncated_at(r, r->src.size, "");
	rc = tf_source_read(&r->src, at + TF_CH_HDR_LEN, ch.csize, &r->cbuf,
			    &pay, &got);
	if (rc)
		return io_fail(r, at + TF_CH_HDR_LEN, rc);
	if (got < ch.csize)
		return truncated_at(r, at + TF_CH_HDR_LEN + got, "");
	crc = ch.csize ? (uint32_t)crc32(0L, pay, ch.csize) : 0;
	if (crc != ch.payload_crc) {
		snprintf(msg, sizeof(msg),
			 "payload CRC mismatch (stored 0x%08" PRIx32
			 ", computed 0x%08" PRIx32 "): chunk data is corrupt",
			 ch.payload_crc, crc);
		return chunk_fail(r, at, -EBADMSG, msg);
	}

	/* A whole, intact chunk. */
	memset(&r->cur, 0, sizeof(r->cur));
	r->cur.index = r->chunk_index;
	r->cur.offset = at;
	r->cur.type = ch.type;
	r->cur.flags = ch.flags;
	r->cur.uncompressed_size = ch.usize;
	r->cur.compressed_size = ch.csize;
	r->cur.count = ch.count;
	r->cur.has_timestamps = !!(ch.flags & TF_CHF_TIMESTAMPS);
	if (r->cur.has_timestamps) {
		r->cur.first_timestamp = ch.first_ts;
		r->cur.last_timestamp = ch.last_ts;
	}
	r->cpay = pay;
	r->cur_loaded = 0;

	switch (ch.type) {
	case TF_CHUNK_RECORDS:
		break;
	case TF_CHUNK_METADATA:
		rc = load_meta_block(r, &m);
		if (rc)
			return rc;
		if (at >= r->meta_upto) {
			rc = tracefile_meta_apply(r->meta, m);
			if (rc) {
				tracefile_meta_free(m);
				return chunk_fail(r, at, rc,
						  rc == -ENOMEM ? "out of memory"
						  : "metadata update appends to a table with different columns");
			}
			r->meta_upto = at + TF_CH_HDR_LEN + ch.csize;
		}
		tracefile_meta_free(m);
		break;
	case TF_CHUNK_TRAILER:
		rc = load_meta_block(r, &m);
		if (rc)
			return rc;
		tracefile_meta_free(r->trailer);
		r->trailer = m;
		rc = check_trailer(r);
		if (rc)
			return rc;
		break;
	default:
		break;	/* unknown chunk type: skipped */
	}

	r->pos = at + TF_CH_HDR_LEN + ch.csize;
	r->chunk_index++;
	r->have_cur = 1;
	if (ch.type == TF_CHUNK_RECORDS)
		r->chunk_records += ch.count;
	if (ch.type == TF_CHUNK_TRAILER) {
		r->trailer_seen = 1;
		r->at_end = 1;
		check_after_trailer(r);
	}
	return 1;
}

static int usable(struct tracefile_reader *r)
{
	if (!r)
		return -EINVAL;
	if (!r->opened)
		return r->failed ? r->failed : -EINVAL;
	return r->failed;
}

int tracefile_reader_next_record(struct tracefile_reader *r,
				 const void **rec, size_t *len)
{
	int rc = usable(r);

	if (rc)
		return rc;
	if (!rec || !len)
		return -EINVAL;
	for (;;) {
		if (r->rec_left) {
			uint64_t l;
			int vl = varint_decode_u64(
				r->rp, (size_t)(r->rend - r->rp), &l);

			/* Framing was validated in load_records(). */
			if (vl < 0 || l > (uint64_t)(r->rend - r->rp - vl))
				return cur_fail(r, -EBADMSG,
						  "record framing inconsistent");
			*rec = r->rp + vl;
			*len = (size_t)l;
			r->rp += (size_t)vl + (size_t)l;
			r->rec_left--;
			r->delivered++;
			return 1;
		}
		if (r->have_cur && r->cur.type == TF_CHUNK_RECORDS &&
		    !r->cur_loaded) {
			rc = load_records(r);
			if (rc)
				return rc;
			continue;
		}
		rc = advance(r);
		if (rc <= 0)
			return rc;
	}
}

int tracefile_reader_next_chunk(struct tracefile_reader *r,
				struct tracefile_chunk_info *info)
{
	int rc = usable(r);

	if (rc)
		return rc;
	rc = advance(r);
	if (rc == 1 && info)
		*info = r->cur;
	return rc;
}

int tracefile_reader_foreach_record(struct tracefile_reader *r,
				    int (*cb)(void *ctx, const void *rec,
					      size_t len),
				    void *ctx)
{
	const void *rec;
	size_t len;
	int rc;

	if (!cb)
		return -EINVAL;
	while ((rc = tracefile_reader_next_record(r, &rec, &len)) == 1) {
		int stop = cb(ctx, rec, len);

		if (stop)
			return stop;
	}
	return rc;
}

int tracefile_reader_rewind(struct tracefile_reader *r)
{
	if (!r)
		return -EINVAL;
	if (!r->opened)
		return r->failed ? r->failed : -EINVAL;
	if (!tf_source_seekable(&r->src)) {
		tf_set_err(r->err, "cannot rewind: input is not seekable");
		return -ESPIPE;
	}
	/* Warnings and the truncation flag describe the file; keep them. */
	r->failed = 0;
	r->at_end = 0;
	r->pos = r->first_chunk;
	r->chunk_index = 0;
	r->chunk_records = 0;
	r->delivered = 0;
	r->have_cur = 0;
	r->cur_loaded = 0;
	r->rec_left = 0;
	return 0;
}

int tracefile_reader_load_metadata(struct tracefile_reader *r)
{
	int rc = tracefile_reader_rewind(r);	/* also clears an old error */

	if (rc)
		return rc;
	while ((rc = advance(r)) > 0)
		;
	tracefile_reader_rewind(r);
	return rc < 0 ? rc : 0;
}

/* ---- opening -------------------------------------------------------------- */

static int header_truncated(struct tracefile_reader *r, uint64_t end,
			    uint64_t need)
{
	tf_set_err(r->err,
		   "header truncated at byte %" PRIu64
		   " (the file header needs %" PRIu64 " bytes)", end, need);
	return fail(r, -ENODATA);
}

static int open_common(struct tracefile_reader *r)
{
	const uint8_t *h, *body;
	size_t got;
	uint32_t body_len, crc, stored;
	char derr[TF_ERRLEN / 2];
	int rc;

	r->header = tracefile_meta_new();
	r->meta = tracefile_meta_new();
	if (!r->header || !r->meta) {
		tf_set_err(r->err, "out of memory");
		return fail(r, -ENOMEM);
	}
	if (inflateInit(&r->zs) != Z_OK) {
		tf_set_err(r->err, "zlib inflateInit failed");
		return fail(r, -ENOMEM);
	}
	r->zs_ready = 1;

	rc = tf_source_read(&r->src, 0, TF_FH_LEN, &r->hbuf, &h, &got);
	if (rc)
		return io_fail(r, 0, rc);
	if (got == 0) {
		tf_set_err(r->err, "not a kvmirq trace file: the file is empty");
		return fail(r, -ENODATA);
	}
	if (memcmp(h, TF_MAGIC, got < TF_MAGIC_LEN ? got : TF_MAGIC_LEN)) {
		if (got >= 2 && h[0] == 0x1f && h[1] == 0x8b)
			tf_set_err(r->err, "not a kvmirq trace file (it looks gzip-compressed; decompress it first)");
		else
			tf_set_err(r->err, "not a kvmirq trace file (bad magic)");
		return fail(r, -EMEDIUMTYPE);
	}
	if (got < TF_FH_OFF_VERSION + 4)
		return header_truncated(r, got, TF_FH_LEN);
	r->version = tf_get_le32(h + TF_FH_OFF_VERSION);
	if (r->version == 0) {
		tf_set_err(r->err, "file header corrupt: invalid format version 0");
		return fail(r, -EBADMSG);
	}
	if (r->version > TF_VERSION) {
		tf_set_err(r->err,
			   "trace file version %" PRIu32
			   " is newer than this kvmirq (supports %u)",
			   r->version, TF_VERSION);
		return fail(r, -ENOTSUP);
	}
	if (got < TF_FH_LEN)
		return header_truncated(r, got, TF_FH_LEN);
	body_len = tf_get_le32(h + TF_FH_OFF_BODY_LEN);
	stored = tf_get_le32(h + TF_FH_OFF_CRC);
	crc = (uint32_t)crc32(0L, h, TF_FH_OFF_CRC);
	if (body_len > TF_HEADER_BODY_MAX) {
		tf_set_err(r->err,
			   "file header corrupt: header length %" PRIu32
			   " exceeds the limit of %u", body_len,
			   TF_HEADER_BODY_MAX);
		return fail(r, -EBADMSG);
	}
	if (r->src.size_known && (uint64_t)TF_FH_LEN + body_len > r->src.size)
		return header_truncated(r, r->src.size,
					(uint64_t)TF_FH_LEN + body_len);
	rc = tf_source_read(&r->src, TF_FH_LEN, body_len, &r->cbuf, &body,
			    &got);
	if (rc)
		return io_fail(r, TF_FH_LEN, rc);
	if (got < body_len)
		return header_truncated(r, TF_FH_LEN + got,
					(uint64_t)TF_FH_LEN + body_len);
	if (body_len)	/* crc32() returns 0, not crc, for a NULL buffer */
		crc = (uint32_t)crc32(crc, body, body_len);
	if (crc != stored) {
		tf_set_err(r->err,
			   "file header corrupt: CRC mismatch (stored 0x%08" PRIx32
			   ", computed 0x%08" PRIx32 ")", stored, crc);
		return fail(r, -EBADMSG);
	}
	derr[0] = '\0';
	rc = tf_meta_decode(body, body_len, r->header, NULL, derr,
			    sizeof(derr));
	if (rc) {
		tf_set_err(r->err, "file header metadata corrupt: %s", derr);
		return fail(r, rc);
	}
	rc = tracefile_meta_apply(r->meta, r->header);
	if (rc) {
		tf_set_err(r->err, "out of memory");
		return fail(r, rc);
	}
	r->first_chunk = r->pos = TF_FH_LEN + (uint64_t)body_len;
	r->opened = 1;
	return 0;
}

static struct tracefile_reader *reader_new(void)
{
	struct tracefile_reader *r = calloc(1, sizeof(*r));

	if (r)
		r->src.fd = -1;
	return r;
}

int tracefile_reader_open_memory(struct tracefile_reader **rp,
				 const void *data, size_t len)
{
	struct tracefile_reader *r;

	if (!rp)
		return -EINVAL;
	*rp = r = reader_new();
	if (!r)
		return -ENOMEM;
	if (!data && len) {
		tf_set_err(r->err, "NULL buffer with length %zu", len);
		return fail(r, -EINVAL);
	}
	tf_source_memory(&r->src, data, len);
	return open_common(r);
}

static int open_fd_common(struct tracefile_reader *r, int fd, int owns,
			  const char *name)
{
	char eb[128];
	int rc = tf_source_fd(&r->src, fd, owns);

	if (rc) {
		tf_set_err(r->err, "cannot read '%s': %s", name,
			   tf_strerror(-rc, eb, sizeof(eb)));
		return fail(r, rc);
	}
	return open_common(r);
}

int tracefile_reader_open_fd(struct tracefile_reader **rp, int fd)
{
	struct tracefile_reader *r;
	char name[32];

	if (!rp)
		return -EINVAL;
	*rp = r = reader_new();
	if (!r)
		return -ENOMEM;
	if (fd < 0) {
		tf_set_err(r->err, "invalid file descriptor %d", fd);
		return fail(r, -EBADF);
	}
	snprintf(name, sizeof(name), "fd %d", fd);
	return open_fd_common(r, fd, 0, name);
}

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "not a file";
	}
}

int tracefile_reader_open_path(struct tracefile_reader **rp, const char *path)
{
	struct tracefile_reader *r;
	struct stat st;
	char eb[128];
	int fd;

	if (!rp)
		return -EINVAL;
	*rp = r = reader_new();
	if (!r)
		return -ENOMEM;
	if (!path) {
		tf_set_err(r->err, "no input path given");
		return fail(r, -EINVAL);
	}
	/* O_NONBLOCK: a FIFO with no writer would block the open itself (it
	 * changes nothing for the regular file that is read) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		tf_set_err(r->err, "cannot open '%s': %s", path,
			   tf_strerror(e, eb, sizeof(eb)));
		return fail(r, -e);
	}
	/* A path is a file: a stream (FIFO, device) goes through open_fd. */
	if (!fstat(fd, &st) && !S_ISREG(st.st_mode)) {
		tf_set_err(r->err, "not a regular file (%s)", file_kind(st.st_mode));
		close(fd);
		return fail(r, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL);
	}
	return open_fd_common(r, fd, 1, path);
}

void tracefile_reader_free(struct tracefile_reader *r)
{
	if (!r)
		return;
	tf_source_close(&r->src);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	tracefile_meta_free(r->header);
	tracefile_meta_free(r->meta);
	tracefile_meta_free(r->trailer);
	tf_buf_free(&r->hbuf);
	tf_buf_free(&r->cbuf);
	tf_buf_free(&r->ubuf);
	tf_buf_free(&r->zbuf);
	free(r);
}
