// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq record: attach, drain the ring buffer into a trace file until the
 * duration ends or SIGINT/SIGTERM/SIGHUP arrives, and account for every event:
 * what the BPF side saw, what it dropped, what reached the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "commands/record_key_frames.h"
#include "kvmirq/tracefile.h"
#include "trace/live_capture.h"
#include "trace/trace_out.h"
#include "util/cpu_time.h"
#include "util/exclusive_file.h"
#include "util/json.h"
#include "util/stop.h"

/*
 * The ring absorbs bursts faster than the writer encodes and compresses:
 * in the nested rig a one-second storm of 200000 KVM_SIGNAL_MSI overran 16
 * MiB (the writer keeps about three quarters of such a rate).
 */
#define RECORD_DEFAULT_BUFFER_MIB 64
/*
 * A BPF ring buffer's size is a power of two bytes, a whole number of
 * pages, in the map's 32-bit max_entries: 1 MiB to 2 GiB, a power of two.
 */
#define RECORD_MAX_BUFFER_MIB 2048
/*
 * --flush-interval: what a killed recorder loses at most. Shorter makes
 * more, smaller chunks (a larger file, more writes); the poll loop wakes
 * every 100 ms, the shortest interval it can keep.
 */
#define RECORD_DEFAULT_FLUSH_MS 1000
#define RECORD_MIN_FLUSH_MS 100
#define RECORD_MAX_FLUSH_MS 3600000

enum { OPT_VM = CLI_LONG_ONLY, OPT_NO_KEY_FRAMES, OPT_FLUSH_INTERVAL };

