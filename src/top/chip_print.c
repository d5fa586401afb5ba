// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "top/chip_print.h"
#include "top/format.h"
#include "top/vm_detail.h"

#define LABEL_MAX 20

void top_chip_print_text(const struct top_frame *f, const struct chip_state *c, unsigned number,
			 const struct top_chip_values *vals, FILE *out)
{
	char title[64], age[24];
	int label_width = 0;

	if (!c) {
		fprintf(out, "Controller [%u]: not in the state at this moment\n", number);
		return;
	}
	top_chip_title(c, title, sizeof(title));
	top_format_age(f->time_ns, c->time_ns, age, sizeof(age));
	fprintf(out, "Controller [%u] %s (%s) of VM %u: ", number, title, c->model_name, c->vm);
	if (!c->time_ns)
		fprintf(out, "never read whole\n");
	else
		fprintf(out, "%s %s before\n", f->is_replay ? "reconstructed on a read" : "read",
			age);
	fprintf(out, "%zu values, %zu unknown (?), %zu changed since the last frame (*)\n",
		vals->n, vals->unknown, vals->changed);
	for (size_t i = 0; i < vals->n; i++) {
		int w = (int)strlen(vals->v[i].label);

		if (w > label_width)
			label_width = w > LABEL_MAX ? LABEL_MAX : w;
	}
	for (size_t i = 0; i < vals->n; i++) {
		const struct top_chip_value *v = &vals->v[i];
		bool first = i == 0 || !top_chip_same_row(v, v - 1);

		if (first)
			fprintf(out, "%s  %-*s", i ? "\n" : "", label_width, v->label);
		fprintf(out, " %s%s%s%s", v->field, v->field[0] ? "=" : "", v->text,
			v->changed ? "*" : "");
	}
	if (vals->n)
		fputc('\n', out);
}

void top_chip_print_json(struct json *j, const struct chip_state *c, unsigned number,
			 const struct top_chip_values *vals)
{
	char title[64];

	json_key(j, "registers");
	if (!c) {
		json_null(j);
		return;
	}
	top_chip_title(c, title, sizeof(title));
	json_object_begin(j);
	json_kv_uint(j, "vm", c->vm);
	json_kv_uint(j, "number", number);
	json_kv_string(j, "model", c->model_name);
	json_kv_string(j, "title", title);
	json_kv_int(j, "index", c->index);
	json_kv_uint(j, "time_ns", c->time_ns);
	json_kv_uint(j, "values", vals->n);
	json_kv_uint(j, "unknown", vals->unknown);
	json_kv_uint(j, "changed", vals->changed);
	json_key(j, "fields");
	json_object_begin(j);
	for (size_t i = 0; i < vals->n; i++) {
		const struct top_chip_value *v = &vals->v[i];

		json_key(j, v->name);
		json_object_begin(j);
		json_key(j, "value");
		if (v->known)
			json_uint(j, v->value);
		else
			json_null(j);
		json_kv_string(j, "text", v->text);
		json_kv_bool(j, "changed", v->changed);
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}
