/* SPDX-License-Identifier: GPL-2.0 */
/* The findings screen: kvmirq check's findings so far, one row each, the
 * one under the cursor in full below. */
#ifndef KVMIRQ_UI_FINDINGS_SCREEN_H
#define KVMIRQ_UI_FINDINGS_SCREEN_H

#include "screen.h"

struct ui_screen *findings_screen_new(void);

#endif
