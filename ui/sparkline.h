/* SPDX-License-Identifier: GPL-2.0 */
/* A row of rates as a tiny graph: Unicode blocks, or ASCII where the locale is not UTF-8. */
#ifndef KVMIRQ_UI_SPARKLINE_H
#define KVMIRQ_UI_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

/* The last WIDTH of the N VALUES (oldest first), scaled to their maximum, into
 * BUF (NUL-terminated, up to 3 bytes per cell in UTF-8). */
void ui_sparkline(const float *values, size_t n, size_t width, bool utf8, char *buf, size_t len);

#endif
