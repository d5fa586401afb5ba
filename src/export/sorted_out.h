/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoded trace items kept until the end and written in time order: a
 * recording stores an ioctl at its exit, after the events raised inside it,
 * and events of different CPUs slightly out of order, while a trace wants
 * each sequence's timestamps to grow. Items of the same time keep the order
 * they were added in.
 */
#ifndef KVMIRQ_SORTED_OUT_H
#define KVMIRQ_SORTED_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sorted_piece {
	uint64_t ts;
	uint64_t seq; /* order of adding: the tie-break */
	size_t off;
	size_t len;
};

struct sorted_out {
	uint8_t *bytes;
	size_t len, cap;
	struct sorted_piece *pieces;
	size_t n, cap_pieces;
	bool failed; /* out of memory */
};

void sorted_out_init(struct sorted_out *s);
void sorted_out_free(struct sorted_out *s);
void sorted_out_add(struct sorted_out *s, uint64_t ts, const void *bytes, size_t len);
/* Sort, then write every item, SEPARATOR between two (NULL: none). -errno. */
int sorted_out_write(struct sorted_out *s, FILE *out, const char *separator);

#endif
