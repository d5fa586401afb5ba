// SPDX-License-Identifier: GPL-2.0
/*
 * The real delivery programs on the real verifier and JIT: each raw
 * tracepoint program runs through bpf_prog_test_run_opts with a fabricated
 * argument array, and the record it puts in the ring buffer must carry
 * exactly those arguments. Also checks the kind filter, that the object's
 * programs are exactly bpf/programs.h's (so capture loads each, and no
 * benchmark program ships), and that capture attaches every program it
 * chose on this kernel. Needs root; fails (does not skip) without it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "capture/capture.h"
#include "capture/programs.h"
#include "check.h"
#include "codec/layout.h"
#include "util/tracefs.h"
#include "kvmirq.skel.h"

static unsigned char last[KVMIRQ_RECORD_MAX];
static size_t last_len;
static int records;
static int ran_cases;

static int on_record(void *ctx, void *data, size_t len)
{
	(void)ctx;
	memcpy(last, data, len < sizeof(last) ? len : sizeof(last));
	last_len = len;
	records++;
	return 0;
}

/*
 * Does this kernel have the tracepoint of delivery program NAME? Those of
 * another architecture (kvm_pic_set_irq on e500, say) cannot load: their
 * CO-RE relocations name structs the kernel does not have.
 */
static bool kernel_has_tracepoint_of(const char *name)
{
	for (unsigned int i = 0; i < KVMIRQ_PROGRAM_COUNT; i++)
		if (!strcmp(program_table[i].prog_name, name))
			return program_table[i].group == PROGRAM_DELIVERY &&
			       tracefs_event_exists(program_table[i].hook);
	return false;
}

static struct kvmirq_bpf *open_delivery_only(unsigned long long kinds)
{
	struct kvmirq_bpf *skel = kvmirq_bpf__open();
	struct bpf_program *prog;

	if (!skel)
		return NULL;
	skel->rodata->filter_kinds = kinds;
	bpf_map__set_max_entries(skel->maps.events, 1 << 20);
	/* Only the raw tracepoint programs: the ioctl ones need attach targets. */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, bpf_program__type(prog) == BPF_PROG_TYPE_RAW_TRACEPOINT &&
						kernel_has_tracepoint_of(bpf_program__name(prog)));
	if (kvmirq_bpf__load(skel)) {
		kvmirq_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static int run(struct bpf_program *prog, unsigned long long *args, size_t nargs)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = nargs * 8);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

struct expectation {
	const char *prog;
	unsigned long long args[5];
	int nargs;
	unsigned int kind;
};

static const struct expectation cases[] = {
	{ "on_set_irq", { 11, 1, 0 }, 3, KVMIRQ_EV_SET_IRQ },
	{ "on_msi_set_irq", { 0xfee01000, 0x4031 }, 2, KVMIRQ_EV_MSI_SET_IRQ },
	{ "on_ioapic_set_irq", { 0x0100000000018021ull, 9, 1 }, 3, KVMIRQ_EV_IOAPIC_SET_IRQ },
	{ "on_pic_set_irq", { 1, 3, 0x8, 0xfb, 1 }, 5, KVMIRQ_EV_PIC_SET_IRQ },
	{ "on_apic_accept_irq", { 2, 0x100, 0x8000, 0xec }, 4, KVMIRQ_EV_APIC_ACCEPT_IRQ },
	{ "on_ack_irq", { 2, 9 }, 2, KVMIRQ_EV_ACK_IRQ },
	{ "on_apic_ipi", { 0x40fd, 1 }, 2, KVMIRQ_EV_APIC_IPI },
	{ "on_inj_virq", { 0x30, 1, 0 }, 3, KVMIRQ_EV_INJ_VIRQ },
	{ "on_ioapic_delayed_eoi", { 0x1234 }, 1, KVMIRQ_EV_IOAPIC_DELAYED_EOI },
	{ "on_arm_irq_line", { 1, 0, 40, 1 }, 4, KVMIRQ_EV_ARM_IRQ_LINE },
	{ "on_vgic_update_pending", { 0, 40, 1 }, 3, KVMIRQ_EV_VGIC_UPDATE_PENDING },
	{ "on_timer_update_irq", { 0, 27, 1 }, 3, KVMIRQ_EV_ARM_TIMER_UPDATE },
};

