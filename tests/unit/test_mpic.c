// SPDX-License-Identifier: GPL-2.0
/*
 * The Freescale MPIC model (src/chips/mpic.c): the reads a snapshot makes
 * never touch a register whose read has a side effect or means nothing, and
 * register values as the real 6.1 kernel returns them (seen in the e500 rig)
 * decode, from the bytes a big-endian PowerPC host stores.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chip_check.h"
#include "chips/chip.h"
#include "chips/models.h"

#define GRP_MISC 1
#define GRP_REGISTER 2
#define GRP_IRQ_ACTIVE 3

static const struct chip_model *mpic;

/* --- the reads ------------------------------------------------------------ */

/*
 * GRP_REGISTER offsets a snapshot must never GET, written down here from the
 * kernel's behaviour rather than taken from the table under test:
 * the current-CPU aliases (0x40..0xb0: IPIDR0-3, CTPR, WHOAMI, IACK, EOI),
 * MSIR0-7 (clear on read), MSIIR (write-only), and in each of the 32
 * per-CPU blocks IPIDR0-3 and EOI (write-only) and IACK (acknowledges).
 */
static bool forbidden(uint64_t off)
{
	static const uint64_t global[] = { 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0,
					   0x1600, 0x1610, 0x1620, 0x1630, 0x1640, 0x1650,
					   0x1660, 0x1670, 0x1740 };
	static const uint64_t per_cpu[] = { 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0 };

	for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++)
		if (off == global[i])
			return true;
	for (unsigned cpu = 0; cpu < 32; cpu++)
		for (size_t i = 0; i < sizeof(per_cpu) / sizeof(per_cpu[0]); i++)
			if (off == 0x20000 + 0x1000ull * cpu + per_cpu[i])
				return true;
	return false;
}

/* Where the kernel decodes a register access (anything else is ENXIO). */
static bool in_a_region(uint64_t off)
{
	return off < 0x10f0 ||			      /* global */
	       (off >= 0x10f0 && off < 0x1310) ||     /* timers */
	       (off >= 0x1600 && off < 0x1800) ||     /* MSI */
	       (off >= 0x10000 && off < 0x12000) ||   /* sources */
	       (off >= 0x20000 && off < 0x3f100);     /* per-CPU */
}

struct read_log {
	size_t n, misc, regs, active;
	size_t forbidden, misaligned, outside, bad_len, bad_group, duplicates;
	uint64_t seen[2048];
	uint32_t seen_group[2048];
	bool has_frr, has_ctpr31, has_ivpr255, has_active255, has_gtccr0;
};

static void log_read(void *p, enum chip_read_kind kind, uint32_t group, uint64_t attr, uint32_t len)
{
	struct read_log *l = p;

	if (kind != CHIP_READ_DEVICE_ATTR)
		l->bad_group++;
	for (size_t i = 0; i < l->n && i < 2048; i++)
		if (l->seen[i] == attr && l->seen_group[i] == group)
			l->duplicates++;
	if (l->n < 2048) {
		l->seen[l->n] = attr;
		l->seen_group[l->n] = group;
	}
	l->n++;
	switch (group) {
	case GRP_MISC:
		l->misc++;
		if (attr != 0 || len != 8)
			l->bad_len++;
		break;
	case GRP_REGISTER:
		l->regs++;
		if (len != 4)
			l->bad_len++;
		if (attr & 3)
			l->misaligned++;
		if (!in_a_region(attr))
			l->outside++;
		if (forbidden(attr))
			l->forbidden++;
		l->has_frr |= attr == 0x1000;
		l->has_ctpr31 |= attr == 0x20000 + 31 * 0x1000 + 0x80;
		l->has_ivpr255 |= attr == 0x10000 + 255 * 0x20;
		l->has_gtccr0 |= attr == 0x11f0;
		break;
	case GRP_IRQ_ACTIVE:
		l->active++;
		if (len != 4)
			l->bad_len++;
		if (attr >= 256) /* 256 slips through the kernel's check; 257+ fail */
			l->outside++;
		l->has_active255 |= attr == 255;
		break;
	default:
		l->bad_group++;
	}
}

static void test_model(void)
{
	CHECK(mpic != NULL);
	CHECK(!strcmp(mpic->name, "fsl-mpic"));
	CHECK_EQ(mpic->fd_kind, CHIP_FD_DEVICE);
	CHECK(mpic->device_name && !strcmp(mpic->device_name, "kvm-mpic"));
	CHECK_EQ(mpic->arch, CHIP_ARCH_POWERPC);
}

