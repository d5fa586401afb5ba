/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVMIRQ-EXPECT line the rig VMMs (mpicvmm, gicvmm) build up as they
 * program a controller: a JSON object appended to piece by piece, each
 * piece ending in a comma that the next closing bracket takes back.
 */
#ifndef KVMIRQ_TEST_EXPECT_TEXT_H
#define KVMIRQ_TEST_EXPECT_TEXT_H

#include <stddef.h>

/* Append printf-style to the text; exits with status 1 when out of memory. */
void expect_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Take back the last character (a trailing comma). */
void expect_unadd(void);
/* The text so far ("" before the first expect_add). */
const char *expect_text(void);

#endif
