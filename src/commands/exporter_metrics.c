// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "codec/layout.h"
#include "codec/names.h"
#include "commands/exporter_metrics.h"
#include "util/prom_text.h"
#include "util/stop.h"

#define KVM_DEBUGFS "/sys/kernel/debug/kvm"
#define UNRANKED (~0u) /* an entry without a VM of its own in the output */

struct vm_row {
	uint64_t kvm;
	struct kvmirq_vm_info info;
	char pid[12];
	bool gone;
	unsigned int rank; /* output order; >= EXPORTER_MAX_VMS: no series of its own */
};

struct entry {
	struct kvmirq_agg_key key;
	unsigned long long count;
	unsigned int rank; /* its VM's, or UNRANKED */
};

struct scrape {
	struct vm_row *vms; /* by kvm address, for the look-up */
	size_t nvms;
	struct vm_row **order; /* by pid and name: the output's order */
	struct entry *e;    /* by rank, kind, vCPU, detail */
	size_t n;
	unsigned long long totals[KVMIRQ_EV_KIND_MAX];
	struct kvmirq_kind_counters kinds[KVMIRQ_EV_KIND_MAX];
	unsigned long long omitted;
	bool error;
};

void exporter_metrics_init(struct exporter_metrics *m, struct capture *cap,
			   const struct http_server *server)
{
	*m = (struct exporter_metrics){ .cap = cap, .server = server, .start_ms = monotonic_ms() };
}

/* The kinds `kvmirq stat` counts: the delivery kinds. */
static bool delivery_kind(unsigned int k)
{
	return k > 0 && k < KVMIRQ_EV_IOCTL && event_layout(k);
}

/* Has process PID exited (gone, or a zombie its parent has not reaped)? */
static bool process_exited(uint32_t pid)
{
	char path[32], buf[512], *state;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return kill((pid_t)pid, 0) && errno == ESRCH;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	state = strrchr(buf, ')'); /* the name in parentheses may hold anything */
	return state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

/* A VM is gone when its VMM is, or when KVM's debugfs no longer lists it. */
static bool vm_gone(const struct kvmirq_vm_info *info)
{
	char path[sizeof(KVM_DEBUGFS) + KVMIRQ_VM_NAME_LEN + 1];

	if (process_exited(info->tgid))
		return true;
	if (!info->name[0] || strspn(info->name, "0123456789-") != strlen(info->name) ||
	    access(KVM_DEBUGFS, F_OK))
		return false;
	snprintf(path, sizeof(path), KVM_DEBUGFS "/%.*s", KVMIRQ_VM_NAME_LEN, info->name);
	return access(path, F_OK) != 0;
}

static int by_kvm(const void *a, const void *b)
{
	const struct vm_row *x = a, *y = b;

	return x->kvm < y->kvm ? -1 : x->kvm > y->kvm;
}

static int by_pid_name(const void *a, const void *b)
{
	const struct vm_row *x = *(struct vm_row *const *)a, *y = *(struct vm_row *const *)b;

	if (x->info.tgid != y->info.tgid)
		return x->info.tgid < y->info.tgid ? -1 : 1;
	return strncmp(x->info.name, y->info.name, KVMIRQ_VM_NAME_LEN);
}

static int by_rank_key(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->key.kind != y->key.kind)
		return x->key.kind < y->key.kind ? -1 : 1;
	if (x->key.vcpu != y->key.vcpu)
		return x->key.vcpu < y->key.vcpu ? -1 : 1;
	return x->key.detail < y->key.detail ? -1 : x->key.detail > y->key.detail;
}

