// SPDX-License-Identifier: GPL-2.0
/* A process's names from /proc: its comm, and QEMU's -name or its command line. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/process_name.h"

/* Read a small /proc file; returns bytes read (0 when it is gone). */
static size_t read_proc(uint32_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return (size_t)n;
}

void process_name_from_cmdline(const char *cmdline, size_t len, char *out, size_t outlen)
{
	const char *end = cmdline + len;
	size_t used = 0;

	out[0] = '\0';
	/* QEMU: -name NAME or -name guest=NAME,... */
	for (const char *arg = cmdline; arg < end; arg += strlen(arg) + 1) {
		const char *next = arg + strlen(arg) + 1;

		if (strcmp(arg, "-name") || next >= end)
			continue;
		if (!strncmp(next, "guest=", 6))
			next += 6;
		snprintf(out, outlen, "%.*s", (int)strcspn(next, ","), next);
		return;
	}
	/* Otherwise the program and its first arguments. */
	for (const char *arg = cmdline; arg < end && used + 1 < outlen; arg += strlen(arg) + 1) {
		const char *base = arg == cmdline && strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
		int n = snprintf(out + used, outlen - used, "%s%s", used ? " " : "", base);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= outlen)
		out[outlen - 1] = '\0';
}

void process_name_of_pid(uint32_t pid, char *out, size_t outlen)
{
	char cmdline[4096];
	size_t n = read_proc(pid, "cmdline", cmdline, sizeof(cmdline));

	process_name_from_cmdline(cmdline, n, out, outlen);
}

void process_comm_of_pid(uint32_t pid, char *out, size_t outlen)
{
	read_proc(pid, "comm", out, outlen);
	out[strcspn(out, "\n")] = '\0';
}
