// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "codec/layout.h"
#include "trace/normalize.h"

void normalizer_init(struct normalizer *n, struct registry *registry)
{
	memset(n, 0, sizeof(*n));
	n->registry = registry;
}

/* What the object of an ioctl record is: the new one for CREATE_*, else the fd's. */
static uint8_t object_kind(const struct kvmirq_ev_ioctl *io)
{
	switch (io->ioctl_id) {
	case KVMIRQ_IOCTL_CREATE_VM: return KVMIRQ_FD_VM;
	case KVMIRQ_IOCTL_CREATE_VCPU: return KVMIRQ_FD_VCPU;
	case KVMIRQ_IOCTL_CREATE_DEVICE: return KVMIRQ_FD_DEVICE;
	default: return io->fd_kind;
	}
}

/* A KVM_CREATE_VM that succeeded: its header names the new VM. */
static bool created_vm(const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);

	return h->kind == KVMIRQ_EV_IOCTL && h->size >= sizeof(*h) + sizeof(*io) &&
	       io->ioctl_id == KVMIRQ_IOCTL_CREATE_VM && io->ret >= 0;
}

int normalize_record(struct normalizer *n, const void *rec, size_t len, const void **out,
		     size_t *outlen)
{
	struct kvmirq_event_header *h = (struct kvmirq_event_header *)n->buf;
	int ret = event_record_check(rec, len, n->error, sizeof(n->error));

	if (ret)
		return ret;
	memcpy(n->buf, rec, ((const struct kvmirq_event_header *)rec)->size);
	if (created_vm(h))
		h->vm = registry_vm_new(n->registry, h->vm, h->pid, h->timestamp_ns);
	else
		h->vm = registry_vm_id(n->registry, h->vm, h->pid, h->timestamp_ns);
	if (h->vm)
		registry_note_process(n->registry, h->pid);
	if (h->kind == KVMIRQ_EV_IOCTL) {
		struct kvmirq_ev_ioctl *io = (struct kvmirq_ev_ioctl *)(h + 1);
		uint8_t kind = object_kind(io);

		if (io->ioctl_id == KVMIRQ_IOCTL_CREATE_VM) {
			registry_note_comm(n->registry, h->pid, io->device_name);
			memset(io->device_name, 0, sizeof(io->device_name)); /* the VM has no name */
		}
		io->object = registry_object_id(n->registry, io->object, (uint32_t)h->vm, kind,
						kind == KVMIRQ_FD_VCPU ? h->vcpu_id : KVMIRQ_NO_VCPU,
						io->device_name);
	}
	*out = n->buf;
	*outlen = h->size;
	return 0;
}