static const struct cli_option options[] = {
	{ .name = "output", .key = 'o', .arg = "FILE",
	  .help = "the trace file to write (required); an existing\n"
		  "FILE is refused",
	  .value = CLI_RECORDING },
	{ .name = "force", .key = 'f',
	  .help = "replace an existing FILE (a regular file, or a\n"
		  "symbolic link itself, never its target)" },
	{ .name = "pid", .key = 'p', .arg = "PID", .help = "only this VMM process",
	  .value = CLI_VMM_PID },
	{ .name = "vm", .key = OPT_VM, .arg = "PID[:FD]",
	  .help = "only this VM: the VMM's pid and the VM's fd (as\n"
		  "/proc/PID/fd shows it); the fd may be left out when\n"
		  "the process has one VM",
	  .value = CLI_VM },
	{ .name = "events", .key = 'e', .arg = "LIST",
	  .help = "only these kinds, comma-separated: delivery, ioctl,\n"
		  "an event (set_irq, msi_set_irq, ioapic_set_irq,\n"
		  "pic_set_irq, apic_accept_irq, eoi, pv_eoi, ack_irq,\n"
		  "apic_ipi, inj_virq, ioapic_delayed_eoi_inj, irq_line,\n"
		  "vgic_update_irq_pending, booke_queue_irqprio,\n"
		  "mpic_mmio, timer_update_irq, vcpus_running) or\n"
		  "ioctl:NAME (irq_line,\n"
		  "signal_msi, irqfd, set_gsi_routing, ...); ioctl\n"
		  "includes vcpus_running (threads in KVM_RUN)",
	  .value = CLI_EVENT_KINDS },
	{ .name = "duration", .key = 'd', .arg = "TIME",
	  .help = "stop after TIME (e.g. 10s, 500ms, 2m)", .value = CLI_DURATION },
	{ .name = "strategy", .key = 's', .arg = "NAME",
	  .help = "ioctl attach strategy: auto (default), fentry, kprobe, syscall",
	  .value = CLI_WORDS,
	  .words = STRATEGY_WORDS },
	{ .name = "time-unit", .key = 't', .arg = "UNIT",
	  .help = "resolution of the stored times and durations: us\n(default) or ns",
	  .value = CLI_WORDS, .words = "us ns" },
	{ .name = "buffer", .key = 'b', .arg = "MIB",
	  .help = "ring buffer size in MiB: a power of two from 1 to\n2048 (default 64)",
	  .value = CLI_TEXT },
	{ .name = "note", .key = 'n', .arg = "TEXT",
	  .help = "store TEXT in the file's header: how and why it was made", .value = CLI_TEXT },
	{ .name = "key-frames", .key = 'k', .arg = "TIME",
	  .help = "besides at the start, read every controller of the\n"
		  "traced VMMs again every TIME (e.g. 10s)",
	  .value = CLI_DURATION },
	{ .name = "no-key-frames", .key = OPT_NO_KEY_FRAMES,
	  .help = "do not read the VMMs' controllers at all" },
	{ .name = "flush-interval", .key = OPT_FLUSH_INTERVAL, .arg = "TIME",
	  .help = "write the buffered events to FILE every TIME, from\n"
		  "100ms to 1h (default 1s): at most what a killed\n"
		  "kvmirq loses; shorter makes more, smaller chunks",
	  .value = CLI_DURATION },
	{ .name = "json", .key = 'j', .help = "print the summary as one JSON object on stdout" },
	{ .name = "quiet", .key = 'q', .help = "print nothing but errors and drops" },
	{ .name = "verbose", .key = 'v', .help = "show libbpf's messages" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_record_cli = {
	.synopsis = "Usage: kvmirq record -o FILE [OPTIONS]\n"
		    "\n"
		    "Record KVM interrupt delivery events and the KVM ioctls that configure\n"
		    "interrupts (with their arguments, payloads and results) into FILE, until\n"
		    "the duration ends or Ctrl-C / SIGTERM / SIGHUP. Ring-buffer drops are\n"
		    "counted, printed and stored in the file.\n",
	.options = options,
	.epilogue = "Key frames: when it starts, record reads every register of every in-kernel\n"
		    "interrupt controller of the traced VMMs, stopping each for a moment with\n"
		    "ptrace as snapshot --pid does, so that show, diff and top -i know every\n"
		    "field from the start. The reads are in the recording as the VMM's GET\n"
		    "ioctls, marked as key frames; a VMM that cannot be read is named on\n"
		    "stderr and the recording goes on.\n"
		    "\n"
		    "The output file: an existing FILE is refused unless --force, and a\n"
		    "directory, FIFO or device always. The recording is written to\n"
		    "FILE.XXXXXX beside FILE and takes the name FILE as soon as its header is\n"
		    "written; it is locked (flock) while being written, and a second record to\n"
		    "the same FILE is refused, even with --force. Events are written every\n"
		    "--flush-interval: a kvmirq killed with SIGKILL leaves FILE readable up to\n"
		    "its last whole chunk, and report says its drops are unknown. A write error\n"
		    "(a full filesystem, a file size limit) before any events reached FILE\n"
		    "removes it; a later one keeps what was written and says so.\n"
		    "\n"
		    "Exit status: 0 when the recording is complete, 1 on error (the --pid\n"
		    "process does not exist, the programs could not attach, FILE exists or is\n"
		    "being recorded, the file cannot be written), 2 on bad usage, 3 when events\n"
		    "were dropped.\n",
};

struct recorder {
	struct trace_out out;
	struct live_capture live; /* live.error: a write error that ended the recording */
};

static int on_event(void *arg, const void *event, size_t len)
{
	struct recorder *r = arg;

	return trace_out_add(&r->out, event, len);
}

/* The per-kind accounting, stored in the file and printed. */
static int add_counts(struct tracefile_meta *m, const struct recorder *r,
		      const struct kvmirq_kind_counters *counters, uint64_t *dropped_total)
{
	static const struct tracefile_column columns[] = {
		{ "kind", TRACEFILE_TYPE_STRING },
		{ "recorded", TRACEFILE_TYPE_U64 },
		{ "dropped", TRACEFILE_TYPE_U64 },
	};
	struct tracefile_table *t =
		tracefile_meta_add_table(m, "event_counts", columns, 3, TRACEFILE_TABLE_REPLACE);

	if (!t)
		return -ENOMEM;
	*dropped_total = 0;
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++) {
		struct tracefile_cell cells[3] = {
			{ 0, event_kind_name(k) },
			{ r->live.received[k], NULL },
			{ counters[k].dropped, NULL },
		};

		if (!event_layout(k))
			continue;
		*dropped_total += counters[k].dropped;
		if (tracefile_table_add_row(t, cells))
			return -ENOMEM;
	}
	tracefile_meta_set_u64(m, "dropped_events", *dropped_total);
	tracefile_meta_set_u64(m, "malformed_events", r->live.malformed);
	return 0;
}

/* Events written per second of the recorder's own CPU (user + system). */
static double events_per_cpu_s(const struct recorder *r, struct cpu_time cpu)
{
	double s = cpu.user_s + cpu.system_s;

	return s > 0 ? (double)r->out.events / s : 0.0;
}

static void print_summary_text(const struct recorder *r, const char *path,
			       const struct kvmirq_kind_counters *counters, uint64_t size, double secs,
			       struct cpu_time cpu)
{
	double eps = events_per_cpu_s(r, cpu);

	fprintf(stderr, "kvmirq: %llu events in %.1f s to %s (%llu bytes, %.2f bytes/event)\n",
		(unsigned long long)r->out.events, secs, path, (unsigned long long)size,
		r->out.events ? (double)size / (double)r->out.events : 0.0);
	fprintf(stderr, "  writer CPU %.2f s user + %.2f s system (%.3f us/event)\n", cpu.user_s,
		cpu.system_s, eps > 0 ? 1e6 / eps : 0.0);
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (r->live.received[k] || counters[k].dropped)
			fprintf(stderr, "  %-24s %10llu recorded %8llu dropped\n", event_kind_name(k),
				(unsigned long long)r->live.received[k],
				(unsigned long long)counters[k].dropped);
}

static void print_summary_json(const struct recorder *r, const char *path,
			       const struct kvmirq_kind_counters *counters, uint64_t size,
			       uint64_t dropped, double secs, struct cpu_time cpu)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "file", path);
	json_kv_uint(&j, "events", r->out.events);
	json_key(&j, "seconds");
	json_double(&j, secs);
	json_kv_uint(&j, "bytes", size);
	json_kv_uint(&j, "dropped", dropped);
	json_kv_uint(&j, "malformed", r->live.malformed);
	json_key(&j, "cpu_user_s");
	json_double(&j, cpu.user_s);
	json_key(&j, "cpu_system_s");
	json_double(&j, cpu.system_s);
	json_key(&j, "events_per_cpu_s");
	json_double(&j, events_per_cpu_s(r, cpu));
	json_key(&j, "kinds");
	json_object_begin(&j);
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++) {
		if (!r->live.received[k] && !counters[k].dropped)
			continue;
		json_key(&j, event_kind_name(k));
		json_object_begin(&j);
		json_kv_uint(&j, "recorded", r->live.received[k]);
		json_kv_uint(&j, "dropped", counters[k].dropped);
		json_object_end(&j);
	}
	json_object_end(&j);
	json_object_end(&j);
	json_newline(&j);
}

