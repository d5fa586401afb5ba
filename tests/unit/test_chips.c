// SPDX-License-Identifier: GPL-2.0
/*
 * Chip models: the x86 tables decode bytes laid out as KVM's GET ioctls lay
 * them out, and a lint over every model's table that guards future models.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chip_check.h"
#include "chips/chip.h"
#include "chips/models.h"

/* --- helpers ------------------------------------------------------------ */

/* The read's buffer, marked as a successful read, for filling like the kernel. */
static uint8_t *block(struct chip_state *s, enum chip_read_kind kind, uint64_t attr)
{
	struct chip_read_result *rr = chip_state_find_read(s, kind, 0, attr);

	if (!rr) {
		fprintf(stderr, "FAIL: %s has no read kind %d attr %llu\n", s->model_name, kind,
			(unsigned long long)attr);
		exit(1);
	}
	rr->status = 0;
	return rr->bytes;
}

/* x86 is little-endian: the bytes KVM copies out. */
static void put_le(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void init(struct chip_state *s, const struct chip_model *m)
{
	if (chip_state_init(s, m, 1, 0)) {
		fprintf(stderr, "FAIL: chip_state_init(%s)\n", m->name);
		exit(1);
	}
}

/* --- reads a snapshot performs ------------------------------------------- */

struct reads {
	size_t n;
	enum chip_read_kind kind[8];
	uint64_t attr[8];
	uint32_t len[8];
};

static void collect_read(void *p, enum chip_read_kind kind, uint32_t group, uint64_t attr,
			 uint32_t len)
{
	struct reads *r = p;

	(void)group;
	if (r->n < 8) {
		r->kind[r->n] = kind;
		r->attr[r->n] = attr;
		r->len[r->n] = len;
	}
	r->n++;
}

static void check_one_read(const struct chip_model *m, enum chip_read_kind kind, uint64_t attr,
			   uint32_t len)
{
	struct reads r = { 0 };

	CHECK_EQ(chip_for_each_read(m, collect_read, &r), 1);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.kind[0], kind);
	CHECK_EQ(r.attr[0], attr);
	CHECK_EQ(r.len[0], len);
}

static void test_reads(void)
{
	check_one_read(&chip_model_x86_ioapic, CHIP_READ_IRQCHIP, 2, CHIP_IRQCHIP_BLOCK_SIZE);
	check_one_read(&chip_model_x86_pic_master, CHIP_READ_IRQCHIP, 0, CHIP_IRQCHIP_BLOCK_SIZE);
	check_one_read(&chip_model_x86_pic_slave, CHIP_READ_IRQCHIP, 1, CHIP_IRQCHIP_BLOCK_SIZE);
	check_one_read(&chip_model_x86_lapic, CHIP_READ_LAPIC, 0, CHIP_LAPIC_BLOCK_SIZE);

	CHECK_EQ(chip_model_x86_lapic.fd_kind, CHIP_FD_VCPU);
	CHECK_EQ(chip_model_x86_pic_master.fd_kind, CHIP_FD_VM);
	CHECK_EQ(chip_model_x86_pic_slave.fd_kind, CHIP_FD_VM);
	CHECK(chip_model_by_name("x86-pic-master") == &chip_model_x86_pic_master);
	CHECK(chip_model_by_name("x86-pic-slave") == &chip_model_x86_pic_slave);
	CHECK(chip_model_by_name("x86-lapic") == &chip_model_x86_lapic);
	CHECK(chip_model_by_name("x86-pic") == NULL);
}

/* --- IOAPIC --------------------------------------------------------------- */

