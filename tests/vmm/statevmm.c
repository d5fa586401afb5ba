// SPDX-License-Identifier: GPL-2.0
/*
 * statevmm: a VMM that puts its in-kernel x86 irqchip into a known state
 * and snapshots it with kvmirq's own snapshot code, for the state tests.
 *
 *   statevmm OUTDIR [--hold]
 *
 * VM A gets known IOAPIC entries, PIC masks and vector bases, LAPIC
 * registers and IRR bits on two vCPUs, and a pending level line (GSI 9).
 * Written to OUTDIR:
 *   expected.jsonl   one line per field set: {"chip","index","field","value"}
 *   inprocess.kvmsnap  VM A, snapshot in-process
 *   copied.kvmsnap   VM C: A's state copied whole with GET/SET (a faithful
 *                    "migration"): diff against A must find nothing
 *   planted.kvmsnap  VM B: the same copy with one IOAPIC entry (pin 4) and
 *                    one IRR bit (vector 0x62 on vCPU 0) dropped: diff
 *                    must name exactly those
 * With --hold it then keeps VM A alone, writes OUTDIR/ready and waits for
 * SIGTERM, so that `kvmirq snapshot --pid` can read it from outside; on
 * SIGTERM it snapshots A again (after.kvmsnap): the outside snapshots
 * must not have changed anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "snapshot/snapshot.h"

#define PLANTED_PIN 4
#define PLANTED_VECTOR 0x62

struct vm {
	int fd;
	int vcpu[2];
};

static int kvm_fd;
static FILE *expected;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "statevmm: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	va_end(ap);
	exit(1);
}

static void expect(const char *chip, int index, const char *field, unsigned long long value)
{
	fprintf(expected, "{\"chip\":\"%s\",\"index\":%d,\"field\":\"%s\",\"value\":%llu}\n", chip,
		index, field, value);
}

static void expect_pins(const char *chip, const char *reg, unsigned bits)
{
	char name[32];

	for (unsigned pin = 0; pin < 8; pin++) {
		snprintf(name, sizeof(name), "%s.pin%u", reg, pin);
		expect(chip, 0, name, bits >> pin & 1);
	}
}

static void create_vm(struct vm *v)
{
	v->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM");
	if (ioctl(v->fd, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP");
	for (int i = 0; i < 2; i++) {
		v->vcpu[i] = ioctl(v->fd, KVM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0)
			die("KVM_CREATE_VCPU %d", i);
	}
}

static void close_vm(struct vm *v)
{
	close(v->vcpu[0]);
	close(v->vcpu[1]);
	close(v->fd);
}

static void get_chip(const struct vm *v, unsigned id, struct kvm_irqchip *c)
{
	memset(c, 0, sizeof(*c));
	c->chip_id = id;
	if (ioctl(v->fd, KVM_GET_IRQCHIP, c))
		die("KVM_GET_IRQCHIP %u", id);
}

static void set_chip(const struct vm *v, struct kvm_irqchip *c)
{
	if (ioctl(v->fd, KVM_SET_IRQCHIP, c))
		die("KVM_SET_IRQCHIP %u", c->chip_id);
}

static void get_lapic(int vcpu, struct kvm_lapic_state *l)
{
	if (ioctl(vcpu, KVM_GET_LAPIC, l))
		die("KVM_GET_LAPIC");
}

static void set_lapic(int vcpu, struct kvm_lapic_state *l)
{
	if (ioctl(vcpu, KVM_SET_LAPIC, l))
		die("KVM_SET_LAPIC");
}

static void lapic_write(struct kvm_lapic_state *l, unsigned off, unsigned v)
{
	memcpy(&l->regs[off], &v, 4);
}

static void lapic_vector(struct kvm_lapic_state *l, unsigned base, unsigned vec, int on)
{
	unsigned word, off = base + (vec / 32) * 0x10;

	memcpy(&word, &l->regs[off], 4);
	word = on ? word | 1u << (vec % 32) : word & ~(1u << (vec % 32));
	memcpy(&l->regs[off], &word, 4);
}

/* Redirection entries: vector, delivery mode fixed, and the bits named. */
struct redir_case {
	unsigned pin;
	unsigned long long bits;
};

static const struct redir_case redirs[] = {
	{ 1, 0x31 | 1ull << 11 | 1ull << 15 | 1ull << 56 }, /* logical, level, dest 1 */
	{ PLANTED_PIN, 0x34 },				     /* edge, physical, dest 0 */
	{ 9, 0x39 | 1ull << 13 | 1ull << 15 },		     /* active-low, level, dest 0 */
	{ 23, 0x3f | 1ull << 16 },			     /* masked */
};

