// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/diff.h"

struct value_list {
	struct chip_value *v;
	size_t n, cap;
	int err;
};

static int collect(void *ctx, const struct chip_value *v)
{
	struct value_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct chip_value *p = realloc(l->v, cap * sizeof(*p));

		if (!p) {
			l->err = -ENOMEM;
			return 1;
		}
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = *v;
	return 0;
}

static const struct chip_state *find_chip(const struct snapshot *s, const struct chip_state *c)
{
	for (size_t i = 0; i < s->nr_chips; i++) {
		const struct chip_state *o = &s->chips[i];

		if (o->vm == c->vm && o->index == c->index && !strcmp(o->model_name, c->model_name))
			return o;
	}
	return NULL;
}

static const struct chip_value *find_value(const struct value_list *l, size_t hint,
					   const char *name)
{
	if (hint < l->n && !strcmp(l->v[hint].name, name))
		return &l->v[hint];
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static void compare_values(const struct chip_state *chip, const struct value_list *la,
			   const struct value_list *lb,
			   void (*fn)(void *, const struct diff_entry *), void *ctx,
			   struct diff_totals *t)
{
	for (size_t i = 0; i < la->n; i++) {
		const struct chip_value *a = &la->v[i], *b = find_value(lb, i, a->name);
		struct diff_entry e = { .chip = chip, .a = a, .b = b };

		if (!b)
			continue; /* the same model on both sides has the same fields */
		t->compared++;
		if (a->known != b->known) {
			const struct chip_value *missing = a->known ? b : a;

			/* a failed read is a finding; a value a trace never showed is not */
			e.class = missing->status ? DIFF_UNKNOWN : DIFF_NOT_KNOWN;
			if (missing->status)
				t->unknown++;
			else
				t->not_known++;
		} else if (a->known && a->value != b->value) {
			e.why = chip_value_why(a);
			e.class = e.why ? DIFF_VOLATILE : DIFF_CHANGED;
			if (e.why)
				t->volatile_changes++;
			else
				t->changed++;
		} else {
			continue;
		}
		fn(ctx, &e);
	}
}

static int compare_chip(const struct chip_state *ca, const struct chip_state *cb,
			void (*fn)(void *, const struct diff_entry *), void *ctx,
			struct diff_totals *t)
{
	struct value_list la = { 0 }, lb = { 0 };
	int ret = 0;

	if (ca->model && cb->model) {
		chip_decode(ca, collect, &la);
		chip_decode(cb, collect, &lb);
		ret = la.err ? la.err : lb.err;
		if (!ret)
			compare_values(ca, &la, &lb, fn, ctx, t);
	}
	free(la.v);
	free(lb.v);
	return ret;
}

int snapshot_diff(const struct snapshot *a, const struct snapshot *b,
		  void (*fn)(void *ctx, const struct diff_entry *e), void *ctx,
		  struct diff_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < a->nr_chips; i++) {
		const struct chip_state *ca = &a->chips[i], *cb = find_chip(b, ca);
		int ret;

		if (!cb) {
			struct diff_entry e = { .class = DIFF_ONLY_A, .chip = ca };

			t->only_a++;
			fn(ctx, &e);
			continue;
		}
		ret = compare_chip(ca, cb, fn, ctx, t);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < b->nr_chips; i++) {
		if (!find_chip(a, &b->chips[i])) {
			struct diff_entry e = { .class = DIFF_ONLY_B, .chip = &b->chips[i] };

			t->only_b++;
			fn(ctx, &e);
		}
	}
	return 0;
}

bool diff_totals_differ(const struct diff_totals *t)
{
	return t->changed || t->unknown || t->only_a || t->only_b;
}
