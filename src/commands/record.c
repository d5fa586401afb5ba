// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq record: attach, drain the ring buffer into a trace file until the
 * duration ends or SIGINT/SIGTERM arrives, and account for every event:
 * what the BPF side saw, what it dropped, what reached the file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "commands/record_key_frames.h"
#include "kvmirq/tracefile.h"
#include "trace/live_capture.h"
#include "trace/trace_out.h"
#include "util/stop.h"

/*
 * The ring absorbs bursts faster than the writer encodes and compresses:
 * in the nested rig a one-second storm of 200000 KVM_SIGNAL_MSI overran 16
 * MiB (the writer keeps about three quarters of such a rate).
 */
#define RECORD_DEFAULT_BUFFER_MIB 64

void cmd_record_usage(void)
{
	printf("Usage: kvmirq record -o FILE [OPTIONS]\n"
	       "\n"
	       "Record KVM interrupt delivery events and the KVM ioctls that configure\n"
	       "interrupts (with their arguments, payloads and results) into FILE, until\n"
	       "the duration ends or Ctrl-C / SIGTERM. Ring-buffer drops are counted,\n"
	       "printed and stored in the file.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output FILE     the trace file to write (required)\n"
	       "  -p, --pid PID         only this VMM process\n"
	       "      --vm PID[:FD]     only this VM: the VMM's pid and the VM's fd (as\n"
	       "                        /proc/PID/fd shows it); the fd may be left out when\n"
	       "                        the process has one VM\n"
	       "  -e, --events LIST     only these kinds, comma-separated: delivery, ioctl,\n"
	       "                        an event (set_irq, msi_set_irq, ioapic_set_irq,\n"
	       "                        pic_set_irq, apic_accept_irq, eoi, pv_eoi, ack_irq,\n"
	       "                        apic_ipi, inj_virq, ioapic_delayed_eoi_inj, irq_line,\n"
	       "                        vgic_update_irq_pending, booke_queue_irqprio,\n"
	       "                        mpic_mmio, timer_update_irq, vcpus_running) or\n"
	       "                        ioctl:NAME (irq_line,\n"
	       "                        signal_msi, irqfd, set_gsi_routing, ...); ioctl\n"
	       "                        includes vcpus_running (threads in KVM_RUN)\n"
	       "  -d, --duration TIME   stop after TIME (e.g. 10s, 500ms, 2m)\n"
	       "  -s, --strategy NAME   ioctl attach strategy: auto (default), fentry, syscall\n"
	       "  -t, --time-unit UNIT  resolution of the stored times and durations: us\n"
	       "                        (default) or ns\n"
	       "  -b, --buffer MIB      ring buffer size in MiB (default 64)\n"
	       "  -n, --note TEXT       store TEXT in the file's header: how and why it was made\n"
	       "  -k, --key-frames TIME besides at the start, read every controller of the\n"
	       "                        traced VMMs again every TIME (e.g. 10s)\n"
	       "      --no-key-frames   do not read the VMMs' controllers at all\n"
	       "  -q, --quiet           print nothing but errors and drops\n"
	       "  -v, --verbose         show libbpf's messages\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Key frames: when it starts, record reads every register of every in-kernel\n"
	       "interrupt controller of the traced VMMs, stopping each for a moment with\n"
	       "ptrace as snapshot --pid does, so that show, diff and top -i know every\n"
	       "field from the start. The reads are in the recording as the VMM's GET\n"
	       "ioctls, marked as key frames; a VMM that cannot be read is named on\n"
	       "stderr and the recording goes on.\n"
	       "\n"
	       "Exit status: 0 when the recording is complete, 1 on error, 3 when events\n"
	       "were dropped.\n");
}

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

static void print_summary(const struct recorder *r, const char *path,
			  const struct kvmirq_kind_counters *counters, uint64_t dropped, double secs)
{
	struct stat st;
	uint64_t size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;

	fprintf(stderr, "kvmirq: %llu events in %.1f s to %s (%llu bytes, %.2f bytes/event)\n",
		(unsigned long long)r->out.events, secs, path, (unsigned long long)size,
		r->out.events ? (double)size / (double)r->out.events : 0.0);
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (r->live.received[k] || counters[k].dropped)
			fprintf(stderr, "  %-24s %10llu recorded %8llu dropped\n", event_kind_name(k),
				(unsigned long long)r->live.received[k],
				(unsigned long long)counters[k].dropped);
	if (dropped)
		fprintf(stderr, "kvmirq: WARNING: %llu events were DROPPED (ring buffer full): "
				"use a larger --buffer\n", (unsigned long long)dropped);
	if (r->live.malformed)
		fprintf(stderr, "kvmirq: WARNING: %llu malformed records were discarded\n",
			(unsigned long long)r->live.malformed);
}

struct record_args {
	struct capture_options capture;
	const char *output;
	unsigned long long duration_ms;
	unsigned long long time_unit_ns;
	const char *note;
	bool quiet;
	bool no_key_frames;
	unsigned long long key_frame_ms; /* 0: at the start only */
};