static void test_reads(void)
{
	struct read_log *l = calloc(1, sizeof(*l));
	size_t n = chip_for_each_read(mpic, log_read, l);

	CHECK_EQ(n, l->n);
	CHECK_EQ(l->forbidden, 0);
	CHECK_EQ(l->misaligned, 0);
	CHECK_EQ(l->outside, 0);
	CHECK_EQ(l->bad_len, 0);
	CHECK_EQ(l->bad_group, 0);
	CHECK_EQ(l->duplicates, 0);
	/* The base address; BRR1, FRR, GCR, VIR, PIR, IPIVPR0-3, SPVR, TFRR,
	 * 4 x 4 timer registers, MSISR, 3 x 256 source and 2 x 32 per-CPU
	 * registers; 256 input latches. */
	CHECK_EQ(l->misc, 1);
	CHECK_EQ(l->regs, 11 + 16 + 1 + 768 + 64);
	CHECK_EQ(l->active, 256);
	CHECK(l->has_frr && l->has_ctpr31 && l->has_ivpr255 && l->has_active255 && l->has_gtccr0);
	free(l);

	/* The registers never read are still in the table, flagged. */
	static const char *const side_effect[] = { "cur_iack", "msir", "cpu_iack" };
	static const char *const write_only[] = { "cur_ipidr", "cur_ctpr", "cur_whoami", "cur_eoi",
						  "msiir", "cpu_ipidr0", "cpu_ipidr3", "cpu_eoi" };
	for (size_t i = 0; i < sizeof(side_effect) / sizeof(side_effect[0]); i++) {
		const struct chip_register *r = chip_register_by_name(mpic, side_effect[i]);

		CHECK(r && (r->flags & CHIP_SIDE_EFFECT) && r->why);
	}
	for (size_t i = 0; i < sizeof(write_only) / sizeof(write_only[0]); i++) {
		const struct chip_register *r = chip_register_by_name(mpic, write_only[i]);

		CHECK(r && (r->flags & CHIP_WRITE_ONLY));
	}
}

/* --- decoding ------------------------------------------------------------- */

/* Store V at a GRP_REGISTER offset as a big-endian host's put_user does. */
static void put_be32(struct chip_state *s, uint64_t off, uint32_t v)
{
	struct chip_read_result *rr = chip_state_find_read(s, CHIP_READ_DEVICE_ATTR, GRP_REGISTER, off);

	if (!rr || rr->len != 4) {
		fprintf(stderr, "FAIL: no 4-byte read at offset 0x%llx\n", (unsigned long long)off);
		exit(1);
	}
	rr->bytes[0] = (uint8_t)(v >> 24);
	rr->bytes[1] = (uint8_t)(v >> 16);
	rr->bytes[2] = (uint8_t)(v >> 8);
	rr->bytes[3] = (uint8_t)v;
	rr->status = 0;
}

#define SRC_IVPR(n) (0x10000 + 0x20 * (n))
#define SRC_IDR(n) (0x10010 + 0x20 * (n))
#define CPU(c, off) (0x20000 + 0x1000 * (c) + (off))

