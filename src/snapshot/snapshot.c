// SPDX-License-Identifier: GPL-2.0
/* Taking a snapshot: every chip model that applies to each KVM fd, read with its GET ioctls. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>

#include "chips/payload_format.h"
#include "snapshot/snapshot.h"

/* KVM_GET_LAPIC's struct lives in the x86 uapi only; the ioctl number is all we need. */
struct snapshot_lapic_page {
	char regs[CHIP_LAPIC_BLOCK_SIZE];
};
#define SNAPSHOT_KVM_GET_LAPIC _IOR(KVMIO, 0x8e, struct snapshot_lapic_page)

static long local_ioctl_buf(void *ctx, int fd, unsigned long cmd, void *buf, size_t len)
{
	(void)ctx;
	(void)len;
	return ioctl(fd, cmd, buf) < 0 ? -errno : 0;
}

static long local_get_device_attr(void *ctx, int fd, uint32_t group, uint64_t attr, void *val,
				  size_t len)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	(void)ctx;
	(void)len;
	return ioctl(fd, KVM_GET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

const struct snapshot_io snapshot_io_local = {
	.ioctl_buf = local_ioctl_buf,
	.get_device_attr = local_get_device_attr,
};

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void snapshot_init(struct snapshot *s)
{
	struct utsname u;
	struct payload_format host;

	memset(s, 0, sizeof(*s));
	payload_format_host(&host);
	s->byte_order_big = host.big_endian;
	s->word_size = host.word_size;
	if (!uname(&u))
		snprintf(s->machine, sizeof(s->machine), "%.31s", u.machine);
}

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->nr_chips; i++)
		chip_state_free(&s->chips[i]);
	free(s->chips);
	for (size_t i = 0; i < s->nr_routing; i++)
		routing_free(&s->routing[i]);
	free(s->routing);
	free(s->vm_names);
	memset(s, 0, sizeof(*s));
}

uint32_t snapshot_add_vm(struct snapshot *s, const char *name)
{
	char(*names)[32] = realloc(s->vm_names, (s->nr_vms + 1) * sizeof(*names));

	if (!names)
		return 0;
	s->vm_names = names;
	snprintf(names[s->nr_vms], sizeof(names[0]), "%s", name ? name : "");
	return ++s->nr_vms;
}

const struct platform *snapshot_platform(const struct snapshot *s)
{
	return platform_by_machine(s->machine);
}

const struct vm_routing *snapshot_find_routing(const struct snapshot *s, uint32_t vm)
{
	for (size_t i = 0; s && i < s->nr_routing; i++)
		if (s->routing[i].vm == vm)
			return &s->routing[i];
	return NULL;
}

struct vm_routing *snapshot_routing(struct snapshot *s, uint32_t vm)
{
	struct vm_routing *r = (struct vm_routing *)snapshot_find_routing(s, vm);

	if (r)
		return r;
	r = realloc(s->routing, (s->nr_routing + 1) * sizeof(*r));
	if (!r)
		return NULL;
	s->routing = r;
	r = &r[s->nr_routing++];
	memset(r, 0, sizeof(*r));
	r->vm = vm;
	return r;
}

struct chip_state *snapshot_add_chip(struct snapshot *s, const struct chip_model *model,
				     uint32_t vm, int32_t index)
{
	struct chip_state *chips = realloc(s->chips, (s->nr_chips + 1) * sizeof(*chips));
	struct chip_state *c;

	if (!chips)
		return NULL;
	s->chips = chips;
	c = &chips[s->nr_chips];
	if (chip_state_init(c, model, vm, index))
		return NULL;
	c->big_endian = s->byte_order_big;
	s->nr_chips++;
	return c;
}

/* INSTANCE: the attr bits that pick the chip's instance (a vCPU's MPIDR). */
static long read_one(const struct snapshot_io *io, int fd, struct chip_read_result *r,
		     uint64_t instance)
{
	struct kvm_irqchip chip;
	long ret;

	switch (r->kind) {
	case CHIP_READ_IRQCHIP:
		memset(&chip, 0, sizeof(chip));
		chip.chip_id = (uint32_t)r->attr;
		ret = io->ioctl_buf(io->ctx, fd, KVM_GET_IRQCHIP, &chip, sizeof(chip));
		if (ret < 0)
			return ret;
		memcpy(r->bytes, &chip.chip, r->len < sizeof(chip.chip) ? r->len : sizeof(chip.chip));
		return 0;
	case CHIP_READ_LAPIC:
		return io->ioctl_buf(io->ctx, fd, SNAPSHOT_KVM_GET_LAPIC, r->bytes, r->len);
	case CHIP_READ_DEVICE_ATTR:
		return io->get_device_attr(io->ctx, fd, r->group, r->attr | instance, r->bytes,
					    r->len);
	default:
		return -EINVAL;
	}
}

