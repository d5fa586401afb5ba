/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one BPF object of kvmirq. Its parts live in the headers included
 * here, one concern each; they share maps, so they form one object.
 * User space loads only the programs that fit the running kernel.
 */
#include "delivery.bpf.h"
#include "ioctl_fentry.bpf.h"
#include "ioctl_syscall.bpf.h"
#include "attribution.bpf.h"
