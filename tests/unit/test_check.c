// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq check's rules on real recordings (demo/, run from the repository's
 * top): the exact findings of the scripted VMMs' deliberate errors, nothing
 * but on a well-behaved QEMU guest; and, where no demo raises a line long
 * enough or lacks an event kind, small synthetic recordings written here
 * with trace_out (each says so).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check/checker.h"
#include "kvmirq/ioctls.h"
#include "kvmirq/tracefile.h"
#include "ppc_recording.h"

struct found {
	struct finding list[64];
	size_t nr;
};

static void collect(void *arg, const struct finding *f)
{
	struct found *fs = arg;

	if (fs->nr < 64)
		fs->list[fs->nr++] = *f;
	else
		CHECK(!"more than 64 findings");
}

static void check_path(const char *path, const struct check_options *opts, struct found *fs)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	struct check_coverage cov;
	struct checker k;
	const void *rec;
	size_t len;

	fs->nr = 0;
	CHECK_EQ(trace_in_open(t, path), 0);
	check_coverage_from_meta(&cov, trace_in_meta(t));
	CHECK_EQ(checker_init(&k, &t->registry, &t->format,
			      platform_by_machine(tracefile_meta_get_string(trace_in_meta(t), "machine")),
			      &cov, opts, collect, fs), 0);
	while (trace_in_next(t, &rec, &len) == 1)
		checker_event(&k, rec, len);
	checker_end(&k);
	checker_free(&k);
	trace_in_close(t);
	free(t);
}

static const struct check_options defaults = {
	.errno_loop = CHECK_DEFAULT_ERRNO_LOOP,
	.stuck_ns = CHECK_DEFAULT_STUCK_NS,
	.masked_rate = CHECK_DEFAULT_MASKED_RATE,
	.storm_rate = CHECK_DEFAULT_STORM_RATE,
};

/* The findings of RULE, in order of finding. */
static size_t of_rule(const struct found *fs, const char *rule, const struct finding **out)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->nr; i++)
		if (!strcmp(fs->list[i].rule, rule))
			out[n++] = &fs->list[i];
	return n;
}

/* F is SEVERITY on VM with the timeline events E0 (and E1, unless -1). */
static void expect(const struct finding *f, enum check_severity severity, uint32_t vm,
		   long long e0, long long e1)
{
	CHECK_EQ(f->severity, severity);
	CHECK_EQ(f->vm, vm);
	CHECK_EQ(f->nr_events, e1 < 0 ? 1 : 2);
	CHECK_EQ(f->events[0], e0);
	if (e1 >= 0)
		CHECK_EQ(f->events[1], e1);
}

/* The state rules: demos recorded before kvmirq counted running vCPUs. */
#define STATE_RULES 3

/* The state rules' "did not count running vCPUs" lines in FS (0 or 3). */
static size_t uncounted_running(const struct found *fs)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->nr; i++)
		n += strstr(fs->list[i].message, "did not count running vCPUs") != NULL;
	CHECK(n == 0 || n == STATE_RULES);
	return n;
}

static void state_rules_undecided(const struct found *fs)
{
	static const char *const rules[STATE_RULES] = {
		"state-set-while-running", "command-as-state", "restore-audit",
	};
	const struct finding *f[64];

	for (size_t i = 0; i < STATE_RULES; i++) {
		CHECK_EQ(of_rule(fs, rules[i], f), 1);
		CHECK_EQ(f[0]->severity, CHECK_INFO);
		CHECK_HAS(f[0]->message, "did not count running vCPUs");
	}
}

