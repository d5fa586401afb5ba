// SPDX-License-Identifier: GPL-2.0
/* The generic half of every chip model: reads, decoding and formatting from the tables. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/chip.h"
#include "util/byte_order.h"

static bool register_is_read(const struct chip_register *r)
{
	return r->read != CHIP_READ_NONE && !(r->flags & (CHIP_SIDE_EFFECT | CHIP_WRITE_ONLY));
}

static unsigned count_of(const struct chip_register *r)
{
	return r->count ? r->count : 1;
}

/* Where element E of R lives: which read, and the byte offset in it. */
static void locate(const struct chip_register *r, unsigned e, uint64_t *attr, uint32_t *offset)
{
	if (r->read == CHIP_READ_DEVICE_ATTR) {
		*attr = r->attr + (uint64_t)e * r->stride;
		*offset = 0;
	} else {
		*attr = r->read == CHIP_READ_IRQCHIP ? r->attr : 0;
		*offset = r->offset + e * r->stride;
	}
}

static uint32_t read_len(const struct chip_register *r)
{
	switch (r->read) {
	case CHIP_READ_IRQCHIP:
		return CHIP_IRQCHIP_BLOCK_SIZE;
	case CHIP_READ_LAPIC:
		return CHIP_LAPIC_BLOCK_SIZE;
	default:
		return r->width;
	}
}

/* Whole-block reads repeat for every register of the block: keep the first. */
static bool seen_before(const struct chip_model *m, size_t reg, unsigned e, uint64_t attr)
{
	const struct chip_register *r = &m->registers[reg];

	if (r->read == CHIP_READ_DEVICE_ATTR)
		return false; /* attrs of distinct rows never overlap in a sane table */
	for (size_t i = 0; i <= reg; i++) {
		const struct chip_register *p = &m->registers[i];

		if (!register_is_read(p) || p->read != r->read)
			continue;
		if (p->read == CHIP_READ_IRQCHIP && p->attr != attr)
			continue;
		return i < reg || e > 0;
	}
	return false;
}

size_t chip_for_each_read(const struct chip_model *m,
			  void (*fn)(void *ctx, enum chip_read_kind kind, uint32_t group,
				     uint64_t attr, uint32_t len),
			  void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nr_registers; i++) {
		const struct chip_register *r = &m->registers[i];

		if (!register_is_read(r))
			continue;
		for (unsigned e = 0; e < count_of(r); e++) {
			uint64_t attr;
			uint32_t off;

			locate(r, e, &attr, &off);
			if (seen_before(m, i, e, attr))
				continue;
			if (fn)
				fn(ctx, r->read, r->group, attr, read_len(r));
			n++;
		}
	}
	return n;
}

struct chip_read_result *chip_state_find_read(const struct chip_state *s, enum chip_read_kind kind,
					      uint32_t group, uint64_t attr)
{
	for (size_t i = 0; i < s->nr_reads; i++) {
		struct chip_read_result *r = &s->reads[i];

		if (r->kind == kind && r->group == group && r->attr == attr)
			return r;
	}
	return NULL;
}

static struct chip_read_result *element_read(const struct chip_state *s,
					     const struct chip_register *r, unsigned e,
					     uint32_t *offset)
{
	uint64_t attr;

	locate(r, e, &attr, offset);
	return chip_state_find_read(s, r->read, r->read == CHIP_READ_DEVICE_ATTR ? r->group : 0,
				    attr);
}

/* Element of R at ATTR when element 0 is at BASE, or -1. */
static long element_at(const struct chip_register *r, uint64_t base, uint64_t attr)
{
	unsigned count = count_of(r);

	if (attr < base)
		return -1;
	if (count == 1)
		return attr == base ? 0 : -1;
	if (!r->stride || (attr - base) % r->stride || (attr - base) / r->stride >= count)
		return -1;
	return (long)((attr - base) / r->stride);
}

