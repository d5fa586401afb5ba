// SPDX-License-Identifier: GPL-2.0
/*
 * Device-attribute traffic on the MPIC decoded in the MPIC's terms. A
 * recording of an e500 VMM (trace_out, machine "ppc", an MPIC device object
 * "kvm-mpic") holds SET/GET/HAS_DEVICE_ATTR of a source's IVPR, IDR and
 * ILR, a CPU's CTPR, a timer (written at its documented offset, read back at
 * the offset the 6.1 read quirk answers it from), MSIIR, an MSIR, IACK,
 * EOI, GCR with RESET, IRQ_ACTIVE and the base address; KVM_CREATE_DEVICE
 * of both MPIC versions; KVM_SIGNAL_MSI. The timeline (text and JSON) and
 * the summary must name each group and register as src/chips/mpic.c names
 * it, split the values into its fields, say which accesses are commands,
 * and a little-endian copy must read the same.
 *
 * With --write FILE it only writes the big-endian recording, for the
 * command-line test (tests/cli/test-cli.sh).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"
#include "ppc_recording.h"

#define GRP_MISC 1
#define GRP_REGISTER 2
#define GRP_IRQ_ACTIVE 3

/* Register offsets of the MPIC (the attr of GRP_REGISTER) */
#define SRC_IVPR7 0x100e0
#define SRC_IDR7 0x100f0
#define SRC_ILR7 0x100f8
#define CPU0_CTPR 0x20080
#define CPU0_IACK 0x200a0
#define CPU0_EOI 0x200b0
#define GCR 0x1020
#define TIMER1_GTBCR_SET 0x1150 /* documented GTBCR 1 */
#define TIMER1_GTBCR_GET 0x1140 /* what a GET there returns: GTBCR 1 */
#define MSIR3 0x1630
#define MSIIR 0x1740
#define MSI_DATA 0x45000000 /* SRS 2, IBS 5 -> source 226 */

static void attr(struct recorder *r, uint8_t id, uint32_t group, uint64_t at, unsigned width,
		 uint64_t value)
{
	struct payload in = { .big = r->big }, out = { .big = r->big };
	bool set = id == KVMIRQ_IOCTL_SET_DEVICE_ATTR, get = id == KVMIRQ_IOCTL_GET_DEVICE_ATTR;

	/* struct kvm_device_attr {flags, group, attr, addr}, then the value at addr */
	put(&in, 4, 0), put(&in, 4, group), put(&in, 8, at), put(&in, 8, 0x1000);
	if (set)
		put(&in, width, value);
	if (get)
		put(&out, width, value);
	add_ioctl(r, id, KVMIRQ_FD_DEVICE, r->device, "kvm-mpic", 0, &in, get ? &out : NULL);
}

static void create_mpic(struct recorder *r, uint32_t type)
{
	struct payload in = { .big = r->big }, out = { .big = r->big };

	/* struct kvm_create_device {type, fd, flags} */
	put(&in, 4, type), put(&in, 4, 0), put(&in, 4, 0);
	put(&out, 4, type), put(&out, 4, 7), put(&out, 4, 0);
	add_ioctl(r, KVMIRQ_IOCTL_CREATE_DEVICE, KVMIRQ_FD_VM, r->vm_obj, "kvm-mpic", 0, &in, &out);
}

