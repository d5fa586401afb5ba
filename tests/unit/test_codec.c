// SPDX-License-Identifier: GPL-2.0
/* Event batches, record checks, names and decoders: pure code, no kernel. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "chips/x86_msi.h"
#include "codec/batch.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "util/process_name.h"

struct set_irq_rec {
	struct kvmirq_event_header h;
	struct kvmirq_ev_set_irq b;
};

static struct set_irq_rec make_set_irq(uint64_t ts, uint32_t gsi, int level, uint64_t vm)
{
	struct set_irq_rec r;

	memset(&r, 0, sizeof(r));
	r.h.timestamp_ns = ts;
	r.h.vm = vm;
	r.h.pid = 100;
	r.h.tid = 101;
	r.h.vcpu_id = KVMIRQ_NO_VCPU;
	r.h.kind = KVMIRQ_EV_SET_IRQ;
	r.h.size = sizeof(r);
	r.h.cpu = 1;
	r.b.gsi = gsi;
	r.b.level = level;
	r.b.irq_source_id = 0;
	return r;
}

/* An ioctl record with an input and output payload. */
static size_t make_ioctl(uint8_t *buf, uint64_t ts)
{
	struct kvmirq_event_header *h = (void *)buf;
	struct kvmirq_ev_ioctl *io = (void *)(h + 1);
	uint8_t *payload = (uint8_t *)(io + 1);

	memset(buf, 0, KVMIRQ_RECORD_MAX);
	h->timestamp_ns = ts;
	h->vm = 1;
	h->pid = 100;
	h->tid = 102;
	h->vcpu_id = 0;
	h->kind = KVMIRQ_EV_IOCTL;
	h->cpu = 0;
	h->flags = KVMIRQ_F_PAYLOAD_TRUNCATED;
	io->cmd = 0xc008ae67;
	io->fd = 5;
	io->ioctl_id = KVMIRQ_IOCTL_IRQ_LINE_STATUS;
	io->fd_kind = KVMIRQ_FD_VM;
	io->strategy = KVMIRQ_STRATEGY_SYSCALL;
	io->in_total = 8;
	io->ret = -22;
	io->arg = 0x7ffd12345678ull;
	io->object = 3;
	io->duration_ns = 1234;
	strcpy(io->device_name, "kvm-vfio");
	io->in_len = 8;
	io->out_len = 8;
	for (int i = 0; i < 16; i++)
		payload[i] = (uint8_t)(i * 17);
	h->size = sizeof(*h) + sizeof(*io) + 16;
	return h->size;
}

static void test_batch_round_trip(void)
{
	struct batch_encoder e;
	struct batch_decoder d;
	uint8_t ioctl_rec[KVMIRQ_RECORD_MAX], out[KVMIRQ_RECORD_MAX];
	size_t ioctl_len = make_ioctl(ioctl_rec, 5000), n, blen;
	struct set_irq_rec recs[100];
	const uint8_t *batch;

	batch_encoder_init(&e, 1); /* nanoseconds: exact */
	for (int i = 0; i < 100; i++) {
		/* timestamps step back now and then, as across CPUs */
		recs[i] = make_set_irq(1000000 + (uint64_t)i * 50 - (i % 7 == 3 ? 120 : 0), 4,
				       i & 1, i < 50 ? 1 : 2);
		CHECK_EQ(batch_encoder_add(&e, &recs[i], sizeof(recs[i])), 0);
	}
	CHECK_EQ(batch_encoder_add(&e, ioctl_rec, ioctl_len), 0);
	CHECK_EQ(batch_encoder_finish(&e, &batch, &blen), 0);
	/* repetitive events must encode small: the file-size target depends on it */
	CHECK(blen < 100 * 7 + 100);

	CHECK_EQ(batch_decoder_init(&d, batch, blen), 0);
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(batch_decoder_next(&d, out, &n), 1);
		CHECK_EQ(n, sizeof(recs[i]));
		CHECK(!memcmp(out, &recs[i], sizeof(recs[i])));
	}
	CHECK_EQ(batch_decoder_next(&d, out, &n), 1);
	CHECK_EQ(n, ioctl_len);
	CHECK(!memcmp(out, ioctl_rec, ioctl_len));
	CHECK_EQ(batch_decoder_next(&d, out, &n), 0);

	/* every truncation of the batch fails cleanly or ends early, never overruns */
	for (size_t cut = 1; cut < blen; cut++) {
		int ret = 1;

		if (batch_decoder_init(&d, batch, cut))
			continue;
		while (ret == 1)
			ret = batch_decoder_next(&d, out, &n);
		CHECK(ret == 0 || ret == -EBADMSG);
	}
	batch_encoder_free(&e);
}