static void test_ioapic(void)
{
	struct chip_state s;
	struct chip_value v;
	uint8_t *b;

	init(&s, &chip_model_x86_ioapic);
	b = block(&s, CHIP_READ_IRQCHIP, 2);
	put_le(b + 0, 8, 0xfec00000);
	put_le(b + 12, 4, 0x02000000);		    /* id 2 in bits 27:24 */
	put_le(b + 16, 4, 1u << 3);		    /* pin 3's line is high */
	put_le(b + 24 + 3 * 8, 8, 0x0500000000018031); /* redirtbl[3] */
	put_le(b + 24 + 23 * 8, 8, 0xff00000000002f20); /* redirtbl[23] */

	CHECK_TEXT(&s, "base_address", "0xfec00000");
	CHECK_TEXT(&s, "id.id", "2");
	CHECK_TEXT(&s, "irr", "0x8");
	CHECK_TEXT(&s, "redir[3].vector", "0x31");
	CHECK_TEXT(&s, "redir[3].delivery_mode", "fixed");
	CHECK_TEXT(&s, "redir[3].dest_mode", "physical");
	CHECK_TEXT(&s, "redir[3].polarity", "active-high");
	CHECK_TEXT(&s, "redir[3].trigger", "level");
	CHECK_TEXT(&s, "redir[3].masked", "yes");
	CHECK_TEXT(&s, "redir[3].remote_irr", "no");
	CHECK_TEXT(&s, "redir[3].dest_id", "0x5");
	CHECK_TEXT(&s, "redir[23].vector", "0x20");
	CHECK_TEXT(&s, "redir[23].delivery_mode", "extint");
	CHECK_TEXT(&s, "redir[23].dest_mode", "logical");
	CHECK_TEXT(&s, "redir[23].polarity", "active-low");
	CHECK_TEXT(&s, "redir[23].trigger", "edge");
	CHECK_TEXT(&s, "redir[23].masked", "no");
	CHECK_TEXT(&s, "redir[23].dest_id", "0xff");
	CHECK_TEXT(&s, "redir[0].masked", "no");
	CHECK(!find_value(&s, "redir[24].vector", &v));

	CHECK(find_value(&s, "redir[3].vector", &v));
	CHECK(v.known);
	CHECK_EQ(v.value, 0x31);
	CHECK_EQ(v.element, 3);
	CHECK(find_value(&s, "redir[3].remote_irr", &v));
	CHECK(v.flags & CHIP_READ_ONLY);
	chip_state_free(&s);
}

/* --- PIC ------------------------------------------------------------------ */

static const char *const pic_fields_in_order[16] = {
	"last_irr", "irr", "imr", "isr", "priority_add", "irq_base",
	"read_reg_select", "poll", "special_mask", "init_state", "auto_eoi",
	"rotate_on_auto_eoi", "special_fully_nested_mode", "init4", "elcr", "elcr_mask",
};

/* The registers are struct kvm_pic_state's 16 bytes, in order. */
static void test_pic_layout(const struct chip_model *m, uint64_t chip_id)
{
	struct chip_state s;
	uint8_t *b;

	CHECK_EQ(m->nr_registers, 16);
	init(&s, m);
	b = block(&s, CHIP_READ_IRQCHIP, chip_id);
	for (unsigned i = 0; i < 16; i++)
		b[i] = (uint8_t)(0x10 + i);
	for (unsigned i = 0; i < 16 && i < m->nr_registers; i++) {
		const struct chip_register *r = chip_register_by_name(m, pic_fields_in_order[i]);
		uint64_t raw = 0;

		CHECK(r == &m->registers[i]);
		if (!r)
			continue;
		CHECK_EQ(r->width, 1);
		CHECK_EQ(r->attr, chip_id);
		CHECK(chip_register_get(&s, r, 0, &raw));
		CHECK_EQ(raw, 0x10 + i);
	}
	chip_state_free(&s);
}

