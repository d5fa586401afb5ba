// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chips/models.h"
#include "top/format.h"
#include "top/line_route.h"
#include "top/vm_detail.h"

struct emitter {
	void (*fn)(void *ctx, const struct top_row *row);
	void *ctx;
};

static void __attribute__((format(printf, 4, 5)))
emit(const struct emitter *e, enum top_row_kind kind, size_t index, const char *fmt, ...)
{
	struct top_row row = { .kind = kind, .index = index };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(row.text, sizeof(row.text), fmt, ap);
	va_end(ap);
	e->fn(e->ctx, &row);
}

/* A replay that has events to come: what is missing may still come. */
static bool yet(const struct top_frame *f)
{
	return f->is_replay && f->replay.event < f->replay.nr_events;
}

static const char *tristate(int v, const char *no, const char *yes)
{
	return v < 0 ? "?" : v ? yes : no;
}

void top_chip_title(const struct chip_state *c, char *buf, size_t len)
{
	if (c->model == &chip_model_x86_lapic)
		snprintf(buf, len, "LAPIC of vCPU %d", c->index);
	else if (c->model && c->model->attr_layout == CHIP_ATTR_MPIDR_VCPU)
		snprintf(buf, len, "%s of vCPU %d", c->model->title, c->index);
	else if (c->model && c->index)
		snprintf(buf, len, "%s %d", c->model->title, c->index);
	else
		snprintf(buf, len, "%s", c->model ? c->model->title : c->model_name);
}

static size_t unknown_values(const struct chip_state *c)
{
	size_t n = 0;

	for (size_t i = 0; c->value_unknown && i < c->nr_values; i++)
		n += c->value_unknown[i / 8] >> (i % 8) & 1;
	return n;
}

static void chips(const struct top_frame *f, uint32_t vm, const struct emitter *e)
{
	int number = 0;
	char title[64], age[16];

	emit(e, TOP_ROW_SECTION, 0, "Controllers%s",
	     f->is_replay ? " (reconstructed at this position)" : "");
	for (size_t i = 0; f->state && i < f->state->nr_chips; i++) {
		const struct chip_state *c = &f->state->chips[i];
		struct top_row row = { .kind = TOP_ROW_CHIP, .index = i };
		size_t unknown = unknown_values(c);

		if (c->vm != vm)
			continue;
		row.number = ++number <= 9 ? number : 0;
		top_chip_title(c, title, sizeof(title));
		top_format_age(f->time_ns, c->time_ns, age, sizeof(age));
		snprintf(row.text, sizeof(row.text), "  %c%c%c %-22s %-16s %s%s",
			 row.number ? '[' : ' ', row.number ? '0' + row.number : ' ',
			 row.number ? ']' : ' ', title, c->model_name,
			 c->time_ns ? "read " : "not read", c->time_ns ? age : "");
		if (c->time_ns)
			snprintf(row.text + strlen(row.text), sizeof(row.text) - strlen(row.text),
				 " before");
		if (unknown)
			snprintf(row.text + strlen(row.text), sizeof(row.text) - strlen(row.text),
				 ", %zu/%zu unknown", unknown, c->nr_values);
		e->fn(e->ctx, &row);
	}
	if (!number)
		emit(e, TOP_ROW_NOTE, 0, "  none known%s",
		     yet(f) ? " yet" : f->is_replay ? "" : " yet: r reads them");
}

static void lines(const struct top_frame *f, uint32_t vm, const struct emitter *e)
{
	char rate[16], total[16], age[16], gsi[16];
	bool any = false;

	emit(e, TOP_ROW_SECTION, 0, "Lines");
	for (size_t i = 0; i < f->nr_lines; i++) {
		const struct top_line *l = &f->lines[i];

		if (l->vm != vm)
			continue;
		if (!any)
			emit(e, TOP_ROW_COLUMNS, 0, "  %4s %-22s %-5s %3s %4s %7s %7s  %s", "GSI",
			     "ROUTE", "TRIG", "LVL", "MASK", "RATE/s", "TOTAL", "LAST");
		any = true;
		if (l->line[0]) /* arm64: the line by name, where a GSI's route goes */
			snprintf(gsi, sizeof(gsi), "-");
		else
			snprintf(gsi, sizeof(gsi), "%u", l->gsi);
		emit(e, TOP_ROW_LINE, i, "  %4s %-22.22s %-5s %3s %4s %7s %7s  %s", gsi,
		     l->line[0] ? l->line : l->route[0] ? l->route : "?", tristate(l->trigger, "edge", "level"),
		     l->level < 0 ? "?"
		     : l->level	  ? "1"
				  : "0",
		     tristate(l->masked, "no", "yes"), top_format_rate(l->rate, rate, sizeof(rate)),
		     top_format_count(l->total, total, sizeof(total)),
		     top_format_age(f->time_ns, l->last_ns, age, sizeof(age)));
	}
	if (!any)
		emit(e, TOP_ROW_NOTE, 0, "  none raised or lowered%s", yet(f) ? " yet" : "");
}

