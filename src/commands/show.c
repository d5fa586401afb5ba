// SPDX-License-Identifier: GPL-2.0
/* kvmirq show: a snapshot's controllers, decoded field by field. */
#include <stdio.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "model/state_load.h"
#include "report/state_print.h"

static const struct cli_option options[] = {
	{ .name = "at", .key = 'a', .arg = "TIME",
	  .help = "recordings: the state at TIME (end, SECONDS after the\n"
		  "first event, or @NS of CLOCK_MONOTONIC); default end",
	  .value = CLI_WORDS, .words = "end" },
	{ .name = "chip", .key = 'c', .arg = "NAME",
	  .help = "only this controller (x86-ioapic, ioapic, lapic, mpic)", .value = CLI_TEXT },
	{ .name = "skip-zero", .key = 'z', .help = "leave out registers whose fields are all zero" },
	{ .name = "json", .key = 'j', .help = "JSON Lines: one object per controller" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_show_cli = {
	.synopsis = "Usage: kvmirq show [OPTIONS] FILE\n"
		    "\n"
		    "Print the interrupt-controller state a snapshot holds, decoded into named\n"
		    "fields: one line per register, or one JSON object per controller. FILE may\n"
		    "also be a recording: its state is reconstructed from the state the VMM read\n"
		    "or wrote and the events since, and what the trace could not show is '?'.\n",
	.options = options,
	.epilogue = "Exit status: 0 on success, 2 on bad usage (--chip naming no controller of\n"
		    "the file included) or when the file cannot be read.\n",
	.operands = CLI_STATE_FILE,
};

int cmd_show(int argc, char **argv)
{
	struct state_print_options o = { 0 };
	struct state_time at = { STATE_AT_END };
	struct snapshot s;
	struct cli_parser p;
	char err[512];
	int c;

	cli_parse_begin(&p, &cmd_show_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'a':
			if (parse_time(optarg, &at))
				return 2;
			break;
		case 'c':
			o.chip = optarg;
			break;
		case 'z':
			o.skip_zero = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			cli_print_help(&cmd_show_cli);
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1)
		return cli_error(2, "give one snapshot or recording (see --help)");
	if (state_load(argv[optind], &at, &s, err, sizeof(err)))
		return cli_error(2, "%s", err);
	if (o.chip && !state_print_has_chip(&s, o.chip)) {
		cli_error(2, "--chip: %s holds no controller '%s'", argv[optind], o.chip);
		snapshot_free(&s);
		return 2;
	}
	if (!o.json)
		state_print_origin(&s, argv[optind], stdout);
	state_print(&s, &o, stdout);
	if (s.warning[0])
		cli_warning("%s: %s", argv[optind], s.warning);
	snapshot_free(&s);
	return 0;
}
