// SPDX-License-Identifier: GPL-2.0
/* kvmirq show: a snapshot's controllers, decoded field by field. */
#include <getopt.h>
#include <stdio.h>

#include "commands/commands.h"
#include "report/state_print.h"

void cmd_show_usage(void)
{
	printf("Usage: kvmirq show [OPTIONS] SNAPSHOT\n"
	       "\n"
	       "Print the interrupt-controller state a snapshot holds, decoded into named\n"
	       "fields: one line per register, or one JSON object per controller.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --chip NAME       only this controller (x86-ioapic, IOAPIC, LAPIC, ...)\n"
	       "  -z, --skip-zero       leave out registers whose fields are all zero\n"
	       "  -j, --json            JSON Lines: one object per controller\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Exit status: 0 on success, 2 when the file cannot be read.\n");
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chip", required_argument, NULL, 'c' }, { "skip-zero", no_argument, NULL, 'z' },
		{ "json", no_argument, NULL, 'j' },	  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct state_print_options o = { 0 };
	struct snapshot s;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "c:zjh", longopts, NULL)) != -1) {
		switch (c) {
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
		fprintf(stderr, "kvmirq show: give one snapshot file (see --help)\n");
		return 2;
	}
	if (snapshot_read(&s, argv[optind], err, sizeof(err))) {
		fprintf(stderr, "kvmirq show: %s\n", err);
		return 2;
	}
	if (!o.json)
		state_print_origin(&s, argv[optind], stdout);
	state_print(&s, &o, stdout);
	snapshot_free(&s);
	return 0;
}