static void test_pic(void)
{
	struct chip_state master, slave;
	struct chip_value v;
	uint8_t *b;
	char name[32];

	test_pic_layout(&chip_model_x86_pic_master, 0);
	test_pic_layout(&chip_model_x86_pic_slave, 1);

	/* A booted Linux guest: master vectors 0x30.., cascade on pin 2 unmasked. */
	init(&master, &chip_model_x86_pic_master);
	b = block(&master, CHIP_READ_IRQCHIP, 0);
	b[0] = 0x01;  /* last_irr: the timer line is high */
	b[1] = 0x01;  /* irr */
	b[2] = 0xfb;  /* imr: all masked but the cascade */
	b[3] = 0x04;  /* isr */
	b[4] = 3;     /* priority_add */
	b[5] = 0x30;  /* irq_base */
	b[6] = 1;     /* read_reg_select: ISR */
	b[9] = 3;     /* init_state: ICW4 expected */
	b[10] = 1;    /* auto_eoi */
	b[15] = 0xf8; /* elcr_mask */
	for (unsigned pin = 0; pin < 8; pin++) {
		snprintf(name, sizeof(name), "imr.pin%u", pin);
		CHECK_TEXT(&master, name, pin == 2 ? "no" : "yes");
	}
	CHECK(!find_value(&master, "imr.pin8", &v));
	CHECK_TEXT(&master, "isr.pin2", "yes");
	CHECK_TEXT(&master, "isr.pin1", "no");
	CHECK_TEXT(&master, "priority_add.highest_pin", "3");
	CHECK_TEXT(&master, "irq_base.vector_base", "0x30");
	CHECK_TEXT(&master, "read_reg_select.reads", "isr");
	CHECK_TEXT(&master, "init_state.state", "want-icw4");
	CHECK_TEXT(&master, "auto_eoi.on", "yes");
	CHECK_TEXT(&master, "poll.on", "no");
	CHECK_TEXT(&master, "elcr_mask", "0xf8");
	CHECK_TEXT(&master, "elcr.pin3", "edge");

	/* irr and last_irr follow the device lines: volatile, with the reason. */
	CHECK(find_value(&master, "irr.pin0", &v));
	CHECK(v.flags & CHIP_VOLATILE);
	CHECK(chip_value_why(&v) && strstr(chip_value_why(&v), "line"));
	CHECK(find_value(&master, "last_irr.pin5", &v));
	CHECK(v.flags & CHIP_VOLATILE);
	CHECK(find_value(&master, "imr.pin0", &v));
	CHECK(!(v.flags & CHIP_VOLATILE));
	CHECK(chip_value_why(&v) == NULL);

	/* The slave reads chip id 1 and nothing of the master's block. */
	init(&slave, &chip_model_x86_pic_slave);
	CHECK(chip_state_find_read(&slave, CHIP_READ_IRQCHIP, 0, 0) == NULL);
	CHECK(chip_register_get(&slave, chip_register_by_name(&chip_model_x86_pic_master, "imr"), 0,
				&v.value) == false);
	b = block(&slave, CHIP_READ_IRQCHIP, 1);
	b[0x0e] = 0x0c; /* elcr: IRQ 10 and 11 level-triggered */
	b[0x02] = 0xff;
	CHECK_TEXT(&slave, "elcr.pin2", "level");
	CHECK_TEXT(&slave, "elcr.pin3", "level");
	CHECK_TEXT(&slave, "elcr.pin0", "edge");
	CHECK_TEXT(&slave, "imr.pin2", "yes");
	CHECK_TEXT(&master, "imr.pin2", "no"); /* unchanged by the slave's bytes */
	CHECK_TEXT(&slave, "init_state.state", "ready");
	chip_state_free(&master);
	chip_state_free(&slave);
}

/* --- LAPIC ---------------------------------------------------------------- */