static void record(const char *path, bool big)
{
	struct tracefile_meta *m = tracefile_meta_new();
	struct recorder r = { .big = big };
	struct payload in = { .big = big };
	uint32_t vm1, vm1_obj, device1;

	CHECK_EQ(trace_header_describe_host(m), 0);
	tracefile_meta_set_string(m, "machine", "ppc");
	tracefile_meta_set_string(m, "byte_order", big ? "big" : "little");
	tracefile_meta_set_u64(m, "word_size", 4);
	registry_init(&r.reg);
	vm1 = registry_vm_id(&r.reg, 0x1000, 4242, 1);
	vm1_obj = registry_object_id(&r.reg, 0x1000, vm1, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	device1 = registry_object_id(&r.reg, 0x2000, vm1, KVMIRQ_FD_DEVICE, KVMIRQ_NO_VCPU,
				     "kvm-mpic");
	/* a second VM, for the other version: one MPIC per VM */
	r.vm = registry_vm_id(&r.reg, 0x5000, 4242, 2);
	r.vm_obj = registry_object_id(&r.reg, 0x5000, r.vm, KVMIRQ_FD_VM, KVMIRQ_NO_VCPU, "");
	CHECK_EQ(trace_out_open(&r.out, path, m, &r.reg, 1), 0);

	create_mpic(&r, 2); /* KVM_DEV_TYPE_FSL_MPIC_42 */
	r.vm = vm1, r.vm_obj = vm1_obj, r.device = device1;
	create_mpic(&r, 1); /* KVM_DEV_TYPE_FSL_MPIC_20 */

	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_MISC, 0, 8, 0xe0040000);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, SRC_IVPR7, 4, 0x80c50041);
	attr(&r, KVMIRQ_IOCTL_HAS_DEVICE_ATTR, GRP_REGISTER, SRC_IVPR7, 0, 0);
	attr(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, SRC_IDR7, 4, 0x1);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, SRC_IDR7, 4, 0x40000001);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, SRC_ILR7, 4, 1);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, CPU0_CTPR, 4, 3);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, TIMER1_GTBCR_SET, 4, 0x80001000);
	attr(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, TIMER1_GTBCR_GET, 4, 0x80001000);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, MSIIR, 4, MSI_DATA);
	attr(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, MSIR3, 4, 0x20);
	attr(&r, KVMIRQ_IOCTL_GET_DEVICE_ATTR, GRP_REGISTER, CPU0_IACK, 4, 0x41);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, CPU0_EOI, 4, 0);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, GCR, 4, 0x80000000);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_REGISTER, GCR, 4, 0x20000000);
	attr(&r, KVMIRQ_IOCTL_SET_DEVICE_ATTR, GRP_IRQ_ACTIVE, 7, 4, 1);
	/* KVM_SIGNAL_MSI: struct kvm_msi {address_lo, address_hi, data, flags, devid} */
	put(&in, 4, 0xe0041740), put(&in, 4, 0), put(&in, 4, MSI_DATA), put(&in, 4, 0);
	put(&in, 4, 0), put_junk(&in, 12);
	add_ioctl(&r, KVMIRQ_IOCTL_SIGNAL_MSI, KVMIRQ_FD_VM, r.vm_obj, "", 1, &in, NULL);

	CHECK_EQ(trace_out_close(&r.out, NULL), 0);
	trace_out_free(&r.out);
	registry_free(&r.reg);
	tracefile_meta_free(m);
}

struct decoded {
	char *timeline, *json, *summary, *summary_json;
};

static void decode(const char *path, struct decoded *d)
{
	struct report_text r;

	report_text_read(path, &r);
	d->timeline = r.timeline, d->json = r.json;
	d->summary = r.summary, d->summary_json = r.summary_json;
}

static void decoded_free(struct decoded *d)
{
	free(d->timeline), free(d->json), free(d->summary), free(d->summary_json);
}

