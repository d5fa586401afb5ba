// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq probe: what the running kernel offers, which attach strategy kvmirq
 * chooses, which programs attached, and why the others did not.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture/capture.h"
#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "util/json.h"
#include "util/tracefs.h"

static const struct cli_option options[] = {
	{ .name = "strategy", .key = 's', .arg = "NAME", .help = "auto (default), fentry, kprobe or syscall",
	  .value = CLI_WORDS, .words = STRATEGY_WORDS },
	{ .name = "json", .key = 'j', .help = "print one JSON object" },
	{ .name = "verbose", .key = 'v', .help = "show libbpf's messages" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_probe_cli = {
	.synopsis = "Usage: kvmirq probe [OPTIONS]\n"
		    "\n"
		    "Load and attach kvmirq's BPF programs, then report what the running kernel\n"
		    "supports: the ioctl attach strategy chosen (fentry; kprobes where the kernel\n"
		    "refuses fentry; syscall tracepoints where it has no kprobes either), each\n"
		    "program's hook and whether it attached, and why the others did not. Nothing\n"
		    "is recorded.\n",
	.options = options,
	.epilogue = "Exit status: 0 when the programs attached, 1 when they could not, 2 on bad\n"
		    "usage.\n",
};

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static const char *program_state(const struct capture_program_status *st)
{
	if (st->attached)
		return "attached";
	return st->wanted ? "failed" : "not used";
}

static void print_text(const struct capture_status *s, const struct utsname *u, const char *error)
{
	printf("kvmirq %s, event schema %d\n", KVMIRQ_VERSION, KVMIRQ_SCHEMA_VERSION);
	printf("kernel:          %s %s\n", u->release, u->machine);
	printf("BTF:             %s\n", path_exists("/sys/kernel/btf/vmlinux") ? "yes" : "no");
	printf("/dev/kvm:        %s\n", path_exists("/dev/kvm") ? "present" : "absent");
	printf("tracefs:         %s\n", tracefs_root() ? tracefs_root() : "unavailable");
	if (error) {
		printf("capture:         FAILED: %s\n", error);
		return;
	}
	printf("ioctl strategy:  %s\n", strategy_name(s->strategy));
	if (s->fentry_refused[0])
		printf("fentry refused:  %s\n", s->fentry_refused);
	if (s->kprobe_refused[0])
		printf("kprobe refused:  %s\n", s->kprobe_refused);
	printf("injections:      %s\n",
	       s->inject_hooks ? "attributed to their VM (fentry on irqfd_inject, "
				 "irqfd_shutdown, pit_do_work, kvm_arch_set_irq_inatomic)"
			       : "from kernel threads and interrupts left unattributed");
	if (s->inject_refused[0])
		printf("inject refused:  %s\n", s->inject_refused);
	printf("ring buffer:     %u MiB\n", s->ringbuf_mib);
	printf("programs:\n");
	for (unsigned int i = 0; i < s->nr_programs; i++) {
		const struct capture_program_status *st = &s->programs[i];

		printf("  %-25s %-34s %s%s%s\n", st->info->prog_name, st->info->hook,
		       program_state(st), st->why[0] ? ": " : "", st->why);
	}
}

static void print_json(const struct capture_status *s, const struct utsname *u, const char *error)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "version", KVMIRQ_VERSION);
	json_kv_int(&j, "schema", KVMIRQ_SCHEMA_VERSION);
	json_kv_string(&j, "kernel", u->release);
	json_kv_string(&j, "machine", u->machine);
	json_kv_bool(&j, "btf", path_exists("/sys/kernel/btf/vmlinux"));
	json_kv_bool(&j, "dev_kvm", path_exists("/dev/kvm"));
	json_kv_string(&j, "tracefs", tracefs_root());
	if (error) {
		json_kv_string(&j, "error", error);
	} else {
		json_kv_string(&j, "strategy", strategy_name(s->strategy));
		json_kv_string(&j, "fentry_refused", s->fentry_refused[0] ? s->fentry_refused : NULL);
		json_kv_string(&j, "kprobe_refused", s->kprobe_refused[0] ? s->kprobe_refused : NULL);
		json_kv_bool(&j, "inject_hooks", s->inject_hooks);
		json_kv_string(&j, "inject_refused", s->inject_refused[0] ? s->inject_refused : NULL);
		json_kv_uint(&j, "ringbuf_mib", s->ringbuf_mib);
		json_key(&j, "programs");
		json_array_begin(&j);
		for (unsigned int i = 0; i < s->nr_programs; i++) {
			const struct capture_program_status *st = &s->programs[i];

			json_object_begin(&j);
			json_kv_string(&j, "name", st->info->prog_name);
			json_kv_string(&j, "hook", st->info->hook);
			json_kv_string(&j, "state", program_state(st));
			json_kv_string(&j, "why", st->why[0] ? st->why : NULL);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	json_newline(&j);
}

int cmd_probe(int argc, char **argv)
{
	struct capture_options opts = { 0 };
	struct cli_parser p;
	struct capture *cap = NULL;
	struct utsname u;
	bool json = false;
	char err[512] = "";
	int c, ret;

	cli_parse_begin(&p, &cmd_probe_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 's':
			if (parse_strategy(optarg, &opts.strategy))
				return 2;
			break;
		case 'j': json = true; break;
		case 'v': opts.verbose = true; break;
		case 'h': cli_print_help(&cmd_probe_cli); return 0;
		default: return 2;
		}
	}
	if (optind != argc)
		return cli_error(2, "unexpected argument '%s' (see --help)", argv[optind]);
	uname(&u);
	ret = capture_open(&cap, &opts, NULL, NULL, err, sizeof(err));
	if (json)
		print_json(ret ? NULL : capture_get_status(cap), &u, ret ? err : NULL);
	else
		print_text(ret ? NULL : capture_get_status(cap), &u, ret ? err : NULL);
	capture_close(cap);
	return ret ? 1 : 0;
}
