// SPDX-License-Identifier: GPL-2.0
/*
 * gicguest: an arm64 vCPU that runs, taking interrupts through KVM's VGICv3
 * and its ITS. A VM with a VGICv3 and an ITS at QEMU virt's addresses gets
 * GUEST_RAM_SIZE of RAM holding the guest program (gicguest_guest.S), one
 * vCPU (KVM_ARM_VCPU_INIT, PC by KVM_SET_ONE_REG), a GSI routed as an MSI
 * with the ITS device id and an irqfd on it, and KVM_RUN until the guest
 * says it is done. The guest programs the GIC and the ITS by MMIO (the ITS
 * commands in its own memory) and takes each interrupt with ICC_IAR1_EL1
 * and ICC_EOIR1_EL1; each of its reports is a store to GUEST_DEVICE, a
 * KVM_EXIT_MMIO handled here (gicguest.h lists them):
 *   PHASE_READY  raise SPI 40 (an edge: up and down) and SPI 41 (a level
 *                line: up), out of priority order, while the vCPU is out
 *                of KVM_RUN
 *   DEV_LOWER    the guest's handler took the level SPI: lower its line
 *   PHASE_TIMER  nothing: the guest arms its virtual timer (PPI 27)
 *   PHASE_MSI    KVM_SIGNAL_MSI to GITS_TRANSLATER with the device id
 *                (KVM_MSI_VALID_DEVID) and event EVENT_MSI
 *   PHASE_IRQFD  write the irqfd's eventfd (event EVENT_IRQFD)
 *   PHASE_DONE   stop
 * Then the checks: the INTIDs acknowledged, in order, are 41, 40 (by
 * priority), 27, 8192, 8193, each with its EOI; the level line lowered
 * once; each phase came after the interrupts before it; what the guest
 * read back is what it wrote (the ITS read all its commands); nothing was
 * pending at the end; KVM_SIGNAL_MSI delivered (1); the state the guest
 * left reads the same through KVM_GET_DEVICE_ATTR. One line
 * "KVMIRQ-GUEST <json>" says all of it, each failed check one
 * "gicguest: FAIL ..." line; the exit status is 1 when one failed.
 *
 * Usage: gicguest
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "gicguest.h"

/* gicguest_guest.S: the program. */
extern const unsigned char gicguest_guest_start[], gicguest_guest_end[];

#define NR_IRQS 128
#define GSI_ITS 200	/* routed as the ITS MSI of event EVENT_IRQFD */
#define MAX_LOG 16
#define MAX_EXITS 200	/* the guest makes about 30 */
#define WATCHDOG_S 60	/* a guest waiting for an interrupt that never comes */
#define GITS_CTLR 0x0000
#define GITS_CREADR 0x0090
#define GICD_CTLR 0x0000
#define GICD_ISENABLER1 0x0104
#define ARM64_CORE_REG(x) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define SPI_IRQ(n) ((uint32_t)KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The INTIDs the guest must take, in order, and the phase after each
 * group of them. */
static const uint32_t want_acks[] = { SPI_LEVEL, SPI_EDGE, PPI_VTIMER, LPI_MSI, LPI_IRQFD };
static const uint32_t want_acks_at_phase[] = { 0, 2, 3, 4, 5 };