static int read_vms(struct scrape *s, int fd)
{
	uint64_t key, next;
	uint64_t *prev = NULL;
	size_t cap = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (s->nvms == cap) {
			struct vm_row *v = realloc(s->vms, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			s->vms = v;
		}
		struct vm_row *r = &s->vms[s->nvms];

		memset(r, 0, sizeof(*r));
		r->kvm = key;
		if (bpf_map_lookup_elem(fd, &key, &r->info))
			continue; /* deleted meanwhile */
		r->info.name[KVMIRQ_VM_NAME_LEN - 1] = '\0';
		snprintf(r->pid, sizeof(r->pid), "%u", r->info.tgid);
		r->gone = vm_gone(&r->info);
		s->nvms++;
	}
	if (!s->nvms)
		return 0;
	qsort(s->vms, s->nvms, sizeof(*s->vms), by_kvm);
	s->order = calloc(s->nvms, sizeof(*s->order));
	if (!s->order)
		return -ENOMEM;
	for (size_t i = 0; i < s->nvms; i++)
		s->order[i] = &s->vms[i];
	qsort(s->order, s->nvms, sizeof(*s->order), by_pid_name);
	for (size_t i = 0, rank = 0; i < s->nvms; i++)
		s->order[i]->rank = s->order[i]->gone ? UNRANKED : (unsigned int)rank++;
	return 0;
}

static struct vm_row *vm_of(struct scrape *s, uint64_t kvm)
{
	struct vm_row probe = { .kvm = kvm };

	return kvm && s->nvms ? bsearch(&probe, s->vms, s->nvms, sizeof(*s->vms), by_kvm) : NULL;
}

static int read_entries(struct scrape *s, int fd)
{
	int ncpus = libbpf_num_possible_cpus();
	struct kvmirq_agg_key key, next, *prev = NULL;
	struct kvmirq_agg_value *percpu;
	size_t cap = 0;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct vm_row *vm;
		struct entry *e;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, percpu))
			continue;
		if (s->n == cap) {
			e = realloc(s->e, (cap = cap ? 2 * cap : 256) * sizeof(*e));
			if (!e) {
				free(percpu);
				return -ENOMEM;
			}
			s->e = e;
		}
		e = &s->e[s->n++];
		e->key = key;
		e->count = 0;
		for (int cpu = 0; cpu < ncpus; cpu++)
			e->count += percpu[cpu].count;
		vm = vm_of(s, key.vm);
		e->rank = vm && !vm->gone ? vm->rank : UNRANKED;
		if (key.kind < KVMIRQ_EV_KIND_MAX)
			s->totals[key.kind] += e->count;
	}
	free(percpu);
	if (s->n)
		qsort(s->e, s->n, sizeof(*s->e), by_rank_key);
	return 0;
}

/* Forget the VMs that are gone: their counts move to the retired totals. */
static void drop_gone(struct exporter_metrics *m, struct scrape *s, int agg_fd, int info_fd)
{
	for (size_t i = 0; i < s->n; i++) {
		struct vm_row *vm = vm_of(s, s->e[i].key.vm);

		if (!vm || !vm->gone || bpf_map_delete_elem(agg_fd, &s->e[i].key))
			continue;
		if (s->e[i].key.kind < KVMIRQ_EV_KIND_MAX)
			m->retired[s->e[i].key.kind] += s->e[i].count;
	}
	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].gone && !bpf_map_delete_elem(info_fd, &s->vms[i].kvm))
			m->vms_dropped++;
}

static int collect(struct exporter_metrics *m, struct scrape *s)
{
	int agg_fd = capture_aggregate_fd(m->cap), info_fd = capture_vm_info_fd(m->cap);
	int ret;

	memset(s, 0, sizeof(*s));
	ret = read_vms(s, info_fd);
	if (!ret)
		ret = read_entries(s, agg_fd);
	if (!ret)
		ret = capture_read_counters(m->cap, s->kinds);
	if (ret)
		return ret;
	/* the totals read include the gone VMs' last counts: retired from now on */
	for (unsigned int k = 0; k < KVMIRQ_EV_KIND_MAX; k++)
		s->totals[k] += m->retired[k];
	drop_gone(m, s, agg_fd, info_fd);
	return 0;
}

static void scrape_free(struct scrape *s)
{
	free(s->vms);
	free(s->order);
	free(s->e);
}

