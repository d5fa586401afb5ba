// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq check --live: record's capture (src/trace/live_capture.c) feeding
 * the checker instead of a file. One -p is the BPF side's own process
 * filter; several are kept here, by the event's process, as the BPF filter
 * would keep them: before the registry sees them, so that VMs are numbered
 * as in a recording of those processes.
 */
#include <stdio.h>
#include <string.h>

#include "check/live_coverage.h"
#include "commands/check_live.h"
#include "commands/cli_messages.h"
#include "util/stop.h"

struct live_checker {
	const struct check_live_args *args;
	struct checker checker;
	int status;
};

static void print_finding(void *arg, const struct finding *f)
{
	struct live_checker *l = arg;

	if (l->args->json)
		finding_print_json(f, stdout);
	else
		finding_print_text(f, stdout);
	fflush(stdout);
	if (f->severity >= l->args->fail_on)
		l->status = 1;
}

static bool pid_wanted(void *arg, uint32_t pid)
{
	const struct check_live_args *a = ((const struct live_checker *)arg)->args;

	for (unsigned int i = 0; i < a->nr_pids; i++)
		if (a->pids[i] == pid)
			return true;
	return false;
}

static int on_event(void *arg, const void *event, size_t len)
{
	struct live_checker *l = arg;

	checker_event(&l->checker, event, len);
	return 0;
}

int check_live(const struct check_live_args *a, const struct check_options *opts)
{
	struct capture_options copts = { .pid = a->nr_pids == 1 ? a->pids[0] : 0 };
	struct kvmirq_kind_counters counters[KVMIRQ_EV_KIND_MAX];
	struct live_checker l = { .args = a };
	struct live_capture lc;
	struct check_coverage coverage;
	struct payload_format format;
	const struct platform *platform;
	uint64_t dropped = 0;
	char err[512];
	int status = 2;

	stop_on_signals();
	if (live_capture_open(&lc, &copts, on_event, &l, err, sizeof(err))) {
		live_capture_close(&lc);
		return cli_error(2, "%s", err);
	}
	if (a->nr_pids > 1)
		lc.wants_pid = pid_wanted; /* one: the BPF side filters */
	payload_format_host(&format);
	if (check_coverage_live(&coverage, &copts, capture_get_status(lc.capture), &platform) ||
	    checker_init(&l.checker, &lc.registry, &format, platform, &coverage, opts,
			 print_finding, &l)) {
		cli_error(status, "out of memory");
		goto out;
	}
	cli_notice("checking live (ioctl strategy %s); Ctrl-C to stop",
		   strategy_name(capture_get_status(lc.capture)->strategy));
	live_capture_run(&lc, a->duration_ms, NULL, NULL);
	if (lc.ring_errno)
		cli_warning("reading the ring buffer: %s", strerror(lc.ring_errno));
	checker_end(&l.checker);
	if (!capture_read_counters(lc.capture, counters))
		for (unsigned k = 0; k < KVMIRQ_EV_KIND_MAX; k++)
			dropped += counters[k].dropped;
	if (dropped || lc.malformed)
		cli_warning("%llu events dropped (ring buffer full), %llu malformed: findings may "
			    "be missing or wrong",
			    (unsigned long long)dropped, (unsigned long long)lc.malformed);
	status = l.status;
out:
	checker_free(&l.checker);
	live_capture_close(&lc);
	return status;
}
