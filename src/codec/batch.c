// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/batch.h"
#include "codec/layout.h"
#include "util/varint.h"

/* Which header fields differ from the previous event's. */
enum {
	CHANGED_VM = 1 << 0,
	CHANGED_PID = 1 << 1,
	CHANGED_TID = 1 << 2,
	CHANGED_VCPU = 1 << 3,
	CHANGED_CPU = 1 << 4,
	HAS_FLAGS = 1 << 5,
};

static void state_reset(struct batch_state *s)
{
	memset(s, 0, sizeof(*s));
	s->vcpu_id = KVMIRQ_NO_VCPU;
}

void batch_encoder_init(struct batch_encoder *e, uint64_t time_unit_ns)
{
	memset(e, 0, sizeof(*e));
	e->time_unit_ns = time_unit_ns ? time_unit_ns : 1;
	batch_encoder_reset(e);
}

void batch_encoder_free(struct batch_encoder *e)
{
	for (int i = 0; i < NR_STREAMS; i++)
		free(e->streams[i].buf);
	free(e->out.buf);
	memset(e, 0, sizeof(*e));
}

void batch_encoder_reset(struct batch_encoder *e)
{
	for (int i = 0; i < NR_STREAMS; i++)
		e->streams[i].len = 0;
	e->count = 0;
	e->len = 0;
	state_reset(&e->prev);
}

static int reserve(struct byte_stream *s, size_t more)
{
	size_t cap = s->cap ? s->cap : 1024;
	uint8_t *buf;

	if (s->len + more <= s->cap)
		return 0;
	while (cap < s->len + more)
		cap *= 2;
	buf = realloc(s->buf, cap);
	if (!buf)
		return -ENOMEM;
	s->buf = buf;
	s->cap = cap;
	return 0;
}

/* Callers reserve first: these never fail. */
static void put_u8(struct byte_stream *s, uint8_t v)
{
	s->buf[s->len++] = v;
}

/* Most values are small deltas: one byte, without the call. */
static void put_u64(struct byte_stream *s, uint64_t v)
{
	if (v < 0x80)
		s->buf[s->len++] = (uint8_t)v;
	else
		s->len += varint_encode_u64(v, s->buf + s->len);
}

static void put_s64(struct byte_stream *s, int64_t v)
{
	put_u64(s, zigzag_encode(v));
}

