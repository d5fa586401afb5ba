/* SPDX-License-Identifier: GPL-2.0 */
/* Option values shared by several commands, parsed in one place. */
#ifndef KVMIRQ_OPTIONS_H
#define KVMIRQ_OPTIONS_H

#include "kvmirq/event.h"
#include "model/state_load.h"

/*
 * Each prints its error through commands/cli_messages.h (exit status 2) and
 * returns non-zero on a bad value.
 */

#define STRATEGY_WORDS "auto fentry kprobe syscall"
/* "auto", "fentry" or "syscall". */
int parse_strategy(const char *s, enum kvmirq_strategy *out);
/* A duration such as "10", "10s", "500ms", "2m" into milliseconds. */
int parse_duration_ms(const char *s, unsigned long long *out);
/* A comma-separated list of event kind names into a bit mask. */
int parse_kinds(const char *s, unsigned long long *kinds, unsigned long long *ioctls);

/*
 * A VM as "PID:FD" (the VMM's pid and its VM fd, as /proc/PID/fd shows it)
 * or "PID" when that process has exactly one VM, into KVM's own name for
 * it, "PID-FD".
 */
int parse_vm(const char *s, char out[KVMIRQ_VM_NAME_LEN]);
/* A moment in a recording, as state_time_parse() reads it. */
int parse_time(const char *s, struct state_time *at);

#endif
