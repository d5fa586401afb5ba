// SPDX-License-Identifier: GPL-2.0
/* Every BPF program kvmirq has, with the hook it needs from the kernel. */
#include "capture/programs.h"
#include "kvmirq.skel.h"

/* offsetof(): the compiler checks that the skeleton has the program. */
#define PROGRAM_ROW(NAME, GROUP, HOOK)                                           \
	{ .prog_name = #NAME, .group = PROGRAM_##GROUP, .hook = HOOK,            \
	  .skel_offset = offsetof(struct kvmirq_bpf, progs.NAME) },

const struct program_info program_table[KVMIRQ_PROGRAM_COUNT] = { KVMIRQ_PROGRAMS(PROGRAM_ROW) };

struct bpf_program *program_of(const struct kvmirq_bpf *skel, const struct program_info *info)
{
	struct bpf_program *const *field = (void *)((const char *)skel + info->skel_offset);

	return *field;
}
