// SPDX-License-Identifier: GPL-2.0
/* The rig VMMs' KVMIRQ-EXPECT text (expect_text.h). */
#include "expect_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char *text;
static size_t len, cap;

void expect_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(text + len, cap - len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < cap - len)
			break;
		cap = cap * 2 + (size_t)(n < 0 ? 0 : n) + 256;
		text = realloc(text, cap);
		if (!text) {
			printf("expect_text: out of memory\n");
			exit(1);
		}
	}
	len += (size_t)n;
}

void expect_unadd(void)
{
	if (len)
		text[--len] = '\0';
}

const char *expect_text(void)
{
	return text ? text : "";
}
