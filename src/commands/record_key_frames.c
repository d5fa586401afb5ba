// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/cli_messages.h"
#include "commands/record_key_frames.h"
#include "kvmirq/tracefile.h"
#include "snapshot/snapshot.h"
#include "trace/key_frames.h"
#include "trace/trace_out.h"
#include "vmm/take_pid.h"
#include "vmm/vmm_list.h"

static uint64_t monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/*
 * Did every read of S fail as reads of a VM without an in-kernel irqchip
 * (yet) do? KVM answers ENXIO for its irqchip and device reads and EINVAL
 * for a LAPIC that is not in the kernel; at least one ENXIO.
 */
static bool no_irqchip(const struct snapshot *s)
{
	bool enxio = false;

	for (size_t i = 0; i < s->nr_chips; i++)
		for (size_t j = 0; j < s->chips[i].nr_reads; j++) {
			int32_t st = s->chips[i].reads[j].status;

			if (st != -ENXIO && st != -EINVAL)
				return false;
			enxio |= st == -ENXIO;
		}
	return enxio && s->reads && s->failed_reads == s->reads;
}

/* Why reads of S failed, for the table: the first failure and its errno
 * (not a read the snapshot skipped or the host lacks: those are no failures). */
static void first_failure(const struct snapshot *s, char *buf, size_t len)
{
	if (no_irqchip(s)) {
		snprintf(buf, len, "no in-kernel interrupt controller (every read: ENXIO or EINVAL)");
		return;
	}
	for (size_t i = 0; i < s->nr_chips; i++)
		for (size_t j = 0; j < s->chips[i].nr_reads; j++)
			if (snapshot_read_failed(&s->chips[i], &s->chips[i].reads[j])) {
				snprintf(buf, len, "%llu of %llu reads failed, the first of %s: %s",
					 (unsigned long long)s->failed_reads,
					 (unsigned long long)s->reads, s->chips[i].model_name,
					 strerror(-s->chips[i].reads[j].status));
				return;
			}
}

/*
 * Read PID's controllers; K says when, how long and how it went. Returns
 * -ESRCH when PID exited or is exiting: its VM is going away, and that is
 * no failed key frame.
 */
static int take_one(pid_t pid, uint64_t unit, struct key_frame *k)
{
	struct snapshot s;
	char err[160] = "";
	int rc;

	memset(k, 0, sizeof(*k));
	k->pid = (uint32_t)pid;
	/* The events are stored in UNITs (rounded down): so is the window's start. */
	k->begin_ns = monotonic_ns() / unit * unit;
	rc = snapshot_take_pid(&s, pid, 0, err, sizeof(err));
	if (rc)
		snprintf(k->error, sizeof(k->error), "%s", err[0] ? err : "cannot read the VMM");
	k->end_ns = monotonic_ns();
	/* Its reads begin once every thread of the VMM is stopped and end
	 * before the first is let go; the VMM's own ioctls before (scanning
	 * its fds and stopping it take a while) and after (a thread let go
	 * runs at once, while the others are still being detached) are its
	 * own, not the key frame's. */
	if (s.all_stopped_at_ns)
		k->begin_ns = s.all_stopped_at_ns / unit * unit;
	if (s.resumed_at_ns) /* in UNITs, as the reads before it */
		k->end_ns = s.resumed_at_ns / unit * unit;
	k->stopped_ns = s.stopped_ns;
	k->controllers = s.nr_chips;
	k->reads = s.reads;
	k->failed_reads = s.failed_reads;
	if (!k->error[0] && s.failed_reads)
		first_failure(&s, k->error, sizeof(k->error));
	snapshot_free(&s);
	return rc == -ESRCH ? rc : 0;
}

int record_key_frames(struct trace_out *out, pid_t only, uint64_t time_unit_ns, bool quiet)
{
	uint64_t unit = time_unit_ns ? time_unit_ns : 1;
	pid_t *pids;
	long n = vmm_list_pids(only, &pids);
	int taken = 0, ret = 0;

	if (n < 0) {
		cli_warning("key frames: cannot list the VMMs: %s", strerror((int)-n));
		return 0;
	}
	for (long i = 0; i < n && !ret; i++) {
		struct tracefile_meta *m = tracefile_meta_new();
		struct key_frame k;

		if (!m) {
			ret = -ENOMEM;
			break;
		}
		if (take_one(pids[i], unit, &k) == -ESRCH) {
			if (!quiet)
				fprintf(stderr, "kvmirq: no key frame of pid %d: %s\n",
					(int)pids[i], k.error);
			tracefile_meta_free(m);
			continue;
		}
		if (k.error[0])
			cli_warning("%s key frame of pid %d: %s",
				    k.reads > k.failed_reads ? "an incomplete" : "no", (int)pids[i],
				    k.error);
		else if (!quiet)
			fprintf(stderr, "kvmirq: key frame of pid %d: %llu controllers, %llu reads "
					"(%llu failed); VMM stopped %.1f ms\n",
				(int)pids[i], (unsigned long long)k.controllers,
				(unsigned long long)k.reads, (unsigned long long)k.failed_reads,
				(double)k.stopped_ns / 1e6);
		taken += !k.error[0];
		ret = key_frame_to_meta(&k, m);
		if (!ret)
			ret = trace_out_write_meta(out, m);
		tracefile_meta_free(m);
	}
	free(pids);
	return ret ? ret : taken;
}
