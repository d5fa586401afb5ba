// SPDX-License-Identifier: GPL-2.0
/* The KVM fds of a running VMM (vmm_fds.h). */
#include "vmm/vmm_fds.h"
#include "vmm/remote.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#define ANON "anon_inode:"

/* What the link target of one fd is; 0 when not a KVM fd we want. */
static int classify(const char *target, struct snapshot_fd *f)
{
	const char *name;
	size_t len;

	if (strncmp(target, ANON, strlen(ANON)) != 0)
		return 0;
	name = target + strlen(ANON);
	if (strncmp(name, "kvm-", 4) != 0)
		return 0;
	len = strlen(name);
	/* binary statistics, not controllers */
	if (strstr(name, "-stats"))
		return 0;
	if (len >= sizeof(f->name))
		return 0;
	memset(f->name, 0, sizeof(f->name));
	memcpy(f->name, name, len);
	f->vcpu_id = -1;
	if (!strcmp(name, "kvm-vm")) {
		f->kind = CHIP_FD_VM;
	} else if (!strcmp(name, "kvm-vcpu") || !strncmp(name, "kvm-vcpu:", 9)) {
		f->kind = CHIP_FD_VCPU;
		if (name[8] == ':') {
			char *end;
			long id = strtol(name + 9, &end, 10);

			if (end != name + 9 && !*end && id >= 0 && id <= INT32_MAX)
				f->vcpu_id = (int32_t)id;
		}
	} else {
		f->kind = CHIP_FD_DEVICE;
	}
	return 1;
}

static int cmp_fd(const void *a, const void *b)
{
	const struct snapshot_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

int vmm_scan_fds(pid_t pid, struct snapshot_fd **fds, size_t *nr, char *err, size_t errlen)
{
	struct snapshot_fd *v = NULL;
	size_t n = 0, cap = 0, i;
	unsigned nr_vms = 0;
	char path[64];
	struct dirent *e;
	DIR *d;

	*fds = NULL;
	*nr = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d) {
		int rc = -errno;

		if (rc == -ENOENT) {
			snprintf(err, errlen, "no process %d", (int)pid);
			return -ESRCH;
		}
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	while ((e = readdir(d))) {
		char target[256];
		struct snapshot_fd f;
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		ssize_t len;

		if (end == e->d_name || *end || fd < 0 || fd > INT32_MAX)
			continue;
		len = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (len < 0)
			continue; /* closed meanwhile */
		target[len] = 0;
		memset(&f, 0, sizeof(f));
		if (!classify(target, &f))
			continue;
		f.fd = (int)fd;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			void *p = realloc(v, c * sizeof(*v));

			if (!p) {
				free(v);
				closedir(d);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			v = p;
			cap = c;
		}
		v[n++] = f;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_fd);
	for (i = 0; i < n; i++)
		if (v[i].kind == CHIP_FD_VM)
			v[i].vm = ++nr_vms;
	if (!nr_vms) {
		free(v);
		if (kill(pid, 0) < 0 && errno == ESRCH) {
			snprintf(err, errlen, "no process %d", (int)pid);
			return -ESRCH;
		}
		if (remote_process_exiting(pid)) {
			snprintf(err, errlen, "process %d is exiting", (int)pid);
			return -ESRCH;
		}
		snprintf(err, errlen, "process %d has no KVM VM fd: not a KVM VMM", (int)pid);
		return -ENOENT;
	}
	for (i = 0; i < n; i++)
		if (v[i].kind != CHIP_FD_VM)
			v[i].vm = nr_vms == 1 ? 1 : 0;
	*fds = v;
	*nr = n;
	return 0;
}

int vmm_vm_name(pid_t pid, int vm_fd, char *buf, size_t len)
{
	return snprintf(buf, len, "%d-%d", (int)pid, vm_fd);
}