static void print_summary(const struct recorder *r, const char *path, bool json, bool quiet,
			  const struct kvmirq_kind_counters *counters, uint64_t dropped, double secs,
			  struct cpu_time cpu)
{
	struct stat st;
	uint64_t size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;

	if (json)
		print_summary_json(r, path, counters, size, dropped, secs, cpu);
	else if (!quiet || dropped || r->live.malformed)
		print_summary_text(r, path, counters, size, secs, cpu);
	if (dropped)
		cli_warning("%llu events were DROPPED (ring buffer full): use a larger --buffer",
			    (unsigned long long)dropped);
	if (r->live.malformed)
		cli_warning("%llu malformed records were discarded",
			    (unsigned long long)r->live.malformed);
}

struct record_args {
	struct capture_options capture;
	const char *output;
	unsigned long long duration_ms;
	unsigned long long time_unit_ns;
	const char *note;
	bool json;
	bool quiet;
	bool no_key_frames;
	bool force;
	unsigned long long key_frame_ms; /* 0: at the start only */
	unsigned long long flush_ms;
};

static int parse_args(int argc, char **argv, struct record_args *a)
{
	struct cli_parser p;
	unsigned long long mib;
	int c;

	a->time_unit_ns = 1000;
	a->flush_ms = RECORD_DEFAULT_FLUSH_MS;
	cli_parse_begin(&p, &cmd_record_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			if (parse_file_name("--output", optarg, &a->output))
				return 2;
			break;
		case 'p':
			if (parse_pid("--pid", optarg, &a->capture.pid))
				return 2;
			break;
		case OPT_VM:
			if (parse_vm(optarg, a->capture.vm))
				return 2;
			break;
		case 'e':
			if (parse_kinds(optarg, &a->capture.kinds, &a->capture.ioctl_kinds))
				return 2;
			break;
		case 'd':
			if (parse_duration_ms("--duration", optarg, &a->duration_ms))
				return 2;
			break;
		case 's':
			if (parse_strategy(optarg, &a->capture.strategy))
				return 2;
			break;
		case 't':
			if (!strcmp(optarg, "us"))
				a->time_unit_ns = 1000;
			else if (!strcmp(optarg, "ns"))
				a->time_unit_ns = 1;
			else
				return cli_error(2, "--time-unit is us or ns");
			break;
		case 'b':
			if (parse_uint("--buffer", optarg, 1, RECORD_MAX_BUFFER_MIB, &mib))
				return 2;
			if (mib & (mib - 1))
				return cli_error(2, "--buffer: %llu MiB is not a power of two", mib);
			a->capture.ringbuf_mib = (unsigned int)mib;
			break;
		case 'n': a->note = optarg; break;
		case 'k':
			if (parse_duration_ms("--key-frames", optarg, &a->key_frame_ms))
				return 2;
			break;
		case OPT_NO_KEY_FRAMES: a->no_key_frames = true; break;
		case 'f': a->force = true; break;
		case OPT_FLUSH_INTERVAL:
			if (parse_duration_ms("--flush-interval", optarg, &a->flush_ms))
				return 2;
			if (a->flush_ms < RECORD_MIN_FLUSH_MS || a->flush_ms > RECORD_MAX_FLUSH_MS)
				return cli_error(2, "--flush-interval: '%s' is not from 100ms to 1h",
						 optarg);
			break;
		case 'j': a->json = true; break;
		case 'q': a->quiet = true; break;
		case 'v': a->capture.verbose = true; break;
		case 'h': cli_print_help(&cmd_record_cli); exit(0);
		default: return 2;
		}
	}
	if (optind != argc)
		return cli_error(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!a->output)
		return cli_error(2, "-o FILE is required");
	if (a->capture.pid && require_process("--pid", a->capture.pid, 1))
		return 1;
	if (!a->capture.ringbuf_mib)
		a->capture.ringbuf_mib = RECORD_DEFAULT_BUFFER_MIB;
	return 0;
}

