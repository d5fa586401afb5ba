// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/models.h"
#include "top/line_route.h"
#include "top/replay_counts.h"
#include "util/byte_order.h"

/* Bounds on what is tracked: beyond these, new keys are counted as refused. */
#define MAX_LINES 4096 /* KVM_MAX_IRQ_ROUTES */
#define MAX_MSIS  4096
#define MAX_VCPUS 4096

/* Which VM column an event kind counts in (the rate + 1; 0: none). */
static const uint8_t rate_of_kind[KVMIRQ_EV_KIND_MAX] = {
	[KVMIRQ_EV_SET_IRQ] = 1 + TOP_RATE_LINES,
	[KVMIRQ_EV_ARM_IRQ_LINE] = 1 + TOP_RATE_LINES,
	[KVMIRQ_EV_MSI_SET_IRQ] = 1 + TOP_RATE_MSIS,
	[KVMIRQ_EV_INJ_VIRQ] = 1 + TOP_RATE_INJECTIONS,
	[KVMIRQ_EV_VGIC_UPDATE_PENDING] = 1 + TOP_RATE_INJECTIONS,
	[KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO] = 1 + TOP_RATE_INJECTIONS,
	[KVMIRQ_EV_EOI] = 1 + TOP_RATE_EOIS,
	[KVMIRQ_EV_PV_EOI] = 1 + TOP_RATE_EOIS,
	[KVMIRQ_EV_ACK_IRQ] = 1 + TOP_RATE_EOIS,
	[KVMIRQ_EV_MPIC_MMIO] = 1 + TOP_RATE_ATTRS,
};

/* The ioctls that read or write controller state: the "attrs" column. */
static const bool ioctl_is_attr[KVMIRQ_IOCTL_ID_MAX] = {
	[KVMIRQ_IOCTL_SET_DEVICE_ATTR] = true, [KVMIRQ_IOCTL_GET_DEVICE_ATTR] = true,
	[KVMIRQ_IOCTL_HAS_DEVICE_ATTR] = true, [KVMIRQ_IOCTL_GET_IRQCHIP] = true,
	[KVMIRQ_IOCTL_SET_IRQCHIP] = true,     [KVMIRQ_IOCTL_GET_LAPIC] = true,
	[KVMIRQ_IOCTL_SET_LAPIC] = true,
};

int replay_counts_init(struct replay_counts *c, const struct registry *r, uint64_t origin_ns,
		       uint64_t dropped, const struct payload_format *format)
{
	memset(c, 0, sizeof(*c));
	c->registry = r;
	c->origin_ns = origin_ns;
	c->dropped = dropped;
	c->big_endian = format->big_endian;
	c->irq_line_is_gsi = format->platform->irq_line_is_gsi;
	c->nr_vms = r->nr_vms + 1;
	c->vms = calloc(c->nr_vms, sizeof(*c->vms));
	if (!c->vms)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->nr_vms; i++)
		c->vms[i].vm_fd = -1;
	keyed_table_init(&c->lines, sizeof(struct replay_line), MAX_LINES);
	keyed_table_init(&c->msis, sizeof(struct replay_msi), MAX_MSIS);
	keyed_table_init(&c->vcpus, sizeof(struct replay_vcpu), MAX_VCPUS);
	return 0;
}

void replay_counts_free(struct replay_counts *c)
{
	free(c->vms);
	keyed_table_free(&c->lines);
	keyed_table_free(&c->msis);
	keyed_table_free(&c->vcpus);
	memset(c, 0, sizeof(*c));
}

/* ---- counting one event ---- */

static uint32_t payload_u32(const struct replay_counts *c, const uint8_t *p)
{
	return load_u32(p, c->big_endian);
}

/* One more in a VM's column: its total, its rate window and its sparkline. */
static void count_vm(const struct replay_counts *c, struct replay_vm *vm, unsigned rate,
		     uint64_t ns)
{
	vm->total[rate]++;
	rate_window_add(&vm->rate[rate], ns, c->origin_ns);
	time_slices_add(vm->history[rate], TOP_HISTORY, &vm->history_newest[rate],
			time_slice_of(ns, c->origin_ns, HISTORY_SLICE_NS));
}

