// SPDX-License-Identifier: GPL-2.0
/*
 * Reconstructing an MPIC from a recording (model/reconstruct.c), around the
 * accesses that are commands: after the VMM read two sources' IVPR and IDR
 * (as a key frame does), a GET of IACK, a SET of EOI, an MSI (MSIIR write
 * or KVM_SIGNAL_MSI), a line change (kvm_set_irq) or a source's IRQ_ACTIVE
 * must leave the activity bits unknown (a GET of IRQ_ACTIVE must not), never the stale value, and keep the
 * rest of the IVPR (vector, priority, mask) and the IDR known; a GCR write
 * with RESET must leave nothing known; a GCR write without it changes only
 * GCR. The guest's own IACK read and EOI write (mpic_mmio) forget as the
 * VMM's do. A guest's write of an IVPR gives its vector, priority and mask
 * (never the activity bit), a read makes its value known, a failed access
 * moves nothing; when the recording lacks the MMIO kprobes, a guest access
 * shows the guest ran and what the VMM read is forgotten. The recording is
 * written big-endian, as an e500 host would.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "chips/models.h"
#include "kvmirq/tracefile.h"
#include "model/reconstruct.h"
#include "ppc_recording.h"

#define GRP_REGISTER 2
#define GRP_IRQ_ACTIVE 3
#define SRC_IVPR(n) (0x10000 + 0x20 * (n))
#define SRC_IDR(n) (0x10010 + 0x20 * (n))
#define CPU0_IACK 0x200a0
#define CPU0_EOI 0x200b0
#define GCR 0x1020
#define MSIIR 0x1740

static void attr(struct recorder *r, uint8_t id, uint32_t group, uint64_t at, uint64_t value)
{
	struct payload in = { .big = r->big }, out = { .big = r->big };

	put(&in, 4, 0), put(&in, 4, group), put(&in, 8, at), put(&in, 8, 0x1000);
	if (id == KVMIRQ_IOCTL_SET_DEVICE_ATTR)
		put(&in, 4, value);
	else
		put(&out, 4, value);
	add_ioctl(r, id, KVMIRQ_FD_DEVICE, r->device, "kvm-mpic", 0, &in,
		  id == KVMIRQ_IOCTL_GET_DEVICE_ATTR ? &out : NULL);
}

/* The VMM reads sources 3 and 5 (a key frame would read them all). */
static void read_sources(struct recorder *r)
{
	attr(r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, SRC_IVPR(3), 0x40c50041); /* active */
	attr(r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, SRC_IDR(3), 1);
	attr(r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, SRC_IVPR(5), 0x80030022);
	attr(r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, GCR, 0x20000000);
	/* reading a line's latch moves nothing (a key frame reads all 256) */
	attr(r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_IRQ_ACTIVE, 3, 1);
}

static void set_irq(struct recorder *r, uint32_t gsi, int level)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_set_irq b;
	} rec = { .h = { .timestamp_ns = r->ns += 1000, .kind = KVMIRQ_EV_SET_IRQ,
			 .size = sizeof(rec), .pid = 4242, .tid = 4242, .vm = r->vm,
			 .vcpu_id = KVMIRQ_NO_VCPU },
		  .b = { .gsi = gsi, .level = level } };

	CHECK_EQ(trace_out_add(&r->out, &rec, sizeof(rec)), 0);
}

static void signal_msi(struct recorder *r)
{
	struct payload in = { .big = r->big };

	put(&in, 4, 0xe0041740), put(&in, 4, 0), put(&in, 4, 0x45000000), put(&in, 4, 0);
	put(&in, 4, 0), put_junk(&in, 12);
	add_ioctl(r, KVMIRQ_IOCTL_SIGNAL_MSI, KVMIRQ_FD_VM, r->vm_obj, "", 0, &in, NULL);
}

