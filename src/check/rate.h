/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bursts of events of one source above a rate, for the rules that count
 * (masked-pin-churn, interrupt-storm). The count of the last second is
 * estimated from two fixed windows, the previous one weighted by how much
 * of it the last second still covers: constant memory per source at any
 * rate. A burst starts when the estimate goes above the limit and ends
 * when it is back at or under it.
 */
#ifndef KVMIRQ_CHECK_RATE_H
#define KVMIRQ_CHECK_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "kvmirq/event.h"

struct rate_counter {
	uint64_t window_ns;   /* the current window's start */
	uint64_t cur, prev;   /* events in it and in the one before */
	bool in_burst;
	uint64_t peak;	      /* the burst's highest estimate: events in 1 s */
	uint64_t index;	      /* the timeline index of the event that started it */
	struct kvmirq_event_header at; /* that event */
	uint64_t last_ns;     /* the burst's last event */
};

/*
 * Count the event AT (timeline index INDEX). True when it starts a burst:
 * more than LIMIT in the second before it.
 */
bool rate_count(struct rate_counter *r, const struct kvmirq_event_header *at, uint64_t index,
		uint64_t limit);
/* True, once, when R's burst is over at NS: the last second held 3/4 LIMIT or fewer. */
bool rate_burst_over(struct rate_counter *r, uint64_t ns, uint64_t limit);
/* The burst's length in seconds, from the event that started it to its last. */
double rate_burst_seconds(const struct rate_counter *r);

#endif
