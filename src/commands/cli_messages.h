/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a command says on stderr, errors, warnings and notices, in one place: as
 * "kvmirq COMMAND: message" lines, or under --json as one JSON object each
 * ({"error":..., "command":..., "exit":...}), so that a script reading
 * JSON never meets a line of text.
 */
#ifndef KVMIRQ_CLI_MESSAGES_H
#define KVMIRQ_CLI_MESSAGES_H

#include <stdbool.h>

/* The running command's name, and whether it was given --json. */
void cli_messages_begin(const char *command, bool json);
bool cli_json(void);

/*
 * Messages that name REAL name SHOWN instead (a pipe read into an in-memory
 * file: commands/input_file.h); SHOWN NULL forgets REAL. Both must outlive
 * the alias. A few at once (diff has two operands).
 */
void cli_messages_alias(const char *real, const char *shown);

/* Prints the error and returns STATUS, the exit status it leads to. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What a long-running command is doing ("recording to ...; Ctrl-C to stop"). */
void cli_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
