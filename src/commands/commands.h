/* SPDX-License-Identifier: GPL-2.0 */
/* kvmirq's commands: one file each, dispatched by name from main.c. */
#ifndef KVMIRQ_COMMANDS_H
#define KVMIRQ_COMMANDS_H

#include "commands/cli_options.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	const struct cli_spec *cli; /* its options: --help, getopt, completion */
};

int cmd_probe(int argc, char **argv);
extern const struct cli_spec cmd_probe_cli;
int cmd_record(int argc, char **argv);
extern const struct cli_spec cmd_record_cli;
int cmd_report(int argc, char **argv);
extern const struct cli_spec cmd_report_cli;
int cmd_stat(int argc, char **argv);
extern const struct cli_spec cmd_stat_cli;
int cmd_exporter(int argc, char **argv);
extern const struct cli_spec cmd_exporter_cli;

int cmd_show(int argc, char **argv);
extern const struct cli_spec cmd_show_cli;
int cmd_diff(int argc, char **argv);
extern const struct cli_spec cmd_diff_cli;

int cmd_snapshot(int argc, char **argv);
extern const struct cli_spec cmd_snapshot_cli;

int cmd_check(int argc, char **argv);
extern const struct cli_spec cmd_check_cli;

int cmd_top(int argc, char **argv);
extern const struct cli_spec cmd_top_cli;

/* kvmirq completion bash: the script that completes TABLE's commands. */
int cmd_completion(const struct command *table, int argc, char **argv);
extern const struct cli_spec cmd_completion_cli;

int cmd_export(int argc, char **argv);
extern const struct cli_spec cmd_export_cli;

extern const struct command command_table[];

#endif
