// SPDX-License-Identifier: GPL-2.0
/*
 * The raw bytes a file keeps in the recording host's byte order decode the
 * same whichever host wrote them. One set of ioctls (an MPIC created and
 * programmed, a line raised, an MSI signalled, an irqfd, a routing table,
 * a vCPU connected, an interrupt queued) is recorded with trace_out twice
 * from a PowerPC e500: once with big-endian payloads (what that host
 * writes), once with the same values little-endian and the header saying
 * so; and a third time big-endian with no byte_order key (a file from
 * before the key: the machine name says it). Report's summary and timeline
 * (text and JSON), the reconstruction, its routing table, show's text and
 * top's replay frame must be the same for all three, with the values
 * written. Then the same for snapshot files with big-endian register bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ppc_recording.h"
#include "chips/models.h"
#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"
#include "model/state_load.h"
#include "report/event_print.h"
#include "report/state_print.h"
#include "report/summary.h"
#include "top/print.h"
#include "top/replay.h"
#include "trace/trace_in.h"
#include "trace/trace_out.h"
#include "util/byte_order.h"

#define MPIC_GRP_MISC 1
#define MPIC_GRP_REGISTER 2
#define SRC_IVPR5 0x100a0      /* source 5's IVPR: register offset = attribute */
#define IVPR_VALUE 0x80c50041  /* masked, priority 5, level, vector 0x41 */
#define BASE_ADDR 0xe0040000ull
#define MSI_ADDRESS 0xe0041740 /* the guest's MSIIR */
#define MSI_DATA 0x45000000    /* MSIIR: SRS 2, IBS 5 -> source 226 */

enum order { BIG, LITTLE, BIG_NO_KEY };

/* The MSI as the x86-only kvm_msi_set_irq event would carry it: fields the
 * batch codec keeps portable, decoded by the recording's platform. */
static void add_msi_event(struct recorder *r)
{
	uint8_t rec[sizeof(struct kvmirq_event_header) + sizeof(struct kvmirq_ev_msi_set_irq)]
		__attribute__((aligned(8))) = { 0 };
	struct kvmirq_event_header *h = (void *)rec;
	struct kvmirq_ev_msi_set_irq *m = (void *)(h + 1);

	h->timestamp_ns = r->ns += 1000;
	h->vm = r->vm;
	h->pid = h->tid = 4242;
	h->vcpu_id = KVMIRQ_NO_VCPU;
	h->kind = KVMIRQ_EV_MSI_SET_IRQ;
	h->size = sizeof(rec);
	m->address = MSI_ADDRESS;
	m->data = MSI_DATA;
	CHECK_EQ(trace_out_add(&r->out, rec, h->size), 0);
}

static struct tracefile_meta *header(enum order order)
{
	struct tracefile_meta *m = tracefile_meta_new();

	if (order == BIG_NO_KEY) { /* what kvmirq wrote before byte_order existed */
		tracefile_meta_set_string(m, "tool", "kvmirq");
		tracefile_meta_set_u64(m, "schema_version", KVMIRQ_SCHEMA_VERSION);
		tracefile_meta_set_u64(m, "batch_format", BATCH_FORMAT);
	} else {
		CHECK_EQ(trace_header_describe_host(m), 0);
		tracefile_meta_set_string(m, "byte_order", order == BIG ? "big" : "little");
		tracefile_meta_set_u64(m, "word_size", 4);
	}
	tracefile_meta_set_string(m, "machine", "ppc");
	return m;
}

