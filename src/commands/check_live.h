/* SPDX-License-Identifier: GPL-2.0 */
/* kvmirq check --live: the rules over this host's VMs as they run. */
#ifndef KVMIRQ_COMMANDS_CHECK_LIVE_H
#define KVMIRQ_COMMANDS_CHECK_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "check/checker.h"

#define CHECK_LIVE_MAX_PIDS 64

struct check_live_args {
	unsigned int pids[CHECK_LIVE_MAX_PIDS]; /* only these VMMs; none: all */
	unsigned int nr_pids;
	uint64_t duration_ms; /* 0: until SIGINT/SIGTERM */
	bool json;
	enum check_severity fail_on;
};

/* Print each finding as it is found, and the end's; the exit status: 0, 1
 * (a finding at fail_on or worse) or 2 (cannot attach). */
int check_live(const struct check_live_args *a, const struct check_options *opts);

#endif