static void put_bytes(struct byte_stream *s, const void *p, size_t n)
{
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/*
 * Nanoseconds in the recording's time unit. The two units record offers get
 * a division by a constant, which the compiler makes a multiplication: a
 * 64-bit division per timestamp was a tenth of the encoder's time.
 */
static uint64_t to_time_units(const struct batch_encoder *e, uint64_t ns)
{
	switch (e->time_unit_ns) {
	case 1: return ns;
	case 1000: return ns / 1000;
	default: return ns / e->time_unit_ns;
	}
}

/* A field's value as stored: durations in time units. */
static uint64_t stored_value(const struct batch_encoder *e, const struct event_field *f,
			     uint64_t v)
{
	return f->is_duration ? to_time_units(e, v) : v;
}

int batch_encoder_add(struct batch_encoder *e, const void *rec, size_t len)
{
	struct kvmirq_event_header h;
	const struct event_layout *l;
	const uint8_t *body = (const uint8_t *)rec + sizeof(h);
	struct byte_stream *s = e->streams;
	uint64_t *prev_fields;
	uint64_t time;
	uint8_t changed = 0;

	memcpy(&h, rec, sizeof(h));
	l = event_layout(h.kind);
	if (!l || len < sizeof(h) + l->body_size || l->nr_fields > BATCH_MAX_FIELDS)
		return -EINVAL;
	/* Worst case: every varint at full width, plus the record's bytes. */
	if (reserve(&s[STREAM_KINDS], 1) || reserve(&s[STREAM_CHANGED], 1) ||
	    reserve(&s[STREAM_TIMES], 10) || reserve(&s[STREAM_HEADER], 6 * 10) ||
	    reserve(&s[STREAM_FIELDS], (size_t)l->nr_fields * 10) ||
	    reserve(&s[STREAM_BYTES], 1 + len))
		return -ENOMEM;

	if (h.vm != e->prev.vm)
		changed |= CHANGED_VM;
	if (h.pid != e->prev.pid)
		changed |= CHANGED_PID;
	if (h.tid != e->prev.tid)
		changed |= CHANGED_TID;
	if (h.vcpu_id != e->prev.vcpu_id)
		changed |= CHANGED_VCPU;
	if (h.cpu != e->prev.cpu)
		changed |= CHANGED_CPU;
	if (h.flags)
		changed |= HAS_FLAGS;

	put_u8(&s[STREAM_KINDS], (uint8_t)h.kind);
	put_u8(&s[STREAM_CHANGED], changed);
	/* Events from different CPUs may step back a little: signed deltas. */
	time = to_time_units(e, h.timestamp_ns);
	put_s64(&s[STREAM_TIMES], (int64_t)(time - e->prev.time));
	if (changed & CHANGED_VM)
		put_u64(&s[STREAM_HEADER], h.vm);
	if (changed & CHANGED_PID)
		put_u64(&s[STREAM_HEADER], h.pid);
	if (changed & CHANGED_TID)
		put_u64(&s[STREAM_HEADER], h.tid);
	if (changed & CHANGED_VCPU)
		put_s64(&s[STREAM_HEADER], h.vcpu_id);
	if (changed & CHANGED_CPU)
		put_u64(&s[STREAM_HEADER], h.cpu);
	if (changed & HAS_FLAGS)
		put_u64(&s[STREAM_HEADER], h.flags);
	/* Each field against the same field of the last event of this kind:
	 * repeated events become runs of zeros. */
	prev_fields = e->prev.fields[h.kind];
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		uint64_t v = stored_value(e, &l->fields[i], event_field_get(body, &l->fields[i]));

		put_s64(&s[STREAM_FIELDS], (int64_t)(v - prev_fields[i]));
		prev_fields[i] = v;
	}
	if (h.kind == KVMIRQ_EV_IOCTL) {
		const struct kvmirq_ev_ioctl *io = (const void *)body;
		size_t name_len = strnlen(io->device_name, KVMIRQ_DEVICE_NAME_LEN);

		put_u8(&s[STREAM_BYTES], (uint8_t)name_len);
		put_bytes(&s[STREAM_BYTES], io->device_name, name_len);
		put_bytes(&s[STREAM_BYTES], body + sizeof(*io), (size_t)io->in_len + io->out_len);
	} else if (h.kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		const struct kvmirq_ev_ioctl_payload *p = (const void *)body;

		put_bytes(&s[STREAM_BYTES], body + sizeof(*p), p->len);
	}

	e->prev.time = time;
	e->prev.vm = h.vm;
	e->prev.pid = h.pid;
	e->prev.tid = h.tid;
	e->prev.vcpu_id = h.vcpu_id;
	e->prev.cpu = h.cpu;
	e->last_timestamp_ns = h.timestamp_ns;
	e->count++;
	e->len = 0;
	for (int i = 0; i < NR_STREAMS; i++)
		e->len += s[i].len;
	return 0;
}

/* format, time unit, count, the stream lengths, then the streams. */
int batch_encoder_finish(struct batch_encoder *e, const uint8_t **buf, size_t *len)
{
	e->out.len = 0;
	if (reserve(&e->out, 1 + 10 + 10 + NR_STREAMS * 10 + e->len))
		return -ENOMEM;
	put_u8(&e->out, BATCH_FORMAT);
	put_u64(&e->out, e->time_unit_ns);
	put_u64(&e->out, e->count);
	for (int i = 0; i < NR_STREAMS; i++)
		put_u64(&e->out, e->streams[i].len);
	for (int i = 0; i < NR_STREAMS; i++)
		put_bytes(&e->out, e->streams[i].buf, e->streams[i].len);
	*buf = e->out.buf;
	*len = e->out.len;
	return 0;
}

