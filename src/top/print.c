// SPDX-License-Identifier: GPL-2.0
#include "top/chip_print.h"
#include "top/format.h"
#include "top/print.h"
#include "top/vm_detail.h"
#include "top/vm_table.h"
#include "util/json.h"
#include "util/kv.h"
#include "util/text_cells.h"

/* JSON names of the VM columns' rates, by enum top_rate. */
static const char *const rate_names[TOP_NR_RATES] = {
	[TOP_RATE_LINES] = "lines",	      [TOP_RATE_MSIS] = "msis",
	[TOP_RATE_INJECTIONS] = "injections", [TOP_RATE_EOIS] = "eois",
	[TOP_RATE_ATTRS] = "attrs",
};

/* ---- text ---- */

static void print_header(const struct top_frame *f, FILE *out)
{
	char at[32], end[32];

	if (f->is_replay) {
		const struct top_replay *r = &f->replay;

		fprintf(out, "kvmirq top: replay %s at %s of %s, event %llu of %llu, %gx%s\n",
			f->source, top_format_offset(r->clock_ns, r->start_ns, at, sizeof(at)),
			top_format_offset(r->end_ns, r->start_ns, end, sizeof(end)),
			(unsigned long long)r->event, (unsigned long long)r->nr_events, r->speed,
			r->paused ? ", paused" : "");
		if (r->last_event[0])
			fprintf(out, "last event: %s\n", r->last_event);
	} else {
		fprintf(out, "kvmirq top: %s, rates over %.2f s\n", f->source, f->interval_s);
	}
	if (f->status[0])
		fprintf(out, "%s\n", f->status);
}

/* Column C as wide as its widest cell in F, up to its max_width: the same for every row. */
static unsigned column_width(const struct top_frame *f, size_t c)
{
	const struct top_vm_column *col = &top_vm_columns[c];
	unsigned width = col->width;
	char text[128];

	for (size_t i = 0; i < f->nr_vms; i++) {
		col->format(&f->vms[i], text, sizeof(text));
		if (text_cells(text) > width)
			width = (unsigned)text_cells(text);
	}
	return col->max_width && width > col->max_width ? col->max_width : width;
}

static void print_vm_table(const struct top_frame *f, FILE *out)
{
	unsigned widths[TOP_MAX_VM_COLUMNS];
	char cell[160];

	for (size_t c = 0; c < top_nr_vm_columns; c++) {
		const struct top_vm_column *col = &top_vm_columns[c];

		widths[c] = column_width(f, c);
		fprintf(out, col->left ? "%s%-*s" : "%s%*s", c ? " " : "", (int)widths[c],
			col->title);
	}
	fputc('\n', out);
	for (size_t i = 0; i < f->nr_vms; i++) {
		for (size_t c = 0; c < top_nr_vm_columns; c++) {
			/* text for logs and scripts: an ASCII mark where a name is elided */
			top_vm_cell(&f->vms[i], c, widths[c], false, cell, sizeof(cell));
			fprintf(out, "%s%s", c ? " " : "", cell);
		}
		fputc('\n', out);
	}
}

static void print_row(void *ctx, const struct top_row *row)
{
	fprintf(ctx, "%s\n", row->text);
}

/* ---- JSON ---- */

static void json_rates(struct json *j, const char *key, const double *rates)
{
	json_key(j, key);
	json_object_begin(j);
	for (int r = 0; r < TOP_NR_RATES; r++) {
		json_key(j, rate_names[r]);
		json_double(j, rates[r]);
	}
	json_object_end(j);
}

