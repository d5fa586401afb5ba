/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts per slice of recording time, the last N slices only: what replay's
 * rates (the last second) and sparklines (the last minute) are made of. A
 * count costs N 32-bit words however long the recording, so memory stays
 * bounded by the number of things counted, never by the number of events.
 */
#ifndef KVMIRQ_TIME_SLICES_H
#define KVMIRQ_TIME_SLICES_H

#include <stdint.h>

/* Slice numbers count from 1 (0: nothing counted yet). */
static inline uint64_t time_slice_of(uint64_t ns, uint64_t origin_ns, uint64_t slice_ns)
{
	return (ns > origin_ns ? (ns - origin_ns) / slice_ns : 0) + 1;
}

/* Add one to slice SLICE of the ring COUNT[N] whose newest slice is *NEWEST.
 * Slices between the newest and SLICE are emptied; one older than the ring
 * holds (a timestamp out of order by more than N slices) is dropped. */
void time_slices_add(uint32_t *count, unsigned n, uint64_t *newest, uint64_t slice);
/* The count of slice SLICE (0 when the ring no longer holds it or it is in the future). */
uint32_t time_slices_get(const uint32_t *count, unsigned n, uint64_t newest, uint64_t slice);
/* The sum of the N slices that end with slice LAST. */
uint64_t time_slices_sum(const uint32_t *count, unsigned n, uint64_t newest, uint64_t last);

/* A rate over the last second: ten slices of 100 ms. */
#define RATE_SLICES   10
#define RATE_SLICE_NS 100000000ull
#define RATE_WINDOW_S 1.0

struct rate_window {
	uint64_t newest;
	uint32_t count[RATE_SLICES];
};

static inline void rate_window_add(struct rate_window *w, uint64_t ns, uint64_t origin_ns)
{
	time_slices_add(w->count, RATE_SLICES, &w->newest,
			time_slice_of(ns, origin_ns, RATE_SLICE_NS));
}

/* Events per second over the window that ends at NOW_NS. */
double rate_window_rate(const struct rate_window *w, uint64_t now_ns, uint64_t origin_ns);

#endif
