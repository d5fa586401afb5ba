/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmirq check's rules in live top. The counting programs count delivery
 * in the kernel and send no records; with capture_options.ioctl_records
 * they send each KVM ioctl's record too, as record gets it, and those go
 * through the checker. Delivery kinds are not there, so rules that need
 * them say so (one info finding each); kvmirq check --live runs them.
 */
#ifndef KVMIRQ_TOP_LIVE_CHECK_H
#define KVMIRQ_TOP_LIVE_CHECK_H

#include "check/checker.h"
#include "top/findings.h"
#include "top/live_vms.h"
#include "trace/live_capture.h"

struct top_live_check {
	struct checker checker;
	struct check_coverage coverage;
	struct payload_format format;
	struct top_findings findings;
	const struct live_capture *capture;
	struct live_vms *vms;
};

/* The live capture's event function, with a struct top_live_check. */
int top_live_check_event(void *arg, const void *event, size_t len);
/* Start checking what LC, opened with O, sends; VMS names the frame's VMs.
 * 0, or -ENOMEM. */
int top_live_check_init(struct top_live_check *c, const struct live_capture *lc,
			const struct capture_options *o, struct live_vms *vms);
/* The findings so far into F (its VMs filled), and each VM's count. */
int top_live_check_to_frame(struct top_live_check *c, struct top_frame *f);
void top_live_check_free(struct top_live_check *c);

#endif
