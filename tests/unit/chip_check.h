/* SPDX-License-Identifier: GPL-2.0 */
/* Checks on decoded chip values, shared by the chip model tests (after check.h). */
#ifndef KVMIRQ_CHIP_CHECK_H
#define KVMIRQ_CHIP_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chips/chip.h"

struct find_ctx {
	const char *name;
	struct chip_value v;
	bool found;
};

static int find_cb(void *p, const struct chip_value *v)
{
	struct find_ctx *c = p;

	if (strcmp(v->name, c->name))
		return 0;
	c->v = *v;
	c->found = true;
	return 1;
}

static bool find_value(const struct chip_state *s, const char *name, struct chip_value *out)
{
	struct find_ctx c = { .name = name };

	chip_decode(s, find_cb, &c);
	if (c.found)
		*out = c.v;
	return c.found;
}

/* The decoded value NAME formats as WANT. */
#define CHECK_TEXT(s, name, want) check_text(s, name, want, __FILE__, __LINE__)
static void check_text(const struct chip_state *s, const char *name, const char *want,
		       const char *file, int line)
{
	struct chip_value v;
	char buf[256];

	if (!find_value(s, name, &v)) {
		check_failed++;
		fprintf(stderr, "FAIL %s:%d: no value named %s\n", file, line, name);
		return;
	}
	chip_value_format(&v, buf, sizeof(buf));
	if (strcmp(buf, want)) {
		check_failed++;
		fprintf(stderr, "FAIL %s:%d: %s is \"%s\", want \"%s\"\n", file, line, name, buf,
			want);
		return;
	}
	check_passed++;
}

#endif
