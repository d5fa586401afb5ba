// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq export: a recording as a trace that Perfetto's UI and
 * chrome://tracing open (src/export).
 */
#include <stdio.h>
#include <string.h>

#include "commands/cli_messages.h"
#include "commands/cli_options.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "export/model.h"
#include "util/atomic_file.h"

enum { OPT_FORCE = CLI_LONG_ONLY };

static const struct cli_option options[] = {
	{ .name = "output", .key = 'o', .arg = "OUT",
	  .help = "the trace file to write ('-': standard output)", .value = CLI_TEXT },
	{ .name = "force", .key = OPT_FORCE,
	  .help = "replace an existing OUT (a regular file, or a\n"
		  "symbolic link itself, never its target)" },
	{ .name = "format", .key = 'f', .arg = "FORMAT",
	  .help = "perfetto (protobuf, the default) or chrome-json", .value = CLI_WORDS,
	  .words = "perfetto chrome-json" },
	{ .name = "json", .key = 'j', .help = "errors and warnings as JSON objects on stderr" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_export_cli = {
	.synopsis = "Usage: kvmirq export FILE -o OUT [--format perfetto|chrome-json]\n"
		    "\n"
		    "Write a recording as a trace for a trace viewer: ui.perfetto.dev opens both\n"
		    "formats, chrome://tracing the JSON. A process per VM, a thread per VMM thread,\n"
		    "vCPU and kernel thread; ioctls as slices with their decoded arguments, other\n"
		    "events as instants, flows from a line change or MSI to its injection,\n"
		    "acceptance and EOI, counters of line levels and event rates.\n"
		    "A file cut short is read up to its last whole chunk, with a warning.\n",
	.options = options,
	.epilogue = "OUT is written whole or not at all: beside OUT, then renamed. An existing\n"
		    "OUT is refused unless --force, and a directory, FIFO or device always.\n"
		    "\n"
		    "Exit status: 0 on success, 1 when the file cannot be read or the trace\n"
		    "written (OUT exists), 2 on bad usage.\n",
	.operands = CLI_RECORDING,
};

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
	const struct export_writer *writer = &export_perfetto;
	const char *path, *output = NULL;
	char warning[512], err[600];
	struct atomic_file file;
	struct input_file in;
	struct cli_parser p;
	bool to_stdout, force = false;
	int c, ret;

	cli_parse_begin(&p, &cmd_export_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			if (parse_file_name("--output", optarg, &output))
				return 2;
			break;
		case OPT_FORCE: force = true; break;
		case 'f':
			writer = format_by_name(optarg);
			if (!writer)
				return cli_error(2, "unknown format '%s' (perfetto or chrome-json)",
						 optarg);
			break;
		case 'j': break; /* cli_parse_begin has seen it */
		case 'h': cli_print_help(&cmd_export_cli); return 0;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return cli_error(2, "exactly one FILE is needed");
	if (!output)
		return cli_error(2, "-o OUT is needed");
	path = argv[optind];
	to_stdout = !strcmp(output, "-");
	/* Written beside OUT and renamed when whole: a failed export leaves an
	 * earlier OUT as it was. */
	if (!to_stdout && (ret = atomic_file_open(&file, output, 0666, force))) {
		output_error(err, sizeof(err), output, ret);
		return cli_error(1, "%s", err);
	}
	if (input_file_open(&in, path, 1)) {
		if (!to_stdout)
			atomic_file_abort(&file);
		return 1;
	}
	ret = export_recording(in.path, writer, to_stdout ? stdout : file.f, warning, sizeof(warning),
			       err, sizeof(err));
	if (to_stdout && !ret && fflush(stdout)) {
		snprintf(err, sizeof(err), "standard output: %m");
		ret = -1;
	}
	if (!to_stdout && ret)
		atomic_file_abort(&file);
	else if (!to_stdout && (ret = atomic_file_commit(&file))) {
		output_error(err, sizeof(err), output, ret);
		ret = -1;
	}
	if (ret)
		ret = cli_error(1, "%s", err);
	else if (warning[0])
		cli_warning("%s: %s", path, warning);
	input_file_close(&in);
	return ret;
}
