/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live source of `kvmirq top`: BPF counters aggregated in the kernel per
 * VM, line, MSI and vCPU (no delivery event copied), the VMs found in
 * /proc, their controllers read with the snapshot code, and the KVM ioctls'
 * records through kvmirq check's rules (top/live_check.h).
 */
#ifndef KVMIRQ_TOP_LIVE_H
#define KVMIRQ_TOP_LIVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "top/frame.h"

struct top_live_options {
	pid_t pid;	    /* only this VMM; 0: all */
	bool snapshots;	    /* read controller state with ptrace (the register screen) */
	bool verbose;	    /* libbpf's messages */
};

/* Load and attach the counting programs. 0, or -errno with a message in ERR
 * (no BPF, not root: the caller can fall back to the shipped recording). */
int top_live_open(struct top_source *src, const struct top_live_options *o, char *err,
		  size_t errlen);

#endif