static void test_lapic(void)
{
	struct chip_state s;
	struct chip_value v;
	uint8_t *b;

	init(&s, &chip_model_x86_lapic);
	b = block(&s, CHIP_READ_LAPIC, 0);
	put_le(b + 0x020, 4, 0x03000000); /* xAPIC id 3 */
	put_le(b + 0x030, 4, 0x01050014); /* version 0x14, 6 LVTs, directed EOI */
	put_le(b + 0x080, 4, 0x20);
	put_le(b + 0x0d0, 4, 0x01000000);
	put_le(b + 0x0e0, 4, 0xffffffff);
	put_le(b + 0x0f0, 4, 0x000011ff);
	put_le(b + 0x170, 4, (1u << 12) | (1u << 15)); /* ISR: 0xec, 0xef */
	put_le(b + 0x210, 4, 1u << 17);		       /* IRR: 0x31 */
	put_le(b + 0x300, 4, 0x000c4608);	       /* SIPI to all but self, page 8 */
	put_le(b + 0x310, 4, 0x05000000);
	put_le(b + 0x320, 4, 0x000200ec); /* timer: periodic, vector 0xec */
	put_le(b + 0x350, 4, 0x0000a700); /* LINT0: extint, level, active-low */
	put_le(b + 0x360, 4, 0x00000400); /* LINT1: NMI */
	put_le(b + 0x370, 4, 0x000100fe); /* error: masked */
	put_le(b + 0x380, 4, 1000000);
	put_le(b + 0x390, 4, 123456);
	put_le(b + 0x3e0, 4, 0xb); /* divide by 1 */

	CHECK_TEXT(&s, "id.id", "0x3");
	CHECK_TEXT(&s, "lvr.version", "0x14");
	CHECK_TEXT(&s, "lvr.max_lvt", "5");
	CHECK_TEXT(&s, "lvr.directed_eoi", "yes");
	CHECK_TEXT(&s, "tpr", "0x20");
	CHECK_TEXT(&s, "ldr.logical_id", "0x1");
	CHECK_TEXT(&s, "dfr.model", "flat");
	CHECK_TEXT(&s, "spiv.vector", "0xff");
	CHECK_TEXT(&s, "spiv.enabled", "yes");
	CHECK_TEXT(&s, "spiv.focus_disabled", "no");
	CHECK_TEXT(&s, "spiv.eoi_broadcast_suppression", "yes");
	CHECK_TEXT(&s, "irr[1].vectors", "{0x31}");
	CHECK_TEXT(&s, "irr[0].vectors", "{}");
	CHECK_TEXT(&s, "isr[7].vectors", "{0xec,0xef}");
	CHECK_TEXT(&s, "tmr[7].vectors", "{}");
	CHECK_TEXT(&s, "icr_low.vector", "0x8");
	CHECK_TEXT(&s, "icr_low.delivery_mode", "startup");
	CHECK_TEXT(&s, "icr_low.dest_mode", "physical");
	CHECK_TEXT(&s, "icr_low.level", "yes");
	CHECK_TEXT(&s, "icr_low.trigger", "edge");
	CHECK_TEXT(&s, "icr_low.shorthand", "all-but-self");
	CHECK_TEXT(&s, "icr_high.dest", "0x5");
	CHECK_TEXT(&s, "lvt_timer.vector", "0xec");
	CHECK_TEXT(&s, "lvt_timer.mode", "periodic");
	CHECK_TEXT(&s, "lvt_timer.masked", "no");
	CHECK_TEXT(&s, "lvt_lint0.delivery_mode", "extint");
	CHECK_TEXT(&s, "lvt_lint0.trigger", "level");
	CHECK_TEXT(&s, "lvt_lint0.polarity", "active-low");
	CHECK_TEXT(&s, "lvt_lint1.delivery_mode", "nmi");
	CHECK_TEXT(&s, "lvt_lint1.masked", "no");
	CHECK_TEXT(&s, "lvt_error.vector", "0xfe");
	CHECK_TEXT(&s, "lvt_error.masked", "yes");
	CHECK_TEXT(&s, "lvt_cmci.masked", "no");
	CHECK_TEXT(&s, "tmict.count", "1000000");
	CHECK_TEXT(&s, "tmcct.count", "123456");
	CHECK_TEXT(&s, "tdcr.divisor", "1");

	/* Fields an LVT entry does not have are not decoded. */
	CHECK(!find_value(&s, "lvt_timer.polarity", &v));
	CHECK(!find_value(&s, "lvt_error.delivery_mode", &v));
	CHECK(!find_value(&s, "irr[8].vectors", &v));
	/* EOI is write-only and SELF IPI absent: a snapshot never shows them. */
	CHECK(!find_value(&s, "eoi", &v));
	CHECK(!find_value(&s, "self_ipi", &v));
	CHECK(chip_register_by_name(&chip_model_x86_lapic, "eoi") &&
	      (chip_register_by_name(&chip_model_x86_lapic, "eoi")->flags & CHIP_WRITE_ONLY));

	/* TDCR: bits 0, 1 and 3 pick the divisor; one-shot and TSC-deadline modes. */
	put_le(b + 0x3e0, 4, 0x0);
	CHECK_TEXT(&s, "tdcr.divisor", "2");
	put_le(b + 0x3e0, 4, 0x3);
	CHECK_TEXT(&s, "tdcr.divisor", "16");
	put_le(b + 0x3e0, 4, 0xa);
	CHECK_TEXT(&s, "tdcr.divisor", "128");
	put_le(b + 0x320, 4, 0x000500ef);
	CHECK_TEXT(&s, "lvt_timer.mode", "tsc-deadline");
	CHECK_TEXT(&s, "lvt_timer.masked", "yes");
	put_le(b + 0x320, 4, 0x000000ef);
	CHECK_TEXT(&s, "lvt_timer.mode", "one-shot");
	put_le(b + 0x0e0, 4, 0x0fffffff);
	CHECK_TEXT(&s, "dfr.model", "cluster");

	/* TMCCT moves with the timer; PPR is derived; IRR is neither. */
	CHECK(find_value(&s, "tmcct.count", &v));
	CHECK(v.flags & CHIP_VOLATILE);
	CHECK(chip_value_why(&v) && strstr(chip_value_why(&v), "KVM_GET_LAPIC"));
	CHECK(find_value(&s, "tmict.count", &v));
	CHECK(!(v.flags & CHIP_VOLATILE));
	CHECK(find_value(&s, "ppr", &v));
	CHECK(v.flags & CHIP_READ_ONLY);
	CHECK(find_value(&s, "irr[1].vectors", &v));
	CHECK(!(v.flags & CHIP_VOLATILE));
	CHECK_EQ(v.element, 1);
	CHECK(chip_value_why(&v) == NULL);
	chip_state_free(&s);
}