/* The guest's own access of the MPIC register at OFFSET (kprobes: mpic_mmio). */
static void mmio(struct recorder *r, bool write, uint32_t offset, uint32_t value, int16_t result)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_mpic_mmio b;
	} rec = { .h = { .timestamp_ns = r->ns += 1000, .kind = KVMIRQ_EV_MPIC_MMIO,
			 .size = sizeof(rec), .pid = 4242, .tid = 4243, .vm = r->vm, .vcpu_id = 0 },
		  .b = { .offset = offset, .value = value, .vcpu_id = 0, .result = result,
			 .len = 4, .write = write } };

	CHECK_EQ(trace_out_add(&r->out, &rec, sizeof(rec)), 0);
}

enum step { IACK, EOI, GUEST_IACK, GUEST_EOI, MSIIR_WRITE, SIGNAL_MSI, LINE, IRQ_ACTIVE, GCR_MODE, GCR_RESET, NONE };
static const char *const step_names[] = { "IACK", "EOI", "guest IACK", "guest EOI", "MSIIR", "KVM_SIGNAL_MSI", "kvm_set_irq",
					   "IRQ_ACTIVE", "GCR mode", "GCR RESET", "nothing" };

/* As kvmirq record says its MMIO kprobes attached (or, KPROBES false, not). */
static void describe(struct tracefile_meta *m, bool kprobes)
{
	static const char *const programs[] = { "mpic_read_enter", "mpic_read_exit",
						"mpic_write_enter", "mpic_write_exit" };
	char key[64];

	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", "ppc");
	tracefile_meta_set_string(m, "byte_order", "big");
	tracefile_meta_set_u64(m, "word_size", 4);
	for (size_t i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "program.%s", programs[i]);
		tracefile_meta_set_string(m, key, kprobes ? "attached" : "no function in this kernel");
	}
}

/* Start a big-endian recording at PATH of one VM with an MPIC whose sources
 * the VMM reads first; KPROBES: the guest MMIO programs attached. */
static void open_recording(struct recorder *r, const char *path, bool kprobes)
{
	struct tracefile_meta *m = tracefile_meta_new();

	describe(m, kprobes);
	registry_init(&r->reg);
	r->vm = registry_vm_id(&r->reg, 0x1000, 4242, 1);
	r->vm_obj = registry_object_id(&r->reg, 0x1000, r->vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	r->device = registry_object_id(&r->reg, 0x2000, r->vm, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				       "kvm-mpic");
	CHECK_EQ(trace_out_open(&r->out, path, m, &r->reg, 1), 0);
	tracefile_meta_free(m);
	read_sources(r);
}

static void close_recording(struct recorder *r)
{
	CHECK_EQ(trace_out_close(&r->out, NULL), 0);
	trace_out_free(&r->out);
	registry_free(&r->reg);
}

/* A recording: the reads, then STEP. */
static void record(const char *path, enum step step)
{
	struct recorder r = { .big = true };

	open_recording(&r, path, true);
	switch (step) {
	case IACK: attr(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, CPU0_IACK, 0x41); break;
	case EOI: attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, CPU0_EOI, 0); break;
	case GUEST_IACK: mmio(&r, false, CPU0_IACK, 0x41, 0); break;
	case GUEST_EOI: mmio(&r, true, CPU0_EOI, 0, 0); break;
	case MSIIR_WRITE: attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, MSIIR, 0x45000000); break;
	case SIGNAL_MSI: signal_msi(&r); break;
	case LINE: set_irq(&r, 3, 0); break;
	case IRQ_ACTIVE: attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_IRQ_ACTIVE, 3, 0); break;
	case GCR_MODE: attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, GCR, 0x20000000); break;
	case GCR_RESET: attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, GCR, 0x80000000); break;
	case NONE: break;
	}
	close_recording(&r);
}

struct lookup {
	const char *name;
	bool found, known;
	uint64_t value;
};

static int find(void *ctx, const struct chip_value *v)
{
	struct lookup *l = ctx;

	if (strcmp(v->name, l->name))
		return 0;
	l->found = true;
	l->known = v->known;
	l->value = v->value;
	return 1;
}

/* Is NAME known in the reconstruction R, and with which value? */
static struct lookup value_of(const struct reconstruction *r, const char *name)
{
	struct lookup l = { .name = name };

