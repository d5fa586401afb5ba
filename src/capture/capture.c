// SPDX-License-Identifier: GPL-2.0
/*
 * Open, load and attach the BPF object; drain its ring buffer. The ioctl
 * strategy is chosen by trying: fentry first (exact and cheap), kprobes on
 * the same KVM handlers when the kernel refuses BPF trampolines (they too
 * tax no other ioctl), and the syscall tracepoints, which every ioctl of
 * the host passes, when it has no kprobes either.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "capture/capture.h"
#include "util/kallsyms.h"
#include "util/tracefs.h"
#include "kvmirq.skel.h"

struct capture {
	struct kvmirq_bpf *skel;
	struct ring_buffer *ring;
	struct bpf_link *links[KVMIRQ_PROGRAM_COUNT];
	unsigned int nr_links;
	struct btf *vmlinux_btf, *kvm_btf; /* while choosing programs, to find functions */
	bool kretprobe_event[KVMIRQ_PROGRAM_COUNT]; /* its tracefs event is ours to remove */
	capture_record_fn fn;
	void *ctx;
	struct capture_status status;
	/* this capture_poll(): ring records handed on, and when to give back */
	unsigned int polled;
	unsigned long long poll_until_ns;
	/* the ring's consumer and producer pages, read-only: what a drain must reach */
	const volatile unsigned long long *consumer_pos, *producer_pos;
	size_t positions_len;
};

/*
 * libbpf's ring_buffer__poll() consumes for as long as records keep coming,
 * so under a storm that never pauses it never returned, and the caller's
 * loop (a duration, key frames, the flush interval) never ran. The record
 * callback looks at the clock every POLL_CLOCK_EVERY records and ends the
 * poll POLL_BUDGET_NS past its wait; the rest stays in the ring for the
 * next poll.
 */
#define POLL_CLOCK_EVERY 1024u
#define POLL_BUDGET_NS (100 * 1000000ull)
#define POLL_BUDGET_SPENT (-ETIME)

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* libbpf's last messages, kept to explain a failed load. */
static char libbpf_log[4096];
static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t used = strlen(libbpf_log);
	va_list copy;

	if (libbpf_verbose) {
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	if (used > sizeof(libbpf_log) - 256)
		used = 0; /* keep the latest messages */
	vsnprintf(libbpf_log + used, sizeof(libbpf_log) - used, fmt, ap);
	return 0;
}

/* The last line of libbpf's log that says something, for a one-line reason. */
static void last_log_line(char *out, size_t len)
{
	char *end = libbpf_log + strlen(libbpf_log), *start;

	while (end > libbpf_log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > libbpf_log && start[-1] != '\n')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

static void set_filters(struct kvmirq_bpf *skel, const struct capture_options *o)
{
	skel->rodata->filter_tgid = o->pid;
	skel->rodata->count_only = o->count_only;
	skel->rodata->aggregate = o->aggregate;
	skel->rodata->aggregate_ioctl_records = o->aggregate && o->ioctl_records;
	skel->rodata->aggregate_bounded = o->aggregate && o->bounded_keys;
	skel->rodata->filter_kinds = o->kinds ? o->kinds : ~0ULL;
	skel->rodata->filter_ioctl_kinds = o->ioctl_kinds ? o->ioctl_kinds : ~0ULL;
	if (o->vm[0]) {
		skel->rodata->filter_vm = true;
		memcpy((char *)skel->rodata->filter_vm_name, o->vm, sizeof(o->vm));
	}
}

/* Wake the reader when an eighth of the ring is full (and on its poll timer). */
static void set_wakeup(struct kvmirq_bpf *skel, unsigned int mib)
{
	skel->rodata->wakeup_bytes = ((unsigned long long)mib << 20) / 8;
}

/*
 * Can fentry attach to FUNCTION: is it in the BTF of the kernel or of KVM's
 * module? (pit_do_work, say, exists on x86 only.)
 */
static bool kernel_has_function(struct capture *c, const char *function)
{
	if (!c->vmlinux_btf)
		c->vmlinux_btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(c->vmlinux_btf)) {
		c->vmlinux_btf = NULL;
		return false;
	}
	if (btf__find_by_name_kind(c->vmlinux_btf, function, BTF_KIND_FUNC) >= 0)
		return true;
	if (!c->kvm_btf)
		c->kvm_btf = btf__load_module_btf("kvm", c->vmlinux_btf);
	if (libbpf_get_error(c->kvm_btf)) {
		c->kvm_btf = NULL;
		return false;
	}
	return btf__find_by_name_kind(c->kvm_btf, function, BTF_KIND_FUNC) >= 0;
}