/* --- generic behaviour on the x86 tables ---------------------------------- */

/* Every element of every readable register keeps what is stored in it. */
static void test_round_trips(void)
{
	size_t n;
	const struct chip_model *const *models = chip_models(&n);

	for (size_t i = 0; i < n; i++) {
		const struct chip_model *m = models[i];
		struct chip_state s;
		unsigned bad = 0;

		init(&s, m);
		for (size_t k = 0; k < m->nr_registers; k++) {
			const struct chip_register *r = &m->registers[k];
			uint64_t mask = r->width >= 8 ? ~0ull : (1ull << (8 * r->width)) - 1;

			/* A snapshot never reads side-effect or write-only registers. */
			if (r->read == CHIP_READ_NONE || (r->flags & (CHIP_WRITE_ONLY | CHIP_SIDE_EFFECT)))
				continue;
			for (unsigned e = 0; e < (r->count ? r->count : 1u); e++) {
				uint64_t want = (0x8877665544332211ull + k * 0x101 + e) & mask, got = 0;

				if (!chip_register_set(&s, r, e, want) ||
				    !chip_register_get(&s, r, e, &got) || got != want)
					bad++;
			}
		}
		CHECK_EQ(bad, 0);
		chip_state_free(&s);
	}
}

/* chip_register_set stores where the kernel would, in the state's byte order. */
static void test_set_bytes(void)
{
	struct chip_state s;
	const struct chip_register *redir = chip_register_by_name(&chip_model_x86_ioapic, "redir");
	const struct chip_register *irr = chip_register_by_name(&chip_model_x86_lapic, "irr");
	uint64_t got = 0;
	uint8_t *b;

	init(&s, &chip_model_x86_lapic);
	CHECK(chip_register_set(&s, irr, 1, 1u << 17));
	b = chip_state_find_read(&s, CHIP_READ_LAPIC, 0, 0)->bytes;
	CHECK_EQ(b[0x212], 0x02);
	CHECK_TEXT(&s, "irr[1].vectors", "{0x31}");
	chip_state_free(&s);

	init(&s, &chip_model_x86_ioapic);
	CHECK(chip_register_set(&s, redir, 3, 0x0500000000018031));
	b = chip_state_find_read(&s, CHIP_READ_IRQCHIP, 0, 2)->bytes;
	CHECK_EQ(b[48], 0x31);
	CHECK_EQ(b[55], 0x05);

	/* A big-endian host's snapshot: most significant byte first. */
	s.big_endian = true;
	CHECK(chip_register_set(&s, redir, 0, 0x0102030405060708));
	CHECK_EQ(b[24], 0x01);
	CHECK_EQ(b[31], 0x08);
	CHECK(chip_register_get(&s, redir, 0, &got));
	CHECK_EQ(got, 0x0102030405060708);
	CHECK_TEXT(&s, "redir[0].vector", "0x8");
	chip_state_free(&s);
}

struct unknown_ctx {
	unsigned values, known, bad;
	int32_t status;
	const char *want;
};

static int unknown_cb(void *p, const struct chip_value *v)
{
	struct unknown_ctx *c = p;
	char buf[128];

	c->values++;
	c->known += v->known;
	chip_value_format(v, buf, sizeof(buf));
	if (v->status != c->status || strcmp(buf, c->want))
		c->bad++;
	return 0;
}

