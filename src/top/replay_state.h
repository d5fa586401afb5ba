/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The age of reconstructed state. A reconstruction rests on the VMM's last
 * full read or write of each controller (GET/SET_IRQCHIP, GET/SET_LAPIC, a
 * device attribute); every later value is inferred from delivery events.
 * Replay stamps each controller's time_ns with that read, so the register
 * screen can say how old the ground under its values is.
 */
#ifndef KVMIRQ_REPLAY_STATE_H
#define KVMIRQ_REPLAY_STATE_H

#include <stddef.h>

#include "registry/registry.h"
#include "snapshot/snapshot.h"

/* After recon_apply() of REC: stamp the controllers REC read or wrote whole. */
void replay_stamp_chips(struct snapshot *s, const struct registry *r, const void *rec, size_t len);

#endif
