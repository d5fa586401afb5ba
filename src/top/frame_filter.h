/* SPDX-License-Identifier: GPL-2.0 */
/* Keeping only one VMM's VMs in a frame (--pid), with their lines, MSIs and vCPUs. */
#ifndef KVMIRQ_TOP_FRAME_FILTER_H
#define KVMIRQ_TOP_FRAME_FILTER_H

#include <stdint.h>

#include "top/frame.h"

/* Drop every VM whose VMM is not PID, and the rows of those VMs. PID 0: keep all. */
void top_frame_keep_pid(struct top_frame *f, uint32_t pid);

#endif
