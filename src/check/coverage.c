// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "capture/programs.h"
#include "check/coverage.h"
#include "codec/names.h"
#include "kvmirq/ioctls.h"
#include "kvmirq/tracefile.h"

/* 0 and all ones mean no filter (docs/events.md). */
static uint64_t filter(const struct tracefile_meta *m, const char *key)
{
	uint64_t v = 0;

	if (tracefile_meta_get_u64(m, key, &v) || !v)
		return ~0ull;
	return v;
}

/* The delivery program of KIND: its hook is "kvm.../<the kind's tracepoint>". */
static const struct program_info *program_of_kind(unsigned kind)
{
	const char *tp = event_kind_tracepoint(kind);

	for (size_t i = 0; tp && i < KVMIRQ_PROGRAM_COUNT; i++) {
		const char *slash = strchr(program_table[i].hook, '/');

		if (program_table[i].group == PROGRAM_DELIVERY && slash && !strcmp(slash + 1, tp))
			return &program_table[i];
	}
	return NULL;
}

void check_coverage_from_meta(struct check_coverage *c, const struct tracefile_meta *m)
{
	uint64_t kinds = filter(m, "filter_kinds");

	memset(c, 0, sizeof(*c));
	c->ioctls = filter(m, "filter_ioctls");
	if (c->ioctls != ~0ull)
		snprintf(c->ioctls_why, sizeof(c->ioctls_why), "left out by the recording's --ioctls");
	for (unsigned k = 1; k < KVMIRQ_EV_KIND_MAX; k++) {
		const struct program_info *p = program_of_kind(k);
		char key[96];
		const char *state;

		if (!(kinds & 1ull << k)) {
			snprintf(c->why[k], sizeof(c->why[k]), "left out by the recording's --events");
			continue;
		}
		if (k == KVMIRQ_EV_VCPUS_RUNNING && filter(m, "vcpus_running_counted") == ~0ull) {
			snprintf(c->why[k], sizeof(c->why[k]),
				 "recorded by a kvmirq that did not count running vCPUs");
			continue;
		}
		snprintf(key, sizeof(key), "program.%s", p ? p->prog_name : "");
		state = p ? tracefile_meta_get_string(m, key) : NULL;
		if (state && strcmp(state, "attached")) {
			snprintf(c->why[k], sizeof(c->why[k]), "its program %s did not attach: %s",
				 p->prog_name, state);
			continue;
		}
		c->kinds |= 1ull << k;
	}
}

int check_coverage_missing(const struct check_coverage *c, uint64_t kinds, uint64_t ioctls,
			   char *buf, size_t len)
{
	for (unsigned k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if ((kinds & 1ull << k) && !(c->kinds & 1ull << k)) {
			snprintf(buf, len, "%s events are not in this recording (%s)",
				 event_kind_tracepoint(k) ? event_kind_tracepoint(k) : event_kind_name(k),
				 c->why[k]);
			return 1;
		}
	for (unsigned i = 1; i < KVMIRQ_IOCTL_ID_MAX; i++)
		if ((ioctls & 1ull << i) && !(c->ioctls & 1ull << i)) {
			snprintf(buf, len, "%s calls are not in this recording (%s)", ioctl_name(i),
				 c->ioctls_why);
			return 1;
		}
	return 0;
}
