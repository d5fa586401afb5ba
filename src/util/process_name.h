/* SPDX-License-Identifier: GPL-2.0 */
/* A process's names, as /proc shows them: for VM lists, recordings and snapshots. */
#ifndef KVMIRQ_UTIL_PROCESS_NAME_H
#define KVMIRQ_UTIL_PROCESS_NAME_H

#include <stddef.h>
#include <stdint.h>

/* QEMU's guest name from a NUL-separated command line, else its first words. */
void process_name_from_cmdline(const char *cmdline, size_t len, char *out, size_t outlen);
/* The same, from /proc/PID/cmdline ("" when the process is gone). */
void process_name_of_pid(uint32_t pid, char *out, size_t outlen);

/* The process's comm from /proc/PID/comm, without the newline ("" when it is gone). */
void process_comm_of_pid(uint32_t pid, char *out, size_t outlen);

#endif