static void check_fields(const struct expectation *c)
{
	const struct kvmirq_event_header *h = (const void *)last;
	const struct event_layout *l = event_layout(c->kind);
	char err[160];

	CHECK_EQ(h->kind, c->kind);
	CHECK_EQ(event_record_check(last, last_len, err, sizeof(err)), 0);
	CHECK_EQ(h->pid, (unsigned int)getpid());
	/* Not inside any KVM ioctl: no VM, and marked so rather than guessed. */
	CHECK_EQ(h->vm, 0);
	CHECK(h->flags & KVMIRQ_F_UNATTRIBUTED);
	/* The first fields of each layout are the tracepoint's arguments, in order. */
	for (int i = 0; i < c->nargs && i < l->nr_fields; i++) {
		uint64_t mask = l->fields[i].size == 8 ? ~0ull : (1ull << (8 * l->fields[i].size)) - 1;

		if (c->kind == KVMIRQ_EV_INJ_VIRQ && i > 0)
			break; /* soft/reinjected depend on the kernel's prototype: below */
		CHECK_EQ(event_field_get(h + 1, &l->fields[i]) & mask, c->args[i] & mask);
	}
}

/* The production object's programs are bpf/programs.h's rows, one for one. */
static void test_program_list(void)
{
	struct kvmirq_bpf *skel = kvmirq_bpf__open();
	struct bpf_program *prog;
	unsigned int n = 0;

	CHECK(skel != NULL);
	if (!skel)
		return;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);
		bool listed = false;

		for (unsigned int i = 0; i < KVMIRQ_PROGRAM_COUNT; i++)
			listed |= !strcmp(program_table[i].prog_name, name) &&
				  program_of(skel, &program_table[i]) == prog;
		if (!listed)
			fprintf(stderr, "program %s is not in bpf/programs.h\n", name);
		CHECK(listed);
		CHECK(strncmp(name, "bench_", 6) && strncmp(name, "floor_", 6));
		n++;
	}
	CHECK_EQ(n, KVMIRQ_PROGRAM_COUNT);
	kvmirq_bpf__destroy(skel);
}

/* The count of KEY in the per-CPU map FD, summed over the CPUs; 0 when absent. */
static unsigned long long agg_count(int fd, const struct kvmirq_agg_key *key)
{
	int ncpus = libbpf_num_possible_cpus();
	struct kvmirq_agg_value v[ncpus > 0 ? ncpus : 1];
	unsigned long long sum = 0;

	if (ncpus <= 0 || bpf_map_lookup_elem(fd, key, v))
		return 0;
	for (int cpu = 0; cpu < ncpus; cpu++)
		sum += v[cpu].count;
	return sum;
}

/* The events of KIND that found the map full or unallocatable, summed over the CPUs. */
static unsigned long long kind_dropped(struct kvmirq_bpf *skel, __u32 kind)
{
	int ncpus = libbpf_num_possible_cpus();
	struct kvmirq_kind_counters v[ncpus > 0 ? ncpus : 1];
	unsigned long long sum = 0;

	if (ncpus <= 0 || bpf_map_lookup_elem(bpf_map__fd(skel->maps.kind_counters), &kind, v))
		return 0;
	for (int cpu = 0; cpu < ncpus; cpu++)
		sum += v[cpu].dropped;
	return sum;
}

/*
 * Run PROG on ARGS until its event is counted. The agg map is a
 * BPF_F_NO_PREALLOC per-CPU hash: the kernel's BPF allocator keeps a few
 * spare elements per CPU and refills them later (irq_work, GFP_NOWAIT), so
 * an insert can fail, which the program counts as a drop of KIND. On the
 * e500 6.12 rig every insert after a map's first failed in one run (and a
 * key's first insert in another); a pause lets the refill run.
 */
