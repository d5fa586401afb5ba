/* SPDX-License-Identifier: GPL-2.0 */
/* The snapshot reads, run inside a VMM stopped with ptrace (kvmirq snapshot --pid). */
#ifndef KVMIRQ_REMOTE_IO_H
#define KVMIRQ_REMOTE_IO_H

#include "snapshot/snapshot.h"

struct remote;

void remote_io_init(struct snapshot_io *io, struct remote *r);

#endif
