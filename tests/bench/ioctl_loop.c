// SPDX-License-Identifier: GPL-2.0
/*
 * N ioctls that are not KVM's (FIONREAD on a pipe), and the time they took:
 * what the syscall attach strategy adds to every other ioctl of the host.
 * With --getppid, N getppid() calls instead: what it adds to a syscall that
 * is not an ioctl at all (syscall tracepoints put every syscall of the host
 * on the kernel's slow path).
 *
 *   ioctl_loop [--getppid] [N]      prints "N calls in S s: X ns each"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int getppid_loop = argc > 1 && !strcmp(argv[1], "--getppid");
	long n = argc > 1 + getppid_loop ? atol(argv[1 + getppid_loop]) : 2000000;
	struct timespec a, b;
	int fds[2], avail;
	double s;

	if (n <= 0 || pipe(fds)) {
		fprintf(stderr, "usage: ioctl_loop [--getppid] [N > 0]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (getppid_loop) {
			syscall(SYS_getppid); /* not the libc call, which may be cached */
		} else if (ioctl(fds[0], FIONREAD, &avail)) {
			perror("FIONREAD");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld %s in %.3f s: %.0f ns each\n", n, getppid_loop ? "getppid calls" : "ioctls", s,
	       s * 1e9 / (double)n);
	return 0;
}