/* The strategy an ioctl program's group belongs to. */
static enum kvmirq_strategy strategy_of_group(enum program_group group)
{
	switch (group) {
	case PROGRAM_FENTRY: return KVMIRQ_STRATEGY_FENTRY;
	case PROGRAM_IOCTL_KPROBE: return KVMIRQ_STRATEGY_KPROBE;
	case PROGRAM_SYSCALL: return KVMIRQ_STRATEGY_SYSCALL;
	default: return KVMIRQ_STRATEGY_NONE;
	}
}

/* Decide which programs load for STRATEGY, recording why the others do not. */
static void choose_programs(struct capture *c, enum kvmirq_strategy strategy, bool inject)
{
	for (unsigned int i = 0; i < KVMIRQ_PROGRAM_COUNT; i++) {
		const struct program_info *info = &program_table[i];
		struct capture_program_status *st = &c->status.programs[i];
		bool wanted = false;

		memset(st, 0, sizeof(*st));
		st->info = info;
		switch (info->group) {
		case PROGRAM_DELIVERY:
			wanted = tracefs_event_exists(info->hook);
			if (!wanted)
				snprintf(st->why, sizeof(st->why),
					 "tracepoint %s not in this kernel", info->hook);
			break;
		case PROGRAM_FENTRY:
		case PROGRAM_IOCTL_KPROBE:
		case PROGRAM_SYSCALL:
			wanted = strategy == strategy_of_group(info->group);
			if (!wanted)
				snprintf(st->why, sizeof(st->why), "strategy %s in use",
					 strategy_name(strategy));
			break;
		case PROGRAM_INJECT:
			wanted = inject && kernel_has_function(c, info->hook);
			if (inject && !wanted)
				snprintf(st->why, sizeof(st->why), "no function %s in this kernel",
					 info->hook);
			else if (!wanted)
				snprintf(st->why, sizeof(st->why), "%s",
					 strategy == KVMIRQ_STRATEGY_FENTRY
						 ? "the kernel refused them: see inject_refused"
						 : "needs fentry");
			break;
		case PROGRAM_KPROBE:
			wanted = kallsyms_has_function(info->hook);
			if (!wanted)
				snprintf(st->why, sizeof(st->why), "no function %s in this kernel",
					 info->hook);
			break;
		}
		st->wanted = wanted;
		bpf_program__set_autoload(program_of(c->skel, info), wanted);
	}
	c->status.nr_programs = KVMIRQ_PROGRAM_COUNT;
}

/* The tracefs group of this process's kretprobe events. */
static void kretprobe_group(char *group, size_t len)
{
	snprintf(group, len, "kvmirq_%d", (int)getpid());
}

/* Its links gone, the kretprobe events this capture defined go too. */
static void detach_all(struct capture *c)
{
	char group[32];

	for (unsigned int i = 0; i < c->nr_links; i++)
		bpf_link__destroy(c->links[i]);
	c->nr_links = 0;
	kretprobe_group(group, sizeof(group));
	for (unsigned int i = 0; i < KVMIRQ_PROGRAM_COUNT; i++) {
		if (c->kretprobe_event[i])
			tracefs_kprobe_remove(group, program_table[i].prog_name);
		c->kretprobe_event[i] = false;
	}
}

/*
 * How many calls of one KVM ioctl handler a kretprobe follows at once. Each
 * vCPU thread sits inside kvm_vcpu_ioctl for the whole of its KVM_RUN, and
 * holds an instance all that time; when they are all taken, every other
 * ioctl's return is missed (its record lost) until a KVM_RUN returns. The
 * kernel's default, which is all perf's kprobe PMU (libbpf's way) gives, is
 * twice the CPUs, at least 10: a host's VMs often have more vCPUs than
 * that. 4096 is the most a kprobe_events definition accepts
 * (KRETPROBE_MAXACTIVE_MAX), as many vCPUs as one VM may have; its memory,
 * an instance of a few dozen bytes each, is about a megabyte for the four
 * handlers.
 */
