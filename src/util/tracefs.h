/* SPDX-License-Identifier: GPL-2.0 */
/* Finding (and if need be mounting) tracefs, and asking it about events. */
#ifndef KVMIRQ_TRACEFS_H
#define KVMIRQ_TRACEFS_H

#include <stdbool.h>

/* The tracefs mount point, mounting it when it is not; NULL if impossible. */
const char *tracefs_root(void);
/* Does "system/event" exist in the running kernel? */
bool tracefs_event_exists(const char *system_event);
/* Can kprobe events be defined (a kernel with kprobes)? */
bool tracefs_has_kprobe_events(void);
/*
 * Define the kretprobe event GROUP/EVENT on FUNCTION, with room for
 * MAXACTIVE calls in flight at once, replacing a stale one of that name.
 * Returns its event id, or -errno.
 */
int tracefs_kretprobe_add(const char *group, const char *event, const char *function,
			  unsigned int maxactive);
/* Remove the kprobe event GROUP/EVENT again (no perf event may use it). */
void tracefs_kprobe_remove(const char *group, const char *event);

#endif
