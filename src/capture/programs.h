/* SPDX-License-Identifier: GPL-2.0 */
/* The table of kvmirq's BPF programs (bpf/programs.h): what each hooks. */
#ifndef KVMIRQ_CAPTURE_PROGRAMS_H
#define KVMIRQ_CAPTURE_PROGRAMS_H

#include <stddef.h>

#include "bpf/programs.h"

struct kvmirq_bpf;
struct bpf_program;

enum program_group {
	PROGRAM_DELIVERY, /* a raw tracepoint of KVM's */
	PROGRAM_FENTRY,	  /* ioctl strategy 1 */
	PROGRAM_SYSCALL,  /* ioctl strategy 2 */
	PROGRAM_INJECT,	  /* attribution of injections (fentry only) */
	PROGRAM_KPROBE,	  /* a kernel function without a tracepoint */
	PROGRAM_IOCTL_KPROBE, /* ioctl strategy 3 */
};

struct program_info {
	const char *prog_name;	/* the function name in bpf/ */
	enum program_group group;
	const char *hook;	/* tracepoint "system/event" or kernel function */
	size_t skel_offset;	/* of its struct bpf_program * in the skeleton */
};

extern const struct program_info program_table[KVMIRQ_PROGRAM_COUNT];

/* The program of INFO in SKEL, through the skeleton's field. */
struct bpf_program *program_of(const struct kvmirq_bpf *skel, const struct program_info *info);

#endif
