/* SPDX-License-Identifier: GPL-2.0 */
/* One controller's registers, as its chip model decodes them. */
#ifndef KVMIRQ_UI_CHIP_SCREEN_H
#define KVMIRQ_UI_CHIP_SCREEN_H

#include <stdint.h>

#include "screen.h"

struct ui_screen *chip_screen_new(uint32_t vm, const char *model_name, int32_t index);

#endif
