// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "top/format.h"
#include "util/text_cells.h"

/* Suffixes for large numbers: the first that keeps the number short. */
static const struct {
	double at;
	double unit;
	const char *suffix;
} scales[] = {
	{ 1e12, 1e12, "T" },
	{ 1e9, 1e9, "G" },
	{ 1e6, 1e6, "M" },
	{ 1e5, 1e3, "k" },
};

static const char *scaled(double v, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
		if (v >= scales[i].at) {
			double x = v / scales[i].unit;

			snprintf(buf, len, x < 100 ? "%.1f%s" : "%.0f%s", x, scales[i].suffix);
			return buf;
		}
	return NULL;
}

const char *top_format_rate(double rate, char *buf, size_t len)
{
	if (scaled(rate, buf, len))
		return buf;
	if (rate == 0)
		snprintf(buf, len, "0");
	else if (rate < 10)
		snprintf(buf, len, "%.1f", rate);
	else if (rate < 1e4)
		snprintf(buf, len, "%.0f", rate);
	else
		snprintf(buf, len, "%.1fk", rate / 1e3);
	return buf;
}

const char *top_format_count(uint64_t n, char *buf, size_t len)
{
	if (!scaled((double)n, buf, len))
		snprintf(buf, len, "%llu", (unsigned long long)n);
	return buf;
}

const char *top_format_age(uint64_t now_ns, uint64_t then_ns, char *buf, size_t len)
{
	double s = now_ns > then_ns ? (double)(now_ns - then_ns) / 1e9 : 0;
	unsigned long whole = (unsigned long)s;

	if (!then_ns)
		snprintf(buf, len, "never");
	else if (s < 1e-3)
		snprintf(buf, len, "%.0fus", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.1fms", s * 1e3);
	else if (s < 60)
		snprintf(buf, len, "%.1fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%lum%02lus", whole / 60, whole % 60);
	else
		snprintf(buf, len, "%luh%02lum", whole / 3600, whole / 60 % 60);
	return buf;
}

const char *top_format_span(double secs, char *buf, size_t len)
{
	unsigned long tenths = secs > 0 ? (unsigned long)(secs * 10 + 0.5) : 0;
	unsigned long whole = (tenths + 5) / 10;

	if (tenths < 100) {
		snprintf(buf, len, tenths % 10 ? "%lu.%lus" : "%lus", tenths / 10, tenths % 10);
	} else if (whole < 60) {
		snprintf(buf, len, "%lus", whole);
	} else if (whole < 3600) {
		snprintf(buf, len, whole % 60 ? "%lum%02lus" : "%lum", whole / 60, whole % 60);
	} else {
		whole = (unsigned long)(secs / 60 + 0.5); /* minutes */
		snprintf(buf, len, whole % 60 ? "%luh%02lum" : "%luh", whole / 60, whole % 60);
	}
	return buf;
}

const char *top_format_elide(const char *text, size_t width, bool utf8, char *buf, size_t len)
{
	size_t cells = text_cells(text), head, tail;

	if (cells <= width || !width) {
		snprintf(buf, len, "%.*s", (int)text_cells_bytes(text, width), text);
		return buf;
	}
	/* the start names the program, the end tells its VMs apart (and says "gone") */
	tail = (width - 1) / 2;
	head = width - 1 - tail;
	snprintf(buf, len, "%.*s%s%s", (int)text_cells_bytes(text, head), text, utf8 ? "…" : "~",
		 text + text_cells_bytes(text, cells - tail));
	return buf;
}

const char *top_format_offset(uint64_t ns, uint64_t start_ns, char *buf, size_t len)
{
	snprintf(buf, len, "+%.6fs", ns > start_ns ? (double)(ns - start_ns) / 1e9 : 0.0);
	return buf;
}
