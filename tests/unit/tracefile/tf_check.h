/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace-file tests' harness: CHECK and CHECKF count a pass or print the
 * failure (and return whether it held); check_done() prints the
 * "N passed, M failed" line tests/run.sh reads and gives the exit status.
 */
#ifndef TF_CHECK_H
#define TF_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int g_pass, g_fail;

#define CHECK(cond) check_impl(!!(cond), __FILE__, __LINE__, #cond, NULL)
#define CHECKF(cond, ...) check_impl(!!(cond), __FILE__, __LINE__, #cond, \
				     __VA_ARGS__)

__attribute__((format(printf, 5, 6)))
static inline int check_impl(int ok, const char *file, int line, const char *expr,
			     const char *fmt, ...)
{
	if (ok) {
		g_pass++;
		return 1;
	}
	g_fail++;
	fprintf(stderr, "%s:%d: CHECK failed: %s", file, line, expr);
	if (fmt) {
		va_list ap;

		fputs(" -- ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	return 0;
}

/* 1 on a failure, and when no check ran: a test that checked nothing failed. */
static inline int check_done(void)
{
	printf("%d passed, %d failed\n", g_pass, g_fail);
	if (!g_pass && !g_fail)
		fprintf(stderr, "no check ran\n");
	return g_fail || !g_pass;
}

#endif