int exporter_metrics_tidy(struct exporter_metrics *m)
{
	struct scrape s;
	int ret = collect(m, &s);

	scrape_free(&s);
	return ret;
}

#define LABELS(...)                                                                        \
	(&(struct prom_labels){                                                            \
		.names = (const char *const[]){ __VA_ARGS__ },                             \
		.n = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *), \
	})

static void write_labelled(FILE *out, const char *name, const struct prom_labels *names,
			   const char *const *values, unsigned long long v)
{
	struct prom_labels l = { .names = names->names, .values = values, .n = names->n };

	prom_sample_u64(out, name, &l, v);
}

static void write_totals(FILE *out, const struct scrape *s)
{
	const struct prom_labels *kind = LABELS("kind");

	prom_family(out, "kvmirq_events_total", PROM_COUNTER,
		    "KVM interrupt events by kind, counted in the kernel (kvmirq stat's counts)");
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (delivery_kind(k))
			write_labelled(out, "kvmirq_events_total", kind,
				       (const char *[]){ event_kind_counter_name(k) }, s->totals[k]);
	prom_family(out, "kvmirq_dropped_events_total", PROM_COUNTER,
		    "events not counted because the counter map was full");
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (delivery_kind(k) || k == KVMIRQ_EV_IOCTL)
			write_labelled(out, "kvmirq_dropped_events_total", kind,
				       (const char *[]){ event_kind_counter_name(k) }, s->kinds[k].dropped);
}

/* The entries of the VM ranked R: [*first, *end). */
static void vm_range(const struct scrape *s, unsigned int r, size_t *first, size_t *end)
{
	size_t i = *end;

	while (i < s->n && s->e[i].rank < r)
		i++;
	*first = i;
	while (i < s->n && s->e[i].rank == r)
		i++;
	*end = i;
}

static unsigned int exported_vms(const struct scrape *s)
{
	unsigned int n = 0;

	for (size_t i = 0; i < s->nvms; i++)
		n += s->vms[i].rank < EXPORTER_MAX_VMS;
	return n;
}

static void write_vm_kinds(FILE *out, struct scrape *s)
{
	const struct prom_labels *names = LABELS("vmm_pid", "vm", "kind");
	const char *name = "kvmirq_vm_events_total";
	size_t first, end = 0;

	prom_family(out, name, PROM_COUNTER, "KVM interrupt events per VM and kind");
	for (unsigned int r = 0, nvms = exported_vms(s); r < nvms; r++) {
		const struct vm_row *vm = s->order[r];
		unsigned long long sum[KVMIRQ_EV_KIND_MAX] = { 0 };
		bool seen[KVMIRQ_EV_KIND_MAX] = { false };

		vm_range(s, r, &first, &end);
		for (size_t i = first; i < end; i++)
			if (s->e[i].key.kind < KVMIRQ_EV_KIND_MAX) {
				sum[s->e[i].key.kind] += s->e[i].count;
				seen[s->e[i].key.kind] = true;
			}
		for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
			if (seen[k] && delivery_kind(k))
				write_labelled(out, name, names,
					       (const char *[]){ vm->pid, vm->info.name, event_kind_counter_name(k) },
					       sum[k]);
	}
}

