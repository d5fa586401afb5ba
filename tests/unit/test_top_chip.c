// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq top's register screen values (src/top/chip_values.c) and their
 * batch print (src/top/chip_print.c) on the e500 MPIC of a big-endian
 * snapshot made in the rig: all 3470 values decoded, a register changed
 * between frames marks exactly that field, once; controllers numbered as
 * the VM's detail numbers them. A GICv3 redistributor's per-interrupt
 * values come one row per interrupt, under their register names.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chips/models.h"
#include "snapshot/snapshot.h"
#include "top/chip_print.h"
#include "top/chip_values.h"
#include "util/byte_order.h"

#define SNAPSHOT "demo/ppc-e500-mpicvmm.kvmsnap"

static const struct chip_register *reg_named(const struct chip_model *m, const char *name)
{
	for (size_t i = 0; i < m->nr_registers; i++)
		if (!strcmp(m->registers[i].name, name))
			return &m->registers[i];
	return NULL;
}

static const struct top_chip_value *value_named(const struct top_chip_values *vals,
						const char *name)
{
	for (size_t i = 0; i < vals->n; i++)
		if (!strcmp(vals->v[i].name, name))
			return &vals->v[i];
	return NULL;
}

static char *printed(const struct top_frame *f, const struct chip_state *c,
		     const struct top_chip_values *vals, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct json j;

	if (json) {
		json_init(&j, out);
		json_object_begin(&j);
		top_chip_print_json(&j, c, 1, vals);
		json_object_end(&j);
	} else {
		top_chip_print_text(f, c, 1, vals, out);
	}
	fclose(out);
	return text;
}

/* vCPU 1's redistributor as KVM_GET_DEVICE_ATTR fills it (little-endian):
 * PPI 27 enabled, pending, priority 0xa0, edge, its line high. */
static void gic_rows(void)
{
	static const struct {
		uint32_t group;
		uint64_t attr;
		uint32_t value;
	} reads[] = {
		{ 5, 0x0000, 0 },	    { 5, 0x10080, 0 },	     { 5, 0x10100, 1u << 27 },
		{ 5, 0x10200, 1u << 27 }, { 5, 0x10300, 0 },	     { 5, 0x10418, 0xa0u << 24 },
		{ 5, 0x10c04, 2u << 22 }, { 5, 0x10d00, 0 },	     { 7, 0, 1u << 27 },
	};
	struct top_frame f = { .time_ns = 2 };
	struct top_chip_values vals = { 0 };
	struct chip_state c;
	size_t row = 0;
	char *text;

	CHECK_EQ(chip_state_init(&c, &chip_model_gicv3_redist, 1, 1), 0);
	c.time_ns = 1;
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		struct chip_read_result *rr = chip_state_find_read(&c, CHIP_READ_DEVICE_ATTR,
								   reads[i].group, reads[i].attr);

		CHECK(rr != NULL);
		if (!rr)
			return;
		bytes_store(rr->bytes, 4, reads[i].value, false);
		rr->status = 0;
	}
	CHECK_EQ(top_chip_values_update(&vals, &c), 0);
	while (row < vals.n && strcmp(vals.v[row].label, "ppi27"))
		row++;
	CHECK(row + 8 <= vals.n);
	if (row + 8 <= vals.n) {
		static const char *const fields[8] = { "group",	   "enabled", "pending",  "active",
						       "priority", "trigger", "modifier", "level" };
		static const char *const names[8] = {
			"igroupr0.ppi27",      "isenabler0.ppi27", "ispendr0.ppi27",  "isactiver0.ppi27",
			"ipriorityr[6].ppi27", "icfgr[1].ppi27",   "igrpmodr0.ppi27", "line_level0.ppi27",
		};

		for (size_t i = 0; i < 8; i++) {
			CHECK(!strcmp(vals.v[row + i].field, fields[i]));
			CHECK(!strcmp(vals.v[row + i].name, names[i]));
			CHECK_EQ(vals.v[row + i].irq, 27);
		}
		CHECK(row + 8 == vals.n || vals.v[row + 8].irq == 28);
	}
	/* the registers of no interrupt first, as they were */
	CHECK(!strcmp(vals.v[0].label, "ctlr") && vals.v[0].irq == -1);
	text = printed(&f, &c, &vals, false);
	CHECK(strstr(text, "Controller [1] GICv3 redistributor of vCPU 1 (arm-gicv3-redist) of VM 1"));
	CHECK(strstr(text, "\n  ppi27          group=0 enabled=yes pending=yes active=no "
			   "priority=0xa0 trigger=edge modifier=0 level=1\n"));
	CHECK(strstr(text, "\n  ctlr           enable_lpis=no rwp=no\n"));
	free(text);
	text = printed(&f, &c, &vals, true);
	CHECK(strstr(text, "\"ispendr0.ppi27\":{\"value\":1,\"text\":\"yes\""));
	free(text);
	top_chip_values_free(&vals);
	chip_state_free(&c);
}

/* A distributor of a VM with 64 interrupts (GICD_TYPER.ITLinesNumber 1):
 * rows for SPIs 32..63 only, before and after GICD_TYPER is known. */
