// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall injector built as on an architecture it has no part for
 * (-DREMOTE_NO_ARCH: remote_unsupported.c linked instead of remote_x86_64.c,
 * which the link proves: both, or neither, would not link). remote_open()
 * keeps its refusal rules, then answers -ENOTSUP without touching the
 * process.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "vmm/remote.h"

/* TracerPid of process PID, -1 when unreadable. */
static int tracer_of(pid_t pid)
{
	char path[64], line[256];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			tracer = atoi(line + 10);
	if (f)
		fclose(f);
	return tracer;
}

int main(void)
{
	struct remote *r = (struct remote *)&r;
	char err[256] = "";
	pid_t child;
	int status;

	/* the refusal rules come first, as on x86_64 */
	CHECK_EQ(remote_open(&r, 0, err, sizeof(err)), -EINVAL);
	CHECK(r == NULL);
	CHECK_EQ(remote_open(&r, getpid(), err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "ourselves") != NULL);

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	CHECK(child > 0);
	r = (struct remote *)&r;
	err[0] = 0;
	CHECK_EQ(remote_open(&r, child, err, sizeof(err)), -ENOTSUP);
	CHECK(r == NULL);
	CHECK(strstr(err, "only implemented for x86_64") != NULL);
	/* untouched: not seized, and still running */
	CHECK_EQ(tracer_of(child), 0);
	CHECK_EQ(waitpid(child, &status, WNOHANG), 0);
	CHECK_EQ(remote_close(NULL, NULL, err, sizeof(err)), 0);

	kill(child, SIGKILL);
	CHECK_EQ(waitpid(child, &status, 0), child);
	/* gone: the refusal rules still say so before the architecture does */
	CHECK_EQ(remote_open(&r, child, err, sizeof(err)), -ESRCH);
	return check_done();
}