static void record(const char *path, enum order order)
{
	struct tracefile_meta *m = header(order);
	struct recorder r = { .big = order != LITTLE };
	struct payload in, out;

	registry_init(&r.reg);
	r.vm = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	r.vm_obj = registry_object_id(&r.reg, 0x1000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	r.device = registry_object_id(&r.reg, 0x2000, r.vm, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				      "kvm-mpic");
	r.vcpu = registry_object_id(&r.reg, 0x3000, r.vm, KVMIRQ_FD_VCPU, 0, "");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);

	/* KVM_CREATE_DEVICE: struct kvm_create_device {type, fd, flags} */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 1), put(&in, 4, 0), put(&in, 4, 0);
	out = (struct payload){ .big = r.big };
	put(&out, 4, 1), put(&out, 4, 7), put(&out, 4, 0);
	add_ioctl(&r, KVMIRQ_IOCTL_CREATE_DEVICE, KVMIRQ_FD_VM, r.vm_obj, "kvm-mpic", 0, &in, &out);
	/* KVM_ENABLE_CAP on the vCPU: KVM_CAP_IRQ_MPIC, args[0] = the MPIC fd, args[1] = cpu 0 */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 90), put(&in, 4, 0), put(&in, 8, 7), put(&in, 8, 0);
	add_ioctl(&r, KVMIRQ_IOCTL_ENABLE_CAP, KVMIRQ_FD_VCPU, r.vcpu, "", 0, &in, NULL);
	/* KVM_SET_DEVICE_ATTR: {flags, group, attr, addr}, then the 8 bytes at addr
	 * (a 32-bit register: its 4 bytes, then whatever followed them) */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 0), put(&in, 4, MPIC_GRP_REGISTER), put(&in, 8, SRC_IVPR5), put(&in, 8, 0x1000);
	put(&in, 4, IVPR_VALUE), put_junk(&in, 4);
	add_ioctl(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-mpic", 0, &in,
		  NULL);
	/* KVM_GET_DEVICE_ATTR of the 64-bit base address */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 0), put(&in, 4, MPIC_GRP_MISC), put(&in, 8, 0), put(&in, 8, 0x1008);
	out = (struct payload){ .big = r.big };
	put(&out, 8, BASE_ADDR);
	add_ioctl(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, r.device, "kvm-mpic", 0, &in,
		  &out);
	/* KVM_SET_GSI_ROUTING: {nr, flags}, then struct kvm_irq_routing_entry each */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 2), put(&in, 4, 0);
	put(&in, 4, 5), put(&in, 4, 1), put(&in, 4, 0), put(&in, 4, 0); /* gsi 5 irqchip */
	put(&in, 4, 0), put(&in, 4, 5), put_junk(&in, 24);		   /* chip 0 pin 5 */
	put(&in, 4, 40), put(&in, 4, 2), put(&in, 4, 0), put(&in, 4, 0); /* gsi 40 msi */
	put(&in, 4, MSI_ADDRESS), put(&in, 4, 0), put(&in, 4, MSI_DATA), put(&in, 4, 0);
	put_junk(&in, 16);
	add_ioctl(&r, KVMIRQ_IOCTL_SET_GSI_ROUTING, KVMIRQ_FD_VM, r.vm_obj, "", 0, &in, NULL);
	/* KVM_IRQFD: {fd, gsi, flags, resamplefd} */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 9), put(&in, 4, 40), put(&in, 4, 0), put(&in, 4, 0), put_junk(&in, 16);
	add_ioctl(&r, KVMIRQ_IOCTL_IRQFD, KVMIRQ_FD_VM, r.vm_obj, "", 0, &in, NULL);
	/* KVM_IRQ_LINE: struct kvm_irq_level {irq, level} */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 5), put(&in, 4, 1);
	add_ioctl(&r, KVMIRQ_IOCTL_IRQ_LINE, KVMIRQ_FD_VM, r.vm_obj, "", 0, &in, NULL);
	/* KVM_SIGNAL_MSI: struct kvm_msi {address_lo, address_hi, data, flags, devid} */
	in = (struct payload){ .big = r.big };
	put(&in, 4, MSI_ADDRESS), put(&in, 4, 0), put(&in, 4, MSI_DATA), put(&in, 4, 0);
	put(&in, 4, 0), put_junk(&in, 12);
	add_ioctl(&r, KVMIRQ_IOCTL_SIGNAL_MSI, KVMIRQ_FD_VM, r.vm_obj, "", 1, &in, NULL);
	add_msi_event(&r);
	/* KVM_INTERRUPT: struct kvm_interrupt {irq}: KVM_INTERRUPT_SET_LEVEL */
	in = (struct payload){ .big = r.big };
	put(&in, 4, 0xfffffffd);
	add_ioctl(&r, KVMIRQ_IOCTL_INTERRUPT, KVMIRQ_FD_VCPU, r.vcpu, "", 0, &in, NULL);

	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);
}

/* What every reader of a recording made of it. */
struct decoded {
	char *timeline, *json, *summary, *summary_json, *state, *top;
	struct snapshot snap;
};