/* The part of ATTR that names a register: without an MPIDR the model's
 * layout puts beside it. */
static uint64_t register_part(const struct chip_model *m, uint64_t attr)
{
	return m->attr_layout == CHIP_ATTR_REGISTER ? attr : attr & 0xffffffffull;
}

/*
 * A vCPU's MPIDR as KVM sets it unless the VMM writes MPIDR_EL1
 * (reset_mpidr(), arch/arm64/kvm/sys_regs.c): Aff0 = id[3:0],
 * Aff1 = id[11:4], Aff2 = id[19:12]; in the attr's form, Aff0 at bit 32.
 */
uint64_t chip_instance_attr_bits(const struct chip_model *m, int32_t index)
{
	uint64_t id = (uint32_t)index;

	if (m->attr_layout != CHIP_ATTR_MPIDR_VCPU || index < 0)
		return 0;
	return ((id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xff) << 16) << 32;
}

int32_t chip_attr_instance(const struct chip_model *m, uint64_t attr)
{
	uint32_t aff0 = (uint32_t)(attr >> 32) & 0xff, aff1 = (uint32_t)(attr >> 40) & 0xff;
	uint32_t aff2 = (uint32_t)(attr >> 48) & 0xff, aff3 = (uint32_t)(attr >> 56);

	if (m->attr_layout != CHIP_ATTR_MPIDR_VCPU)
		return 0;
	if (aff0 > 0xf || aff3)
		return -1; /* not an MPIDR KVM gives: the VMM set its own */
	return (int32_t)(aff0 | aff1 << 4 | aff2 << 12);
}

static const struct chip_register *register_at(const struct chip_model *m, uint32_t group,
					       uint64_t attr, bool write, unsigned *element)
{
	attr = register_part(m, attr);
	for (size_t i = 0; i < m->nr_registers; i++) {
		const struct chip_register *r = &m->registers[i];
		bool moved = write && (r->flags & CHIP_READ_MOVED);
		long e;

		if (r->read != CHIP_READ_DEVICE_ATTR || r->group != group)
			continue;
		e = element_at(r, moved ? r->write_attr : r->attr, attr);
		if (e < 0)
			continue;
		*element = (unsigned)e;
		return r;
	}
	return NULL;
}

const struct chip_register *chip_register_by_attr(const struct chip_model *m, uint32_t group,
						  uint64_t attr, unsigned *element)
{
	return register_at(m, group, attr, false, element);
}

const struct chip_register *chip_register_written_at(const struct chip_model *m, uint32_t group,
						     uint64_t attr, unsigned *element)
{
	return register_at(m, group, attr, true, element);
}

const char *chip_group_name(const struct chip_model *m, uint32_t group)
{
	for (const struct chip_group *g = m->groups; g && g->name; g++)
		if (g->group == group)
			return g->name;
	return NULL;
}

unsigned chip_attr_value_width(const struct chip_model *m, uint32_t group, uint64_t attr)
{
	unsigned element;
	const struct chip_register *r = chip_register_by_attr(m, group, attr, &element);

	for (size_t i = 0; !r && i < m->nr_registers; i++)
		if (m->registers[i].read == CHIP_READ_DEVICE_ATTR && m->registers[i].group == group)
			r = &m->registers[i];
	if (r)
		return r->width;
	for (const struct chip_group *g = m->groups; g && g->name; g++)
		if (g->group == group)
			return g->value_width;
	return 0;
}

bool chip_register_get(const struct chip_state *s, const struct chip_register *r, unsigned e,
		       uint64_t *value)
{
	uint32_t off;
	struct chip_read_result *rr = element_read(s, r, e, &off);

	if (!rr || rr->status || off + r->width > rr->len)
		return false;
	*value = bytes_load(rr->bytes + off, r->width, s->big_endian);
	return true;
}