static void x86_testvmm(void)
{
	struct check_options loop4 = defaults;
	const struct finding *f[64];
	struct found fs;

	check_path("demo/x86-testvmm.kvmirq", &defaults, &fs);
	CHECK_EQ(fs.nr, 5 + STATE_RULES);
	/* the script's deliberate dead ends: IOAPIC pin 5 to APIC 7, an MSI to APIC 5 */
	CHECK_EQ(of_rule(&fs, "unroutable-vector", f), 2);
	expect(f[0], CHECK_ERROR, 1, 85, -1);
	CHECK_HAS(f[0]->message, "IOAPIC pin 5's entry");
	CHECK_HAS(f[0]->message, "to APIC ID 7 in physical mode");
	expect(f[1], CHECK_ERROR, 1, 151, -1);
	CHECK_HAS(f[1]->message, "address 0xfee05000, data 0x54");
	CHECK_HAS(f[1]->message, "to APIC ID 5");
	CHECK_EQ(of_rule(&fs, "route-before-line", f), 3);
	/* KVM_IRQ_LINE GSI 4 before KVM_CREATE_IRQCHIP (it failed: ENXIO) */
	expect(f[0], CHECK_ERROR, 1, 5, -1);
	CHECK_HAS(f[0]->message, "GSI 4");
	CHECK_HAS(f[0]->message, "ENXIO");
	/* GSI 200 past the IOAPIC's 24 default routes */
	expect(f[1], CHECK_ERROR, 1, 141, -1);
	CHECK_HAS(f[1]->message, "GSI 200");
	/* GSI 20 left out of the table of KVM_SET_GSI_ROUTING #158 */
	expect(f[2], CHECK_ERROR, 1, 170, 158);
	CHECK_HAS(f[2]->message, "GSI 20,");

	/* four KVM_SET_GSI_ROUTING refused with EINVAL, #154 to #157 */
	loop4.errno_loop = 4;
	check_path("demo/x86-testvmm.kvmirq", &loop4, &fs);
	CHECK_EQ(of_rule(&fs, "errno-loop", f), 1);
	expect(f[0], CHECK_WARNING, 1, 154, 157);
	CHECK_HAS(f[0]->message, "KVM_SET_GSI_ROUTING on fd 5 failed with EINVAL");
	CHECK_HAS(f[0]->message, "4 times");
}

static void ppc_e500(void)
{
	static const long long lines[][2] = {
		{ 1120, -1 },	{ 1229, 1223 }, { 1231, 1223 }, { 1241, 1223 },
		{ 1310, -1 },	{ 1420, 1414 }, { 1422, 1414 }, { 1432, 1414 },
	};
	struct check_options loop7 = defaults;
	const struct finding *f[64];
	struct found fs;

	check_path("demo/ppc-e500-mpic.kvmirq", &defaults, &fs);
	CHECK_EQ(fs.nr, 9 + STATE_RULES);
	CHECK_EQ(of_rule(&fs, "route-before-line", f), 9);
	/* testvmm's two VMs: KVM_IRQ_LINE before the MPIC has a route, then
	 * GSIs 200 and 1000 its table leaves out */
	for (size_t i = 0; i < 8; i++)
		expect(f[i], CHECK_ERROR, i < 4 ? 2 : 3, lines[i][0], lines[i][1]);
	CHECK_HAS(f[0]->message, "no KVM_SET_GSI_ROUTING yet");
	CHECK_HAS(f[2]->message, "GSI 1000");
	/* mpicvmm --guest's VM (4: at testvmm's reused address, a new VM since
	 * its KVM_CREATE_VM): its 256-entry table was not recorded whole */
	expect(f[8], CHECK_INFO, 4, 1545, -1);
	CHECK_EQ(f[8]->pid, 24);
	CHECK_HAS(f[8]->message, "cannot be decided on this VM");
	/* no run of 8 failures; the 7 refused KVM_SET_GSI_ROUTING per VM */
	CHECK_EQ(of_rule(&fs, "errno-loop", f), 0);
	loop7.errno_loop = 7;
	check_path("demo/ppc-e500-mpic.kvmirq", &loop7, &fs);
	CHECK_EQ(of_rule(&fs, "errno-loop", f), 2);
	expect(f[0], CHECK_WARNING, 2, 1216, 1222);
	expect(f[1], CHECK_WARNING, 3, 1407, 1413);
	CHECK_HAS(f[1]->message, "EINVAL");
	CHECK_HAS(f[1]->message, "7 times");
}

