/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarations shared by the trace-file container's source files. */
#ifndef KVMIRQ_TRACEFILE_INTERNAL_H
#define KVMIRQ_TRACEFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kvmirq/tracefile.h"

#define TF_ERRLEN 512

/* ---- growable byte buffer (buf.c) ---- */
struct tf_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

int tf_buf_reserve(struct tf_buf *b, size_t extra);	/* 0 / -ENOMEM */
int tf_buf_append(struct tf_buf *b, const void *data, size_t n);
int tf_buf_put_u8(struct tf_buf *b, uint8_t v);
int tf_buf_put_le16(struct tf_buf *b, uint16_t v);
int tf_buf_put_le32(struct tf_buf *b, uint32_t v);
int tf_buf_put_le64(struct tf_buf *b, uint64_t v);
void tf_buf_free(struct tf_buf *b);

/* ---- messages (error.c) ---- */
void tf_set_err(char *dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Thread-safe strerror into buf; returns buf or a static string. */
const char *tf_strerror(int err, char *buf, size_t len);

/* ---- metadata block codec (meta_codec.c) ---- */
int tf_meta_encode(const struct tracefile_meta *m, struct tf_buf *out);
/* Decode a whole block into m (appending; duplicate keys replace). On
 * failure returns -EBADMSG/-ENOMEM and writes a message (without context
 * prefix) to err. *nentries (optional) gets the number of entries. */
int tf_meta_decode(const uint8_t *p, size_t len, struct tracefile_meta *m,
		   uint64_t *nentries, char *err, size_t errlen);

/* ---- metadata internals used by the codec (meta.c) ---- */
int tf_table_set_column(struct tracefile_table *t, size_t i,
			const char *name, size_t name_len, unsigned type);
/* Append a row of zero/empty cells; returns its index or -ENOMEM. */
int tf_table_grow_row(struct tracefile_table *t, size_t *row);
int tf_table_set_u64(struct tracefile_table *t, size_t row, size_t col,
		     uint64_t v);
int tf_table_set_str(struct tracefile_table *t, size_t row, size_t col,
		     const void *s, size_t len);
int tf_table_reserve_rows(struct tracefile_table *t, size_t nrows);
/* Keys with explicit length (may be non-terminated input). */
int tf_meta_set_u64_k(struct tracefile_meta *m, const char *key,
		      size_t key_len, uint64_t v);
int tf_meta_set_string_k(struct tracefile_meta *m, const char *key,
			 size_t key_len, const void *s, size_t len);
int tf_meta_set_raw_k(struct tracefile_meta *m, const char *key,
		      size_t key_len, unsigned type, const void *data,
		      size_t len);
struct tracefile_table *tf_meta_add_table_k(struct tracefile_meta *m,
					    const char *key, size_t key_len,
					    size_t ncols, unsigned mode);

/* ---- chunk header (chunk.c) ---- */
struct tf_chunk_hdr {
	uint16_t type;
	uint16_t flags;
	uint32_t usize;
	uint32_t csize;
	uint32_t count;
	uint32_t payload_crc;
	uint64_t first_ts;
	uint64_t last_ts;
};

/* Serialise h into out[TF_CH_HDR_LEN], computing the header CRC. */
void tf_chunk_hdr_encode(const struct tf_chunk_hdr *h, uint8_t *out);
/* Parse and validate in[TF_CH_HDR_LEN]: magic, header CRC, size limits.
 * Returns 0 or -EBADMSG with a message in err. */
int tf_chunk_hdr_decode(const uint8_t *in, struct tf_chunk_hdr *h,
			char *err, size_t errlen);
const char *tf_chunk_type_name(unsigned type);

#endif