static int parse_args(int argc, char **argv, struct record_args *a)
{
	enum { OPT_VM = 256, OPT_NO_KEY_FRAMES };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "vm", required_argument, NULL, OPT_VM },
		{ "pid", required_argument, NULL, 'p' },
		{ "events", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "strategy", required_argument, NULL, 's' },
		{ "time-unit", required_argument, NULL, 't' },
		{ "buffer", required_argument, NULL, 'b' },
		{ "note", required_argument, NULL, 'n' },
		{ "key-frames", required_argument, NULL, 'k' },
		{ "no-key-frames", no_argument, NULL, OPT_NO_KEY_FRAMES },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->time_unit_ns = 1000;
	while ((c = getopt_long(argc, argv, "o:p:e:d:s:t:b:n:k:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case 'p': a->capture.pid = (unsigned int)strtoul(optarg, NULL, 10); break;
		case OPT_VM:
			if (parse_vm(optarg, a->capture.vm))
				return 2;
			break;
		case 'e':
			if (parse_kinds(optarg, &a->capture.kinds, &a->capture.ioctl_kinds))
				return 2;
			break;
		case 'd':
			if (parse_duration_ms(optarg, &a->duration_ms))
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
			else {
				fprintf(stderr, "kvmirq record: --time-unit is us or ns\n");
				return 2;
			}
			break;
		case 'b': a->capture.ringbuf_mib = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'n': a->note = optarg; break;
		case 'k':
			if (parse_duration_ms(optarg, &a->key_frame_ms))
				return 2;
			break;
		case OPT_NO_KEY_FRAMES: a->no_key_frames = true; break;
		case 'q': a->quiet = true; break;
		case 'v': a->capture.verbose = true; break;
		case 'h': cmd_record_usage(); exit(0);
		default: return 2;
		}
	}
	if (!a->output) {
		fprintf(stderr, "kvmirq record: -o FILE is required\n");
		return 2;
	}
	if (a->capture.ringbuf_mib & (a->capture.ringbuf_mib - 1)) {
		fprintf(stderr, "kvmirq record: --buffer must be a power of two\n");
		return 2;
	}
	if (!a->capture.ringbuf_mib)
		a->capture.ringbuf_mib = RECORD_DEFAULT_BUFFER_MIB;
	return 0;
}

/* The traced VMMs: --pid's, --vm's ("PID-FD"), or every one. */
static void take_key_frames(struct recorder *r, const struct record_args *a)
{
	pid_t only = a->capture.pid ? (pid_t)a->capture.pid : (pid_t)atoi(a->capture.vm);
	int ret = record_key_frames(&r->out, only, a->time_unit_ns, a->quiet);

	if (ret < 0 && !r->live.error)
		r->live.error = ret;
}

struct record_tick {
	struct recorder *r;
	const struct record_args *a;
	uint64_t last_flush, last_key_frame;
};

/* Key frames every -k TIME, and the file flushed every second. */
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
	if (now - t->last_flush >= 1000) {
		t->last_flush = now;
		return trace_out_flush(&t->r->out);
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
	uint64_t dropped = 0;
	char err[512];
	int ret, status = 1;

	if (!r)
		return 1;
	ret = parse_args(argc, argv, &a);
	if (ret) {
		free(r);
		return ret;
	}
	stop_on_signals();

	ret = live_capture_open(&r->live, &a.capture, on_event, r, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "kvmirq record: %s\n", err);
		goto out;
	}
	st = capture_get_status(r->live.capture);
	header = tracefile_meta_new();
	final = tracefile_meta_new();
	if (!header || !final ||
	    live_capture_describe(header, &a.capture, st, a.time_unit_ns, a.note)) {
		fprintf(stderr, "kvmirq record: out of memory\n");
		goto out;
	}
	if (trace_out_open(&r->out, a.output, header, &r->live.registry, a.time_unit_ns)) {
		fprintf(stderr, "kvmirq record: %s\n", r->out.error);
		goto out;
	}
	if (!a.quiet)
		fprintf(stderr, "kvmirq: recording to %s (ioctl strategy %s); Ctrl-C to stop\n",
			a.output, strategy_name(st->strategy));

	if (!a.no_key_frames)
		take_key_frames(r, &a);
	t.last_flush = t.last_key_frame = monotonic_ms();
	if (!r->live.error)
		live_capture_run(&r->live, a.duration_ms, tick, &t, "record");
	capture_read_counters(r->live.capture, counters);
	if (r->live.error) {
		fprintf(stderr, "kvmirq record: writing %s: %s\n", a.output, r->out.error);
		goto out;
	}
	add_counts(final, r, counters, &dropped);
	if (trace_out_close(&r->out, final)) {
		fprintf(stderr, "kvmirq record: closing %s: %s\n", a.output, r->out.error);
		goto out;
	}
	if (!a.quiet || dropped || r->live.malformed)
		print_summary(r, a.output, counters, dropped,
			      (double)(monotonic_ms() - r->live.start_ms) / 1000.0);
	status = dropped ? 3 : 0;
out:
	live_capture_close(&r->live);
	trace_out_free(&r->out);
	tracefile_meta_free(header);
	tracefile_meta_free(final);
	free(r);
	return status;
}
