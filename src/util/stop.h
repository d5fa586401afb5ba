/* SPDX-License-Identifier: GPL-2.0 */
/* Ending a long-running command cleanly: SIGINT/SIGTERM/SIGHUP, and a monotonic clock. */
#ifndef KVMIRQ_STOP_H
#define KVMIRQ_STOP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * From now on SIGINT, SIGTERM and SIGHUP ask the command to stop instead of
 * killing it, even where they were ignored (a job a script started in the
 * background inherits SIGINT ignored).
 */
void stop_on_signals(void);
bool stop_requested(void);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t monotonic_ms(void);

#endif
