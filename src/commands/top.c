// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq top: interrupt activity per VM, refreshed like top. Live from the
 * in-kernel counters, or replayed from a recording with -i; full screen, or
 * frames printed one after another with -b (text) or --json.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "top/frame_filter.h"
#include "top/live.h"
#include "top/print.h"
#include "top/replay.h"
#include "ui/top_ui.h"
#include "util/stop.h"

enum { OPT_VM = CLI_LONG_ONLY, OPT_CHIP, OPT_SPEED };

static const struct cli_option options[] = {
	{ .name = "input", .key = 'i', .arg = "FILE",
	  .help = "replay this recording (kvmirq record) instead of live", .value = CLI_RECORDING },
	{ .name = "batch", .key = 'b', .help = "print frames as text instead of the full screen" },
	{ .name = "iterations", .key = 'n', .arg = "N",
	  .help = "stop after N frames (batch; a replay also stops at its end)", .value = CLI_TEXT },
	{ .name = "delay", .key = 'd', .arg = "SECONDS",
	  .help = "between frames (default 1); a batch replay moves this much\n"
		  "recording time per frame, so its frames are repeatable",
	  .value = CLI_TEXT },
	{ .name = "json", .key = 'j', .help = "print frames as JSON Lines (implies --batch)" },
	{ .name = "vm", .key = OPT_VM, .arg = "ID",
	  .help = "also this VM in detail (JSON: only its rows); on screen,\n"
		  "start on it; live, batch: its controllers are read\n"
		  "by ptrace before each frame (the VMM stops meanwhile)",
	  .value = CLI_TEXT },
	{ .name = "chip", .key = OPT_CHIP, .arg = "N",
	  .help = "batch, with --vm: also that VM's controller [N],\n"
		  "every register decoded, changes marked with *",
	  .value = CLI_TEXT },
	{ .name = "pid", .key = 'p', .arg = "PID", .help = "only the VMs of this process",
	  .value = CLI_VMM_PID },
	{ .name = "speed", .key = OPT_SPEED, .arg = "X",
	  .help = "replay at X times real time (default 1; 0: start paused)", .value = CLI_TEXT },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_top_cli = {
	.synopsis = "Usage: kvmirq top [OPTIONS]\n"
		    "\n"
		    "Interrupt activity per VM, like top: line changes, MSIs, injections, EOIs and\n"
		    "controller-state reads and writes per second; per VM its GSIs, MSIs, vCPUs,\n"
		    "routing and irqfds; per controller its decoded registers. Live from counters\n"
		    "in the kernel (root, BPF), or replayed from a recording with -i.\n",
	.options = options,
	.epilogue = "Keys on screen: h help, q quit, Enter open, Esc back, s sort, / filter, f the\n"
		    "findings of kvmirq check's rules (the FIND column counts them), space pause,\n"
		    "n/p step, g go to a time, +/- speed.\n"
		    "\n"
		    "Exit status: 0 on success, 1 when the source cannot be opened or read (no BPF,\n"
		    "not root, live --pid naming no process, a damaged recording) or the terminal\n"
		    "cannot be used, 2 on bad usage.\n",
};

struct top_options {
	const char *input;
	bool batch, json;
	unsigned long iterations; /* 0: until the end or Ctrl-C */
	double delay_s, speed;
	uint32_t vm, pid;
	unsigned chip;
};

/* The largest --delay and --speed: a delay of 11 days still fits a timespec. */
#define TOP_NUMBER_MAX 1e6

static int parse_number(const char *what, const char *s, double min, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end || !(*out >= min && *out <= TOP_NUMBER_MAX))
		return cli_error(2, "bad %s '%s' (%g to %g)", what, s, min, TOP_NUMBER_MAX);
	return 0;
}

static int parse_args(int argc, char **argv, struct top_options *o)
{
	struct cli_parser p;
	unsigned long long n;
	double v;
	int c;

	cli_parse_begin(&p, &cmd_top_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'i': o->input = optarg; break;
		case 'b': o->batch = true; break;
		case 'j': o->json = o->batch = true; break;
		case 'n':
			if (parse_uint("--iterations", optarg, 1, ULONG_MAX, &n))
				return 2;
			o->iterations = (unsigned long)n;
			break;
		case 'd':
			if (parse_number("delay", optarg, 0, &v))
				return 2;
			if (v < 1e-6)
				return cli_error(2, "the delay must be above 0");
			o->delay_s = v;
			break;
		case OPT_VM:
			if (parse_uint("--vm", optarg, 1, UINT32_MAX, &n))
				return 2;
			o->vm = (uint32_t)n;
			break;
		case OPT_CHIP:
			if (parse_uint("--chip", optarg, 1, 1000, &n))
				return 2;
			o->chip = (unsigned)n;
			break;
		case 'p':
			if (parse_pid("--pid", optarg, &o->pid))
				return 2;
			break;
		case OPT_SPEED:
			if (parse_number("speed", optarg, 0, &v))
				return 2;
			o->speed = v;
			break;
		case 'h': cli_print_help(&cmd_top_cli); exit(0);
		default: return 2;
		}
	}
	if (optind != argc)
		return cli_error(2, "unexpected argument '%s' (a recording goes after -i)",
				 argv[optind]);
	if (o->chip && (!o->vm || !o->batch))
		return cli_error(2, "--chip prints a controller of the --vm in batch (-b, -j); on "
				    "screen its number opens it");
	return 0;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR && !stop_requested())
		;
}

