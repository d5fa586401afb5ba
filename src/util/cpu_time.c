// SPDX-License-Identifier: GPL-2.0
#include <sys/resource.h>

#include "util/cpu_time.h"

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

struct cpu_time cpu_time_now(void)
{
	struct rusage ru;
	struct cpu_time t = { 0 };

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		t.user_s = seconds(ru.ru_utime);
		t.system_s = seconds(ru.ru_stime);
	}
	return t;
}

struct cpu_time cpu_time_since(struct cpu_time start)
{
	struct cpu_time now = cpu_time_now();

	now.user_s -= start.user_s;
	now.system_s -= start.system_s;
	return now;
}