static void gic_rows_sized(void)
{
	struct top_chip_values vals = { 0 };
	struct chip_read_result *typer;
	struct chip_state c;

	CHECK_EQ(chip_state_init(&c, &chip_model_gicv3_dist, 1, 0), 0);
	CHECK_EQ(top_chip_values_update(&vals, &c), 0);
	CHECK_EQ(vals.v[vals.n - 1].irq, 1023); /* not known: every bitmap bit shown */
	typer = chip_state_find_read(&c, CHIP_READ_DEVICE_ATTR, 1, 0x0004);
	CHECK(typer != NULL);
	if (typer) {
		bytes_store(typer->bytes, 4, 1, false);
		typer->status = 0;
	}
	CHECK_EQ(top_chip_values_update(&vals, &c), 0);
	CHECK_EQ(vals.v[vals.n - 1].irq, 63);
	top_chip_values_free(&vals);
	chip_state_free(&c);
}

int main(void)
{
	struct top_chip_values vals = { 0 };
	const struct top_chip_value *v;
	const struct chip_register *ivpr;
	struct top_frame f = { .time_ns = 1 };
	struct snapshot s;
	struct chip_state *c;
	char err[256], *text;
	uint64_t raw;

	if (snapshot_read(&s, SNAPSHOT, err, sizeof(err))) {
		fprintf(stderr, "FAIL %s: %s\n", SNAPSHOT, err);
		return 1;
	}
	CHECK(s.byte_order_big);
	f.state = &s;
	c = (struct chip_state *)top_chip_by_number(&f, 1, 1);
	CHECK(c && !strcmp(c->model_name, "fsl-mpic"));
	CHECK(!top_chip_by_number(&f, 1, 2) && !top_chip_by_number(&f, 2, 1));
	if (!c)
		return check_done();

	/* the first decode: everything, nothing changed */
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	CHECK_EQ(vals.n, 3470);
	CHECK_EQ(vals.unknown, 0);
	CHECK_EQ(vals.changed, 0);
	v = value_named(&vals, "src_ivpr[3].priority");
	CHECK(v && v->known && v->value == 12 && !strcmp(v->text, "12") &&
	      !strcmp(v->label, "src_ivpr[3]") && !strcmp(v->field, "priority"));
	v = value_named(&vals, "src_ivpr[3].vector");
	CHECK(v && !strcmp(v->text, "0x63"));

	/* priority 12 -> 13: that field alone changed, then no more */
	ivpr = reg_named(c->model, "src_ivpr");
	CHECK(ivpr && chip_register_get(c, ivpr, 3, &raw));
	CHECK(ivpr && chip_register_set(c, ivpr, 3, raw ^ 1u << 16));
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	CHECK_EQ(vals.changed, 1);
	v = value_named(&vals, "src_ivpr[3].priority");
	CHECK(v && v->changed && v->value == 13);
	text = printed(&f, c, &vals, false);
	CHECK(strstr(text, "Controller [1] Freescale MPIC (fsl-mpic) of VM 1: read "));
	CHECK(strstr(text, "3470 values, 0 unknown (?), 1 changed since the last frame (*)\n"));
	CHECK(strstr(text, "\n  src_ivpr[3]     vector=0x63 priority=13* sense=edge "));
	CHECK(!strstr(text, "=12*"));
	free(text);
	text = printed(&f, c, &vals, true);
	CHECK(strstr(text, "\"src_ivpr[3].priority\":{\"value\":13,\"text\":\"13\","
			   "\"changed\":true}"));
	CHECK(strstr(text, "\"src_ivpr[3].vector\":{\"value\":99,\"text\":\"0x63\","
			   "\"changed\":false}"));
	CHECK(strstr(text, "\"values\":3470,\"unknown\":0,\"changed\":1,"));
	free(text);
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	CHECK_EQ(vals.changed, 0);

	/* a value the state does not know: "?", and changed (known -> not) */
	CHECK_EQ(chip_state_track_known(c), 0);
	chip_state_set_known(c, value_named(&vals, "src_ivpr[3].priority") - vals.v, false);
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	v = value_named(&vals, "src_ivpr[3].priority");
	CHECK(v && !v->known && v->changed && !strcmp(v->text, "?"));
	CHECK_EQ(vals.unknown, 1);
	text = printed(&f, c, &vals, true);
	CHECK(strstr(text, "\"src_ivpr[3].priority\":{\"value\":null,\"text\":\"?\","
			   "\"changed\":true}"));
	free(text);

	/* known again (read, as a key frame reads it): not marked, news is no change */
	chip_state_set_known(c, value_named(&vals, "src_ivpr[3].priority") - vals.v, true);
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	v = value_named(&vals, "src_ivpr[3].priority");
	CHECK(v && v->known && !v->changed && v->value == 13);
	CHECK_EQ(vals.changed, 0);
	CHECK_EQ(vals.unknown, 0);

	/* after a reset nothing is marked: another controller, another moment */
	top_chip_values_reset(&vals);
	CHECK_EQ(top_chip_values_update(&vals, c), 0);
	CHECK_EQ(vals.changed, 0);
	text = printed(&f, NULL, &vals, false);
	CHECK(!strcmp(text, "Controller [1]: not in the state at this moment\n"));
	free(text);
	text = printed(&f, NULL, &vals, true);
	CHECK(!strcmp(text, "{\"registers\":null}"));
	free(text);

	top_chip_values_free(&vals);
	snapshot_free(&s);
	gic_rows();
	gic_rows_sized();
	return check_done();
}