/* The register element a device attribute read R reaches, or NULL. */
static const struct chip_register *read_register(const struct chip_model *m,
						 const struct chip_read_result *r,
						 unsigned *element)
{
	return r->kind == CHIP_READ_DEVICE_ATTR ? chip_register_by_attr(m, r->group, r->attr, element)
						: NULL;
}

bool snapshot_read_failed(const struct chip_state *c, const struct chip_read_result *r)
{
	unsigned element;
	const struct chip_register *reg = c->model ? read_register(c->model, r, &element) : NULL;

	/* a register the host lacks (CHIP_HOST_MAY_LACK) is absent, not failed;
	 * CHIP_STATUS_PAST_IRQS is a read not made */
	return r->status < 0 && r->status != CHIP_STATUS_PAST_IRQS &&
	       !(r->status == -EINVAL && reg && reg->flags & CHIP_HOST_MAY_LACK);
}

static int read_chip(struct snapshot *s, const struct snapshot_io *io, int fd,
		     const struct chip_model *m, uint32_t vm, int32_t index)
{
	struct chip_state *c = snapshot_add_chip(s, m, vm, index);

	if (!c)
		return -ENOMEM;
	c->time_ns = now_ns(CLOCK_MONOTONIC);
	for (size_t i = 0; i < c->nr_reads; i++) {
		unsigned element;
		const struct chip_register *reg = read_register(m, &c->reads[i], &element);
		long ret;

		/* about interrupts the chip does not have (a GICv3 distributor sized
		 * by its VM's NR_IRQS reads those as zero): not worth a stop of the
		 * VMM each when read from outside */
		if (reg && chip_element_past_irqs(reg, element, chip_state_irq_count(c))) {
			c->reads[i].status = CHIP_STATUS_PAST_IRQS;
			continue;
		}
		ret = read_one(io, fd, &c->reads[i], chip_instance_attr_bits(m, index));
		c->reads[i].status = ret < 0 ? (int32_t)ret : 0;
		s->reads++;
		if (snapshot_read_failed(c, &c->reads[i]))
			s->failed_reads++;
	}
	return 0;
}

static bool model_applies(const struct chip_model *m, const struct snapshot_fd *fd)
{
	if (m->fd_kind != fd->kind)
		return false;
	if (fd->kind == CHIP_FD_DEVICE)
		return m->device_name && !strcmp(m->device_name, fd->name);
	return m->arch == CHIP_ARCH_ANY || m->arch == chip_host_arch();
}

/* Device instances are numbered per VM and model, in fd order. */
static int32_t next_index(const struct snapshot *s, const struct chip_model *m, uint32_t vm)
{
	int32_t n = 0;

	for (size_t i = 0; i < s->nr_chips; i++)
		if (s->chips[i].model == m && s->chips[i].vm == vm)
			n++;
	return n;
}

/* A device model with one instance per vCPU (a GICv3 redistributor): read
 * through the device's fd, once for each vCPU fd of its VM. */
static int read_per_vcpu(struct snapshot *s, const struct snapshot_io *io,
			 const struct snapshot_fd *fds, size_t nr_fds,
			 const struct snapshot_fd *device, const struct chip_model *m)
{
	for (size_t f = 0; f < nr_fds; f++)
		if (fds[f].kind == CHIP_FD_VCPU && fds[f].vm == device->vm &&
		    read_chip(s, io, device->fd, m, device->vm, fds[f].vcpu_id))
			return -ENOMEM;
	return 0;
}

int snapshot_take(struct snapshot *s, const struct snapshot_io *io, const struct snapshot_fd *fds,
		  size_t nr_fds, char *err, size_t errlen)
{
	size_t nr_models;
	const struct chip_model *const *models = chip_models(&nr_models);
	uint64_t start = now_ns(CLOCK_MONOTONIC);

	s->realtime_ns = now_ns(CLOCK_REALTIME);
	for (size_t f = 0; f < nr_fds; f++) {
		const struct snapshot_fd *fd = &fds[f];

		for (size_t i = 0; i < nr_models; i++) {
			const struct chip_model *m = models[i];
			int32_t index;

			if (!model_applies(m, fd))
				continue;
			if (m->attr_layout == CHIP_ATTR_MPIDR_VCPU) {
				if (read_per_vcpu(s, io, fds, nr_fds, fd, m)) {
					snprintf(err, errlen, "out of memory");
					return -ENOMEM;
				}
				continue;
			}
			index = fd->kind == CHIP_FD_VCPU ? fd->vcpu_id : next_index(s, m, fd->vm);
			if (read_chip(s, io, fd->fd, m, fd->vm, index)) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
	}
	s->duration_ns = now_ns(CLOCK_MONOTONIC) - start;
	return 0;
}
