// SPDX-License-Identifier: GPL-2.0
/*
 * mpicvmm --guest: a vCPU that runs. VM G (an MPIC v2.0 at GUEST_MPIC_BASE,
 * GSI i -> pin i plus one GSI routed as an MSI) gets 64 KB of RAM holding
 * the guest program (mpicvmm_guest.S) and KVM_RUN until the guest says it
 * is done. The guest programs the MPIC by MMIO, takes each interrupt,
 * reads IACK, EOIs; each of its reports is a store to GUEST_DEVICE, a
 * KVM_EXIT_MMIO handled here (mpicvmm_guest.h lists them):
 *   DEV_PHASE 1  the guest is ready: raise the first batch, all at once and
 *                out of priority order (edge pulses, a level line, an MSI
 *                through a GSI routed as one, an MSI written to MSIIR)
 *   DEV_PHASE 2  it took them: a second thread raises one more edge
 *                50 ms later, while this thread sits in KVM_RUN
 *   DEV_PHASE 3  it took that too: stop
 *   DEV_LOWER    the guest's handler acknowledges the level source at the
 *                device: lower its line
 * Then the checks: the vectors acknowledged, in order, are the batch by
 * priority and the late one; an EOI for each; each register the guest
 * programmed reads back (by the guest and by KVM_GET_DEVICE_ATTR) as
 * written; WHOAMI through the current-CPU alias is 0 from the vCPU; the
 * guest's own IVPR/IVOR4 are KVM's; IACK then says nothing is pending.
 * One line "KVMIRQ-GUEST <json>" says all of it, each failed check one
 * "mpicvmm: guest: FAIL ..." line.
 *
 * With --guest-loop SECONDS the guest keeps EE on after phase 3 (r25 set)
 * and a third thread raises the late source's edge every LOOP_PERIOD_MS
 * while this one stays in KVM_RUN, for kvmirq snapshot --pid of a VMM
 * whose guest is taking interrupts. "mpicvmm: guest-loop: taking
 * interrupts, pid N" says it started; each SIGUSR1 prints a "mark" line
 * with the counts so far; SIGTERM or the time ends it: the raiser stops,
 * the guest finishes what is pending, and the checks add that every
 * acknowledgement in the loop was the late source's vector with its EOI,
 * at most one per edge raised, and the guest's own counts agree.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

#include "mpicvmm.h"
#include "mpicvmm_guest.h"

/* mpicvmm_guest.S: the program, and its table of (offset, value) writes. */
extern const unsigned char mpicvmm_guest_start[], mpicvmm_guest_end[];
extern const uint32_t mpicvmm_guest_regs[];

#define GSI_MSI0 NR_PINS /* routed as an MSI into bank 0 */
#define MAX_EXITS 200	 /* the guest makes about 60 */
#define MAX_LOG 32
#define LATE_DELAY_MS 50
#define WATCHDOG_S 60	 /* a guest stuck in the kernel (no exits) ends KVM_RUN */
#define LOOP_PERIOD_MS 10
#define IVPR_ACTIVITY 0x40000000u /* pending (an edge until its IACK) */

/* The guest TLB (KVM_CAP_SW_TLB), e500v2's geometry: TLB0 512 entries in
 * 4 ways, TLB1 16, fully associative. */
#define TLB0_ENTRIES 512
#define TLB0_WAYS 4
#define TLB1_ENTRIES 16
#define MAS1_VALID 0x80000000u
#define MAS1_IPROT 0x40000000u
#define MAS1_TSIZE_256M (18u << 7) /* 2^18 KB */
#define MAS3_SUPER_RWX 0x15u	   /* SX, SW, SR */

enum raise_how { EDGE_PULSE, LEVEL_HIGH, MSI_ROUTE, MSI_MSIIR };

static const char *const how_names[] = {
	[EDGE_PULSE] = "KVM_IRQ_LINE edge pulse",
	[LEVEL_HIGH] = "KVM_IRQ_LINE level high",
	[MSI_ROUTE] = "KVM_IRQ_LINE on an MSI route",
	[MSI_MSIIR] = "MSIIR",
};

