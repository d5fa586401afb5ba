// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "util/tally.h"

void tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
}

void tally_free(struct tally *t)
{
	free(t->slots);
	tally_init(t);
}

static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ b * 0xc2b2ae3d27d4eb4full ^ c * 0x165667b19e3779f9ull;

	return h ^ (h >> 29);
}

static struct tally_entry *find_slot(struct tally_entry *slots, unsigned int cap, uint64_t a,
				     uint64_t b, uint64_t c)
{
	for (unsigned int i = (unsigned int)hash3(a, b, c) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!slots[i].used ||
		    (slots[i].key[0] == a && slots[i].key[1] == b && slots[i].key[2] == c))
			return &slots[i];
}

static int grow(struct tally *t)
{
	unsigned int cap = t->cap ? t->cap * 2 : 64;
	struct tally_entry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (unsigned int i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			*find_slot(slots, cap, t->slots[i].key[0], t->slots[i].key[1],
				   t->slots[i].key[2]) = t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

struct tally_entry *tally_get(struct tally *t, uint64_t a, uint64_t b, uint64_t c)
{
	struct tally_entry *e;

	if ((t->nr + 1) * 2 > t->cap && grow(t))
		return NULL;
	e = find_slot(t->slots, t->cap, a, b, c);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->key[0] = a, e->key[1] = b, e->key[2] = c;
		t->nr++;
	}
	return e;
}

static int compare(const void *x, const void *y)
{
	const struct tally_entry *a = *(struct tally_entry *const *)x;
	const struct tally_entry *b = *(struct tally_entry *const *)y;

	for (int i = 0; i < 3; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

struct tally_entry **tally_sorted(const struct tally *t)
{
	struct tally_entry **out = calloc(t->nr ? t->nr : 1, sizeof(*out));
	unsigned int n = 0;

	if (!out)
		return NULL;
	for (unsigned int i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			out[n++] = &t->slots[i];
	qsort(out, n, sizeof(*out), compare);
	return out;
}
