/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a loaded state's file could not give, said the same way by every
 * command that reads one (show, diff, snapshot --from), after it printed
 * what the file holds.
 */
#ifndef KVMIRQ_STATE_DAMAGE_H
#define KVMIRQ_STATE_DAMAGE_H

#include "snapshot/snapshot.h"

/*
 * A recording cut short: a warning, and 0 (a recording is meant to be read
 * up to its last whole chunk after a crash). A snapshot cut short: an
 * error, and STATUS (a snapshot is written whole, so one cut short is
 * damaged: what it held past the cut is lost). Otherwise 0, silently.
 */
int say_state_damage(const char *path, const struct snapshot *s, int status);

#endif
