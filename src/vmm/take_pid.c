// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/gicv3.h"
#include "util/process_name.h"
#include "vmm/remote.h"
#include "vmm/remote_io.h"
#include "vmm/take_pid.h"
#include "vmm/vmm_fds.h"

static void describe_process(struct snapshot *s, pid_t pid)
{
	process_name_of_pid((uint32_t)pid, s->process_name, sizeof(s->process_name));
	snprintf(s->method, sizeof(s->method), "ptrace");
	s->pid = (uint32_t)pid;
}

static void name_vms(struct snapshot *s, pid_t pid, const struct snapshot_fd *fds, size_t n)
{
	char name[32];

	for (size_t i = 0; i < n; i++) {
		if (fds[i].kind != CHIP_FD_VM)
			continue;
		vmm_vm_name(pid, fds[i].fd, name, sizeof(name));
		snapshot_add_vm(s, name);
	}
}

/*
 * KVM_DEV_ARM_ITS_SAVE_TABLES on each ITS fd: KVM writes the device,
 * collection and ITT tables into guest memory where GITS_BASER<n> and the
 * device table entries say. It needs every vCPU out of KVM_RUN (lock_all_vcpus:
 * EBUSY otherwise), which the stop gives. Counted in the snapshot.
 */
static int save_its_tables(struct snapshot *s, struct remote *r, const struct snapshot_fd *fds,
			   size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct kvm_device_attr a = { .group = GICV3_GRP_CTRL,
					     .attr = GICV3_ITS_SAVE_TABLES };
		long ret;

		if (fds[i].kind != CHIP_FD_DEVICE || strcmp(fds[i].name, GICV3_ITS_DEVICE))
			continue;
		ret = remote_ioctl_buf(r, fds[i].fd, KVM_SET_DEVICE_ATTR, &a, sizeof(a));
		if (ret < 0) {
			snprintf(err, errlen, "saving the ITS tables of fd %d: %s", fds[i].fd,
				 strerror((int)-ret));
			return (int)ret;
		}
		s->its_tables_saved++;
	}
	return 0;
}

/* Stop, read, restore. Signals that would end kvmirq wait until the VMM runs again. */
static int take_stopped(struct snapshot *s, pid_t pid, const struct snapshot_fd *fds, size_t n,
			unsigned flags, char *err, size_t errlen)
{
	struct remote_stats st = { 0 };
	struct snapshot_io io;
	struct remote *r = NULL;
	sigset_t block, old;
	int ret, ret2;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = remote_open(&r, pid, err, errlen);
	if (!ret) {
		remote_io_init(&io, r);
		ret = flags & TAKE_PID_ITS_SAVE_TABLES ? save_its_tables(s, r, fds, n, err, errlen)
						       : 0;
		if (!ret)
			ret = snapshot_take(s, &io, fds, n, err, errlen);
		ret2 = remote_close(r, &st, ret ? NULL : err, ret ? 0 : errlen);
		ret = ret ? ret : ret2;
		s->stopped_ns = st.stopped_ns;
		s->all_stopped_at_ns = st.all_stopped_at_ns;
		s->resumed_at_ns = st.resumed_at_ns;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int snapshot_take_pid(struct snapshot *s, pid_t pid, unsigned flags, char *err, size_t errlen)
{
	struct snapshot_fd *fds = NULL;
	size_t nr_fds = 0;
	int ret;

	snapshot_init(s);
	ret = vmm_scan_fds(pid, &fds, &nr_fds, err, errlen);
	if (ret)
		return ret;
	describe_process(s, pid);
	name_vms(s, pid, fds, nr_fds);
	ret = take_stopped(s, pid, fds, nr_fds, flags, err, errlen);
	free(fds);
	return ret;
}
