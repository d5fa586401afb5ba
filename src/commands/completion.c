// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq completion bash: a bash completion script made from the commands'
 * option tables (commands/cli_options.h), the same tables as their --help,
 * so that the two cannot drift apart (tests/docs/check-completion.sh).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "codec/names.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"

static const struct cli_option options[] = {
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_completion_cli = {
	.synopsis = "Usage: kvmirq completion bash\n"
		    "\n"
		    "Print a bash completion script for kvmirq: its commands, each command's\n"
		    "options, and their arguments (recordings, snapshots, VMM pids, VMs, event\n"
		    "kinds, strategies). Load it with\n"
		    "  source <(kvmirq completion bash)\n"
		    "or install it as share/bash-completion/completions/kvmirq.\n",
	.options = options,
	.epilogue = "Exit status: 0 on success, 2 on bad usage.\n",
	.operands = CLI_WORDS,
	.operand_words = "bash",
};

/* The script's names of enum cli_value, for _kvmirq_value. */
static const char *const value_names[] = {
	[CLI_NONE] = "none",		[CLI_TEXT] = "text",	       [CLI_DURATION] = "text",
	[CLI_RECORDING] = "recording", [CLI_SNAPSHOT] = "snapshot", [CLI_STATE_FILE] = "state-file",
	[CLI_PID] = "pid",		[CLI_VMM_PID] = "vmm-pid",    [CLI_VM] = "vm",
	[CLI_WORDS] = "words",		[CLI_EVENT_KINDS] = "event-kinds",
};

/* What does not depend on the tables: completing each kind of value. */
static const char script_helpers[] =
	"# Directories and the files that end in .EXT, for each EXT given.\n"
	"_kvmirq_files() {\n"
	"\tlocal IFS=$'\\n' ext\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n"
	"\tfor ext; do COMPREPLY+=($(compgen -f -X \"!*.$ext\" -- \"$cur\")); done\n"
	"}\n"
	"\n"
	"# KIND [WORDS]: the values of that kind that begin with $cur.\n"
	"_kvmirq_value() {\n"
	"\tlocal w=\n"
	"\tcase $1 in\n"
	"\trecording) _kvmirq_files kvmirq; return ;;\n"
	"\tsnapshot) _kvmirq_files kvmsnap; return ;;\n"
	"\tstate-file) _kvmirq_files kvmsnap kvmirq; return ;;\n"
	"\tpid) w=$(cd /proc && printf '%s\\n' [0-9]*) ;;\n"
	"\tvmm-pid) # the processes that hold /dev/kvm open\n"
	"\t\tw=$(find /proc/[0-9]*/fd -maxdepth 1 -lname /dev/kvm 2>/dev/null | cut -d/ -f3) ;;\n"
	"\tvm) # PID and PID:FD of every VM fd\n"
	"\t\tw=$(find /proc/[0-9]*/fd -maxdepth 1 -lname anon_inode:kvm-vm 2>/dev/null |\n"
	"\t\t\tawk -F/ '{ print $3; print $3 \":\" $5 }') ;;\n"
	"\twords) w=$2 ;;\n"
	"\tevent-kinds) # a comma-separated list: complete its last item\n"
	"\t\tlocal before=\n"
	"\t\t[[ $cur == *,* ]] && before=${cur%,*},\n"
	"\t\tCOMPREPLY=($(compgen -P \"$before\" -W \"$_kvmirq_event_kinds\" -- \"${cur##*,}\"))\n"
	"\t\treturn ;;\n"
	"\tesac\n"
	"\tCOMPREPLY=($(compgen -W \"$w\" -- \"$cur\"))\n"
	"}\n"
	"\n"
	"_kvmirq() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} cword=$COMP_CWORD prev\n"
	"\tlocal opts= kind= words= operands=none operand_words=\n"
	"\tCOMPREPLY=()\n"
	"\t# bash breaks words at ':' (ioctl:irq_line, PID:FD): join them again\n"
	"\twhile ((cword > 2)); do\n"
	"\t\tif [[ $cur == :* ]]; then cur=${COMP_WORDS[cword - 1]}$cur\n"
	"\t\telif [[ ${COMP_WORDS[cword - 1]} == : ]]; then cur=:$cur\n"
	"\t\telse break; fi\n"
	"\t\t((cword--))\n"
	"\tdone\n"
	"\tprev=${COMP_WORDS[cword - 1]}\n"
	"\t# and at '=' (--events=ioctl)\n"
	"\tif [[ $cur == = ]]; then cur=\n"
	"\telif [[ $prev == = ]]; then prev=${COMP_WORDS[cword - 2]}; fi\n";

static const char script_end[] =
	"\tif [[ -n $kind ]]; then _kvmirq_value \"$kind\" \"$words\"\n"
	"\telif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	"\telse _kvmirq_value \"$operands\" \"$operand_words\"; fi\n"
	"\t# bash replaces only what follows the last ':'\n"
	"\tif [[ $cur == *:* ]]; then\n"
	"\t\tlocal colon=${cur%\"${cur##*:}\"}\n"
	"\t\tCOMPREPLY=(\"${COMPREPLY[@]#\"$colon\"}\")\n"
	"\tfi\n"
	"}\n"
	"\n"
	"complete -F _kvmirq kvmirq\n";

/* What --events takes: the groups, each event kind, and ioctl:NAME per ioctl. */
static void print_event_kinds(FILE *out)
{
	fputs("_kvmirq_event_kinds='delivery ioctl", out);
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++) {
		const char *name = event_kind_name(k);

		if (event_kind_from_name(name) == (int)k && strcmp(name, "ioctl"))
			fprintf(out, " %s", name);
	}
	for (unsigned int i = 1; i < KVMIRQ_IOCTL_ID_MAX; i++) {
		fputs(" ioctl:", out);
		for (const char *c = ioctl_name(i) + strlen("KVM_"); *c; c++)
			fputc(tolower((unsigned char)*c), out);
	}
	fputs("'\n\n", out);
}

