// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "top/format.h"
#include "top/vm_table.h"
#include "util/text_cells.h"

static void fmt_id(const struct top_vm *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u", v->id);
}

static void fmt_pid(const struct top_vm *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u", v->pid);
}

static void fmt_name(const struct top_vm *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", v->name[0] ? v->name : "?", v->gone ? " (gone)" : "");
}

static void fmt_kvm(const struct top_vm *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", v->kvm_name[0] ? v->kvm_name : "-");
}

static void fmt_vcpus(const struct top_vm *v, char *buf, size_t len)
{
	if (v->vcpus < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", v->vcpus);
}

static void fmt_chips(const struct top_vm *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", v->chips[0] ? v->chips : "-");
}

#define RATE_COLUMN(fn, which)                                                                     \
	static void fmt_##fn(const struct top_vm *v, char *buf, size_t len)                        \
	{                                                                                          \
		top_format_rate(v->rate[which], buf, len);                                         \
	}                                                                                          \
	static double num_##fn(const struct top_vm *v)                                             \
	{                                                                                          \
		return v->rate[which];                                                             \
	}
RATE_COLUMN(lines, TOP_RATE_LINES)
RATE_COLUMN(msis, TOP_RATE_MSIS)
RATE_COLUMN(injections, TOP_RATE_INJECTIONS)
RATE_COLUMN(eois, TOP_RATE_EOIS)
RATE_COLUMN(attrs, TOP_RATE_ATTRS)

static void fmt_errors(const struct top_vm *v, char *buf, size_t len)
{
	top_format_count(v->errors, buf, len);
}

static void fmt_findings(const struct top_vm *v, char *buf, size_t len)
{
	top_format_count(v->findings, buf, len);
}

static void fmt_drops(const struct top_vm *v, char *buf, size_t len)
{
	top_format_count(v->drops, buf, len);
}

static double num_id(const struct top_vm *v)
{
	return -(double)v->id; /* largest first, so the lowest id comes first */
}

static double num_pid(const struct top_vm *v)
{
	return -(double)v->pid;
}

static double num_vcpus(const struct top_vm *v)
{
	return v->vcpus;
}

static double num_errors(const struct top_vm *v)
{
	return (double)v->errors;
}

static double num_findings(const struct top_vm *v)
{
	return (double)v->findings;
}

static double num_drops(const struct top_vm *v)
{
	return (double)v->drops;
}

const struct top_vm_column top_vm_columns[] = {
	{ "VM", "the VM's id in this session (--vm ID)", 3, false, 0, fmt_id, num_id, -1 },
	{ "PID", "its VMM's process id", 7, false, 0, fmt_pid, num_pid, -1 },
	{ "NAME", "QEMU's -name guest=, else the command line", 8, true, 0, fmt_name, NULL, -1,
	  false, 24 },
	{ "KVM", "KVM's own name for the VM, PID-FD", 10, true, 3, fmt_kvm, NULL, -1 },
	{ "VCPU", "vCPUs", 4, false, 0, fmt_vcpus, num_vcpus, -1 },
	{ "CHIPS", "in-kernel interrupt controllers", 16, true, 2, fmt_chips, NULL, -1 },
	{ "LINE/s", "line level changes per second (kvm_set_irq)", 6, false, 0, fmt_lines,
	  num_lines, TOP_RATE_LINES },
	{ "MSI/s", "MSIs per second (kvm_msi_set_irq)", 6, false, 0, fmt_msis, num_msis,
	  TOP_RATE_MSIS },
	{ "INJ/s", "interrupts injected into vCPUs per second (kvm_inj_virq)", 6, false, 0,
	  fmt_injections, num_injections, TOP_RATE_INJECTIONS },
	{ "EOI/s", "EOIs and acks per second (kvm_eoi, kvm_pv_eoi, kvm_ack_irq)", 6, false, 0,
	  fmt_eois, num_eois, TOP_RATE_EOIS },
	{ "ATTR/s",
	  "controller state reads and writes per second (device attributes, "
	  "GET/SET_IRQCHIP, GET/SET_LAPIC)",
	  6, false, 0, fmt_attrs, num_attrs, TOP_RATE_ATTRS },
	{ "ERR", "KVM ioctls that failed", 5, false, 0, fmt_errors, num_errors, -1, true },
	{ "FIND", "kvmirq check's findings about the VM so far (f lists them)", 4, false, 1,
	  fmt_findings, num_findings, -1, true },
	{ "DROP", "events lost on the way (in a replay: the whole recording's)", 5, false, 0,
	  fmt_drops, num_drops, -1, true },
};
const size_t top_nr_vm_columns = sizeof(top_vm_columns) / sizeof(top_vm_columns[0]);
_Static_assert(sizeof(top_vm_columns) / sizeof(top_vm_columns[0]) <= TOP_MAX_VM_COLUMNS,
	       "TOP_MAX_VM_COLUMNS is too small");

int top_vm_compare(const struct top_vm *a, const struct top_vm *b, size_t column)
{
	const struct top_vm_column *c = &top_vm_columns[column];
	int cmp = 0;

	if (c->number) {
		double x = c->number(a), y = c->number(b);

		cmp = x > y ? -1 : x < y;
	} else {
		char x[128], y[128];

		c->format(a, x, sizeof(x));
		c->format(b, y, sizeof(y));
		cmp = strcmp(x, y);
	}
	return cmp ? cmp : a->id < b->id ? -1 : a->id > b->id;
}

void top_vm_cell(const struct top_vm *v, size_t column, unsigned width, bool utf8, char *buf,
		 size_t len)
{
	const struct top_vm_column *c = &top_vm_columns[column];
	char text[128], fit[128];
	int pad;

	c->format(v, text, sizeof(text));
	top_format_elide(text, width, utf8, fit, sizeof(fit));
	pad = (int)(width - text_cells(fit));
	if (c->left)
		snprintf(buf, len, "%s%*s", fit, pad, "");
	else
		snprintf(buf, len, "%*s%s", pad, "", fit);
}
