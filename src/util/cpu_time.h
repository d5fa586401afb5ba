/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVMIRQ_UTIL_CPU_TIME_H
#define KVMIRQ_UTIL_CPU_TIME_H

/* The CPU this process has used, in seconds: in user space and in the kernel. */
struct cpu_time {
	double user_s;
	double system_s;
};

struct cpu_time cpu_time_now(void);
/* What was used between two readings. */
struct cpu_time cpu_time_since(struct cpu_time start);

#endif
