/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmirq check's findings as top shows them: kept as the checker gives
 * them (checker_init()'s emit), copied into each frame with their VM in the
 * frame's ids, and counted per VM for the VM table's FIND column.
 */
#ifndef KVMIRQ_TOP_FINDINGS_H
#define KVMIRQ_TOP_FINDINGS_H

#include "top/frame.h"

struct top_findings {
	struct finding *list;
	size_t nr, cap;
	bool lost; /* out of memory: some are missing */
};

/* The checker's emit: keep F. */
void top_findings_add(void *arg, const struct finding *f);
/* Forget them all (a replay going back to its start). */
void top_findings_free(struct top_findings *t);
/*
 * Into F, which holds its VMs already: each finding with its VM through
 * TOP_ID (NULL: the ids are the same), which answers 0 for a VM the frame
 * does not show (such a finding is left out); and each VM's count. 0, or
 * -ENOMEM.
 */
int top_findings_to_frame(const struct top_findings *t,
			  uint32_t (*top_id)(void *ctx, uint32_t vm), void *ctx,
			  struct top_frame *f);

#endif