/* One frame from the source, filtered and printed. */
static int print_one(struct top_source *src, struct top_frame *f, const struct top_options *o,
		     struct top_chip_values *chip)
{
	struct top_print_options po = {
		.json = o->json, .vm = o->vm, .chip = o->chip, .chip_values = chip,
	};
	int ret = src->ops->refresh(src->ctx, f);

	top_frame_keep_pid(f, o->pid);
	top_print_frame(f, &po, stdout);
	fflush(stdout);
	if (ret)
		cli_error(1, "%s", f->status[0] ? f->status : strerror(-ret));
	return ret;
}

/* Replay frames at the start + D, + 2D, ...: the same frames on every run. */
static int batch_replay(struct top_source *src, const struct top_options *o)
{
	struct top_frame f = { 0 };
	struct top_chip_values chip = { 0 };
	uint64_t step_ns = (uint64_t)llround(o->delay_s * 1e9), start;
	int ret = src->ops->refresh(src->ctx, &f); /* where the recording starts */

	start = f.replay.start_ns;
	for (unsigned long i = 1;
	     !ret && !stop_requested() && (!o->iterations || i <= o->iterations); i++) {
		ret = src->ops->seek(src->ctx, start + i * step_ns);
		if (!ret)
			ret = print_one(src, &f, o, &chip);
		if (f.replay.event >= f.replay.nr_events && f.replay.clock_ns >= f.replay.end_ns)
			break; /* the recording's end ends the batch */
	}
	top_chip_values_free(&chip);
	top_frame_clear(&f);
	return ret ? 1 : 0;
}

/* Live frames: the first read only starts the rates (and finds the VMs). With
 * --vm, that VM's controllers are read before each frame: batch has no key
 * that would ask for them. */
static int batch_live(struct top_source *src, const struct top_options *o)
{
	struct top_frame f = { 0 };
	struct top_chip_values chip = { 0 };
	int ret = src->ops->refresh(src->ctx, &f), err;

	for (unsigned long i = 1;
	     !ret && !stop_requested() && (!o->iterations || i <= o->iterations); i++) {
		sleep_s(o->delay_s);
		err = o->vm ? src->ops->snapshot(src->ctx, o->vm) : 0;
		if (err)
			cli_warning("reading the controllers of VM %u: %s", o->vm,
				    err == -ENOENT ? "no such VM" : strerror(-err));
		ret = print_one(src, &f, o, &chip);
	}
	top_chip_values_free(&chip);
	if (ret && !f.status[0])
		cli_error(1, "%s", strerror(-ret));
	top_frame_clear(&f);
	return ret ? 1 : 0;
}

static int open_source(struct top_source *src, const struct top_options *o,
		       const struct input_file *in, char *warning, size_t warnlen)
{
	struct top_live_options lo = { .pid = (pid_t)o->pid, .snapshots = !o->batch || o->vm };
	char err[512] = "";
	int ret;

	if (o->input) {
		ret = top_replay_open(src, in->path, warning, warnlen, err, sizeof(err));
		if (!ret)
			top_replay_set_name(src, o->input);
	} else {
		ret = top_live_open(src, &lo, err, sizeof(err));
	}
	if (ret)
		return cli_error(1, "%s%s", err[0] ? err : strerror(-ret),
				 o->input ? "" : " (kvmirq top -i demo/x86-testvmm.kvmirq replays a "
						 "recording instead)");
	if (o->input) {
		src->ops->set_speed(src->ctx, o->speed > 0 ? o->speed : 1);
		src->ops->set_paused(src->ctx, o->batch || o->speed == 0);
	}
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_options o = { .delay_s = 1, .speed = 1 };
	struct top_ui_options uo;
	struct top_source src;
	struct input_file in = { .fd = -1 };
	char warning[512] = "";
	int ret = parse_args(argc, argv, &o);

	if (ret)
		return ret;
	/* live: the process must run; a replay's --pid is a process of the recording */
	if (!o.input && o.pid && require_process("--pid", o.pid, 1))
		return 1;
	if (!o.batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
		return cli_error(2, "not a terminal: -b prints frames instead");
	if (o.input && input_file_open(&in, o.input, 1))
		return 1;
	if (open_source(&src, &o, &in, warning, sizeof(warning))) {
		input_file_close(&in);
		return 1;
	}
	stop_on_signals();
	if (o.batch) {
		ret = o.input ? batch_replay(&src, &o) : batch_live(&src, &o);
	} else {
		uo = (struct top_ui_options){ .delay_s = o.delay_s, .vm = o.vm, .pid = o.pid };
		ret = top_ui_run(&src, &uo);
	}
	src.ops->close(src.ctx);
	/* after the screen is gone; the replay's status line says it meanwhile */
	if (warning[0])
		cli_warning("%s: %s", o.input, warning);
	input_file_close(&in);
	return ret;
}
