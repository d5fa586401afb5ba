/* SPDX-License-Identifier: GPL-2.0 */
/* One VM: its controllers (Enter opens one), lines, MSIs, vCPUs, routing, irqfds. */
#ifndef KVMIRQ_UI_VM_DETAIL_SCREEN_H
#define KVMIRQ_UI_VM_DETAIL_SCREEN_H

#include <stdint.h>

#include "screen.h"

struct ui_screen *vm_detail_screen_new(uint32_t vm);
/* Push VM's screen; live, read its controllers once (ptrace), as r does. */
void vm_detail_screen_open(struct ui *ui, uint32_t vm);

#endif
