// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/cli_messages.h"
#include "commands/cli_options.h"

/* --help's column of option texts */
#define HELP_COLUMN 24

static const struct cli_option *by_key(const struct cli_spec *spec, int key)
{
	for (const struct cli_option *o = spec->options; o->name; o++)
		if (o->key == key)
			return o;
	return NULL;
}

void cli_parse_begin(struct cli_parser *p, const struct cli_spec *spec, int argc, char **argv)
{
	const struct cli_option *json = NULL;
	char *s = p->optstring;
	size_t n = 0;
	bool as_json = false;
	char **copy;
	int c;

	p->spec = spec;
	*s++ = ':'; /* a missing argument returns ':', apart from an unknown option */
	for (const struct cli_option *o = spec->options; o->name && n < CLI_MAX_OPTIONS; o++) {
		p->longopts[n++] = (struct option){ o->name, o->arg ? required_argument : no_argument,
						    NULL, o->key };
		if (o->key < CLI_LONG_ONLY) {
			*s++ = (char)o->key;
			if (o->arg)
				*s++ = ':';
		}
		if (!strcmp(o->name, "json"))
			json = o;
	}
	*s = '\0';
	p->longopts[n] = (struct option){ 0 };
	opterr = 0;
	/* On a copy: getopt moves the operands, and would parse the moved argv
	 * differently the second time (after an option missing its argument). */
	copy = json ? malloc((size_t)(argc + 1) * sizeof(*copy)) : NULL;
	if (copy) {
		memcpy(copy, argv, (size_t)(argc + 1) * sizeof(*copy));
		optind = 0; /* 0, not 1: getopt starts afresh */
		while ((c = getopt_long(argc, copy, p->optstring, p->longopts, NULL)) != -1)
			as_json |= c == json->key;
		free(copy);
	}
	optind = 0;
	cli_messages_begin(argv[0], as_json);
}

int cli_parse_next(struct cli_parser *p, int argc, char **argv)
{
	int c = getopt_long(argc, argv, p->optstring, p->longopts, NULL);
	const struct cli_option *o = c == '?' || c == ':' ? by_key(p->spec, optopt) : NULL;

	if (c == ':')
		cli_error(2, "option --%s needs an argument", o ? o->name : "?");
	else if (c == '?' && o)
		cli_error(2, "option --%s takes no argument", o->name);
	else if (c == '?' && optopt)
		cli_error(2, "unknown option '-%c' (see --help)", optopt);
	else if (c == '?')
		cli_error(2, "unknown option '%s' (see --help)", argv[optind - 1]);
	return c == ':' ? '?' : c;
}

void cli_print_help(const struct cli_spec *spec)
{
	printf("%s\nOptions:\n", spec->synopsis);
	for (const struct cli_option *o = spec->options; o->name; o++) {
		char left[64];
		const char *line = o->help, *end;

		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->key < CLI_LONG_ONLY ? '-' : ' ',
			 o->key < CLI_LONG_ONLY ? o->key : ' ', o->key < CLI_LONG_ONLY ? ',' : ' ',
			 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-*s ", HELP_COLUMN - 3, left);
		while ((end = strchr(line, '\n'))) {
			printf("%.*s\n%*s", (int)(end - line), line, HELP_COLUMN, "");
			line = end + 1;
		}
		printf("%s\n", line);
	}
	printf("\n%s", spec->epilogue);
}
