/* SPDX-License-Identifier: GPL-2.0 */
/* Finding (and if need be mounting) tracefs, and asking it about events. */
#ifndef KVMIRQ_TRACEFS_H
#define KVMIRQ_TRACEFS_H

#include <stdbool.h>

/* The tracefs mount point, mounting it when it is not; NULL if impossible. */
const char *tracefs_root(void);
/* Does "system/event" exist in the running kernel? */
bool tracefs_event_exists(const char *system_event);

#endif