/* The traced VMMs: --pid's, --vm's ("PID-FD"), or every one. */
static void take_key_frames(struct recorder *r, const struct record_args *a)
{
	pid_t only = a->capture.pid ? (pid_t)a->capture.pid : (pid_t)atoi(a->capture.vm);
	int ret = record_key_frames(&r->out, only, a->time_unit_ns, a->quiet || a->json);

	if (ret < 0 && !r->live.error)
		r->live.error = ret;
}

struct record_tick {
	struct recorder *r;
	const struct record_args *a;
	uint64_t last_flush, last_key_frame;
};

/* Key frames every -k TIME, and the file flushed every --flush-interval. */
static int tick(void *arg, uint64_t now)
{
	struct record_tick *t = arg;

	if (!t->a->no_key_frames && t->a->key_frame_ms &&
	    now - t->last_key_frame >= t->a->key_frame_ms) {
		take_key_frames(t->r, t->a);
		if (t->r->live.error)
			return t->r->live.error;
		t->last_key_frame = now = monotonic_ms();
	}
	if (now - t->last_flush >= t->a->flush_ms) {
		t->last_flush = now;
		return trace_out_flush(&t->r->out);
	}
	return 0;
}

/*
 * A write error ended the recording. Before any chunk reached the file it
 * holds nothing but its header: it goes, rather than stay as an empty
 * recording under FILE. After, it is readable up to its last whole chunk.
 */
