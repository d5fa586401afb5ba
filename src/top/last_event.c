// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/event.h"
#include "report/event_print.h"
#include "top/last_event.h"

/* An ioctl and its continuations are at most the largest payload, plus headers. */
#define LAST_EVENT_MAX (KVMIRQ_PAYLOAD_TOTAL_MAX + 256 * (KVMIRQ_RECORD_MAX + 16))

void last_event_free(struct last_event *e)
{
	free(e->bytes);
	memset(e, 0, sizeof(*e));
}

/* Records stay 8-byte aligned (their headers hold 64-bit fields): a length
 * word, then the record padded to a multiple of 8. */
static size_t stride(size_t len)
{
	return 8 + ((len + 7) & ~(size_t)7);
}

void last_event_continue(struct last_event *e, const void *rec, size_t len)
{
	uint64_t n = len;

	if (e->len + stride(len) > LAST_EVENT_MAX)
		return; /* shown without the rest of its payload */
	if (e->len + stride(len) > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		uint8_t *p;

		while (cap < e->len + stride(len))
			cap *= 2;
		p = realloc(e->bytes, cap);
		if (!p)
			return;
		e->bytes = p;
		e->cap = cap;
	}
	memcpy(e->bytes + e->len, &n, 8);
	memcpy(e->bytes + e->len + 8, rec, len);
	e->len += stride(len);
}

void last_event_set(struct last_event *e, const void *rec, size_t len)
{
	e->len = 0;
	last_event_continue(e, rec, len);
}

void last_event_format(const struct last_event *e, const struct registry *r,
		       const struct payload_format *format, uint64_t base_ns, char *buf,
		       size_t buflen)
{
	char line[1024] = "";
	struct event_printer p;
	FILE *out;
	const char *s = line;

	buf[0] = '\0';
	if (!e->len || !(out = fmemopen(line, sizeof(line) - 1, "w")))
		return;
	event_printer_init(&p, out, false, base_ns, r, format);
	for (size_t off = 0; off + 8 <= e->len;) {
		uint64_t n;

		memcpy(&n, e->bytes + off, 8);
		event_printer_add(&p, e->bytes + off + 8, n);
		off += stride(n);
	}
	event_printer_free(&p); /* prints what it held */
	fclose(out);
	/* one line, its columns' padding squeezed: it is shown in a status line */
	for (size_t n = 0; *s && *s != '\n' && n + 1 < buflen; s++)
		if (*s != ' ' || (n && buf[n - 1] != ' ')) {
			buf[n++] = *s;
			buf[n] = '\0';
		}
}
