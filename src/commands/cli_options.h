/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One table of options per command, from which come its --help, getopt's
 * long options and option string, and the bash completion
 * (commands/completion.c): an option added to the table is in all three.
 */
#ifndef KVMIRQ_CLI_OPTIONS_H
#define KVMIRQ_CLI_OPTIONS_H

#include <getopt.h>

/* What an option's argument, or a command's operand, is: how it completes. */
enum cli_value {
	CLI_NONE,	 /* no argument */
	CLI_TEXT,	 /* a number, a name, a note: nothing to complete */
	CLI_DURATION,	 /* 10s, 500ms: nothing to complete */
	CLI_RECORDING,	 /* a .kvmirq file */
	CLI_SNAPSHOT,	 /* a .kvmsnap file */
	CLI_STATE_FILE,	 /* a snapshot or a recording */
	CLI_PID,	 /* any process */
	CLI_VMM_PID,	 /* a process that holds /dev/kvm */
	CLI_VM,		 /* PID or PID:FD of a VM */
	CLI_WORDS,	 /* one of .words */
	CLI_EVENT_KINDS, /* a comma-separated list of event kinds */
};

/* Options without a short letter take keys from here on. */
#define CLI_LONG_ONLY 256

struct cli_option {
	const char *name;  /* the long option, without "--" */
	int key;	   /* getopt's value: the short letter, or CLI_LONG_ONLY + n */
	const char *arg;   /* the argument's name in --help; NULL: none */
	const char *help;  /* --help's text; '\n' begins a continued line */
	enum cli_value value;
	const char *words; /* CLI_WORDS: the choices, separated by spaces */
};

struct cli_spec {
	const char *synopsis;		  /* --help's text before "Options:" */
	const struct cli_option *options; /* ends with a row without a name */
	const char *epilogue;		  /* --help's text after the options */
	enum cli_value operands;	  /* what the arguments after the options are */
	const char *operand_words;	  /* CLI_WORDS: the choices */
};

#define CLI_MAX_OPTIONS 32

struct cli_parser {
	const struct cli_spec *spec;
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char optstring[3 * CLI_MAX_OPTIONS + 2];
};

/*
 * Prepare to parse ARGV (ARGV[0] is the command's name) by SPEC. --json is
 * looked for first, so that an error in any option before it is already
 * reported as JSON (commands/cli_messages.h).
 */
void cli_parse_begin(struct cli_parser *p, const struct cli_spec *spec, int argc, char **argv);
/* The next option's key (optarg holds its argument), -1 after the last,
 * or '?' once a bad option has been reported (exit status 2). */
int cli_parse_next(struct cli_parser *p, int argc, char **argv);

void cli_print_help(const struct cli_spec *spec);

#endif
