/* SPDX-License-Identifier: GPL-2.0 */
/* Names of event kinds, ioctls and fd kinds: one table each. */
#ifndef KVMIRQ_NAMES_H
#define KVMIRQ_NAMES_H

#include "kvmirq/event.h"

/* "set_irq" for KVMIRQ_EV_SET_IRQ; "?" for unknown kinds. */
const char *event_kind_name(unsigned int kind);
/* The kernel tracepoint behind a delivery kind, e.g. "kvm_set_irq". */
const char *event_kind_tracepoint(unsigned int kind);
/* What `stat` and the exporter call a kind: its tracepoint, or kvmirq's name
 * for a kind without one (mpic_mmio, vcpus_running). */
const char *event_kind_counter_name(unsigned int kind);
int event_kind_from_name(const char *name);

/* "KVM_IRQ_LINE" for KVMIRQ_IOCTL_IRQ_LINE. */
const char *ioctl_name(unsigned int id);
/* By "KVM_IRQ_LINE" or "irq_line", any case; -1 when unknown. */
int ioctl_id_from_name(const char *name);

const char *fd_kind_name(unsigned int kind);
/* An ioctl attach strategy (enum kvmirq_strategy): "fentry", "kprobe", ... */
const char *strategy_name(unsigned int strategy);

#endif