/* Line L (NULL: the table is full) went to LEVEL at the event H. */
static void line_changed(struct replay_counts *c, struct replay_line *l, int level,
			 const struct kvmirq_event_header *h)
{
	if (!l)
		return;
	l->level = level;
	l->level_known = true;
	l->total++;
	l->last_ns = h->timestamp_ns;
	rate_window_add(&l->rate, h->timestamp_ns, c->origin_ns);
}

static void count_line(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_set_irq *x = (const void *)(h + 1);

	line_changed(c, keyed_table_get(&c->lines, h->vm, x->gsi, 0), x->level, h);
}

/* arm64 lines are keyed by KVM_IRQ_LINE's irq, apart from the GSIs irqfds raise. */
#define ARM_LINE_KEY 1

static void count_arm_line(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_arm_irq_line *x = (const void *)(h + 1);
	const struct arm_irq_line line = {
		.type = x->type, .vcpu = (unsigned)x->vcpu_idx, .num = (unsigned)x->irq_num,
	};

	line_changed(c, keyed_table_get(&c->lines, h->vm, arm_irq_line_join(&line), ARM_LINE_KEY),
		     x->level, h);
}

static void count_msi(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_msi_set_irq *x = (const void *)(h + 1);
	struct replay_msi *m = keyed_table_get(&c->msis, h->vm, x->address, x->data);

	if (!m)
		return;
	m->total++;
	m->last_ns = h->timestamp_ns;
	rate_window_add(&m->rate, h->timestamp_ns, c->origin_ns);
}

static struct replay_vcpu *vcpu(struct replay_counts *c, uint64_t vm, int32_t id)
{
	return keyed_table_get(&c->vcpus, vm, (uint32_t)id, 0);
}

static void count_injection(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	struct replay_vcpu *v = vcpu(c, h->vm, h->vcpu_id);

	if (v) {
		v->injections++;
		rate_window_add(&v->injection_rate, h->timestamp_ns, c->origin_ns);
	}
}

static void count_eoi(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_eoi *x = (const void *)(h + 1);
	struct replay_vcpu *v = vcpu(c, h->vm, (int32_t)x->apicid);

	if (v) {
		v->eois++;
		rate_window_add(&v->eoi_rate, h->timestamp_ns, c->origin_ns);
	}
}

static void count_accept(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_apic_accept_irq *x = (const void *)(h + 1);
	struct replay_vcpu *v = vcpu(c, h->vm, (int32_t)x->apicid);

	if (v) {
		v->accepted++;
		rate_window_add(&v->accept_rate, h->timestamp_ns, c->origin_ns);
	}
}

static void count_ioctl(struct replay_counts *c, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	struct replay_vm *vm = &c->vms[h->vm];
	const struct chip_model *m;

	if (io->ioctl_id < KVMIRQ_IOCTL_ID_MAX && ioctl_is_attr[io->ioctl_id]) {
		/* failed calls too: a VMM that retries one is news */
		count_vm(c, vm, TOP_RATE_ATTRS, h->timestamp_ns);
	}
	if (io->ret < 0) {
		vm->errors++;
		return;
	}
	switch (io->ioctl_id) {
	case KVMIRQ_IOCTL_CREATE_VM: vm->vm_fd = io->ret; break;
	case KVMIRQ_IOCTL_CREATE_VCPU: vm->vcpus++; break;
	case KVMIRQ_IOCTL_CREATE_IRQCHIP: vm->irqchip = true; break;
	case KVMIRQ_IOCTL_CREATE_DEVICE:
		m = chip_model_by_device(io->device_name);
		if (m && !strstr(vm->devices, m->title))
			snprintf(vm->devices + strlen(vm->devices),
				 sizeof(vm->devices) - strlen(vm->devices), "%s%s",
				 vm->devices[0] ? " " : "", m->title);
		break;
	case KVMIRQ_IOCTL_IRQ_LINE:
	case KVMIRQ_IOCTL_IRQ_LINE_STATUS:
		/* the level the VMM set (kvm_set_irq counted the change), struct kvm_irq_level */
		if (io->in_len >= 8) {
			struct replay_line *l =
				keyed_table_get(&c->lines, h->vm, payload_u32(c, io->payload),
						c->irq_line_is_gsi ? 0 : ARM_LINE_KEY);

			if (l) {
				l->level = (int)payload_u32(c, io->payload + 4);
				l->level_known = true;
			}
		}
		break;
	default: break;
	}
}