	for (size_t i = 0; i < r->snap.nr_chips && !l.found; i++)
		if (r->snap.chips[i].model == &chip_model_fsl_mpic)
			chip_decode(&r->snap.chips[i], find, &l);
	return l;
}

static void reconstruct(const char *path, struct reconstruction *r)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	const void *rec;
	size_t len;

	CHECK(t && trace_in_open(t, path) == 0);
	recon_init(r, &t->registry, &t->format);
	r->guest_mmio_recorded = trace_in_guest_mmio_recorded(t);
	while (trace_in_next(t, &rec, &len) > 0)
		recon_apply(r, rec, len);
	/* the registry is the reader's: done with it before the reader goes */
	r->registry = NULL;
	trace_in_close(t);
	free(t);
}

static void expect(const struct reconstruction *r, enum step step, const char *name, bool known,
		   uint64_t value)
{
	struct lookup l = value_of(r, name);

	if (!l.found || l.known != known || (known && l.value != value))
		fprintf(stderr, "after %s: %s found %d known %d value 0x%llx\n", step_names[step],
			name, l.found, l.known, (unsigned long long)l.value);
	CHECK(l.found);
	CHECK_EQ(l.known, known);
	if (known)
		CHECK_EQ(l.value, value);
}

/*
 * The guest programs source 5 and reads source 3's IDR by MMIO after the
 * VMM's reads, with a failed write between; KPROBES: the recording has
 * every guest access.
 */
static void guest_programs(const char *path, bool kprobes)
{
	struct recorder r = { .big = true };
	struct reconstruction rc;
	const char *what = kprobes ? "guest MMIO recorded" : "guest MMIO not recorded";

	open_recording(&r, path, kprobes);
	/* unmasked, priority 9, vector 0x77; the activity bit written is ignored */
	mmio(&r, true, SRC_IVPR(5), 0x40090077, 0);
	mmio(&r, true, SRC_IDR(5), 2, 0);
	mmio(&r, true, SRC_IVPR(3), 0x80000000, -95); /* refused: moves nothing */
	mmio(&r, false, SRC_IDR(3), 1, 0);
	close_recording(&r);

	reconstruct(path, &rc);
	fprintf(stderr, "%s:\n", what);
	expect(&rc, NONE, "src_ivpr[5].vector", true, 0x77);
	expect(&rc, NONE, "src_ivpr[5].priority", true, 9);
	expect(&rc, NONE, "src_ivpr[5].masked", true, 0);
	expect(&rc, NONE, "src_ivpr[5].activity", false, 0);
	expect(&rc, NONE, "src_idr[5].dest", true, 2);
	expect(&rc, NONE, "src_idr[3].dest", true, 1);
	/* what only the VMM read: kept when every guest access is in the recording */
	expect(&rc, NONE, "src_ivpr[3].vector", kprobes, 0x41);
	expect(&rc, NONE, "src_ivpr[3].masked", kprobes, 0);
	expect(&rc, NONE, "gcr.mode", kprobes, 1);
	recon_free(&rc);
}

int main(void)
{
	char path[] = "/tmp/kvmirq-mpic-recon-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	for (enum step step = IACK; step <= NONE; step++) {
		bool moved = step <= IRQ_ACTIVE, reset = step == GCR_RESET;
		struct reconstruction r;

		record(path, step);
		reconstruct(path, &r);
		/* the activity bits: known only when nothing could have moved them */
		expect(&r, step, "src_ivpr[3].activity", !moved && !reset, 1);
		expect(&r, step, "src_ivpr[5].activity", !moved && !reset, 0);
		/* the rest of what the VMM read stays, but for a reset */
		expect(&r, step, "src_ivpr[3].vector", !reset, 0x41);
		expect(&r, step, "src_ivpr[3].priority", !reset, 5);
		expect(&r, step, "src_ivpr[5].masked", !reset, 1);
		expect(&r, step, "src_idr[3].dest", !reset, 1);
		expect(&r, step, "gcr.mode", !reset, 1);
		recon_free(&r);
	}
	guest_programs(path, true);
	guest_programs(path, false);
	unlink(path);
	return check_done();
}
