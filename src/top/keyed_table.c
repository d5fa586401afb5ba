// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "top/keyed_table.h"

void keyed_table_init(struct keyed_table *t, size_t record_size, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->size = record_size;
	t->max = max;
}

void keyed_table_free(struct keyed_table *t)
{
	free(t->items);
	keyed_table_init(t, t->size, t->max);
}

static int compare(const uint64_t *a, const uint64_t *b)
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

void *keyed_table_get(struct keyed_table *t, uint64_t a, uint64_t b, uint64_t c)
{
	const uint64_t key[3] = { a, b, c };
	size_t lo = 0, hi = t->nr;
	struct keyed_record *r;

	while (lo < hi) { /* the first record not below the key */
		size_t mid = lo + (hi - lo) / 2;
		int cmp = compare(((struct keyed_record *)keyed_table_at(t, mid))->key, key);

		if (!cmp)
			return keyed_table_at(t, mid);
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->nr >= t->max) {
		t->refused++;
		return NULL;
	}
	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *items = realloc(t->items, cap * t->size);

		if (!items)
			return NULL;
		t->items = items;
		t->cap = cap;
	}
	r = keyed_table_at(t, lo);
	memmove((char *)r + t->size, r, (t->nr - lo) * t->size);
	memset(r, 0, t->size);
	memcpy(r->key, key, sizeof(key));
	t->nr++;
	return r;
}
