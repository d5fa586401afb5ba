// SPDX-License-Identifier: GPL-2.0
/* kvmirq show: a snapshot's controllers, decoded field by field. */
#include <getopt.h>
#include <stdio.h>

#include "commands/commands.h"
#include "model/state_load.h"
#include "report/state_print.h"

void cmd_show_usage(void)
{
	printf("Usage: kvmirq show [OPTIONS] FILE\n"
	       "\n"
	       "Print the interrupt-controller state a snapshot holds, decoded into named\n"
	       "fields: one line per register, or one JSON object per controller. FILE may\n"
	       "also be a recording: its state is reconstructed from the state the VMM read\n"
	       "or wrote and the events since, and what the trace could not show is '?'.\n"
	       "\n"
	       "Options:\n"
	       "  -a, --at TIME         recordings: the state at TIME (end, SECONDS after the\n"
	       "                        first event, or @NS of CLOCK_MONOTONIC); default end\n"
	       "  -c, --chip NAME       only this controller (x86-ioapic, ioapic, lapic, mpic)\n"
	       "  -z, --skip-zero       leave out registers whose fields are all zero\n"
	       "  -j, --json            JSON Lines: one object per controller\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Exit status: 0 on success, 2 when the file cannot be read.\n");
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 'a' },	  { "chip", required_argument, NULL, 'c' },
		{ "skip-zero", no_argument, NULL, 'z' },
		{ "json", no_argument, NULL, 'j' },	  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct state_print_options o = { 0 };
	struct state_time at = { STATE_AT_END };
	struct snapshot s;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "a:c:zjh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (state_time_parse(optarg, &at))
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
			cmd_show_usage();
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "kvmirq show: give one snapshot or recording (see --help)\n");
		return 2;
	}
	if (state_load(argv[optind], &at, &s, err, sizeof(err))) {
		fprintf(stderr, "kvmirq show: %s\n", err);
		return 2;
	}
	if (!o.json)
		state_print_origin(&s, argv[optind], stdout);
	state_print(&s, &o, stdout);
	if (s.warning[0])
		fprintf(stderr, "kvmirq show: warning: %s: %s\n", argv[optind], s.warning);
	snapshot_free(&s);
	return 0;
}