/* What each readback must show: the bits under mask equal to want. */
static const struct readback_rule {
	const char *name;
	uint32_t mask, want;
} readback_rules[NR_READBACKS] = {
	[READBACK_ICC_SRE] = { "ICC_SRE_EL1.SRE", 0x1, 0x1 },
	[READBACK_GICD_CTLR] = { "GICD_CTLR ARE and Group 1", 0x12, 0x12 },
	[READBACK_GICD_ISENABLER1] = { "GICD_ISENABLER1 SPIs 40 and 41",
				       1u << (SPI_EDGE - 32) | 1u << (SPI_LEVEL - 32),
				       1u << (SPI_EDGE - 32) | 1u << (SPI_LEVEL - 32) },
	[READBACK_GICR_ISENABLER0] = { "GICR_ISENABLER0 PPI 27", 1u << PPI_VTIMER,
				       1u << PPI_VTIMER },
	[READBACK_GICR_CTLR] = { "GICR_CTLR.EnableLPIs", 0x1, 0x1 },
	[READBACK_GITS_CTLR] = { "GITS_CTLR.Enabled", 0x1, 0x1 },
	[READBACK_GITS_CREADR] = { "GITS_CREADR past every command", ~0u,
				   ITS_NR_COMMANDS * ITS_CMD_SIZE },
	[READBACK_IAR_AFTER] = { "ICC_IAR1_EL1 at the end (spurious)", ~0u, INTID_SPURIOUS },
};

struct u32_log {
	uint32_t v[MAX_LOG];
	unsigned n;
};

static struct {
	int kvm, vm, vcpu, gic, its, irqfd;
	struct kvm_run *run;
	void *ram;
} g;

/* What the guest reported, and what this side did. */
static struct {
	struct u32_log acks, eois, lowered, readbacks, phases, acks_at_phase;
	uint32_t fatal_vector, fatal_esr, fatal_elr;
	bool fatal, done, watchdog;
	unsigned mmio_exits, runs, irq_lines;
	long msi_ret;
	int msi_errno;
	bool irqfd_written;
	double seconds;
} seen = { .msi_ret = -2 };

static unsigned failures;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gicguest: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	failures++;
	va_start(ap, fmt);
	fputs("gicguest: FAIL ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static void log_add(struct u32_log *l, uint32_t v)
{
	if (l->n < MAX_LOG)
		l->v[l->n++] = v;
}

static bool log_is(const struct u32_log *l, const uint32_t *want, unsigned n)
{
	return l->n == n && !memcmp(l->v, want, n * sizeof(*want));
}

static int xioctl(int fd, unsigned long cmd, void *arg, const char *name)
{
	int r = ioctl(fd, cmd, arg);

	if (r < 0)
		die("%s: %s", name, strerror(errno));
	return r;
}

static int create_device(uint32_t type, const char *name)
{
	struct kvm_create_device cd = { .type = type };

	xioctl(g.vm, KVM_CREATE_DEVICE, &cd, name);
	return (int)cd.fd;
}

static void dev_set(int fd, uint32_t group, uint64_t attr, const void *value, const char *name)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)value };

	xioctl(fd, KVM_SET_DEVICE_ATTR, &a, name);
}

static void dev_get(int fd, uint32_t group, uint64_t attr, void *value, const char *name)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)value };

	xioctl(fd, KVM_GET_DEVICE_ATTR, &a, name);
}

static void irq_line(uint32_t irq, uint32_t level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	xioctl(g.vm, KVM_IRQ_LINE, &l, "KVM_IRQ_LINE");
	seen.irq_lines++;
}

