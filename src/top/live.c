// SPDX-License-Identifier: GPL-2.0
/*
 * The live source: BPF counters aggregated per VM, kind, vCPU and detail
 * (bpf/aggregate.bpf.h), read once per refresh and turned into rates by
 * the difference with the previous read. VMs come from /proc (every
 * process with a KVM VM fd) and from the kernel side's VM table, matched by
 * KVM's own name for a VM, "PID-FD".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chips/arm_irq.h"
#include "top/line_route.h"
#include "top/live.h"
#include "top/live_check.h"
#include "top/live_vms.h"
#include "trace/live_capture.h"

struct counter {
	struct kvmirq_agg_key key;
	struct kvmirq_agg_value v; /* summed over CPUs */
	uint64_t previous;	   /* count at the previous refresh */
};

struct live {
	struct live_capture capture;
	struct top_live_check check;
	struct top_live_options opts;
	struct live_vms vms;
	struct counter *counters;
	size_t nr_counters, cap_counters;
	uint64_t last_refresh_ns;
	struct kvmirq_agg_value *percpu;
	int ncpus;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct counter *)a)->key, &((const struct counter *)b)->key,
		      sizeof(struct kvmirq_agg_key));
}

/* Read the whole map; new keys are appended, then the array is sorted again. */
static int read_counters(struct live *l)
{
	int fd = capture_aggregate_fd(l->capture.capture);
	struct kvmirq_agg_key key, next;
	void *prev = NULL;
	size_t old = l->nr_counters;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct kvmirq_agg_value sum = { 0 };
		struct counter *c;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, l->percpu))
			continue;
		for (int cpu = 0; cpu < l->ncpus; cpu++) {
			sum.count += l->percpu[cpu].count;
			if (l->percpu[cpu].last_ns > sum.last_ns) {
				sum.last_ns = l->percpu[cpu].last_ns;
				sum.last = l->percpu[cpu].last;
			}
		}
		c = old ? bsearch(&(struct counter){ .key = key }, l->counters, old, sizeof(*c),
				  key_cmp)
			: NULL;
		if (!c) {
			if (l->nr_counters == l->cap_counters) {
				size_t cap = l->cap_counters ? l->cap_counters * 2 : 256;
				struct counter *p = realloc(l->counters, cap * sizeof(*p));

				if (!p)
					return -ENOMEM;
				l->counters = p;
				l->cap_counters = cap;
			}
			c = &l->counters[l->nr_counters++];
			c->key = key;
			c->previous = 0;
		}
		c->v = sum;
	}
	if (l->nr_counters) /* none yet: no array to sort */
		qsort(l->counters, l->nr_counters, sizeof(*l->counters), key_cmp);
	return 0;
}

static enum top_rate rate_of(uint16_t kind, uint64_t detail)
{
	switch (kind) {
	case KVMIRQ_EV_SET_IRQ:
	case KVMIRQ_EV_ARM_IRQ_LINE:
		return TOP_RATE_LINES;
	case KVMIRQ_EV_MSI_SET_IRQ:
		return TOP_RATE_MSIS;
	case KVMIRQ_EV_INJ_VIRQ:
	case KVMIRQ_EV_VGIC_UPDATE_PENDING:
	case KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO:
		return TOP_RATE_INJECTIONS;
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI:
	case KVMIRQ_EV_ACK_IRQ: /* PIC and IOAPIC acks, as frame.h and the replay count them */
		return TOP_RATE_EOIS;
	case KVMIRQ_EV_MPIC_MMIO:
		return TOP_RATE_ATTRS;
	case KVMIRQ_EV_IOCTL:
		switch (detail & 0xff) {
		case KVMIRQ_IOCTL_SET_DEVICE_ATTR:
		case KVMIRQ_IOCTL_GET_DEVICE_ATTR:
		case KVMIRQ_IOCTL_HAS_DEVICE_ATTR:
		case KVMIRQ_IOCTL_GET_IRQCHIP:
		case KVMIRQ_IOCTL_SET_IRQCHIP:
		case KVMIRQ_IOCTL_GET_LAPIC:
		case KVMIRQ_IOCTL_SET_LAPIC:
			return TOP_RATE_ATTRS;
		}
		return TOP_NR_RATES;
	default:
		return TOP_NR_RATES;
	}
}

static void *grow(void *p, size_t n, size_t size)
{
	return realloc(p, (n + 1) * size);
}

