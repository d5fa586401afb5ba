/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Message helpers: formatting into caller buffers, thread-safe strerror. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void tf_set_err(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, TF_ERRLEN, fmt, ap);
	va_end(ap);
}

/* strerror_r is the XSI (int) or the GNU (char *) variant depending on
 * feature macros; pick the right interpretation at compile time. */
static const char *tf_from_xsi(int rc, char *buf, size_t len, int err)
{
	if (rc != 0)
		snprintf(buf, len, "error %d", err);
	return buf;
}

static const char *tf_from_gnu(char *s, char *buf, size_t len, int err)
{
	(void)buf;
	(void)len;
	(void)err;
	return s;
}

const char *tf_strerror(int err, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return _Generic(strerror_r(err, buf, len),
			int: tf_from_xsi,
			char *: tf_from_gnu)(strerror_r(err, buf, len), buf,
					     len, err);
}
