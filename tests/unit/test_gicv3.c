// SPDX-License-Identifier: GPL-2.0
/*
 * The VGICv3 chip tables (distributor, redistributor, CPU interface, ITS):
 * the reads a snapshot of each performs, registers decoded per interrupt
 * from states filled as KVM_GET_DEVICE_ATTR fills them on a little-endian
 * arm64 host (and the same values from a big-endian one), a snapshot that
 * reads each vCPU's redistributor by the MPIDR KVM gives it, and a recorded
 * write to vCPU 17's redistributor landing in that vCPU's state.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "chip_check.h"
#include "chips/chip_attr.h"
#include "chips/models.h"
#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"
#include "model/reconstruct.h"
#include "ppc_recording.h"
#include "report/state_print.h"
#include "snapshot/diff.h"
#include "snapshot/snapshot.h"
#include "util/kv.h"

#define GRP_DIST 1
#define GRP_REDIST 5
#define GRP_SYSREGS 6
#define GRP_LEVEL 7
#define GRP_ITS 8

/* A successful read of (GROUP, ATTR) holding VALUE in BIG's byte order. */
static void fill(struct chip_state *s, uint32_t group, uint64_t attr, uint64_t value)
{
	struct chip_read_result *rr = chip_state_find_read(s, CHIP_READ_DEVICE_ATTR, group, attr);

	CHECK(rr != NULL);
	if (!rr)
		return;
	bytes_store(rr->bytes, rr->len, value, s->big_endian);
	rr->status = 0;
}

static size_t reads_of(const struct chip_model *m)
{
	return chip_for_each_read(m, NULL, NULL);
}

struct attrs {
	size_t n;
	uint64_t attr[4];
	uint32_t group[4], len[4];
};

static void first_reads(void *p, enum chip_read_kind kind, uint32_t group, uint64_t attr,
			uint32_t len)
{
	struct attrs *a = p;

	CHECK_EQ(kind, CHIP_READ_DEVICE_ATTR);
	if (a->n < 4) {
		a->attr[a->n] = attr;
		a->group[a->n] = group;
		a->len[a->n] = len;
	}
	a->n++;
}

static void test_reads(void)
{
	struct attrs a = { 0 };

	/* 4 ID/control words, 5 bitmaps of 32 words, 255 priority and 64
	 * configuration words, 988 IROUTERs in two halves, 31 words of SPI
	 * line levels */
	CHECK_EQ(reads_of(&chip_model_gicv3_dist), 4 + 5 * 32 + 255 + 64 + 2 * 988 + 31);
	/* RD frame 9 (64-bit registers in halves), SGI frame 5 bitmaps + 8 + 2,
	 * the SGIs' and PPIs' line levels */
	CHECK_EQ(reads_of(&chip_model_gicv3_redist), 9 + 5 + 8 + 2 + 1);
	CHECK_EQ(reads_of(&chip_model_gicv3_cpu), 15);
	CHECK_EQ(reads_of(&chip_model_gicv3_its), 14);
	chip_for_each_read(&chip_model_gicv3_cpu, first_reads, &a);
	CHECK_EQ(a.attr[0], 0xc230); /* ICC_PMR_EL1: Op0 3, CRn 4, CRm 6 */
	CHECK_EQ(a.attr[1], 0xc643); /* ICC_BPR0_EL1 */
	CHECK_EQ(a.attr[2], 0xc644); /* ICC_AP0R0_EL1 */
	CHECK_EQ(a.group[0], GRP_SYSREGS);
	CHECK_EQ(a.len[0], 8);
	a.n = 0;
	chip_for_each_read(&chip_model_gicv3_redist, first_reads, &a);
	CHECK_EQ(a.group[0], GRP_REDIST);
	CHECK_EQ(a.len[0], 4);
	/* the commands are in the tables, never read */
	CHECK(chip_register_by_name(&chip_model_gicv3_its, "ctrl_save_tables")->flags &
	      CHIP_WRITE_COMMAND);
	CHECK(chip_attr_command(&chip_model_gicv3_its, 4, 2, CHIP_ACCESS_WRITE, false, 0) &&
	      !strcmp(chip_attr_command(&chip_model_gicv3_its, 4, 2, CHIP_ACCESS_WRITE, false, 0),
		      "restore-tables"));
	/* a device's models by group, and by attr where two share one */
	CHECK(chip_model_by_device_group("kvm-arm-vgic-v3", GRP_DIST, 0) == &chip_model_gicv3_dist);
	CHECK(chip_model_by_device_group("kvm-arm-vgic-v3", GRP_REDIST, 0) ==
	      &chip_model_gicv3_redist);
	CHECK(chip_model_by_device_group("kvm-arm-vgic-v3", GRP_SYSREGS, 0) ==
	      &chip_model_gicv3_cpu);
	CHECK(chip_model_by_device_group("kvm-arm-vgic-its", GRP_ITS, 0) == &chip_model_gicv3_its);
	CHECK(chip_model_by_device_group("kvm-mpic", 2, 0) == &chip_model_fsl_mpic);
	/* LEVEL_INFO: a vCPU's SGIs and PPIs in its redistributor, SPIs in the distributor */
	CHECK(chip_model_by_device_group("kvm-arm-vgic-v3", GRP_LEVEL, 1ull << 32) ==
	      &chip_model_gicv3_redist);
	CHECK(chip_model_by_device_group("kvm-arm-vgic-v3", GRP_LEVEL, 64) ==
	      &chip_model_gicv3_dist);
}