bool chip_register_set(struct chip_state *s, const struct chip_register *r, unsigned e,
		       uint64_t value)
{
	uint32_t off;
	struct chip_read_result *rr = element_read(s, r, e, &off);

	if (!rr || off + r->width > rr->len)
		return false;
	bytes_store(rr->bytes + off, r->width, value, s->big_endian);
	rr->status = 0;
	return true;
}

const struct chip_register *chip_register_by_name(const struct chip_model *m, const char *name)
{
	for (size_t i = 0; i < m->nr_registers; i++)
		if (!strcmp(m->registers[i].name, name))
			return &m->registers[i];
	return NULL;
}

uint64_t chip_field_value(const struct chip_field *f, uint64_t raw)
{
	if (f->bits >= 64)
		return raw >> f->lo;
	return (raw >> f->lo) & ((1ull << f->bits) - 1);
}

static void element_name(char *buf, size_t len, const struct chip_register *r, unsigned e,
			 const struct chip_field *f)
{
	char idx[16] = "";

	if (count_of(r) > 1)
		snprintf(idx, sizeof(idx), "[%u]", e);
	if (f)
		snprintf(buf, len, "%s%s.%s", r->name, idx, f->name);
	else
		snprintf(buf, len, "%s%s", r->name, idx);
}

const char *chip_register_element_name(const struct chip_register *r, unsigned e, char *buf,
				       size_t len)
{
	element_name(buf, len, r, e, NULL);
	return buf;
}

static bool value_unknown(const struct chip_state *s, size_t i)
{
	return s->value_unknown && i < s->nr_values && (s->value_unknown[i / 8] >> (i % 8) & 1);
}

void chip_irq_label(const struct chip_model *m, unsigned irq, char *buf, size_t len)
{
	if (m->irq_label)
		m->irq_label(irq, buf, len);
	else
		snprintf(buf, len, "irq%u", irq);
}

static void fill(const struct chip_state *s, size_t *ordinal, struct chip_value *v,
		 bool known, int32_t status, const struct chip_register *r,
		 const struct chip_field *f)
{
	v->ordinal = (*ordinal)++;
	v->known = known && !value_unknown(s, v->ordinal);
	v->status = status;
	v->flags = r->flags | (f ? f->flags : 0);
}

static int emit(const struct chip_state *s, size_t *ordinal, const struct chip_register *r,
		unsigned e, const struct chip_field *f, bool known, int32_t status, uint64_t raw,
		bool named, int (*fn)(void *, const struct chip_value *), void *ctx)
{
	struct chip_value v = { .reg = r, .field = f, .element = e, .irq = -1 };
	unsigned first = r->irq_base + e * r->irq_span;

	if (f && f->per_irq) {
		/* one value per interrupt, named by it */
		for (unsigned i = 0; i < f->bits / f->per_irq; i++) {
			char label[24], idx[16] = "";
			int stop;

			fill(s, ordinal, &v, known, status, r, f);
			v.irq = (int32_t)(first + i);
			if (named) {
				chip_irq_label(s->model, first + i, label, sizeof(label));
				if (count_of(r) > 1)
					snprintf(idx, sizeof(idx), "[%u]", e);
				snprintf(v.name, sizeof(v.name), "%s%s.%s", r->name, idx, label);
			}
			v.value = (raw >> (f->lo + i * f->per_irq)) &
				  ((1ull << f->per_irq) - 1);
			stop = fn(ctx, &v);
			if (stop)
				return stop;
		}
		return 0;
	}
	fill(s, ordinal, &v, known, status, r, f);
	if (r->irq_span == 1)
		v.irq = (int32_t)first;
	if (named)
		element_name(v.name, sizeof(v.name), r, e, f);
	v.value = f ? chip_field_value(f, raw) : raw;
	return fn(ctx, &v);
}

