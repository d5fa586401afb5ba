/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness: CHECK counts a pass or prints the failure, and
 * check_done() prints the "N passed, M failed" line the test runner reads.
 */
#ifndef KVMIRQ_CHECK_H
#define KVMIRQ_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (cond) {                                                             \
			check_passed++;                                                 \
		} else {                                                                \
			check_failed++;                                                 \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                       \
	} while (0)

#define CHECK_EQ(a, b)                                                                  \
	do {                                                                            \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
		if (a_ == b_) {                                                         \
			check_passed++;                                                 \
		} else {                                                                \
			check_failed++;                                                 \
			fprintf(stderr, "FAIL %s:%d: %s == %s (%llu != %llu)\n", __FILE__, \
				__LINE__, #a, #b, a_, b_);                              \
		}                                                                       \
	} while (0)

/* 1 on a failure, and when no check ran: a test that checked nothing failed. */
static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	if (!check_passed && !check_failed)
		fprintf(stderr, "no check ran\n");
	return check_failed || !check_passed ? 1 : 0;
}

#endif
