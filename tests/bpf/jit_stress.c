// SPDX-License-Identifier: GPL-2.0
/*
 * Every BPF program this kernel can take, loaded alone, LOADS times each
 * (default 40). Each load JITs the program again at a new random place in
 * its pages, so a JIT that writes past the image it sized (Linux 6.1 on
 * 32-bit PowerPC did, see JIT_SIZE_STABLE in bpf/common.bpf.h) oopses within
 * a few loads when the overrun reaches the end of a page. "load NAME" is
 * printed before each program's loads, so a console that ends in an oops
 * names the program. Programs whose hook this kernel lacks are listed as
 * such. Exit status 0 when every load succeeded; prints "N passed, M failed".
 * Needs root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "capture/programs.h"
#include "kvmirq.skel.h"
#include "util/kallsyms.h"
#include "util/tracefs.h"

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Load only program I of the table; 0 or a negative errno. */
static int load_alone(unsigned int i)
{
	struct kvmirq_bpf *skel = kvmirq_bpf__open();
	struct bpf_program *prog;
	int err;

	if (!skel)
		return -errno;
	bpf_map__set_max_entries(skel->maps.events, 1 << 16);
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == program_of(skel, &program_table[i]));
	err = kvmirq_bpf__load(skel);
	kvmirq_bpf__destroy(skel);
	return err;
}

/* Can this kernel have program INFO at all (its tracepoint or function exists)? */
static bool hook_exists(const struct program_info *info)
{
	switch (info->group) {
	case PROGRAM_DELIVERY:
	case PROGRAM_SYSCALL:
		return tracefs_event_exists(info->hook);
	case PROGRAM_KPROBE:
	case PROGRAM_IOCTL_KPROBE:
		return kallsyms_has_function(info->hook);
	case PROGRAM_FENTRY:
	case PROGRAM_INJECT:
		return true; /* the load says: no trampoline, or no such function */
	}
	return false;
}

int main(int argc, char **argv)
{
	int loads = argc > 1 ? atoi(argv[1]) : 40, passed = 0, failed = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "jit_stress: must run as root to load BPF programs\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	libbpf_set_print(quiet_libbpf);
	for (unsigned int i = 0; i < KVMIRQ_PROGRAM_COUNT; i++) {
		const struct program_info *info = &program_table[i];
		int err;

		if (!hook_exists(info)) {
			printf("skip %s: no %s in this kernel\n", info->prog_name, info->hook);
			continue;
		}
		printf("load %s\n", info->prog_name);
		fflush(stdout);
		err = load_alone(i);
		if (err && (info->group == PROGRAM_FENTRY || info->group == PROGRAM_INJECT)) {
			printf("skip %s: not loadable here (%s)\n", info->prog_name, strerror(-err));
			continue;
		}
		for (int n = 1; !err && n < loads; n++)
			err = load_alone(i);
		if (err) {
			printf("FAIL %s: %s\n", info->prog_name, strerror(-err));
			failed++;
		} else {
			printf("PASS %s loaded %d times\n", info->prog_name, loads);
			passed++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
