// SPDX-License-Identifier: GPL-2.0
/*
 * hook_floor: attach only the do-nothing "floor_" programs of the
 * benchmarks' BPF object (tests/bench/bench.bpf.c) to the hooks an
 * interrupt storm passes through, and hold them until SIGINT or SIGTERM. The storm benchmark runs the test
 * VMM under it: the rate it keeps is the most any tool that hooks those
 * places can keep, whatever its programs do.
 * Prints "floor: N programs attached" on stderr once ready.
 */
#include <signal.h>
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

int main(void)
{
	struct kvmirq_bench_bpf *skel = kvmirq_bench_bpf__open();
	struct bpf_program *prog;
	int attached = 0;

	if (!skel) {
		fprintf(stderr, "hook_floor: cannot open the BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), "floor_", 6));
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
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "floor: %d programs attached\n", attached);
	while (!stop)
		pause();
	kvmirq_bench_bpf__destroy(skel);
	return 0;
}