/* The VM, its RAM with the program, one vCPU at the program's start. */
static void setup_vm(void)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0,
		.guest_phys_addr = GUEST_RAM,
		.memory_size = GUEST_RAM_SIZE,
	};
	struct kvm_vcpu_init init;
	uint64_t pc = GUEST_RAM;
	struct kvm_one_reg reg = { .id = ARM64_CORE_REG(regs.pc), .addr = (uintptr_t)&pc };
	long run_size;

	g.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g.kvm < 0)
		die("/dev/kvm: %s", strerror(errno));
	g.vm = xioctl(g.kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	g.ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (g.ram == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memcpy(g.ram, gicguest_guest_start, (size_t)(gicguest_guest_end - gicguest_guest_start));
	mem.userspace_addr = (uintptr_t)g.ram;
	xioctl(g.vm, KVM_SET_USER_MEMORY_REGION, &mem, "KVM_SET_USER_MEMORY_REGION");

	g.vcpu = xioctl(g.vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	xioctl(g.vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
	xioctl(g.vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");
	xioctl(g.vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG(pc)");
	run_size = ioctl(g.kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	g.run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g.vcpu, 0);
	if (g.run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));
}

/* The VGICv3 and its ITS, initialized; the ITS MSI route and its irqfd. */
static void setup_gic(void)
{
	uint64_t dist = GICD_BASE, redist = GICR_BASE, its = ITS_BASE;
	uint32_t nr_irqs = NR_IRQS;
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} routing = {
		.hdr.nr = 1,
		.e[0] = {
			.gsi = GSI_ITS,
			.type = KVM_IRQ_ROUTING_MSI,
			.flags = KVM_MSI_VALID_DEVID,
			.u.msi = { .address_lo = (uint32_t)ITS_TRANSLATER, .data = EVENT_IRQFD,
				   .devid = ITS_DEVID },
		},
	};
	struct kvm_irqfd irqfd = { .gsi = GSI_ITS };

	g.gic = create_device(KVM_DEV_TYPE_ARM_VGIC_V3, "KVM_CREATE_DEVICE(VGIC_V3)");
	dev_set(g.gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist, "GICD base");
	dev_set(g.gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
		"GICR base");
	dev_set(g.gic, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "NR_IRQS");
	dev_set(g.gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		"VGIC CTRL_INIT");
	g.its = create_device(KVM_DEV_TYPE_ARM_VGIC_ITS, "KVM_CREATE_DEVICE(VGIC_ITS)");
	dev_set(g.its, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &its, "ITS base");
	dev_set(g.its, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		"ITS CTRL_INIT");
	check(ioctl(g.vm, KVM_CHECK_EXTENSION, KVM_CAP_MSI_DEVID) == 1,
	      "KVM_CAP_MSI_DEVID is 1 on the VM once the ITS exists");

	xioctl(g.vm, KVM_SET_GSI_ROUTING, &routing, "KVM_SET_GSI_ROUTING");
	g.irqfd = eventfd(0, EFD_CLOEXEC);
	if (g.irqfd < 0)
		die("eventfd: %s", strerror(errno));
	irqfd.fd = (uint32_t)g.irqfd;
	xioctl(g.vm, KVM_IRQFD, &irqfd, "KVM_IRQFD");
}

static void signal_msi(void)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)ITS_TRANSLATER,
		.data = EVENT_MSI,
		.flags = KVM_MSI_VALID_DEVID,
		.devid = ITS_DEVID,
	};

	seen.msi_ret = ioctl(g.vm, KVM_SIGNAL_MSI, &msi);
	seen.msi_errno = seen.msi_ret < 0 ? errno : 0;
}

static void write_irqfd(void)
{
	uint64_t one = 1;

	seen.irqfd_written = write(g.irqfd, &one, sizeof(one)) == sizeof(one);
}

static void phase(uint32_t n)
{
	log_add(&seen.phases, n);
	log_add(&seen.acks_at_phase, seen.acks.n);
	switch (n) {
	case PHASE_READY: /* the edge first: not in priority order */
		irq_line(SPI_IRQ(SPI_EDGE), 1);
		irq_line(SPI_IRQ(SPI_EDGE), 0);
		irq_line(SPI_IRQ(SPI_LEVEL), 1);
		break;
	case PHASE_TIMER:
		break;
	case PHASE_MSI:
		signal_msi();
		break;
	case PHASE_IRQFD:
		write_irqfd();
		break;
	case PHASE_DONE:
		seen.done = true;
		break;
	default:
		die("guest: phase %u", n);
	}
}

