/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal protocol-buffer encoder: varints, fixed64, doubles, strings and
 * nested messages into a growing buffer. A nested message is written in
 * place and its length put in front of it when it ends, so callers write
 * fields in order without sizing anything first.
 */
#ifndef KVMIRQ_PROTOBUF_H
#define KVMIRQ_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 16

struct pb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[PB_MAX_DEPTH]; /* where each open message's content begins */
	int depth;
	bool failed; /* out of memory or too deep: the buffer is not usable */
};

void pb_init(struct pb *p);
void pb_free(struct pb *p);
void pb_reset(struct pb *p);

void pb_varint_field(struct pb *p, unsigned int field, uint64_t v); /* uint, enum, bool */
void pb_sint_field(struct pb *p, unsigned int field, int64_t v);    /* int32/int64: two's complement */
void pb_fixed64_field(struct pb *p, unsigned int field, uint64_t v);
void pb_double_field(struct pb *p, unsigned int field, double v);
void pb_string_field(struct pb *p, unsigned int field, const char *s);
/* A nested message: fields written until pb_end() are its content. */
void pb_begin(struct pb *p, unsigned int field);
void pb_end(struct pb *p);

#endif
