// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq check: the rules of src/check/ over a recording, one finding per
 * line like a compiler, or JSON, with an exit status for scripts.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checker.h"
#include "commands/check_live.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "kvmirq/tracefile.h"
#include "trace/key_frames.h"
#include "trace/trace_in.h"

enum { OPT_ERRNO_LOOP = CLI_LONG_ONLY, OPT_STUCK_AFTER, OPT_MASKED_RATE, OPT_STORM_RATE, OPT_LIVE };

static const struct cli_option options[] = {
	{ .name = "live", .key = OPT_LIVE, .help = "check this host's VMs instead of a recording" },
	{ .name = "pid", .key = 'p', .arg = "PID",
	  .help = "live: only this VMM process (repeat for more)", .value = CLI_VMM_PID },
	{ .name = "duration", .key = 'd', .arg = "TIME",
	  .help = "live: stop after TIME (e.g. 10s, 500ms, 2m)", .value = CLI_DURATION },
	{ .name = "json", .key = 'j', .help = "one JSON object per finding" },
	{ .name = "fail-on", .key = 'f', .arg = "SEV",
	  .help = "exit 1 on findings of SEV or worse: info, warning\n(the default) or error",
	  .value = CLI_WORDS, .words = "info warning error" },
	{ .name = "errno-loop", .key = OPT_ERRNO_LOOP, .arg = "N",
	  .help = "failures in a row that make an errno loop (default 8)", .value = CLI_TEXT },
	{ .name = "stuck-after", .key = OPT_STUCK_AFTER, .arg = "TIME",
	  .help = "how long a raised line may stay up (default 5s)", .value = CLI_DURATION },
	{ .name = "masked-rate", .key = OPT_MASKED_RATE, .arg = "N",
	  .help = "changes a second on a masked pin that make churn\n(default 1000)",
	  .value = CLI_TEXT },
	{ .name = "storm-rate", .key = OPT_STORM_RATE, .arg = "N",
	  .help = "injections a second of one source that make a storm\n(default 100000)",
	  .value = CLI_TEXT },
	{ .name = "list-rules", .key = 'l', .help = "print the rules: id, severity, title" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_check_cli = {
	.synopsis = "Usage: kvmirq check FILE [OPTIONS]\n"
		    "       kvmirq check --live [-p PID]... [-d DURATION] [OPTIONS]\n"
		    "\n"
		    "Check a recording made by kvmirq record against kvmirq's rules of KVM's\n"
		    "interrupt API and classic interrupt bugs (kvmirq-check(1) gives each rule's\n"
		    "reason and source). One finding per line: SEVERITY: VM, process, vCPU or\n"
		    "thread, time: RULE: what, why [events as indices of report --timeline].\n"
		    "A rule the recording cannot decide says so in an info line.\n"
		    "\n"
		    "With --live, check the VMs of this host as they run (root, BPF), capturing as\n"
		    "kvmirq record does: each finding is printed when it is found, until the\n"
		    "duration ends or Ctrl-C / SIGTERM, then the findings of the end. Events are\n"
		    "numbered from the start of the check, as a recording started then would.\n",
	.options = options,
	.epilogue = "Exit status: 0 no finding at --fail-on or worse, 1 some, 2 on an error\n"
		    "(a file that cannot be read, no BPF or not root with --live, a --pid naming\n"
		    "no process, bad usage).\n",
	.operands = CLI_RECORDING,
};

struct findings {
	struct finding *list;
	size_t nr;
	int error;
};

static void collect(void *arg, const struct finding *f)
{
	struct findings *fs = arg;
	struct finding *p = realloc(fs->list, (fs->nr + 1) * sizeof(*p));

	if (!p) {
		fs->error = 1;
		return;
	}
	fs->list = p;
	fs->list[fs->nr++] = *f;
}

/* In time order (what the recording cannot decide first), then by event and rule. */
static int by_time(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	uint64_t ex = x->nr_events ? x->events[0] : 0, ey = y->nr_events ? y->events[0] : 0;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (ex != ey)
		return ex < ey ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static void list_rules(void)
{
	for (size_t i = 0; i < check_nr_rules; i++)
		printf("%-20s %-8s %s\n", check_rules[i].id,
		       check_severity_name(check_rules[i].severity), check_rules[i].title);
}

static int check_file(const char *path, const struct check_options *opts, struct findings *fs)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	struct check_coverage *cov = calloc(1, sizeof(*cov));
	struct key_frame *frames = NULL;
	size_t nr_frames = 0;
	struct checker k;
	const void *rec;
	size_t len;
	int ret = -1;

	if (!t || !cov)
		goto out;
	if (trace_in_open(t, path)) {
		cli_error(2, "%s", t->error);
		trace_in_close(t);
		goto out;
	}
	check_coverage_from_meta(cov, trace_in_meta(t));
	nr_frames = key_frames_from_meta(trace_in_meta(t), &frames);
	if (checker_init(&k, &t->registry, &t->format,
			 platform_by_machine(tracefile_meta_get_string(trace_in_meta(t), "machine")),
			 cov, opts, collect, fs)) {
		cli_error(2, "out of memory");
	} else {
		checker_set_key_frames(&k, frames, nr_frames);
		while ((ret = trace_in_next(t, &rec, &len)) > 0)
			checker_event(&k, rec, len);
		if (!ret)
			ret = trace_in_end(t);
		if (ret < 0)
			cli_error(2, "%s: %s", path, t->error);
		else
			checker_end(&k);
	}
	checker_free(&k);
	if (!ret && trace_in_warning(t))
		cli_warning("%s: %s", path, trace_in_warning(t));
	trace_in_close(t);
out:
	free(frames);
	free(t);
	free(cov);
	return ret || fs->error ? -1 : 0;
}

/* A rate a second: "1000" or "1000/s". */
static int parse_rate(const char *arg, const char *option, uint64_t *rate)
{
	char *end = NULL;
	unsigned long long n;

	errno = 0;
	n = isdigit((unsigned char)arg[0]) ? strtoull(arg, &end, 10) : 0;
	if (!n || errno || (*end && strcmp(end, "/s")))
		return cli_error(2, "%s: a count a second of 1 or more (1000 or 1000/s)", option);
	*rate = n;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_options opts = check_default_options;
	struct check_live_args live = { .fail_on = CHECK_WARNING };
	enum check_severity fail_on = CHECK_WARNING;
	struct findings fs = { 0 };
	unsigned long long ms, n;
	int c, json = 0, status = 0, ret;
	struct input_file in;
	bool is_live = false, live_only = false;
	struct cli_parser p;

	cli_parse_begin(&p, &cmd_check_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case OPT_LIVE: is_live = true; break;
		case 'p':
			if (live.nr_pids == CHECK_LIVE_MAX_PIDS)
				return cli_error(2, "at most %d --pid", CHECK_LIVE_MAX_PIDS);
			if (parse_pid("--pid", optarg, &live.pids[live.nr_pids]) ||
			    require_process("--pid", live.pids[live.nr_pids], 2))
				return 2;
			live.nr_pids++;
			live_only = true;
			break;
		case 'd':
			if (parse_duration_ms("--duration", optarg, &ms))
				return 2;
			live.duration_ms = ms;
			live_only = true;
			break;
		case 'j': json = 1; break;
		case 'f':
			if (check_severity_parse(optarg, &fail_on))
				return cli_error(2, "--fail-on: info, warning or error, not '%s'",
						 optarg);
			break;
		case OPT_ERRNO_LOOP:
			if (parse_uint("--errno-loop", optarg, 2, UINT_MAX, &n))
				return 2;
			opts.errno_loop = (unsigned)n;
			break;
		case OPT_STUCK_AFTER:
			if (parse_duration_ms("--stuck-after", optarg, &ms))
				return 2;
			opts.stuck_ns = ms * 1000000ull;
			break;
		case OPT_MASKED_RATE:
		case OPT_STORM_RATE:
			if (parse_rate(optarg, c == OPT_MASKED_RATE ? "--masked-rate" : "--storm-rate",
				       c == OPT_MASKED_RATE ? &opts.masked_rate : &opts.storm_rate))
				return 2;
			break;
		case 'l': list_rules(); return 0;
		case 'h': cli_print_help(&cmd_check_cli); return 0;
		default: return 2;
		}
	}
	if (is_live) {
		if (optind != argc)
			return cli_error(2, "--live checks this host, not a recording");
		live.json = json;
		live.fail_on = fail_on;
		return check_live(&live, &opts);
	}
	if (live_only)
		return cli_error(2, "--pid and --duration are for --live");
	if (optind != argc - 1)
		return cli_error(2, "one recording, please (kvmirq check FILE)");
	if (input_file_open(&in, argv[optind], 2))
		return 2;
	ret = check_file(in.path, &opts, &fs);
	input_file_close(&in);
	if (ret) {
		free(fs.list);
		return 2;
	}
	if (fs.nr)
		qsort(fs.list, fs.nr, sizeof(*fs.list), by_time);
	for (size_t i = 0; i < fs.nr; i++) {
		if (json)
			finding_print_json(&fs.list[i], stdout);
		else
			finding_print_text(&fs.list[i], stdout);
		if (fs.list[i].severity >= fail_on)
			status = 1;
	}
	free(fs.list);
	return status;
}