static void write_failed(struct recorder *r, struct exclusive_file *file, const char *path,
			 const char *what)
{
	struct tracefile_writer_stats st = { 0 };

	if (r->out.writer)
		tracefile_writer_stats(r->out.writer, &st);
	if (!st.chunks) {
		exclusive_file_remove(file);
		cli_error(1, "%s %s: %s; nothing was recorded and the file is removed", what, path,
			  r->out.error);
		return;
	}
	cli_error(1, "%s %s: %s; the file keeps what was written before (readable up to its "
		     "last whole chunk)",
		  what, path, r->out.error);
}

/* The file, named FILE once its header is written. */
static int open_output(struct recorder *r, struct exclusive_file *file,
		       const struct tracefile_meta *header, const struct record_args *a)
{
	char err[512];

	if (trace_out_open_fd(&r->out, file->fd, a->output, header, &r->live.registry,
			      a->time_unit_ns)) {
		cli_error(1, "%s", r->out.error);
		return -1;
	}
	if (exclusive_file_publish(file, err, sizeof(err))) {
		cli_error(1, "%s", err);
		return -1;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = { 0 };
	struct kvmirq_kind_counters counters[KVMIRQ_EV_KIND_MAX];
	struct recorder *r = calloc(1, sizeof(*r));
	struct tracefile_meta *header = NULL, *final = NULL;
	const struct capture_status *st;
	struct record_tick t = { .r = r, .a = &a };
	struct exclusive_file file = { .fd = -1 };
	uint64_t dropped = 0;
	struct cpu_time cpu_start;
	char err[512];
	int ret, status = 1;

	if (!r)
		return 1;
	ret = parse_args(argc, argv, &a);
	if (ret) {
		free(r);
		return ret;
	}
	/* before anything is attached: an existing or busy FILE costs nothing */
	ret = exclusive_file_open(&file, a.output, a.force, 0644, err, sizeof(err));
	if (ret) {
		cli_error(status, "%s", err);
		free(r);
		return status;
	}
	stop_on_signals();

	ret = live_capture_open(&r->live, &a.capture, on_event, r, err, sizeof(err));
	if (ret) {
		cli_error(status, "%s", err);
		goto out;
	}
	st = capture_get_status(r->live.capture);
	header = tracefile_meta_new();
	final = tracefile_meta_new();
	if (!header || !final ||
	    live_capture_describe(header, &a.capture, st, a.time_unit_ns, a.note)) {
		cli_error(status, "out of memory");
		goto out;
	}
	if (open_output(r, &file, header, &a))
		goto out;
	if (!a.quiet)
		cli_notice("recording to %s (ioctl strategy %s); Ctrl-C to stop", a.output,
			   strategy_name(st->strategy));

	/* the writer's CPU from here: loading and attaching the programs is not per event */
	cpu_start = cpu_time_now();
	if (!a.no_key_frames)
		take_key_frames(r, &a);
	t.last_flush = t.last_key_frame = monotonic_ms();
	if (!r->live.error)
		live_capture_run(&r->live, a.duration_ms, tick, &t);
	if (r->live.ring_errno)
		cli_warning("reading the ring buffer: %s", strerror(r->live.ring_errno));
	capture_read_counters(r->live.capture, counters);
	if (r->live.error) {
		write_failed(r, &file, a.output, "writing");
		goto out;
	}
	add_counts(final, r, counters, &dropped);
	if (trace_out_close(&r->out, final)) {
		write_failed(r, &file, a.output, "closing");
		goto out;
	}
	if (exclusive_file_close(&file, err, sizeof(err))) {
		cli_error(status, "closing %s", err);
		goto out;
	}
	print_summary(r, a.output, a.json, a.quiet, counters, dropped,
		      (double)(monotonic_ms() - r->live.start_ms) / 1000.0, cpu_time_since(cpu_start));
	status = dropped ? 3 : 0;
out:
	/* a file not complete: kept once named (it reads as cut short), else removed */
	if (file.fd >= 0 && !file.published)
		exclusive_file_remove(&file);
	else if (file.fd >= 0)
		exclusive_file_close(&file, err, sizeof(err));
	live_capture_close(&r->live);
	trace_out_free(&r->out);
	tracefile_meta_free(header);
	tracefile_meta_free(final);
	free(r);
	return status;
}
