// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "codec/names.h"
#include "export/model.h"
#include "registry/registry.h"

#define RATE_WINDOW_NS 10000000ULL /* event rates are counted per 10 ms */
#define PER_SECOND (1000000000ULL / RATE_WINDOW_NS)

void export_model_init(struct export_model *m, const struct registry *registry,
		       const struct payload_format *format, const struct export_flows *flows,
		       const struct export_writer *writer, void *w)
{
	uint32_t last = 0;

	memset(m, 0, sizeof(*m));
	m->registry = registry;
	m->format = format;
	m->flows = flows;
	m->writer = writer;
	m->w = w;
	for (unsigned int i = 0; i < registry->nr_vms; i++)
		if (registry->vms[i].id > last)
			last = registry->vms[i].id;
	m->no_vm_pid = last + 1;
	kv_init(&m->args);
}

void export_model_free(struct export_model *m)
{
	free(m->tracks);
	kv_free(&m->args);
	memset(m, 0, sizeof(*m));
}

static struct export_track *track_add(struct export_model *m, enum export_track_kind kind,
				      uint32_t vm)
{
	struct export_track *t;

	if (m->nr_tracks == m->cap_tracks) {
		size_t cap = m->cap_tracks ? m->cap_tracks * 2 : 32;

		t = realloc(m->tracks, cap * sizeof(*t));
		if (!t) {
			m->failed = true;
			return NULL;
		}
		m->tracks = t;
		m->cap_tracks = cap;
	}
	t = &m->tracks[m->nr_tracks];
	*t = (struct export_track){
		.kind = kind, .uuid = m->nr_tracks + 1, .vm = vm, .vcpu = EXPORT_VCPU_NONE,
		.pid = vm ? vm : m->no_vm_pid,
	};
	m->nr_tracks++;
	return t;
}

static struct export_track *process_track(struct export_model *m, uint32_t vm)
{
	for (size_t i = 0; i < m->nr_tracks; i++)
		if (m->tracks[i].kind == EXPORT_PROCESS && m->tracks[i].vm == vm)
			return &m->tracks[i];
	return track_add(m, EXPORT_PROCESS, vm);
}

/* A track under VM's process; the process's is made first, so it comes first. */
static struct export_track *child_track(struct export_model *m, enum export_track_kind kind,
					uint32_t vm)
{
	struct export_track *p = process_track(m, vm), *t;
	uint64_t parent;

	if (!p)
		return NULL;
	parent = p->uuid;
	t = track_add(m, kind, vm);
	if (t)
		t->parent_uuid = parent;
	return t;
}

static struct export_track *thread_track(struct export_model *m,
					 const struct kvmirq_event_header *h)
{
	uint32_t vm = (uint32_t)h->vm;
	struct export_track *t = NULL;

	for (size_t i = 0; i < m->nr_tracks && !t; i++)
		if (m->tracks[i].kind == EXPORT_THREAD && m->tracks[i].vm == vm &&
		    m->tracks[i].tid == h->tid)
			t = &m->tracks[i];
	if (!t) {
		t = child_track(m, EXPORT_THREAD, vm);
		if (!t)
			return NULL;
		t->tid = h->tid;
	}
	if (h->flags & KVMIRQ_F_KERNEL_THREAD)
		t->kernel_thread = true;
	else if (h->vcpu_id >= 0 && t->vcpu == EXPORT_VCPU_NONE)
		t->vcpu = h->vcpu_id;
	else if (h->vcpu_id >= 0 && t->vcpu != h->vcpu_id)
		t->vcpu = EXPORT_VCPU_SEVERAL;
	return t;
}

static struct export_track *counter_track(struct export_model *m, uint32_t vm, const char *name,
					  const char *series)
{
	struct export_track *t;

	for (size_t i = 0; i < m->nr_tracks; i++)
		if (m->tracks[i].kind == EXPORT_COUNTER && m->tracks[i].vm == vm &&
		    m->tracks[i].series == series && !strcmp(m->tracks[i].counter, name))
			return &m->tracks[i];
	t = child_track(m, EXPORT_COUNTER, vm);
	if (t) {
		snprintf(t->counter, sizeof(t->counter), "%s", name);
		t->series = series;
	}
	return t;
}

