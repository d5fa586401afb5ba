// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "top/frame.h"

void top_frame_clear(struct top_frame *f)
{
	free(f->vms);
	free(f->lines);
	free(f->msis);
	free(f->vcpus);
	free(f->findings);
	f->findings = NULL;
	f->nr_findings = 0;
	f->vms = NULL;
	f->lines = NULL;
	f->msis = NULL;
	f->vcpus = NULL;
	f->nr_vms = f->nr_lines = f->nr_msis = f->nr_vcpus = 0;
	f->state = NULL;
}

const struct platform *top_frame_platform(const struct top_frame *f)
{
	/* a recording's state says where it was made; live is this host */
	return f->state ? snapshot_platform(f->state) : platform_host();
}
