/* SPDX-License-Identifier: GPL-2.0 */
/* The help screen: every key, and what each VM column counts. */
#ifndef KVMIRQ_UI_HELP_H
#define KVMIRQ_UI_HELP_H

#include "screen.h"

struct ui_screen *help_screen_new(void);

#endif