#define KRETPROBE_MAXACTIVE 4096

/*
 * A kretprobe of the kprobe strategy, defined through tracefs with room for
 * KRETPROBE_MAXACTIVE calls (libbpf's attach cannot set it), and the
 * program attached to that event through perf.
 */
static struct bpf_link *attach_kretprobe(struct capture *c, unsigned int index)
{
	const struct program_info *info = &program_table[index];
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.sample_period = 1, .wakeup_events = 1 };
	struct bpf_link *link;
	char group[32];
	int id, pfd, e;

	kretprobe_group(group, sizeof(group));
	id = tracefs_kretprobe_add(group, info->prog_name, info->hook, KRETPROBE_MAXACTIVE);
	if (id < 0) {
		errno = -id;
		return NULL;
	}
	c->kretprobe_event[index] = true;
	attr.config = id;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return NULL;
	link = bpf_program__attach_perf_event(program_of(c->skel, info), pfd);
	if (!link) {
		e = errno;
		close(pfd);
		errno = e;
	}
	return link;
}

/*
 * Attach every wanted program. A delivery or kprobe program that fails is
 * reported and skipped; an ioctl program that fails fails the strategy.
 * In reverse table order, so each ioctl exit program is attached before its
 * entry: a KVM_RUN that began between the two would otherwise be counted
 * in by the entry and never out (a call in flight through a BPF trampoline
 * does not get an fexit attached after it began), and its VM would look
 * running for ever.
 */
static int attach_programs(struct capture *c, char *err, size_t errlen)
{
	for (unsigned int n = c->status.nr_programs; n > 0; n--) {
		struct capture_program_status *st = &c->status.programs[n - 1];
		struct bpf_link *link;

		if (!st->wanted)
			continue;
		libbpf_log[0] = '\0';
		if (st->info->group == PROGRAM_IOCTL_KPROBE &&
		    !strncmp(bpf_program__section_name(program_of(c->skel, st->info)), "kretprobe/", 10))
			link = attach_kretprobe(c, n - 1);
		else
			link = bpf_program__attach(program_of(c->skel, st->info));
		if (!link) {
			int e = errno;

			snprintf(st->why, sizeof(st->why), "attach failed: %s", strerror(e));
			if (st->info->group != PROGRAM_DELIVERY && st->info->group != PROGRAM_KPROBE) {
				snprintf(err, errlen, "cannot attach %s to %s: %s",
					 st->info->prog_name, st->info->hook, strerror(e));
				return -e;
			}
			continue;
		}
		c->links[c->nr_links++] = link;
		st->attached = true;
	}
	return 0;
}

static int try_strategy(struct capture *c, const struct capture_options *o,
			enum kvmirq_strategy strategy, bool inject, char *err, size_t errlen)
{
	unsigned int mib = o->ringbuf_mib ? o->ringbuf_mib : CAPTURE_DEFAULT_RINGBUF_MIB;
	char reason[200];
	int ret;

	if (strategy == KVMIRQ_STRATEGY_KPROBE && !tracefs_has_kprobe_events()) {
		snprintf(err, errlen, "the kernel has no kprobes (no kprobe_events in tracefs)");
		return -EOPNOTSUPP;
	}
	c->skel = kvmirq_bpf__open();
	if (!c->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return -errno;
	}
	set_filters(c->skel, o);
	set_wakeup(c->skel, mib);
	bpf_map__set_max_entries(c->skel->maps.events, mib << 20);
	c->status.ringbuf_mib = mib;
	if (!o->aggregate) { /* top's maps: a token size when nothing aggregates */
		bpf_map__set_max_entries(c->skel->maps.agg, 1);
		bpf_map__set_max_entries(c->skel->maps.vm_info, 1);
	}
	choose_programs(c, strategy, inject);
	libbpf_log[0] = '\0';
	ret = kvmirq_bpf__load(c->skel);
	if (ret) {
		last_log_line(reason, sizeof(reason));
		snprintf(err, errlen, "cannot load the BPF programs (strategy %s): %s%s%s",
			 strategy_name(strategy), strerror(-ret), reason[0] ? ": " : "", reason);
		goto fail;
	}
	ret = attach_programs(c, err, errlen);
	if (ret)
		goto fail;
	c->status.strategy = strategy;
	c->status.inject_hooks = inject;
	return 0;
fail:
	detach_all(c);
	kvmirq_bpf__destroy(c->skel);
	c->skel = NULL;
	return ret;
}