/* KVM's MPIDR of a vCPU (reset_mpidr) in the attr, and back. */
static void test_mpidr(void)
{
	const struct chip_model *r = &chip_model_gicv3_redist;

	CHECK_EQ(chip_instance_attr_bits(r, 0), 0);
	CHECK_EQ(chip_instance_attr_bits(r, 1), 1ull << 32);
	CHECK_EQ(chip_instance_attr_bits(r, 17), 0x0101ull << 32);
	CHECK_EQ(chip_instance_attr_bits(r, 0x12345), 0x123405ull << 32);
	CHECK_EQ(chip_instance_attr_bits(&chip_model_gicv3_dist, 17), 0);
	for (int32_t id = 0; id < 5000; id += 7)
		CHECK_EQ(chip_attr_instance(r, chip_instance_attr_bits(r, id) | 0x10200), id);
	CHECK_EQ(chip_attr_instance(r, 0x10ull << 32), -1); /* Aff0 16: not KVM's */
	CHECK_EQ(chip_attr_instance(r, 1ull << 56), -1);    /* Aff3 */
	CHECK_EQ(chip_attr_instance(&chip_model_gicv3_dist, 0x0101ull << 32), 0);
}

static void check_dist(bool big)
{
	struct chip_state s;
	struct chip_value v;

	CHECK_EQ(chip_state_init(&s, &chip_model_gicv3_dist, 1, 0), 0);
	s.big_endian = big;
	fill(&s, GRP_DIST, 0x0000, 0x12);	/* EnableGrp1, ARE */
	fill(&s, GRP_DIST, 0x0004, 0x0078000a); /* ITLines 10: 352 INTIDs; IDbits 15 */
	fill(&s, GRP_DIST, 0x0008, 0x4b00243b); /* KVM's IIDR, revision 2 */
	fill(&s, GRP_DIST, 0x0104, 1u << 8);	/* ISENABLER1: SPI 40 */
	fill(&s, GRP_DIST, 0x0200, 0);		/* ISPENDR0: the redistributors' */
	fill(&s, GRP_DIST, 0x0204, 1u << 8 | 1u << 31); /* ISPENDR1: SPIs 40 and 63 */
	fill(&s, GRP_DIST, 0x0428, 0xa0);	/* IPRIORITYR10: SPI 40 at 0xa0 */
	fill(&s, GRP_DIST, 0x0c08, 2u << 16);	/* ICFGR2: SPI 40 edge */
	fill(&s, GRP_DIST, 0x6100 + 8 * 8, 0x80000103); /* IROUTER40: IRM, Aff1 1, Aff0 3 */

	CHECK_TEXT(&s, "ctlr.enable_grp1", "yes");
	CHECK_TEXT(&s, "ctlr.are", "yes");
	CHECK_TEXT(&s, "typer.it_lines", "10");
	CHECK_TEXT(&s, "typer.id_bits", "15");
	CHECK_TEXT(&s, "iidr.implementer", "0x43b");
	CHECK_TEXT(&s, "iidr.revision", "2");
	CHECK_TEXT(&s, "iidr.product_id", "0x4b");
	CHECK_TEXT(&s, "isenabler[1].spi40", "yes");
	CHECK_TEXT(&s, "isenabler[1].spi41", "no");
	CHECK_TEXT(&s, "ispendr[1].spi40", "yes");
	CHECK_TEXT(&s, "ispendr[1].spi63", "yes");
	CHECK_TEXT(&s, "ispendr[0].sgi0", "no");
	CHECK_TEXT(&s, "ispendr[0].ppi31", "no");
	CHECK_TEXT(&s, "ipriorityr[10].spi40", "0xa0");
	CHECK_TEXT(&s, "ipriorityr[10].spi41", "0x0");
	CHECK_TEXT(&s, "ipriorityr[254].spi1019", "?(No data available)");
	CHECK_TEXT(&s, "icfgr[2].spi40", "edge");
	CHECK_TEXT(&s, "icfgr[2].spi41", "level");
	CHECK_TEXT(&s, "irouter[8].aff0", "3");
	CHECK_TEXT(&s, "irouter[8].aff1", "1");
	CHECK_TEXT(&s, "irouter[8].irm", "yes");
	CHECK_TEXT(&s, "ispendr[31].spi1019", "?(No data available)");
	CHECK(!find_value(&s, "ispendr[31].spi1020", &v) || v.irq == 1020);
	CHECK(!find_value(&s, "icenabler[1].spi40", &v)); /* write-only: never read */
	CHECK(find_value(&s, "ispendr[1].spi40", &v));
	CHECK_EQ(v.irq, 40);
	CHECK_EQ(v.element, 1);
	CHECK(v.flags & CHIP_VOLATILE);
	CHECK(find_value(&s, "irouter[8].aff0", &v));
	CHECK_EQ(v.irq, 40);
	CHECK(find_value(&s, "ctlr.are", &v));
	CHECK_EQ(v.irq, -1);
	chip_state_free(&s);
}