static void decode(const char *path, struct decoded *d)
{
	struct report_text r;
	struct text tst, ttop;
	struct state_time end = { .kind = STATE_AT_END };
	struct state_print_options po = { 0 };
	struct top_print_options to = { .vm = 1 };
	struct top_source src;
	struct top_frame f = { 0 };
	char err[256], warning[256] = "";

	memset(d, 0, sizeof(*d));
	report_text_read(path, &r);
	d->timeline = r.timeline, d->json = r.json;
	d->summary = r.summary, d->summary_json = r.summary_json;

	CHECK_EQ(state_load(path, &end, &d->snap, err, sizeof(err)), 0);
	state_print(&d->snap, &po, text_open(&tst));
	d->state = text_close(&tst);

	CHECK_EQ(top_replay_open(&src, path, warning, sizeof(warning), err, sizeof(err)), 0);
	CHECK(!warning[0]); /* a whole file: nothing it could not read */
	src.ops->set_paused(src.ctx, true);
	src.ops->step(src.ctx, 1000);
	src.ops->refresh(src.ctx, &f);
	top_print_frame(&f, &to, text_open(&ttop));
	d->top = text_close(&ttop);
	top_frame_clear(&f);
	src.ops->close(src.ctx);
}

static void decoded_free(struct decoded *d)
{
	free(d->timeline), free(d->json), free(d->summary), free(d->summary_json);
	free(d->state), free(d->top);
	snapshot_free(&d->snap);
}

/* BIG: the file's payloads are big-endian (the reconstruction keeps their order). */
static void check_values(const struct decoded *d, bool big)
{
	const struct chip_model *mpic = chip_model_by_name("fsl-mpic");
	const struct chip_state *c = NULL;
	const struct vm_routing *r;
	struct route_view v;
	uint64_t value = 0;

	/* the timeline: every payload field in the recording's order */
	CHECK_HAS(d->timeline, "type=1 type_name=fsl-mpic-20 flags=0x0 device_fd=7");
	CHECK_HAS(d->timeline, "cap=90 arg0=0x7 arg1=0x0");
	CHECK_HAS(d->timeline, "group=2 attr=0x100a0 addr=0x1000 value=0x80c50041 group_name=REGISTER "
			       "register=src_ivpr[5] decoded={vector=0x41 priority=5 sense=level "
			       "polarity=active-high mode=directed activity=no masked=yes} = 0");
	CHECK_HAS(d->timeline, "group=1 attr=0x0 addr=0x1008 value=0xe0040000 group_name=MISC "
			       "register=base_addr = 0");
	CHECK_HAS(d->timeline, "nr=2 flags=0x0 entries={{gsi=5 type=irqchip irqchip=0 pin=5} "
			       "{gsi=40 type=msi address_lo=0xe0041740 address_hi=0x0 "
			       "data=0x45000000}}");
	CHECK_HAS(d->timeline, "eventfd=9 gsi=40 flags=0x0 op=assign");
	CHECK_HAS(d->timeline, "KVM_IRQ_LINE(vm fd 5) irq=5 level=1");
	CHECK_HAS(d->timeline, "address_lo=0xe0041740 address_hi=0x0 data=0x45000000 flags=0x0 "
			       "devid=0 msir=2 bit=5 source=226 = 1");
	CHECK_HAS(d->timeline, "msi_set_irq address=0xe0041740 data=0x45000000 msir=2 bit=5 "
			       "source=226");
	CHECK_HAS(d->timeline, "KVM_INTERRUPT(vcpu fd 6) irq=0xfffffffd");
	CHECK_HAS(d->json, "\"fields\":{\"flags\":\"0x0\",\"group\":2,\"attr\":\"0x100a0\"");
	CHECK_HAS(d->json, "\"value\":\"0x80c50041\"");
	CHECK_HAS(d->json, "\"irq\":5,\"level\":1");
	/* the summary */
	CHECK_HAS(d->summary, "group 2   attr 0x100a0");
	CHECK_HAS(d->summary, "group 1   attr 0x0 ");
	CHECK_HAS(d->summary, "addr 0xe0041740 data 0x45000000: msir 2 bit 5 source 226");
	CHECK_HAS(d->summary_json, "\"group\":2,\"attr\":65696");
	/* the reconstruction */
	CHECK(d->snap.byte_order_big == big);
	CHECK_EQ(d->snap.word_size, 4);
	CHECK(!strcmp(d->snap.machine, "ppc"));
	for (size_t i = 0; i < d->snap.nr_chips; i++)
		if (d->snap.chips[i].model == mpic)
			c = &d->snap.chips[i];
	CHECK(c != NULL);
	if (c) {
		CHECK(chip_register_get(c, chip_register_by_name(mpic, "src_ivpr"), 5, &value));
		CHECK_EQ(value, IVPR_VALUE);
		CHECK(chip_register_get(c, chip_register_by_name(mpic, "base_addr"), 0, &value));
		CHECK_EQ(value, BASE_ADDR);
	}
	r = snapshot_find_routing(&d->snap, 1);
	CHECK(r && r->table_known && r->nr_entries == 2 && r->nr_irqfds == 1);
	if (r && r->nr_entries == 2 && r->nr_irqfds == 1) {
		routing_entry_view(r->entries[0], d->snap.byte_order_big, &v);
		CHECK(v.gsi == 5 && v.type == 1 && v.irqchip == 0 && v.pin == 5);
		routing_entry_view(r->entries[1], d->snap.byte_order_big, &v);
		CHECK(v.gsi == 40 && v.type == 2 && v.address_lo == MSI_ADDRESS &&
		      v.address_hi == 0 && v.data == MSI_DATA);
		CHECK(r->irqfds[0].eventfd == 9 && r->irqfds[0].gsi == 40);
	}
	/* show and top: the MPIC's reading of the MSIs */
	CHECK_HAS(d->state, "gsi 5    irqchip 0 pin 5");
	CHECK_HAS(d->state, "gsi 40   msi msir=2 bit=5 source=226");
	CHECK_HAS(d->state, "eventfd 9 -> gsi 40");
	CHECK_HAS(d->top, "ADDRESS    DATA   MSIR BIT  SRC");
	CHECK_HAS(d->top, "0xe0041740 0x45000000    2   5  226");
	CHECK_HAS(d->top, "gsi 40   msi msir=2 bit=5 source=226");
}