/*
 * Hand on the SLOT_COUNT delivery events in slots from the first 8-byte
 * boundary at or after OFF; the ring record (LEN bytes) may be longer.
 */
static int hand_on_slots(struct capture *c, const char *data, size_t len, size_t off,
			 unsigned int slot_count)
{
	int ret;

	off = (off + 7u) & ~(size_t)7;
	for (unsigned int i = 0; i < slot_count && off + KVMIRQ_SLOT_SIZE <= len;
	     i++, off += KVMIRQ_SLOT_SIZE) {
		ret = c->fn(data + off, KVMIRQ_SLOT_SIZE, c->ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * One ring record may hold several events: an ioctl's record carries, after
 * its own bytes, the delivery events the ioctl raised, in fixed slots. They
 * happened before the ioctl returned, so they are handed on first. A
 * carrier holds only such slots, and is dropped.
 */
static int hand_on_record(struct capture *c, void *data, size_t len)
{
	struct kvmirq_event_header h;
	int ret;

	if (len < sizeof(h))
		return c->fn(data, len, c->ctx); /* malformed: the callback says so */
	memcpy(&h, data, sizeof(h)); /* slots follow a payload: maybe unaligned */
	if (h.kind == KVMIRQ_RING_CARRIER && len >= sizeof(h) + sizeof(struct kvmirq_ring_carrier)) {
		struct kvmirq_ring_carrier carrier;

		memcpy(&carrier, (char *)data + sizeof(h), sizeof(carrier));
		return hand_on_slots(c, data, len, sizeof(h) + sizeof(carrier), carrier.slot_count);
	}
	if (h.kind == KVMIRQ_EV_IOCTL && h.size <= len &&
	    h.size >= sizeof(h) + sizeof(struct kvmirq_ev_ioctl)) {
		struct kvmirq_ev_ioctl io;

		memcpy(&io, (char *)data + sizeof(h), sizeof(io));
		ret = hand_on_slots(c, data, len, h.size, io.slot_count);
		if (ret)
			return ret;
		len = h.size;
	}
	return c->fn(data, len, c->ctx);
}

static int on_ring_record(void *ctx, void *data, size_t len)
{
	struct capture *c = ctx;
	int ret;

	if (!c->fn)
		return 0;
	ret = hand_on_record(c, data, len);
	if (ret)
		return ret;
	if (++c->polled % POLL_CLOCK_EVERY == 0 && monotonic_ns() >= c->poll_until_ns)
		return POLL_BUDGET_SPENT;
	return 0;
}

/*
 * The ring's first two pages, the consumer's and the producer's positions,
 * mapped read-only beside libbpf's own mapping (the kernel allows that).
 */
static int map_ring_positions(struct capture *c)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, bpf_map__fd(c->skel->maps.events), 0);

	if (p == MAP_FAILED)
		return -errno;
	c->consumer_pos = (const volatile unsigned long long *)p;
	c->producer_pos = (const volatile unsigned long long *)(p + page);
	c->positions_len = 2 * page;
	return 0;
}

int capture_open(struct capture **out, const struct capture_options *o, capture_record_fn fn,
		 void *ctx, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	libbpf_verbose = o->verbose;
	libbpf_set_print(libbpf_print);
	if (geteuid() != 0) {
		snprintf(err, errlen, "kvmirq needs root (CAP_BPF and CAP_PERFMON) to load BPF programs");
		free(c);
		return -EPERM;
	}
	c->fn = fn;
	c->ctx = ctx;
	/*
	 * fentry with the injection hooks, fentry alone, kprobes, then the
	 * syscall tracepoints.
	 */
	if (o->count_only) {
		/* counting needs no ioctl programs: only the tracepoints */
		ret = try_strategy(c, o, KVMIRQ_STRATEGY_NONE, false, err, errlen);
	} else if (o->strategy == KVMIRQ_STRATEGY_NONE || o->strategy == KVMIRQ_STRATEGY_FENTRY) {
		ret = try_strategy(c, o, KVMIRQ_STRATEGY_FENTRY, true, err, errlen);
		if (ret) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err);
			ret = try_strategy(c, o, KVMIRQ_STRATEGY_FENTRY, false, err, errlen);
			if (!ret)
				snprintf(c->status.inject_refused, sizeof(c->status.inject_refused),
					 "%s", why);
		}
		if (ret && o->strategy == KVMIRQ_STRATEGY_NONE) {
			snprintf(c->status.fentry_refused, sizeof(c->status.fentry_refused), "%s", err);
			ret = try_strategy(c, o, KVMIRQ_STRATEGY_KPROBE, false, err, errlen);
		}
		if (ret && o->strategy == KVMIRQ_STRATEGY_NONE) {
			snprintf(c->status.kprobe_refused, sizeof(c->status.kprobe_refused), "%s", err);
			ret = try_strategy(c, o, KVMIRQ_STRATEGY_SYSCALL, false, err, errlen);
		}
	} else {
		ret = try_strategy(c, o, o->strategy, false, err, errlen);
	}
	/* Only choosing the programs needed the kernel's type information. */
	btf__free(c->kvm_btf);
	btf__free(c->vmlinux_btf);
	c->kvm_btf = c->vmlinux_btf = NULL;
	if (ret) {
		free(c);
		return ret;
	}
	c->ring = ring_buffer__new(bpf_map__fd(c->skel->maps.events), on_ring_record, c, NULL);
	if (!c->ring) {
		ret = -errno;
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		capture_close(c);
		return ret;
	}
	ret = map_ring_positions(c);
	if (ret) {
		snprintf(err, errlen, "cannot map the ring buffer's positions: %s", strerror(-ret));
		capture_close(c);
		return ret;
	}
	*out = c;
	return 0;
}