static const struct guest_source {
	unsigned src, vector, prio;
	enum raise_how how;
	bool late; /* raised while the vCPU runs */
} sources[] = {
	/* In the order raised: not by priority. */
	{ SRC_EDGE_LOW, VEC_EDGE_LOW, PRIO_EDGE_LOW, EDGE_PULSE, false },
	{ SRC_MSI0, VEC_MSI0, PRIO_MSI0, MSI_ROUTE, false },
	{ SRC_LEVEL, VEC_LEVEL, PRIO_LEVEL, LEVEL_HIGH, false },
	{ SRC_MSI1, VEC_MSI1, PRIO_MSI1, MSI_MSIIR, false },
	{ SRC_EDGE_MID, VEC_EDGE_MID, PRIO_EDGE_MID, EDGE_PULSE, false },
	{ SRC_EDGE_HIGH, VEC_EDGE_HIGH, PRIO_EDGE_HIGH, EDGE_PULSE, false },
	{ SRC_LATE, VEC_LATE, PRIO_LATE, EDGE_PULSE, true },
};
#define NR_SOURCES (sizeof(sources) / sizeof(sources[0]))

struct u32_log {
	uint32_t v[MAX_LOG];
	unsigned n;
};

static void log_add(struct u32_log *l, uint32_t v)
{
	if (l->n < MAX_LOG)
		l->v[l->n++] = v;
}

/* What the guest reported, in order. */
static struct {
	struct u32_log acks, eois, lowered, msirs, readbacks, phases;
	struct u32_log acks_at_phase; /* acks reported when each phase came */
	uint32_t whoami, fatal_pc;
	bool fatal, done;
	unsigned exits, runs, eintr;
} seen;

static atomic_int in_run;

/* The second thread that raises the late source while the vCPU runs. */
static struct {
	const struct vm *vm;
	pthread_t thread;
	bool started, during_run;
} late;

/* --guest-loop: the raiser thread and what the guest reported meanwhile. */
static struct {
	unsigned seconds; /* 0: no loop */
	struct timespec end;
	pthread_t thread;
	bool running;	     /* phase 3 came: the raiser runs */
	atomic_bool stop;    /* the raiser's end */
	atomic_uint raises;  /* edges raised by it */
	unsigned acks, eois; /* the late vector acknowledged, EOId */
	unsigned wrong, spurious, eintr, marks;
	bool settled; /* the last exit ended a handler (its EOI, or spurious) */
	bool r26_lag; /* a spurious IACK's report: r26 counts it after the exit */
	int ended_by; /* the signal, or 0 for the time */
} loop;

static volatile sig_atomic_t term_signal, mark_requests;

static void on_term(int sig)
{
	term_signal = sig;
}

static void on_mark(int sig)
{
	(void)sig;
	mark_requests++;
}

static void raise_source(const struct vm *g, const struct guest_source *s)
{
	switch (s->how) {
	case EDGE_PULSE:
		irq_line(g, s->src, 1);
		irq_line(g, s->src, 0);
		break;
	case LEVEL_HIGH:
		irq_line(g, s->src, 1);
		break;
	case MSI_ROUTE: /* a second level 1 would be a second MSI */
		irq_line(g, GSI_MSI0, 1);
		break;
	case MSI_MSIIR:
		mpic_set_attr(g, KVM_DEV_MPIC_GRP_REGISTER, MPIC_MSIIR,
			      (uint32_t)(s->src - SRC_MSI0) << 29 | (uint32_t)MSI1_IBS << 24);
		break;
	}
}

static const struct guest_source *late_source(void)
{
	for (size_t i = 0; i < NR_SOURCES; i++)
		if (sources[i].late)
			return &sources[i];
	die("no late source");
}

static void *loop_raiser(void *arg)
{
	while (!atomic_load(&loop.stop)) {
		struct timespec delay = { 0, LOOP_PERIOD_MS * 1000000L };

		while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
			;
		if (atomic_load(&loop.stop))
			break;
		raise_source(late.vm, late_source());
		atomic_fetch_add(&loop.raises, 1);
	}
	return arg;
}

/* A VMM thread: the signals that end KVM_RUN (the watchdog, SIGTERM, the
 * marks) must go to the vCPU thread, not to it. */
