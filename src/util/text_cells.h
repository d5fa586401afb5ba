/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text as a terminal lays it out: a UTF-8 sequence takes one cell (wide
 * characters are not told apart), so a cut never splits a sequence.
 */
#ifndef KVMIRQ_UTIL_TEXT_CELLS_H
#define KVMIRQ_UTIL_TEXT_CELLS_H

#include <stddef.h>

/* The cells TEXT takes. */
size_t text_cells(const char *text);
/* The bytes of TEXT's first CELLS cells (all of it when it is shorter). */
size_t text_cells_bytes(const char *text, size_t cells);

#endif
