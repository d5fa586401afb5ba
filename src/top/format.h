/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers and text as the top screens and batch frames show them: short, fixed width. */
#ifndef KVMIRQ_TOP_FORMAT_H
#define KVMIRQ_TOP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A rate in at most 6 characters: "0", "2.5", "840", "12.3k", "1.1M". */
const char *top_format_rate(double rate, char *buf, size_t len);
/* A count in at most 6 characters: "217", "99999", "123k", "45.6M". */
const char *top_format_count(uint64_t n, char *buf, size_t len);
/* How long before NOW_NS THEN_NS was: "64us", "12.3ms", "3.4s", "2m05s", "1h02m", "never" (0). */
const char *top_format_age(uint64_t now_ns, uint64_t then_ns, char *buf, size_t len);
/* A span of time, short: "0.5s", "40s", "1m30s", "2m", "1h". */
const char *top_format_span(double secs, char *buf, size_t len);
/* TEXT in at most WIDTH cells (util/text_cells.h): as it is when it fits,
 * else its start and its end around "…" (UTF8) or "~". */
const char *top_format_elide(const char *text, size_t width, bool utf8, char *buf, size_t len);
/* A moment of a recording from its start: "+0.001234s". */
const char *top_format_offset(uint64_t ns, uint64_t start_ns, char *buf, size_t len);

#endif