/* demo/x86-migratevmm-broken.kvmirq: migratevmm's two breaks, then a clean run */
static void x86_migratevmm_broken(void)
{
	const struct finding *f[64];
	struct found fs;

	check_path("demo/x86-migratevmm-broken.kvmirq", &defaults, &fs);
	CHECK_EQ(fs.nr, 5);
	/* VM A's IOAPIC set while vCPU 0 halts in KVM_RUN: the count (#7), the SET (#8) */
	CHECK_EQ(of_rule(&fs, "state-set-while-running", f), 1);
	expect(f[0], CHECK_ERROR, 1, 7, 8);
	CHECK_HAS(f[0]->message, "KVM_SET_IRQCHIP of the IOAPIC while 1 other thread");
	/* VM 4 restored from VM 3's save (#29) and run (#42) without two registers,
	 * one set twice */
	CHECK_EQ(of_rule(&fs, "restore-audit", f), 4);
	/* the first and third runs' destinations restored all of it */
	expect(f[0], CHECK_INFO, 2, 9, 23);
	CHECK_HAS(f[0]->message, "with all 5 registers that VM 1 saved");
	expect(f[3], CHECK_INFO, 6, 48, 62);
	expect(f[1], CHECK_ERROR, 4, 29, 42);
	CHECK_HAS(f[1]->message, "2 of the 5 registers that VM 3 saved");
	CHECK_HAS(f[1]->message, "irqchip 1, lapic 1;");
	expect(f[2], CHECK_WARNING, 4, 29, 42);
	CHECK_HAS(f[2]->message, "irqchip 2;");
	CHECK_EQ(of_rule(&fs, "command-as-state", f), 0);
}