static void msis(const struct top_frame *f, uint32_t vm, const struct emitter *e)
{
	const struct msi_decoder *decoder = top_frame_platform(f)->msi;
	char rate[16], total[16], age[16], cells[64];
	bool any = false;

	emit(e, TOP_ROW_SECTION, 0, "MSIs");
	for (size_t i = 0; i < f->nr_msis; i++) {
		const struct top_msi *m = &f->msis[i];
		const struct msi_message msg = { .address = m->address, .data = m->data };

		if (m->vm != vm)
			continue;
		if (!any)
			emit(e, TOP_ROW_COLUMNS, 0, "  %-10s %-6s %s %6s %6s  %s", "ADDRESS", "DATA",
			     decoder->columns, "RATE/s", "TOTAL", "LAST");
		any = true;
		decoder->cells(&msg, cells, sizeof(cells));
		emit(e, TOP_ROW_MSI, i, "  0x%08llx 0x%04x %s %6s %6s  %s",
		     (unsigned long long)m->address, m->data, cells,
		     top_format_rate(m->rate, rate, sizeof(rate)),
		     top_format_count(m->total, total, sizeof(total)),
		     top_format_age(f->time_ns, m->last_ns, age, sizeof(age)));
	}
	if (!any)
		emit(e, TOP_ROW_NOTE, 0, "  none%s", yet(f) ? " yet" : "");
}

static void vcpus(const struct top_frame *f, uint32_t vm, const struct emitter *e)
{
	char r[3][16], t[3][16];
	bool any = false;

	emit(e, TOP_ROW_SECTION, 0, "vCPUs");
	for (size_t i = 0; i < f->nr_vcpus; i++) {
		const struct top_vcpu *v = &f->vcpus[i];

		if (v->vm != vm)
			continue;
		if (!any)
			emit(e, TOP_ROW_COLUMNS, 0, "  %4s %7s %7s %7s %8s %8s %8s", "VCPU",
			     "INJ/s", "EOI/s", "ACC/s", "INJECTED", "EOIS", "ACCEPTED");
		any = true;
		emit(e, TOP_ROW_VCPU, i, "  %4d %7s %7s %7s %8s %8s %8s", v->vcpu,
		     top_format_rate(v->injections, r[0], sizeof(r[0])),
		     top_format_rate(v->eois, r[1], sizeof(r[1])),
		     top_format_rate(v->accepted, r[2], sizeof(r[2])),
		     top_format_count(v->total_injections, t[0], sizeof(t[0])),
		     top_format_count(v->total_eois, t[1], sizeof(t[1])),
		     top_format_count(v->total_accepted, t[2], sizeof(t[2])));
	}
	if (!any)
		emit(e, TOP_ROW_NOTE, 0, "  no interrupt reached a vCPU%s",
		     yet(f) ? " yet" : "");
}

static void routing(const struct top_frame *f, uint32_t vm, const struct emitter *e)
{
	const struct vm_routing *r = snapshot_find_routing(f->state, vm);
	char text[160], when[24];

	bool default_routes = false;

	for (size_t i = 0; i < f->nr_lines; i++)
		default_routes |= f->lines[i].vm == vm && f->lines[i].route[0];
	if ((!r || !r->table_known) && default_routes) {
		emit(e, TOP_ROW_SECTION, 0, "GSI routing: KVM's default (irqchip created, no table set)");
	} else if (!r || !r->table_known) {
		emit(e, TOP_ROW_SECTION, 0, "GSI routing: not known (no KVM_SET_GSI_ROUTING %s)",
		     !f->is_replay ? "can be read back" : yet(f) ? "with its table yet" : "with its table");
	} else {
		top_format_age(f->time_ns, r->table_ns, when, sizeof(when));
		emit(e, TOP_ROW_SECTION, 0, "GSI routing: %zu entries, set %s before",
		     r->nr_entries, when);
		for (size_t i = 0; i < r->nr_entries; i++) {
			struct route_view v;

			routing_entry_view(r->entries[i], f->state->byte_order_big, &v);
			routing_entry_text(&v, snapshot_platform(f->state), text, sizeof(text));
			emit(e, TOP_ROW_ROUTE, i, "  gsi %-4u %.70s", v.gsi, text);
		}
	}
	emit(e, TOP_ROW_SECTION, 0, "irqfds%s", f->is_replay ? " assigned in the recording" : "");
	for (size_t i = 0; r && i < r->nr_irqfds; i++) {
		const struct irqfd_binding *b = &r->irqfds[i];

		if (b->flags & 2)
			emit(e, TOP_ROW_IRQFD, i, "  eventfd %d -> gsi %u, resample eventfd %d",
			     b->eventfd, b->gsi, b->resamplefd);
		else
			emit(e, TOP_ROW_IRQFD, i, "  eventfd %d -> gsi %u", b->eventfd, b->gsi);
	}
	if (!r || !r->nr_irqfds)
		emit(e, TOP_ROW_NOTE, 0, "  none");
}

void top_vm_detail_rows(const struct top_frame *f, uint32_t vm,
			void (*fn)(void *ctx, const struct top_row *row), void *ctx)
{
	const struct emitter e = { fn, ctx };
	const struct top_vm *v = NULL;
	char nr_vcpus[16] = "?";

	for (size_t i = 0; i < f->nr_vms && !v; i++)
		if (f->vms[i].id == vm)
			v = &f->vms[i];
	if (!v) {
		emit(&e, TOP_ROW_TITLE, 0, "VM %u: not in this frame%s", vm,
		     f->is_replay ? " (not seen yet at this position)" : "");
		return;
	}
	if (v->vcpus >= 0)
		snprintf(nr_vcpus, sizeof(nr_vcpus), "%d", v->vcpus);
	emit(&e, TOP_ROW_TITLE, 0, "VM %u %s  pid %u  KVM %s  %s vCPU%s  %s", v->id,
	     v->name[0] ? v->name : "?", v->pid, v->kvm_name[0] ? v->kvm_name : "?", nr_vcpus,
	     v->vcpus == 1 ? "" : "s", v->chips[0] ? v->chips : "no in-kernel controllers");
	chips(f, vm, &e);
	lines(f, vm, &e);
	msis(f, vm, &e);
	vcpus(f, vm, &e);
	routing(f, vm, &e);
}
