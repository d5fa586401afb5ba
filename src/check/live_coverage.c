// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "check/live_coverage.h"
#include "chips/platform.h"
#include "kvmirq/tracefile.h"

int check_coverage_live(struct check_coverage *c, const struct capture_options *o,
			const struct capture_status *st, const struct platform **platform)
{
	struct tracefile_meta *m = tracefile_meta_new();

	if (!m || live_capture_describe(m, o, st, 1, NULL)) {
		tracefile_meta_free(m);
		return -ENOMEM;
	}
	check_coverage_from_meta(c, m);
	*platform = platform_by_machine(tracefile_meta_get_string(m, "machine"));
	tracefile_meta_free(m);
	return 0;
}

void check_coverage_without(struct check_coverage *c, uint64_t kinds, const char *why)
{
	for (unsigned k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if ((kinds & 1ull << k) && (c->kinds & 1ull << k)) {
			c->kinds &= ~(1ull << k);
			snprintf(c->why[k], sizeof(c->why[k]), "%s", why);
		}
}
