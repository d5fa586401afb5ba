// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq report: what a recording holds. A header (host, kernel, tool,
 * strategy, drops), a per-VM summary, and on request a filtered timeline;
 * as text or JSON Lines.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/names.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "kvmirq/tracefile.h"
#include "model/state_load.h"
#include "report/state_print.h"
#include "report/event_print.h"
#include "report/summary.h"
#include "trace/key_frames.h"
#include "trace/trace_in.h"
#include "util/json.h"

enum { OPT_VM = CLI_LONG_ONLY, OPT_FROM, OPT_TO };

static const struct cli_option options[] = {
	{ .name = "timeline", .key = 't', .help = "print the events, one per line" },
	{ .name = "json", .key = 'j',
	  .help = "JSON Lines: a recording object, one vm_summary per VM,\n"
		  "and with --timeline one event object per event" },
	{ .name = "vm", .key = OPT_VM, .arg = "N",
	  .help = "only VM N (0: events not attributed to a VM)", .value = CLI_TEXT },
	{ .name = "pid", .key = 'p', .arg = "PID", .help = "only events raised by process PID",
	  .value = CLI_TEXT },
	{ .name = "events", .key = 'e', .arg = "LIST",
	  .help = "only these kinds (as for kvmirq record --events)", .value = CLI_EVENT_KINDS },
	{ .name = "from", .key = OPT_FROM, .arg = "SECONDS",
	  .help = "only events at or after this time (from the first event)", .value = CLI_TEXT },
	{ .name = "to", .key = OPT_TO, .arg = "SECONDS", .help = "only events before this time",
	  .value = CLI_TEXT },
	{ .name = "limit", .key = 'n', .arg = "N", .help = "at most N timeline events",
	  .value = CLI_TEXT },
	{ .name = "state", .key = 's',
	  .help = "then the controllers' state, reconstructed at the end\n"
		  "(or at --to), with the routing table and irqfds" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_report_cli = {
	.synopsis = "Usage: kvmirq report FILE [OPTIONS]\n"
		    "\n"
		    "Summarise a recording made by kvmirq record: per VM, counts and rates per\n"
		    "event kind, per GSI and pin, per MSI (address and data decoded), per device\n"
		    "attribute, per ioctl with its errors. With --timeline, every event in order.\n"
		    "A file cut short is read up to its last whole chunk, with a warning.\n",
	.options = options,
	.epilogue = "Exit status: 0 on success, 1 when the file cannot be read or --vm names a VM\n"
		    "it does not have, 2 on bad usage.\n",
	.operands = CLI_RECORDING,
};

struct report_filter {
	long long vm; /* -1: all */
	unsigned int pid;
	unsigned long long kinds, ioctls;
	double from, to;
	unsigned long long limit;
};

static bool filter_pass(const struct report_filter *f, const struct kvmirq_event_header *h,
			uint64_t base_ns)
{
	double t = (double)(int64_t)(h->timestamp_ns - base_ns) / 1e9;

	if (f->vm >= 0 && h->vm != (uint64_t)f->vm)
		return false;
	if (f->pid && h->pid != f->pid)
		return false;
	if (f->kinds && !(f->kinds & (1ULL << h->kind)))
		return false;
	if (f->ioctls && h->kind == KVMIRQ_EV_IOCTL &&
	    !(f->ioctls & (1ULL << ((const struct kvmirq_ev_ioctl *)(h + 1))->ioctl_id)))
		return false;
	return t >= f->from && t < f->to;
}

static uint64_t meta_u64(const struct tracefile_meta *m, const char *key)
{
	uint64_t v = 0;

	tracefile_meta_get_u64(m, key, &v);
	return v;
}

static const char *meta_str(const struct tracefile_meta *m, const char *key)
{
	const char *s = tracefile_meta_get_string(m, key);

	return s ? s : "?";
}

#define KEY_FRAMES_LISTED 8

/* The key frames (trace/key_frames.h): when, of which VMM, how long it stopped. */
static void print_key_frames_text(const struct key_frame *k, size_t n, uint64_t base_ns)
{
	if (!n)
		return;
	printf("  key frames: %zu (the VMMs' controllers read by kvmirq; marked in the timeline)\n", n);
	for (size_t i = 0; i < n && i < KEY_FRAMES_LISTED; i++) {
		double t = (double)(int64_t)(k[i].begin_ns - base_ns) / 1e9;

		if (k[i].error[0])
			printf("    %10.6f s  pid %u: not read: %s\n", t, k[i].pid, k[i].error);
		else
			printf("    %10.6f s  pid %u: %llu controllers, %llu reads (%llu failed), "
			       "VMM stopped %.3f ms\n",
			       t, k[i].pid, (unsigned long long)k[i].controllers,
			       (unsigned long long)k[i].reads, (unsigned long long)k[i].failed_reads,
			       (double)k[i].stopped_ns / 1e6);
	}
	if (n > KEY_FRAMES_LISTED)
		printf("    ... %zu more\n", n - KEY_FRAMES_LISTED);
}

static void print_key_frames_json(struct json *j, const struct key_frame *k, size_t n)
{
	json_key(j, "key_frames");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(j);
		json_kv_uint(j, "pid", k[i].pid);
		json_kv_uint(j, "begin_ns", k[i].begin_ns);
		json_kv_uint(j, "end_ns", k[i].end_ns);
		json_kv_uint(j, "stopped_ns", k[i].stopped_ns);
		json_kv_uint(j, "controllers", k[i].controllers);
		json_kv_uint(j, "reads", k[i].reads);
		json_kv_uint(j, "failed_reads", k[i].failed_reads);
		json_kv_string(j, "error", k[i].error[0] ? k[i].error : NULL);
		json_object_end(j);
	}
	json_array_end(j);
}

static void print_header(const struct trace_in *t, const char *path, const struct summary *s,
			 const struct event_printer *p, bool json)
{
	const struct tracefile_meta *m = trace_in_meta(t);
	double secs = (double)(s->last_ns - s->first_ns) / 1e9;
	uint64_t dropped = 0;
	/* a recording without its final counts (killed) cannot know its drops */
	bool dropped_known = !tracefile_meta_get_u64(m, "dropped_events", &dropped);
	char dropped_text[48];
	const char *warning = trace_in_warning(t);
	struct json j;

	if (!json) {
		printf("kvmirq recording %s\n", path);
		printf("  host %s, kernel %s (%s), kvmirq %s, event schema %llu\n",
		       meta_str(m, "host"), meta_str(m, "kernel_release"), meta_str(m, "machine"),
		       meta_str(m, "tool_version"), (unsigned long long)meta_u64(m, "schema_version"));
		if (tracefile_meta_get_string(m, "note"))
			printf("  note: %s\n", tracefile_meta_get_string(m, "note"));
		if (dropped_known)
			snprintf(dropped_text, sizeof(dropped_text), "%llu dropped",
				 (unsigned long long)dropped);
		else
			snprintf(dropped_text, sizeof(dropped_text),
				 "dropped: unknown (no final counts)");
		printf("  ioctl strategy %s; %llu events over %.3f s; %s\n", meta_str(m, "strategy"),
		       (unsigned long long)s->events, secs, dropped_text);
		if (dropped)
			printf("  WARNING: %llu events were dropped while recording: counts are low\n",
			       (unsigned long long)dropped);
		if (warning)
			printf("  WARNING: %s\n", warning);
		print_key_frames_text(p->key_frames, p->nr_key_frames, s->first_ns);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "type", "recording");
	json_kv_string(&j, "file", path);
	json_kv_string(&j, "host", meta_str(m, "host"));
	json_kv_string(&j, "kernel", meta_str(m, "kernel_release"));
	json_kv_string(&j, "machine", meta_str(m, "machine"));
	json_kv_string(&j, "byte_order", t->format.big_endian ? "big" : "little");
	json_kv_uint(&j, "word_size", t->format.word_size);
	json_kv_string(&j, "tool_version", meta_str(m, "tool_version"));
	json_kv_uint(&j, "schema_version", meta_u64(m, "schema_version"));
	json_kv_string(&j, "strategy", meta_str(m, "strategy"));
	json_kv_uint(&j, "events", s->events);
	json_key(&j, "seconds");
	json_double(&j, secs);
	if (dropped_known)
		json_kv_uint(&j, "dropped", dropped);
	else {
		json_key(&j, "dropped");
		json_null(&j);
	}
	json_kv_string(&j, "warning", warning);
	print_key_frames_json(&j, p->key_frames, p->nr_key_frames);
	json_object_end(&j);
	json_newline(&j);
}

/* The controllers as the recording leaves them (at --to): model/reconstruct.h. */
static int print_state(const char *path, const struct report_filter *f, bool json)
{
	struct state_time at = { f->to < 1e300 ? STATE_AT_OFFSET : STATE_AT_END };
	struct state_print_options o = { .json = json };
	struct snapshot s;
	char err[512];

	if (f->to < 1e300)
		at.ns = f->to > 0 ? (uint64_t)(f->to * 1e9) : 0;
	if (state_load(path, &at, &s, err, sizeof(err))) {
		return cli_error(1, "%s", err);
	}
	if (!json)
		printf("\nController state reconstructed from the recording ('?': not known):\n");
	state_print(&s, &o, stdout);
	snapshot_free(&s);
	return 0;
}

static int parse_args(int argc, char **argv, struct report_filter *f, bool *json,
		      bool *timeline, bool *state, const char **path)
{
	struct cli_parser p;
	unsigned long long n;
	int c;

	cli_parse_begin(&p, &cmd_report_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 't': *timeline = true; break;
		case 's': *state = true; break;
		case 'j': *json = true; break;
		case OPT_VM:
			if (parse_uint("--vm", optarg, 0, UINT32_MAX, &n))
				return 2;
			f->vm = (long long)n;
			break;
		case 'p':
			/* a process of the recording: it need not run now */
			if (parse_pid("--pid", optarg, &f->pid))
				return 2;
			break;
		case 'e':
			if (parse_kinds(optarg, &f->kinds, &f->ioctls))
				return 2;
			break;
		case OPT_FROM:
			if (parse_seconds("--from", optarg, &f->from))
				return 2;
			break;
		case OPT_TO:
			if (parse_seconds("--to", optarg, &f->to))
				return 2;
			break;
		case 'n':
			if (parse_uint("--limit", optarg, 0, ULLONG_MAX, &f->limit))
				return 2;
			break;
		case 'h': cli_print_help(&cmd_report_cli); exit(0);
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return cli_error(2, "exactly one FILE is needed");
	if (f->to <= f->from)
		return cli_error(2, "--to %g is not after --from %g: no event could pass", f->to,
				 f->from);
	*path = argv[optind];
	return 0;
}

/* --vm N of a VM the recording does not have: said, rather than 0 events. */
static int check_vm_filter(const struct report_filter *f, const struct trace_in *t,
			   const char *path)
{
	unsigned int n = t->registry.nr_vms;

	if (f->vm <= (long long)n)
		return 0;
	if (!n)
		return cli_error(1, "--vm %lld: %s names no VM (--vm 0: the events of no VM)",
				 f->vm, path);
	if (n == 1)
		return cli_error(1, "--vm %lld: %s names only VM 1 (--vm 0: the events of no VM)",
				 f->vm, path);
	return cli_error(1, "--vm %lld: %s names VMs 1 to %u (--vm 0: the events of no VM)",
			 f->vm, path, n);
}

int cmd_report(int argc, char **argv)
{
	struct report_filter f = { .vm = -1, .to = 1e300, .limit = ~0ULL };
	struct trace_in *t = calloc(1, sizeof(*t));
	struct event_printer printer;
	struct key_frame *key_frames = NULL;
	struct summary s;
	bool json = false, timeline = false, state = false;
	const char *path = NULL;
	struct input_file in;
	unsigned long long shown = 0;
	uint64_t last_ns = 0;
	double span; /* seconds from the first event to the last */
	const void *rec;
	size_t len;
	int ret, status = 1;

	if (!t)
		return 1;
	ret = parse_args(argc, argv, &f, &json, &timeline, &state, &path);
	if (ret) {
		free(t);
		return ret;
	}
	if (input_file_open(&in, path, 1)) {
		free(t);
		return 1;
	}
	if (trace_in_open(t, in.path)) {
		cli_error(1, "%s", t->error);
		input_file_close(&in);
		trace_in_close(t);
		free(t);
		return 1;
	}
	if (check_vm_filter(&f, t, path)) {
		input_file_close(&in);
		trace_in_close(t);
		free(t);
		return 1;
	}
	if (summary_init(&s, t->registry.nr_vms, &t->format)) {
		cli_error(1, "out of memory");
		trace_in_close(t);
		free(t);
		return 1;
	}
	/* The first event's time is the origin of relative times. */
	event_printer_init(&printer, stdout, json, 0, &t->registry, &t->format);
	printer.nr_key_frames = key_frames_from_meta(trace_in_meta(t), &key_frames);
	printer.key_frames = key_frames;
	if (timeline && !json)
		printf("%12s %-6s %-7s %13s event\n", "time (s)", "vm", "vcpu", "pid/tid");
	while ((ret = trace_in_next(t, &rec, &len)) > 0) {
		const struct kvmirq_event_header *h = rec;

		if (!s.events && !printer.base_ns)
			printer.base_ns = h->timestamp_ns;
		last_ns = h->timestamp_ns;
		if (!filter_pass(&f, h, printer.base_ns))
			continue;
		summary_add(&s, rec);
		if (timeline && shown < f.limit) {
			event_printer_add(&printer, rec, len);
			if (h->kind != KVMIRQ_EV_IOCTL_PAYLOAD)
				shown++;
		}
	}
	event_printer_flush(&printer);
	if (!ret)
		ret = trace_in_end(t);
	if (ret < 0) {
		cli_error(status, "%s: %s", path, t->error);
		goto out;
	}
	if (timeline && !json)
		putchar('\n');
	print_header(t, path, &s, &printer, json);
	if (json)
		summary_print_json(&s, &t->registry, stdout);
	else
		summary_print_text(&s, &t->registry, stdout);
	if (trace_in_warning(t))
		cli_warning("%s: %s", path, trace_in_warning(t));
	span = (double)(last_ns - printer.base_ns) / 1e9;
	if (f.from > 0 && printer.base_ns && span < f.from)
		cli_warning("%s: --from %g is past the last event (%.6f s after the first)", path,
			    f.from, span);
	status = state ? print_state(in.path, &f, json) : 0;
out:
	input_file_close(&in);
	event_printer_free(&printer);
	free(key_frames);
	summary_free(&s);
	trace_in_close(t);
	free(t);
	return status;
}
