/* SPDX-License-Identifier: GPL-2.0 */
/* Ending a long-running command cleanly: SIGINT/SIGTERM, and a monotonic clock. */
#ifndef KVMIRQ_STOP_H
#define KVMIRQ_STOP_H

#include <stdbool.h>
#include <stdint.h>

/* From now on SIGINT and SIGTERM ask the command to stop instead of killing it. */
void stop_on_signals(void);
bool stop_requested(void);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t monotonic_ms(void);

#endif
