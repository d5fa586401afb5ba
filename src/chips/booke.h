/* SPDX-License-Identifier: GPL-2.0 */
/* PowerPC BookE (e500) exception priorities, as KVM queues them for a vCPU. */
#ifndef KVMIRQ_BOOKE_H
#define KVMIRQ_BOOKE_H

/* BOOKE_IRQPRIO_<name> of arch/powerpc/kvm/booke.h ("external_level"), or NULL. */
const char *booke_irqprio_name(unsigned int priority);

#endif
