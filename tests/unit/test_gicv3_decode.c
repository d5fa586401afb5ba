// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 interrupt traffic decoded by the platform row, never by the host:
 * a recording written as an aarch64 host writes it (trace_out, machine
 * "aarch64", little-endian, 8-byte words) holds KVM_IRQ_LINE of an SPI, a
 * PPI, a CPU input and a PPI of a vCPU past 255 (the vcpu2 bits), the
 * kvm_irq_line, vgic_update_irq_pending and kvm_timer_update_irq events,
 * a level SPI's EOI (kvm_ack_irq: GIC pin 9 is SPI 41), KVM_SIGNAL_MSI with a
 * device id, a routing table with an ITS MSI, and device attributes of the
 * GICv3's distributor, a redistributor (vCPU 17 by its MPIDR), a CPU
 * interface register, the ITS and NR_IRQS (a __u32 value). The timeline (text and JSON), the
 * summary and top's line rows must name each as the kernel splits it. The
 * same bytes recorded as machine "x86_64" read KVM_IRQ_LINE's irq as a GSI.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "chips/arm_irq.h"
#include "kvmirq/tracefile.h"
#include "ppc_recording.h"
#include "snapshot/routing.h"
#include "top/replay_counts.h"
#include "util/kv.h"

#define GRP_DIST 1
#define GRP_NR_IRQS 3
#define GRP_CTRL 4
#define GRP_REDIST 5
#define GRP_SYSREGS 6
#define GRP_ITS 8
#define MPIDR_VCPU17 (0x0101ull << 32) /* Aff1 1, Aff0 1: vcpu_id 17 as KVM sets it */

#define IRQ_SPI40 0x01000028u		     /* type SPI, number 40 */
#define IRQ_PPI27_VCPU1 0x0201001bu	     /* type PPI, vCPU 1, number 27 */
#define IRQ_CPU_VCPU0 0x00000000u	     /* type CPU, IRQ */
#define IRQ_PPI30_VCPU300 0x122c001eu /* vcpu2 1, vCPU 44: 300; type PPI, 30 */

static void irq_line(struct recorder *r, uint32_t irq, uint32_t level)
{
	struct payload in = { .big = r->big };

	put(&in, 4, irq), put(&in, 4, level);
	add_ioctl(r, KVMIRQ_IOCTL_IRQ_LINE, KVMIRQ_FD_VM, r->vm_obj, "", 0, &in, NULL);
}

static void attr(struct recorder *r, const char *device, uint32_t object, uint8_t id,
		 uint32_t group, uint64_t at, unsigned width, uint64_t value)
{
	struct payload in = { .big = r->big }, out = { .big = r->big };
	bool set = id == KVMIRQ_IOCTL_SET_DEVICE_ATTR;

	put(&in, 4, 0), put(&in, 4, group), put(&in, 8, at), put(&in, 8, 0x1000);
	if (set)
		put(&in, width, value);
	else
		put(&out, width, value);
	add_ioctl(r, id, KVMIRQ_FD_DEVICE, object, device, 0, &in, set ? NULL : &out);
}

/* A fixed-size delivery event as the BPF programs emit it. */
static void event(struct recorder *r, uint16_t kind, const void *body, size_t size)
{
	uint8_t rec[sizeof(struct kvmirq_event_header) + 64] __attribute__((aligned(8))) = { 0 };
	struct kvmirq_event_header *h = (void *)rec;

	h->timestamp_ns = r->ns += 1000;
	h->vm = r->vm;
	h->pid = h->tid = 4242;
	h->vcpu_id = KVMIRQ_NO_VCPU;
	h->kind = kind;
	h->size = (uint16_t)(sizeof(*h) + size);
	memcpy(h + 1, body, size);
	CHECK_EQ(trace_out_add(&r->out, rec, h->size), 0);
}