static int add_line(struct top_frame *f, const struct counter *c, uint32_t vm, double rate)
{
	struct top_line *lines = grow(f->lines, f->nr_lines, sizeof(*lines));
	struct top_line *t;

	if (!lines)
		return -ENOMEM;
	f->lines = lines;
	t = &lines[f->nr_lines++];
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->gsi = (uint32_t)c->key.detail;
	t->trigger = t->masked = -1;
	t->level = (int)(int64_t)c->v.last;
	t->rate = rate;
	t->total = c->v.count;
	t->last_ns = c->v.last_ns;
	return 0;
}

/* kvm_irq_line's counter: detail = type << 32 | number, the vCPU index as its vCPU. */
static int add_arm_line(struct top_frame *f, const struct counter *c, uint32_t vm, double rate)
{
	const struct arm_irq_line line = {
		.type = (unsigned)(c->key.detail >> 32), .vcpu = (unsigned)c->key.vcpu,
		.num = (unsigned)c->key.detail,
	};
	int err = add_line(f, c, vm, rate);

	if (err)
		return err;
	f->lines[f->nr_lines - 1].gsi = arm_irq_line_join(&line);
	top_arm_line(NULL, &f->lines[f->nr_lines - 1]);
	return 0;
}

static int add_msi(struct top_frame *f, const struct counter *c, uint32_t vm, double rate)
{
	struct top_msi *msis = grow(f->msis, f->nr_msis, sizeof(*msis));
	struct top_msi *m;

	if (!msis)
		return -ENOMEM;
	f->msis = msis;
	m = &msis[f->nr_msis++];
	m->vm = vm;
	m->address = (c->key.detail >> 32) | c->v.last << 32;
	m->data = (uint32_t)c->key.detail;
	m->rate = rate;
	m->total = c->v.count;
	m->last_ns = c->v.last_ns;
	return 0;
}

static int add_vcpu(struct top_frame *f, uint32_t vm, int32_t vcpu, bool eoi, double rate,
		    uint64_t total)
{
	struct top_vcpu *v = NULL;

	for (size_t i = 0; i < f->nr_vcpus && !v; i++)
		if (f->vcpus[i].vm == vm && f->vcpus[i].vcpu == vcpu)
			v = &f->vcpus[i];
	if (!v) {
		struct top_vcpu *p = grow(f->vcpus, f->nr_vcpus, sizeof(*p));

		if (!p)
			return -ENOMEM;
		f->vcpus = p;
		v = &p[f->nr_vcpus++];
		memset(v, 0, sizeof(*v));
		v->vm = vm;
		v->vcpu = vcpu;
	}
	if (eoi) {
		v->eois += rate;
		v->total_eois += total;
	} else {
		v->injections += rate;
		v->total_injections += total;
	}
	return 0;
}

/* One counter into the frame: its VM's columns, and a line, MSI or vCPU row. */
static int account(struct live *l, struct top_frame *f, struct counter *c, double secs)
{
	struct top_vm *vm = live_vms_by_kvm(&l->vms, c->key.vm);
	uint64_t delta = c->v.count - c->previous;
	double rate = secs > 0 ? (double)delta / secs : 0;
	enum top_rate r = rate_of(c->key.kind, c->key.detail);

	c->previous = c->v.count;
	if (!vm)
		return 0; /* unattributed, or a VM of a process that --pid leaves out */
	if (r < TOP_NR_RATES) {
		vm->rate[r] += rate;
		vm->total[r] += c->v.count;
	}
	if (c->key.kind == KVMIRQ_EV_IOCTL && (c->key.detail & KVMIRQ_AGG_IOCTL_FAILED))
		vm->errors += c->v.count;
	switch (c->key.kind) {
	case KVMIRQ_EV_SET_IRQ:
		return add_line(f, c, vm->id, rate);
	case KVMIRQ_EV_ARM_IRQ_LINE:
		return add_arm_line(f, c, vm->id, rate);
	case KVMIRQ_EV_MSI_SET_IRQ:
		return add_msi(f, c, vm->id, rate);
	case KVMIRQ_EV_INJ_VIRQ:
		return add_vcpu(f, vm->id, c->key.vcpu, false, rate, c->v.count);
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI:
		return add_vcpu(f, vm->id, c->key.vcpu, true, rate, c->v.count);
	default:
		return 0;
	}
}