/* Values the real kernel returned in the e500 rig (one vCPU, MPIC v2.0). */
static void test_rig_values(void)
{
	struct chip_state s;
	struct chip_value v;

	CHECK_EQ(chip_state_init(&s, mpic, 1, 0), 0);
	s.big_endian = true;
	put_be32(&s, 0x1000, 0x004f0002);     /* FRR */
	put_be32(&s, 0x0000, 0x00400200);     /* BRR1 */
	put_be32(&s, SRC_IVPR(1), 0x40c50041); /* raised level source, activity set */
	put_be32(&s, SRC_IVPR(2), 0x80000000); /* reset value */
	put_be32(&s, CPU(0, 0x80), 0xf);      /* CTPR reset */
	put_be32(&s, 0x10e0, 0xffff);	       /* SPVR reset */

	CHECK_TEXT(&s, "frr.nirq", "79");
	CHECK_TEXT(&s, "frr.ncpu", "0");
	CHECK_TEXT(&s, "frr.vid", "2");
	CHECK_TEXT(&s, "brr1.ip_id", "0x40");
	CHECK_TEXT(&s, "brr1.major", "2");
	CHECK_TEXT(&s, "brr1.minor", "0");
	CHECK_TEXT(&s, "src_ivpr[1].vector", "0x41");
	CHECK_TEXT(&s, "src_ivpr[1].priority", "5");
	CHECK_TEXT(&s, "src_ivpr[1].sense", "level");
	CHECK_TEXT(&s, "src_ivpr[1].polarity", "active-high");
	CHECK_TEXT(&s, "src_ivpr[1].activity", "yes");
	CHECK_TEXT(&s, "src_ivpr[1].masked", "no");
	CHECK_TEXT(&s, "src_ivpr[1].mode", "directed");
	CHECK_TEXT(&s, "src_ivpr[2].masked", "yes");
	CHECK_TEXT(&s, "src_ivpr[2].activity", "no");
	CHECK_TEXT(&s, "src_ivpr[2].sense", "edge");
	CHECK_TEXT(&s, "src_ivpr[2].vector", "0x0");
	CHECK_TEXT(&s, "cpu_ctpr[0].priority", "15");
	CHECK_TEXT(&s, "spvr.vector", "0xffff");

	/* The same through the generic accessor: host-order values, BE bytes. */
	uint64_t raw = 0;
	CHECK(chip_register_get(&s, chip_register_by_name(mpic, "frr"), 0, &raw));
	CHECK_EQ(raw, 0x004f0002);
	CHECK(chip_register_set(&s, chip_register_by_name(mpic, "src_ivpr"), 3, 0x12345678));
	{
		struct chip_read_result *rr =
			chip_state_find_read(&s, CHIP_READ_DEVICE_ATTR, GRP_REGISTER, SRC_IVPR(3));

		CHECK(rr && rr->bytes[0] == 0x12 && rr->bytes[1] == 0x34 && rr->bytes[2] == 0x56 &&
		      rr->bytes[3] == 0x78);
	}
	/* Read as little-endian the same bytes mean something else. */
	s.big_endian = false;
	CHECK(chip_register_get(&s, chip_register_by_name(mpic, "frr"), 0, &raw));
	CHECK_EQ(raw, 0x02004f00);
	s.big_endian = true;

	/* A register the snapshot did not get stays unknown. */
	CHECK(find_value(&s, "src_ivpr[4].vector", &v));
	CHECK(!v.known);
	/* Side-effect and write-only registers are never decoded. */
	CHECK(!find_value(&s, "cpu_iack[0].vector", &v));
	CHECK(!find_value(&s, "msir[0]", &v));
	CHECK(!find_value(&s, "cur_ctpr.priority", &v));
	chip_state_free(&s);
}

static void test_fields(void)
{
	struct chip_state s;
	struct chip_value v;
	struct chip_read_result *rr;

	CHECK_EQ(chip_state_init(&s, mpic, 1, 0), 0);
	s.big_endian = true;

	/* IDR: v2.0's external-pin and critical bits, and the destinations. */
	put_be32(&s, SRC_IDR(5), 0x40000000);
	put_be32(&s, SRC_IDR(6), 0x80000003);
	CHECK_TEXT(&s, "src_idr[5].critical_cpu0", "yes");
	CHECK_TEXT(&s, "src_idr[5].dest", "0x0");
	CHECK_TEXT(&s, "src_idr[6].ep", "yes");
	CHECK_TEXT(&s, "src_idr[6].dest", "0x3");
	CHECK_TEXT(&s, "src_idr[6].critical_cpu1", "no");

	/* GCR: the mode each version can store. */
	put_be32(&s, 0x1020, 0x20000000);
	CHECK_TEXT(&s, "gcr.mode", "mixed");
	put_be32(&s, 0x1020, 0x60000000);
	CHECK_TEXT(&s, "gcr.mode", "proxy");
	put_be32(&s, 0x1020, 0);
	CHECK_TEXT(&s, "gcr.mode", "pass-through");

	/* ILR: v4.2's output; v2.0 answers all ones. */
	put_be32(&s, 0x10018, 0x1);
	CHECK_TEXT(&s, "src_ilr[0].output", "critical");
	put_be32(&s, 0x10018, 0xffffffff);
	CHECK_TEXT(&s, "src_ilr[0].output", "255");

	/* IPI and timer vector/priority registers; the special IVPR has no sense. */
	put_be32(&s, 0x10c0, 0x000a0099);
	CHECK_TEXT(&s, "ipivpr[2].vector", "0x99");
	CHECK_TEXT(&s, "ipivpr[2].priority", "10");
	CHECK(!find_value(&s, "ipivpr[2].sense", &v));

	/* MSISR: one bit per MSIR bank. */
	put_be32(&s, 0x1720, 0x5);
	CHECK_TEXT(&s, "msisr.banks", "0x5");

	/* Per-CPU: WHOAMI and CTPR of slot 3. */
	put_be32(&s, CPU(3, 0x90), 3);
	put_be32(&s, CPU(3, 0x80), 2);
	CHECK_TEXT(&s, "cpu_whoami[3].cpu", "3");
	CHECK_TEXT(&s, "cpu_ctpr[3].priority", "2");

	/* Base address: 64 bits in group MISC. */
	rr = chip_state_find_read(&s, CHIP_READ_DEVICE_ATTR, GRP_MISC, 0);
	CHECK(rr && rr->len == 8);
	if (rr) {
		static const uint8_t be[8] = { 0, 0, 0, 0xf, 0xe0, 0x04, 0, 0 };

		memcpy(rr->bytes, be, 8);
		rr->status = 0;
	}
	CHECK_TEXT(&s, "base_addr", "0xfe0040000");

	/* The input latches: group IRQ_ACTIVE, attr = source, volatile. */
	rr = chip_state_find_read(&s, CHIP_READ_DEVICE_ATTR, GRP_IRQ_ACTIVE, 17);
	CHECK(rr && rr->len == 4);
	if (rr) {
		rr->bytes[3] = 1;
		rr->status = 0;
	}
	CHECK_TEXT(&s, "irq_active[17]", "0x1");
	CHECK(find_value(&s, "irq_active[17]", &v) && (v.flags & CHIP_VOLATILE) &&
	      chip_value_why(&v));
	CHECK(find_value(&s, "src_ivpr[17].priority", &v) && !(v.flags & CHIP_VOLATILE));
	chip_state_free(&s);
}

