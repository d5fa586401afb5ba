// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/batch.h"
#include "codec/layout.h"
#include "tracefile/varint.h"

/* Which header fields differ from the previous event's. */
enum {
	CHANGED_VM = 1 << 0,
	CHANGED_PID = 1 << 1,
	CHANGED_TID = 1 << 2,
	CHANGED_VCPU = 1 << 3,
	CHANGED_CPU = 1 << 4,
	HAS_FLAGS = 1 << 5,
};

void batch_encoder_init(struct batch_encoder *e)
{
	memset(e, 0, sizeof(*e));
	batch_encoder_reset(e);
}

void batch_encoder_free(struct batch_encoder *e)
{
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

void batch_encoder_reset(struct batch_encoder *e)
{
	e->len = 0;
	e->count = 0;
	memset(&e->prev, 0, sizeof(e->prev));
	e->prev.vcpu_id = KVMIRQ_NO_VCPU;
}

static int reserve(struct batch_encoder *e, size_t more)
{
	size_t cap = e->cap ? e->cap : 4096;
	uint8_t *buf;

	if (e->len + more <= e->cap)
		return 0;
	while (cap < e->len + more)
		cap *= 2;
	buf = realloc(e->buf, cap);
	if (!buf)
		return -ENOMEM;
	e->buf = buf;
	e->cap = cap;
	return 0;
}

static void put_u64(struct batch_encoder *e, uint64_t v)
{
	e->len += tf_varint_encode_u64(v, e->buf + e->len);
}

static void put_s64(struct batch_encoder *e, int64_t v)
{
	e->len += tf_varint_encode_s64(v, e->buf + e->len);
}

static void put_bytes(struct batch_encoder *e, const void *p, size_t n)
{
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

int batch_encoder_add(struct batch_encoder *e, const void *rec, size_t len)
{
	struct kvmirq_event_header h;
	const struct event_layout *l;
	const uint8_t *body = (const uint8_t *)rec + sizeof(h);
	uint8_t changed = 0;

	memcpy(&h, rec, sizeof(h));
	l = event_layout(h.kind);
	if (!l || len < sizeof(h) + l->body_size)
		return -EINVAL;
	/* Worst case: every varint at full width, plus the record's bytes. */
	if (reserve(e, 3 + 7 * 10 + l->nr_fields * 10 + len))
		return -ENOMEM;
	if (e->len == 0)
		e->buf[e->len++] = BATCH_FORMAT;

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

	e->buf[e->len++] = (uint8_t)h.kind;
	e->buf[e->len++] = changed;
	/* Events from different CPUs may step back a little: signed deltas. */
	put_s64(e, (int64_t)(h.timestamp_ns - e->prev.timestamp_ns));
	if (changed & CHANGED_VM)
		put_u64(e, h.vm);
	if (changed & CHANGED_PID)
		put_u64(e, h.pid);
	if (changed & CHANGED_TID)
		put_u64(e, h.tid);
	if (changed & CHANGED_VCPU)
		put_s64(e, h.vcpu_id);
	if (changed & CHANGED_CPU)
		put_u64(e, h.cpu);
	if (changed & HAS_FLAGS)
		put_u64(e, h.flags);
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		uint64_t v = event_field_get(body, &l->fields[i]);

		if (l->fields[i].is_signed)
			put_s64(e, (int64_t)v);
		else
			put_u64(e, v);
	}
	if (h.kind == KVMIRQ_EV_IOCTL) {
		const struct kvmirq_ev_ioctl *io = (const void *)body;
		size_t name_len = strnlen(io->device_name, KVMIRQ_DEVICE_NAME_LEN);

		e->buf[e->len++] = (uint8_t)name_len;
		put_bytes(e, io->device_name, name_len);
		put_bytes(e, body + sizeof(*io), (size_t)io->in_len + io->out_len);
	} else if (h.kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		const struct kvmirq_ev_ioctl_payload *p = (const void *)body;

		put_bytes(e, body + sizeof(*p), p->len);
	}

	e->prev.timestamp_ns = h.timestamp_ns;
	e->prev.vm = h.vm;
	e->prev.pid = h.pid;
	e->prev.tid = h.tid;
	e->prev.vcpu_id = h.vcpu_id;
	e->prev.cpu = h.cpu;
	e->count++;
	return 0;
}

int batch_decoder_init(struct batch_decoder *d, const void *batch, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->p = batch;
	d->end = d->p + len;
	d->prev.vcpu_id = KVMIRQ_NO_VCPU;
	if (len < 1 || d->p[0] != BATCH_FORMAT) {
		snprintf(d->error, sizeof(d->error), "event batch of unknown format %u",
			 len ? d->p[0] : 0);
		return -EBADMSG;
	}
	d->p++;
	return 0;
}

static int get_u64(struct batch_decoder *d, uint64_t *v)
{
	int n = tf_varint_decode_u64(d->p, (size_t)(d->end - d->p), v);

	if (n < 0)
		return -EBADMSG;
	d->p += n;
	return 0;
}

static int get_s64(struct batch_decoder *d, int64_t *v)
{
	int n = tf_varint_decode_s64(d->p, (size_t)(d->end - d->p), v);

	if (n < 0)
		return -EBADMSG;
	d->p += n;
	return 0;
}

static int get_bytes(struct batch_decoder *d, void *out, size_t n)
{
	if ((size_t)(d->end - d->p) < n)
		return -EBADMSG;
	memcpy(out, d->p, n);
	d->p += n;
	return 0;
}

static int fail(struct batch_decoder *d, const char *what)
{
	snprintf(d->error, sizeof(d->error), "event %u of the batch: %s", d->index, what);
	return -EBADMSG;
}

int batch_decoder_next(struct batch_decoder *d, void *out, size_t *outlen)
{
	struct kvmirq_event_header h;
	const struct event_layout *l;
	uint8_t *body = (uint8_t *)out + sizeof(h);
	uint8_t changed;
	uint64_t v;
	int64_t s;
	size_t size;

	if (d->p == d->end)
		return 0;
	if (d->end - d->p < 2)
		return fail(d, "cut short");
	memset(&h, 0, sizeof(h));
	h.kind = *d->p++;
	changed = *d->p++;
	l = event_layout(h.kind);
	if (!l)
		return fail(d, "unknown event kind");
	if (get_s64(d, &s))
		return fail(d, "bad timestamp");
	h.timestamp_ns = d->prev.timestamp_ns + (uint64_t)s;
	h.vm = d->prev.vm;
	h.pid = d->prev.pid;
	h.tid = d->prev.tid;
	h.vcpu_id = d->prev.vcpu_id;
	h.cpu = d->prev.cpu;
	if (changed & CHANGED_VM) {
		if (get_u64(d, &v))
			return fail(d, "bad VM id");
		h.vm = v;
	}
	if (changed & CHANGED_PID) {
		if (get_u64(d, &v))
			return fail(d, "bad pid");
		h.pid = (uint32_t)v;
	}
	if (changed & CHANGED_TID) {
		if (get_u64(d, &v))
			return fail(d, "bad tid");
		h.tid = (uint32_t)v;
	}
	if (changed & CHANGED_VCPU) {
		if (get_s64(d, &s))
			return fail(d, "bad vCPU");
		h.vcpu_id = (int32_t)s;
	}
	if (changed & CHANGED_CPU) {
		if (get_u64(d, &v))
			return fail(d, "bad cpu");
		h.cpu = (uint32_t)v;
	}
	if (changed & HAS_FLAGS) {
		if (get_u64(d, &v))
			return fail(d, "bad flags");
		h.flags = (uint32_t)v;
	}
	memset(body, 0, l->body_size);
	for (unsigned int i = 0; i < l->nr_fields; i++) {
		if (l->fields[i].is_signed ? get_s64(d, &s) : get_u64(d, &v))
			return fail(d, "bad field");
		event_field_set(body, &l->fields[i], l->fields[i].is_signed ? (uint64_t)s : v);
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
		if (get_bytes(d, &name_len, 1) || name_len >= KVMIRQ_DEVICE_NAME_LEN ||
		    get_bytes(d, io->device_name, name_len) ||
		    memchr(io->device_name, '\0', name_len))
			return fail(d, "bad device name");
		if (payload > KVMIRQ_PAYLOAD_MAX || get_bytes(d, body + sizeof(*io), payload))
			return fail(d, "bad ioctl payload");
		size += payload;
	} else if (h.kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		struct kvmirq_ev_ioctl_payload *p = (void *)body;

		if (p->len > KVMIRQ_PAYLOAD_MAX || get_bytes(d, body + sizeof(*p), p->len))
			return fail(d, "bad payload continuation");
		size += p->len;
	}
	h.size = (uint16_t)size;
	memcpy(out, &h, sizeof(h));
	d->prev.timestamp_ns = h.timestamp_ns;
	d->prev.vm = h.vm;
	d->prev.pid = h.pid;
	d->prev.tid = h.tid;
	d->prev.vcpu_id = h.vcpu_id;
	d->prev.cpu = h.cpu;
	d->index++;
	*outlen = size;
	return 1;
}
