/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-byte numbers in the byte order of the host that wrote them. The
 * structs a VMM passes to KVM (and the registers KVM gives back) are stored
 * as the recording host had them; every reader of such bytes goes through
 * these, never through memcpy into a host integer.
 */
#ifndef KVMIRQ_BYTE_ORDER_H
#define KVMIRQ_BYTE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

/* WIDTH (1..8) bytes at P as a number. */
static inline uint64_t bytes_load(const uint8_t *p, unsigned width, bool big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v = v << 8 | p[big_endian ? i : width - 1 - i];
	return v;
}

/* The low WIDTH bytes of V at P. */
static inline void bytes_store(uint8_t *p, unsigned width, uint64_t v, bool big_endian)
{
	for (unsigned i = 0; i < width; i++)
		p[big_endian ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t load_u16(const uint8_t *p, bool big_endian)
{
	return (uint16_t)bytes_load(p, 2, big_endian);
}

static inline uint32_t load_u32(const uint8_t *p, bool big_endian)
{
	return (uint32_t)bytes_load(p, 4, big_endian);
}

static inline uint64_t load_u64(const uint8_t *p, bool big_endian)
{
	return bytes_load(p, 8, big_endian);
}

#endif
