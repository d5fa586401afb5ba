/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of a running VMM that did not cooperate: its KVM fds from
 * /proc, the reads run inside it while it is stopped (remote.h), and the
 * time it was stopped. Used by `kvmirq snapshot --pid` and `kvmirq top`.
 */
#ifndef KVMIRQ_TAKE_PID_H
#define KVMIRQ_TAKE_PID_H

#include <sys/types.h>

#include "snapshot/snapshot.h"

/* What a snapshot of a pid does besides reading. */
enum take_pid_flags {
	/* Before the reads, save each ITS's tables into guest memory
	 * (KVM_DEV_ARM_ITS_SAVE_TABLES): a command, issued only when asked. */
	TAKE_PID_ITS_SAVE_TABLES = 1,
};

/* Fill S (snapshot_free it, also on failure). 0, or -errno with a message in ERR. */
int snapshot_take_pid(struct snapshot *s, pid_t pid, unsigned flags, char *err, size_t errlen);

#endif
