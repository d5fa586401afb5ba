/* SPDX-License-Identifier: GPL-2.0 */
/* The running VMMs: every process that holds a KVM VM fd. */
#ifndef KVMIRQ_VMM_LIST_H
#define KVMIRQ_VMM_LIST_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The pids of every process (but this one) with an anon_inode:kvm-vm fd, in
 * /proc's order; ONLY (when not 0) keeps that one alone. *PIDS is malloc'd
 * (free() it). Returns the count, or -errno when /proc cannot be read.
 */
long vmm_list_pids(pid_t only, pid_t **pids);

#endif