/* One guest report. */
static void device_write(uint64_t off, uint32_t value)
{
	switch (off) {
	case DEV_PHASE:
		phase(value);
		break;
	case DEV_ACK:
		log_add(&seen.acks, value);
		break;
	case DEV_EOI:
		log_add(&seen.eois, value);
		break;
	case DEV_LOWER:
		log_add(&seen.lowered, value);
		irq_line(SPI_IRQ(value), 0);
		break;
	case DEV_READBACK:
		log_add(&seen.readbacks, value);
		break;
	case DEV_FATAL_ESR:
		seen.fatal_esr = value;
		break;
	case DEV_FATAL_ELR:
		seen.fatal_elr = value;
		break;
	case DEV_FATAL:
		seen.fatal = true;
		seen.fatal_vector = value;
		break;
	default:
		die("guest: a write to device offset 0x%llx", (unsigned long long)off);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	seen.watchdog = true;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* KVM_RUN until the guest is done, fails, or the watchdog ends it. */
static void run_guest(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	double start = now();

	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: KVM_RUN ends with EINTR */
	alarm(WATCHDOG_S);
	while (!seen.done && !seen.fatal && !seen.watchdog && seen.mmio_exits < MAX_EXITS) {
		struct kvm_run *r = g.run;
		uint32_t value = 0;

		seen.runs++;
		if (ioctl(g.vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("KVM_RUN: %s", strerror(errno));
		}
		if (r->exit_reason != KVM_EXIT_MMIO)
			die("KVM_RUN: exit reason %u", r->exit_reason);
		if (!r->mmio.is_write || r->mmio.len != 4 || r->mmio.phys_addr < GUEST_DEVICE ||
		    r->mmio.phys_addr >= GUEST_DEVICE + 0x100)
			die("guest: %s of %u bytes at 0x%llx", r->mmio.is_write ? "write" : "read",
			    r->mmio.len, (unsigned long long)r->mmio.phys_addr);
		memcpy(&value, r->mmio.data, sizeof(value)); /* little-endian, as the guest */
		seen.mmio_exits++;
		device_write(r->mmio.phys_addr - GUEST_DEVICE, value);
	}
	alarm(0);
	seen.seconds = now() - start;
}

/* The state the guest left, through the device attributes. */
static void check_attrs(void)
{
	uint32_t ctlr = 0, enabled = 0;
	uint64_t its_ctlr = 0, creadr = 0;

	dev_get(g.gic, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, &ctlr, "GICD_CTLR");
	dev_get(g.gic, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_ISENABLER1, &enabled,
		"GICD_ISENABLER1");
	dev_get(g.its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CTLR, &its_ctlr, "GITS_CTLR");
	dev_get(g.its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CREADR, &creadr, "GITS_CREADR");
	check(ctlr == seen.readbacks.v[READBACK_GICD_CTLR],
	      "GICD_CTLR by GET_DEVICE_ATTR 0x%x, by the guest 0x%x", ctlr,
	      seen.readbacks.v[READBACK_GICD_CTLR]);
	check(enabled == seen.readbacks.v[READBACK_GICD_ISENABLER1],
	      "GICD_ISENABLER1 by GET_DEVICE_ATTR 0x%x, by the guest 0x%x", enabled,
	      seen.readbacks.v[READBACK_GICD_ISENABLER1]);
	check((its_ctlr & 1) == 1, "GITS_CTLR by GET_DEVICE_ATTR 0x%llx: enabled",
	      (unsigned long long)its_ctlr);
	check(creadr == seen.readbacks.v[READBACK_GITS_CREADR],
	      "GITS_CREADR by GET_DEVICE_ATTR 0x%llx, by the guest 0x%x",
	      (unsigned long long)creadr, seen.readbacks.v[READBACK_GITS_CREADR]);
}

static void check_guest(void)
{
	static const uint32_t want_phases[] = { PHASE_READY, PHASE_TIMER, PHASE_MSI,
						PHASE_IRQFD, PHASE_DONE };
	static const uint32_t want_lowered[] = { SPI_LEVEL };

	check(!seen.fatal, "an unexpected exception in the guest: vector 0x%x, ESR 0x%x, ELR 0x%x",
	      seen.fatal_vector, seen.fatal_esr, seen.fatal_elr);
	check(!seen.watchdog, "the guest waited past %d s (phases so far %u, acks %u)",
	      WATCHDOG_S, seen.phases.n, seen.acks.n);
	check(seen.done, "the guest reached PHASE_DONE");
	check(log_is(&seen.phases, want_phases, ARRAY_SIZE(want_phases)),
	      "phases %u reported, want %zu in order", seen.phases.n, ARRAY_SIZE(want_phases));
	check(log_is(&seen.acks, want_acks, ARRAY_SIZE(want_acks)),
	      "INTIDs acknowledged (%u): want 41, 40, 27, 8192, 8193", seen.acks.n);
	check(log_is(&seen.eois, want_acks, ARRAY_SIZE(want_acks)),
	      "an EOI for each (%u)", seen.eois.n);
	check(log_is(&seen.acks_at_phase, want_acks_at_phase, ARRAY_SIZE(want_acks_at_phase)),
	      "each phase after the interrupts before it");
	check(log_is(&seen.lowered, want_lowered, ARRAY_SIZE(want_lowered)),
	      "the level SPI lowered once, on the guest's request (%u)", seen.lowered.n);
	check(seen.readbacks.n == NR_READBACKS, "readbacks %u, want %d", seen.readbacks.n,
	      NR_READBACKS);
	for (unsigned i = 0; i < seen.readbacks.n && i < NR_READBACKS; i++)
		check((seen.readbacks.v[i] & readback_rules[i].mask) == readback_rules[i].want,
		      "%s: read 0x%x", readback_rules[i].name, seen.readbacks.v[i]);
	check(seen.msi_ret == 1, "KVM_SIGNAL_MSI delivered: %ld (%s)", seen.msi_ret,
	      strerror(seen.msi_errno));
	check(seen.irqfd_written, "the irqfd's eventfd written");
	if (seen.readbacks.n == NR_READBACKS)
		check_attrs();
}

static void print_log(const char *name, const struct u32_log *l, bool comma)
{
	printf("\"%s\":[", name);
	for (unsigned i = 0; i < l->n; i++)
		printf("%s%u", i ? "," : "", l->v[i]);
	printf("]%s", comma ? "," : "");
}

static void report(void)
{
	printf("KVMIRQ-GUEST {\"ok\":%s,\"failures\":%u,\"seconds\":%.3f,\"kvm_runs\":%u,"
	       "\"mmio_exits\":%u,", failures ? "false" : "true", failures, seen.seconds,
	       seen.runs, seen.mmio_exits);
	print_log("acks", &seen.acks, true);
	print_log("eois", &seen.eois, true);
	print_log("lowered", &seen.lowered, true);
	print_log("phases", &seen.phases, true);
	print_log("acks_at_phase", &seen.acks_at_phase, true);
	print_log("readbacks", &seen.readbacks, true);
	printf("\"irq_lines\":%u,\"spis\":[%d,%d],\"timer_ppi\":%d,"
	       "\"msi\":{\"doorbell\":%u,\"devid\":%d,\"event\":%d,\"lpi\":%d,\"ret\":%ld},"
	       "\"irqfd\":{\"gsi\":%d,\"devid\":%d,\"event\":%d,\"lpi\":%d,\"written\":%s},"
	       "\"fatal\":%s,\"watchdog\":%s}\n",
	       seen.irq_lines, SPI_EDGE, SPI_LEVEL, PPI_VTIMER, (unsigned)ITS_TRANSLATER,
	       ITS_DEVID, EVENT_MSI, LPI_MSI, seen.msi_ret, GSI_ITS, ITS_DEVID, EVENT_IRQFD,
	       LPI_IRQFD, seen.irqfd_written ? "true" : "false", seen.fatal ? "true" : "false",
	       seen.watchdog ? "true" : "false");
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		die("usage: gicguest");
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_vm();
	setup_gic();
	run_guest();
	check_guest();
	report();
	return failures ? 1 : 0;
}
