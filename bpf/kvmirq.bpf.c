/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one BPF object of kvmirq. Its parts live in the headers included
 * here, one concern each; they share maps, so they form one object.
 * User space loads only the programs that fit the running kernel.
 */
#include "delivery.bpf.h"
#include "mpic_mmio.bpf.h"
#include "ioctl_fentry.bpf.h"
#include "ioctl_kprobe.bpf.h"
#include "ioctl_syscall.bpf.h"
#include "attribution.bpf.h"
#include "programs.h"

/* Every program of bpf/programs.h is here: a row without its function fails to build. */
#define PROGRAM_DEFINED(NAME, GROUP, HOOK) typedef typeof(NAME) listed_##NAME;
KVMIRQ_PROGRAMS(PROGRAM_DEFINED)