static void same(const struct decoded *a, const struct decoded *b)
{
	CHECK(!strcmp(a->timeline, b->timeline));
	CHECK(!strcmp(a->json, b->json));
	CHECK(!strcmp(a->summary, b->summary));
	CHECK(!strcmp(a->summary_json, b->summary_json));
	CHECK(!strcmp(a->state, b->state));
	CHECK(!strcmp(a->top, b->top));
}

static void test_recordings(const char *dir)
{
	char path[4096];
	struct decoded big, little, old;

	/* one path for all three: the frame names its file */
	snprintf(path, sizeof(path), "%s/rec.kvmirq", dir);
	record(path, BIG);
	decode(path, &big);
	record(path, LITTLE);
	decode(path, &little);
	record(path, BIG_NO_KEY);
	decode(path, &old);
	unlink(path);

	check_values(&big, true);
	check_values(&little, false);
	check_values(&old, true);
	same(&big, &little);
	same(&big, &old);
	decoded_free(&big);
	decoded_free(&little);
	decoded_free(&old);
}

/* ---- snapshot files ---- */

/* The header a snapshot file says, and what reading it back makes of it. */
static void rewrite_header(const char *from, const char *to, const char *machine,
			   const char *order)
{
	struct tracefile_reader *r = NULL;
	struct tracefile_writer *w = NULL;
	struct tracefile_meta *m = tracefile_meta_new();
	const void *rec;
	size_t len;

	tracefile_meta_set_string(m, "tool", "kvmirq");
	tracefile_meta_set_string(m, "content", "snapshot");
	tracefile_meta_set_u64(m, "snapshot_format", 1);
	tracefile_meta_set_string(m, "machine", machine);
	if (order)
		tracefile_meta_set_string(m, "byte_order", order);
	CHECK_EQ(tracefile_reader_open_path(&r, from), 0);
	CHECK_EQ(tracefile_writer_open(&w, to, m, NULL), 0);
	while (r && w && tracefile_reader_next_record(r, &rec, &len) == 1)
		CHECK_EQ(tracefile_writer_append_record(w, rec, len), 0);
	CHECK_EQ(tracefile_writer_close(w), 0);
	tracefile_writer_free(w);
	tracefile_reader_free(r);
	tracefile_meta_free(m);
}

static uint64_t ivpr5(const struct snapshot *s)
{
	const struct chip_model *mpic = chip_model_by_name("fsl-mpic");
	uint64_t v = 0;

	CHECK(s->nr_chips == 1 && s->chips[0].model == mpic);
	if (s->nr_chips == 1)
		CHECK(chip_register_get(&s->chips[0], chip_register_by_name(mpic, "src_ivpr"), 5,
					&v));
	return v;
}

