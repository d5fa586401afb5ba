/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chunk header serialisation and validation (shared by writer and reader). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "format.h"
#include "internal.h"
#include "le.h"

void tf_chunk_hdr_encode(const struct tf_chunk_hdr *h, uint8_t *out)
{
	memcpy(out + TF_CH_OFF_MAGIC, TF_CHUNK_MAGIC, TF_CHUNK_MAGIC_LEN);
	tf_put_le16(out + TF_CH_OFF_TYPE, h->type);
	tf_put_le16(out + TF_CH_OFF_FLAGS, h->flags);
	tf_put_le32(out + TF_CH_OFF_USIZE, h->usize);
	tf_put_le32(out + TF_CH_OFF_CSIZE, h->csize);
	tf_put_le32(out + TF_CH_OFF_COUNT, h->count);
	tf_put_le32(out + TF_CH_OFF_PAYLOAD_CRC, h->payload_crc);
	tf_put_le64(out + TF_CH_OFF_FIRST_TS, h->first_ts);
	tf_put_le64(out + TF_CH_OFF_LAST_TS, h->last_ts);
	tf_put_le32(out + TF_CH_OFF_RESERVED, 0);
	tf_put_le32(out + TF_CH_OFF_HDR_CRC,
		    (uint32_t)crc32(0L, out, TF_CH_OFF_HDR_CRC));
}

int tf_chunk_hdr_decode(const uint8_t *in, struct tf_chunk_hdr *h,
			char *err, size_t errlen)
{
	uint32_t stored, computed;

	if (memcmp(in + TF_CH_OFF_MAGIC, TF_CHUNK_MAGIC, TF_CHUNK_MAGIC_LEN)) {
		snprintf(err, errlen,
			 "bad chunk magic %02x %02x %02x %02x (expected \"%s\")",
			 in[0], in[1], in[2], in[3], TF_CHUNK_MAGIC);
		return -EBADMSG;
	}
	stored = tf_get_le32(in + TF_CH_OFF_HDR_CRC);
	computed = (uint32_t)crc32(0L, in, TF_CH_OFF_HDR_CRC);
	if (stored != computed) {
		snprintf(err, errlen,
			 "chunk header CRC mismatch (stored 0x%08" PRIx32
			 ", computed 0x%08" PRIx32 ")", stored, computed);
		return -EBADMSG;
	}
	h->type = tf_get_le16(in + TF_CH_OFF_TYPE);
	h->flags = tf_get_le16(in + TF_CH_OFF_FLAGS);
	h->usize = tf_get_le32(in + TF_CH_OFF_USIZE);
	h->csize = tf_get_le32(in + TF_CH_OFF_CSIZE);
	h->count = tf_get_le32(in + TF_CH_OFF_COUNT);
	h->payload_crc = tf_get_le32(in + TF_CH_OFF_PAYLOAD_CRC);
	h->first_ts = tf_get_le64(in + TF_CH_OFF_FIRST_TS);
	h->last_ts = tf_get_le64(in + TF_CH_OFF_LAST_TS);

	if (h->usize > TF_CHUNK_USIZE_MAX) {
		snprintf(err, errlen,
			 "uncompressed size %" PRIu32 " exceeds the limit of %u",
			 h->usize, TF_CHUNK_USIZE_MAX);
		return -EBADMSG;
	}
	if (h->csize > TF_CHUNK_CSIZE_MAX) {
		snprintf(err, errlen,
			 "compressed size %" PRIu32 " exceeds the limit of %u",
			 h->csize, TF_CHUNK_CSIZE_MAX);
		return -EBADMSG;
	}
	if ((uint64_t)h->usize > (uint64_t)h->csize * TF_ZLIB_MAX_RATIO) {
		snprintf(err, errlen,
			 "uncompressed size %" PRIu32
			 " is impossible for compressed size %" PRIu32,
			 h->usize, h->csize);
		return -EBADMSG;
	}
	if (h->type == TF_CHUNK_RECORDS && h->count > h->usize) {
		snprintf(err, errlen,
			 "record count %" PRIu32
			 " cannot fit in %" PRIu32 " bytes",
			 h->count, h->usize);
		return -EBADMSG;
	}
	return 0;
}

const char *tf_chunk_type_name(unsigned type)
{
	switch (type) {
	case TF_CHUNK_RECORDS:
		return "records";
	case TF_CHUNK_METADATA:
		return "metadata";
	case TF_CHUNK_TRAILER:
		return "trailer";
	default:
		return "unknown";
	}
}
