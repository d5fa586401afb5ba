// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/checker.h"
#include "kvmirq/ioctls.h"

int checker_init(struct checker *k, const struct registry *registry,
		 const struct payload_format *format, const struct platform *platform,
		 const struct check_coverage *coverage, const struct check_options *options,
		 void (*emit)(void *arg, const struct finding *f), void *emit_arg)
{
	memset(k, 0, sizeof(*k));
	k->options = *options;
	recon_init(&k->recon, registry, format);
	k->ctx = (struct check_ctx){
		.registry = registry,
		.platform = platform,
		.recon = &k->recon,
		.options = &k->options,
		.emit = emit,
		.emit_arg = emit_arg,
	};
	k->state = calloc(check_nr_rules, sizeof(*k->state));
	if (!k->state)
		return -ENOMEM;
	for (size_t i = 0; i < check_nr_rules; i++) {
		const struct check_rule *r = &check_rules[i];
		char why[256];

		if (r->arch != CHIP_ARCH_ANY && r->arch != platform->arch)
			continue; /* not about this platform's chips */
		if (check_coverage_missing(coverage, r->needs_kinds, r->needs_ioctls, why,
					   sizeof(why))) {
			check_report(&k->ctx, r, CHECK_INFO, NULL, NULL, 0,
				     "cannot be decided on this recording: %s", why);
			continue;
		}
		k->state[i] = calloc(1, r->ops->state_size ? r->ops->state_size : 1);
		if (!k->state[i])
			return -ENOMEM;
	}
	return 0;
}

static struct check_vm *vm_entry(struct checker *k, uint32_t vm)
{
	if (vm >= k->ctx.nr_vms) {
		size_t n = (size_t)vm + 8;
		struct check_vm *p = realloc(k->ctx.vms, n * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + k->ctx.nr_vms, 0, (n - k->ctx.nr_vms) * sizeof(*p));
		k->ctx.vms = p;
		k->ctx.nr_vms = n;
	}
	return &k->ctx.vms[vm];
}

/* What the ioctl tells of its VM, once the rules have seen it. */
static void note_vm(struct checker *k, const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	struct check_vm *v;

	if (h->kind != KVMIRQ_EV_IOCTL || len < sizeof(*h) + sizeof(*io) || !h->vm || io->ret < 0)
		return;
	v = vm_entry(k, (uint32_t)h->vm);
	if (!v)
		return;
	switch (io->ioctl_id) {
	case KVMIRQ_IOCTL_CREATE_VM: /* a new VM may get a freed one's id */
		*v = (struct check_vm){ .created = true };
		break;
	case KVMIRQ_IOCTL_CREATE_IRQCHIP: v->irqchip = true; break;
	case KVMIRQ_IOCTL_CREATE_VCPU: /* its argument is the vCPU id */
		if (io->arg < CHECK_MAX_VCPU_IDS)
			v->vcpus[io->arg / 64] |= 1ull << (io->arg % 64);
		break;
	case KVMIRQ_IOCTL_SET_GSI_ROUTING:
		v->routing_set = true;
		v->routing_at = k->ctx.index;
		break;
	default: break;
	}
}

void checker_event(struct checker *k, const void *rec, size_t len)
{
	const struct kvmirq_event_header *h = rec;

	if (len < sizeof(*h))
		return;
	if (!k->started) {
		k->started = true;
		k->ctx.base_ns = h->timestamp_ns;
	}
	/* a payload's continuation is part of its ioctl, as in the timeline */
	if (h->kind != KVMIRQ_EV_IOCTL_PAYLOAD) {
		if (h->vm)
			vm_entry(k, (uint32_t)h->vm);
		for (size_t i = 0; i < check_nr_rules; i++)
			if (k->state[i])
				check_rules[i].ops->event(&k->ctx, &check_rules[i], k->state[i], h, len);
		note_vm(k, h, len);
	}
	recon_apply(&k->recon, rec, len);
	if (h->kind != KVMIRQ_EV_IOCTL_PAYLOAD)
		k->ctx.index++;
}

void checker_end(struct checker *k)
{
	for (size_t i = 0; i < check_nr_rules; i++)
		if (k->state[i] && check_rules[i].ops->end)
			check_rules[i].ops->end(&k->ctx, &check_rules[i], k->state[i]);
}

void checker_free(struct checker *k)
{
	for (size_t i = 0; k->state && i < check_nr_rules; i++) {
		if (k->state[i] && check_rules[i].ops->free)
			check_rules[i].ops->free(k->state[i]);
		free(k->state[i]);
	}
	free(k->state);
	free(k->ctx.vms);
	recon_free(&k->recon);
	memset(k, 0, sizeof(*k));
}