static void check_redist_cpu_its(bool big)
{
	struct chip_state r, c, i;

	CHECK_EQ(chip_state_init(&r, &chip_model_gicv3_redist, 1, 17), 0);
	CHECK_EQ(chip_state_init(&c, &chip_model_gicv3_cpu, 1, 17), 0);
	CHECK_EQ(chip_state_init(&i, &chip_model_gicv3_its, 1, 0), 0);
	r.big_endian = c.big_endian = i.big_endian = big;
	/* the state's reads are the registers' own attrs: the MPIDR is the read's */
	fill(&r, GRP_REDIST, 0x0008, 0x1110);	   /* Last, processor 17 */
	fill(&r, GRP_REDIST, 0x000c, 0x0101);	   /* Aff1 1, Aff0 1 */
	fill(&r, GRP_REDIST, 0x0014, 0x6);	   /* asleep */
	fill(&r, GRP_REDIST, 0x10200, 1u << 27);   /* PPI 27 pending */
	fill(&r, GRP_REDIST, 0x10418, 0x80u << 24); /* IPRIORITYR6: PPI 27 at 0x80 */
	fill(&r, GRP_REDIST, 0x10c04, 2u << 22);   /* ICFGR1: PPI 27 edge */
	CHECK_TEXT(&r, "typer.last", "yes");
	CHECK_TEXT(&r, "typer.processor_number", "17");
	CHECK_TEXT(&r, "typer_affinity.aff1", "1");
	CHECK_TEXT(&r, "waker.processor_sleep", "yes");
	CHECK_TEXT(&r, "waker.children_asleep", "yes");
	CHECK_TEXT(&r, "ispendr0.ppi27", "yes");
	CHECK_TEXT(&r, "ispendr0.sgi1", "no");
	CHECK_TEXT(&r, "ipriorityr[6].ppi27", "0x80");
	CHECK_TEXT(&r, "icfgr[1].ppi27", "edge");
	CHECK_TEXT(&r, "icfgr[0].sgi15", "?(No data available)");

	fill(&c, GRP_SYSREGS, 0xc230, 0xf8);	/* ICC_PMR_EL1 */
	fill(&c, GRP_SYSREGS, 0xc664, 0x4402);	/* ICC_CTLR_EL1: EOImode, PRIbits 4, IDbits 0 */
	fill(&c, GRP_SYSREGS, 0xc667, 1);	/* ICC_IGRPEN1_EL1 */
	fill(&c, GRP_SYSREGS, 0xc665, 7);	/* ICC_SRE_EL1 */
	CHECK_TEXT(&c, "pmr.priority", "0xf8");
	CHECK_TEXT(&c, "ctlr.eoimode", "yes");
	CHECK_TEXT(&c, "ctlr.pri_bits", "4");
	CHECK_TEXT(&c, "igrpen1.enable", "yes");
	CHECK_TEXT(&c, "sre.dib", "yes");
	CHECK_TEXT(&c, "ap1r[3]", "?(No data available)");

	fill(&i, GRP_ITS, 0x0000, 0x80000001);	       /* enabled, quiescent */
	fill(&i, GRP_ITS, 0x0008, 0x000000110001ef71ull); /* KVM's GITS_TYPER */
	fill(&i, GRP_ITS, 0x0080, 0xb80000004000f400ull); /* CBASER: valid, 1 page */
	fill(&i, GRP_ITS, 0x0090, 0x60);	       /* CREADR: command 3 */
	fill(&i, GRP_ITS, 0x0108, 0x8407000040010000ull); /* BASER1: collections */
	CHECK_TEXT(&i, "ctlr.enabled", "yes");
	CHECK_TEXT(&i, "ctlr.quiescent", "yes");
	CHECK_TEXT(&i, "typer.itt_entry_size", "7");
	CHECK_TEXT(&i, "typer.id_bits", "15");
	CHECK_TEXT(&i, "typer.dev_bits", "15");
	CHECK_TEXT(&i, "typer.cid_bits", "1");
	CHECK_TEXT(&i, "typer.cil", "yes");
	CHECK_TEXT(&i, "cbaser.valid", "yes");
	CHECK_TEXT(&i, "cbaser.pa", "0x4000f");
	CHECK_TEXT(&i, "creadr.offset", "3");
	CHECK_TEXT(&i, "baser[1].type", "collections");
	CHECK_TEXT(&i, "baser[1].entry_size", "7");
	chip_state_free(&r);
	chip_state_free(&c);
	chip_state_free(&i);
}

