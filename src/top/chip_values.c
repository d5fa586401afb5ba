// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top/chip_values.h"

const struct chip_state *top_chip_by_number(const struct top_frame *f, uint32_t vm,
					    unsigned number)
{
	unsigned n = 0;

	for (size_t i = 0; f->state && i < f->state->nr_chips; i++)
		if (f->state->chips[i].vm == vm && ++n == number)
			return &f->state->chips[i];
	return NULL;
}

bool top_chip_same_row(const struct top_chip_value *a, const struct top_chip_value *b)
{
	if (a->irq >= 0 || b->irq >= 0)
		return a->irq == b->irq;
	return a->reg == b->reg && a->element == b->element;
}

struct decode_ctx {
	struct top_chip_values *vals;
	const struct chip_model *model;
	int irq_count; /* the chip's interrupts (-1: all): no rows past them */
};

static int keep_value(void *ctx, const struct chip_value *v)
{
	struct decode_ctx *d = ctx;
	struct top_chip_values *vals = d->vals;
	struct top_chip_value *out;
	const char *field = v->field ? v->field->name : NULL;
	const char *dot = strrchr(v->name, '.');

	if (d->irq_count >= 0 && v->irq >= d->irq_count)
		return 0;
	if (vals->n == vals->cap) {
		size_t cap = vals->cap ? vals->cap * 2 : 256;
		struct top_chip_value *p = realloc(vals->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		vals->v = p;
		vals->cap = cap;
	}
	out = &vals->v[vals->n++];
	memset(out, 0, sizeof(*out));
	out->reg = v->reg;
	out->element = v->element;
	snprintf(out->name, sizeof(out->name), "%s", v->name);
	snprintf(out->label, sizeof(out->label), "%s", v->name);
	out->irq = -1;
	if (d->model->irq_label && v->irq >= 0) {
		/* by interrupt: the row is the interrupt, the column the field */
		out->irq = v->irq;
		chip_irq_label(d->model, (unsigned)v->irq, out->label, sizeof(out->label));
		snprintf(out->field, sizeof(out->field), "%s", field ? field : v->reg->name);
	} else if (field && dot) { /* the name up to the field: "src_ivpr[3]" */
		out->label[dot - v->name] = '\0';
		snprintf(out->field, sizeof(out->field), "%s", dot + 1);
	}
	out->ordinal = v->ordinal;
	out->known = v->known;
	out->value = v->value;
	if (v->known)
		chip_value_format(v, out->text, sizeof(out->text));
	else
		snprintf(out->text, sizeof(out->text), "?");
	return 0;
}

/* The registers' rows in table order, then one row per interrupt, its
 * values in table order (a stable order: the decode's). */
static int by_row(const void *pa, const void *pb)
{
	const struct top_chip_value *a = pa, *b = pb;

	if (a->irq != b->irq)
		return a->irq < b->irq ? -1 : 1;
	return a->ordinal < b->ordinal ? -1 : a->ordinal > b->ordinal;
}

int top_chip_values_update(struct top_chip_values *vals, const struct chip_state *c)
{
	struct top_chip_values fresh = { .decoded = true };
	struct decode_ctx d = { .vals = &fresh, .model = c->model,
				.irq_count = chip_state_irq_count(c) };
	bool comparable;
	int ret = chip_decode(c, keep_value, &d);

	if (ret) {
		free(fresh.v);
		return ret;
	}
	if (c->model->irq_label && fresh.n)
		qsort(fresh.v, fresh.n, sizeof(*fresh.v), by_row);
	comparable = vals->decoded && fresh.n == vals->n;
	for (size_t i = 0; i < fresh.n; i++) {
		struct top_chip_value *now = &fresh.v[i];
		const struct top_chip_value *old = comparable ? &vals->v[i] : NULL;

		/* A value read for the first time (a key frame still being read
		 * when a replay starts) is news, not a change; a value no longer
		 * known (set with a payload not recorded) is one. */
		now->changed = old && old->known && (!now->known || old->value != now->value);
		fresh.changed += now->changed;
		fresh.unknown += !now->known;
	}
	free(vals->v);
	*vals = fresh;
	return 0;
}

void top_chip_values_reset(struct top_chip_values *vals)
{
	vals->decoded = false;
}

void top_chip_values_free(struct top_chip_values *vals)
{
	free(vals->v);
	memset(vals, 0, sizeof(*vals));
}
