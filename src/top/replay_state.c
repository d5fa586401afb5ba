// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "chips/models.h"
#include "codec/layout.h"
#include "top/replay_state.h"
#include "util/byte_order.h"

static void stamp(struct snapshot *s, const struct chip_model *m, uint32_t vm, int32_t index,
		  uint64_t ns)
{
	for (size_t i = 0; m && i < s->nr_chips; i++)
		if (s->chips[i].model == m && s->chips[i].vm == vm &&
		    (index < 0 || s->chips[i].index == index))
			s->chips[i].time_ns = ns;
}

/* KVM_{GET,SET}_IRQCHIP: struct kvm_irqchip starts with the chip id. */
static void irqchip(struct snapshot *s, const struct registry *r,
		    const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io)
{
	size_t n;
	const struct chip_model *const *models = chip_models(&n);
	uint32_t id;

	(void)r;
	if (io->in_len < 4)
		return;
	id = load_u32(io->payload, s->byte_order_big);
	for (size_t i = 0; i < n; i++)
		if (models[i]->arch == CHIP_ARCH_X86 && models[i]->nr_registers &&
		    models[i]->registers[0].read == CHIP_READ_IRQCHIP &&
		    models[i]->registers[0].attr == id)
			stamp(s, models[i], (uint32_t)h->vm, 0, h->timestamp_ns);
}

static void lapic(struct snapshot *s, const struct registry *r, const struct kvmirq_event_header *h,
		  const struct kvmirq_ev_ioctl *io)
{
	const struct object_entry *o = registry_find_object(r, (uint32_t)io->object);
	int32_t vcpu = o && o->fd_kind == KVMIRQ_FD_VCPU ? o->vcpu_id : h->vcpu_id;

	if (vcpu >= 0)
		stamp(s, &chip_model_x86_lapic, (uint32_t)h->vm, vcpu, h->timestamp_ns);
}

/* One attribute is one register, but it is the freshest read the chip has. */
static void device_attr(struct snapshot *s, const struct registry *r,
			const struct kvmirq_event_header *h, const struct kvmirq_ev_ioctl *io)
{
	const struct object_entry *o = registry_find_object(r, (uint32_t)io->object);
	size_t n;
	const struct chip_model *const *models = chip_models(&n);

	if (!o || o->fd_kind != KVMIRQ_FD_DEVICE)
		return;
	for (size_t i = 0; i < n; i++)
		if (models[i]->device_name && !strcmp(models[i]->device_name, o->name))
			stamp(s, models[i], (uint32_t)h->vm, -1, h->timestamp_ns);
}

static void (*const stamp_of_ioctl[KVMIRQ_IOCTL_ID_MAX])(struct snapshot *, const struct registry *,
							 const struct kvmirq_event_header *,
							 const struct kvmirq_ev_ioctl *) = {
	[KVMIRQ_IOCTL_GET_IRQCHIP] = irqchip,
	[KVMIRQ_IOCTL_SET_IRQCHIP] = irqchip,
	[KVMIRQ_IOCTL_GET_LAPIC] = lapic,
	[KVMIRQ_IOCTL_SET_LAPIC] = lapic,
	[KVMIRQ_IOCTL_GET_DEVICE_ATTR] = device_attr,
	[KVMIRQ_IOCTL_SET_DEVICE_ATTR] = device_attr,
};

void replay_stamp_chips(struct snapshot *s, const struct registry *r, const void *rec, size_t len)
{
	const struct kvmirq_event_header *h = rec;
	const struct kvmirq_ev_ioctl *io;

	if (len < sizeof(*h) + sizeof(*io) || h->kind != KVMIRQ_EV_IOCTL || !h->vm)
		return;
	io = event_ioctl(h);
	if (io->ret != 0 || io->ioctl_id >= KVMIRQ_IOCTL_ID_MAX || !stamp_of_ioctl[io->ioctl_id])
		return;
	stamp_of_ioctl[io->ioctl_id](s, r, h, io);
}
