// SPDX-License-Identifier: GPL-2.0
/*
 * Classification of real ioctls by the real programs: while kvmirq records
 * this process (with the ioctl strategy this kernel allows), each ioctl of
 * include/kvmirq/ioctls.h is issued, as <linux/kvm.h> numbers it, on a real
 * KVM file of a kind it is valid on. Each must come back as one record with
 * its id and file kind, in order; KVM ioctls outside the table, one of its
 * numbers with another size, and one on a file it is not valid on, must not.
 * The arguments are zeroes: KVM_SET_DEVICE_ATTR's addr 0 passes no value (a
 * command's way), which is not a payload that failed to read. Each record
 * carries the input its capture rule names, and the output when the ioctl
 * succeeded, and its size says so (the common ones are written in place in
 * the ring, the others assembled in a scratch area: both are checked). A
 * last KVM_IRQ_LINE of a line raised must carry its irq and level (the
 * programs take them from its kvm_set_irq event rather than read them).
 * Then the delivery events alone (`-e delivery`): the events a KVM_IRQ_LINE
 * raises ride in one carrier per ioctl; each must come back once, in the
 * order the kernel raised them, attributed to its VM, and no ioctl record.
 * Needs root and /dev/kvm; fails (does not skip) without them.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "capture/capture.h"
#include "check.h"

#define MAX_SEEN 64

struct seen {
	unsigned int n;
	struct {
		unsigned int id, fd_kind, flags, size, in_len, out_len;
		unsigned char payload[16];
	} io[MAX_SEEN];
};

static int on_record(const void *record, size_t len, void *ctx)
{
	const struct kvmirq_event_header *h = record;
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	struct seen *seen = ctx;

	if (len < sizeof(*h) + sizeof(*io) || h->kind != KVMIRQ_EV_IOCTL || seen->n >= MAX_SEEN)
		return 0;
	seen->io[seen->n].id = io->ioctl_id;
	seen->io[seen->n].fd_kind = io->fd_kind;
	seen->io[seen->n].flags = h->flags;
	seen->io[seen->n].size = h->size;
	seen->io[seen->n].in_len = io->in_len;
	seen->io[seen->n].out_len = io->out_len;
	memcpy(seen->io[seen->n].payload, io->payload,
	       len - sizeof(*h) - sizeof(*io) < 16 ? len - sizeof(*h) - sizeof(*io) : 16);
	seen->n++;
	return 0;
}

struct files {
	int system, vm, vcpu;
};

/* A file of a kind the ioctl is valid on, and that kind. */
static int file_for(const struct files *f, unsigned int fds, unsigned int *kind)
{
	if (fds & KVMIRQ_ON_VM) {
		*kind = KVMIRQ_FD_VM;
		return f->vm;
	}
	if (fds & KVMIRQ_ON_VCPU) {
		*kind = KVMIRQ_FD_VCPU;
		return f->vcpu;
	}
	*kind = KVMIRQ_FD_SYSTEM;
	return f->system;
}

struct issued {
	const char *name;
	unsigned long cmd;
	unsigned int id, fds;
	struct kvmirq_capture_rule rule;
};

