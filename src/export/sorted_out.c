// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export/sorted_out.h"
#include "util/stream_error.h"

void sorted_out_init(struct sorted_out *s)
{
	memset(s, 0, sizeof(*s));
}

void sorted_out_free(struct sorted_out *s)
{
	free(s->bytes);
	free(s->pieces);
	sorted_out_init(s);
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

void sorted_out_add(struct sorted_out *s, uint64_t ts, const void *bytes, size_t len)
{
	if (s->failed || !grow((void **)&s->bytes, &s->cap, s->len + len, 1) ||
	    !grow((void **)&s->pieces, &s->cap_pieces, s->n + 1, sizeof(*s->pieces))) {
		s->failed = true;
		return;
	}
	memcpy(s->bytes + s->len, bytes, len);
	s->pieces[s->n] = (struct sorted_piece){ .ts = ts, .seq = s->n, .off = s->len, .len = len };
	s->n++;
	s->len += len;
}

static int by_time(const void *a, const void *b)
{
	const struct sorted_piece *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int sorted_out_write(struct sorted_out *s, FILE *out, const char *separator)
{
	if (s->failed)
		return -ENOMEM;
	if (s->n)
		qsort(s->pieces, s->n, sizeof(*s->pieces), by_time);
	for (size_t i = 0; i < s->n; i++) {
		if (i && separator)
			fputs(separator, out);
		fwrite(s->bytes + s->pieces[i].off, 1, s->pieces[i].len, out);
	}
	return stream_error(out);
}