static void check_timeline(const char *t)
{
	CHECK_HAS(t, "KVM_CREATE_DEVICE(vm fd 5) type=2 type_name=fsl-mpic-42 ");
	CHECK_HAS(t, "KVM_CREATE_DEVICE(vm fd 5) type=1 type_name=fsl-mpic-20 ");
	CHECK_HAS(t, "group=1 attr=0x0 addr=0x1000 value=0xe0040000 group_name=MISC "
		     "register=base_addr = 0");
	CHECK_HAS(t, "KVM_SET_DEVICE_ATTR(device fd 7) flags=0x0 group=2 attr=0x100e0 addr=0x1000 "
		     "value=0x80c50041 group_name=REGISTER register=src_ivpr[7] decoded={vector=0x41 "
		     "priority=5 sense=level polarity=active-high mode=directed activity=no "
		     "masked=yes} = 0");
	/* a probe reads and writes nothing: the register, no value */
	CHECK_HAS(t, "KVM_HAS_DEVICE_ATTR(device fd 7) flags=0x0 group=2 attr=0x100e0 addr=0x1000 "
		     "group_name=REGISTER register=src_ivpr[7] = 0");
	CHECK_HAS(t, "KVM_GET_DEVICE_ATTR(device fd 7) flags=0x0 group=2 attr=0x100f0 addr=0x1000 "
		     "value=0x1 group_name=REGISTER register=src_idr[7] decoded={dest=0x1 "
		     "critical_cpu1=no critical_cpu0=no ep=no} = 0");
	/* v2.0's critical bit, set: only that version has it */
	CHECK_HAS(t, "register=src_idr[7] decoded={dest=0x1 critical_cpu1=no critical_cpu0=yes "
		     "ep=no} fields_only_on={critical_cpu0=fsl-mpic-20} = 0");
	CHECK_HAS(t, "register=src_ilr[7] only_on=fsl-mpic-42 decoded={output=critical} = 0");
	CHECK_HAS(t, "value=0x3 group_name=REGISTER register=cpu_ctpr[0] decoded={priority=3} = 0");
	/* a timer written at its documented offset, read back where 6.1 answers it */
	CHECK_HAS(t, "KVM_SET_DEVICE_ATTR(device fd 7) flags=0x0 group=2 attr=0x1150 addr=0x1000 "
		     "value=0x80001000 group_name=REGISTER register=gtbcr[1] "
		     "decoded={base_count=4096 count_inhibit=yes} = 0");
	CHECK_HAS(t, "KVM_GET_DEVICE_ATTR(device fd 7) flags=0x0 group=2 attr=0x1140 addr=0x1000 "
		     "value=0x80001000 group_name=REGISTER register=gtbcr[1] ");
	/* commands: the MSI an MSIIR write is, clear-on-read, IACK, EOI, reset */
	CHECK_HAS(t, "value=0x45000000 group_name=REGISTER register=msiir command=msi "
		     "decoded={ibs=5 srs=2} msir=2 bit=5 source=226 = 0");
	CHECK_HAS(t, "value=0x20 group_name=REGISTER register=msir[3] command=clear-msir = 0");
	CHECK_HAS(t, "value=0x41 group_name=REGISTER register=cpu_iack[0] command=iack "
		     "decoded={vector=0x41} = 0");
	CHECK_HAS(t, "value=0x0 group_name=REGISTER register=cpu_eoi[0] command=eoi = 0");
	CHECK_HAS(t, "value=0x80000000 group_name=REGISTER register=gcr command=reset "
		     "decoded={mode=pass-through reset=yes} = 0");
	CHECK_HAS(t, "value=0x20000000 group_name=REGISTER register=gcr decoded={mode=mixed "
		     "reset=no} = 0");
	CHECK_HAS(t, "group=3 attr=0x7 addr=0x1000 value=0x1 group_name=IRQ_ACTIVE "
		     "register=irq_active[7] = 0");
	CHECK_HAS(t, "KVM_SIGNAL_MSI(vm fd 5) address_lo=0xe0041740 address_hi=0x0 "
		     "data=0x45000000 flags=0x0 devid=0 msir=2 bit=5 source=226 = 1");
}

