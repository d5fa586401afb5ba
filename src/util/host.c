// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kvmirq/tracefile.h"
#include "util/host.h"

int host_describe(struct tracefile_meta *m)
{
	struct utsname u;
	struct timespec real, mono;
	char host[256] = "";
	int ret = 0;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	ret |= tracefile_meta_set_string(m, "tool", "kvmirq");
	ret |= tracefile_meta_set_string(m, "tool_version", KVMIRQ_VERSION);
	ret |= tracefile_meta_set_string(m, "host", host);
	ret |= tracefile_meta_set_string(m, "kernel_release", u.release);
	ret |= tracefile_meta_set_string(m, "kernel_version", u.version);
	ret |= tracefile_meta_set_string(m, "machine", u.machine);
	/* Times in the file are CLOCK_MONOTONIC; these two let readers show wall time. */
	ret |= tracefile_meta_set_u64(m, "start_realtime_ns",
				      (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec);
	ret |= tracefile_meta_set_u64(m, "start_monotonic_ns",
				      (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec);
	return ret ? -ENOMEM : 0;
}
