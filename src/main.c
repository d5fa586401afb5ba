// SPDX-License-Identifier: GPL-2.0
/* kvmirq: trace and debug the interrupt controllers that KVM emulates. */
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "kvmirq/event.h"

const struct command command_table[] = {
	{ "probe", "show what this kernel supports and how kvmirq attaches", cmd_probe,
	  cmd_probe_usage },
	{ "record", "record interrupt events and KVM ioctls into a trace file", cmd_record,
	  cmd_record_usage },
	{ "report", "summarise a trace file, or print its timeline", cmd_report,
	  cmd_report_usage },
	{ "stat", "count interrupt events per kind, in the kernel", cmd_stat, cmd_stat_usage },
	{ "snapshot", "read the interrupt-controller state of a running VMM", cmd_snapshot,
	  cmd_snapshot_usage },
	{ "show", "decode the interrupt-controller state a snapshot holds", cmd_show,
	  cmd_show_usage },
	{ "diff", "compare two snapshots field by field", cmd_diff, cmd_diff_usage },
	{ "check", "find broken interrupt API rules and interrupt bugs in a recording",
	  cmd_check, cmd_check_usage },
	{ "top", "interrupt activity per VM, live or replayed, like top", cmd_top,
	  cmd_top_usage },
	{ "export", "write a recording as a Perfetto or Chrome trace", cmd_export,
	  cmd_export_usage },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: kvmirq COMMAND [OPTIONS]\n\n"
		     "Trace and debug the interrupt controllers that KVM emulates in the kernel.\n\n"
		     "Commands:\n");
	for (const struct command *c = command_table; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\nkvmirq COMMAND --help shows a command's options.\n"
		     "kvmirq --version shows the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kvmirq %s (event schema %d)\n", KVMIRQ_VERSION, KVMIRQ_SCHEMA_VERSION);
		return 0;
	}
	for (const struct command *c = command_table; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "kvmirq: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
