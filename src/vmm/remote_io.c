// SPDX-License-Identifier: GPL-2.0
/* snapshot_io over syscalls injected into a stopped VMM (remote.h). */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/syscall.h>

#include "vmm/remote.h"
#include "vmm/remote_io.h"

/* Scratch layout for KVM_GET_DEVICE_ATTR: the struct, then the value it points at. */
#define ATTR_STRUCT_OFFSET 0
#define ATTR_VALUE_OFFSET 64

static long remote_io_ioctl_buf(void *ctx, int fd, unsigned long cmd, void *buf, size_t len)
{
	return remote_ioctl_buf(ctx, fd, cmd, buf, len);
}

static long remote_io_get_device_attr(void *ctx, int fd, uint32_t group, uint64_t attr, void *val,
				      size_t len)
{
	struct remote *r = ctx;
	size_t scratch_len;
	uint64_t scratch = remote_scratch(r, &scratch_len);
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = scratch + ATTR_VALUE_OFFSET,
	};
	long args[6] = { fd, (long)KVM_GET_DEVICE_ATTR, (long)(scratch + ATTR_STRUCT_OFFSET) };
	long ret;

	if (len > scratch_len - ATTR_VALUE_OFFSET)
		return -EINVAL;
	ret = remote_write(r, scratch + ATTR_STRUCT_OFFSET, &a, sizeof(a));
	if (ret)
		return ret;
	ret = remote_syscall(r, SYS_ioctl, args);
	if (ret < 0)
		return ret;
	return remote_read(r, scratch + ATTR_VALUE_OFFSET, val, len);
}

void remote_io_init(struct snapshot_io *io, struct remote *r)
{
	io->ioctl_buf = remote_io_ioctl_buf;
	io->get_device_attr = remote_io_get_device_attr;
	io->ctx = r;
}
