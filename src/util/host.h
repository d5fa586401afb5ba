/* SPDX-License-Identifier: GPL-2.0 */
/* The header keys every kvmirq file starts with: tool, host, kernel and clocks. */
#ifndef KVMIRQ_HOST_H
#define KVMIRQ_HOST_H

struct tracefile_meta;

/* tool, tool_version, host, kernel_release, kernel_version, machine,
 * start_realtime_ns, start_monotonic_ns. 0 or -ENOMEM. */
int host_describe(struct tracefile_meta *m);

#endif