static int live_refresh(void *ctx, struct top_frame *f)
{
	struct live *l = ctx;
	struct kvmirq_kind_counters kinds[KVMIRQ_EV_KIND_MAX] = { { 0 } };
	uint64_t now = now_ns(), drops = 0;
	double secs = l->last_refresh_ns ? (double)(now - l->last_refresh_ns) / 1e9 : 0;
	int ret;

	top_frame_clear(f);
	f->status[0] = '\0'; /* "no KVM VM is running" holds for one frame */
	f->time_ns = now;
	f->interval_s = secs;
	f->history_step_s = secs; /* each refresh adds one point */
	snprintf(f->source, sizeof(f->source), "live");
	ret = live_vms_scan(&l->vms, l->opts.pid, capture_vm_info_fd(l->capture.capture));
	if (!ret)
		ret = live_capture_drain(&l->capture); /* the ioctl records, to the checker */
	if (!ret)
		ret = read_counters(l);
	if (ret) {
		snprintf(f->status, sizeof(f->status), "cannot read the counters: %s",
			 strerror(-ret));
		return ret;
	}
	live_vms_reset_rates(&l->vms);
	for (size_t i = 0; i < l->nr_counters && !ret; i++)
		ret = account(l, f, &l->counters[i], secs);
	if (!capture_read_counters(l->capture.capture, kinds))
		for (int k = 0; k < KVMIRQ_EV_KIND_MAX; k++)
			drops += kinds[k].dropped;
	live_vms_finish(&l->vms, drops);
	ret = ret ? ret : live_vms_to_frame(&l->vms, f);
	ret = ret ? ret : top_live_check_to_frame(&l->check, f);
	if (!ret && !f->nr_vms)
		snprintf(f->status, sizeof(f->status), "no KVM VM is running%s",
			 l->opts.pid ? " in that process" : "");
	else if (!ret && (kinds[KVMIRQ_EV_IOCTL].dropped || kinds[KVMIRQ_EV_IOCTL_PAYLOAD].dropped))
		snprintf(f->status, sizeof(f->status),
			 "%llu KVM ioctl records lost (ring full): findings may be missing",
			 (unsigned long long)(kinds[KVMIRQ_EV_IOCTL].dropped +
					      kinds[KVMIRQ_EV_IOCTL_PAYLOAD].dropped));
	l->last_refresh_ns = now;
	return ret;
}

static int live_snapshot(void *ctx, uint32_t vm)
{
	struct live *l = ctx;

	return live_vms_snapshot(&l->vms, vm);
}

static int not_replay(void *ctx, long n)
{
	(void)ctx;
	(void)n;
	return -ENOTSUP;
}

static int not_replay_seek(void *ctx, uint64_t ns)
{
	(void)ctx;
	(void)ns;
	return -ENOTSUP;
}

static int not_replay_speed(void *ctx, double speed)
{
	(void)ctx;
	(void)speed;
	return -ENOTSUP;
}

/* Live, "pause" freezes the screen, not the VMs: the caller stops refreshing. */
static int not_replay_pause(void *ctx, bool paused)
{
	(void)ctx;
	(void)paused;
	return -ENOTSUP;
}

static void live_close(void *ctx)
{
	struct live *l = ctx;

	top_live_check_free(&l->check);
	live_capture_close(&l->capture);
	live_vms_free(&l->vms);
	free(l->counters);
	free(l->percpu);
	free(l);
}

static const struct top_source_ops live_ops = {
	.refresh = live_refresh,
	.snapshot = live_snapshot,
	.step = not_replay,
	.seek = not_replay_seek,
	.set_speed = not_replay_speed,
	.set_paused = not_replay_pause,
	.close = live_close,
};

int top_live_open(struct top_source *src, const struct top_live_options *o, char *err,
		  size_t errlen)
{
	/* delivery counted in the kernel; the ioctls, rare next to it, as
	 * records for the checker, read at each refresh: a ring for seconds of
	 * a storm of small ioctls */
	struct capture_options copts = {
		.pid = (unsigned int)o->pid, .ringbuf_mib = 8, .verbose = o->verbose,
		.aggregate = true, .ioctl_records = true,
	};
	struct live *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->opts = *o;
	l->ncpus = libbpf_num_possible_cpus();
	l->percpu = l->ncpus > 0 ? calloc((size_t)l->ncpus, sizeof(*l->percpu)) : NULL;
	if (!l->percpu) {
		free(l);
		return -ENOMEM;
	}
	live_vms_init(&l->vms, o->snapshots);
	ret = live_capture_open(&l->capture, &copts, top_live_check_event, &l->check, err,
				errlen);
	if (!ret && top_live_check_init(&l->check, &l->capture, &copts, &l->vms)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		ret = -ENOMEM;
	}
	if (ret) {
		live_close(l);
		return ret;
	}
	src->ops = &live_ops;
	src->ctx = l;
	return 0;
}
