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
/*
 * A duration such as "10", "10s", "500ms", "2m" into milliseconds, for
 * OPTION ("--duration"): from 1 ms to 1000000 h; 0, a fraction of a
 * millisecond, "nan" or "inf" are refused.
 */
int parse_duration_ms(const char *option, const char *s, unsigned long long *out);
/* A whole number from MIN to MAX in decimal, nothing before or after it. */
int parse_uint(const char *option, const char *s, unsigned long long min,
	       unsigned long long max, unsigned long long *out);
/* A process id: a whole number from 1 (whether it exists is not asked). */
int parse_pid(const char *option, const char *s, unsigned int *out);
/* Seconds: a number from 0 to 1e9 ("1.5"), so that nanoseconds fit 64 bits. */
int parse_seconds(const char *option, const char *s, double *out);
/* A file to write: any name but the empty one. */
int parse_file_name(const char *option, const char *s, const char **out);
/*
 * For the commands that trace a running process: PID exists (ESRCH from
 * kill(PID, 0) is the only no). Prints the error and returns STATUS if not.
 */
int require_process(const char *option, unsigned int pid, int status);
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
