/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/varint.h"

#include <errno.h>

size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

size_t varint_encode_u64(uint64_t v, uint8_t *out)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

int varint_decode_u64(const uint8_t *p, size_t avail, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < VARINT_MAX_LEN; i++) {
		uint8_t b;

		if (i >= avail)
			return -ENODATA;
		b = p[i];
		/* The 10th byte holds bit 63 only. */
		if (i == VARINT_MAX_LEN - 1 && b > 1)
			return -EOVERFLOW;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			/* A zero final byte after the first is overlong. */
			if (b == 0 && i > 0)
				return -EILSEQ;
			*out = v;
			return (int)(i + 1);
		}
	}
	return -EOVERFLOW;
}

size_t varint_encode_s64(int64_t v, uint8_t *out)
{
	return varint_encode_u64(zigzag_encode(v), out);
}

int varint_decode_s64(const uint8_t *p, size_t avail, int64_t *out)
{
	uint64_t u;
	int rc = varint_decode_u64(p, avail, &u);

	if (rc > 0)
		*out = zigzag_decode(u);
	return rc;
}
