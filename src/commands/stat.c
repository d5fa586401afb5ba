// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq stat: how many of each KVM interrupt event, and how fast, counted
 * in per-CPU counters inside the kernel: nothing is copied per event, so it
 * costs less than recording (and than a bpftrace count script).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture/capture.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "util/json.h"
#include "util/stop.h"

static const struct cli_option options[] = {
	{ .name = "duration", .key = 'd', .arg = "TIME",
	  .help = "stop after TIME (e.g. 10s, 500ms, 2m)", .value = CLI_DURATION },
	{ .name = "pid", .key = 'p', .arg = "PID", .help = "only events raised by this process",
	  .value = CLI_PID },
	{ .name = "json", .key = 'j', .help = "print one JSON object" },
	{ .name = "verbose", .key = 'v', .help = "show libbpf's messages" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_stat_cli = {
	.synopsis = "Usage: kvmirq stat [OPTIONS]\n"
		    "\n"
		    "Count KVM interrupt delivery events per kind until the duration ends or\n"
		    "Ctrl-C, then print each count and rate. Counting happens in the kernel, in\n"
		    "per-CPU counters: no event is copied to user space.\n",
	.options = options,
	.epilogue = "Exit status: 0 on success, 1 when the programs could not attach or the\n"
		    "--pid process does not exist, 2 on bad usage.\n",
};

static void print(const struct kvmirq_kind_counters *c, double secs, int json)
{
	struct json j;

	if (!json) {
		printf("%-26s %12s %12s\n", "event", "count", "per s");
		for (unsigned int k = 1; k < KVMIRQ_EV_IOCTL; k++)
			if (event_layout(k))
				printf("%-26s %12llu %12.1f\n", event_kind_counter_name(k),
				       (unsigned long long)c[k].seen, (double)c[k].seen / secs);
		printf("over %.2f s\n", secs);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "seconds");
	json_double(&j, secs);
	json_key(&j, "counts");
	json_object_begin(&j);
	for (unsigned int k = 1; k < KVMIRQ_EV_IOCTL; k++)
		if (event_layout(k))
			json_kv_uint(&j, event_kind_counter_name(k), c[k].seen);
	json_object_end(&j);
	json_object_end(&j);
	json_newline(&j);
}

int cmd_stat(int argc, char **argv)
{
	struct capture_options opts = { .count_only = true };
	struct kvmirq_kind_counters counters[KVMIRQ_EV_KIND_MAX];
	unsigned long long duration_ms = 0;
	struct capture *cap;
	char err[512];
	uint64_t start;
	struct cli_parser p;
	int c, json = 0;

	cli_parse_begin(&p, &cmd_stat_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			if (parse_duration_ms("--duration", optarg, &duration_ms))
				return 2;
			break;
		case 'p':
			if (parse_pid("--pid", optarg, &opts.pid))
				return 2;
			break;
		case 'j': json = 1; break;
		case 'v': opts.verbose = true; break;
		case 'h': cli_print_help(&cmd_stat_cli); return 0;
		default: return 2;
		}
	}
	if (optind != argc)
		return cli_error(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (opts.pid && require_process("--pid", opts.pid, 1))
		return 1;
	stop_on_signals();
	if (capture_open(&cap, &opts, NULL, NULL, err, sizeof(err)))
		return cli_error(1, "%s", err);
	cli_notice("counting; Ctrl-C to stop");
	start = monotonic_ms();
	while (!stop_requested() && (!duration_ms || monotonic_ms() - start < duration_ms))
		usleep(50000);
	capture_read_counters(cap, counters);
	print(counters, (double)(monotonic_ms() - start) / 1000.0, json);
	capture_close(cap);
	return 0;
}