static int decode(const struct chip_state *s, bool named,
		  int (*fn)(void *ctx, const struct chip_value *v), void *ctx)
{
	const struct chip_model *m = s->model;
	size_t ordinal = 0;

	if (!m)
		return -ENOENT;
	for (size_t i = 0; i < m->nr_registers; i++) {
		const struct chip_register *r = &m->registers[i];

		if (!register_is_read(r))
			continue;
		for (unsigned e = 0; e < count_of(r); e++) {
			uint32_t off;
			struct chip_read_result *rr = element_read(s, r, e, &off);
			bool known = rr && !rr->status && off + r->width <= rr->len;
			int32_t status = rr ? rr->status : 0;
			uint64_t raw =
				known ? bytes_load(rr->bytes + off, r->width, s->big_endian) : 0;
			int stop;

			if (!r->fields) {
				stop = emit(s, &ordinal, r, e, NULL, known, status, raw, named, fn,
					    ctx);
				if (stop)
					return stop;
				continue;
			}
			for (const struct chip_field *f = r->fields; f->name; f++) {
				stop = emit(s, &ordinal, r, e, f, known, status, raw, named, fn, ctx);
				if (stop)
					return stop;
			}
		}
	}
	return 0;
}

int chip_decode(const struct chip_state *s, int (*fn)(void *ctx, const struct chip_value *v),
		void *ctx)
{
	return decode(s, true, fn, ctx);
}

int chip_decode_unnamed(const struct chip_state *s,
			int (*fn)(void *ctx, const struct chip_value *v), void *ctx)
{
	return decode(s, false, fn, ctx);
}

static const char *format_vector_set(const struct chip_value *v, char *buf, size_t len)
{
	size_t n = 0;
	unsigned base = v->element * 32;

	n += (size_t)snprintf(buf + n, len - n, "{");
	for (unsigned b = 0; b < 32 && n < len; b++) {
		if (!(v->value >> b & 1))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s0x%02x", n > 1 ? "," : "", base + b);
	}
	if (n < len)
		snprintf(buf + n, len - n, "}");
	return buf;
}

const char *chip_read_status_text(int32_t status)
{
	if (!status)
		return "not read";
	if (status == CHIP_STATUS_PAST_IRQS)
		return "past the chip's interrupts";
	return strerror(-status);
}

bool chip_element_past_irqs(const struct chip_register *r, unsigned e, int irq_count)
{
	return irq_count >= 0 && r->irq_span && r->irq_base + e * r->irq_span >= (unsigned)irq_count;
}

int chip_state_irq_count(const struct chip_state *state)
{
	return state->model && state->model->irq_count ? state->model->irq_count(state) : -1;
}

const char *chip_value_format(const struct chip_value *v, char *buf, size_t len)
{
	const struct chip_field *f = v->field;
	enum chip_format fmt = f ? f->format : CHIP_FMT_HEX;

	if (!v->known) {
		if (v->status)
			snprintf(buf, len, "?(%s)", chip_read_status_text(v->status));
		else
			snprintf(buf, len, "?");
		return buf;
	}
	switch (fmt) {
	case CHIP_FMT_DEC:
		snprintf(buf, len, "%llu", (unsigned long long)v->value);
		break;
	case CHIP_FMT_BOOL:
		snprintf(buf, len, "%s", v->value ? "yes" : "no");
		break;
	case CHIP_FMT_ENUM: {
		unsigned bits = f->per_irq ? f->per_irq : f->bits;

		if (f->names && bits < 16 && v->value < (1u << bits) && f->names[v->value])
			snprintf(buf, len, "%s", f->names[v->value]);
		else
			snprintf(buf, len, "%llu", (unsigned long long)v->value);
		break;
	}
	case CHIP_FMT_VECTOR_SET:
		return format_vector_set(v, buf, len);
	default:
		snprintf(buf, len, "0x%llx", (unsigned long long)v->value);
	}
	return buf;
}