/* A split irqchip answers KVM_GET_IRQCHIP with -ENXIO: every value is unknown. */
static void test_failed_read(void)
{
	struct chip_state s;
	char want[128], fresh[128];
	struct unknown_ctx c = { .status = -ENXIO, .want = want };
	struct unknown_ctx d = { .status = -ENODATA, .want = fresh };
	uint64_t raw = 0;

	snprintf(want, sizeof(want), "?(%s)", strerror(ENXIO));
	snprintf(fresh, sizeof(fresh), "?(%s)", strerror(ENODATA));

	init(&s, &chip_model_x86_ioapic);
	chip_decode(&s, unknown_cb, &d); /* never read: -ENODATA */
	CHECK(d.values > 24);
	CHECK_EQ(d.known, 0);
	CHECK_EQ(d.bad, 0);

	block(&s, CHIP_READ_IRQCHIP, 2)[24] = 0x31;
	chip_state_find_read(&s, CHIP_READ_IRQCHIP, 0, 2)->status = -ENXIO;
	chip_decode(&s, unknown_cb, &c);
	CHECK_EQ(c.values, d.values);
	CHECK_EQ(c.known, 0);
	CHECK_EQ(c.bad, 0);
	CHECK(!chip_register_get(&s, chip_register_by_name(s.model, "redir"), 0, &raw));
	CHECK_TEXT(&s, "redir[0].vector", want);
	chip_state_free(&s);
}

static void test_copy(void)
{
	struct chip_state a, b;
	const struct chip_register *imr = chip_register_by_name(&chip_model_x86_pic_slave, "imr");
	uint64_t v = 0;

	init(&a, &chip_model_x86_pic_slave);
	a.index = 7;
	a.time_ns = 42;
	CHECK(chip_register_set(&a, imr, 0, 0xff));
	CHECK_EQ(chip_state_copy(&b, &a), 0);
	CHECK(b.reads != a.reads);
	CHECK(b.reads[0].bytes != a.reads[0].bytes);
	CHECK_EQ(b.nr_reads, a.nr_reads);
	CHECK_EQ(b.index, 7);
	CHECK_EQ(b.time_ns, 42);
	CHECK(b.model == a.model);

	CHECK(chip_register_set(&b, imr, 0, 0x00));
	CHECK(chip_register_get(&a, imr, 0, &v));
	CHECK_EQ(v, 0xff);
	CHECK_TEXT(&a, "imr.pin4", "yes");
	CHECK_TEXT(&b, "imr.pin4", "no");

	b.reads[0].status = -ENXIO;
	CHECK(chip_register_get(&a, imr, 0, &v));
	chip_state_free(&a);
	CHECK_TEXT(&b, "imr.pin0", "?(No such device or address)");
	chip_state_free(&b);
}

/*
 * A made-up model for the generic paths no x86 table takes: an array as the
 * first register of a block, two chip ids in one model, per-attr reads, a
 * field-level reason, a register never read.
 */
static const struct chip_field synth_fields[] = {
	{ "count", 0, 16, CHIP_FMT_DEC, NULL, CHIP_VOLATILE, "a free-running counter" },
	{ "mode", 16, 1, CHIP_FMT_BOOL },
	{ NULL },
};
static const struct chip_register synth_registers[] = {
	{ "a", 4, 1, 1, CHIP_READ_IRQCHIP, 0, 0, 0 },
	{ "b", 1, 0, 1, CHIP_READ_IRQCHIP, 0, 1, 4 },
	{ "c", 3, 4, 4, CHIP_READ_DEVICE_ATTR, 5, 0x100, 0, 0, NULL, synth_fields },
	{ "iack", 1, 0, 4, CHIP_READ_DEVICE_ATTR, 5, 0x200, 0, CHIP_SIDE_EFFECT, "acknowledges" },
};
static const struct chip_model synth_model = {
	.name = "test-synth",
	.fd_kind = CHIP_FD_DEVICE,
	.device_name = "kvm-test",
	.registers = synth_registers,
	.nr_registers = sizeof(synth_registers) / sizeof(synth_registers[0]),
};