static void counter_value(struct export_model *m, const struct export_track *t, uint64_t ts,
			  int64_t value)
{
	const struct export_item it = {
		.type = EXPORT_COUNTER_VALUE, .track = t, .ts_ns = ts, .value = value,
	};

	m->writer->item(m->w, &it);
}

static const char SERIES_LEVEL[] = "level";
static const char SERIES_RATE[] = "events/s";

/* The level a line event sets, and the line's name; false for other events. */
static bool line_level(const struct kvmirq_event_header *h, char *name, size_t len,
		       int64_t *level)
{
	const void *body = h + 1;

	switch (h->kind) {
	case KVMIRQ_EV_SET_IRQ: {
		const struct kvmirq_ev_set_irq *e = body;

		snprintf(name, len, "GSI %u", e->gsi);
		*level = e->level;
		return true;
	}
	case KVMIRQ_EV_ARM_IRQ_LINE: {
		const struct kvmirq_ev_arm_irq_line *e = body;
		const struct arm_irq_line l = {
			.type = e->type, .vcpu = (unsigned)e->vcpu_idx, .num = (unsigned)e->irq_num,
		};

		arm_irq_line_text(&l, name, len);
		*level = e->level;
		return true;
	}
	case KVMIRQ_EV_VGIC_UPDATE_PENDING: {
		const struct kvmirq_ev_vgic_update_pending *e = body;

		arm_intid_text(e->irq, (unsigned)e->vcpu_id, name, len);
		*level = e->level;
		return true;
	}
	case KVMIRQ_EV_ARM_TIMER_UPDATE: {
		const struct kvmirq_ev_arm_timer_update *e = body;

		arm_intid_text(e->irq, (unsigned)e->vcpu_id, name, len);
		*level = e->level;
		return true;
	}
	default:
		return false;
	}
}

/* Close the counted windows before WINDOW: a value per change, 0 after a gap. */
static void rate_advance(struct export_model *m, struct export_track *t, uint64_t window)
{
	uint64_t value;

	if (window <= t->window)
		return;
	value = t->count * PER_SECOND;
	if (!t->sampled || value != t->last_value)
		counter_value(m, t, t->window * RATE_WINDOW_NS, (int64_t)value);
	t->sampled = true;
	t->last_value = value;
	if (window > t->window + 1 && value) {
		counter_value(m, t, (t->window + 1) * RATE_WINDOW_NS, 0);
		t->last_value = 0;
	}
	t->window = window;
	t->count = 0;
}

static void rate_count(struct export_model *m, const struct kvmirq_event_header *h)
{
	uint64_t window = h->timestamp_ns / RATE_WINDOW_NS;
	struct export_track *t = counter_track(m, (uint32_t)h->vm, event_kind_name(h->kind),
					       SERIES_RATE);

	if (!t)
		return;
	if (!t->rate) {
		t->rate = true;
		t->window = window;
	}
	rate_advance(m, t, window); /* an event a little out of order counts in the current window */
	t->count++;
}

static void event_args(struct export_model *m, const struct event_decoded *e)
{
	const struct kvmirq_event_header *h = e->h;
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);

	kv_reset(&m->args);
	if (h->vcpu_id >= 0)
		kv_s64(&m->args, "vcpu", h->vcpu_id);
	kv_u64(&m->args, "cpu", h->cpu);
	if (h->flags & KVMIRQ_F_UNATTRIBUTED)
		kv_bool(&m->args, "unattributed", 1);
	if (h->flags & KVMIRQ_F_KERNEL_THREAD)
		kv_bool(&m->args, "kernel_thread", 1);
	if (h->kind != KVMIRQ_EV_IOCTL)
		return;
	kv_s64(&m->args, "fd", io->fd);
	kv_str(&m->args, "fd_kind", fd_kind_name(io->fd_kind));
	if (io->device_name[0])
		kv_str(&m->args, "device", io->device_name);
	kv_s64(&m->args, "ret", io->ret < 0 ? -1 : io->ret);
	if (io->ret < 0) {
		kv_u64(&m->args, "errno", 0 - (uint64_t)io->ret);
		kv_str(&m->args, "error", strerror((int)(0 - (uint64_t)io->ret)));
	}
	kv_u64(&m->args, "duration_ns", io->duration_ns);
	if (e->key_frame)
		kv_bool(&m->args, "key_frame", 1);
	if (!e->in_complete || (h->flags & KVMIRQ_F_PAYLOAD_FAULT))
		kv_bool(&m->args, "payload_incomplete", 1);
}