/* Every row but RUN, which only gives vCPU threads their context. */
#define ISSUED(NAME, ID, DIR, NR, SIZE, ARCH, FDS, ...)                           \
	KVMIRQ_IF_ARCH_##ARCH(                                                   \
		{ "KVM_" #NAME, KVM_##NAME, KVMIRQ_IOCTL_##NAME, KVMIRQ_ON_##FDS, { __VA_ARGS__ } },)
static const struct issued issued[] = { KVMIRQ_IOCTLS(ISSUED) };

static const struct issued *issued_row(unsigned int id)
{
	for (size_t i = 0; i < sizeof(issued) / sizeof(issued[0]); i++)
		if (issued[i].id == id)
			return &issued[i];
	return NULL;
}

struct delivery_seen {
	unsigned int n, ioctls, other, unattributed, out_of_order;
	unsigned int per_kind[KVMIRQ_EV_KIND_MAX];
	unsigned long long vm, last_ns;
};

static int on_delivery(const void *record, size_t len, void *ctx)
{
	const struct kvmirq_event_header *h = record;
	struct delivery_seen *d = ctx;

	if (len < sizeof(*h) || h->kind >= KVMIRQ_EV_KIND_MAX) {
		d->other++;
		return 0;
	}
	if (h->kind == KVMIRQ_EV_IOCTL)
		d->ioctls++;
	d->n++;
	d->per_kind[h->kind]++;
	if (!h->vm || (d->vm && h->vm != d->vm))
		d->unattributed++;
	d->vm = h->vm;
	if (h->timestamp_ns < d->last_ns)
		d->out_of_order++;
	d->last_ns = h->timestamp_ns;
	return 0;
}

#define DELIVERY_ROUNDS 50

/*
 * `-e delivery`: KVM_IRQ_LINE raises and lowers GSI 3 (an ISA pin: PIC and
 * IOAPIC), each time kvm_set_irq, kvm_pic_set_irq and kvm_ioapic_set_irq;
 * this one thread issues them all, so the events come back in time order.
 */
static void delivery_only(int system)
{
	struct capture_options o = {
		.pid = (unsigned int)getpid(),
		.kinds = 1ULL << KVMIRQ_EV_SET_IRQ | 1ULL << KVMIRQ_EV_PIC_SET_IRQ |
			 1ULL << KVMIRQ_EV_IOAPIC_SET_IRQ,
	};
	struct kvmirq_kind_counters counters[KVMIRQ_EV_KIND_MAX];
	struct delivery_seen d = { 0 };
	struct capture *c = NULL;
	char err[256] = "";
	int vm = ioctl(system, KVM_CREATE_VM, 0), ok = 0, ring_records = 0;

	CHECK(vm >= 0 && ioctl(vm, KVM_CREATE_IRQCHIP, 0) == 0);
	CHECK_EQ(capture_open(&c, &o, on_delivery, &d, err, sizeof(err)), 0);
	if (!c || vm < 0) {
		fprintf(stderr, "test_bpf_ioctl: %s\n", err);
		goto out;
	}
	for (int i = 0; i < DELIVERY_ROUNDS; i++) {
		struct kvm_irq_level line = { .irq = 3, .level = !(i & 1) };

		ok += ioctl(vm, KVM_IRQ_LINE, &line) == 0;
	}
	CHECK_EQ(ok, DELIVERY_ROUNDS);
	for (int i = 0; i < 5; i++) {
		int got = capture_poll(c, 50);

		ring_records += got > 0 ? got : 0;
	}
	CHECK_EQ(ring_records, DELIVERY_ROUNDS); /* a carrier per ioctl, not one per event */
	CHECK_EQ(capture_read_counters(c, counters), 0);
	CHECK_EQ(counters[KVMIRQ_EV_SET_IRQ].dropped, 0);
	capture_close(c);
	CHECK_EQ(d.per_kind[KVMIRQ_EV_SET_IRQ], DELIVERY_ROUNDS);
	CHECK_EQ(d.per_kind[KVMIRQ_EV_PIC_SET_IRQ], DELIVERY_ROUNDS);
	CHECK_EQ(d.per_kind[KVMIRQ_EV_IOAPIC_SET_IRQ], DELIVERY_ROUNDS);
	CHECK_EQ(d.n, 3 * DELIVERY_ROUNDS); /* nothing else: no ioctl, no carrier */
	CHECK_EQ(d.ioctls, 0);
	CHECK_EQ(d.other, 0);
	CHECK_EQ(d.unattributed, 0);
	CHECK_EQ(d.out_of_order, 0);
out:
	if (vm >= 0)
		close(vm);
}

int main(void)
{
	static unsigned char arg[4096]; /* zeroes: room for every argument struct */
	struct capture_options o = { .pid = (unsigned int)getpid() };
	struct files f = { .system = open("/dev/kvm", O_RDWR | O_CLOEXEC) };
	struct seen seen = { 0 };
	struct capture *c = NULL;
	const struct issued *want[MAX_SEEN];
	struct kvmirq_kind_counters counters[KVMIRQ_EV_KIND_MAX];
	unsigned int want_kind[MAX_SEEN], n = 0, kind;
	int want_ret[MAX_SEEN];
	char err[256] = "";

	CHECK(f.system >= 0);
	if (f.system < 0)
		return check_done();
	f.vm = ioctl(f.system, KVM_CREATE_VM, 0);
	f.vcpu = f.vm >= 0 ? ioctl(f.vm, KVM_CREATE_VCPU, 0) : -1;
	CHECK(f.vm >= 0 && f.vcpu >= 0);
	CHECK_EQ(capture_open(&c, &o, on_record, &seen, err, sizeof(err)), 0);
	if (!c || f.vcpu < 0) {
		fprintf(stderr, "test_bpf_ioctl: %s\n", err);
		return check_done();
	}
	for (size_t i = 0; i < sizeof(issued) / sizeof(issued[0]); i++) {
		const struct issued *r = &issued[i];
		int fd = file_for(&f, r->fds, &kind), ret;

		if (r->id == KVMIRQ_IOCTL_RUN)
			continue;
		/* _IO ioctls take a value: 0 asks for the default VM type, vCPU 0 */
		ret = ioctl(fd, r->cmd, _IOC_SIZE(r->cmd) ? (unsigned long)arg : 0UL);
		if (r->id == KVMIRQ_IOCTL_CREATE_VM && ret >= 0)
			close(ret);
		want[n] = r;
		want_ret[n] = ret;
		want_kind[n++] = kind;
	}
	/* A VM with its irqchip in the kernel, whose KVM_IRQ_LINE reaches kvm_set_irq. */
	{
		struct kvm_irq_level raised = { .irq = 3, .level = 1 };
		int vm = ioctl(f.system, KVM_CREATE_VM, 0);

		want[n] = issued_row(KVMIRQ_IOCTL_CREATE_VM);
		want_ret[n] = vm;
		want_kind[n++] = KVMIRQ_FD_SYSTEM;
		want[n] = issued_row(KVMIRQ_IOCTL_CREATE_IRQCHIP);
		want_ret[n] = ioctl(vm, KVM_CREATE_IRQCHIP, 0);
		want_kind[n++] = KVMIRQ_FD_VM;
		want[n] = issued_row(KVMIRQ_IOCTL_IRQ_LINE);
		want_ret[n] = ioctl(vm, KVM_IRQ_LINE, &raised);
		want_kind[n++] = KVMIRQ_FD_VM;
		CHECK(vm >= 0 && want_ret[n - 2] == 0 && want_ret[n - 1] == 0);
		close(vm);
	}
	/* Not kvmirq's: outside the table, another size, a file it is not valid on. */
	ioctl(f.system, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP);
	ioctl(f.vm, _IOW(KVMIO, _IOC_NR(KVM_IRQ_LINE), __u64[2]), arg);
	ioctl(f.vcpu, KVM_IRQ_LINE, arg);
	ioctl(f.system, KVM_CREATE_VCPU, 0);
	for (int i = 0; i < 5; i++)
		capture_poll(c, 50);
	/* Every ioctl came back through its exit: none counted as a missed one's drop. */
	CHECK_EQ(capture_read_counters(c, counters), 0);
	CHECK_EQ(counters[KVMIRQ_EV_IOCTL].dropped, 0);
	capture_close(c);

	CHECK_EQ(seen.n, n);
	for (unsigned int i = 0; i < n && i < seen.n; i++) {
		if (seen.io[i].id != want[i]->id || seen.io[i].fd_kind != want_kind[i])
			fprintf(stderr, "#%u: issued %s on fd kind %u, recorded id %u on %u\n", i,
				want[i]->name, want_kind[i], seen.io[i].id, seen.io[i].fd_kind);
		CHECK_EQ(seen.io[i].id, want[i]->id);
		CHECK_EQ(seen.io[i].fd_kind, want_kind[i]);
		if (want[i]->id == KVMIRQ_IOCTL_SET_DEVICE_ATTR)
			CHECK_EQ(seen.io[i].flags & KVMIRQ_F_PAYLOAD_FAULT, 0);
		/* the zeroed argument is all input; no attribute value at addr 0 */
		CHECK_EQ(seen.io[i].in_len, want[i]->rule.entry_in + want[i]->rule.exit_in);
		CHECK_EQ(seen.io[i].out_len,
			 want_ret[i] >= 0 && want[i]->id != KVMIRQ_IOCTL_GET_DEVICE_ATTR
				 ? want[i]->rule.out
				 : 0);
		CHECK_EQ(seen.io[i].size, sizeof(struct kvmirq_event_header) +
						  sizeof(struct kvmirq_ev_ioctl) +
						  seen.io[i].in_len + seen.io[i].out_len);
		if (i + 3 < n) /* zeroes in */
			CHECK_EQ(memcmp(seen.io[i].payload, arg,
					seen.io[i].in_len < 16 ? seen.io[i].in_len : 16), 0);
	}
	if (n && seen.n == n) {
		struct kvm_irq_level recorded;

		memcpy(&recorded, seen.io[n - 1].payload, sizeof(recorded));
		CHECK_EQ(recorded.irq, 3);
		CHECK_EQ(recorded.level, 1);
	}
	delivery_only(f.system);
	close(f.vcpu);
	close(f.vm);
	close(f.system);
	return check_done();
}