const char *chip_value_why(const struct chip_value *v)
{
	if (v->field && (v->field->flags & CHIP_VOLATILE) && v->field->why)
		return v->field->why;
	if ((v->reg->flags & CHIP_VOLATILE) && v->reg->why)
		return v->reg->why;
	return (v->flags & CHIP_VOLATILE) ? "changes on its own" : NULL;
}

static int count_value(void *ctx, const struct chip_value *v)
{
	(void)v;
	++*(size_t *)ctx;
	return 0;
}

size_t chip_value_count(const struct chip_model *m)
{
	struct chip_state empty = { .model = m };
	size_t n = 0;

	chip_decode(&empty, count_value, &n);
	return n;
}

int chip_state_track_known(struct chip_state *s)
{
	if (s->value_unknown)
		return 0;
	s->nr_values = s->model ? chip_value_count(s->model) : 0;
	s->value_unknown = calloc(s->nr_values / 8 + 1, 1);
	return s->value_unknown ? 0 : -ENOMEM;
}

void chip_state_set_known(struct chip_state *s, size_t i, bool known)
{
	if (!s->value_unknown || i >= s->nr_values)
		return;
	if (known)
		s->value_unknown[i / 8] &= (uint8_t)~(1u << (i % 8));
	else
		s->value_unknown[i / 8] |= (uint8_t)(1u << (i % 8));
}

struct init_ctx {
	struct chip_state *s;
	int err;
};

static void add_read(void *p, enum chip_read_kind kind, uint32_t group, uint64_t attr,
		     uint32_t len)
{
	struct init_ctx *c = p;
	struct chip_read_result *r = &c->s->reads[c->s->nr_reads];

	r->kind = kind;
	r->group = kind == CHIP_READ_DEVICE_ATTR ? group : 0;
	r->attr = attr;
	r->status = -ENODATA;
	r->len = len;
	r->bytes = calloc(1, len);
	if (!r->bytes)
		c->err = -ENOMEM;
	c->s->nr_reads++;
}

int chip_state_init(struct chip_state *s, const struct chip_model *m, uint32_t vm, int32_t index)
{
	struct init_ctx c = { .s = s };
	size_t n = chip_for_each_read(m, NULL, NULL);

	memset(s, 0, sizeof(*s));
	s->model = m;
	snprintf(s->model_name, sizeof(s->model_name), "%s", m->name);
	s->vm = vm;
	s->index = index;
	s->reads = calloc(n ? n : 1, sizeof(*s->reads));
	if (!s->reads)
		return -ENOMEM;
	chip_for_each_read(m, add_read, &c);
	if (c.err)
		chip_state_free(s);
	return c.err;
}

void chip_state_free(struct chip_state *s)
{
	for (size_t i = 0; i < s->nr_reads; i++)
		free(s->reads[i].bytes);
	free(s->reads);
	free(s->value_unknown);
	s->reads = NULL;
	s->nr_reads = 0;
	s->value_unknown = NULL;
	s->nr_values = 0;
}

int chip_state_copy(struct chip_state *d, const struct chip_state *s)
{
	*d = *s;
	d->value_unknown = NULL;
	if (s->value_unknown) {
		d->value_unknown = malloc(s->nr_values / 8 + 1);
		if (!d->value_unknown)
			return -ENOMEM;
		memcpy(d->value_unknown, s->value_unknown, s->nr_values / 8 + 1);
	}
	d->reads = calloc(s->nr_reads ? s->nr_reads : 1, sizeof(*d->reads));
	if (!d->reads) {
		d->nr_reads = 0;
		chip_state_free(d);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nr_reads; i++) {
		d->reads[i] = s->reads[i];
		d->reads[i].bytes = malloc(s->reads[i].len ? s->reads[i].len : 1);
		if (!d->reads[i].bytes) {
			d->nr_reads = i;
			chip_state_free(d);
			return -ENOMEM;
		}
		memcpy(d->reads[i].bytes, s->reads[i].bytes, s->reads[i].len);
	}
	return 0;
}
