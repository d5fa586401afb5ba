// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq snapshot --pid PID: read every register of every in-kernel
 * interrupt controller of a running VMM that did not cooperate. KVM answers
 * only its owner's ioctls, so the VMM is stopped with ptrace, the GET
 * ioctls run inside it, and everything touched is put back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "model/state_load.h"
#include "snapshot/snapshot.h"
#include "util/atomic_file.h"
#include "util/json.h"
#include "vmm/take_pid.h"

enum { OPT_ITS_SAVE_TABLES = CLI_LONG_ONLY, OPT_FORCE };

static const struct cli_option options[] = {
	{ .name = "pid", .key = 'p', .arg = "PID",
	  .help = "the VMM process (needs root or CAP_SYS_PTRACE)", .value = CLI_VMM_PID },
	{ .name = "from", .key = 'f', .arg = "FILE", .help = "reconstruct from this recording instead",
	  .value = CLI_RECORDING },
	{ .name = "at", .key = 'a', .arg = "TIME",
	  .help = "with --from: at TIME (end, SECONDS after the first\n"
		  "event, or @NS of CLOCK_MONOTONIC); default end",
	  .value = CLI_WORDS, .words = "end" },
	{ .name = "output", .key = 'o', .arg = "FILE",
	  .help = "write the snapshot here; an existing FILE is\n"
		  "refused",
	  .value = CLI_SNAPSHOT },
	{ .name = "force", .key = OPT_FORCE,
	  .help = "replace an existing FILE (a regular file, or a\n"
		  "symbolic link itself, never its target)" },
	{ .name = "its-save-tables", .key = OPT_ITS_SAVE_TABLES,
	  .help = "with --pid: first have KVM save each ITS's tables\n"
		  "into the guest's memory (a command: it writes guest\n"
		  "RAM; see the man page); never done otherwise" },
	{ .name = "json", .key = 'j', .help = "say what was saved as one JSON object on stdout" },
	{ .name = "quiet", .key = 'q', .help = "print nothing on success" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_snapshot_cli = {
	.synopsis = "Usage: kvmirq snapshot --pid PID -o FILE [OPTIONS]\n"
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
		    "kvmirq show), routing table and irqfds included, and saved as a snapshot.\n",
	.options = options,
	.epilogue = "The output file is written whole or not at all: beside FILE, then renamed.\n"
		    "An existing FILE is refused unless --force (checked before the VMM is\n"
		    "stopped), and a directory, FIFO or device always.\n"
		    "\n"
		    "Exit status: 0 on success, 1 when the VMM cannot be snapshotted (not a KVM\n"
		    "VMM, already traced, no permission), the recording cannot be read\n"
		    "(damaged, nothing readable) or FILE cannot be written (it exists), 2 on\n"
		    "bad usage.\n",
};

/* What was saved, the same keys either way (null where they do not apply). */
static void print_json(const struct snapshot *s, const char *out, const char *from)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "file", out);
	json_kv_string(&j, "method", s->method);
	json_kv_string(&j, "from", from);
	if (from) {
		json_kv_string(&j, "pid", NULL);
		json_kv_string(&j, "process", NULL);
	} else {
		json_kv_uint(&j, "pid", s->pid);
		json_kv_string(&j, "process", s->process_name);
	}
	json_kv_uint(&j, "controllers", s->nr_chips);
	json_kv_uint(&j, "routing_tables", s->nr_routing);
	json_kv_uint(&j, "reads", s->reads);
	json_kv_uint(&j, "failed_reads", s->failed_reads);
	json_kv_uint(&j, "stopped_ns", s->stopped_ns);
	json_kv_bool(&j, "its_tables_saved", s->its_tables_saved);
	json_object_end(&j);
	json_newline(&j);
}

static int save_reconstruction(const char *from, const struct state_time *at, const char *out,
			       bool force, int quiet)
{
	struct input_file in;
	struct snapshot s;
	char err[512];
	int ret;

	if (input_file_open(&in, from, 1))
		return 1;
	ret = state_load(in.path, at, &s, err, sizeof(err));
	if (!ret && strcmp(s.method, "recorded")) {
		snprintf(err, sizeof(err), "%s is a snapshot already", from);
		snapshot_free(&s);
		ret = -EINVAL;
	}
	if (!ret && s.warning[0])
		cli_warning("%s: %s", from, s.warning);
	if (!ret && s.why_empty[0])
		cli_warning("%s: %s", from, s.why_empty);
	if (!ret) {
		ret = snapshot_write(&s, out, force, err, sizeof(err));
		if (!ret && cli_json())
			print_json(&s, out, from);
		else if (!ret && !quiet)
			fprintf(stderr, "kvmirq: %s: %zu controllers and %zu routing tables "
					"reconstructed to %s\n",
				from, s.nr_chips, s.nr_routing, out);
		snapshot_free(&s);
	}
	ret = ret ? cli_error(1, "%s", err) : 0;
	input_file_close(&in);
	return ret;
}

int cmd_snapshot(int argc, char **argv)
{
	struct state_time at = { STATE_AT_END };
	const char *out = NULL, *from = NULL;
	struct snapshot s;
	char err[512] = "";
	unsigned int pid = 0;
	unsigned flags = 0;
	struct cli_parser p;
	int c, quiet = 0, ret;
	bool force = false;

	cli_parse_begin(&p, &cmd_snapshot_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'a':
			if (parse_time(optarg, &at))
				return 2;
			break;
		case 'p':
			if (parse_pid("--pid", optarg, &pid))
				return 2;
			break;
		case 'o':
			if (parse_file_name("--output", optarg, &out))
				return 2;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'j':
			break; /* cli_json() */
		case OPT_ITS_SAVE_TABLES:
			flags |= TAKE_PID_ITS_SAVE_TABLES;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case 'h':
			cli_print_help(&cmd_snapshot_cli);
			return 0;
		default:
			return 2;
		}
	}
	if (!pid == !from || !out || optind != argc || (from && flags))
		return cli_error(2, "give --pid PID or --from RECORDING, and -o FILE; "
				    "--its-save-tables only with --pid (see --help)");
	/* before the VMM is stopped or the recording read: a refused FILE costs nothing */
	ret = output_check(out, force);
	if (ret) {
		output_error(err, sizeof(err), out, ret);
		return cli_error(1, "%s", err);
	}
	if (from)
		return save_reconstruction(from, &at, out, force, quiet);
	ret = snapshot_take_pid(&s, (pid_t)pid, flags, err, sizeof(err));
	if (!ret)
		ret = snapshot_write(&s, out, force, err, sizeof(err));
	if (ret)
		cli_error(1, "pid %u: %s", pid, err);
	else if (cli_json())
		print_json(&s, out, NULL);
	else if (!quiet)
		fprintf(stderr,
			"kvmirq: pid %u (%s): %zu controllers, %llu reads (%llu failed); VMM stopped "
			"%.3f ms%s\n",
			pid, s.process_name, s.nr_chips, (unsigned long long)s.reads,
			(unsigned long long)s.failed_reads, (double)s.stopped_ns / 1e6,
			s.its_tables_saved ? "; ITS tables saved into guest memory first" : "");
	snapshot_free(&s);
	return ret ? 1 : 0;
}
