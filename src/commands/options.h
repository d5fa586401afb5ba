/* SPDX-License-Identifier: GPL-2.0 */
/* Option values shared by several commands, parsed in one place. */
#ifndef KVMIRQ_OPTIONS_H
#define KVMIRQ_OPTIONS_H

#include "kvmirq/event.h"

/* "auto", "fentry" or "syscall"; prints an error and returns -1 otherwise. */
int parse_strategy(const char *s, enum kvmirq_strategy *out);
/* A duration such as "10", "10s", "500ms", "2m" into milliseconds. */
int parse_duration_ms(const char *s, unsigned long long *out);
/* A comma-separated list of event kind names into a bit mask. */
int parse_kinds(const char *s, unsigned long long *kinds, unsigned long long *ioctls);

/*
 * A VM as "PID:FD" (the VMM's pid and its VM fd, as /proc/PID/fd shows it)
 * or "PID" when that process has exactly one VM, into KVM's own name for
 * it, "PID-FD". Prints an error and returns -1 when there is no such VM.
 */
int parse_vm(const char *s, char out[KVMIRQ_VM_NAME_LEN]);

#endif
