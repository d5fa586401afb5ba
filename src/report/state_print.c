// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
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
	if (s->its_tables_saved)
		fprintf(out, "; the tables of %u ITS saved into guest memory first",
			s->its_tables_saved);
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

bool state_print_has_chip(const struct snapshot *s, const char *chip)
{
	struct state_print_options o = { .chip = chip };

	for (size_t i = 0; i < s->nr_chips; i++)
		if (chip_selected(&s->chips[i], &o))
			return true;
	return s->nr_routing && !strcasecmp(chip, "routing");
}

/* Text: one line per register element, its fields side by side. */
struct text_ctx {
	FILE *out;
	bool skip_zero;
	int irq_count; /* the chip's interrupts (-1: all): none shown past them */
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
	const char *dot = strrchr(v->name, '.');
	/* the name after the element: "vector", or a per-interrupt value's "spi40" */
	const char *field = v->field && dot ? dot + 1 : NULL;

	if (t->irq_count >= 0 && v->irq >= t->irq_count)
		return 0;

	if (v->reg != t->reg || v->element != t->element) {
		flush_line(t);
		t->reg = v->reg;
		t->element = v->element;
		snprintf(head, sizeof(head), "%s", v->name);
		if (field) /* the name up to the field: "redir[3]" */
			head[dot - v->name] = '\0';
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

static void print_routing_text(const struct snapshot *s, const struct vm_routing *r, FILE *out)
{
	char text[160];

	if (!r->table_known) {
		fprintf(out, "  GSI routing: not known (no KVM_SET_GSI_ROUTING with its table in "
			     "the trace)\n");
	} else {
		fprintf(out, "  GSI routing: %zu entries (the VMM's last KVM_SET_GSI_ROUTING)\n",
			r->nr_entries);
		for (size_t i = 0; i < r->nr_entries; i++) {
			struct route_view v;

			routing_entry_view(r->entries[i], s->byte_order_big, &v);
			routing_entry_text(&v, snapshot_platform(s), text, sizeof(text));
			fprintf(out, "    gsi %-4u %s\n", v.gsi, text);
		}
	}
	fprintf(out, "  irqfds assigned during the recording: %zu\n", r->nr_irqfds);
	for (size_t i = 0; i < r->nr_irqfds; i++) {
		const struct irqfd_binding *b = &r->irqfds[i];

		fprintf(out, "    eventfd %d -> gsi %u", b->eventfd, b->gsi);
		if (b->flags & 2)
			fprintf(out, " (resample eventfd %d)", b->resamplefd);
		fprintf(out, "\n");
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The VM ordinals the snapshot has, each once, in order (0 last): a file can
 * name any ordinal, so they are collected, not counted up to. */
static size_t vm_ids(const struct snapshot *s, uint32_t **out)
{
	size_t n = 0, u = 0;
	uint32_t *ids = malloc((s->nr_chips + s->nr_routing + 1) * sizeof(*ids));

	*out = ids;
	if (!ids)
		return 0;
	for (size_t i = 0; i < s->nr_chips; i++)
		ids[n++] = s->chips[i].vm - 1; /* 0 wraps to the end */
	for (size_t i = 0; i < s->nr_routing; i++)
		ids[n++] = s->routing[i].vm - 1;
	qsort(ids, n, sizeof(*ids), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (!u || ids[u - 1] != ids[i])
			ids[u++] = ids[i];
	for (size_t i = 0; i < u; i++)
		ids[i]++;
	return u;
}

static void print_chip_text(const struct chip_state *c, const struct state_print_options *o,
			    FILE *out)
{
	struct text_ctx t = { .out = out, .skip_zero = o->skip_zero,
			      .irq_count = chip_state_irq_count(c) };

	fprintf(out, "  %s %d (%s)\n", c->model ? c->model->title : "unknown controller", c->index,
		c->model_name);
	if (!c->model) {
		fprintf(out, "    this kvmirq does not know the model '%s': %zu raw reads\n",
			c->model_name, c->nr_reads);
		return;
	}
	chip_decode(c, text_value, &t);
	flush_line(&t);
}

/* VM by VM (0: controllers of no known VM, last): its controllers, then its routing. */
static void print_text(const struct snapshot *s, const struct state_print_options *o, FILE *out)
{
	bool want_routing = !o->chip || !strcasecmp(o->chip, "routing");
	uint32_t *ids;
	size_t nr_ids = vm_ids(s, &ids);

	for (size_t n = 0; n < nr_ids; n++) {
		uint32_t vm = ids[n];
		const struct vm_routing *r = snapshot_find_routing(s, vm);
		unsigned header = 0; /* printed the VM's line */

		for (size_t i = 0; i < s->nr_chips; i++) {
			if (s->chips[i].vm != vm || !chip_selected(&s->chips[i], o))
				continue;
			if (!header++)
				fprintf(out, "VM %u%s%s%s\n", vm, *vm_name(s, vm) ? " (" : "",
					vm_name(s, vm), *vm_name(s, vm) ? ")" : "");
			print_chip_text(&s->chips[i], o, out);
		}
		if (r && want_routing) {
			if (!header++)
				fprintf(out, "VM %u%s%s%s\n", vm, *vm_name(s, vm) ? " (" : "",
					vm_name(s, vm), *vm_name(s, vm) ? ")" : "");
			print_routing_text(s, r, out);
		}
	}
	free(ids);
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
		json_kv_string(j, "error", chip_read_status_text(v->status));
	}
	if (chip_value_why(v))
		json_kv_string(j, "volatile", chip_value_why(v));
	json_object_end(j);
	return 0;
}

static void print_routing_json(const struct snapshot *s, const struct vm_routing *r,
			       struct json *j)
{
	char text[160];

	json_object_begin(j);
	json_kv_uint(j, "vm", r->vm);
	json_kv_string(j, "chip", "routing");
	json_kv_bool(j, "table_known", r->table_known);
	json_key(j, "routes");
	json_array_begin(j);
	for (size_t i = 0; r->table_known && i < r->nr_entries; i++) {
		struct route_view v;

		routing_entry_view(r->entries[i], s->byte_order_big, &v);
		routing_entry_text(&v, snapshot_platform(s), text, sizeof(text));
		json_object_begin(j);
		json_kv_uint(j, "gsi", v.gsi);
		json_kv_uint(j, "type", v.type);
		json_kv_string(j, "text", text);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "irqfds");
	json_array_begin(j);
	for (size_t i = 0; i < r->nr_irqfds; i++) {
		json_object_begin(j);
		json_kv_int(j, "eventfd", r->irqfds[i].eventfd);
		json_kv_uint(j, "gsi", r->irqfds[i].gsi);
		json_kv_bool(j, "resample", r->irqfds[i].flags & 2);
		if (r->irqfds[i].flags & 2)
			json_kv_int(j, "resamplefd", r->irqfds[i].resamplefd);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	json_newline(j);
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
	for (size_t i = 0; i < s->nr_routing; i++)
		if (!o->chip || !strcasecmp(o->chip, "routing"))
			print_routing_json(s, &s->routing[i], &j);
}

void state_print(const struct snapshot *s, const struct state_print_options *o, FILE *out)
{
	if (o->json)
		print_json(s, o, out);
	else
		print_text(s, o, out);
}
