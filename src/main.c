// SPDX-License-Identifier: GPL-2.0
/* kvmirq: trace and debug the interrupt controllers that KVM emulates. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "kvmirq/event.h"

static int completion(int argc, char **argv);

const struct command command_table[] = {
	{ "probe", "show what this kernel supports and how kvmirq attaches", cmd_probe,
	  &cmd_probe_cli },
	{ "record", "record interrupt events and KVM ioctls into a trace file", cmd_record,
	  &cmd_record_cli },
	{ "report", "summarise a trace file, or print its timeline", cmd_report,
	  &cmd_report_cli },
	{ "stat", "count interrupt events per kind, in the kernel", cmd_stat, &cmd_stat_cli },
	{ "exporter", "serve the in-kernel counters to Prometheus", cmd_exporter,
	  &cmd_exporter_cli },
	{ "snapshot", "read the interrupt-controller state of a running VMM", cmd_snapshot,
	  &cmd_snapshot_cli },
	{ "show", "decode the interrupt-controller state a snapshot holds", cmd_show,
	  &cmd_show_cli },
	{ "diff", "compare two snapshots field by field", cmd_diff, &cmd_diff_cli },
	{ "check", "find broken interrupt API rules and interrupt bugs in a recording",
	  cmd_check, &cmd_check_cli },
	{ "top", "interrupt activity per VM, live or replayed, like top", cmd_top,
	  &cmd_top_cli },
	{ "export", "write a recording as a Perfetto or Chrome trace", cmd_export,
	  &cmd_export_cli },
	{ "completion", "print the bash completion script", completion, &cmd_completion_cli },
	{ NULL, NULL, NULL, NULL },
};

/* The completion is made from the whole table. */
static int completion(int argc, char **argv)
{
	return cmd_completion(command_table, argc, argv);
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: kvmirq COMMAND [OPTIONS]\n\n"
		     "Trace and debug the interrupt controllers that KVM emulates in the kernel.\n\n"
		     "Commands:\n");
	for (const struct command *c = command_table; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\nkvmirq COMMAND --help (or kvmirq help COMMAND) shows a command's options.\n"
		     "kvmirq --version shows the version.\n");
}

/* kvmirq help COMMAND: the command's --help. */
static int help(const char *name, bool extra)
{
	cli_messages_begin("help", false);
	if (extra)
		return cli_error(2, "help takes one command");
	for (const struct command *c = command_table; c->name; c++)
		if (!strcmp(name, c->name)) {
			cli_print_help(c->cli);
			return 0;
		}
	return cli_error(2, "unknown command '%s' (kvmirq --help lists them)", name);
}

/*
 * Output lost to a full disk or a closed standard output is an error, not a
 * silent 0 (as coreutils' close_stdout): run at exit, whichever way the
 * command ends. A reader that went away (EPIPE: | head) is not news.
 */
static void close_stdout(void)
{
	bool failed = ferror(stdout);
	int e = 0;

	if (fflush(stdout)) {
		failed = true;
		e = errno;
	}
	if (!failed || e == EPIPE)
		return;
	if (e)
		cli_error(1, "standard output: %s: what was printed is incomplete", strerror(e));
	else
		cli_error(1, "standard output: a write failed: what was printed is incomplete");
	_exit(1);
}

int main(int argc, char **argv)
{
	atexit(close_stdout);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") && argc > 2)
		return help(argv[2], argc > 3);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kvmirq %s (event schema %d)\n", KVMIRQ_VERSION, KVMIRQ_SCHEMA_VERSION);
		return 0;
	}
	/* a file size limit (ulimit -f) is a write error (EFBIG) the writer
	 * reports and cleans up after, not a signal that kills it half way */
	signal(SIGXFSZ, SIG_IGN);
	for (const struct command *c = command_table; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			cli_messages_begin(NULL, true);
	cli_error(2, "unknown command '%s'", argv[1]);
	if (!cli_json())
		usage(stderr);
	return 2;
}
