/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the event-layer fuzz harnesses (fuzz_event_batch.c,
 * fuzz_trace_file.c): what `kvmirq report` does with decoded events -- a
 * per-VM summary, a text timeline and a JSON Lines timeline -- plus a small
 * JSON syntax checker, so that every JSON line the report code writes is
 * checked to be one well-formed JSON value.
 *
 * The text output goes to /dev/null (it is formatted all the same); the JSON
 * output goes to an open_memstream() buffer and is checked at the end.
 */
#ifndef KVMIRQ_FUZZ_REPORT_SINK_H
#define KVMIRQ_FUZZ_REPORT_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/layout.h"
#include "registry/registry.h"
#include "report/event_print.h"
#include "report/summary.h"

/* A failed property: abort so that libFuzzer (or the replay driver) stops. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* ---- a strict JSON syntax checker (RFC 8259 grammar, no UTF-8 check) ---- */

struct jcheck {
	const char *p, *end;
	int depth;
};

static bool jc_value(struct jcheck *c);

static void jc_ws(struct jcheck *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool jc_lit(struct jcheck *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

static bool jc_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool jc_string(struct jcheck *c)
{
	if (c->p >= c->end || *c->p != '"')
		return false;
	c->p++;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"')
			return true;
		if (ch < 0x20)
			return false;
		if (ch != '\\')
			continue;
		if (c->p >= c->end)
			return false;
		ch = (unsigned char)*c->p++;
		if (ch == 'u') {
			if (c->end - c->p < 4 || !jc_hex(c->p[0]) || !jc_hex(c->p[1]) ||
			    !jc_hex(c->p[2]) || !jc_hex(c->p[3]))
				return false;
			c->p += 4;
		} else if (!strchr("\"\\/bfnrt", ch) || !ch) {
			return false;
		}
	}
	return false;
}

static bool jc_digits(struct jcheck *c)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > s;
}

static bool jc_number(struct jcheck *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!jc_digits(c))
		return false;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!jc_digits(c))
			return false;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!jc_digits(c))
			return false;
	}
	return true;
}

static bool jc_container(struct jcheck *c, char close, bool object)
{
	c->p++;
	if (++c->depth > 64)
		return false;
	jc_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		if (object) {
			jc_ws(c);
			if (!jc_string(c))
				return false;
			jc_ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return false;
		}
		if (!jc_value(c))
			return false;
		jc_ws(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p++ != close)
			return false;
		c->depth--;
		return true;
	}
}

static bool jc_value(struct jcheck *c)
{
	jc_ws(c);
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '{': return jc_container(c, '}', true);
	case '[': return jc_container(c, ']', false);
	case '"': return jc_string(c);
	case 't': return jc_lit(c, "true");
	case 'f': return jc_lit(c, "false");
	case 'n': return jc_lit(c, "null");
	default: return jc_number(c);
	}
}

/* Every line of BUF (LEN bytes, each line ending in '\n') is one JSON object. */
static void check_json_lines(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	FUZZ_CHECK(!len || buf[len - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct jcheck c = { p, nl, 0 };

		FUZZ_CHECK(nl != NULL);
		FUZZ_CHECK(*p == '{');
		FUZZ_CHECK(jc_value(&c));
		jc_ws(&c);
		if (c.p != nl)
			fprintf(stderr, "bad JSON line: %.*s\n", (int)(nl - p), p);
		FUZZ_CHECK(c.p == nl);
		p = nl + 1;
	}
}

/* ---- the report path ---- */

struct report_sink {
	struct summary summary;
	struct event_printer text, json;
	const struct registry *registry;
	FILE *devnull, *json_out;
	char *json_buf;
	size_t json_len;
	bool have_base;
};

static FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	FUZZ_CHECK(f != NULL);
	return f;
}

/* FORMAT: the payloads' byte order and whose MSIs, as a recording's header says. */
static void sink_init(struct report_sink *s, const struct registry *r, unsigned int nr_vms,
		      const struct payload_format *format)
{
	memset(s, 0, sizeof(*s));
	s->registry = r;
	s->devnull = fuzz_devnull();
	s->json_out = open_memstream(&s->json_buf, &s->json_len);
	FUZZ_CHECK(s->json_out != NULL);
	FUZZ_CHECK(summary_init(&s->summary, nr_vms, format) == 0);
	event_printer_init(&s->text, s->devnull, false, 0, r, format);
	event_printer_init(&s->json, s->json_out, true, 0, r, format);
}

/*
 * The reassembled input of a held ioctl stays within what the ioctl declared
 * (in_total) and what any ioctl can have (KVMIRQ_PAYLOAD_TOTAL_MAX): the
 * number of continuation records in a file must not drive the allocation.
 */
static void check_printer(const struct event_printer *p)
{
	FUZZ_CHECK(p->in_len <= KVMIRQ_PAYLOAD_TOTAL_MAX);
	if (p->pending_len) {
		const struct kvmirq_ev_ioctl *io =
			(const void *)((const struct kvmirq_event_header *)p->pending + 1);

		FUZZ_CHECK(p->in_len <= io->in_total);
	}
}

/* One event that passed event_record_check(), as kvmirq report handles it. */
static void sink_add(struct report_sink *s, const void *rec, size_t len)
{
	/* An exactly-sized copy: ASan catches any read past the record. */
	void *copy = malloc(len);
	struct kvmirq_event_header h;

	FUZZ_CHECK(copy != NULL);
	memcpy(copy, rec, len);
	memcpy(&h, rec, sizeof(h));
	if (!s->have_base) {
		/* as kvmirq report: the first event's time is the origin */
		s->text.base_ns = s->json.base_ns = h.timestamp_ns;
		s->have_base = true;
	}
	summary_add(&s->summary, copy);
	event_printer_add(&s->text, copy, len);
	event_printer_add(&s->json, copy, len);
	check_printer(&s->text);
	check_printer(&s->json);
	free(copy);
}

static void sink_finish(struct report_sink *s)
{
	event_printer_flush(&s->text);
	event_printer_flush(&s->json);
	event_printer_free(&s->text);
	event_printer_free(&s->json);
	summary_print_text(&s->summary, s->registry, s->devnull);
	summary_print_json(&s->summary, s->registry, s->json_out);
	summary_free(&s->summary);
	FUZZ_CHECK(fclose(s->json_out) == 0);
	check_json_lines(s->json_buf, s->json_len);
	free(s->json_buf);
}

#endif