/* Per VM: kvm_set_irq per GSI, and each per-vCPU kind per vCPU, up to their bounds. */
static void write_vm_lines_and_vcpus(FILE *out, struct scrape *s, bool vcpus)
{
	const struct prom_labels *names = LABELS("vmm_pid", "vm", "kind", vcpus ? "vcpu" : "gsi");
	const char *name = vcpus ? "kvmirq_vm_vcpu_events_total" : "kvmirq_vm_gsi_events_total";
	uint64_t mask = vcpus ? KVMIRQ_AGG_BOUNDED_VCPU_KINDS : KVMIRQ_AGG_BOUNDED_DETAIL_KINDS;
	unsigned int max = vcpus ? EXPORTER_MAX_VCPUS : EXPORTER_MAX_GSIS;
	size_t first, end = 0;

	prom_family(out, name, PROM_COUNTER,
		    vcpus ? "KVM interrupt events per VM, vCPU and kind, for the kinds aimed at a vCPU"
			  : "kvm_set_irq events (a GSI raised or lowered, an irqfd) per VM and GSI");
	for (unsigned int r = 0, nvms = exported_vms(s); r < nvms; r++) {
		const struct vm_row *vm = s->order[r];
		unsigned int in_kind = 0, kind = 0;

		vm_range(s, r, &first, &end);
		for (size_t i = first; i < end; i++) {
			const struct kvmirq_agg_key *k = &s->e[i].key;
			char index[24];

			if (k->kind == KVMIRQ_EV_IOCTL || k->kind >= 64 || !((mask >> k->kind) & 1) ||
			    (vcpus && k->vcpu == KVMIRQ_NO_VCPU))
				continue;
			in_kind = k->kind == kind ? in_kind + 1 : 1;
			kind = k->kind;
			if (in_kind > max) { /* sorted: the lowest come first */
				s->omitted++;
				continue;
			}
			snprintf(index, sizeof(index), "%lld",
				 vcpus ? (long long)k->vcpu : (long long)k->detail);
			write_labelled(out, name, names,
				       (const char *[]){ vm->pid, vm->info.name, event_kind_counter_name(k->kind),
							 index },
				       s->e[i].count);
		}
	}
}

static void write_vm_ioctls(FILE *out, struct scrape *s)
{
	const struct prom_labels *names = LABELS("vmm_pid", "vm", "ioctl", "result");
	const char *name = "kvmirq_vm_ioctls_total";
	size_t first, end = 0;

	prom_family(out, name, PROM_COUNTER, "KVM ioctls per VM, ioctl and result (KVM_RUN not counted)");
	for (unsigned int r = 0, nvms = exported_vms(s); r < nvms; r++) {
		const struct vm_row *vm = s->order[r];

		vm_range(s, r, &first, &end);
		for (size_t i = first; i < end; i++) {
			const struct kvmirq_agg_key *k = &s->e[i].key;
			const char *ioctl;

			if (k->kind != KVMIRQ_EV_IOCTL)
				continue;
			ioctl = ioctl_name((unsigned int)(k->detail & ~(uint64_t)KVMIRQ_AGG_IOCTL_FAILED));
			write_labelled(out, name, names,
				       (const char *[]){ vm->pid, vm->info.name, ioctl ? ioctl : "?",
							 k->detail & KVMIRQ_AGG_IOCTL_FAILED ? "error"
											     : "ok" },
				       s->e[i].count);
		}
	}
}

static void write_state(FILE *out, struct exporter_metrics *m, struct scrape *s)
{
	const struct capture_status *st = capture_get_status(m->cap);
	const struct prom_labels *prog = LABELS("program", "hook");
	unsigned int vms = 0;

	for (size_t i = 0; i < s->nvms; i++)
		vms += !s->vms[i].gone;
	/* the VMs past the bound: every entry of theirs is a series left out */
	for (size_t i = 0; i < s->n; i++)
		s->omitted += s->e[i].rank != UNRANKED && s->e[i].rank >= EXPORTER_MAX_VMS;
	prom_family(out, "kvmirq_vms", PROM_GAUGE, "VMs seen in a KVM ioctl and still running");
	prom_sample_u64(out, "kvmirq_vms", NULL, vms);
	prom_family(out, "kvmirq_vms_dropped_total", PROM_COUNTER,
		    "VMs forgotten because their VMM exited or KVM no longer lists them");
	prom_sample_u64(out, "kvmirq_vms_dropped_total", NULL, m->vms_dropped);
	prom_family(out, "kvmirq_series_omitted", PROM_GAUGE,
		    "series left out of this scrape by the bounds on VMs, GSIs and vCPUs "
		    "(their counts stay in the per-VM and per-kind totals)");
	prom_sample_u64(out, "kvmirq_series_omitted", NULL, s->omitted);
	prom_family(out, "kvmirq_counter_map_entries", PROM_GAUGE,
		    "entries in the in-kernel counter map");
	prom_sample_u64(out, "kvmirq_counter_map_entries", NULL, s->n);
	prom_family(out, "kvmirq_counter_map_max_entries", PROM_GAUGE,
		    "the counter map's size: when full, new keys count as dropped events");
	prom_sample_u64(out, "kvmirq_counter_map_max_entries", NULL, KVMIRQ_AGG_MAX_ENTRIES);
	prom_family(out, "kvmirq_program_attached", PROM_GAUGE,
		    "1 for each BPF program attached, 0 for one this kernel should take but refused");
	for (unsigned int i = 0; i < st->nr_programs; i++)
		if (st->programs[i].wanted)
			write_labelled(out, "kvmirq_program_attached", prog,
				       (const char *[]){ st->programs[i].info->prog_name,
							 st->programs[i].info->hook },
				       st->programs[i].attached);
}

