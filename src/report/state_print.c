// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/state_print.h"
#include "util/json.h"

void state_print_origin(const struct snapshot *s, const char *path, FILE *out)
{
	time_t secs = (time_t)(s->realtime_ns / 1000000000ull);
	char when[32] = "?";
	struct tm tm;

	if (gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(out, "%s: pid %u (%s), %s, %s; %llu reads (%llu failed) in %.3f ms", path,
		s->pid, s->process_name[0] ? s->process_name : "?", s->method[0] ? s->method : "?",
		when, (unsigned long long)s->reads, (unsigned long long)s->failed_reads,
		(double)s->duration_ns / 1e6);
	if (s->stopped_ns)
		fprintf(out, "; VMM stopped %.3f ms", (double)s->stopped_ns / 1e6);
	fprintf(out, "\n");
}

static const char *vm_name(const struct snapshot *s, uint32_t vm)
{
	return vm >= 1 && vm <= s->nr_vms ? s->vm_names[vm - 1] : "";
}

static bool chip_selected(const struct chip_state *c, const struct state_print_options *o)
{
	const char *dash = strchr(c->model_name, '-');

	if (!o->chip)
		return true;
	/* x86-lapic, lapic (the name after its architecture), or the title */
	return !strcasecmp(c->model_name, o->chip) || (dash && !strcasecmp(dash + 1, o->chip)) ||
	       (c->model && !strcasecmp(c->model->title, o->chip));
}

/* Text: one line per register element, its fields side by side. */
struct text_ctx {
	FILE *out;
	bool skip_zero;
	const struct chip_register *reg;
	unsigned element;
	char line[1024];
	size_t len;
	bool nonzero;
};

static void flush_line(struct text_ctx *t)
{
	if (t->len && (!t->skip_zero || t->nonzero))
		fprintf(t->out, "    %s\n", t->line);
	t->len = 0;
	t->nonzero = false;
	t->reg = NULL;
}

static int text_value(void *ctx, const struct chip_value *v)
{
	struct text_ctx *t = ctx;
	char val[256], head[80];
	const char *field = v->field ? v->field->name : NULL;

	if (v->reg != t->reg || v->element != t->element) {
		flush_line(t);
		t->reg = v->reg;
		t->element = v->element;
		snprintf(head, sizeof(head), "%s", v->name);
		if (field) /* the name up to the field: "redir[3]" */
			head[strlen(v->name) - strlen(field) - 1] = '\0';
		t->len = (size_t)snprintf(t->line, sizeof(t->line), "%-18s", head);
	}
	chip_value_format(v, val, sizeof(val));
	if (t->len < sizeof(t->line))
		t->len += (size_t)snprintf(t->line + t->len, sizeof(t->line) - t->len, " %s%s%s",
					   field ? field : "", field ? "=" : "", val);
	if (!v->known || v->value)
		t->nonzero = true;
	return 0;
}

static void print_text(const struct snapshot *s, const struct state_print_options *o, FILE *out)
{
	uint32_t vm = UINT32_MAX;

	for (size_t i = 0; i < s->nr_chips; i++) {
		const struct chip_state *c = &s->chips[i];
		struct text_ctx t = { .out = out, .skip_zero = o->skip_zero };

		if (!chip_selected(c, o))
			continue;
		if (c->vm != vm) {
			vm = c->vm;
			fprintf(out, "VM %u%s%s%s\n", vm, *vm_name(s, vm) ? " (" : "", vm_name(s, vm),
				*vm_name(s, vm) ? ")" : "");
		}
		fprintf(out, "  %s %d (%s)\n", c->model ? c->model->title : "unknown controller",
			c->index, c->model_name);
		if (!c->model) {
			fprintf(out, "    this kvmirq does not know the model '%s': %zu raw reads\n",
				c->model_name, c->nr_reads);
			continue;
		}
		chip_decode(c, text_value, &t);
		flush_line(&t);
	}
}

/* JSON Lines: one object per controller, its fields by name. */
static int json_value(void *ctx, const struct chip_value *v)
{
	struct json *j = ctx;
	char text[256];

	json_key(j, v->name);
	json_object_begin(j);
	if (v->known) {
		json_kv_uint(j, "value", v->value);
		json_kv_string(j, "text", chip_value_format(v, text, sizeof(text)));
	} else {
		json_key(j, "value");
		json_null(j);
		json_kv_string(j, "error", v->status ? strerror(-v->status) : "not read");
	}
	if (chip_value_why(v))
		json_kv_string(j, "volatile", chip_value_why(v));
	json_object_end(j);
	return 0;
}

static void print_json(const struct snapshot *s, const struct state_print_options *o, FILE *out)
{
	struct json j;

	json_init(&j, out);
	for (size_t i = 0; i < s->nr_chips; i++) {
		const struct chip_state *c = &s->chips[i];

		if (!chip_selected(c, o))
			continue;
		json_object_begin(&j);
		json_kv_uint(&j, "vm", c->vm);
		json_kv_string(&j, "vm_name", vm_name(s, c->vm));
		json_kv_string(&j, "chip", c->model_name);
		json_kv_string(&j, "title", c->model ? c->model->title : "");
		json_kv_int(&j, "index", c->index);
		json_kv_uint(&j, "time_ns", c->time_ns);
		json_key(&j, "fields");
		json_object_begin(&j);
		if (c->model)
			chip_decode(c, json_value, &j);
		json_object_end(&j);
		json_object_end(&j);
		json_newline(&j);
	}
}

void state_print(const struct snapshot *s, const struct state_print_options *o, FILE *out)
{
	if (o->json)
		print_json(s, o, out);
	else
		print_text(s, o, out);
}