/* A snapshot of a VM with vCPUs 0 and 17: every read of the VGICv3 and ITS
 * fds, each redistributor and CPU interface at its vCPU's MPIDR. */
struct fake_kvm {
	unsigned redist_vcpu0, redist_vcpu17, cpu_vcpu17, dist, its, other;
};

static long fake_ioctl(void *ctx, int fd, unsigned long cmd, void *buf, size_t len)
{
	(void)ctx, (void)fd, (void)cmd, (void)buf, (void)len;
	return -ENOTTY; /* the x86 host's own VM and vCPU models: not this test's */
}

static long fake_attr(void *ctx, int fd, uint32_t group, uint64_t attr, void *val, size_t len)
{
	struct fake_kvm *k = ctx;

	memset(val, 0, len);
	/* LEVEL_INFO: a vCPU's private lines at 0, the SPIs' from 32 */
	bool level_private = group == GRP_LEVEL && (uint32_t)attr < 32;

	if (fd == 10 && (group == GRP_REDIST || level_private) && attr >> 32 == 0)
		k->redist_vcpu0++;
	else if (fd == 10 && (group == GRP_REDIST || level_private) && attr >> 32 == 0x0101)
		k->redist_vcpu17++;
	else if (fd == 10 && group == GRP_SYSREGS && attr >> 32 == 0x0101)
		k->cpu_vcpu17++;
	else if (fd == 10 && (group == GRP_DIST || group == GRP_LEVEL) && attr >> 32 == 0)
		k->dist++;
	else if (fd == 11 && group == GRP_ITS)
		k->its++;
	else if (!(fd == 10 && group == GRP_SYSREGS && attr >> 32 == 0))
		k->other++;
	if (fd == 10 && group == GRP_REDIST && attr == (0x0101ull << 32 | 0x0008))
		*(uint32_t *)val = 17 << 8; /* vCPU 17's GICR_TYPER */
	if (fd == 10 && group == GRP_DIST && attr == 0x0004)
		*(uint32_t *)val = 3; /* GICD_TYPER.ITLinesNumber: NR_IRQS 128 */
	if (fd == 10 && ((group == GRP_DIST && (uint32_t)attr >= 0x6000 + 8 * 128) ||
			 (group == GRP_LEVEL && (uint32_t)attr >= 128)))
		return -ENXIO; /* an SPI the VM does not have: never asked */
	return 0;
}

