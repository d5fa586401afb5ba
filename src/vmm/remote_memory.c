// SPDX-License-Identifier: GPL-2.0
/*
 * The stopped process's memory, through /proc/PID/mem: read anywhere, write
 * only inside the scratch area remote_open() mapped (remote.h).
 */
/* 64-bit offsets: a 32-bit process's addresses reach past 2 GiB. */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <unistd.h>

#include "vmm/remote_internal.h"

int remote_read(struct remote *r, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	if (!r || r->memfd < 0)
		return -EBADF;
	while (done < len) {
		ssize_t n = pread(r->memfd, (char *)buf + done, len - done, (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Writes are for the scratch area only. */
static int mem_write(struct remote *r, uint64_t addr, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(r->memfd, (const char *)buf + done, len - done,
				   (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int remote_write(struct remote *r, uint64_t addr, const void *buf, size_t len)
{
	if (!r || r->memfd < 0)
		return -EBADF;
	if (!r->scratch || addr < r->scratch || len > r->scratch_len ||
	    addr - r->scratch > r->scratch_len - len) {
		remote_seterr(r, "write of %zu bytes at %#llx is outside the scratch area", len,
			      (unsigned long long)addr);
		return -EFAULT;
	}
	return mem_write(r, addr, buf, len);
}

uint64_t remote_scratch(const struct remote *r, size_t *len)
{
	if (len)
		*len = r ? r->scratch_len : 0;
	return r ? r->scratch : 0;
}
