// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/access.h"
#include "check/checker.h"
#include "chips/gicv3.h"
#include "kvmirq/ioctls.h"
#include "registry/registry.h"
#include "util/byte_order.h"

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

/*
 * Before the rules see the event: what it says of its VM's vCPUs. A
 * vcpus_running event rides just before its state ioctl (same thread); a
 * vCPU's first KVM_RUN, or a guest's own access, ends a save or restore
 * sequence.
 */
static void note_running(struct checker *k, const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_vcpus_running *r = (const void *)(h + 1);
	struct check_vm *v = h->vm ? vm_entry(k, (uint32_t)h->vm) : NULL;

	k->ctx.running = 0;
	/* a key frame's reads are ioctls; delivery events meanwhile are the VM's
	 * own (kernel threads, the PIT, irqfds, inject while the VMM is stopped) */
	k->ctx.key_frame = h->kind == KVMIRQ_EV_IOCTL &&
			   key_frames_cover(k->ctx.key_frames, k->ctx.nr_key_frames, h->pid,
					    h->timestamp_ns);
	if (!v)
		return;
	switch (h->kind) {
	case KVMIRQ_EV_VCPUS_RUNNING:
		if (len < sizeof(*h) + sizeof(*r))
			return;
		v->in_sequence = false;
		if (r->cause == KVMIRQ_RUNNING_FIRST_RUN && !v->ran) {
			v->ran = true;
			v->first_run_ns = h->timestamp_ns;
			v->first_run_index = k->ctx.index;
		} else if (r->cause == KVMIRQ_RUNNING_STATE_IOCTL) {
			v->running_tid = h->tid;
			v->running_threads = r->threads;
			v->running_index = k->ctx.index;
		}
		break;
	case KVMIRQ_EV_IOCTL:
		if (v->running_threads && v->running_tid == h->tid) {
			k->ctx.running = v->running_threads;
			k->ctx.running_index = v->running_index;
		}
		v->running_threads = 0;
		break;
	case KVMIRQ_EV_MPIC_MMIO: /* the guest itself: a vCPU runs */
	case KVMIRQ_EV_INJ_VIRQ:
	case KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO:
		v->in_sequence = false;
		break;
	default:
		break;
	}
}

/* Before the rules: what a successful ioctl of a VM is to the access table. */
static void note_access(struct checker *k, const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);

	memset(&k->ctx.access, 0, sizeof(k->ctx.access));
	if (h->kind == KVMIRQ_EV_IOCTL && h->vm && len >= sizeof(*h) + sizeof(*io) && io->ret >= 0)
		access_classify(k->ctx.registry, k->recon.snap.byte_order_big, h, io,
				&k->ctx.access);
}

/* After the rules: a state access while no vCPU ran opens or extends a sequence. */
static void note_sequence(struct checker *k, const struct kvmirq_event_header *h)
{
	enum access_class class = k->ctx.access.class;
	struct check_vm *v;

	if ((class != ACCESS_STATE_GET && class != ACCESS_STATE_SET) || k->ctx.key_frame)
		return;
	v = vm_entry(k, (uint32_t)h->vm);
	if (!v)
		return;
	if (k->ctx.running) {
		v->in_sequence = false;
		return;
	}
	if (!v->in_sequence) {
		v->in_sequence = true;
		v->sequence_index = k->ctx.index;
		v->sequence_ns = h->timestamp_ns;
		v->sequence_accesses = 0;
	}
	v->sequence_accesses++;
}

/* A SET of the VGICv3's NR_IRQS, or its CTRL_INIT: that initialisation
 * routes GSI i to SPI i + 32 for every SPI of the VM (vgic-irqfd.c's
 * kvm_vgic_setup_default_irq_routing()). */
static void note_vgic(struct checker *k, struct check_vm *v, const struct kvmirq_ev_ioctl *io)
{
	bool big = k->ctx.recon->snap.byte_order_big;
	const struct object_entry *o;
	uint32_t group, nr_irqs;

	/* struct kvm_device_attr: flags, group, attr, addr; then the value */
	if (io->fd_kind != KVMIRQ_FD_DEVICE || io->in_len < 24)
		return;
	o = registry_find_object(k->ctx.registry, (uint32_t)io->object);
	if (!o || strcmp(o->name, GICV3_DEVICE))
		return;
	group = load_u32(io->payload + 4, big);
	if (group == GICV3_GRP_NR_IRQS && io->in_len >= 28)
		v->vgic_nr_irqs = load_u32(io->payload + 24, big);
	if (group == GICV3_GRP_CTRL && load_u64(io->payload + 8, big) == GICV3_CTRL_INIT) {
		nr_irqs = v->vgic_nr_irqs ? v->vgic_nr_irqs : GICV3_DEFAULT_NR_IRQS;
		v->irqchip = true;
		v->default_gsis = nr_irqs > GICV3_NR_PRIVATE_IRQS ? nr_irqs - GICV3_NR_PRIVATE_IRQS : 0;
	}
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
	case KVMIRQ_IOCTL_CREATE_IRQCHIP:
		v->irqchip = true;
		v->default_gsis = k->ctx.platform->irqchip_default_gsis;
		break;
	case KVMIRQ_IOCTL_SET_DEVICE_ATTR: note_vgic(k, v, io); break;
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
		note_running(k, h, len);
		note_access(k, h, len);
		/* kvmirq's own key-frame reads are not the VMM's: no rule judges them */
		for (size_t i = 0; i < check_nr_rules && !k->ctx.key_frame; i++)
			if (k->state[i])
				check_rules[i].ops->event(&k->ctx, &check_rules[i], k->state[i], h, len);
		note_sequence(k, h);
		note_vm(k, h, len);
	}
	recon_apply(&k->recon, rec, len);
	if (h->kind != KVMIRQ_EV_IOCTL_PAYLOAD)
		k->ctx.index++;
}

void checker_set_key_frames(struct checker *k, const struct key_frame *frames, size_t nr)
{
	k->ctx.key_frames = frames;
	k->ctx.nr_key_frames = nr;
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
