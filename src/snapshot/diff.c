// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
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

/* ---- routing tables: compared per GSI, as decoded text ---- */

/* Every route of GSI in R, as one line: a GSI may route to several pins. */
static void routes_of(const struct snapshot *s, const struct vm_routing *r, uint32_t gsi,
		      char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nr_entries && n < len; i++) {
		struct route_view v;
		char one[160];

		routing_entry_view(r->entries[i], s->byte_order_big, &v);
		if (v.gsi != gsi)
			continue;
		routing_entry_text(&v, snapshot_platform(s), one, sizeof(one));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "; " : "", one);
	}
	if (!buf[0])
		snprintf(buf, len, "(no route)");
}

/* VM's routing table, when the snapshot knows it. */
static const struct vm_routing *find_routing(const struct snapshot *s, uint32_t vm)
{
	const struct vm_routing *r = snapshot_find_routing(s, vm);

	return r && r->table_known ? r : NULL;
}

static void compare_gsi(const struct snapshot *a, const struct vm_routing *ra,
			const struct snapshot *b, const struct vm_routing *rb, uint32_t gsi,
			void (*fn)(void *, const struct diff_entry *), void *ctx,
			struct diff_totals *t)
{
	char ta[512], tb[512], what[32];
	struct diff_entry e = { .class = DIFF_CHANGED, .vm = ra->vm, .what = what };

	routes_of(a, ra, gsi, ta, sizeof(ta));
	routes_of(b, rb, gsi, tb, sizeof(tb));
	t->routes_compared++;
	if (!strcmp(ta, tb))
		return;
	snprintf(what, sizeof(what), "routing gsi %u", gsi);
	e.a_text = ta;
	e.b_text = tb;
	t->routes_changed++;
	t->changed++;
	fn(ctx, &e);
}

static bool gsi_seen_before(const struct snapshot *s, const struct vm_routing *r, size_t upto,
			    uint32_t gsi)
{
	for (size_t i = 0; i < upto; i++) {
		struct route_view v;

		routing_entry_view(r->entries[i], s->byte_order_big, &v);
		if (v.gsi == gsi)
			return true;
	}
	return false;
}

/* Both tables' GSIs, each once: A's in order, then B's that A lacks. */
static void compare_routing(const struct snapshot *a, const struct snapshot *b,
			    void (*fn)(void *, const struct diff_entry *), void *ctx,
			    struct diff_totals *t)
{
	for (size_t i = 0; i < a->nr_routing; i++) {
		const struct vm_routing *ra = find_routing(a, a->routing[i].vm);
		const struct vm_routing *rb = ra ? find_routing(b, ra->vm) : NULL;
		struct route_view v;

		if (!ra || !rb)
			continue; /* a table only a trace shows: nothing to compare with */
		for (size_t k = 0; k < ra->nr_entries; k++) {
			routing_entry_view(ra->entries[k], a->byte_order_big, &v);
			if (!gsi_seen_before(a, ra, k, v.gsi))
				compare_gsi(a, ra, b, rb, v.gsi, fn, ctx, t);
		}
		for (size_t k = 0; k < rb->nr_entries; k++) {
			routing_entry_view(rb->entries[k], b->byte_order_big, &v);
			if (!gsi_seen_before(b, rb, k, v.gsi) &&
			    !gsi_seen_before(a, ra, ra->nr_entries, v.gsi))
				compare_gsi(a, ra, b, rb, v.gsi, fn, ctx, t);
		}
	}
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
	compare_routing(a, b, fn, ctx, t);
	return 0;
}

bool diff_totals_differ(const struct diff_totals *t)
{
	return t->changed || t->unknown || t->only_a || t->only_b;
}
