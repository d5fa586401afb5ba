/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a live capture holds, for the checker: the header a recording made
 * by that capture would have (live_capture_describe()), read as a
 * recording's, so a rule kvmirq check cannot decide on a file it cannot
 * decide live either, for the same reason.
 */
#ifndef KVMIRQ_CHECK_LIVE_COVERAGE_H
#define KVMIRQ_CHECK_LIVE_COVERAGE_H

#include "check/coverage.h"
#include "trace/live_capture.h"

struct platform;

/* C and *PLATFORM (this host's) for a capture opened with O whose status is
 * ST. 0, or -ENOMEM. */
int check_coverage_live(struct check_coverage *c, const struct capture_options *o,
			const struct capture_status *st, const struct platform **platform);
/* KINDS (bits) do not reach the checker, for the reason WHY. */
void check_coverage_without(struct check_coverage *c, uint64_t kinds, const char *why);

#endif
