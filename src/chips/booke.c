// SPDX-License-Identifier: GPL-2.0
/*
 * The priorities of arch/powerpc/kvm/booke.h (Linux 6.1), as
 * kvm_booke_queue_irqprio reports them. 5 to 7 are the SPE exceptions on
 * e500v2 (AltiVec on e500mc: 5 and 6); the MPIC raising its output to a vCPU
 * queues external_level.
 */
#include <stddef.h>

#include "chips/booke.h"

static const char *const irqprio_names[] = {
	[0] = "data_storage",	 [1] = "inst_storage",	 [2] = "alignment",
	[3] = "program",	 [4] = "fp_unavail",	 [5] = "spe_unavail",
	[6] = "spe_fp_data",	 [7] = "spe_fp_round",	 [8] = "syscall",
	[9] = "ap_unavail",	 [10] = "dtlb_miss",	 [11] = "itlb_miss",
	[12] = "machine_check",	 [13] = "debug",	 [14] = "critical",
	[15] = "watchdog",	 [16] = "external",	 [17] = "fit",
	[18] = "decrementer",	 [19] = "performance_monitor", [20] = "external_level",
	[21] = "doorbell",	 [22] = "doorbell_critical",
};

const char *booke_irqprio_name(unsigned int priority)
{
	return priority < sizeof(irqprio_names) / sizeof(irqprio_names[0]) ? irqprio_names[priority]
									   : NULL;
}