/* What each kind adds beyond its VM's column. */
static void (*const detail_of_kind[KVMIRQ_EV_KIND_MAX])(struct replay_counts *,
							const struct kvmirq_event_header *) = {
	[KVMIRQ_EV_SET_IRQ] = count_line,	[KVMIRQ_EV_MSI_SET_IRQ] = count_msi,
	[KVMIRQ_EV_INJ_VIRQ] = count_injection, [KVMIRQ_EV_EOI] = count_eoi,
	[KVMIRQ_EV_PV_EOI] = count_eoi,		[KVMIRQ_EV_APIC_ACCEPT_IRQ] = count_accept,
	[KVMIRQ_EV_IOCTL] = count_ioctl,		[KVMIRQ_EV_ARM_IRQ_LINE] = count_arm_line,
};

void replay_counts_add(struct replay_counts *c, const void *rec, size_t len)
{
	const struct kvmirq_event_header *h = rec;
	struct replay_vm *vm;
	unsigned rate;

	if (len < sizeof(*h) || h->kind >= KVMIRQ_EV_KIND_MAX || h->kind == KVMIRQ_EV_IOCTL_PAYLOAD)
		return;
	if (!h->vm || h->vm >= c->nr_vms) {
		c->unattributed++; /* which VM it belongs to is not known: counted nowhere */
		return;
	}
	vm = &c->vms[h->vm];
	vm->seen = true;
	rate = rate_of_kind[h->kind];
	if (rate--)
		count_vm(c, vm, rate, h->timestamp_ns);
	if (detail_of_kind[h->kind])
		detail_of_kind[h->kind](c, h);
}

/* ---- the frame ---- */

static int vcpu_count(const struct registry *r, uint32_t vm)
{
	int n = 0;

	for (unsigned i = 0; i < r->nr_objects; i++)
		n += r->objects[i].vm == vm && r->objects[i].fd_kind == KVMIRQ_FD_VCPU;
	return n ? n : -1;
}

static void add_word(char *buf, size_t len, const char *word)
{
	size_t n = strlen(buf);

	/* whole words only: "PIC" must not match inside another title */
	for (const char *p = strstr(buf, word); p; p = strstr(p + 1, word))
		if ((p == buf || p[-1] == ' ') && (p[strlen(word)] == ' ' || !p[strlen(word)]))
			return;
	snprintf(buf + n, len - n, "%s%s", n ? " " : "", word);
}

/* Short names of the x86 controllers; a device's is its model's title. */
static const struct {
	const struct chip_model *model;
	const char *name;
} short_names[] = {
	{ &chip_model_x86_pic_master, "PIC" },
	{ &chip_model_x86_pic_slave, "PIC" },
	{ &chip_model_x86_ioapic, "IOAPIC" },
	{ &chip_model_x86_lapic, "LAPIC" },
};

static const char *short_name(const struct chip_state *s)
{
	for (size_t i = 0; i < sizeof(short_names) / sizeof(short_names[0]); i++)
		if (s->model == short_names[i].model)
			return short_names[i].name;
	return s->model ? s->model->title : s->model_name;
}

/* The VM's in-kernel controllers: those it created, and those the state holds
 * (a recording that began after the VM was set up). */
static void chips_text(const struct replay_vm *v, uint32_t id, const struct snapshot *state,
		       char *buf, size_t len)
{
	buf[0] = '\0';
	if (v->irqchip) {
		add_word(buf, len, "PIC");
		add_word(buf, len, "IOAPIC");
		add_word(buf, len, "LAPIC");
	}
	for (size_t i = 0; state && i < state->nr_chips; i++)
		if (state->chips[i].vm == id)
			add_word(buf, len, short_name(&state->chips[i]));
	if (v->devices[0])
		add_word(buf, len, v->devices);
}