static void start_thread(pthread_t *t, void *(*fn)(void *))
{
	sigset_t vcpu_only, old;

	sigemptyset(&vcpu_only);
	sigaddset(&vcpu_only, SIGALRM);
	sigaddset(&vcpu_only, SIGTERM);
	sigaddset(&vcpu_only, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &vcpu_only, &old);
	if (pthread_create(t, NULL, fn, NULL))
		die("pthread_create failed");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void *late_raiser(void *arg)
{
	struct timespec delay = { 0, LATE_DELAY_MS * 1000000L };

	while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
		;
	late.during_run = atomic_load(&in_run);
	raise_source(late.vm, late_source());
	if (break_rule && !strcmp(break_rule, "state-set-while-running")) {
		/* the late source's IVPR rewritten as it is, and the base address
		 * set where it is (allowed at run time), while the vCPU runs */
		mpic_set_attr(late.vm, KVM_DEV_MPIC_GRP_REGISTER, MPIC_SRC_IVPR(SRC_LATE),
			      reg_get(late.vm, MPIC_SRC_IVPR(SRC_LATE)));
		mpic_set_attr(late.vm, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, GUEST_MPIC_BASE);
		printf("mpicvmm: break state-set-while-running: source %u's IVPR set while the "
		       "vCPU %s in KVM_RUN\n", SRC_LATE, atomic_load(&in_run) ? "was" : "was not");
	}
	return arg;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One guest report; starts the late raiser at phase 2. */
static void device_write(const struct vm *g, uint64_t off, uint32_t value)
{
	switch (off) {
	case DEV_PHASE:
		log_add(&seen.phases, value);
		log_add(&seen.acks_at_phase, seen.acks.n);
		if (value == 1) {
			for (size_t i = 0; i < NR_SOURCES; i++)
				if (!sources[i].late)
					raise_source(g, &sources[i]);
		} else if (value == 2) {
			if (late.started)
				die("guest: phase 2 twice");
			late.vm = g;
			start_thread(&late.thread, late_raiser);
			late.started = true;
		} else if (loop.seconds && !loop.running) {
			clock_gettime(CLOCK_MONOTONIC, &loop.end);
			loop.end.tv_sec += loop.seconds;
			start_thread(&loop.thread, loop_raiser);
			loop.running = loop.settled = true;
			printf("mpicvmm: guest-loop: taking interrupts, pid %d\n", (int)getpid());
		} else {
			seen.done = true;
		}
		break;
	case DEV_ACK:
		if (!loop.running)
			log_add(&seen.acks, value);
		else if (value == GUEST_SPURIOUS)
			loop.spurious++;
		else if (value == VEC_LATE)
			loop.acks++;
		else
			loop.wrong++;
		loop.settled = loop.r26_lag = value == GUEST_SPURIOUS;
		break;
	case DEV_EOI:
		if (loop.running)
			loop.eois++;
		else
			log_add(&seen.eois, value);
		loop.settled = true;
		break;
	case DEV_LOWER:
		log_add(&seen.lowered, value);
		irq_line(g, value, 0);
		break;
	case DEV_READBACK:
		log_add(&seen.readbacks, value);
		break;
	case DEV_WHOAMI:
		seen.whoami = value;
		break;
	case DEV_MSIR:
		log_add(&seen.msirs, value);
		break;
	case DEV_FATAL:
		seen.fatal = true;
		seen.fatal_pc = value;
		break;
	default:
		die("guest: a write to device offset 0x%llx", (unsigned long long)off);
	}
}

/*
 * The guest's TLB in VMM memory, as QEMU sets up an e500 guest: TLB1 entry
 * 0 maps 256 MB at 0 (the RAM and GUEST_DEVICE). KVM's own initial entry
 * (e500.c kvmppc_e500_tlb_setup) is not enough on 6.1: it is written
 * without updating the TLB1 address range that every lookup checks first
 * (tlb1_min_eaddr/tlb1_max_eaddr, both 0), so only address 0 is found and
 * the second instruction is an endless ITLB miss. KVM_CAP_SW_TLB computes
 * that range from the array.
 */
static void setup_tlb(const struct vm *g)
{
	static struct kvm_book3e_206_tlb_params params = {
		.tlb_sizes = { TLB0_ENTRIES, TLB1_ENTRIES },
		.tlb_ways = { TLB0_WAYS, TLB1_ENTRIES },
	};
	size_t len = (TLB0_ENTRIES + TLB1_ENTRIES) * sizeof(struct kvm_book3e_206_tlb_entry);
	struct kvm_book3e_206_tlb_entry *tlb;
	struct kvm_config_tlb cfg;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SW_TLB };

	tlb = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tlb == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	tlb[TLB0_ENTRIES] = (struct kvm_book3e_206_tlb_entry){
		.mas1 = MAS1_VALID | MAS1_IPROT | MAS1_TSIZE_256M,
		.mas2 = 0,
		.mas7_3 = MAS3_SUPER_RWX,
	};
	cfg = (struct kvm_config_tlb){
		.params = (uintptr_t)&params,
		.array = (uintptr_t)tlb,
		.mmu_type = KVM_MMU_FSL_BOOKE_NOHV,
		.array_len = (uint32_t)len,
	};
	cap.args[0] = (uintptr_t)&cfg;
	if (ioctl(g->vcpu, KVM_ENABLE_CAP, &cap) < 0)
		die("KVM_ENABLE_CAP(SW_TLB): %s", strerror(errno));
}

static void setup_vcpu(const struct vm *g, void *ram)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	struct kvm_irq_routing_entry msi = {
		.gsi = GSI_MSI0,
		.type = KVM_IRQ_ROUTING_MSI,
		.u.msi.data = (uint32_t)(SRC_MSI0 - SRC_MSI0) << 29 | (uint32_t)MSI0_IBS << 24,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	memcpy(ram, mpicvmm_guest_start, (size_t)(mpicvmm_guest_end - mpicvmm_guest_start));
	if (ioctl(g->fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0)
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	route_gsis(g, &msi, 1);
	setup_tlb(g);
	mpic_set_attr(g, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, GUEST_MPIC_BASE);
	/* IVPR 0 and every IVOR at the fatal handler; the guest sets IVOR4. */
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS: %s", strerror(errno));
	sregs.u.e.features = KVM_SREGS_E_ARCH206 | KVM_SREGS_E_IVOR;
	sregs.u.e.ivpr = 0;
	for (unsigned i = 0; i < 16; i++)
		sregs.u.e.ivor_low[i] = GUEST_IVOR_UNEXPECTED;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS: %s", strerror(errno));
	/* PC 0, MSR 0; r1 stays nonzero: KVM holds external interrupts back
	 * while r1 equals the shared page's "critical" word (0). */
	if (ioctl(g->vcpu, KVM_GET_REGS, &regs) < 0)
		die("KVM_GET_REGS: %s", strerror(errno));
	regs.pc = 0;
	regs.msr = 0;
	regs.gpr[25] = loop.seconds != 0; /* keep taking interrupts after phase 3 */
	if (ioctl(g->vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS: %s", strerror(errno));
}

/* After each return from KVM_RUN in the loop: the marks asked for; the
 * end (SIGTERM or the time); once the raiser has stopped, done when the
 * guest is out of its handler and nothing is pending. */
static void loop_step(const struct vm *g)
{
	struct timespec now;

	while (loop.marks < (unsigned)mark_requests)
		printf("mpicvmm: guest-loop: mark %u: %u acks, %u raised, %u KVM_RUN EINTR\n",
		       ++loop.marks, loop.acks, atomic_load(&loop.raises), loop.eintr);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!atomic_load(&loop.stop) &&
	    (term_signal || now.tv_sec > loop.end.tv_sec ||
	     (now.tv_sec == loop.end.tv_sec && now.tv_nsec >= loop.end.tv_nsec))) {
		loop.ended_by = term_signal;
		atomic_store(&loop.stop, true);
		pthread_join(loop.thread, NULL);
	}
	if (atomic_load(&loop.stop) && loop.settled &&
	    !(reg_get(g, MPIC_SRC_IVPR(SRC_LATE)) & IVPR_ACTIVITY))
		seen.done = true;
}

static volatile sig_atomic_t watchdog_fired;

static void on_watchdog(int sig)
{
	watchdog_fired = sig;
}

static void run_guest(const struct vm *g, struct kvm_run *run)
{
	struct sigaction sa = { .sa_handler = on_watchdog }; /* no SA_RESTART: KVM_RUN ends */
	/* Then every second, in case one lands between the check and KVM_RUN. */
	struct itimerval watchdog = { .it_value = { WATCHDOG_S + loop.seconds, 0 },
				      .it_interval = { 1, 0 } };
	static const struct itimerval off;

	sigaction(SIGALRM, &sa, NULL);
	if (loop.seconds) {
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		sa.sa_handler = on_mark;
		sigaction(SIGUSR1, &sa, NULL);
	}
	setitimer(ITIMER_REAL, &watchdog, NULL);
	while (!seen.done && !seen.fatal) {
		int r;

		if (watchdog_fired) {
			struct kvm_regs regs;

			if (ioctl(g->vcpu, KVM_GET_REGS, &regs) < 0)
				die("KVM_GET_REGS: %s", strerror(errno));
			die("guest: no end after %d s, %u exits, pc 0x%llx", WATCHDOG_S, seen.exits,
			    (unsigned long long)regs.pc);
		}

		if (seen.exits >= MAX_EXITS && !loop.running)
			die("guest: %u exits and not done", seen.exits);
		atomic_store(&in_run, 1);
		r = ioctl(g->vcpu, KVM_RUN, 0);
		atomic_store(&in_run, 0);
		seen.runs++;
		if (r < 0 && errno == EINTR) {
			seen.eintr++;
			if (loop.running) {
				loop.eintr++;
				loop_step(g);
			}
			continue;
		}
		if (r < 0)
			die("KVM_RUN: %s", strerror(errno));
		seen.exits++;
		if (run->exit_reason != KVM_EXIT_MMIO)
			die("guest: exit reason %u (hardware reason 0x%llx)", run->exit_reason,
			    (unsigned long long)run->hw.hardware_exit_reason);
		if (!run->mmio.is_write || run->mmio.len != 4 ||
		    run->mmio.phys_addr < GUEST_DEVICE || run->mmio.phys_addr >= GUEST_DEVICE + 0x100)
			die("guest: %s of %u bytes at 0x%llx", run->mmio.is_write ? "write" : "read",
			    run->mmio.len, (unsigned long long)run->mmio.phys_addr);
		device_write(g, run->mmio.phys_addr - GUEST_DEVICE, be32(run->mmio.data));
		if (loop.running)
			loop_step(g);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	if (late.started)
		pthread_join(late.thread, NULL);
	if (loop.running && !atomic_load(&loop.stop)) { /* the guest failed */
		atomic_store(&loop.stop, true);
		pthread_join(loop.thread, NULL);
	}
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("mpicvmm: guest: FAIL %s\n", what);
		status = 1;
	}
}

static void print_log(const char *name, const struct u32_log *l)
{
	printf("\"%s\":[", name);
	for (unsigned i = 0; i < l->n; i++)
		printf("%s%u", i ? "," : "", l->v[i]);
	printf("],");
}

/* The vectors the guest must acknowledge: the batch by priority, then the late one. */
static void wanted_acks(struct u32_log *want)
{
	bool used[NR_SOURCES] = { false };

	for (;;) {
		int best = -1;

		for (size_t i = 0; i < NR_SOURCES; i++)
			if (!used[i] && !sources[i].late &&
			    (best < 0 || sources[i].prio > sources[best].prio))
				best = (int)i;
		if (best < 0)
			break;
		used[best] = true;
		log_add(want, sources[best].vector);
	}
	for (size_t i = 0; i < NR_SOURCES; i++)
		if (sources[i].late)
			log_add(want, sources[i].vector);
}

static void report_loop(const struct kvm_regs *regs, unsigned before)
{
	unsigned raises = atomic_load(&loop.raises);

	printf("KVMIRQ-GUEST-LOOP {\"seconds\":%u,\"ended_by\":%d,\"period_ms\":%d,"
	       "\"vector\":%d,\"raised\":%u,\"acks\":%u,\"eois\":%u,\"wrong\":%u,"
	       "\"spurious\":%u,\"kvm_run_eintr\":%u,\"marks\":%u}\n",
	       loop.seconds, loop.ended_by, LOOP_PERIOD_MS, VEC_LATE, raises, loop.acks,
	       loop.eois, loop.wrong, loop.spurious, loop.eintr, loop.marks);
	if (loop.ended_by)
		printf("mpicvmm: guest-loop: ended by signal %d", loop.ended_by);
	else
		printf("mpicvmm: guest-loop: ended after %u s", loop.seconds);
	printf(": %u acks, %u raised, %u KVM_RUN EINTR\n", loop.acks, raises, loop.eintr);
	check(loop.running, "the loop started (phase 3)");
	check(loop.acks > 0 && loop.wrong == 0 && loop.acks <= raises,
	      "in the loop the guest acknowledged the late vector, at most once per edge");
	check(loop.eois == loop.acks, "an EOI after each acknowledgement in the loop");
	check(regs->gpr[27] == before + loop.eois &&
		      regs->gpr[26] == before + loop.acks + loop.spurious - loop.r26_lag,
	      "the guest's own counts, the loop's included");
}

static void report(const struct vm *g, double seconds)
{
	struct u32_log want = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned nr_regs = 0, regs_ok = 0;
	uint32_t iack_after;

	wanted_acks(&want);
	if (ioctl(g->vcpu, KVM_GET_REGS, &regs) < 0 || ioctl(g->vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_REGS/SREGS: %s", strerror(errno));
	printf("KVMIRQ-GUEST {\"seconds\":%.3f,\"kvm_runs\":%u,\"mmio_exits\":%u,\"eintr\":%u,",
	       seconds, seen.runs, seen.exits, seen.eintr);
	printf("\"fatal\":%s,\"fatal_pc\":%u,\"late_raised_during_kvm_run\":%s,\"raised\":[",
	       seen.fatal ? "true" : "false", seen.fatal_pc, late.during_run ? "true" : "false");
	for (size_t i = 0; i < NR_SOURCES; i++)
		printf("%s{\"source\":%u,\"vector\":%u,\"priority\":%u,\"how\":\"%s\",\"late\":%s}",
		       i ? "," : "", sources[i].src, sources[i].vector, sources[i].prio,
		       how_names[sources[i].how], sources[i].late ? "true" : "false");
	printf("],");
	print_log("want_acks", &want);
	print_log("acks", &seen.acks);
	print_log("eois", &seen.eois);
	print_log("lowered", &seen.lowered);
	print_log("msirs", &seen.msirs);
	print_log("phases", &seen.phases);
	print_log("acks_at_phase", &seen.acks_at_phase);
	/* IACK before the state reads: a command in the middle of reading
	 * state is what kvmirq check's command-as-state reports */
	iack_after = reg_get(g, MPIC_CPU0_IACK);
	printf("\"regs\":[");
	for (const uint32_t *t = mpicvmm_guest_regs; t[0] != 0xffffffffu; t += 2, nr_regs++) {
		uint32_t got = reg_get(g, t[0]);
		uint32_t read = nr_regs < seen.readbacks.n ? seen.readbacks.v[nr_regs] : 0xdeadbeef;

		regs_ok += got == t[1] && read == t[1];
		printf("%s{\"offset\":%u,\"guest_wrote\":%u,\"guest_read\":%u,\"get_attr\":%u}",
		       nr_regs ? "," : "", t[0], t[1], read, got);
	}
	printf("],\"whoami_alias\":%u,\"ivpr\":%llu,\"ivor4\":%u,\"r26_taken\":%u,"
	       "\"r27_eois\":%u,\"iack_after\":%u}\n",
	       seen.whoami, (unsigned long long)sregs.u.e.ivpr, sregs.u.e.ivor_low[4],
	       (unsigned)regs.gpr[26], (unsigned)regs.gpr[27], iack_after);
	if (loop.seconds)
		report_loop(&regs, want.n);

	check(!seen.fatal, "the guest took an unexpected exception");
	check(seen.acks.n == want.n && !memcmp(seen.acks.v, want.v, want.n * sizeof(want.v[0])),
	      "the vectors acknowledged are the sources raised, by priority");
	check(seen.eois.n == want.n && !memcmp(seen.eois.v, want.v, want.n * sizeof(want.v[0])),
	      "an EOI after each acknowledgement");
	check(loop.seconds || (regs.gpr[26] == want.n && regs.gpr[27] == want.n),
	      "the guest's own counts");
	check(nr_regs == seen.readbacks.n && regs_ok == nr_regs,
	      "each register the guest programmed reads back as written");
	check(seen.whoami == 0, "WHOAMI through the current-CPU alias is 0 from the vCPU");
	check(sregs.u.e.ivpr == 0 && sregs.u.e.ivor_low[4] == GUEST_IVOR_EXTERNAL,
	      "KVM holds the IVPR and IVOR4 the guest set");
	check(seen.lowered.n == 1 && seen.lowered.v[0] == SRC_LEVEL,
	      "the level line was lowered once, by the guest's handler");
	check(seen.msirs.n == 2 && seen.msirs.v[0] == 1u << MSI1_IBS &&
		      seen.msirs.v[1] == 1u << MSI0_IBS,
	      "each MSI handler read its bank's MSIR bit");
	check(late.started && late.during_run, "the late source was raised during KVM_RUN");
	check(iack_after == GUEST_SPURIOUS, "nothing is left pending (IACK spurious)");
}

void guest_run(unsigned loop_seconds)
{
	struct timespec t0, t1;
	struct kvm_run *run;
	struct vm g;
	long run_size;
	void *ram;

	create_vm(&g);
	ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g.vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap of the vCPU: %s", strerror(errno));
	loop.seconds = loop_seconds;
	setup_vcpu(&g, ram);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_guest(&g, run);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(&g, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}