static void program_ioapic(const struct vm *v)
{
	struct kvm_irqchip c;
	char name[32];

	get_chip(v, KVM_IRQCHIP_IOAPIC, &c);
	for (size_t i = 0; i < sizeof(redirs) / sizeof(redirs[0]); i++) {
		const struct redir_case *r = &redirs[i];

		c.chip.ioapic.redirtbl[r->pin].bits = r->bits;
		snprintf(name, sizeof(name), "redir[%u].vector", r->pin);
		expect("x86-ioapic", 0, name, r->bits & 0xff);
		snprintf(name, sizeof(name), "redir[%u].dest_mode", r->pin);
		expect("x86-ioapic", 0, name, r->bits >> 11 & 1);
		snprintf(name, sizeof(name), "redir[%u].polarity", r->pin);
		expect("x86-ioapic", 0, name, r->bits >> 13 & 1);
		snprintf(name, sizeof(name), "redir[%u].trigger", r->pin);
		expect("x86-ioapic", 0, name, r->bits >> 15 & 1);
		snprintf(name, sizeof(name), "redir[%u].masked", r->pin);
		expect("x86-ioapic", 0, name, r->bits >> 16 & 1);
		snprintf(name, sizeof(name), "redir[%u].dest_id", r->pin);
		expect("x86-ioapic", 0, name, r->bits >> 56);
	}
	set_chip(v, &c);
}

static void program_pics(const struct vm *v)
{
	struct kvm_irqchip c;

	get_chip(v, KVM_IRQCHIP_PIC_MASTER, &c);
	c.chip.pic.imr = 0xfb; /* everything but the cascade masked */
	c.chip.pic.irq_base = 0x20;
	set_chip(v, &c);
	expect_pins("x86-pic-master", "imr", 0xfb);
	expect("x86-pic-master", 0, "irq_base.vector_base", 0x20);
	get_chip(v, KVM_IRQCHIP_PIC_SLAVE, &c);
	c.chip.pic.imr = 0xfd;
	c.chip.pic.irq_base = 0x28;
	set_chip(v, &c);
	expect_pins("x86-pic-slave", "imr", 0xfd);
	expect("x86-pic-slave", 0, "irq_base.vector_base", 0x28);
}

static void program_lapics(const struct vm *v)
{
	struct kvm_lapic_state l;

	get_lapic(v->vcpu[0], &l);
	lapic_write(&l, 0xf0, 0x1ff);	/* SPIV: enabled, spurious vector 0xff */
	lapic_write(&l, 0x80, 0x20);	/* TPR */
	lapic_write(&l, 0x320, 0x200ec); /* LVT timer: periodic, vector 0xec */
	lapic_write(&l, 0x350, 0x700);	/* LINT0: ExtINT */
	lapic_write(&l, 0x360, 0x400);	/* LINT1: NMI */
	lapic_write(&l, 0x370, 0xfe);	/* LVT error: vector 0xfe */
	lapic_write(&l, 0x3e0, 0xb);	/* TDCR: divide by 1 */
	lapic_vector(&l, 0x200, 0x51, 1);
	lapic_vector(&l, 0x200, PLANTED_VECTOR, 1);
	set_lapic(v->vcpu[0], &l);
	expect("x86-lapic", 0, "spiv.vector", 0xff);
	expect("x86-lapic", 0, "spiv.enabled", 1);
	expect("x86-lapic", 0, "tpr", 0x20);
	expect("x86-lapic", 0, "lvt_timer.vector", 0xec);
	expect("x86-lapic", 0, "lvt_timer.mode", 1);
	expect("x86-lapic", 0, "lvt_timer.masked", 0);
	expect("x86-lapic", 0, "lvt_lint0.delivery_mode", 7);
	expect("x86-lapic", 0, "lvt_lint1.delivery_mode", 4);
	expect("x86-lapic", 0, "lvt_error.vector", 0xfe);
	expect("x86-lapic", 0, "tdcr.divisor", 0xb);
	expect("x86-lapic", 0, "id.id", 0);

	get_lapic(v->vcpu[1], &l);
	lapic_write(&l, 0xf0, 0x1f0);
	lapic_write(&l, 0x350, 0x10000);
	set_lapic(v->vcpu[1], &l);
	expect("x86-lapic", 1, "spiv.vector", 0xf0);
	expect("x86-lapic", 1, "lvt_lint0.masked", 1);
	expect("x86-lapic", 1, "id.id", 1);
}

