/* SPDX-License-Identifier: GPL-2.0 */
/* The VM list, the bottom of the stack: one row per VM; Enter opens one. */
#ifndef KVMIRQ_UI_VM_SCREEN_H
#define KVMIRQ_UI_VM_SCREEN_H

#include "screen.h"

struct ui_screen *vm_screen_new(void);

#endif