/* Stored in microseconds: times and durations come back floored to the unit. */
static void test_batch_time_unit(void)
{
	struct batch_encoder e;
	struct batch_decoder d;
	uint8_t rec[KVMIRQ_RECORD_MAX], out[KVMIRQ_RECORD_MAX];
	struct set_irq_rec a = make_set_irq(1234567, 4, 1, 1), b = make_set_irq(1239999, 4, 0, 1);
	size_t len = make_ioctl(rec, 2345678), n, blen;
	const struct kvmirq_event_header *h = (const void *)out;
	const uint8_t *batch;

	batch_encoder_init(&e, 1000);
	CHECK_EQ(batch_encoder_add(&e, &a, sizeof(a)), 0);
	CHECK_EQ(batch_encoder_add(&e, &b, sizeof(b)), 0);
	CHECK_EQ(batch_encoder_add(&e, rec, len), 0);
	CHECK_EQ(batch_encoder_finish(&e, &batch, &blen), 0);
	CHECK_EQ(batch_decoder_init(&d, batch, blen), 0);
	CHECK_EQ(d.time_unit_ns, 1000);
	CHECK_EQ(batch_decoder_next(&d, out, &n), 1);
	CHECK_EQ(h->timestamp_ns, 1234000);
	CHECK_EQ(batch_decoder_next(&d, out, &n), 1);
	CHECK_EQ(h->timestamp_ns, 1239000);
	CHECK_EQ(batch_decoder_next(&d, out, &n), 1);
	CHECK_EQ(h->timestamp_ns, 2345000);
	CHECK_EQ(((const struct kvmirq_ev_ioctl *)(h + 1))->duration_ns, 1000); /* 1234 ns */
	CHECK(!memcmp(((const struct kvmirq_ev_ioctl *)(h + 1)) + 1,
		      ((const struct kvmirq_ev_ioctl *)(rec + sizeof(*h))) + 1, 16));
	CHECK_EQ(batch_decoder_next(&d, out, &n), 0);
	batch_encoder_free(&e);
}

static void test_batch_rejects_garbage(void)
{
	static const uint8_t bad_format[] = { 9, 1, 0 };
	/* unit 1, one event, streams of 1, 1, 1, 0, 0, 0 bytes: kind 200 */
	static const uint8_t bad_kind[] = { BATCH_FORMAT, 1, 1, 1, 1, 1, 0, 0, 0, 200, 0, 0 };
	static const uint8_t bad_lengths[] = { BATCH_FORMAT, 1, 1, 1, 1, 1, 0, 0, 9, 200, 0, 0 };
	static const uint8_t zero_unit[] = { BATCH_FORMAT, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t out[KVMIRQ_RECORD_MAX];
	struct batch_decoder d;
	size_t n;

	CHECK_EQ(batch_decoder_init(&d, bad_format, sizeof(bad_format)), -EBADMSG);
	CHECK_EQ(batch_decoder_init(&d, bad_kind, sizeof(bad_kind)), 0);
	CHECK_EQ(batch_decoder_next(&d, out, &n), -EBADMSG);
	CHECK(strstr(d.error, "unknown event kind") != NULL);
	CHECK_EQ(batch_decoder_init(&d, bad_lengths, sizeof(bad_lengths)), -EBADMSG);
	CHECK_EQ(batch_decoder_init(&d, zero_unit, sizeof(zero_unit)), -EBADMSG);
}

static void test_record_check(void)
{
	uint8_t rec[KVMIRQ_RECORD_MAX];
	size_t len = make_ioctl(rec, 1);
	struct kvmirq_event_header *h = (void *)rec;
	struct kvmirq_ev_ioctl *io = (void *)(h + 1);
	char err[160];

	CHECK_EQ(event_record_check(rec, len, err, sizeof(err)), 0);
	CHECK_EQ(event_record_check(rec, 10, err, sizeof(err)), -EBADMSG);
	io->out_len = 3000; /* payload larger than the record */
	CHECK_EQ(event_record_check(rec, len, err, sizeof(err)), -EBADMSG);
	io->out_len = 8;
	h->kind = 99;
	CHECK_EQ(event_record_check(rec, len, err, sizeof(err)), -EBADMSG);
}

static void test_names(void)
{
	CHECK(!strcmp(event_kind_name(KVMIRQ_EV_SET_IRQ), "set_irq"));
	CHECK_EQ(event_kind_from_name("kvm_msi_set_irq"), KVMIRQ_EV_MSI_SET_IRQ);
	CHECK_EQ(ioctl_id_from_name("signal_msi"), KVMIRQ_IOCTL_SIGNAL_MSI);
	CHECK_EQ(ioctl_id_from_name("KVM_SET_GSI_ROUTING"), KVMIRQ_IOCTL_SET_GSI_ROUTING);
	CHECK_EQ(event_kind_from_name("nonsense"), -1);
	/* every kind with a layout has a name, and the reverse */
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		CHECK((event_layout(k) != NULL) == (strcmp(event_kind_name(k), "?") != 0));
}

static void test_msi_decode(void)
{
	struct x86_msi m;

	/* dest 0x12 physical, vector 0x31, fixed, edge; address_hi carries dest 31:8 */
	x86_msi_decode(0x00000100fee12000ull, 0x0031, &m);
	CHECK_EQ(m.dest_id, 0x112);
	CHECK_EQ(m.vector, 0x31);
	CHECK_EQ(m.dest_logical, 0);
	CHECK_EQ(m.delivery_mode, 0);
	/* logical, lowest priority, level, extended destination id 5 */
	x86_msi_decode(0xfee000a4ull, 0xc141, &m);
	CHECK_EQ(m.dest_logical, 1);
	CHECK_EQ(m.delivery_mode, 1);
	CHECK_EQ(m.level_trigger, 1);
	CHECK_EQ(m.ext_dest_id, 5);
	CHECK_EQ(m.vector, 0x41);
}

static void test_process_names(void)
{
	static const char qemu[] = "qemu-system-x86_64\0-name\0guest=web1,debug-threads=on\0-m\0" "512";
	static const char other[] = "/usr/bin/testvmm\0--storm\0" "100";
	char name[64];

	process_name_from_cmdline(qemu, sizeof(qemu), name, sizeof(name));
	CHECK(!strcmp(name, "web1"));
	process_name_from_cmdline(other, sizeof(other), name, sizeof(name));
	CHECK(!strcmp(name, "testvmm --storm 100"));
}

int main(void)
{
	test_batch_round_trip();
	test_batch_time_unit();
	test_batch_rejects_garbage();
	test_record_check();
	test_names();
	test_msi_decode();
	test_process_names();
	return check_done();
}
