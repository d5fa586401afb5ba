/* SPDX-License-Identifier: GPL-2.0 */
/* kvmirq's commands: one file each, dispatched by name from main.c. */
#ifndef KVMIRQ_COMMANDS_H
#define KVMIRQ_COMMANDS_H

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(void); /* prints the command's --help text to stdout */
};

int cmd_probe(int argc, char **argv);
void cmd_probe_usage(void);
int cmd_record(int argc, char **argv);
void cmd_record_usage(void);
int cmd_report(int argc, char **argv);
void cmd_report_usage(void);
int cmd_stat(int argc, char **argv);
void cmd_stat_usage(void);

int cmd_show(int argc, char **argv);
void cmd_show_usage(void);
int cmd_diff(int argc, char **argv);
void cmd_diff_usage(void);

int cmd_snapshot(int argc, char **argv);
void cmd_snapshot_usage(void);

int cmd_check(int argc, char **argv);
void cmd_check_usage(void);

int cmd_top(int argc, char **argv);
void cmd_top_usage(void);

int cmd_export(int argc, char **argv);
void cmd_export_usage(void);

extern const struct command command_table[];

#endif
