// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "export/protobuf.h"

/* Wire types (protobuf encoding) */
enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2 };

void pb_init(struct pb *p)
{
	memset(p, 0, sizeof(*p));
}

void pb_free(struct pb *p)
{
	free(p->buf);
	pb_init(p);
}

void pb_reset(struct pb *p)
{
	p->len = 0;
	p->depth = 0;
	p->failed = false;
}

static bool reserve(struct pb *p, size_t n)
{
	uint8_t *b;
	size_t cap;

	if (p->failed)
		return false;
	if (p->len + n <= p->cap)
		return true;
	cap = p->cap ? p->cap * 2 : 256;
	while (cap < p->len + n)
		cap *= 2;
	b = realloc(p->buf, cap);
	if (!b) {
		p->failed = true;
		return false;
	}
	p->buf = b;
	p->cap = cap;
	return true;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void put_varint_at(uint8_t *b, uint64_t v)
{
	while (v >= 0x80) {
		*b++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*b = (uint8_t)v;
}

static void put_varint(struct pb *p, uint64_t v)
{
	if (!reserve(p, 10))
		return;
	put_varint_at(p->buf + p->len, v);
	p->len += varint_size(v);
}

static void put_tag(struct pb *p, unsigned int field, unsigned int wire)
{
	put_varint(p, (uint64_t)field << 3 | wire);
}

void pb_varint_field(struct pb *p, unsigned int field, uint64_t v)
{
	put_tag(p, field, WIRE_VARINT);
	put_varint(p, v);
}

void pb_sint_field(struct pb *p, unsigned int field, int64_t v)
{
	pb_varint_field(p, field, (uint64_t)v);
}

void pb_fixed64_field(struct pb *p, unsigned int field, uint64_t v)
{
	put_tag(p, field, WIRE_FIXED64);
	if (!reserve(p, 8))
		return;
	for (int i = 0; i < 8; i++) /* little-endian on the wire, whatever the host */
		p->buf[p->len++] = (uint8_t)(v >> (8 * i));
}

void pb_double_field(struct pb *p, unsigned int field, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	pb_fixed64_field(p, field, bits);
}

void pb_string_field(struct pb *p, unsigned int field, const char *s)
{
	size_t n = strlen(s);

	put_tag(p, field, WIRE_LEN);
	put_varint(p, n);
	if (!reserve(p, n))
		return;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
}

void pb_begin(struct pb *p, unsigned int field)
{
	put_tag(p, field, WIRE_LEN);
	if (p->depth == PB_MAX_DEPTH) {
		p->failed = true;
		return;
	}
	p->open[p->depth++] = p->len;
}

void pb_end(struct pb *p)
{
	size_t start, n, k;

	if (p->failed || !p->depth)
		return;
	start = p->open[--p->depth];
	n = p->len - start;
	k = varint_size(n);
	if (!reserve(p, k))
		return;
	memmove(p->buf + start + k, p->buf + start, n);
	put_varint_at(p->buf + start, n);
	p->len += k;
}