static void fill_vm(const struct replay_counts *c, uint32_t id, uint64_t now,
		    const struct snapshot *state, struct top_vm *out)
{
	const struct replay_vm *v = &c->vms[id];
	const struct vm_entry *e = registry_find_vm(c->registry, id);
	const struct process_entry *p = e ? registry_find_process(c->registry, e->pid) : NULL;
	uint64_t last = time_slice_of(now, c->origin_ns, HISTORY_SLICE_NS);

	memset(out, 0, sizeof(*out));
	out->id = id;
	out->pid = e ? e->pid : 0;
	snprintf(out->name, sizeof(out->name), "%s", !p ? "" : p->name[0] ? p->name : p->comm);
	if (v->vm_fd >= 0)
		snprintf(out->kvm_name, sizeof(out->kvm_name), "%u-%lld", out->pid,
			 (long long)v->vm_fd);
	/* those it created, else those the recording saw (it began after they were) */
	out->vcpus = v->vcpus ? v->vcpus : vcpu_count(c->registry, id);
	chips_text(v, id, state, out->chips, sizeof(out->chips));
	for (int r = 0; r < TOP_NR_RATES; r++) {
		out->rate[r] = rate_window_rate(&v->rate[r], now, c->origin_ns);
		out->total[r] = v->total[r];
		for (unsigned j = 0; j < TOP_HISTORY; j++) {
			uint64_t back = TOP_HISTORY - 1 - j;

			out->history[r][j] =
				last > back ? (float)time_slices_get(v->history[r], TOP_HISTORY,
								     v->history_newest[r],
								     last - back) /
						      (float)(HISTORY_SLICE_NS / 1e9)
					    : 0;
		}
	}
	out->errors = v->errors;
	out->drops = c->dropped;
}

int replay_counts_fill(const struct replay_counts *c, uint64_t now, const struct snapshot *state,
		       struct top_frame *f)
{
	size_t n = 0;

	for (uint32_t id = 1; id < c->nr_vms; id++)
		n += c->vms[id].seen;
	f->vms = calloc(n ? n : 1, sizeof(*f->vms));
	f->lines = calloc(c->lines.nr ? c->lines.nr : 1, sizeof(*f->lines));
	f->msis = calloc(c->msis.nr ? c->msis.nr : 1, sizeof(*f->msis));
	f->vcpus = calloc(c->vcpus.nr ? c->vcpus.nr : 1, sizeof(*f->vcpus));
	if (!f->vms || !f->lines || !f->msis || !f->vcpus)
		return -ENOMEM;
	for (uint32_t id = 1; id < c->nr_vms; id++)
		if (c->vms[id].seen)
			fill_vm(c, id, now, state, &f->vms[f->nr_vms++]);
	for (size_t i = 0; i < c->lines.nr; i++) {
		const struct replay_line *l = keyed_table_at(&c->lines, i);
		struct top_line *t = &f->lines[f->nr_lines++];

		t->vm = (uint32_t)l->k.key[0];
		t->gsi = (uint32_t)l->k.key[1];
		t->level = l->level_known ? l->level : -1;
		t->rate = rate_window_rate(&l->rate, now, c->origin_ns);
		t->total = l->total;
		t->last_ns = l->last_ns;
		t->trigger = t->masked = -1;
		if (l->k.key[2] == ARM_LINE_KEY) /* straight to the GIC: no routing */
			top_arm_line(state, t);
		else if (state)
			top_line_route(state, c->vms[t->vm].irqchip, t);
	}
	for (size_t i = 0; i < c->msis.nr; i++) {
		const struct replay_msi *m = keyed_table_at(&c->msis, i);
		struct top_msi *t = &f->msis[f->nr_msis++];

		t->vm = (uint32_t)m->k.key[0];
		t->address = m->k.key[1];
		t->data = (uint32_t)m->k.key[2];
		t->rate = rate_window_rate(&m->rate, now, c->origin_ns);
		t->total = m->total;
		t->last_ns = m->last_ns;
	}
	for (size_t i = 0; i < c->vcpus.nr; i++) {
		const struct replay_vcpu *v = keyed_table_at(&c->vcpus, i);
		struct top_vcpu *t = &f->vcpus[f->nr_vcpus++];

		t->vm = (uint32_t)v->k.key[0];
		t->vcpu = (int32_t)(uint32_t)v->k.key[1];
		t->injections = rate_window_rate(&v->injection_rate, now, c->origin_ns);
		t->eois = rate_window_rate(&v->eoi_rate, now, c->origin_ns);
		t->accepted = rate_window_rate(&v->accept_rate, now, c->origin_ns);
		t->total_injections = v->injections;
		t->total_eois = v->eois;
		t->total_accepted = v->accepted;
	}
	return 0;
}