static int run_until_counted(struct kvmirq_bpf *skel, struct bpf_program *prog, __u32 kind,
			     unsigned long long *args, size_t nargs)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned long long dropped = kind_dropped(skel, kind);
		int err = run(prog, args, nargs);

		if (err || kind_dropped(skel, kind) == dropped)
			return err;
		usleep(10 * 1000);
	}
	printf("note: kind %u: every insert failed for 1 s\n", kind);
	return -ENOMEM;
}

/*
 * kvmirq exporter's bounded key: kvm_set_irq keeps its GSI, an accepted
 * interrupt its vCPU and not its vector, an MSI neither: three entries.
 */
static void test_bounded_keys(void)
{
	struct kvmirq_bpf *skel = kvmirq_bpf__open();
	struct bpf_program *prog;
	struct kvmirq_agg_key key = {}, next;
	unsigned int entries = 0;
	int fd;

	CHECK(skel != NULL);
	if (!skel)
		return;
	skel->rodata->aggregate = true;
	skel->rodata->aggregate_bounded = true;
	bpf_map__set_max_entries(skel->maps.events, 1 << 20);
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "on_set_irq") ||
						!strcmp(bpf_program__name(prog), "on_apic_accept_irq") ||
						!strcmp(bpf_program__name(prog), "on_msi_set_irq"));
	CHECK_EQ(kvmirq_bpf__load(skel), 0);
	fd = bpf_map__fd(skel->maps.agg);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_set_irq, KVMIRQ_EV_SET_IRQ,
				   (unsigned long long[]){ 11, 1, 0 }, 3), 0);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_set_irq, KVMIRQ_EV_SET_IRQ,
				   (unsigned long long[]){ 11, 0, 0 }, 3), 0);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_apic_accept_irq, KVMIRQ_EV_APIC_ACCEPT_IRQ,
				   (unsigned long long[]){ 2, 0, 0, 0xec }, 4), 0);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_apic_accept_irq, KVMIRQ_EV_APIC_ACCEPT_IRQ,
				   (unsigned long long[]){ 2, 0, 0, 0x31 }, 4), 0);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_msi_set_irq, KVMIRQ_EV_MSI_SET_IRQ,
				   (unsigned long long[]){ 0xfee01000, 0x4031 }, 2), 0);
	CHECK_EQ(run_until_counted(skel, skel->progs.on_msi_set_irq, KVMIRQ_EV_MSI_SET_IRQ,
				   (unsigned long long[]){ 0xfee02000, 0x4032 }, 2), 0);
	key = (struct kvmirq_agg_key){ .kind = KVMIRQ_EV_SET_IRQ, .detail = 11, .vcpu = KVMIRQ_NO_VCPU };
	CHECK_EQ(agg_count(fd, &key), 2);
	key = (struct kvmirq_agg_key){ .kind = KVMIRQ_EV_APIC_ACCEPT_IRQ, .vcpu = 2 };
	CHECK_EQ(agg_count(fd, &key), 2);
	key = (struct kvmirq_agg_key){ .kind = KVMIRQ_EV_MSI_SET_IRQ, .vcpu = KVMIRQ_NO_VCPU };
	CHECK_EQ(agg_count(fd, &key), 2);
	for (int err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &next, &next))
		entries++;
	CHECK_EQ(entries, 3);
	kvmirq_bpf__destroy(skel);
}

