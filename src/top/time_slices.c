// SPDX-License-Identifier: GPL-2.0
#include "top/time_slices.h"

void time_slices_add(uint32_t *count, unsigned n, uint64_t *newest, uint64_t slice)
{
	if (slice > *newest) {
		/* empty the slices the ring now reuses: at most all of them */
		uint64_t from = slice - *newest > n ? slice - n + 1 : *newest + 1;

		for (uint64_t s = from; s <= slice; s++)
			count[s % n] = 0;
		*newest = slice;
	} else if (*newest - slice >= n) {
		return;
	}
	if (count[slice % n] < UINT32_MAX)
		count[slice % n]++;
}

uint32_t time_slices_get(const uint32_t *count, unsigned n, uint64_t newest, uint64_t slice)
{
	if (!slice || slice > newest || newest - slice >= n)
		return 0;
	return count[slice % n];
}

uint64_t time_slices_sum(const uint32_t *count, unsigned n, uint64_t newest, uint64_t last)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n && i < last; i++)
		sum += time_slices_get(count, n, newest, last - i);
	return sum;
}

double rate_window_rate(const struct rate_window *w, uint64_t now_ns, uint64_t origin_ns)
{
	uint64_t last = time_slice_of(now_ns, origin_ns, RATE_SLICE_NS);

	return (double)time_slices_sum(w->count, RATE_SLICES, w->newest, last) / RATE_WINDOW_S;
}