/*
 * The timers: a GET at a timer register's documented offset returns the
 * next register of that timer (6.1's openpic_tmr_read). The table is keyed
 * by what a GET returns, so each name reads from the offset that yields it.
 */
static void test_timers(void)
{
	static const struct {
		const char *name;
		unsigned element;
		uint64_t attr;
	} where[] = {
		{ "gtbcr", 0, 0x1100 },	   { "gtbcr", 1, 0x1140 },    { "gtbcr", 3, 0x11c0 },
		{ "gtvpr", 0, 0x1110 },	   { "gtvpr", 2, 0x1190 },    { "gtdr", 0, 0x1120 },
		{ "gtdr", 3, 0x11e0 },	   { "gtccr[0]", 0, 0x11f0 }, { "gtccr[1]", 0, 0x1130 },
		{ "gtccr[2]", 0, 0x1170 }, { "gtccr[3]", 0, 0x11b0 },
	};
	struct chip_state s;
	struct chip_value v;

	CHECK_EQ(chip_state_init(&s, mpic, 1, 0), 0);
	s.big_endian = true;
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		const struct chip_register *r = chip_register_by_name(mpic, where[i].name);
		struct chip_read_result *rr;

		CHECK(r != NULL);
		if (!r)
			continue;
		CHECK(chip_register_set(&s, r, where[i].element, 0x1000 + i));
		rr = chip_state_find_read(&s, CHIP_READ_DEVICE_ATTR, GRP_REGISTER, where[i].attr);
		CHECK(rr && rr->bytes[2] == 0x10 && rr->bytes[3] == i);
	}
	/* Reset values: GTBCR has count inhibit set, GTVPR is masked. */
	put_be32(&s, 0x1140, 0x80000000);
	put_be32(&s, 0x1150, 0x80000000);
	CHECK_TEXT(&s, "gtbcr[1].count_inhibit", "yes");
	CHECK_TEXT(&s, "gtbcr[1].base_count", "0");
	CHECK_TEXT(&s, "gtvpr[1].masked", "yes");
	/* GTCCR is a count: volatile, with the reason. */
	put_be32(&s, 0x11f0, 0);
	CHECK(find_value(&s, "gtccr[0].count", &v));
	CHECK(v.known && (v.flags & CHIP_VOLATILE));
	CHECK(chip_value_why(&v) && strstr(chip_value_why(&v), "never count"));
	/* TFRR is plain storage, not a timer register. */
	put_be32(&s, 0x10f0, 25000000);
	CHECK_TEXT(&s, "tfrr.frequency", "25000000");
	chip_state_free(&s);
}

int main(void)
{
	mpic = chip_model_by_name("fsl-mpic");
	if (!mpic) {
		fprintf(stderr, "FAIL: no fsl-mpic model\n");
		return check_done() | 1;
	}
	test_model();
	test_reads();
	test_rig_values();
	test_fields();
	test_timers();
	return check_done();
}