static void record(const char *path, const char *machine)
{
	struct tracefile_meta *m = tracefile_meta_new();
	struct recorder r = { .big = false };
	struct payload in = { .big = false };
	struct kvmirq_ev_arm_irq_line line = { .type = 2, .vcpu_idx = 1, .irq_num = 27, .level = 1 };
	struct kvmirq_ev_vgic_update_pending pending = { .vcpu_id = 0, .irq = 40, .level = 1 };
	struct kvmirq_ev_arm_timer_update timer = { .vcpu_id = 2, .irq = 27, .level = 1 };
	struct kvmirq_ev_ack_irq ack = { .irqchip = 0, .pin = 9 };
	uint32_t gic, its;

	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", machine);
	tracefile_meta_set_string(m, "byte_order", "little");
	tracefile_meta_set_u64(m, "word_size", 8);
	registry_init(&r.reg);
	r.vm = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	r.vm_obj = registry_object_id(&r.reg, 0x1000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	gic = registry_object_id(&r.reg, 0x2000, r.vm, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				 "kvm-arm-vgic-v3");
	its = registry_object_id(&r.reg, 0x3000, r.vm, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				 "kvm-arm-vgic-its");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);

	irq_line(&r, IRQ_SPI40, 1);
	irq_line(&r, IRQ_PPI27_VCPU1, 1);
	irq_line(&r, IRQ_CPU_VCPU0, 0);
	irq_line(&r, IRQ_PPI30_VCPU300, 1);
	event(&r, KVMIRQ_EV_ARM_IRQ_LINE, &line, sizeof(line));
	line = (struct kvmirq_ev_arm_irq_line){ .type = 1, .vcpu_idx = 0, .irq_num = 40 };
	event(&r, KVMIRQ_EV_ARM_IRQ_LINE, &line, sizeof(line));
	event(&r, KVMIRQ_EV_VGIC_UPDATE_PENDING, &pending, sizeof(pending));
	pending = (struct kvmirq_ev_vgic_update_pending){ .vcpu_id = 3, .irq = 27, .level = 1 };
	event(&r, KVMIRQ_EV_VGIC_UPDATE_PENDING, &pending, sizeof(pending));
	event(&r, KVMIRQ_EV_ARM_TIMER_UPDATE, &timer, sizeof(timer));
	event(&r, KVMIRQ_EV_ACK_IRQ, &ack, sizeof(ack));

	/* KVM_SIGNAL_MSI: {address_lo, address_hi, data, flags KVM_MSI_VALID_DEVID, devid} */
	put(&in, 4, 0x08090040), put(&in, 4, 0), put(&in, 4, 3), put(&in, 4, 1), put(&in, 4, 7);
	put_junk(&in, 12);
	add_ioctl(&r, KVMIRQ_IOCTL_SIGNAL_MSI, KVMIRQ_FD_VM, r.vm_obj, "", 1, &in, NULL);
	/* KVM_SET_GSI_ROUTING: one MSI route with a device id */
	in.len = 0;
	put(&in, 4, 1), put(&in, 4, 0);
	put(&in, 4, 5), put(&in, 4, 2), put(&in, 4, 1), put(&in, 4, 0); /* gsi 5, MSI, devid */
	put(&in, 4, 0x08090040), put(&in, 4, 0), put(&in, 4, 9), put(&in, 4, 0x10);
	put(&in, 8, 0), put(&in, 8, 0);
	add_ioctl(&r, KVMIRQ_IOCTL_SET_GSI_ROUTING, KVMIRQ_FD_VM, r.vm_obj, "", 0, &in, NULL);

	/* NR_IRQS: a __u32 at addr; the capture took the 8 bytes there */
	in.len = 0;
	put(&in, 4, 0), put(&in, 4, GRP_NR_IRQS), put(&in, 8, 0), put(&in, 8, 0x1000);
	put(&in, 4, 128), put_junk(&in, 4);
	add_ioctl(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, KVMIRQ_FD_DEVICE, gic, "kvm-arm-vgic-v3", 0,
		  &in, NULL);
	/* GICD_ISPENDR1 (SPI 40 pending), with an MPIDR the distributor ignores */
	attr(&r, "kvm-arm-vgic-v3", gic, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_DIST,
	     MPIDR_VCPU17 | 0x204, 4, 1u << 8);
	/* GICD_IPRIORITYR10: four interrupts' priorities in one access, each named */
	attr(&r, "kvm-arm-vgic-v3", gic, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_DIST, 0x428, 4,
	     0x10305078);
	/* GICR_ISPENDR0 of vCPU 17: PPI 27 */
	attr(&r, "kvm-arm-vgic-v3", gic, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REDIST,
	     MPIDR_VCPU17 | 0x10200, 4, 1u << 27);
	/* ICC_PMR_EL1 of vCPU 17 */
	attr(&r, "kvm-arm-vgic-v3", gic, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_SYSREGS,
	     MPIDR_VCPU17 | 0xc230, 8, 0xf0);
	/* GITS_BASER0: a valid device table */
	attr(&r, "kvm-arm-vgic-its", its, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_ITS, 0x100, 8,
	     0x8107000040000000ull);
	attr(&r, "kvm-arm-vgic-its", its, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_CTRL, 1, 8, 0);

	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);
}

