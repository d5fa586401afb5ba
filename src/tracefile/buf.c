/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable byte buffer with little-endian appenders. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "le.h"

int tf_buf_reserve(struct tf_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > SIZE_MAX - b->len)
		return -ENOMEM;
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int tf_buf_append(struct tf_buf *b, const void *data, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	rc = tf_buf_reserve(b, n);
	if (rc)
		return rc;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

int tf_buf_put_u8(struct tf_buf *b, uint8_t v)
{
	return tf_buf_append(b, &v, 1);
}

int tf_buf_put_le16(struct tf_buf *b, uint16_t v)
{
	uint8_t t[2];

	tf_put_le16(t, v);
	return tf_buf_append(b, t, sizeof(t));
}

int tf_buf_put_le32(struct tf_buf *b, uint32_t v)
{
	uint8_t t[4];

	tf_put_le32(t, v);
	return tf_buf_append(b, t, sizeof(t));
}

int tf_buf_put_le64(struct tf_buf *b, uint64_t v)
{
	uint8_t t[8];

	tf_put_le64(t, v);
	return tf_buf_append(b, t, sizeof(t));
}

void tf_buf_free(struct tf_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
