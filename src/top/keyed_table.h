/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sorted array of records found by a key of three numbers (VM, GSI; VM,
 * address, data; VM, vCPU), with a cap: a recording with a million distinct
 * MSI messages costs the cap, not a million records. Sorted by key, so a
 * frame lists them in a stable order without sorting again.
 */
#ifndef KVMIRQ_KEYED_TABLE_H
#define KVMIRQ_KEYED_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Every record starts with this. */
struct keyed_record {
	uint64_t key[3];
};

struct keyed_table {
	void *items;
	size_t nr, cap;
	size_t size;	  /* bytes per record */
	size_t max;	  /* at most this many records */
	uint64_t refused; /* lookups of new keys refused because the table was full */
};

void keyed_table_init(struct keyed_table *t, size_t record_size, size_t max);
void keyed_table_free(struct keyed_table *t);
/* The record for the key, added zeroed (but for its key) on first use; NULL
 * when the table is full or memory runs out. Valid until the next add. */
void *keyed_table_get(struct keyed_table *t, uint64_t a, uint64_t b, uint64_t c);
static inline void *keyed_table_at(const struct keyed_table *t, size_t i)
{
	return (char *)t->items + i * t->size;
}

#endif
