/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a recording holds: the event kinds its programs recorded and its
 * filters kept, and the ioctls it kept. A rule whose events are missing
 * cannot be decided, and kvmirq check says so.
 */
#ifndef KVMIRQ_CHECK_COVERAGE_H
#define KVMIRQ_CHECK_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kvmirq/event.h"

struct tracefile_meta;

struct check_coverage {
	uint64_t kinds;	 /* bit per enum kvmirq_event_kind */
	uint64_t ioctls; /* bit per enum kvmirq_ioctl_id */
	char why[KVMIRQ_EV_KIND_MAX][128]; /* of a kind not held */
	char ioctls_why[64];
};

/* From a recording's header (docs/events.md: filter_*, program.NAME). */
void check_coverage_from_meta(struct check_coverage *c, const struct tracefile_meta *m);
/* 0 when C holds the KINDS and IOCTLS (bits), else 1 with why not in BUF. */
int check_coverage_missing(const struct check_coverage *c, uint64_t kinds, uint64_t ioctls,
			   char *buf, size_t len);

#endif