static int init_fail(struct batch_decoder *d, const char *what)
{
	snprintf(d->error, sizeof(d->error), "event batch: %s", what);
	return -EBADMSG;
}

int batch_decoder_init(struct batch_decoder *d, const void *batch, size_t len)
{
	const uint8_t *p = batch, *end = p + len;
	uint64_t v, lens[NR_STREAMS], total = 0;
	int n;

	memset(d, 0, sizeof(*d));
	state_reset(&d->prev);
	if (len < 1 || p[0] != BATCH_FORMAT) {
		snprintf(d->error, sizeof(d->error), "event batch of unknown format %u (this kvmirq reads %d)",
			 len ? p[0] : 0, BATCH_FORMAT);
		return -EBADMSG;
	}
	p++;
	n = varint_decode_u64(p, (size_t)(end - p), &v);
	if (n < 0 || v == 0)
		return init_fail(d, "bad time unit");
	p += n;
	d->time_unit_ns = v;
	n = varint_decode_u64(p, (size_t)(end - p), &v);
	if (n < 0 || v > UINT32_MAX)
		return init_fail(d, "bad event count");
	p += n;
	d->count = (uint32_t)v;
	for (int i = 0; i < NR_STREAMS; i++) {
		n = varint_decode_u64(p, (size_t)(end - p), &lens[i]);
		if (n < 0 || lens[i] > len)
			return init_fail(d, "bad stream length");
		p += n;
		total += lens[i];
	}
	if (total != (uint64_t)(end - p))
		return init_fail(d, "stream lengths do not add up to the batch");
	for (int i = 0; i < NR_STREAMS; i++) {
		d->s[i].p = p;
		d->s[i].end = p + lens[i];
		p += lens[i];
	}
	/* one kind byte per event: a count that disagrees is not a batch of ours */
	if (lens[STREAM_KINDS] != d->count || lens[STREAM_CHANGED] != d->count)
		return init_fail(d, "event count and streams disagree");
	return 0;
}

static int get_u64(struct batch_decoder *d, enum batch_stream s, uint64_t *v)
{
	int n = varint_decode_u64(d->s[s].p, (size_t)(d->s[s].end - d->s[s].p), v);

	if (n < 0)
		return -EBADMSG;
	d->s[s].p += n;
	return 0;
}

static int get_s64(struct batch_decoder *d, enum batch_stream s, int64_t *v)
{
	int n = varint_decode_s64(d->s[s].p, (size_t)(d->s[s].end - d->s[s].p), v);

	if (n < 0)
		return -EBADMSG;
	d->s[s].p += n;
	return 0;
}

static int get_bytes(struct batch_decoder *d, enum batch_stream s, void *out, size_t n)
{
	if ((size_t)(d->s[s].end - d->s[s].p) < n)
		return -EBADMSG;
	memcpy(out, d->s[s].p, n);
	d->s[s].p += n;
	return 0;
}

static int fail(struct batch_decoder *d, const char *what)
{
	snprintf(d->error, sizeof(d->error), "event %u of the batch: %s", d->index, what);
	return -EBADMSG;
}

