// SPDX-License-Identifier: GPL-2.0
/*
 * How kvmirq top writes text into fixed cells: the span a sparkline's points
 * cover.
 */
#include <string.h>

#include "check.h"
#include "top/format.h"

#define CHECK_STR(got, want)                                                           \
	do {                                                                           \
		const char *g_ = (got), *w_ = (want);                                  \
		if (!strcmp(g_, w_)) {                                                 \
			check_passed++;                                                \
		} else {                                                               \
			check_failed++;                                                \
			fprintf(stderr, "FAIL %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, \
				g_, w_);                                               \
		}                                                                      \
	} while (0)

static void test_span(void)
{
	static const struct {
		double secs;
		const char *text;
	} cases[] = {
		{ 0, "0s" },	  { 0.6, "0.6s" },   { 3, "3s" },	 { 2.9999, "3s" },
		{ 9.96, "10s" },  { 40, "40s" },     { 40.02, "40s" }, { 59.6, "1m" },
		{ 60.03, "1m" },  { 90, "1m30s" },   { 120, "2m" },	 { 3599.7, "1h" },
		{ 3600, "1h" },	  { 5400, "1h30m" }, { 7200, "2h" },
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(top_format_span(cases[i].secs, buf, sizeof(buf)), cases[i].text);
}

int main(void)
{
	test_span();
	return check_done();
}
