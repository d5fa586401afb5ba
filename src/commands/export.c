// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq export: a recording as a trace that Perfetto's UI and
 * chrome://tracing open (src/export).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "export/model.h"

void cmd_export_usage(void)
{
	printf("Usage: kvmirq export FILE -o OUT [--format perfetto|chrome-json]\n"
	       "\n"
	       "Write a recording as a trace for a trace viewer: ui.perfetto.dev opens both\n"
	       "formats, chrome://tracing the JSON. A process per VM, a thread per VMM thread,\n"
	       "vCPU and kernel thread; ioctls as slices with their decoded arguments, other\n"
	       "events as instants, flows from a line change or MSI to its injection,\n"
	       "acceptance and EOI, counters of line levels and event rates.\n"
	       "A file cut short is read up to its last whole chunk, with a warning.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output OUT      the trace file to write ('-': standard output)\n"
	       "  -f, --format FORMAT   perfetto (protobuf, the default) or chrome-json\n"
	       "  -h, --help            show this help\n"
	       "\n"
	       "Exit status: 0 on success, 1 when the file cannot be read or the trace\n"
	       "written, 2 on bad usage.\n");
}

static const struct export_writer *const formats[] = { &export_perfetto, &export_chrome_json };

static const struct export_writer *format_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct export_writer *writer = &export_perfetto;
	const char *path, *output = NULL;
	char warning[512], err[600];
	bool to_stdout;
	FILE *out;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'f':
			writer = format_by_name(optarg);
			if (!writer) {
				fprintf(stderr, "kvmirq export: unknown format '%s' "
						"(perfetto or chrome-json)\n", optarg);
				return 2;
			}
			break;
		case 'h': cmd_export_usage(); exit(0);
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "kvmirq export: exactly one FILE is needed\n");
		return 2;
	}
	if (!output) {
		fprintf(stderr, "kvmirq export: -o OUT is needed\n");
		return 2;
	}
	path = argv[optind];
	to_stdout = !strcmp(output, "-");
	out = to_stdout ? stdout : fopen(output, "wb");
	if (!out) {
		fprintf(stderr, "kvmirq export: %s: %m\n", output);
		return 1;
	}
	ret = export_recording(path, writer, out, warning, sizeof(warning), err, sizeof(err));
	if (!to_stdout && fclose(out) && !ret) {
		snprintf(err, sizeof(err), "%s: %m", output);
		ret = -1;
	}
	if (ret) {
		fprintf(stderr, "kvmirq export: %s\n", err);
		if (!to_stdout)
			remove(output); /* no half-written trace left behind */
		return 1;
	}
	if (warning[0])
		fprintf(stderr, "kvmirq export: warning: %s: %s\n", path, warning);
	return 0;
}