static void print_command(const struct command *c, FILE *out)
{
	const struct cli_spec *s = c->cli;

	fprintf(out, "\t%s)\n\t\topts='", c->name);
	for (const struct cli_option *o = s->options; o->name; o++)
		fprintf(out, o->key < CLI_LONG_ONLY ? "%s--%s -%c" : "%s--%s",
			o == s->options ? "" : " ", o->name, o->key);
	fprintf(out, "'\n\t\toperands=%s operand_words='%s'\n\t\tcase $prev in\n",
		value_names[s->operands], s->operand_words ? s->operand_words : "");
	for (const struct cli_option *o = s->options; o->name; o++) {
		if (!o->arg)
			continue;
		fprintf(out, "\t\t--%s", o->name);
		if (o->key < CLI_LONG_ONLY)
			fprintf(out, " | -%c", o->key);
		fprintf(out, ") kind=%s words='%s' ;;\n", value_names[o->value],
			o->words ? o->words : "");
	}
	fputs("\t\tesac ;;\n", out);
}

static void print_script(const struct command *table, FILE *out)
{
	fputs("# bash completion for kvmirq, made by `kvmirq completion bash` from the\n"
	      "# commands' option tables, the same as their --help.\n\n", out);
	print_event_kinds(out);
	fputs(script_helpers, out);
	fputs("\tif ((cword == 1)); then\n\t\tCOMPREPLY=($(compgen -W '", out);
	for (const struct command *c = table; c->name; c++)
		fprintf(out, "%s ", c->name);
	fputs("--help --version' -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase ${COMP_WORDS[1]} in\n",
	      out);
	for (const struct command *c = table; c->name; c++)
		print_command(c, out);
	fputs("\tesac\n", out);
	fputs(script_end, out);
}

int cmd_completion(const struct command *table, int argc, char **argv)
{
	struct cli_parser p;
	int c;

	cli_parse_begin(&p, &cmd_completion_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		if (c != 'h')
			return 2;
		cli_print_help(&cmd_completion_cli);
		return 0;
	}
	if (optind != argc - 1 || strcmp(argv[optind], "bash"))
		return cli_error(2, "bash is the shell it knows (kvmirq completion bash)");
	print_script(table, stdout);
	return 0;
}
