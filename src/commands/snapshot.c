// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq snapshot --pid PID: read every register of every in-kernel
 * interrupt controller of a running VMM that did not cooperate. KVM answers
 * only its owner's ioctls, so the VMM is stopped with ptrace, the GET
 * ioctls run inside it, and everything touched is put back.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "model/registry.h"
#include "model/state_load.h"
#include "snapshot/remote.h"
#include "snapshot/remote_io.h"
#include "snapshot/snapshot.h"
#include "snapshot/vmm_fds.h"

void cmd_snapshot_usage(void)
{
	printf("Usage: kvmirq snapshot --pid PID -o FILE [OPTIONS]\n"
	       "       kvmirq snapshot --from RECORDING [--at TIME] -o FILE\n"
	       "\n"
	       "Read the state of every in-kernel interrupt controller of a running VMM:\n"
	       "its PICs and IOAPIC, each vCPU's local APIC, and KVM devices such as the\n"
	       "PowerPC MPIC. KVM answers only the VMM's own ioctls, so kvmirq stops the\n"
	       "VMM's threads with ptrace for a moment, runs the read-only GET ioctls inside\n"
	       "it, restores every register it touched, and lets it go. The VMM's vCPUs\n"
	       "leave KVM_RUN with EINTR, as they do for any signal.\n"
	       "\n"
	       "With --from, the state is reconstructed from a recording instead (see\n"
	       "kvmirq show), routing table and irqfds included, and saved as a snapshot.\n"
	       "\n"
	       "Options:\n"
	       "  -p, --pid PID         the VMM process (needs root or CAP_SYS_PTRACE)\n"
	       "  -f, --from FILE       reconstruct from this recording instead\n"
	       "  -a, --at TIME         with --from: at TIME (end, SECONDS after the first\n"
	       "                        event, or @NS of CLOCK_MONOTONIC); default end\n"
	       "  -o, --output FILE     write the snapshot here\n"
	       "  -q, --quiet           print nothing on success\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Exit status: 0 on success, 1 when the VMM cannot be snapshotted (not a KVM\n"
	       "VMM, already traced, no permission), 2 on bad usage.\n");
}

static void describe_process(struct snapshot *s, pid_t pid)
{
	char path[64], cmdline[4096];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(cmdline, 1, sizeof(cmdline), f);
		fclose(f);
	}
	process_name_from_cmdline(cmdline, n, s->process_name, sizeof(s->process_name));
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

/* Stop, read, restore. Signals that would end kvmirq wait until the VMM runs again. */
static int take_stopped(struct snapshot *s, pid_t pid, const struct snapshot_fd *fds, size_t n,
			char *err, size_t errlen)
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
		ret = snapshot_take(s, &io, fds, n, err, errlen);
		ret2 = remote_close(r, &st, ret ? NULL : err, ret ? 0 : errlen);
		ret = ret ? ret : ret2;
		s->stopped_ns = st.stopped_ns;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int save_reconstruction(const char *from, const struct state_time *at, const char *out,
			       int quiet)
{
	struct snapshot s;
	char err[512];
	int ret = state_load(from, at, &s, err, sizeof(err));

	if (!ret && strcmp(s.method, "recorded")) {
		snprintf(err, sizeof(err), "%s is a snapshot already", from);
		snapshot_free(&s);
		ret = -EINVAL;
	}
	if (!ret) {
		ret = snapshot_write(&s, out, err, sizeof(err));
		if (!ret && !quiet)
			fprintf(stderr, "kvmirq: %s: %zu controllers and %zu routing tables "
					"reconstructed to %s\n",
				from, s.nr_chips, s.nr_routing, out);
		snapshot_free(&s);
	}
	if (ret)
		fprintf(stderr, "kvmirq snapshot: %s\n", err);
	return ret ? 1 : 0;
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' }, { "output", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' }, { "at", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },	 { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snapshot_fd *fds = NULL;
	struct state_time at = { STATE_AT_END };
	const char *out = NULL, *from = NULL;
	struct snapshot s;
	size_t nr_fds = 0;
	char err[512] = "";
	pid_t pid = 0;
	int c, quiet = 0, ret;

	while ((c = getopt_long(argc, argv, "p:o:f:a:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'a':
			if (state_time_parse(optarg, &at))
				return 2;
			break;
		case 'p':
			pid = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			cmd_snapshot_usage();
			return 0;
		default:
			return 2;
		}
	}
	if ((pid <= 0) == !from || !out || optind != argc) {
		fprintf(stderr, "kvmirq snapshot: give --pid PID or --from RECORDING, and -o FILE "
				"(see --help)\n");
		return 2;
	}
	if (from)
		return save_reconstruction(from, &at, out, quiet);
	if (vmm_scan_fds(pid, &fds, &nr_fds, err, sizeof(err))) {
		fprintf(stderr, "kvmirq snapshot: %s\n", err);
		return 1;
	}
	snapshot_init(&s);
	describe_process(&s, pid);
	name_vms(&s, pid, fds, nr_fds);
	ret = take_stopped(&s, pid, fds, nr_fds, err, sizeof(err));
	if (!ret)
		ret = snapshot_write(&s, out, err, sizeof(err));
	if (ret)
		fprintf(stderr, "kvmirq snapshot: pid %d: %s\n", pid, err);
	else if (!quiet)
		fprintf(stderr,
			"kvmirq: pid %d (%s): %zu controllers, %llu reads (%llu failed); VMM stopped "
			"%.3f ms\n",
			pid, s.process_name, s.nr_chips, (unsigned long long)s.reads,
			(unsigned long long)s.failed_reads, (double)s.stopped_ns / 1e6);
	snapshot_free(&s);
	free(fds);
	return ret ? 1 : 0;
}