static void test_synthetic(void)
{
	struct reads r = { 0 };
	struct chip_state s;
	struct chip_value v;
	struct chip_read_result *rr;

	CHECK_EQ(chip_for_each_read(&synth_model, collect_read, &r), 5);
	CHECK_EQ(r.attr[0], 0);
	CHECK_EQ(r.attr[1], 1);
	CHECK_EQ(r.kind[2], CHIP_READ_DEVICE_ATTR);
	CHECK_EQ(r.attr[2], 0x100);
	CHECK_EQ(r.attr[4], 0x108);
	CHECK_EQ(r.len[4], 4);

	init(&s, &synth_model);
	CHECK_EQ(s.nr_reads, 5);
	block(&s, CHIP_READ_IRQCHIP, 0)[3] = 0x7e;
	rr = chip_state_find_read(&s, CHIP_READ_DEVICE_ATTR, 5, 0x104);
	CHECK(rr != NULL);
	if (rr) {
		put_le(rr->bytes, 4, 0x10000 | 300);
		rr->status = 0;
	}
	CHECK_TEXT(&s, "a[3]", "0x7e");
	CHECK_TEXT(&s, "c[1].count", "300");
	CHECK_TEXT(&s, "c[1].mode", "yes");
	CHECK_TEXT(&s, "c[0].count", "?(No data available)");
	CHECK(find_value(&s, "c[2].count", &v));
	CHECK(chip_value_why(&v) && !strcmp(chip_value_why(&v), "a free-running counter"));
	CHECK(find_value(&s, "c[2].mode", &v));
	CHECK(chip_value_why(&v) == NULL);
	CHECK(!find_value(&s, "iack", &v));
	chip_state_free(&s);
}

/* --- table lint: every model, so that a new one cannot break the rules ---- */

static uint32_t block_size(enum chip_read_kind kind)
{
	return kind == CHIP_READ_IRQCHIP ? CHIP_IRQCHIP_BLOCK_SIZE
	       : kind == CHIP_READ_LAPIC ? CHIP_LAPIC_BLOCK_SIZE
					 : CHIP_ATTR_MAX_SIZE;
}

static bool lint_field(const struct chip_model *m, const struct chip_register *r,
		       const struct chip_field *f)
{
	bool ok = f->bits > 0 && f->lo + f->bits <= r->width * 8;

	for (const struct chip_field *g = r->fields; g < f; g++)
		ok = ok && strcmp(g->name, f->name);
	if (f->format == CHIP_FMT_ENUM) {
		/* Reads every entry: ASan reports a table shorter than 1 << bits. */
		unsigned bits = f->per_irq ? f->per_irq : f->bits;

		ok = ok && f->names && bits < 16;
		for (unsigned i = 0; ok && i < (1u << bits); i++)
			ok = !f->names[i] || f->names[i][0];
	}
	/* One value per interrupt: the field splits evenly into the register's
	 * interrupts, and the model names them. */
	if (f->per_irq)
		ok = ok && f->bits % f->per_irq == 0 && f->bits / f->per_irq == r->irq_span &&
		     f->per_irq < 64 && f->format != CHIP_FMT_VECTOR_SET;
	if (f->format == CHIP_FMT_VECTOR_SET)
		ok = ok && f->lo == 0 && f->bits == 32;
	if (f->flags & CHIP_VOLATILE)
		ok = ok && f->why;
	if (f->flags & CHIP_WRITE_COMMAND)
		ok = ok && f->command;
	if (!ok)
		fprintf(stderr, "lint: %s %s.%s\n", m->name, r->name, f->name);
	return ok;
}

