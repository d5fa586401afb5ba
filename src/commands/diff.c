// SPDX-License-Identifier: GPL-2.0
/* kvmirq diff: what differs, field by field, between two snapshots. */
#include <stdio.h>
#include <string.h>

#include "commands/cli_messages.h"
#include "commands/commands.h"
#include "commands/input_file.h"
#include "commands/options.h"
#include "commands/state_damage.h"
#include "model/state_load.h"
#include "report/state_print.h"
#include "snapshot/diff.h"
#include "util/json.h"

static const struct cli_option options[] = {
	{ .name = "at", .key = 'a', .arg = "TIME",
	  .help = "recordings: their state at TIME (end, SECONDS after the\n"
		  "first event, or @NS of CLOCK_MONOTONIC); default end",
	  .value = CLI_WORDS, .words = "end" },
	{ .name = "at-b", .key = 'b', .arg = "TIME",
	  .help = "B at another time than A (compare a recording with\n"
		  "itself: what changed between two moments)",
	  .value = CLI_WORDS, .words = "end" },
	{ .name = "json", .key = 'j', .help = "JSON Lines: one object per difference, then totals" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_diff_cli = {
	.synopsis = "Usage: kvmirq diff [OPTIONS] A B\n"
		    "\n"
		    "Compare two snapshots field by field: the state before and after a live\n"
		    "migration, on two hosts, or at two moments. Controllers are matched by VM\n"
		    "(in order), model and instance (vCPU id), never by kernel addresses, so\n"
		    "snapshots from different hosts compare. Fields that change on their own\n"
		    "(a running timer's count, the input level of a line) are listed apart with\n"
		    "the reason, and do not count as differences. A or B may be a recording:\n"
		    "its reconstructed state is compared, and what the trace could not show\n"
		    "is listed apart too.\n",
	.options = options,
	.epilogue = "A recording cut short is read up to its last whole chunk, with a warning; a\n"
		    "snapshot cut short is damaged: its differences are printed, then an error.\n"
		    "A or B may be a pipe (kvmirq diff <(ssh host cat a.kvmsnap) b.kvmsnap).\n"
		    "\n"
		    "Exit status, as diff(1): 0 no difference, 1 differences, 2 trouble (a file\n"
		    "that cannot be read or holds nothing readable, a snapshot cut short).\n",
	.operands = CLI_STATE_FILE,
};

static const char *const class_names[] = {
	[DIFF_CHANGED] = "changed",	  [DIFF_VOLATILE] = "volatile", [DIFF_UNKNOWN] = "unknown",
	[DIFF_NOT_KNOWN] = "not-known", [DIFF_ONLY_A] = "only-in-a",  [DIFF_ONLY_B] = "only-in-b",
};

struct printer {
	bool json;
	bool apart_pass; /* text: the second pass prints what does not count */
	struct json j;
};

static void chip_label(const struct chip_state *c, char *buf, size_t len)
{
	snprintf(buf, len, "VM %u %s %d", c->vm, c->model ? c->model->title : c->model_name,
		 c->index);
}

static void print_json(struct printer *p, const struct diff_entry *e)
{
	char text[256];

	json_object_begin(&p->j);
	json_kv_string(&p->j, "class", class_names[e->class]);
	if (!e->chip) { /* a routing entry */
		json_kv_uint(&p->j, "vm", e->vm);
		json_kv_string(&p->j, "chip", "routing");
		json_kv_string(&p->j, "field", e->what);
		json_kv_string(&p->j, "a", e->a_text);
		json_kv_string(&p->j, "b", e->b_text);
		json_object_end(&p->j);
		json_newline(&p->j);
		return;
	}
	json_kv_uint(&p->j, "vm", e->chip->vm);
	json_kv_string(&p->j, "chip", e->chip->model_name);
	json_kv_int(&p->j, "index", e->chip->index);
	if (e->a) {
		json_kv_string(&p->j, "field", e->a->name);
		json_kv_string(&p->j, "a", chip_value_format(e->a, text, sizeof(text)));
		json_kv_string(&p->j, "b", chip_value_format(e->b, text, sizeof(text)));
	}
	if (e->why)
		json_kv_string(&p->j, "why", e->why);
	json_object_end(&p->j);
	json_newline(&p->j);
}

static void print_entry(void *ctx, const struct diff_entry *e)
{
	struct printer *p = ctx;
	char label[96], a[256], b[256];

	if (p->json) {
		print_json(p, e);
		return;
	}
	if ((e->class == DIFF_VOLATILE || e->class == DIFF_NOT_KNOWN) != p->apart_pass)
		return;
	if (!e->chip) {
		printf("VM %u %s: %s -> %s\n", e->vm, e->what, e->a_text, e->b_text);
		return;
	}
	chip_label(e->chip, label, sizeof(label));
	if (e->class == DIFF_ONLY_A || e->class == DIFF_ONLY_B) {
		printf("%s: only in %s\n", label, e->class == DIFF_ONLY_A ? "A" : "B");
		return;
	}
	printf("%s: %s: %s -> %s", label, e->a->name, chip_value_format(e->a, a, sizeof(a)),
	       chip_value_format(e->b, b, sizeof(b)));
	if (e->why)
		printf("  (%s)", e->why);
	else if (e->class == DIFF_NOT_KNOWN)
		printf("  (not known to the reconstruction)");
	printf("\n");
}

static int load(struct snapshot *s, const char *path, const struct state_time *at)
{
	struct input_file in;
	char err[512];
	int ret = 0;

	if (input_file_open(&in, path, 2))
		return 2;
	if (state_load(in.path, at, s, err, sizeof(err)))
		ret = cli_error(2, "%s", err);
	input_file_close(&in);
	return ret;
}

static void print_totals(struct printer *p, const struct diff_totals *t)
{
	if (p->json) {
		json_object_begin(&p->j);
		json_kv_string(&p->j, "class", "totals");
		json_kv_uint(&p->j, "changed", t->changed);
		json_kv_uint(&p->j, "unknown", t->unknown);
		json_kv_uint(&p->j, "only_in_a", t->only_a);
		json_kv_uint(&p->j, "only_in_b", t->only_b);
		json_kv_uint(&p->j, "volatile", t->volatile_changes);
		json_kv_uint(&p->j, "not_known", t->not_known);
		json_kv_uint(&p->j, "compared", t->compared);
		json_kv_uint(&p->j, "routes_compared", t->routes_compared);
		json_object_end(&p->j);
		json_newline(&p->j);
		return;
	}
	printf("%u differences (%u changed, %u read on one side only, %u controllers on one "
	       "side only) in %u fields and %u GSI routes compared; %u expected changes, %u not "
	       "known to a reconstruction\n",
	       t->changed + t->unknown + t->only_a + t->only_b, t->changed, t->unknown,
	       t->only_a + t->only_b, t->compared, t->routes_compared, t->volatile_changes,
	       t->not_known);
}

int cmd_diff(int argc, char **argv)
{
	struct printer p = { 0 };
	struct state_time at = { STATE_AT_END }, at_b;
	bool have_at_b = false;
	struct snapshot a, b;
	struct diff_totals t;
	struct cli_parser cli;
	int c, ret, damaged;

	cli_parse_begin(&cli, &cmd_diff_cli, argc, argv);
	while ((c = cli_parse_next(&cli, argc, argv)) != -1) {
		if (c == 'a') {
			if (parse_time(optarg, &at))
				return 2;
		} else if (c == 'b') {
			if (parse_time(optarg, &at_b))
				return 2;
			have_at_b = true;
		} else if (c == 'j') {
			p.json = true;
		} else if (c == 'h') {
			cli_print_help(&cmd_diff_cli);
			return 0;
		} else {
			return 2;
		}
	}
	if (optind != argc - 2)
		return cli_error(2, "give two snapshot files (see --help)");
	if (load(&a, argv[optind], &at))
		return 2;
	if (load(&b, argv[optind + 1], have_at_b ? &at_b : &at)) {
		snapshot_free(&a);
		return 2;
	}
	json_init(&p.j, stdout);
	if (!p.json) {
		printf("A ");
		state_print_origin(&a, argv[optind], stdout);
		printf("B ");
		state_print_origin(&b, argv[optind + 1], stdout);
		if (a.why_empty[0])
			printf("A: %s\n", a.why_empty);
		if (b.why_empty[0])
			printf("B: %s\n", b.why_empty);
	} else {
		if (a.why_empty[0])
			cli_notice("%s: %s", argv[optind], a.why_empty);
		if (b.why_empty[0])
			cli_notice("%s: %s", argv[optind + 1], b.why_empty);
	}
	ret = snapshot_diff(&a, &b, print_entry, &p, &t);
	if (!ret && !p.json && (t.volatile_changes || t.not_known)) {
		printf("Not counted (they change on their own, or a trace could not show them):\n");
		p.apart_pass = true;
		snapshot_diff(&a, &b, print_entry, &p, &t);
	}
	if (!ret)
		print_totals(&p, &t);
	else
		cli_error(2, "out of memory");
	/* both said, each in its own words; a damaged snapshot is trouble, as diff(1)'s 2 */
	damaged = say_state_damage(argv[optind], &a, 2);
	damaged |= say_state_damage(argv[optind + 1], &b, 2);
	snapshot_free(&a);
	snapshot_free(&b);
	return ret || damaged ? 2 : diff_totals_differ(&t) ? 1 : 0;
}