static void test_snapshot_per_vcpu(void)
{
	struct fake_kvm k = { 0 };
	const struct snapshot_io io = { .ioctl_buf = fake_ioctl, .get_device_attr = fake_attr,
					.ctx = &k };
	const struct snapshot_fd fds[] = {
		{ .fd = 5, .kind = CHIP_FD_VM, .vm = 1, .name = "kvm-vm" },
		{ .fd = 6, .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 0, .name = "kvm-vcpu:0" },
		{ .fd = 7, .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 17, .name = "kvm-vcpu:17" },
		{ .fd = 10, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-arm-vgic-v3" },
		{ .fd = 11, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-arm-vgic-its" },
	};
	struct snapshot s;
	char err[64];
	unsigned redists = 0;

	snapshot_init(&s);
	CHECK_EQ(snapshot_take(&s, &io, fds, sizeof(fds) / sizeof(fds[0]), err, sizeof(err)), 0);
	/* Of the 2490 reads, those of INTIDs 0..127: CTLR, TYPER, IIDR, TYPER2,
	 * five bitmaps of 4 words, 32 IPRIORITYR and 8 ICFGR words, IROUTER of
	 * SPIs 32..127 in two halves, the line levels of SPIs 32..127. */
	CHECK_EQ(reads_of(&chip_model_gicv3_dist), 2490);
	CHECK_EQ(k.dist, 4 + 5 * 4 + 32 + 8 + 2 * 96 + 3);
	CHECK_EQ(k.redist_vcpu0, reads_of(&chip_model_gicv3_redist));
	CHECK_EQ(k.redist_vcpu17, reads_of(&chip_model_gicv3_redist));
	CHECK_EQ(k.cpu_vcpu17, reads_of(&chip_model_gicv3_cpu));
	CHECK_EQ(k.its, reads_of(&chip_model_gicv3_its));
	CHECK_EQ(k.other, 0);
	for (size_t i = 0; i < s.nr_chips; i++) {
		const struct chip_state *c = &s.chips[i];

		if (c->model == &chip_model_gicv3_dist) {
			CHECK_EQ(c->model->irq_count(c), 128);
			CHECK_TEXT(c, "isenabler[3].spi127", "no");
			CHECK_TEXT(c, "isenabler[4].spi128", "?(past the chip's interrupts)");
			CHECK_TEXT(c, "irouter[95].aff0", "0");
			CHECK_TEXT(c, "irouter[96].aff0", "?(past the chip's interrupts)");
		}
		if (c->model != &chip_model_gicv3_redist)
			continue;
		redists++;
		CHECK(c->index == 0 || c->index == 17);
		if (c->index == 17)
			CHECK_TEXT(c, "typer.processor_number", "17");
	}
	CHECK_EQ(redists, 2);
	snapshot_free(&s);
}

/* A host with 5 priority bits (QEMU's TCG, the arm64 rig) refuses
 * ICC_AP0R1..3 and ICC_AP1R1..3 with EINVAL: absent registers, not failed
 * reads. With REFUSE_PMR, ICC_PMR_EL1 is refused too: that one fails. */
static bool refuse_pmr;

static long five_pri_bits_attr(void *ctx, int fd, uint32_t group, uint64_t attr, void *val,
			       size_t len)
{
	unsigned reg = attr & 0xffff;

	(void)ctx, (void)fd;
	memset(val, 0, len);
	if (group == GRP_SYSREGS && ((reg >= 0xc645 && reg <= 0xc647) ||
				     (reg >= 0xc649 && reg <= 0xc64b) || (refuse_pmr && reg == 0xc230)))
		return -EINVAL;
	return 0;
}

static void test_snapshot_absent_aprs(bool pmr)
{
	const struct snapshot_io io = { .ioctl_buf = fake_ioctl,
					.get_device_attr = five_pri_bits_attr };
	const struct snapshot_fd fds[] = {
		{ .fd = 6, .kind = CHIP_FD_VCPU, .vm = 1, .vcpu_id = 0, .name = "kvm-vcpu:0" },
		{ .fd = 10, .kind = CHIP_FD_DEVICE, .vm = 1, .name = "kvm-arm-vgic-v3" },
	};
	struct snapshot s;
	char err[64];
	size_t refused = 0, not_this_host = 0, past_irqs = 0, failed = 0;

	refuse_pmr = pmr;
	snapshot_init(&s);
	CHECK_EQ(snapshot_take(&s, &io, fds, sizeof(fds) / sizeof(fds[0]), err, sizeof(err)), 0);
	for (size_t i = 0; i < s.nr_chips; i++)
		for (size_t r = 0; r < s.chips[i].nr_reads; r++) {
			refused += s.chips[i].reads[r].status == -EINVAL;
			/* the x86 host's own vCPU model, fake_ioctl's */
			not_this_host += s.chips[i].reads[r].status == -ENOTTY;
			past_irqs += s.chips[i].reads[r].status == CHIP_STATUS_PAST_IRQS;
			failed += snapshot_read_failed(&s.chips[i], &s.chips[i].reads[r]);
		}
	CHECK_EQ(refused, (pmr ? 7u : 6u));
	CHECK_EQ(s.failed_reads - not_this_host, (pmr ? 1u : 0u));
	/* the distributor's reads past its interrupts are skipped, not failed:
	 * a key frame's first failure never names one (it said "Unknown error
	 * 4095" on the arm64 rig) */
	CHECK(past_irqs > 0);
	CHECK_EQ(failed, (size_t)s.failed_reads);
	snapshot_free(&s);
}

/* A VMM's SET of vCPU 17's GICR_IPRIORITYR6 and GET of GICD_IPRIORITYR10,
 * recorded, rebuild those values in the right instances; the pending
 * latches it read are known until a line moves (LINE_AFTER). */
static void test_reconstruction(bool line_after)
{
	char dir[] = "/tmp/kvmirq-gicv3.XXXXXX", path[4096];
	struct tracefile_meta *m = tracefile_meta_new();
	struct recorder r = { .big = false };
	struct payload in = { .big = false }, out = { .big = false };
	struct reconstruction rc;
	struct trace_in *t = calloc(1, sizeof(*t));
	const void *rec;
	size_t len;
	bool seen17 = false, seen_dist = false;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/gic.kvmirq", dir);
	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", "aarch64");
	registry_init(&r.reg);
	r.vm = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	r.vm_obj = registry_object_id(&r.reg, 0x1000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	r.device = registry_object_id(&r.reg, 0x2000, r.vm, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				      "kvm-arm-vgic-v3");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);
	put(&in, 4, 0), put(&in, 4, GRP_REDIST), put(&in, 8, 0x0101ull << 32 | 0x10418);
	put(&in, 8, 0x1000), put(&in, 4, 0x80u << 24);
	add_ioctl(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-arm-vgic-v3",
		  0, &in, NULL);
	in.len = 0;
	put(&in, 4, 0), put(&in, 4, GRP_DIST), put(&in, 8, 0x0428), put(&in, 8, 0x1000);
	put(&out, 4, 0xa0);
	add_ioctl(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-arm-vgic-v3",
		  0, &in, &out);
	/* the pending latches read, then a line raised: they are not known any more */
	in.len = out.len = 0;
	put(&in, 4, 0), put(&in, 4, GRP_DIST), put(&in, 8, 0x0204), put(&in, 8, 0x1000);
	put(&out, 4, 0);
	add_ioctl(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-arm-vgic-v3",
		  0, &in, &out);
	in.len = out.len = 0;
	put(&in, 4, 0), put(&in, 4, GRP_DIST), put(&in, 8, 0x0208), put(&in, 8, 0x1000);
	put(&out, 4, 0);
	add_ioctl(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-arm-vgic-v3",
		  0, &in, &out);
	if (line_after) {
		uint8_t ev[sizeof(struct kvmirq_event_header) +
			   sizeof(struct kvmirq_ev_arm_irq_line)] __attribute__((aligned(8))) = { 0 };
		struct kvmirq_event_header *h = (void *)ev;
		struct kvmirq_ev_arm_irq_line *l = (void *)(h + 1);

		h->timestamp_ns = r.ns += 1000;
		h->vm = r.vm;
		h->vcpu_id = KVMIRQ_NO_VCPU;
		h->kind = KVMIRQ_EV_ARM_IRQ_LINE;
		h->size = sizeof(ev);
		*l = (struct kvmirq_ev_arm_irq_line){ .type = 1, .irq_num = 40, .level = 1 };
		CHECK_EQ(trace_out_add(&r.out, ev, h->size), 0);
	}
	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);

	CHECK(t && trace_in_open(t, path) == 0);
	recon_init(&rc, &t->registry, &t->format);
	while (trace_in_next(t, &rec, &len) > 0)
		recon_apply(&rc, rec, len);
	rc.registry = NULL;
	trace_in_close(t);
	free(t);
	unlink(path);
	rmdir(dir);
	for (size_t i = 0; i < rc.snap.nr_chips; i++) {
		const struct chip_state *c = &rc.snap.chips[i];

		if (c->model == &chip_model_gicv3_redist) {
			CHECK_EQ(c->index, 17);
			CHECK_TEXT(c, "ipriorityr[6].ppi27", "0x80");
			CHECK_TEXT(c, "ipriorityr[6].ppi26", "0x0");
			CHECK_TEXT(c, "ipriorityr[5].ppi23", "?");
			CHECK_TEXT(c, "isenabler0.ppi27", "?");
			seen17 = true;
		}
		if (c->model == &chip_model_gicv3_dist) {
			CHECK_TEXT(c, "ipriorityr[10].spi40", "0xa0");
			CHECK_TEXT(c, "ipriorityr[11].spi44", "?");
			CHECK_TEXT(c, "ispendr[1].spi40", line_after ? "?" : "no");
			CHECK_TEXT(c, "ispendr[2].spi64", line_after ? "?" : "no");
			seen_dist = true;
		}
	}
	CHECK(seen17 && seen_dist);
	recon_free(&rc);
}

/* Two snapshots of one distributor, SPI 40 pending on one side: show names
 * the interrupt on its register's line, diff names exactly that value. */
struct diffs {
	unsigned n;
	char name[64];
};

static void one_diff(void *ctx, const struct diff_entry *e)
{
	struct diffs *d = ctx;

	if (e->class == DIFF_VOLATILE && e->a && !d->n++)
		snprintf(d->name, sizeof(d->name), "%s", e->a->name);
}

static void test_show_diff(void)
{
	struct snapshot a, b;
	const struct state_print_options text = { .chip = "gicv3-dist" };
	struct diffs d = { 0 };
	struct diff_totals totals;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	snapshot_init(&a);
	snapshot_init(&b);
	snprintf(a.machine, sizeof(a.machine), "aarch64");
	snprintf(b.machine, sizeof(b.machine), "aarch64");
	snapshot_add_vm(&a, "1-2"), snapshot_add_vm(&b, "1-2");
	CHECK(snapshot_add_chip(&a, &chip_model_gicv3_dist, 1, 0) != NULL);
	CHECK(snapshot_add_chip(&b, &chip_model_gicv3_dist, 1, 0) != NULL);
	if (!a.nr_chips || !b.nr_chips)
		return;
	fill(&a.chips[0], GRP_DIST, 0x0204, 0);
	fill(&b.chips[0], GRP_DIST, 0x0204, 1u << 8);
	f = open_memstream(&out, &len);
	state_print(&b, &text, f);
	fclose(f);
	CHECK(strstr(out, "\n    ispendr[1]         spi32=no spi33=no "));
	CHECK(strstr(out, " spi39=no spi40=yes spi41=no "));
	CHECK(strstr(out, "spi1019=?")); /* no GICD_TYPER: every SPI may exist */
	free(out);
	/* A VM of 128 interrupts: none shown past SPI 127. */
	fill(&b.chips[0], GRP_DIST, 0x0004, 3);
	f = open_memstream(&out, &len);
	state_print(&b, &text, f);
	fclose(f);
	CHECK(strstr(out, " spi127=?"));
	CHECK(!strstr(out, "spi128"));
	free(out);
	CHECK_EQ(snapshot_diff(&a, &b, one_diff, &d, &totals), 0);
	CHECK_EQ(d.n, 1); /* a pending latch moves on its own: listed apart */
	CHECK(!strcmp(d.name, "ispendr[1].spi40"));
	snapshot_free(&a);
	snapshot_free(&b);
}

/* A snapshot that saved the ITS tables says so in its file and its origin
 * line; one that did not carries no such key (it issued no command). */
static void test_its_tables_saved(void)
{
	char path[] = "/tmp/kvmirq-test-its-XXXXXX", err[256], *out = NULL;
	struct snapshot s, back;
	size_t len = 0;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	for (uint32_t saved = 0; saved < 2; saved++) {
		snapshot_init(&s);
		snprintf(s.machine, sizeof(s.machine), "aarch64");
		snprintf(s.method, sizeof(s.method), "ptrace");
		s.its_tables_saved = saved;
		snapshot_add_vm(&s, "1-2");
		CHECK(snapshot_add_chip(&s, &chip_model_gicv3_its, 1, 0) != NULL);
		CHECK_EQ(snapshot_write(&s, path, true, err, sizeof(err)), 0);
		snapshot_free(&s);
		CHECK_EQ(snapshot_read(&back, path, err, sizeof(err)), 0);
		CHECK_EQ(back.its_tables_saved, saved);
		f = open_memstream(&out, &len);
		state_print_origin(&back, "x", f);
		fclose(f);
		CHECK_EQ(strstr(out, "ITS saved into guest memory") != NULL, saved == 1);
		free(out);
		out = NULL;
		snapshot_free(&back);
	}
	unlink(path);
}

int main(void)
{
	test_reads();
	test_its_tables_saved();
	test_mpidr();
	check_dist(false);
	check_dist(true); /* aarch64_be: the same values from bytes in its order */
	check_redist_cpu_its(false);
	check_redist_cpu_its(true);
	test_snapshot_per_vcpu();
	test_snapshot_absent_aprs(false);
	test_snapshot_absent_aprs(true);
	test_show_diff();
	test_reconstruction(false);
	test_reconstruction(true);
	return check_done();
}
