// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of each delivery program per event, measured by the kernel itself:
 * each program runs through bpf_prog_test_run_opts (raw tracepoints refuse
 * `repeat`, so one call per run) with BPF run-time statistics on, and the
 * kernel's run_time_ns / run_cnt gives the cost of the program alone,
 * beside a program that only reserves and submits a ring-buffer record, and
 * one that only bumps a per-CPU counter (what a count-only tool does).
 * Prints ns per run and the ratio to the minimal program.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvmirq_bench.skel.h"

#define REPEAT 10000
#define ROUNDS 10

static int drain(void *ctx, void *data, size_t len)
{
	(void)ctx, (void)data, (void)len;
	return 0;
}

/* The kernel's own accounting of a program's runs so far. */
static int run_stats(struct bpf_program *prog, unsigned long long *ns, unsigned long long *cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return -1;
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
	return 0;
}

/* Average ns per run over ROUNDS x REPEAT runs, draining the ring between rounds. */
static double cost(struct bpf_program *prog, struct ring_buffer *ring)
{
	unsigned long long args[5] = { 4, 1, 0, 0, 0 }, ns0, cnt0, ns1, cnt1;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	if (run_stats(prog, &ns0, &cnt0))
		return -1;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < REPEAT; i++)
			if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
				return -1;
		ring_buffer__consume(ring);
	}
	if (run_stats(prog, &ns1, &cnt1) || cnt1 == cnt0)
		return -1;
	return (double)(ns1 - ns0) / (double)(cnt1 - cnt0);
}

/*
 * A raw tracepoint program whose tracepoint this kernel has (not BookE's on
 * x86). Asked of tracefs, not of vmlinux's BTF: KVM's tracepoints are in
 * the kvm module wherever KVM is one (the rig's kernel, distributions').
 */
static bool runnable(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	char pattern[256];
	glob_t g;
	bool found;

	if (bpf_program__type(prog) != BPF_PROG_TYPE_RAW_TRACEPOINT)
		return false;
	if (strncmp(sec, "raw_tp/", 7))
		return true;
	snprintf(pattern, sizeof(pattern), "/sys/kernel/{tracing,debug/tracing}/events/*/%s", sec + 7);
	found = !glob(pattern, GLOB_BRACE | GLOB_NOSORT, NULL, &g);
	if (found)
		globfree(&g);
	return found;
}

int main(void)
{
	struct kvmirq_bench_bpf *skel = kvmirq_bench_bpf__open();
	struct bpf_program *prog;
	struct ring_buffer *ring;
	double base, count_only;
	int stats_fd;

	if (!skel)
		return 1;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, runnable(prog));
	if (kvmirq_bench_bpf__load(skel)) {
		fprintf(stderr, "bench_bpf: cannot load the BPF object (root needed)\n");
		return 1;
	}
	ring = ring_buffer__new(bpf_map__fd(skel->maps.events), drain, NULL, NULL);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "bench_bpf: cannot enable BPF run-time statistics\n");
		return 1;
	}
	if (!bpf_program__autoload(skel->progs.bench_minimal_submit)) {
		fprintf(stderr, "bench_bpf: this kernel has no kvm_set_irq tracepoint (is kvm loaded?)\n");
		return 1;
	}
	base = cost(skel->progs.bench_minimal_submit, ring);
	printf("BPF program cost per event (%d runs each, kernel run-time stats, this kernel):\n",
	       ROUNDS * REPEAT);
	printf("  %-28s %8s %8s\n", "program", "ns/run", "ratio");
	printf("  %-28s %8.1f %8.2f\n", "minimal reserve+submit", base, 1.0);
	count_only = cost(skel->progs.bench_count_only, ring);
	printf("  %-28s %8.1f %8.2f\n", "count only (per-CPU)", count_only, count_only / base);
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);
		double c;

		if (!bpf_program__autoload(prog) || !strncmp(name, "bench_", 6))
			continue;
		c = cost(prog, ring);
		printf("  %-28s %8.1f %8.2f\n", name, c, c / base);
	}
	close(stats_fd);
	ring_buffer__free(ring);
	kvmirq_bench_bpf__destroy(skel);
	return 0;
}
