// SPDX-License-Identifier: GPL-2.0
/*
 * How kvmirq top writes text into fixed cells: the span a sparkline's points
 * cover, and names elided to their column, counted in cells and never cut
 * inside a UTF-8 sequence.
 */
#include <string.h>

#include "check.h"
#include "top/format.h"
#include "util/text_cells.h"

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

static void test_cells(void)
{
	CHECK_EQ(text_cells(""), 0);
	CHECK_EQ(text_cells("abc"), 3);
	CHECK_EQ(text_cells("g\xc3\xa4st"), 4);	      /* "gäst" */
	CHECK_EQ(text_cells_bytes("g\xc3\xa4st", 2), 3); /* never half of "ä" */
	CHECK_EQ(text_cells_bytes("abc", 9), 3);
}

static void test_elide(void)
{
	const char *name = "ld-linux-x86-64.so.2 /opt/vmm/bin/testvmm --log x.jsonl";
	char buf[128];

	CHECK_STR(top_format_elide("testvmm", 8, true, buf, sizeof(buf)), "testvmm");
	CHECK_STR(top_format_elide("testvmm1", 8, false, buf, sizeof(buf)), "testvmm1");
	/* the start and the end, the mark between: 12 + 1 + 11 cells */
	CHECK_STR(top_format_elide(name, 24, false, buf, sizeof(buf)),
		  "ld-linux-x86~log x.jsonl");
	CHECK_STR(top_format_elide(name, 24, true, buf, sizeof(buf)),
		  "ld-linux-x86\xe2\x80\xa6log x.jsonl"); /* U+2026 */
	CHECK_EQ(text_cells(buf), 24);
	/* UTF-8 names are cut between characters, counted in cells */
	CHECK_STR(top_format_elide("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6\xc3\xbc", 4, false, buf,
				   sizeof(buf)),
		  "\xc3\xa4\xc3\xb6~\xc3\xbc");
	CHECK_STR(top_format_elide("abc", 1, false, buf, sizeof(buf)), "~");
	CHECK_STR(top_format_elide("abc", 0, false, buf, sizeof(buf)), "");
}

int main(void)
{
	test_span();
	test_cells();
	test_elide();
	return check_done();
}
