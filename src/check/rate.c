// SPDX-License-Identifier: GPL-2.0
#include "check/rate.h"
#include "check/rules.h"

#define WINDOW CHECK_RATE_WINDOW_NS

static void advance(struct rate_counter *r, uint64_t ns)
{
	if (ns < r->window_ns + WINDOW)
		return;
	r->prev = ns < r->window_ns + 2 * WINDOW ? r->cur : 0;
	r->cur = 0;
	r->window_ns += (ns - r->window_ns) / WINDOW * WINDOW;
}

/* Events in the second before NS: the current window and the previous one's share. */
static uint64_t last_second(const struct rate_counter *r, uint64_t ns)
{
	uint64_t into = ns - r->window_ns;

	return r->prev * (WINDOW - into) / WINDOW + r->cur;
}

bool rate_count(struct rate_counter *r, const struct kvmirq_event_header *at, uint64_t index,
		uint64_t limit)
{
	uint64_t n;

	advance(r, at->timestamp_ns);
	r->cur++;
	n = last_second(r, at->timestamp_ns);
	if (r->in_burst) {
		/* an event of another CPU may be stamped a little earlier */
		if (at->timestamp_ns > r->last_ns)
			r->last_ns = at->timestamp_ns;
		if (n > r->peak)
			r->peak = n;
		return false;
	}
	if (n <= limit)
		return false;
	*r = (struct rate_counter){
		.window_ns = r->window_ns, .cur = r->cur, .prev = r->prev,
		.in_burst = true, .peak = n, .index = index, .at = *at,
		.last_ns = at->timestamp_ns,
	};
	return true;
}

bool rate_burst_over(struct rate_counter *r, uint64_t ns, uint64_t limit)
{
	if (!r->in_burst || ns < r->last_ns)
		return false;
	advance(r, ns);
	if (last_second(r, ns) > limit - limit / 4)
		return false;
	r->in_burst = false;
	return true;
}

double rate_burst_seconds(const struct rate_counter *r)
{
	return (double)(r->last_ns - r->at.timestamp_ns) / 1e9;
}