static void write_self(FILE *out, struct exporter_metrics *m)
{
	const struct capture_status *st = capture_get_status(m->cap);
	char schema[12];

	snprintf(schema, sizeof(schema), "%d", KVMIRQ_SCHEMA_VERSION);
	prom_family(out, "kvmirq_build_info", PROM_GAUGE,
		    "1, labelled with kvmirq's version, event schema and ioctl attach strategy");
	write_labelled(out, "kvmirq_build_info", LABELS("version", "schema", "strategy"),
		       (const char *[]){ KVMIRQ_VERSION, schema,
					 strategy_name(st->strategy) },
		       1);
	prom_family(out, "kvmirq_exporter_uptime_seconds", PROM_GAUGE,
		    "seconds since the exporter attached its programs");
	prom_sample(out, "kvmirq_exporter_uptime_seconds", NULL,
		    (double)(monotonic_ms() - m->start_ms) / 1000.0);
	prom_family(out, "kvmirq_exporter_scrapes_total", PROM_COUNTER, "metrics written");
	prom_sample_u64(out, "kvmirq_exporter_scrapes_total", NULL, m->scrapes);
	prom_family(out, "kvmirq_exporter_scrape_errors_total", PROM_COUNTER,
		    "scrapes whose counters could not be read");
	prom_sample_u64(out, "kvmirq_exporter_scrape_errors_total", NULL, m->scrape_errors);
	prom_family(out, "kvmirq_exporter_scrape_duration_seconds", PROM_GAUGE,
		    "how long the previous scrape took to read the counters and write them");
	prom_sample(out, "kvmirq_exporter_scrape_duration_seconds", NULL, m->last_scrape_s);
	if (m->server) {
		const struct http_status_count *c = http_server_counts(m->server);

		prom_family(out, "kvmirq_exporter_http_responses_total", PROM_COUNTER,
			    "HTTP responses sent, by status code");
		for (unsigned int i = 0; i < HTTP_STATUS_KINDS; i++) {
			char code[8];

			snprintf(code, sizeof(code), "%d", c[i].status);
			write_labelled(out, "kvmirq_exporter_http_responses_total", LABELS("code"),
				       (const char *[]){ code }, c[i].count);
		}
	}
}

int exporter_metrics_write(struct exporter_metrics *m, FILE *out)
{
	uint64_t t0 = monotonic_ms();
	struct scrape s;
	int ret = collect(m, &s);

	m->scrapes++;
	if (ret) {
		m->scrape_errors++;
	} else {
		write_totals(out, &s);
		write_vm_kinds(out, &s);
		write_vm_lines_and_vcpus(out, &s, false);
		write_vm_lines_and_vcpus(out, &s, true);
		write_vm_ioctls(out, &s);
		write_state(out, m, &s);
	}
	write_self(out, m);
	scrape_free(&s);
	m->last_scrape_s = (double)(monotonic_ms() - t0) / 1000.0;
	return ret;
}