static void test_snapshot_files(const char *dir)
{
	const struct chip_model *mpic = chip_model_by_name("fsl-mpic");
	char path[4096], old[4096], err[256];
	uint8_t entry[ROUTE_ENTRY_SIZE] = { 0 };
	struct snapshot s, back;
	struct chip_state *c;
	struct route_view v;
	char text[160];

	snprintf(path, sizeof(path), "%s/ppc.kvmsnap", dir);
	snprintf(old, sizeof(old), "%s/old.kvmsnap", dir);
	/* what the e500 VMM writes: big-endian registers and routes, 32-bit */
	snapshot_init(&s);
	snprintf(s.machine, sizeof(s.machine), "ppc");
	s.byte_order_big = true;
	s.word_size = 4;
	snapshot_add_vm(&s, "1-5");
	c = snapshot_add_chip(&s, mpic, 1, 0);
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(chip_register_set(c, chip_register_by_name(mpic, "src_ivpr"), 5, IVPR_VALUE));
	bytes_store(entry, 4, 40, true), bytes_store(entry + 4, 4, 2, true);
	bytes_store(entry + 16, 4, MSI_ADDRESS, true), bytes_store(entry + 24, 4, MSI_DATA, true);
	CHECK_EQ(routing_set_table(snapshot_routing(&s, 1), entry, 1, 5), 0);
	CHECK_EQ(snapshot_write(&s, path, true, err, sizeof(err)), 0);
	snapshot_free(&s);

	CHECK_EQ(snapshot_read(&back, path, err, sizeof(err)), 0);
	CHECK(back.byte_order_big && back.word_size == 4 && !strcmp(back.machine, "ppc"));
	CHECK_EQ(ivpr5(&back), IVPR_VALUE);
	CHECK(back.nr_routing == 1 && back.routing[0].nr_entries == 1);
	if (back.nr_routing == 1 && back.routing[0].nr_entries == 1) {
		routing_entry_view(back.routing[0].entries[0], back.byte_order_big, &v);
		routing_entry_text(&v, snapshot_platform(&back), text, sizeof(text));
		CHECK(v.gsi == 40 && !strcmp(text, "msi msir=2 bit=5 source=226"));
	}
	snapshot_free(&back);

	/* a file from before the keys: the machine's platform says the order */
	rewrite_header(path, old, "ppc", NULL);
	CHECK_EQ(snapshot_read(&back, old, err, sizeof(err)), 0);
	CHECK(back.byte_order_big && back.word_size == 4);
	CHECK_EQ(ivpr5(&back), IVPR_VALUE);
	snapshot_free(&back);
	/* the key wins over the machine: the same bytes read little-endian */
	rewrite_header(path, old, "ppc", "little");
	CHECK_EQ(snapshot_read(&back, old, err, sizeof(err)), 0);
	CHECK(!back.byte_order_big);
	CHECK_EQ(ivpr5(&back), 0x4100c580);
	snapshot_free(&back);
	unlink(old);
	unlink(path);
}

/* ---- the platform table ---- */

static void test_platforms(void)
{
	static const struct {
		const char *machine, *name;
		bool big;
		unsigned word;
		const struct msi_decoder *msi;
	} rows[] = {
		{ "x86_64", "x86_64", false, 8, &msi_decoder_x86 },
		{ "i686", "i686", false, 4, &msi_decoder_x86 },
		{ "ppc", "ppc", true, 4, &msi_decoder_mpic },
		{ "ppc64", "ppc64", true, 8, &msi_decoder_raw },
		{ "ppc64le", "ppc64le", false, 8, &msi_decoder_raw },
		{ "aarch64", "aarch64", false, 8, &msi_decoder_its },
		{ "s390x", "s390x", true, 8, &msi_decoder_raw },
		{ "mips", "unknown", false, 8, &msi_decoder_raw },
		{ NULL, "unknown", false, 8, &msi_decoder_raw },
	};
	const struct msi_message its = { .address = 0x8090040, .data = 3, .devid = 16,
					 .has_devid = true };
	char buf[96];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct platform *p = platform_by_machine(rows[i].machine);

		CHECK(!strcmp(p->name, rows[i].name));
		CHECK(p->big_endian == rows[i].big && p->word_size == rows[i].word &&
		      p->msi == rows[i].msi);
	}
	msi_decoder_its.route(&its, buf, sizeof(buf));
	CHECK(!strcmp(buf, "device=16 event=3"));
	msi_decoder_x86.route(&(struct msi_message){ .address = 0xfee01000, .data = 0x4041 }, buf,
			      sizeof(buf));
	CHECK(!strcmp(buf, "dest=0x1 vector=0x41 delivery=fixed trigger=edge"));
}

int main(void)
{
	char dir[] = "/tmp/kvmirq-byteorder.XXXXXX";

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_platforms();
	test_recordings(dir);
	test_snapshot_files(dir);
	rmdir(dir);
	return check_done();
}
