// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands/cli_messages.h"
#include "util/json.h"

static const char *command; /* NULL: kvmirq itself, before a command */
static bool json;
static struct {
	const char *real, *shown;
} aliases[4];

void cli_messages_begin(const char *name, bool as_json)
{
	command = name;
	json = as_json;
}

bool cli_json(void)
{
	return json;
}

void cli_messages_alias(const char *real, const char *shown)
{
	size_t i, free_slot = sizeof(aliases) / sizeof(aliases[0]);

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (aliases[i].real && !strcmp(aliases[i].real, real)) {
			aliases[i].shown = shown;
			aliases[i].real = shown ? real : NULL;
			return;
		}
		if (!aliases[i].real && free_slot == sizeof(aliases) / sizeof(aliases[0]))
			free_slot = i;
	}
	if (shown && free_slot < sizeof(aliases) / sizeof(aliases[0]))
		aliases[free_slot].real = real, aliases[free_slot].shown = shown;
}

/* TEXT with every alias's real name replaced by the name shown, into OUT. */
static void unalias(const char *text, char *out, size_t len)
{
	size_t o = 0;

	while (*text && o + 1 < len) {
		size_t i, n = 0;

		for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
			n = aliases[i].real ? strlen(aliases[i].real) : 0;
			if (n && !strncmp(text, aliases[i].real, n))
				break;
		}
		if (i < sizeof(aliases) / sizeof(aliases[0])) {
			o += (size_t)snprintf(out + o, len - o, "%s", aliases[i].shown);
			if (o >= len)
				o = len - 1;
			text += n;
		} else {
			out[o++] = *text++;
		}
	}
	out[o] = '\0';
}

/* KEY is "error", "warning" or "notice"; STATUS < 0: no exit status (not an error). */
static void say(const char *key, int status, const char *fmt, va_list ap)
{
	char raw[1024], text[1024];
	struct json j;

	/* after what was printed so far, never inside one of its lines */
	fflush(stdout);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	unalias(raw, text, sizeof(text));
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
