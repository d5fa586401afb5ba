/* SPDX-License-Identifier: GPL-2.0 */
/* The table of kvmirq's BPF programs: what each hooks and what it records. */
#ifndef KVMIRQ_CAPTURE_PROGRAMS_H
#define KVMIRQ_CAPTURE_PROGRAMS_H

#include <stdbool.h>

enum program_group {
	PROGRAM_DELIVERY, /* a raw tracepoint of KVM's */
	PROGRAM_FENTRY,	  /* ioctl strategy 1 */
	PROGRAM_SYSCALL,  /* ioctl strategy 2 */
	PROGRAM_INJECT,	  /* attribution of injections (fentry only) */
};

struct program_info {
	const char *prog_name;	/* the function name in bpf/ */
	enum program_group group;
	const char *hook;	/* tracepoint "system/event" or kernel function */
	int event_kind;		/* enum kvmirq_event_kind it emits */
};

extern const struct program_info program_table[];
extern const unsigned int program_table_len;

const struct program_info *program_info_find(const char *prog_name);

#endif
