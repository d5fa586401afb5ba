// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>

#include "top/frame_filter.h"

static bool kept(const struct top_frame *f, uint32_t vm)
{
	for (size_t i = 0; i < f->nr_vms; i++)
		if (f->vms[i].id == vm)
			return true;
	return false;
}

/* Keep the rows of ARRAY (N of them) whose member VM is a kept VM. */
#define KEEP_ROWS(f, array, n)                                                                     \
	do {                                                                                       \
		size_t kept_ = 0;                                                                  \
		for (size_t i_ = 0; i_ < (n); i_++)                                                \
			if (kept(f, (array)[i_].vm))                                               \
				(array)[kept_++] = (array)[i_];                                    \
		(n) = kept_;                                                                       \
	} while (0)

void top_frame_keep_pid(struct top_frame *f, uint32_t pid)
{
	size_t n = 0;

	if (!pid)
		return;
	for (size_t i = 0; i < f->nr_vms; i++)
		if (f->vms[i].pid == pid)
			f->vms[n++] = f->vms[i];
	f->nr_vms = n;
	KEEP_ROWS(f, f->lines, f->nr_lines);
	KEEP_ROWS(f, f->msis, f->nr_msis);
	KEEP_ROWS(f, f->vcpus, f->nr_vcpus);
}
