/* SPDX-License-Identifier: GPL-2.0 */
/* Writing text into a cell range: clipped to its width (util/text_cells.h), padded with blanks. */
#ifndef KVMIRQ_UI_DRAW_H
#define KVMIRQ_UI_DRAW_H

#include "colors.h"

/* TEXT at row Y from column X, exactly WIDTH cells (clipped or padded), in ROLE. */
void ui_draw_text(int y, int x, int width, enum ui_role role, const char *text);

#endif