static void check_arm_timeline(const char *t)
{
	CHECK_HAS(t, "KVM_IRQ_LINE(vm fd 5) irq=0x1000028 type=spi intid=40 line=SPI 40 "
		     "level=1 = 0\n");
	CHECK_HAS(t, "KVM_IRQ_LINE(vm fd 5) irq=0x201001b type=ppi vcpu=1 intid=27 "
		     "line=PPI 27 on vCPU 1 level=1 = 0\n");
	CHECK_HAS(t, "KVM_IRQ_LINE(vm fd 5) irq=0x0 type=cpu vcpu=0 cpu_input=irq "
		     "line=CPU IRQ on vCPU 0 level=0 = 0\n");
	CHECK_HAS(t, "irq=0x122c001e type=ppi vcpu=300 intid=30 line=PPI 30 on vCPU 300 "
		     "level=1 = 0\n");
	CHECK_HAS(t, "irq_line type=2 vcpu_idx=1 irq_num=27 level=1 line=PPI 27 on vCPU 1\n");
	CHECK_HAS(t, "irq_line type=1 vcpu_idx=0 irq_num=40 level=0 line=SPI 40\n");
	CHECK_HAS(t, "vgic_update_irq_pending vcpu_id=0 irq=40 level=1 class=spi line=SPI 40\n");
	CHECK_HAS(t, "vgic_update_irq_pending vcpu_id=3 irq=27 level=1 class=ppi "
		     "line=PPI 27 on vCPU 3\n");
	CHECK_HAS(t, "ack_irq irqchip=0 pin=9 line=SPI 41\n");
	CHECK_HAS(t, "timer_update_irq vcpu_id=2 irq=27 level=1 class=ppi line=PPI 27 on vCPU 2\n");
	CHECK_HAS(t, "KVM_SIGNAL_MSI(vm fd 5) address_lo=0x8090040 address_hi=0x0 data=0x3 "
		     "flags=0x1 devid=7 device=7 event=3 = 1\n");
	CHECK_HAS(t, "entries={{gsi=5 type=msi address_lo=0x8090040 address_hi=0x0 data=0x9 "
		     "devid=16 flags=0x1}}");
	CHECK_HAS(t, "group=1 attr=0x10100000204 addr=0x1000 value=0x100 group_name=DIST_REGS "
		     "register=ispendr[1] decoded={spi40=yes} = 0\n");
	CHECK_HAS(t, "group=3 attr=0x0 addr=0x1000 value=0x80 group_name=NR_IRQS = 0\n");
	CHECK_HAS(t, "register=ipriorityr[10] decoded={spi40=0x78 spi41=0x50 spi42=0x30 "
		     "spi43=0x10} = 0\n");
	CHECK_HAS(t, "group=5 attr=0x10100010200 addr=0x1000 value=0x8000000 "
		     "group_name=REDIST_REGS register=ispendr0 decoded={ppi27=yes} = 0\n");
	CHECK_HAS(t, "group=6 attr=0x1010000c230 addr=0x1000 value=0xf0 group_name=CPU_SYSREGS "
		     "register=pmr decoded={priority=0xf0} = 0\n");
	CHECK_HAS(t, "group=8 attr=0x100 addr=0x1000 value=0x8107000040000000 "
		     "group_name=ITS_REGS register=baser[0] decoded={size=0 page_size=0 "
		     "shareability=0 pa=0x40000 entry_size=7 outer_cache=0 type=devices "
		     "inner_cache=0 indirect=no valid=yes} = 0\n");
	CHECK_HAS(t, "group=4 attr=0x1 addr=0x1000 value=0x0 group_name=CTRL "
		     "register=ctrl_save_tables command=save-tables = 0\n");
}