static void check_json(const char *j)
{
	CHECK_HAS(j, "\"type_name\":\"fsl-mpic-42\"");
	CHECK_HAS(j, "\"value\":\"0x80c50041\",\"group_name\":\"REGISTER\","
		     "\"register\":\"src_ivpr[7]\",\"decoded\":{\"vector\":\"0x41\",\"priority\":5,"
		     "\"sense\":\"level\",\"polarity\":\"active-high\",\"mode\":\"directed\","
		     "\"activity\":false,\"masked\":true}}");
	CHECK_HAS(j, "\"register\":\"src_ilr[7]\",\"only_on\":\"fsl-mpic-42\"");
	CHECK_HAS(j, "\"fields_only_on\":{\"critical_cpu0\":\"fsl-mpic-20\"}");
	CHECK_HAS(j, "\"register\":\"msiir\",\"command\":\"msi\",\"decoded\":{\"ibs\":5,"
		     "\"srs\":2},\"msir\":2,\"bit\":5,\"source\":226}");
	CHECK_HAS(j, "\"register\":\"cpu_iack[0]\",\"command\":\"iack\"");
	CHECK_HAS(j, "\"register\":\"cpu_eoi[0]\",\"command\":\"eoi\"}");
	CHECK_HAS(j, "\"register\":\"msir[3]\",\"command\":\"clear-msir\"}");
	CHECK_HAS(j, "\"register\":\"gcr\",\"command\":\"reset\"");
	CHECK_HAS(j, "\"group_name\":\"IRQ_ACTIVE\",\"register\":\"irq_active[7]\"}");
	CHECK_HAS(j, "\"group_name\":\"MISC\",\"register\":\"base_addr\"}");
	CHECK_HAS(j, "\"register\":\"gtbcr[1]\",\"decoded\":{\"base_count\":4096,"
		     "\"count_inhibit\":true}");
	CHECK_HAS(j, "\"register\":\"cpu_ctpr[0]\",\"decoded\":{\"priority\":3}");
	/* a GET of IACK is a command; a GET of IDR is not */
	CHECK(!strstr(j, "\"register\":\"src_idr[7]\",\"command\""));
}

static void check_summary(const struct decoded *d)
{
	const char *s = d->summary, *j = d->summary_json;

	CHECK_HAS(s, "group 2   attr 0x100e0           1 (0 errors)  REGISTER src_ivpr[7]\n");
	CHECK_HAS(s, "KVM_HAS_DEVICE_ATTR  group 2   attr 0x100e0           1 (0 errors)  "
		     "REGISTER src_ivpr[7]\n");
	CHECK_HAS(s, "KVM_SET_DEVICE_ATTR  group 2   attr 0x1150            1 (0 errors)  "
		     "REGISTER gtbcr[1]\n");
	CHECK_HAS(s, "KVM_GET_DEVICE_ATTR  group 2   attr 0x1140            1 (0 errors)  "
		     "REGISTER gtbcr[1]\n");
	CHECK_HAS(s, "group 1   attr 0x0               1 (0 errors)  MISC base_addr\n");
	CHECK_HAS(s, "group 3   attr 0x7               1 (0 errors)  IRQ_ACTIVE irq_active[7]\n");
	CHECK_HAS(s, "REGISTER msiir\n");
	CHECK_HAS(s, "REGISTER cpu_iack[0]\n");
	CHECK_HAS(s, "REGISTER cpu_eoi[0]\n");
	CHECK_HAS(s, "REGISTER msir[3]\n");
	CHECK_HAS(s, "REGISTER cpu_ctpr[0]\n");
	CHECK_HAS(s, "REGISTER src_ilr[7]\n");
	CHECK_HAS(s, "REGISTER gcr\n");
	CHECK_HAS(j, "\"group\":2,\"attr\":65760,\"group_name\":\"REGISTER\","
		     "\"register\":\"src_ivpr[7]\",\"count\":1}");
	CHECK_HAS(j, "\"group\":1,\"attr\":0,\"group_name\":\"MISC\",\"register\":\"base_addr\"");
	CHECK_HAS(j, "\"group\":3,\"attr\":7,\"group_name\":\"IRQ_ACTIVE\","
		     "\"register\":\"irq_active[7]\"");
	CHECK_HAS(j, "\"attr\":4432,\"group_name\":\"REGISTER\",\"register\":\"gtbcr[1]\"");
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/kvmirq-mpic-decode.XXXXXX", path[4096];
	struct decoded big, little;

	if (argc == 3 && !strcmp(argv[1], "--write")) {
		record(argv[2], true);
		return check_done();
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/mpic.kvmirq", dir);
	record(path, true);
	decode(path, &big);
	record(path, false);
	decode(path, &little);
	unlink(path);
	rmdir(dir);

	check_timeline(big.timeline);
	check_json(big.json);
	check_summary(&big);
	CHECK(!strcmp(big.timeline, little.timeline));
	CHECK(!strcmp(big.json, little.json));
	CHECK(!strcmp(big.summary, little.summary));
	CHECK(!strcmp(big.summary_json, little.summary_json));
	decoded_free(&big);
	decoded_free(&little);
	return check_done();
}
