// SPDX-License-Identifier: GPL-2.0
/*
 * hook_floor: attach only the do-nothing "floor_" programs of the
 * benchmarks' BPF object (tests/bench/bench.bpf.c) to the hooks an
 * interrupt storm passes through, and hold them until SIGINT or SIGTERM. The storm benchmark runs the test
 * VMM under it: the rate it keeps is the most any tool that hooks those
 * places can keep, whatever its programs do.
 * Prints "floor: N programs attached" on stderr once ready.
 *   hook_floor [-s fentry|syscall|raw]   the ioctl hooks of kvmirq's strategy
 *   (raw: the raw syscall tracepoints, which see every syscall)
 *   hook_floor -s ladder   the cost ladder on kvm_set_irq: the floor there,
 *   and beside it one program per stage of recording (bench.bpf.c), whose
 *   ring records this process reads and drops
 *   hook_floor -s least|batched   the least recorders on the delivery
 *   tracepoints alone (bench.bpf.c), their records read and dropped too
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kvmirq_bench.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int drop_record(void *ctx, void *data, size_t len)
{
	(void)ctx, (void)data, (void)len;
	return 0;
}

/* What -s names; the sets that record have their ring read here. */
static const struct program_set {
	const char *name;
	bool records;
} program_sets[] = {
	{ "fentry", false }, { "syscall", false }, { "raw", false },
	{ "ladder", true },  { "least", true },	   { "batched", true },
};

static const struct program_set *program_set_named(const char *name)
{
	for (size_t i = 0; i < sizeof(program_sets) / sizeof(program_sets[0]); i++)
		if (!strcmp(program_sets[i].name, name))
			return &program_sets[i];
	return NULL;
}

/* A floor program of the strategy asked for: the ioctl hooks differ, the delivery ones not. */
static bool floor_wanted(const struct bpf_program *prog, const char *strategy)
{
	const char *name = bpf_program__name(prog);
	bool on_raw = strstr(name, "_raw_sys_") != NULL;
	bool on_syscall = !on_raw && strstr(name, "_sys_") != NULL;
	bool on_fentry = strstr(name, "_vm_ioctl") != NULL;

	if (!strcmp(strategy, "ladder"))
		return !strncmp(name, "ladder_", 7) || !strcmp(name, "floor_kvm_set_irq");
	if (!strcmp(strategy, "least") || !strcmp(strategy, "batched"))
		return !strncmp(name, strategy, strlen(strategy)) && name[strlen(strategy)] == '_';
	if (strncmp(name, "floor_", 6))
		return false;
	if (!strcmp(strategy, "syscall"))
		return !on_fentry && !on_raw;
	if (!strcmp(strategy, "raw"))
		return !on_fentry && !on_syscall;
	return !on_syscall && !on_raw;
}

int main(int argc, char **argv)
{
	struct kvmirq_bench_bpf *skel;
	struct bpf_program *prog;
	int attached = 0;
	const struct program_set *set = &program_sets[0];
	const char *strategy;
	struct ring_buffer *ring = NULL;

	if (argc == 3 && !strcmp(argv[1], "-s") && program_set_named(argv[2])) {
		set = program_set_named(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: hook_floor [-s fentry|syscall|raw|ladder|least|batched]\n");
		return 2;
	}
	strategy = set->name;
	skel = kvmirq_bench_bpf__open();

	if (!skel) {
		fprintf(stderr, "hook_floor: cannot open the BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, floor_wanted(prog, strategy));
	/* the recording sets' records: room for a poll interval of a storm */
	bpf_map__set_max_entries(skel->maps.events, 64 << 20);
	if (kvmirq_bench_bpf__load(skel)) {
		fprintf(stderr, "hook_floor: cannot load the floor programs (root and fentry needed)\n");
		kvmirq_bench_bpf__destroy(skel);
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "hook_floor: cannot attach %s\n", bpf_program__name(prog));
			kvmirq_bench_bpf__destroy(skel);
			return 1;
		}
		attached++;
	}
	if (set->records) {
		ring = ring_buffer__new(bpf_map__fd(skel->maps.events), drop_record, NULL, NULL);
		if (!ring) {
			fprintf(stderr, "hook_floor: cannot read the ring buffer\n");
			kvmirq_bench_bpf__destroy(skel);
			return 1;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "floor: %d programs attached\n", attached);
	while (!stop) {
		if (ring)
			ring_buffer__poll(ring, 100); /* the programs never wake it */
		else
			pause();
	}
	ring_buffer__free(ring);
	kvmirq_bench_bpf__destroy(skel);
	return 0;
}