void export_model_event(void *model, const struct event_decoded *e)
{
	struct export_model *m = model;
	const struct kvmirq_event_header *h = e->h;
	struct export_track *t = thread_track(m, h);
	struct export_item it = {
		.track = t, .name = event_kind_name(h->kind), .ts_ns = h->timestamp_ns,
		.args = &m->args, .fields = e->fields,
	};
	char line[48];
	int64_t level;

	if (!t)
		return;
	event_args(m, e);
	if (h->kind == KVMIRQ_EV_IOCTL) {
		const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
		/* recorded at its exit; one thread's ioctls never overlap, even rounded */
		uint64_t begin = h->timestamp_ns - io->duration_ns;

		if (io->duration_ns > h->timestamp_ns || begin < t->slice_end)
			begin = t->slice_end;
		if (begin > h->timestamp_ns)
			begin = h->timestamp_ns;
		it.type = EXPORT_SLICE;
		it.name = ioctl_name(io->ioctl_id);
		it.category = "ioctl";
		it.ts_ns = begin;
		it.dur_ns = h->timestamp_ns - begin;
		t->slice_end = h->timestamp_ns;
	} else {
		it.type = EXPORT_INSTANT;
		it.category = h->kind == KVMIRQ_EV_VCPUS_RUNNING ? "run" : "delivery";
		it.flow = export_flow_mark(m->flows, m->index);
	}
	m->writer->item(m->w, &it);
	if (line_level(h, line, sizeof(line), &level)) {
		const struct export_track *c = counter_track(m, (uint32_t)h->vm, line, SERIES_LEVEL);

		if (c)
			counter_value(m, c, h->timestamp_ns, level);
	}
	rate_count(m, h);
}

static void name_process(struct export_model *m, struct export_track *t)
{
	const struct vm_entry *vm = registry_find_vm(m->registry, t->vm);
	const struct process_entry *p = vm ? registry_find_process(m->registry, vm->pid) : NULL;

	if (!vm)
		snprintf(t->name, sizeof(t->name), "no VM (unattributed events)");
	else if (p && p->name[0])
		snprintf(t->name, sizeof(t->name), "VM %u: pid %u (%s: %s)", t->vm, vm->pid, p->comm,
			 p->name);
	else
		snprintf(t->name, sizeof(t->name), "VM %u: pid %u (%s)", t->vm, vm->pid,
			 p && p->comm[0] ? p->comm : "?");
}

static void name_thread(struct export_model *m, struct export_track *t)
{
	const struct vm_entry *vm = registry_find_vm(m->registry, t->vm);
	const struct process_entry *p = vm ? registry_find_process(m->registry, vm->pid) : NULL;

	if (t->kernel_thread)
		snprintf(t->name, sizeof(t->name), "kernel thread %u", t->tid);
	else if (t->vcpu >= 0)
		snprintf(t->name, sizeof(t->name), "vCPU %d (tid %u)", t->vcpu, t->tid);
	else
		snprintf(t->name, sizeof(t->name), "%s %u", p && p->comm[0] ? p->comm : "thread",
			 t->tid);
}

void export_model_finish(struct export_model *m)
{
	for (size_t i = 0; i < m->nr_tracks; i++) {
		struct export_track *t = &m->tracks[i];

		if (t->kind == EXPORT_PROCESS)
			name_process(m, t);
		else if (t->kind == EXPORT_THREAD)
			name_thread(m, t);
		else if (t->rate)
			rate_advance(m, t, t->window + 2); /* the last window, then 0 */
	}
}