static void check_arm_json(const char *j)
{
	CHECK_HAS(j, "\"fields\":{\"irq\":\"0x1000028\",\"type\":\"spi\",\"intid\":40,"
		     "\"line\":\"SPI 40\",\"level\":1}");
	CHECK_HAS(j, "\"fields\":{\"irq\":\"0x201001b\",\"type\":\"ppi\",\"vcpu\":1,\"intid\":27,"
		     "\"line\":\"PPI 27 on vCPU 1\",\"level\":1}");
	CHECK_HAS(j, "\"type\":\"cpu\",\"vcpu\":0,\"cpu_input\":\"irq\","
		     "\"line\":\"CPU IRQ on vCPU 0\"");
	CHECK_HAS(j, "\"irq_num\":27,\"level\":1,\"line\":\"PPI 27 on vCPU 1\"}");
	CHECK_HAS(j, "\"irq\":40,\"level\":1,\"class\":\"spi\",\"line\":\"SPI 40\"}");
	CHECK_HAS(j, "\"kind\":\"timer_update_irq\"");
	CHECK_HAS(j, "\"irq\":27,\"level\":1,\"class\":\"ppi\",\"line\":\"PPI 27 on vCPU 2\"}");
	CHECK_HAS(j, "\"devid\":7,\"device\":7,\"event\":3}");
	CHECK_HAS(j, "\"group_name\":\"REDIST_REGS\",\"register\":\"ispendr0\","
		     "\"decoded\":{\"ppi27\":true}}");
}

static void check_arm_summary(const char *s, const char *j)
{
	CHECK_HAS(s, "  lines (kvm_irq_line):\n");
	CHECK_HAS(s, "    PPI 27 on vCPU 1              1 changes (1 raised, 0 lowered)");
	CHECK_HAS(s, "    SPI 40                        1 changes (0 raised, 1 lowered)");
	CHECK_HAS(s, "DIST_REGS ispendr[1]\n");
	CHECK_HAS(s, "REDIST_REGS ispendr0\n");
	CHECK_HAS(s, "CPU_SYSREGS pmr\n");
	CHECK_HAS(s, "ITS_REGS baser[0]\n");
	CHECK_HAS(j, "\"arm_lines\":[");
	CHECK_HAS(j, "{\"type\":2,\"vcpu\":1,\"intid\":27,\"line\":\"PPI 27 on vCPU 1\","
		     "\"raised\":1,\"count\":1}");
}

/* top's replayed line rows: each KVM_IRQ_LINE line by name, apart from GSIs. */
static void check_top_lines(const char *path)
{
	struct trace_in t;
	struct replay_counts c;
	struct top_frame f;
	const void *rec;
	size_t len;
	int spi = -1, ppi = -1, vcpu300 = -1;

	CHECK_EQ(trace_in_open(&t, path), 0);
	CHECK_EQ(replay_counts_init(&c, &t.registry, 0, 0, &t.format), 0);
	while (trace_in_next(&t, &rec, &len) == 1)
		replay_counts_add(&c, rec, len);
	memset(&f, 0, sizeof(f));
	CHECK_EQ(replay_counts_fill(&c, 1000000000ull, NULL, &f), 0);
	for (size_t i = 0; i < f.nr_lines; i++) {
		if (!strcmp(f.lines[i].line, "SPI 40"))
			spi = (int)i;
		if (!strcmp(f.lines[i].line, "PPI 27 on vCPU 1"))
			ppi = (int)i;
		if (!strcmp(f.lines[i].line, "PPI 30 on vCPU 300"))
			vcpu300 = (int)i;
		CHECK(f.lines[i].line[0]); /* no GSI: every line here is KVM_IRQ_LINE's */
	}
	CHECK_EQ(f.nr_lines, 4);
	CHECK(spi >= 0 && ppi >= 0 && vcpu300 >= 0);
	if (spi >= 0 && ppi >= 0) {
		CHECK_EQ(f.lines[spi].gsi, IRQ_SPI40);
		CHECK_EQ(f.lines[spi].level, 0); /* the event lowered it after the ioctl */
		CHECK_EQ(f.lines[spi].total, 1);
		CHECK_EQ(f.lines[ppi].level, 1);
		CHECK(!strcmp(f.lines[ppi].route, "gic"));
	}
	top_frame_clear(&f);
	replay_counts_free(&c);
	trace_in_close(&t);
}

