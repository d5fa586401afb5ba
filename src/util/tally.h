/* SPDX-License-Identifier: GPL-2.0 */
/* Counting by a key of three numbers: per GSI, per MSI, per attribute, ... */
#ifndef KVMIRQ_TALLY_H
#define KVMIRQ_TALLY_H

#include <stdint.h>

struct tally_entry {
	uint64_t key[3];
	uint64_t count;
	uint64_t extra[2]; /* meaning chosen by the user: errors, asserts, ... */
	uint64_t last_ns;
	int used;
};

struct tally {
	struct tally_entry *slots;
	unsigned int cap, nr;
};

void tally_init(struct tally *t);
void tally_free(struct tally *t);
/* The entry for (a, b, c), created at zero; NULL only when memory runs out. */
struct tally_entry *tally_get(struct tally *t, uint64_t a, uint64_t b, uint64_t c);
/* Entries sorted by key, into a new array of t->nr pointers (free it). */
struct tally_entry **tally_sorted(const struct tally *t);

#endif
