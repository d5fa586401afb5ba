// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "commands/cli_messages.h"
#include "util/json.h"

static const char *command; /* NULL: kvmirq itself, before a command */
static bool json;

void cli_messages_begin(const char *name, bool as_json)
{
	command = name;
	json = as_json;
}

bool cli_json(void)
{
	return json;
}

/* KEY is "error", "warning" or "notice"; STATUS < 0: no exit status (not an error). */
static void say(const char *key, int status, const char *fmt, va_list ap)
{
	char text[1024];
	struct json j;

	vsnprintf(text, sizeof(text), fmt, ap);
	if (!json) {
		fprintf(stderr, "kvmirq%s%s: %s%s\n", command ? " " : "", command ? command : "",
			key[0] == 'w' ? "warning: " : "", text);
		return;
	}
	json_init(&j, stderr);
	json_object_begin(&j);
	json_kv_string(&j, key, text);
	json_kv_string(&j, "command", command);
	if (status >= 0)
		json_kv_int(&j, "exit", status);
	json_object_end(&j);
	json_newline(&j);
}

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", status, fmt, ap);
	va_end(ap);
	return status;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning", -1, fmt, ap);
	va_end(ap);
}

void cli_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("notice", -1, fmt, ap);
	va_end(ap);
}
