/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unsigned LEB128 varints and zigzag signed mapping.
 *
 * Encoding: 7 bits per byte, least significant group first, high bit set on
 * every byte but the last. A u64 takes 1..10 bytes. Decoding is
 * bounds-checked and strict: it rejects values that overflow 64 bits and
 * non-minimal (overlong) encodings, so every value has exactly one encoding.
 */
#ifndef KVMIRQ_UTIL_VARINT_H
#define KVMIRQ_UTIL_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX_LEN 10u

/* Bytes needed to encode v (1..10). */
size_t varint_size(uint64_t v);

/* Encode v into out (room for at least VARINT_MAX_LEN bytes, or
 * varint_size(v)); returns the number of bytes written. */
size_t varint_encode_u64(uint64_t v, uint8_t *out);

/*
 * Decode from p[0..avail). Returns the number of bytes consumed (1..10) and
 * stores the value in *out, or:
 *   -ENODATA    input ends inside the varint (avail too small)
 *   -EOVERFLOW  value does not fit in 64 bits
 *   -EILSEQ     non-minimal encoding (e.g. 0x80 0x00)
 * *out is not modified on error.
 */
int varint_decode_u64(const uint8_t *p, size_t avail, uint64_t *out);

/* Zigzag: 0,-1,1,-2,2... -> 0,1,2,3,4... */
static inline uint64_t zigzag_encode(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(0 - ((uint64_t)v >> 63));
}

static inline int64_t zigzag_decode(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (0 - (v & 1)));
}

/* Signed convenience wrappers (zigzag + varint). */
size_t varint_encode_s64(int64_t v, uint8_t *out);
int varint_decode_s64(const uint8_t *p, size_t avail, int64_t *out);

#endif