const struct capture_status *capture_get_status(const struct capture *c)
{
	return &c->status;
}

int capture_poll(struct capture *c, int timeout_ms)
{
	int n;

	c->polled = 0;
	c->poll_until_ns = monotonic_ns() + (unsigned long long)(timeout_ms > 0 ? timeout_ms : 0) *
						     1000000ull + POLL_BUDGET_NS;
	n = ring_buffer__poll(c->ring, timeout_ms);
	/* The programs wake us only for bulk data: take the rest on the timer. */
	if (n >= 0)
		n = ring_buffer__consume(c->ring);
	if (n == POLL_BUDGET_SPENT || n >= 0)
		return (int)c->polled;
	return n;
}

/*
 * A ring position, read whole where a 64-bit load is two (ppc32): its high
 * half read again until it held still, with no libatomic.
 */
static unsigned long long ring_position(const volatile unsigned long long *pos)
{
	unsigned long long a, b;

	do {
		a = *pos;
		b = *pos;
	} while (a >> 32 != b >> 32);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return a;
}

int capture_drain(struct capture *c)
{
	unsigned long long target = ring_position(c->producer_pos);

	while (ring_position(c->consumer_pos) < target) {
		int n = capture_poll(c, 0);

		if (n < 0)
			return n;
		if (n == 0)
			break; /* a record still being written: it is the next poll's */
	}
	return 0;
}

int capture_read_counters(struct capture *c, struct kvmirq_kind_counters totals[KVMIRQ_EV_KIND_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(c->skel->maps.kind_counters);
	struct kvmirq_kind_counters *percpu;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (__u32 kind = 0; kind < KVMIRQ_EV_KIND_MAX; kind++) {
		totals[kind].seen = totals[kind].dropped = 0;
		if (bpf_map_lookup_elem(fd, &kind, percpu))
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++) {
			totals[kind].seen += percpu[cpu].seen;
			totals[kind].dropped += percpu[cpu].dropped;
		}
	}
	free(percpu);
	return 0;
}

int capture_aggregate_fd(const struct capture *c)
{
	return bpf_map__fd(c->skel->maps.agg);
}

int capture_vm_info_fd(const struct capture *c)
{
	return bpf_map__fd(c->skel->maps.vm_info);
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	ring_buffer__free(c->ring);
	if (c->positions_len)
		munmap((void *)c->consumer_pos, c->positions_len);
	detach_all(c);
	kvmirq_bpf__destroy(c->skel);
	btf__free(c->kvm_btf);
	btf__free(c->vmlinux_btf);
	free(c);
}