/* GSI 9 held high: the IOAPIC delivers vector 0x39 to vCPU 0 and waits for its EOI. */
static void raise_level_line(const struct vm *v)
{
	struct kvm_irq_level line = { .irq = 9, .level = 1 };

	if (ioctl(v->fd, KVM_IRQ_LINE, &line))
		die("KVM_IRQ_LINE");
	expect("x86-ioapic", 0, "redir[9].remote_irr", 1);
	expect("x86-ioapic", 0, "irr", 1u << 9);
	/* IRR holds 0x51, 0x62 (set above) and now 0x39: words 1, 2, 3 */
	expect("x86-lapic", 0, "irr[1].vectors", 1u << (0x39 - 32));
	expect("x86-lapic", 0, "irr[2].vectors", 1u << (0x51 - 64));
	expect("x86-lapic", 0, "irr[3].vectors", 1u << (PLANTED_VECTOR - 96));
	expect("x86-lapic", 0, "tmr[1].vectors", 1u << (0x39 - 32));
}

/* B := A, leaving out what DROP says: the migration bug the diff must catch. */
static void copy_vm(const struct vm *from, const struct vm *to, int drop)
{
	struct kvm_irqchip c;
	struct kvm_lapic_state l;

	for (unsigned id = 0; id < 3; id++) {
		get_chip(from, id, &c);
		if (drop && id == KVM_IRQCHIP_IOAPIC)
			c.chip.ioapic.redirtbl[PLANTED_PIN].bits = 1ull << 16; /* reset value */
		set_chip(to, &c);
	}
	for (int i = 0; i < 2; i++) {
		get_lapic(from->vcpu[i], &l);
		if (drop && i == 0)
			lapic_vector(&l, 0x200, PLANTED_VECTOR, 0);
		set_lapic(to->vcpu[i], &l);
	}
}

static void snapshot_vm(const struct vm *v, const char *dir, const char *file)
{
	struct snapshot_fd fds[3] = {
		{ .fd = v->fd, .kind = CHIP_FD_VM, .vm = 1, .name = "kvm-vm" },
		{ .fd = v->vcpu[0], .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 0, .name = "kvm-vcpu:0" },
		{ .fd = v->vcpu[1], .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 1, .name = "kvm-vcpu:1" },
	};
	struct snapshot s;
	char path[4096], name[32], err[512];

	snapshot_init(&s);
	s.pid = (uint32_t)getpid();
	snprintf(s.process_name, sizeof(s.process_name), "statevmm");
	snprintf(s.method, sizeof(s.method), "in-process");
	snprintf(name, sizeof(name), "%d-%d", getpid(), v->fd);
	snapshot_add_vm(&s, name);
	if (snapshot_take(&s, &snapshot_io_local, fds, 3, err, sizeof(err)))
		die("snapshot: %s", err);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (snapshot_write(&s, path, true, err, sizeof(err)))
		die("%s", err);
	snapshot_free(&s);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void hold(const struct vm *a, const char *dir)
{
	char path[4096];
	int fd;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	snprintf(path, sizeof(path), "%s/ready", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s", path);
	close(fd);
	while (!stop)
		pause();
	snapshot_vm(a, dir, "after.kvmsnap");
}

int main(int argc, char **argv)
{
	struct vm a, b, c;
	char path[4096];

	if (argc < 2 || (argc == 3 && strcmp(argv[2], "--hold")) || argc > 3) {
		fprintf(stderr, "usage: statevmm OUTDIR [--hold]\n");
		return 2;
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");
	snprintf(path, sizeof(path), "%s/expected.jsonl", argv[1]);
	expected = fopen(path, "w");
	if (!expected)
		die("%s", path);

	create_vm(&a);
	program_ioapic(&a);
	program_pics(&a);
	program_lapics(&a);
	raise_level_line(&a);
	fclose(expected);
	snapshot_vm(&a, argv[1], "inprocess.kvmsnap");

	create_vm(&b);
	copy_vm(&a, &b, 1);
	snapshot_vm(&b, argv[1], "planted.kvmsnap");
	close_vm(&b);
	create_vm(&c);
	copy_vm(&a, &c, 0);
	snapshot_vm(&c, argv[1], "copied.kvmsnap");
	close_vm(&c);

	if (argc == 3)
		hold(&a, argv[1]);
	close_vm(&a);
	return 0;
}
