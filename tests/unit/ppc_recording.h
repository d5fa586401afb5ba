/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a recording as a PowerPC e500 host would, with trace_out: payloads
 * field by field in the chosen byte order, ioctl records on the VM, vCPU and
 * MPIC device fds; and reading what the report's printers make of it.
 */
#ifndef KVMIRQ_TEST_PPC_RECORDING_H
#define KVMIRQ_TEST_PPC_RECORDING_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "report/event_print.h"
#include "report/summary.h"
#include "trace/trace_in.h"
#include "trace/trace_out.h"
#include "util/byte_order.h"

/* A payload being written field by field in one byte order. */
struct payload {
	uint8_t b[256];
	size_t len;
	bool big;
};

static inline void put(struct payload *p, unsigned width, uint64_t v)
{
	bytes_store(p->b + p->len, width, v, p->big);
	p->len += width;
}

/* Bytes past a narrow value that the recorder captured along with it. */
static inline void put_junk(struct payload *p, unsigned n)
{
	memset(p->b + p->len, 0xaa, n);
	p->len += n;
}

struct recorder {
	struct trace_out out;
	struct registry reg;
	uint32_t vm, vm_obj, device, vcpu;
	uint64_t ns;
	bool big;
};

static inline void add_ioctl(struct recorder *r, uint8_t id, uint8_t fd_kind,
			     uint32_t object, const char *device, int64_t ret,
			     const struct payload *in, const struct payload *out)
{
	uint8_t rec[sizeof(struct kvmirq_event_header) + sizeof(struct kvmirq_ev_ioctl) + 512]
		__attribute__((aligned(8))) = { 0 };
	struct kvmirq_event_header *h = (void *)rec;
	struct kvmirq_ev_ioctl *io = (void *)(h + 1);
	size_t in_len = in ? in->len : 0, out_len = out ? out->len : 0;

	h->timestamp_ns = r->ns += 1000;
	h->vm = r->vm;
	h->pid = h->tid = 4242;
	h->vcpu_id = fd_kind == KVMIRQ_FD_VCPU ? 0 : KVMIRQ_NO_VCPU;
	h->kind = KVMIRQ_EV_IOCTL;
	h->size = (uint16_t)(sizeof(*h) + sizeof(*io) + in_len + out_len);
	io->fd = fd_kind == KVMIRQ_FD_DEVICE ? 7 : fd_kind == KVMIRQ_FD_VCPU ? 6 : 5;
	io->ioctl_id = id;
	io->fd_kind = fd_kind;
	io->in_total = (uint32_t)in_len;
	io->ret = ret;
	io->object = object;
	snprintf(io->device_name, sizeof(io->device_name), "%s", device);
	io->in_len = (uint16_t)in_len;
	io->out_len = (uint16_t)out_len;
	if (in_len)
		memcpy(io->payload, in->b, in_len);
	if (out_len)
		memcpy(io->payload + in_len, out->b, out_len);
	CHECK_EQ(trace_out_add(&r->out, rec, h->size), 0);
}

struct text {
	char *s;
	size_t len;
	FILE *f;
};

static inline FILE *text_open(struct text *t)
{
	t->s = NULL;
	t->f = open_memstream(&t->s, &t->len);
	return t->f;
}

static inline char *text_close(struct text *t)
{
	fclose(t->f);
	return t->s;
}

/* The raw "in"/"out" hex of JSON timeline lines, the one thing that must differ. */
static inline void strip_raw(char *s)
{
	static const char *const keys[] = { "\"in\":\"", "\"out\":\"" };

	for (int k = 0; k < 2; k++)
		for (char *p = strstr(s, keys[k]); p; p = strstr(p + 1, keys[k])) {
			char *v = p + strlen(keys[k]), *end = strchr(v, '"');

			if (end)
				memmove(v, end, strlen(end) + 1);
		}
}

/* What report makes of a recording: its timeline and summary, as text and
 * JSON (the JSON timeline without its raw hex). free() each. */
struct report_text {
	char *timeline, *json, *summary, *summary_json;
};

static inline void report_text_read(const char *path, struct report_text *r)
{
	struct trace_in t;
	struct summary s;
	struct event_printer text, json;
	struct text tt, tj, ts, tsj;
	const void *rec;
	size_t len;

	CHECK_EQ(trace_in_open(&t, path), 0);
	CHECK_EQ(summary_init(&s, t.registry.nr_vms, &t.format), 0);
	event_printer_init(&text, text_open(&tt), false, 0, &t.registry, &t.format);
	event_printer_init(&json, text_open(&tj), true, 0, &t.registry, &t.format);
	while (trace_in_next(&t, &rec, &len) == 1) {
		summary_add(&s, rec);
		event_printer_add(&text, rec, len);
		event_printer_add(&json, rec, len);
	}
	event_printer_free(&text);
	event_printer_free(&json);
	summary_print_text(&s, &t.registry, text_open(&ts));
	summary_print_json(&s, &t.registry, text_open(&tsj));
	r->timeline = text_close(&tt);
	r->json = text_close(&tj);
	strip_raw(r->json);
	r->summary = text_close(&ts);
	r->summary_json = text_close(&tsj);
	summary_free(&s);
	trace_in_close(&t);
}

#define CHECK_HAS(text, what)                                                          \
	do {                                                                           \
		bool has_ = (text) && strstr(text, what);                              \
		CHECK(has_);                                                           \
		if (!has_)                                                             \
			fprintf(stderr, "  missing \"%s\" in:\n%s\n", what,           \
				(text) ? (text) : "(null)");                           \
	} while (0)

#endif