/* capture loads and attaches every program it wants on this kernel, or says why not. */
static void test_capture_attaches(void)
{
	struct capture_options o = { .pid = (unsigned int)getpid() };
	const struct capture_status *s;
	struct capture *c = NULL;
	char err[256] = "";

	CHECK_EQ(capture_open(&c, &o, NULL, NULL, err, sizeof(err)), 0);
	if (!c) {
		fprintf(stderr, "capture_open: %s\n", err);
		return;
	}
	s = capture_get_status(c);
	CHECK(s->strategy != KVMIRQ_STRATEGY_NONE);
	CHECK_EQ(s->nr_programs, KVMIRQ_PROGRAM_COUNT);
	for (unsigned int i = 0; i < s->nr_programs; i++) {
		const struct capture_program_status *st = &s->programs[i];
		bool strategy_group = st->info->group == (s->strategy == KVMIRQ_STRATEGY_FENTRY   ? PROGRAM_FENTRY
							  : s->strategy == KVMIRQ_STRATEGY_KPROBE ? PROGRAM_IOCTL_KPROBE
												  : PROGRAM_SYSCALL);

		if (st->wanted != st->attached || (!st->attached && !st->why[0]))
			fprintf(stderr, "%s: wanted %d attached %d (%s)\n", st->info->prog_name,
				st->wanted, st->attached, st->why);
		CHECK_EQ(st->wanted, st->attached);
		CHECK(st->attached || st->why[0]);
		if (strategy_group)
			CHECK(st->attached);
	}
	capture_close(c);
}

int main(void)
{
	struct kvmirq_bpf *skel;
	struct ring_buffer *ring;

	if (geteuid() != 0) {
		fprintf(stderr, "test_bpf: must run as root to load BPF programs\n");
		CHECK(geteuid() == 0);
		return check_done();
	}
	skel = open_delivery_only(~0ull);
	CHECK(skel != NULL);
	if (!skel)
		return check_done();
	ring = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, NULL, NULL);
	CHECK(ring != NULL);
	for (size_t i = 0; ring && i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(skel->obj, cases[i].prog);
		unsigned long long args[5];

		memcpy(args, cases[i].args, sizeof(args));
		records = 0;
		CHECK(prog != NULL);
		if (!prog || !bpf_program__autoload(prog)) {
			printf("%s: tracepoint not in this kernel\n", cases[i].prog);
			continue;
		}
		ran_cases++;
		CHECK_EQ(run(prog, args, (size_t)cases[i].nargs), 0);
		ring_buffer__consume(ring);
		CHECK_EQ(records, 1);
		if (records == 1)
			check_fields(&cases[i]);
	}
	/* KVM's generic tracepoints exist on every architecture. */
	CHECK(bpf_program__autoload(skel->progs.on_set_irq));
	CHECK(bpf_program__autoload(skel->progs.on_ack_irq));
	printf("%d of %zu delivery programs run\n", ran_cases, sizeof(cases) / sizeof(cases[0]));
	/* kvm_inj_virq's extra arguments follow this kernel's prototype (5.19+). */
	if (bpf_program__autoload(skel->progs.on_inj_virq)) {
		const struct kvmirq_ev_inj_virq *b;

		records = 0;
		run(skel->progs.on_inj_virq, (unsigned long long[]){ 0x31, 1, 1 }, 3);
		ring_buffer__consume(ring);
		b = (const void *)(last + sizeof(struct kvmirq_event_header));
		CHECK_EQ(b->vector, 0x31);
		CHECK_EQ(b->has_soft_reinjected, 1);
		CHECK_EQ(b->soft, 1);
		CHECK_EQ(b->reinjected, 1);
	}
	ring_buffer__free(ring);
	kvmirq_bpf__destroy(skel);

	/* The kind filter: only set_irq passes. */
	skel = open_delivery_only(1ull << KVMIRQ_EV_SET_IRQ);
	CHECK(skel != NULL);
	if (skel) {
		ring = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, NULL, NULL);
		records = 0;
		CHECK_EQ(run(skel->progs.on_ack_irq, (unsigned long long[]){ 1, 2 }, 2), 0);
		CHECK_EQ(run(skel->progs.on_set_irq, (unsigned long long[]){ 3, 1, 0 }, 3), 0);
		ring_buffer__consume(ring);
		CHECK_EQ(records, 1);
		CHECK_EQ(((const struct kvmirq_event_header *)last)->kind, KVMIRQ_EV_SET_IRQ);
		ring_buffer__free(ring);
		kvmirq_bpf__destroy(skel);
	}
	test_program_list();
	test_bounded_keys();
	test_capture_attaches();
	return check_done();
}