/* demo/x86-qemu-migration.kvmirq: a real QEMU live migration, both sides */
static void qemu_migration_clean(void)
{
	const struct finding *f[64];
	struct found fs;

	check_path("demo/x86-qemu-migration.kvmirq", &defaults, &fs);
	CHECK_EQ(fs.nr, 3);
	/* the destination (VM 3) restored what the source (VM 1) saved at #1303,
	 * not QEMU's reset values before it; audited at its first KVM_RUN #1422 */
	CHECK_EQ(of_rule(&fs, "restore-audit", f), 1);
	expect(f[0], CHECK_INFO, 3, 1303, 1422);
	CHECK_HAS(f[0]->message, "with all 5 registers that VM 1 saved");
	/* the source QEMU predates the recording: its routes and vCPUs are unknown */
	CHECK_EQ(of_rule(&fs, "route-before-line", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
	CHECK_EQ(of_rule(&fs, "unroutable-vector", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
	CHECK_EQ(of_rule(&fs, "state-set-while-running", f), 0);
	CHECK_EQ(of_rule(&fs, "command-as-state", f), 0);
}

static void qemu_guest_clean(void)
{
	struct check_options strict = { .errno_loop = 2, .stuck_ns = 100000000,
					.masked_rate = 400, .storm_rate = 300 };
	struct found fs;

	check_path("demo/x86-qemu-guest.kvmirq", &defaults, &fs);
	CHECK_EQ(fs.nr, STATE_RULES);
	state_rules_undecided(&fs);
	/* QEMU lowers every line within 100 ms, fails no call twice in a row;
	 * its busiest masked pin (the PIT's, PIC master pin 0, about 380
	 * changes a second) and its busiest source (GSI 0, the LAPIC timer's
	 * vector 236) stay under 400 and 300 a second; every EOI is of a
	 * vector delivered on its vCPU */
	check_path("demo/x86-qemu-guest.kvmirq", &strict, &fs);
	CHECK_EQ(fs.nr, STATE_RULES);
}

/* The PIT toggling masked PIC master pin 0: the rate rules on a real guest. */
static void qemu_guest_rates(void)
{
	struct check_options low = defaults;
	const struct finding *f[64];
	struct found fs;

	low.masked_rate = 300;
	low.storm_rate = 200;
	check_path("demo/x86-qemu-guest.kvmirq", &low, &fs);
	CHECK_EQ(of_rule(&fs, "masked-pin-churn", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_WARNING);
	CHECK_HAS(f[0]->message, "PIC master pin 0 changed while masked at up to 380 times");
	/* a GSI storm is named by its GSI; each vCPU's timer vector by itself
	 * (reported as each burst ends: vCPU 0's first) */
	CHECK_EQ(of_rule(&fs, "interrupt-storm", f), 3);
	CHECK_HAS(f[0]->message, "GSI 0 was raised");
	CHECK_HAS(f[1]->message, "vector 236 was accepted by vCPU 0 up to 216 times");
	CHECK_HAS(f[2]->message, "vector 236 was accepted by vCPU 1 up to 235 times");
	CHECK_EQ(fs.nr, 4 + STATE_RULES);
}

/*
 * testvmm --break RULE, recorded on real KVM (demo/README.md): each finds
 * its rule and nothing else.
 */
static void break_recording(const char *rule, const struct check_options *opts,
			    struct found *fs, const struct finding **f, size_t n)
{
	char path[128];

	snprintf(path, sizeof(path), "demo/x86-testvmm-break-%s.kvmirq", rule);
	check_path(path, opts, fs);
	CHECK_EQ(fs->nr - uncounted_running(fs), n);
	CHECK_EQ(of_rule(fs, rule, f), n);
}

static void x86_breaks(void)
{
	struct check_options opts = defaults;
	const struct finding *f[64];
	struct found fs;

	/* GSI 30 raised: KVM_CREATE_IRQCHIP routes only 0-23 */
	break_recording("route-before-line", &defaults, &fs, f, 1);
	expect(f[0], CHECK_ERROR, 1, 4, -1);
	CHECK_HAS(f[0]->message, "KVM_IRQ_LINE_STATUS raised GSI 30");
	CHECK_EQ(uncounted_running(&fs), 0); /* recorded with vcpus_running */

	/* KVM_SET_GSI_ROUTING of IOAPIC pin 24 refused 10 times, #3 to #12 */
	break_recording("errno-loop", &defaults, &fs, f, 1);
	expect(f[0], CHECK_WARNING, 1, 3, 12);
	CHECK_HAS(f[0]->message, "failed with EINVAL (Invalid argument) 10 times in a row");

	/* GSI 5 raised (level, delivered) and held 2 s: stuck after 1 s, not after 5 */
	opts.stuck_ns = 1000000000;
	break_recording("stuck-level-line", &opts, &fs, f, 1);
	expect(f[0], CHECK_WARNING, 1, 7, -1);
	CHECK_HAS(f[0]->message, "GSI 5 (IRQ source 0) was raised");
	break_recording("stuck-level-line", &defaults, &fs, f, 0);
	opts = defaults;

	/* an MSI to the IOAPIC's page; a route with address_lo and _hi swapped */
	break_recording("msi-address", &defaults, &fs, f, 2);
	expect(f[0], CHECK_ERROR, 1, 3, -1);
	CHECK_HAS(f[0]->message, "address 0xfec00000 (data 0x51)");
	expect(f[1], CHECK_ERROR, 1, 5, -1);
	CHECK_HAS(f[1]->message, "KVM_SET_GSI_ROUTING entry for GSI 24 goes to address "
				 "0xfee0000000000000");

	/* vector 5 on IOAPIC pin 4; an MSI to APIC 3 of a VM with vCPU 0 only */
	break_recording("unroutable-vector", &defaults, &fs, f, 2);
	expect(f[0], CHECK_ERROR, 1, 4, -1);
	CHECK_HAS(f[0]->message, "IOAPIC pin 4's entry 0x0000000000000005 (KVM_SET_IRQCHIP) "
				 "sends vector 5");
	expect(f[1], CHECK_ERROR, 1, 5, -1);
	CHECK_HAS(f[1]->message, "to APIC ID 3 in physical mode");

	/* 3000 changes of GSI 4 in 5 ms: its IOAPIC and PIC pins, both masked;
	 * under the default (50000/s, above QEMU's serial port), over 1000/s */
	break_recording("masked-pin-churn", &defaults, &fs, f, 0);
	opts.masked_rate = 1000;
	break_recording("masked-pin-churn", &opts, &fs, f, 2);
	expect(f[0], CHECK_WARNING, 1, 4008, -1);
	CHECK_HAS(f[0]->message, "IOAPIC pin 4 changed while masked at up to 3000 times a second");
	expect(f[1], CHECK_WARNING, 1, 4009, -1);
	CHECK_HAS(f[1]->message, "PIC master pin 4");
	opts.masked_rate = 3000;
	check_path("demo/x86-testvmm-break-masked-pin-churn.kvmirq", &opts, &fs);
	CHECK_EQ(fs.nr, STATE_RULES);

	/* 150000 MSIs in 1.2 s: above 100000 a second from 1.08 s on */
	break_recording("interrupt-storm", &defaults, &fs, f, 1);
	expect(f[0], CHECK_WARNING, 1, 270119, -1);
	CHECK_HAS(f[0]->message, "the MSI address 0xfee00000 data 0x51 was sent up to 108478 times");
	opts.storm_rate = 110000;
	check_path("demo/x86-testvmm-break-interrupt-storm.kvmirq", &opts, &fs);
	CHECK_EQ(fs.nr, STATE_RULES);

	/* vector 0x61 put in service by KVM_SET_LAPIC #9 after vCPU 0 took 0x51 */
	break_recording("eoi-never-injected", &defaults, &fs, f, 1);
	expect(f[0], CHECK_WARNING, 1, 10, 9);
	CHECK_EQ(f[0]->vcpu, 0);
	CHECK_HAS(f[0]->message, "vCPU 0 EOIed vector 97");
	CHECK_HAS(f[0]->message, "KVM_SET_LAPIC put it in service after");
}

/* ---- synthetic recordings: what no demo holds ---- */

static void add_delivery(struct recorder *r, uint16_t kind, uint64_t ns, const void *body,
			 size_t len)
{
	uint8_t rec[sizeof(struct kvmirq_event_header) + 64] __attribute__((aligned(8))) = { 0 };
	struct kvmirq_event_header *h = (void *)rec;

	h->timestamp_ns = r->ns = ns;
	h->vm = r->vm;
	h->pid = h->tid = 4242;
	h->vcpu_id = KVMIRQ_NO_VCPU;
	h->kind = kind;
	h->size = (uint16_t)(sizeof(*h) + len);
	memcpy(h + 1, body, len);
	CHECK_EQ(trace_out_add(&r->out, rec, h->size), 0);
}

static void set_irq(struct recorder *r, double secs, uint32_t gsi, int level)
{
	struct kvmirq_ev_set_irq e = { .gsi = gsi, .level = level };

	add_delivery(r, KVMIRQ_EV_SET_IRQ, (uint64_t)(secs * 1e9), &e, sizeof(e));
}

static void ack_irq(struct recorder *r, double secs, uint32_t chip, uint32_t pin)
{
	struct kvmirq_ev_ack_irq e = { .irqchip = chip, .pin = pin };

	add_delivery(r, KVMIRQ_EV_ACK_IRQ, (uint64_t)(secs * 1e9), &e, sizeof(e));
}

static void vm_ioctl(struct recorder *r, uint8_t id, int64_t ret, const uint32_t *words,
		     size_t n)
{
	struct payload in = { 0 };

	for (size_t i = 0; i < n; i++)
		put(&in, 4, words[i]);
	add_ioctl(r, id, KVMIRQ_FD_VM, r->vm_obj, "", ret, &in, NULL);
}

/*
 * Synthetic, x86: a VM with KVM_CREATE_IRQCHIP's default routes. Lines:
 * GSI 10 raised at 1 s and never lowered (the finding, #3); GSI 11 raised,
 * acknowledged on its IOAPIC pin at 1.9 s; GSI 12 raised and lowered; GSI 5
 * raised 2 s before the recording ends at 10 s (too short to decide). And
 * an irqfd on GSI 30, which the defaults do not route (#11); a deassign
 * and a lowered line on unrouted GSIs, which lose nothing. Then a vCPU
 * runs, GSI 13 is raised at 10.5 s and the VM stopped for a save (its
 * IOAPIC read with no vCPU in KVM_RUN), until 17 s: neither GSI 13 nor
 * GSI 5 is judged.
 */
static void write_synthetic(const char *path, bool ack_recorded, uint64_t filter_kinds)
{
	struct tracefile_meta *m = tracefile_meta_new();
	struct recorder r = { 0 };

	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", "x86_64");
	tracefile_meta_set_string(m, "byte_order", "little");
	tracefile_meta_set_u64(m, "filter_kinds", filter_kinds);
	tracefile_meta_set_string(m, "program.on_ack_irq",
				  ack_recorded ? "attached" : "no such tracepoint");
	registry_init(&r.reg);
	r.vm = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	r.vm_obj = registry_object_id(&r.reg, 0x1000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);
	r.ns = 0;
	vm_ioctl(&r, KVMIRQ_IOCTL_CREATE_VM, 5, NULL, 0);			 /* #0 */
	vm_ioctl(&r, KVMIRQ_IOCTL_CREATE_IRQCHIP, 0, NULL, 0);			 /* #1 */
	set_irq(&r, 1.0, 11, 1);						 /* #2 */
	set_irq(&r, 1.0, 10, 1);						 /* #3 */
	set_irq(&r, 1.5, 12, 1);						 /* #4 */
	set_irq(&r, 1.6, 12, 0);						 /* #5 */
	ack_irq(&r, 1.9, 2, 11);						 /* #6 */
	set_irq(&r, 8.0, 5, 1);							 /* #7 */
	vm_ioctl(&r, KVMIRQ_IOCTL_IRQ_LINE, 0, (const uint32_t[]){ 40, 0 }, 2);	 /* #8 */
	vm_ioctl(&r, KVMIRQ_IOCTL_IRQFD, 0, (const uint32_t[]){ 9, 31, 1, 0 }, 4); /* #9 */
	set_irq(&r, 9.0, 1, 0);							 /* #10 */
	vm_ioctl(&r, KVMIRQ_IOCTL_IRQFD, 0, (const uint32_t[]){ 9, 30, 0, 0 }, 4); /* #11 */
	set_irq(&r, 10.0, 1, 0);						 /* #12 */
	add_delivery(&r, KVMIRQ_EV_VCPUS_RUNNING, 10400000000ull,		 /* #13 */
		     &(struct kvmirq_ev_vcpus_running){ 1, KVMIRQ_RUNNING_FIRST_RUN },
		     sizeof(struct kvmirq_ev_vcpus_running));
	set_irq(&r, 10.5, 13, 1);						 /* #14 */
	vm_ioctl(&r, KVMIRQ_IOCTL_GET_IRQCHIP, 0, (const uint32_t[]){ 2 }, 1);	 /* #15 */
	set_irq(&r, 17.0, 1, 0);						 /* #16 */
	/* the vCPUs run again; GSI 20 up 0.1 s, and meanwhile an event of
	 * another CPU stamped before its raise (the rig's real QEMU guest had
	 * one): not stuck */
	add_delivery(&r, KVMIRQ_EV_VCPUS_RUNNING, 17400000000ull,		 /* #17 */
		     &(struct kvmirq_ev_vcpus_running){ 1, KVMIRQ_RUNNING_FIRST_RUN },
		     sizeof(struct kvmirq_ev_vcpus_running));
	set_irq(&r, 17.5, 20, 1);						 /* #18 */
	set_irq(&r, 17.4999, 21, 0);						 /* #19 */
	set_irq(&r, 17.6, 20, 0);						 /* #20 */
	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);
}

static void synthetic(const char *path)
{
	const struct finding *f[64];
	struct found fs;

	write_synthetic(path, true, 0);
	check_path(path, &defaults, &fs);
	CHECK_EQ(fs.nr, 2 + STATE_RULES);
	CHECK_EQ(of_rule(&fs, "stuck-level-line", f), 1);
	expect(f[0], CHECK_WARNING, 1, 3, -1);
	CHECK_HAS(f[0]->message, "GSI 10 ");
	CHECK(f[0]->t > 0.99 && f[0]->t < 1.01);
	CHECK_EQ(of_rule(&fs, "route-before-line", f), 1);
	expect(f[0], CHECK_ERROR, 1, 11, -1);
	CHECK_HAS(f[0]->message, "KVM_IRQFD assigned an irqfd to GSI 30");

	/* a bound of 1 s: GSI 10 and GSI 5 (up 2 s when the recording ends) are
	 * found; GSI 12 was up 0.1 s, GSI 11 0.9 s until its ack */
	{
		struct check_options one = defaults;

		one.stuck_ns = 1000000000;
		check_path(path, &one, &fs);
		CHECK_EQ(of_rule(&fs, "stuck-level-line", f), 2);
		expect(f[0], CHECK_WARNING, 1, 3, -1);
		expect(f[1], CHECK_WARNING, 1, 7, -1);
	}

	/* without kvm_ack_irq the rule cannot tell an acknowledged line: it says so */
	write_synthetic(path, false, 0);
	check_path(path, &defaults, &fs);
	CHECK_EQ(of_rule(&fs, "stuck-level-line", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
	CHECK_EQ(f[0]->vm, 0);
	CHECK_HAS(f[0]->message, "cannot be decided on this recording");
	CHECK_HAS(f[0]->message, "kvm_ack_irq");
	CHECK_HAS(f[0]->message, "no such tracepoint");

	/* --events without ioctls: the ioctl rules say so, the line rule runs */
	write_synthetic(path, true, 1ull << KVMIRQ_EV_SET_IRQ | 1ull << KVMIRQ_EV_ACK_IRQ);
	check_path(path, &defaults, &fs);
	CHECK_EQ(of_rule(&fs, "route-before-line", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
	CHECK_HAS(f[0]->message, "--events");
	CHECK_EQ(of_rule(&fs, "errno-loop", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
	CHECK_EQ(of_rule(&fs, "stuck-level-line", f), 1);
	CHECK_EQ(f[0]->severity, CHECK_INFO);
}

/* KVM_SET_LAPIC of vCPU 0 with VECTOR in service (its ISR bit), at SECS. */
static void set_lapic_isr(struct recorder *r, uint32_t vcpu_obj, double secs, uint32_t vector)
{
	uint8_t rec[sizeof(struct kvmirq_event_header) + sizeof(struct kvmirq_ev_ioctl) + 1024]
		__attribute__((aligned(8))) = { 0 };
	struct kvmirq_event_header *h = (void *)rec;
	struct kvmirq_ev_ioctl *io = (void *)(h + 1);

	*h = (struct kvmirq_event_header){ .timestamp_ns = (uint64_t)(secs * 1e9), .vm = r->vm,
					   .pid = 4242, .tid = 4242, .vcpu_id = 0,
					   .kind = KVMIRQ_EV_IOCTL, .size = sizeof(rec) };
	io->fd = 6;
	io->ioctl_id = KVMIRQ_IOCTL_SET_LAPIC;
	io->fd_kind = KVMIRQ_FD_VCPU;
	io->object = vcpu_obj;
	io->in_total = io->in_len = 1024;
	io->payload[0x100 + vector / 32 * 16 + vector % 32 / 8] = 1u << (vector % 8);
	CHECK_EQ(trace_out_add(&r->out, rec, h->size), 0);
}

static void eoi_event(struct recorder *r, double secs, uint32_t vector)
{
	struct kvmirq_ev_eoi e = { .apicid = 0, .vector = vector };

	add_delivery(r, KVMIRQ_EV_EOI, (uint64_t)(secs * 1e9), &e, sizeof(e));
}

/*
 * Synthetic, x86: what no real recording here holds for eoi-never-injected.
 * VM 1 is created in the recording with vCPU 0: a restore puts 0x61 in
 * service before the LAPIC took anything (not reported), then the LAPIC
 * takes 0x51 and EOIs it, stale state puts 0x62 in service (reported, with
 * that KVM_SET_LAPIC), and an EOI of 0x70 comes from nowhere (reported).
 * VM 2 predates the recording: undecidable, said once.
 */
static void eoi_synthetic(const char *path)
{
	struct tracefile_meta *m = tracefile_meta_new();
	struct kvmirq_ev_apic_accept_irq accept = { .apicid = 0, .vector = 0x51 };
	const struct finding *f[64];
	struct recorder r = { 0 };
	uint32_t vcpu_obj;
	struct found fs;

	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", "x86_64");
	tracefile_meta_set_string(m, "byte_order", "little");
	registry_init(&r.reg);
	r.vm = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	r.vm_obj = registry_object_id(&r.reg, 0x1000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	vcpu_obj = registry_object_id(&r.reg, 0x1100, r.vm, KVMIRQ_FD_VCPU, 0, "");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);
	vm_ioctl(&r, KVMIRQ_IOCTL_CREATE_VM, 5, NULL, 0);	/* #0 */
	vm_ioctl(&r, KVMIRQ_IOCTL_CREATE_VCPU, 6, NULL, 0);	/* #1: vCPU 0 (arg 0) */
	set_lapic_isr(&r, vcpu_obj, 0.1, 0x61);			/* #2: a restore */
	eoi_event(&r, 0.2, 0x61);				/* #3 */
	add_delivery(&r, KVMIRQ_EV_APIC_ACCEPT_IRQ, 300000000, &accept, sizeof(accept)); /* #4 */
	eoi_event(&r, 0.4, 0x51);				/* #5 */
	set_lapic_isr(&r, vcpu_obj, 0.5, 0x62);			/* #6: stale */
	eoi_event(&r, 0.6, 0x62);				/* #7 */
	eoi_event(&r, 0.7, 0x70);				/* #8 */
	r.vm = registry_vm_id(&r.reg, 0x2000, 4242, 2);
	eoi_event(&r, 0.8, 0x41);				/* #9 */
	eoi_event(&r, 0.9, 0x42);				/* #10 */
	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);

	check_path(path, &defaults, &fs);
	CHECK_EQ(fs.nr, 3 + STATE_RULES);
	CHECK_EQ(of_rule(&fs, "eoi-never-injected", f), 3);
	expect(f[0], CHECK_WARNING, 1, 7, 6);
	CHECK_HAS(f[0]->message, "EOIed vector 98");
	CHECK_HAS(f[0]->message, "KVM_SET_LAPIC put it in service after");
	expect(f[1], CHECK_WARNING, 1, 8, -1);
	CHECK_HAS(f[1]->message, "EOIed vector 112");
	CHECK_HAS(f[1]->message, "came from nowhere");
	expect(f[2], CHECK_INFO, 2, 9, -1);
	CHECK_HAS(f[2]->message, "created before the recording began");
}

/* Every rule of the table has its entry in the man page's RULES. */
static void rule_table(void)
{
	FILE *f = fopen("docs/kvmirq-check.1", "r");
	static char page[32768];
	const char *text = page;
	size_t n = f ? fread(page, 1, sizeof(page) - 1, f) : 0;

	page[n] = 0;
	if (f)
		fclose(f);
	for (size_t i = 0; i < check_nr_rules; i++) {
		const struct check_rule *r = &check_rules[i];
		char entry[64] = ".BR ";
		size_t at = strlen(entry);

		CHECK(r->id && r->title && r->reason && r->source && r->ops && r->ops->event);
		/* .BR route\-before\-line " (error)": the id, its hyphens escaped */
		for (const char *c = r->id; *c && at < 40; c++) {
			if (*c == '-')
				entry[at++] = '\\';
			entry[at++] = *c;
		}
		snprintf(entry + at, sizeof(entry) - at, " \" (%s)", check_severity_name(r->severity));
		CHECK_HAS(text, entry);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(r->id, check_rules[j].id));
	}
	CHECK_EQ(check_nr_rules, 11);
}

int main(void)
{
	char path[] = "/tmp/kvmirq-check-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	rule_table();
	x86_testvmm();
	ppc_e500();
	qemu_guest_clean();
	x86_migratevmm_broken();
	qemu_migration_clean();
	qemu_guest_rates();
	x86_breaks();
	synthetic(path);
	eoi_synthetic(path);
	unlink(path);
	return check_done();
}