/* Split and join are inverses over every field, vcpu2 included. */
static void check_split_join(void)
{
	static const uint32_t irqs[] = { IRQ_SPI40, IRQ_PPI27_VCPU1, IRQ_CPU_VCPU0,
					 IRQ_PPI30_VCPU300, 0xffffffffu };
	struct arm_irq_line l;
	char buf[48];

	for (size_t i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++) {
		arm_irq_line_split(irqs[i], &l);
		CHECK_EQ(arm_irq_line_join(&l), irqs[i]);
	}
	arm_irq_line_split(0xffffffffu, &l);
	CHECK_EQ(l.vcpu, 15 * 256 + 255);
	CHECK_EQ(l.type, 15);
	CHECK(!strcmp(arm_irq_line_text(&l, buf, sizeof(buf)),
		      "type 15 number 65535 on vCPU 4095"));
	arm_irq_line_split(0x00010001u, &l);
	CHECK(!strcmp(arm_irq_line_text(&l, buf, sizeof(buf)), "CPU FIQ on vCPU 1"));
	CHECK(!strcmp(arm_intid_text(8192, 2, buf, sizeof(buf)), "LPI 8192 on vCPU 2"));
	CHECK(!strcmp(arm_intid_text(3, 0, buf, sizeof(buf)), "SGI 3 on vCPU 0"));
	CHECK(!strcmp(arm_intid_text(1019, 0, buf, sizeof(buf)), "SPI 1019"));
	CHECK(!strcmp(arm_intid_text(1023, 0, buf, sizeof(buf)), "SPECIAL 1023 on vCPU 0"));
}

/* Routing entries as show and top print them: a GIC pin is an SPI, an ITS
 * MSI names its device when the entry carries one. */
static void check_routes(void)
{
	const struct platform *arm = platform_by_machine("aarch64");
	struct route_view pin = { .gsi = 3, .type = ROUTE_TYPE_IRQCHIP, .irqchip = 0, .pin = 8 };
	struct route_view msi = { .gsi = 5, .type = ROUTE_TYPE_MSI, .flags = 1,
				  .address_lo = 0x08090040, .data = 9, .devid = 16 };
	char buf[96];

	routing_entry_text(&pin, arm, buf, sizeof(buf));
	CHECK(!strcmp(buf, "irqchip 0 pin 8 (SPI 40)"));
	routing_entry_text(&msi, arm, buf, sizeof(buf));
	CHECK(!strcmp(buf, "msi device=16 event=9"));
	msi.flags = 0;
	routing_entry_text(&msi, arm, buf, sizeof(buf));
	CHECK(!strcmp(buf, "msi device=none event=9"));
	routing_entry_text(&pin, platform_by_machine("x86_64"), buf, sizeof(buf));
	CHECK(!strcmp(buf, "pic-master pin 8"));
}

int main(void)
{
	char dir[] = "/tmp/kvmirq-gicv3-decode.XXXXXX", path[4096];
	struct report_text arm, x86;

	check_split_join();
	check_routes();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/arm.kvmirq", dir);
	record(path, "aarch64");
	report_text_read(path, &arm);
	check_top_lines(path);
	record(path, "x86_64");
	report_text_read(path, &x86);
	unlink(path);
	rmdir(dir);

	check_arm_timeline(arm.timeline);
	check_arm_json(arm.json);
	check_arm_summary(arm.summary, arm.summary_json);
	/* the same bytes from an x86 host: a GSI, whatever this host is */
	CHECK_HAS(x86.timeline, "KVM_IRQ_LINE(vm fd 5) irq=16777256 level=1 = 0\n");
	CHECK(!strstr(x86.timeline, "KVM_IRQ_LINE(vm fd 5) irq=0x"));
	CHECK_HAS(x86.timeline, "ack_irq irqchip=0 pin=9\n");
	free(arm.timeline), free(arm.json), free(arm.summary), free(arm.summary_json);
	free(x86.timeline), free(x86.json), free(x86.summary), free(x86.summary_json);
	return check_done();
}
