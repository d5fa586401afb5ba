// SPDX-License-Identifier: GPL-2.0
/* A held rig VMM's wait (hold_wait.h). */
#include "hold_wait.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long ms_until(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

int hold_wait(const char *name, unsigned seconds, void (*after_wake)(void *ctx, unsigned n),
	      void *ctx, struct hold_result *out)
{
	struct timespec end, wait;
	sigset_t set;
	long left;
	int sig = 0;

	*out = (struct hold_result){ 0 };
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	printf("%s: holding pid %d\n", name, (int)getpid());
	fflush(stdout);
	while (!sig && (left = ms_until(&end)) > 0) {
		wait.tv_sec = left / 1000;
		wait.tv_nsec = left % 1000 * 1000000;
		sig = sigtimedwait(&set, NULL, &wait);
		if (sig < 0 && errno == EINTR)
			out->interruptions++;
		else if (sig < 0 && errno != EAGAIN)
			return -errno;
		if (sig < 0)
			sig = 0;
		if (after_wake)
			after_wake(ctx, out->interruptions);
	}
	out->signal = sig;
	return 0;
}
