// SPDX-License-Identifier: GPL-2.0
/* kvmirq show: a snapshot's controllers, decoded field by field. */
#include <stdio.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "commands/state_damage.h"
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
	.epilogue = "A recording cut short is read up to its last whole chunk, with a warning; a\n"
		    "snapshot cut short is damaged: what it holds is printed, then an error.\n"
		    "FILE may be a pipe (cat FILE | kvmirq show /dev/stdin).\n"
		    "\n"
		    "Exit status: 0 on success, 2 on bad usage (--chip naming no controller of\n"
		    "the file included), when the file cannot be read or holds nothing readable,\n"
		    "or is a snapshot cut short.\n",
	.operands = CLI_STATE_FILE,
};

int cmd_show(int argc, char **argv)
{
	struct state_print_options o = { 0 };
	struct state_time at = { STATE_AT_END };
	struct snapshot s;
	struct input_file in;
	struct cli_parser p;
	char err[512];
	int c, ret;

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
	if (input_file_open(&in, argv[optind], 2))
		return 2;
	if (state_load(in.path, &at, &s, err, sizeof(err))) {
		ret = cli_error(2, "%s", err);
		input_file_close(&in);
		return ret;
	}
	input_file_close(&in);
	if (o.chip && !state_print_has_chip(&s, o.chip)) {
		cli_error(2, "--chip: %s holds no controller '%s'", argv[optind], o.chip);
		snapshot_free(&s);
		return 2;
	}
	if (!o.json)
		state_print_origin(&s, argv[optind], stdout);
	state_print(&s, &o, stdout);
	if (s.why_empty[0] && !o.json)
		printf("%s\n", s.why_empty);
	else if (s.why_empty[0])
		cli_notice("%s: %s", argv[optind], s.why_empty);
	ret = say_state_damage(argv[optind], &s, 2);
	snapshot_free(&s);
	return ret;
}
