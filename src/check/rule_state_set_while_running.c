// SPDX-License-Identifier: GPL-2.0
/*
 * state-set-while-running: a controller-state SET (KVM_SET_IRQCHIP,
 * KVM_SET_LAPIC, a state attribute) that began while another thread of
 * the same VM was inside KVM_RUN. The BPF side counts the VM's threads in
 * KVM_RUN and says the count just before such an ioctl (a vcpus_running
 * event); the access table (access.c) says what is state.
 */
#include "check/access.h"
#include "check/rules.h"

static void running_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			  const struct kvmirq_event_header *h, size_t len)
{
	struct check_vm *v = h->vm < c->nr_vms ? &c->vms[h->vm] : NULL;
	uint64_t events[2] = { c->running_index, c->index };

	(void)state;
	(void)len;
	if (c->access.class != ACCESS_STATE_SET || !v)
		return;
	if (c->running) {
		check_report(c, r, r->severity, h, events, 2,
			     "%s while %u other thread%s of the VM %s inside KVM_RUN: KVM writes "
			     "the state under vCPUs that are taking interrupts from it, so an "
			     "interrupt in flight can be lost or delivered twice; stop the vCPUs "
			     "first (state attributes are for save and restore)",
			     c->access.what, c->running, c->running == 1 ? "" : "s",
			     c->running == 1 ? "was" : "were");
		return;
	}
	if (!v->created && !v->told_running_unknown) {
		v->told_running_unknown = true;
		check_report(c, r, CHECK_INFO, h, &c->index, 1,
			     "cannot be decided for this VM until its vCPU threads leave KVM_RUN "
			     "once: it was created before the recording began, and a thread "
			     "already inside KVM_RUN then is counted from its next KVM_RUN on");
	}
}

const struct rule_ops rule_state_set_while_running = {
	.event = running_event,
};
