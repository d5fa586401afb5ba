// SPDX-License-Identifier: GPL-2.0
/*
 * N ioctls that are not KVM's (FIONREAD on a pipe), and the time they took:
 * what the syscall attach strategy adds to every other ioctl of the host.
 *
 *   ioctl_loop [N]      prints "N ioctls in S s: X ns each"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	struct timespec a, b;
	int fds[2], avail;
	double s;

	if (n <= 0 || pipe(fds)) {
		fprintf(stderr, "usage: ioctl_loop [N > 0]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (ioctl(fds[0], FIONREAD, &avail)) {
			perror("FIONREAD");
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld ioctls in %.3f s: %.0f ns each\n", n, s, s * 1e9 / (double)n);
	return 0;
}