static int decode_header(struct batch_decoder *d, struct kvmirq_event_header *h)
{
	uint8_t changed;
	uint64_t v;
	int64_t s;

	if (get_bytes(d, STREAM_KINDS, &changed, 1))
		return fail(d, "cut short");
	h->kind = changed;
	if (get_bytes(d, STREAM_CHANGED, &changed, 1))
		return fail(d, "cut short");
	if (get_s64(d, STREAM_TIMES, &s))
		return fail(d, "bad timestamp");
	d->prev.time += (uint64_t)s;
	h->timestamp_ns = d->prev.time * d->time_unit_ns;
	if (changed & CHANGED_VM) {
		if (get_u64(d, STREAM_HEADER, &v))
			return fail(d, "bad VM id");
		d->prev.vm = v;
	}
	if (changed & CHANGED_PID) {
		if (get_u64(d, STREAM_HEADER, &v))
			return fail(d, "bad pid");
		d->prev.pid = (uint32_t)v;
	}
	if (changed & CHANGED_TID) {
		if (get_u64(d, STREAM_HEADER, &v))
			return fail(d, "bad tid");
		d->prev.tid = (uint32_t)v;
	}
	if (changed & CHANGED_VCPU) {
		if (get_s64(d, STREAM_HEADER, &s))
			return fail(d, "bad vCPU");
		d->prev.vcpu_id = (int32_t)s;
	}
	if (changed & CHANGED_CPU) {
		if (get_u64(d, STREAM_HEADER, &v))
			return fail(d, "bad cpu");
		d->prev.cpu = (uint32_t)v;
	}
	if (changed & HAS_FLAGS) {
		if (get_u64(d, STREAM_HEADER, &v))
			return fail(d, "bad flags");
		h->flags = (uint32_t)v;
	}
	h->vm = d->prev.vm;
	h->pid = d->prev.pid;
	h->tid = d->prev.tid;
	h->vcpu_id = d->prev.vcpu_id;
	h->cpu = d->prev.cpu;
	return 0;
}

int batch_decoder_next(struct batch_decoder *d, void *out, size_t *outlen)
{
	struct kvmirq_event_header h;
	const struct event_layout *l;
	uint8_t *body = (uint8_t *)out + sizeof(h);
	uint64_t *prev_fields;
	size_t size;
	int ret;

	if (d->index == d->count) {
		/* every stream used up: bytes left over mean the batch is not ours */
		for (int i = 0; i < NR_STREAMS; i++)
			if (d->s[i].p != d->s[i].end)
				return fail(d, "bytes left over after the last event");
		return 0;
	}
	memset(&h, 0, sizeof(h));
	ret = decode_header(d, &h);
	if (ret)
		return ret;
	l = event_layout(h.kind);
	if (!l || l->nr_fields > BATCH_MAX_FIELDS)
		return fail(d, "unknown event kind");
	memset(body, 0, l->body_size);
	prev_fields = d->prev.fields[h.kind];
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		const struct event_field *f = &l->fields[i];
		int64_t delta;
		uint64_t v;

		if (get_s64(d, STREAM_FIELDS, &delta))
			return fail(d, "bad field");
		v = prev_fields[i] + (uint64_t)delta;
		event_field_set(body, f, f->is_duration ? v * d->time_unit_ns : v);
		/* what the encoder saw: the value as the field holds it */
		prev_fields[i] = f->is_duration ? v : event_field_get(body, f);
	}
	size = sizeof(h) + l->body_size;
	if (h.kind == KVMIRQ_EV_IOCTL) {
		struct kvmirq_ev_ioctl *io = (void *)body;
		size_t payload = (size_t)io->in_len + io->out_len;
		uint8_t name_len;

		/* event_record_check() rejects these: never hand one out as decoded */
		if (io->ioctl_id >= KVMIRQ_IOCTL_ID_MAX)
			return fail(d, "unknown ioctl");
		/* The encoder writes the name up to its NUL: a NUL inside is not ours
		 * (and what follows it would be lost when the event is encoded again). */
		if (get_bytes(d, STREAM_BYTES, &name_len, 1) || name_len >= KVMIRQ_DEVICE_NAME_LEN ||
		    get_bytes(d, STREAM_BYTES, io->device_name, name_len) ||
		    memchr(io->device_name, '\0', name_len))
			return fail(d, "bad device name");
		if (payload > KVMIRQ_PAYLOAD_MAX || get_bytes(d, STREAM_BYTES, body + sizeof(*io), payload))
			return fail(d, "bad ioctl payload");
		size += payload;
	} else if (h.kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		struct kvmirq_ev_ioctl_payload *p = (void *)body;

		if (p->len > KVMIRQ_PAYLOAD_MAX || get_bytes(d, STREAM_BYTES, body + sizeof(*p), p->len))
			return fail(d, "bad payload continuation");
		size += p->len;
	}
	h.size = (uint16_t)size;
	memcpy(out, &h, sizeof(h));
	d->index++;
	*outlen = size;
	return 1;
}
