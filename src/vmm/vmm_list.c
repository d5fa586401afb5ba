// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmm_list.h"

/* Does PID hold a VM fd? A process whose fds cannot be read does not count. */
static bool holds_vm_fd(pid_t pid)
{
	char dir[64], path[320], link[64];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = !strcmp(link, "anon_inode:kvm-vm");
	}
	closedir(d);
	return found;
}

long vmm_list_pids(pid_t only, pid_t **pids)
{
	DIR *d = opendir("/proc");
	pid_t *list = NULL, *bigger;
	size_t n = 0, cap = 0;
	struct dirent *e;

	*pids = NULL;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid <= 0 || pid == getpid() || (only && pid != only) || !holds_vm_fd(pid))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			bigger = realloc(list, cap * sizeof(*list));
			if (!bigger) {
				free(list);
				closedir(d);
				return -ENOMEM;
			}
			list = bigger;
		}
		list[n++] = pid;
	}
	closedir(d);
	*pids = list;
	return (long)n;
}