static void json_vm(struct json *j, const struct top_vm *v)
{
	json_object_begin(j);
	json_kv_uint(j, "id", v->id);
	json_kv_uint(j, "pid", v->pid);
	json_kv_string(j, "name", v->name);
	json_kv_string(j, "kvm_name", v->kvm_name);
	json_kv_int(j, "vcpus", v->vcpus);
	json_kv_string(j, "chips", v->chips);
	json_rates(j, "rates", v->rate);
	json_key(j, "totals");
	json_object_begin(j);
	for (int r = 0; r < TOP_NR_RATES; r++)
		json_kv_uint(j, rate_names[r], v->total[r]);
	json_object_end(j);
	json_kv_uint(j, "errors", v->errors);
	json_kv_uint(j, "drops", v->drops);
	json_kv_uint(j, "findings", v->findings);
	json_kv_bool(j, "gone", v->gone);
	json_key(j, "history");
	json_object_begin(j);
	for (int r = 0; r < TOP_NR_RATES; r++) {
		json_key(j, rate_names[r]);
		json_array_begin(j);
		for (int i = 0; i < TOP_HISTORY; i++)
			json_double(j, v->history[r][i]);
		json_array_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

static void json_tristate(struct json *j, const char *key, int v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_int(j, v);
}

static void json_line(struct json *j, const struct top_line *l)
{
	json_object_begin(j);
	json_kv_uint(j, "vm", l->vm);
	if (l->line[0]) { /* arm64: KVM_IRQ_LINE's irq, no GSI */
		json_key(j, "gsi");
		json_null(j);
		json_kv_uint(j, "irq", l->gsi);
		json_kv_string(j, "line", l->line);
	} else {
		json_kv_uint(j, "gsi", l->gsi);
	}
	json_kv_string(j, "route", l->route[0] ? l->route : NULL);
	json_key(j, "trigger");
	if (l->trigger < 0)
		json_null(j);
	else
		json_string(j, l->trigger ? "level" : "edge");
	json_tristate(j, "level", l->level);
	json_tristate(j, "masked", l->masked);
	json_key(j, "rate");
	json_double(j, l->rate);
	json_kv_uint(j, "total", l->total);
	json_kv_uint(j, "last_ns", l->last_ns);
	json_object_end(j);
}

static void json_msi(struct json *j, const struct msi_decoder *decoder, const struct top_msi *m)
{
	const struct msi_message msg = { .address = m->address, .data = m->data };
	struct kv_list fields;

	kv_init(&fields);
	decoder->fields(&msg, &fields);
	json_object_begin(j);
	json_kv_uint(j, "vm", m->vm);
	json_kv_hex64(j, "address", m->address);
	json_kv_hex32(j, "data", m->data);
	kv_print_json(&fields, j);
	kv_free(&fields);
	json_key(j, "rate");
	json_double(j, m->rate);
	json_kv_uint(j, "total", m->total);
	json_kv_uint(j, "last_ns", m->last_ns);
	json_object_end(j);
}

static void json_vcpu(struct json *j, const struct top_vcpu *v)
{
	json_object_begin(j);
	json_kv_uint(j, "vm", v->vm);
	json_kv_int(j, "vcpu", v->vcpu);
	json_key(j, "injections");
	json_double(j, v->injections);
	json_key(j, "eois");
	json_double(j, v->eois);
	json_key(j, "accepted");
	json_double(j, v->accepted);
	json_kv_uint(j, "total_injections", v->total_injections);
	json_kv_uint(j, "total_eois", v->total_eois);
	json_kv_uint(j, "total_accepted", v->total_accepted);
	json_object_end(j);
}

static void json_chip(struct json *j, const struct chip_state *c)
{
	char title[64];
	size_t unknown = 0;

	for (size_t i = 0; c->value_unknown && i < c->nr_values; i++)
		unknown += c->value_unknown[i / 8] >> (i % 8) & 1;
	top_chip_title(c, title, sizeof(title));
	json_object_begin(j);
	json_kv_uint(j, "vm", c->vm);
	json_kv_string(j, "model", c->model_name);
	json_kv_string(j, "title", title);
	json_kv_int(j, "index", c->index);
	json_kv_uint(j, "time_ns", c->time_ns);
	json_kv_uint(j, "values",
		     c->model ? (c->nr_values ? c->nr_values : chip_value_count(c->model)) : 0);
	json_kv_uint(j, "unknown_values", unknown);
	json_object_end(j);
}

static void json_replay(struct json *j, const struct top_frame *f)
{
	const struct top_replay *r = &f->replay;

	json_key(j, "replay");
	if (!f->is_replay) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_kv_uint(j, "start_ns", r->start_ns);
	json_kv_uint(j, "end_ns", r->end_ns);
	json_kv_uint(j, "position_ns", r->position_ns);
	json_kv_uint(j, "clock_ns", r->clock_ns);
	json_kv_uint(j, "event", r->event);
	json_kv_uint(j, "nr_events", r->nr_events);
	json_key(j, "speed");
	json_double(j, r->speed);
	json_kv_bool(j, "paused", r->paused);
	json_kv_string(j, "last_event", r->last_event);
	json_object_end(j);
}

/* Arrays of one VM (VM != 0) or all. */
#define JSON_ARRAY(j, key, items, n, vm_of, writer)                                                \
	do {                                                                                       \
		json_key(j, key);                                                                  \
		json_array_begin(j);                                                               \
		for (size_t i_ = 0; i_ < (n); i_++)                                                \
			if (!o->vm || (items)[i_].vm_of == o->vm)                                  \
				writer(j, &(items)[i_]);                                           \
		json_array_end(j);                                                                 \
	} while (0)

static void print_json(const struct top_frame *f, const struct top_print_options *o,
		       const struct chip_state *chip, FILE *out)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_kv_string(&j, "type", "frame");
	json_kv_uint(&j, "time_ns", f->time_ns);
	json_key(&j, "interval_s");
	json_double(&j, f->interval_s);
	json_kv_string(&j, "source", f->source);
	json_replay(&j, f);
	json_kv_string(&j, "status", f->status[0] ? f->status : NULL);
	JSON_ARRAY(&j, "vms", f->vms, f->nr_vms, id, json_vm);
	JSON_ARRAY(&j, "lines", f->lines, f->nr_lines, vm, json_line);
	json_key(&j, "msis");
	json_array_begin(&j);
	for (size_t i = 0; i < f->nr_msis; i++)
		if (!o->vm || f->msis[i].vm == o->vm)
			json_msi(&j, top_frame_platform(f)->msi, &f->msis[i]);
	json_array_end(&j);
	JSON_ARRAY(&j, "vcpus", f->vcpus, f->nr_vcpus, vm, json_vcpu);
	JSON_ARRAY(&j, "findings", f->findings, f->nr_findings, vm, finding_json);
	JSON_ARRAY(&j, "controllers", f->state ? f->state->chips : NULL,
		   f->state ? f->state->nr_chips : 0, vm, json_chip);
	if (o->chip)
		top_chip_print_json(&j, chip, o->chip, o->chip_values);
	json_object_end(&j);
	json_newline(&j);
}

void top_print_frame(const struct top_frame *f, const struct top_print_options *o, FILE *out)
{
	const struct chip_state *chip = o->chip ? top_chip_by_number(f, o->vm, o->chip) : NULL;

	if (chip && top_chip_values_update(o->chip_values, chip))
		chip = NULL; /* out of memory: shown as not there */
	if (o->json) {
		print_json(f, o, chip, out);
		return;
	}
	print_header(f, out);
	print_vm_table(f, out);
	if (o->vm) {
		fputc('\n', out);
		top_vm_detail_rows(f, o->vm, print_row, out);
	}
	if (o->chip) {
		fputc('\n', out);
		top_chip_print_text(f, chip, o->chip, o->chip_values, out);
	}
	fputc('\n', out);
}