static bool lint_register(const struct chip_model *m, const struct chip_register *r)
{
	unsigned count = r->count ? r->count : 1;
	bool ok = r->name && (r->width == 1 || r->width == 2 || r->width == 4 || r->width == 8);

	for (const struct chip_register *p = m->registers; p < r; p++)
		ok = ok && strcmp(p->name, r->name);
	if (r->read == CHIP_READ_IRQCHIP || r->read == CHIP_READ_LAPIC) {
		/* chip_for_each_read hands out the group; lookups assume 0. */
		ok = ok && r->group == 0;
		ok = ok && r->offset + (uint64_t)(count - 1) * r->stride + r->width <=
				   block_size(r->read);
		ok = ok && (count == 1 || r->stride >= r->width);
	}
	if (r->read == CHIP_READ_DEVICE_ATTR)
		ok = ok && r->width <= CHIP_ATTR_MAX_SIZE && (count == 1 || r->stride > 0);
	/* Each read goes to the fd its kind belongs to. */
	if (r->read == CHIP_READ_IRQCHIP)
		ok = ok && m->fd_kind == CHIP_FD_VM;
	if (r->read == CHIP_READ_LAPIC)
		ok = ok && m->fd_kind == CHIP_FD_VCPU;
	if (r->read == CHIP_READ_DEVICE_ATTR)
		ok = ok && m->fd_kind == CHIP_FD_DEVICE;
	if (r->flags & (CHIP_VOLATILE | CHIP_SIDE_EFFECT))
		ok = ok && r->why;
	/* A command says what it does; a doorbell has a decoder for its MSIs. */
	if (r->flags & (CHIP_SIDE_EFFECT | CHIP_WRITE_COMMAND))
		ok = ok && r->command;
	if (r->flags & CHIP_MSI_DOORBELL)
		ok = ok && m->msi && (r->flags & CHIP_WRITE_COMMAND);
	/* A device's groups are named, and a SET of a moved register finds it. */
	if (r->read == CHIP_READ_DEVICE_ATTR && m->groups)
		ok = ok && chip_group_name(m, r->group);
	for (unsigned e = 0; ok && (r->flags & CHIP_READ_MOVED) && e < count; e++) {
		unsigned element = ~0u;

		ok = chip_register_written_at(m, r->group, r->write_attr + (uint64_t)e * r->stride,
					      &element) == r && element == e;
	}
	if (!ok)
		fprintf(stderr, "lint: %s %s\n", m->name, r->name ? r->name : "(null)");
	for (const struct chip_field *f = r->fields; ok && f && f->name; f++)
		ok = lint_field(m, r, f);
	return ok;
}

struct names_ctx {
	char (*names)[64];
	size_t n, max;
	unsigned bad;
};

static int names_cb(void *p, const struct chip_value *v)
{
	struct names_ctx *c = p;

	if (strlen(v->name) >= sizeof(v->name) - 1 || c->n == c->max)
		c->bad++; /* truncated names would collide in diff */
	if (c->n < c->max)
		memcpy(c->names[c->n++], v->name, sizeof(v->name));
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Names that occur twice, sorted so that equal ones are neighbours. */
static unsigned duplicate_names(struct names_ctx *c)
{
	unsigned dup = 0;

	qsort(c->names, c->n, sizeof(*c->names), name_cmp);
	for (size_t i = 1; i < c->n; i++)
		dup += !strcmp(c->names[i - 1], c->names[i]);
	return dup;
}

static void test_lint(void)
{
	size_t n;
	const struct chip_model *const *models = chip_models(&n);

	CHECK(n >= 4);
	for (size_t i = 0; i < n; i++) {
		const struct chip_model *m = models[i];
		unsigned bad = 0;
		struct names_ctx c = { .max = 32768 };
		struct chip_state s;

		CHECK(m->name && strlen(m->name) < sizeof(s.model_name));
		CHECK(chip_model_by_name(m->name) == m);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(models[j]->name, m->name));
		CHECK(m->nr_registers > 0);
		CHECK(m->fd_kind != CHIP_FD_DEVICE || m->device_name);
		for (size_t k = 0; k < m->nr_registers; k++)
			bad += !lint_register(m, &m->registers[k]);
		CHECK_EQ(bad, 0);

		/* Decoded names are unique: diff matches values by name. */
		c.names = calloc(c.max, sizeof(*c.names));
		init(&s, m);
		chip_decode(&s, names_cb, &c);
		CHECK(c.n > 0);
		CHECK_EQ(c.n, chip_value_count(m));
		CHECK_EQ(c.bad + duplicate_names(&c), 0);
		chip_state_free(&s);
		free(c.names);
	}
}

/* The format never writes past a short buffer. */
static void test_short_buffer(void)
{
	struct chip_state s;
	struct chip_value v;
	char buf[12];

	init(&s, &chip_model_x86_lapic);
	put_le(block(&s, CHIP_READ_LAPIC, 0) + 0x200, 4, 0xffffffff);
	CHECK(find_value(&s, "irr[0].vectors", &v));
	chip_value_format(&v, buf, sizeof(buf));
	CHECK_EQ(strlen(buf), sizeof(buf) - 1);
	CHECK(!strncmp(buf, "{0x00,0x01,", 11));
	chip_state_free(&s);
}

int main(void)
{
	test_reads();
	test_ioapic();
	test_pic();
	test_lapic();
	test_round_trips();
	test_set_bytes();
	test_failed_read();
	test_copy();
	test_synthetic();
	test_lint();
	test_short_buffer();
	return check_done();
}
