// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq snapshot --pid PID: read every register of every in-kernel
 * interrupt controller of a running VMM that did not cooperate. KVM answers
 * only its owner's ioctls, so the VMM is stopped with ptrace, the GET
 * ioctls run inside it, and everything touched is put back.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "model/state_load.h"
#include "snapshot/snapshot.h"
#include "vmm/take_pid.h"

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
	       "      --its-save-tables with --pid: first have KVM save each ITS's tables\n"
	       "                        into the guest's memory (a command: it writes guest\n"
	       "                        RAM; see the man page); never done otherwise\n"
	       "  -q, --quiet           print nothing on success\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Exit status: 0 on success, 1 when the VMM cannot be snapshotted (not a KVM\n"
	       "VMM, already traced, no permission), 2 on bad usage.\n");
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
	if (!ret && s.warning[0])
		fprintf(stderr, "kvmirq snapshot: warning: %s: %s\n", from, s.warning);
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
		{ "its-save-tables", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct state_time at = { STATE_AT_END };
	const char *out = NULL, *from = NULL;
	struct snapshot s;
	char err[512] = "";
	pid_t pid = 0;
	unsigned flags = 0;
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
		case 'S':
			flags |= TAKE_PID_ITS_SAVE_TABLES;
			break;
		case 'h':
			cmd_snapshot_usage();
			return 0;
		default:
			return 2;
		}
	}
	if ((pid <= 0) == !from || !out || optind != argc || (from && flags)) {
		fprintf(stderr, "kvmirq snapshot: give --pid PID or --from RECORDING, and -o FILE; "
				"--its-save-tables only with --pid (see --help)\n");
		return 2;
	}
	if (from)
		return save_reconstruction(from, &at, out, quiet);
	ret = snapshot_take_pid(&s, pid, flags, err, sizeof(err));
	if (!ret)
		ret = snapshot_write(&s, out, err, sizeof(err));
	if (ret)
		fprintf(stderr, "kvmirq snapshot: pid %d: %s\n", pid, err);
	else if (!quiet)
		fprintf(stderr,
			"kvmirq: pid %d (%s): %zu controllers, %llu reads (%llu failed); VMM stopped "
			"%.3f ms%s\n",
			pid, s.process_name, s.nr_chips, (unsigned long long)s.reads,
			(unsigned long long)s.failed_reads, (double)s.stopped_ns / 1e6,
			s.its_tables_saved ? "; ITS tables saved into guest memory first" : "");
	snapshot_free(&s);
	return ret ? 1 : 0;
}
