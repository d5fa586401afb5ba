/* SPDX-License-Identifier: GPL-2.0 */
/* Every chip model kvmirq knows: one table each, in its own file. */
#ifndef KVMIRQ_CHIP_MODELS_H
#define KVMIRQ_CHIP_MODELS_H

#include "chips/chip.h"

extern const struct chip_model chip_model_x86_ioapic;
extern const struct chip_model chip_model_x86_pic_master;
extern const struct chip_model chip_model_x86_pic_slave;
extern const struct chip_model chip_model_x86_lapic;
extern const struct chip_model chip_model_fsl_mpic;
extern const struct chip_model chip_model_gicv3_dist;
extern const struct chip_model chip_model_gicv3_redist;
extern const struct chip_model chip_model_gicv3_cpu;
extern const struct chip_model chip_model_gicv3_its;

#endif
