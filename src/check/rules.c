// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "check/rules.h"
#include "kvmirq/ioctls.h"

#define KIND(k) (1ull << KVMIRQ_EV_##k)
#define IOCTL(i) (1ull << KVMIRQ_IOCTL_##i)

const struct check_rule check_rules[] = {
	{
		.id = "state-set-while-running",
		.severity = CHECK_ERROR,
		.title = "controller state set while another thread of the VM is inside KVM_RUN",
		.reason = "KVM_SET_IRQCHIP, KVM_SET_LAPIC and the state attributes of a device "
			  "(MPIC registers, VGIC distributor and redistributor registers, XICS "
			  "sources) are for save and restore: KVM writes them under vCPUs that may "
			  "be taking an interrupt from that very state, which loses it or delivers "
			  "it twice. Stop the vCPUs first. Allowed while vCPUs run: moving the "
			  "MPIC's base address (the guest moves CCSRBAR at run time), lines "
			  "(KVM_IRQ_LINE, IRQ_ACTIVE), routing, reads.",
		.source = "the device-control API's discussion (kvm@vger, 2013: state attributes "
			  "only with the vCPUs stopped); Documentation/virt/kvm/devices/mpic.rst, "
			  "arm-vgic-v3.rst (\"the VM's VCPUs must be stopped\" is not enforced "
			  "for every group); kvmirq issue #11, rule 1",
		.needs_kinds = KIND(IOCTL) | KIND(VCPUS_RUNNING),
		.ops = &rule_state_set_while_running,
	},
	{
		.id = "command-as-state",
		.severity = CHECK_ERROR,
		.title = "an access with side effects in a save or restore sequence",
		.reason = "some register accesses are commands: reading the MPIC's IACK "
			  "acknowledges the interrupt, reading an MSIR clears it, writing EOI, an "
			  "IPI dispatch or MSIIR, setting a reset bit or IRQ_ACTIVE, and ARM's ITS "
			  "table save or restore act on the controller or on guest memory. A VMM "
			  "that walks every register to save or restore state makes them, and the "
			  "guest loses or gains an interrupt. A sequence is the state accesses made "
			  "while no vCPU of the VM runs, until one runs again.",
		.source = "Documentation/virt/kvm/devices/mpic.rst and arm-vgic-its.rst; the "
			  "registers' tables in kvmirq (src/chips: CHIP_SIDE_EFFECT, "
			  "CHIP_WRITE_COMMAND); kvmirq issue #11, rule 2",
		.needs_kinds = KIND(IOCTL) | KIND(VCPUS_RUNNING),
		.ops = &rule_command_as_state,
	},
	{
		.id = "restore-audit",
		.severity = CHECK_ERROR,
		.title = "a migration's destination runs without restoring what the source saved",
		.reason = "between the source's save and the destination's first KVM_RUN every "
			  "register the source read must be written on the destination, once: a "
			  "register left out keeps its reset value (a masked pin, a lost pending "
			  "interrupt), one written twice with different values is right only by "
			  "luck of order (a warning). Both sides must be in the recording (a "
			  "migration on one host); the destination is a VM created in it. A line "
			  "raised before the destination's routing exists is route-before-line's.",
		.source = "Documentation/virt/kvm/api.rst (KVM_SET_IRQCHIP, KVM_SET_LAPIC, "
			  "device attributes: restore before running); kvmirq issue #11, rule 3",
		.needs_kinds = KIND(IOCTL) | KIND(VCPUS_RUNNING),
		.needs_ioctls = IOCTL(CREATE_VM),
		.ops = &rule_restore_audit,
	},
	{
		.id = "route-before-line",
		.severity = CHECK_ERROR,
		.title = "a line raised or an irqfd assigned on a GSI that the VM's routing does not hold yet",
		.reason = "KVM delivers a GSI through the VM's routing table; a GSI without a route "
			  "goes nowhere, so the interrupt is lost (KVM_IRQ_LINE may even succeed). "
			  "On x86 KVM_CREATE_IRQCHIP routes GSIs 0-23 to the PICs and the IOAPIC; the "
			  "MPIC and irqfds on other GSIs need KVM_SET_GSI_ROUTING first. Lowering a "
			  "line without a route loses nothing and is not reported.",
		.source = "Documentation/virt/kvm/api.rst (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE, "
			  "KVM_IRQFD); kvmirq issue #11, rule 3",
		.needs_kinds = KIND(IOCTL),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_IRQCHIP) | IOCTL(SET_GSI_ROUTING) |
				IOCTL(IRQ_LINE) | IOCTL(IRQ_LINE_STATUS) | IOCTL(IRQFD),
		.ops = &rule_route_before_line,
	},
	{
		.id = "errno-loop",
		.severity = CHECK_WARNING,
		.title = "the same ioctl on the same fd failing with the same errno many times in a row",
		.reason = "a VMM that retries what KVM refuses never gets what the call was for "
			  "(a route, a device, a register) and burns CPU doing so; the first failure "
			  "is the bug to fix (--errno-loop sets how many failures make a loop).",
		.source = "kvmirq issue #11, rule 4",
		.needs_kinds = KIND(IOCTL),
		.ops = &rule_errno_loop,
	},
	{
		.id = "stuck-level-line",
		.severity = CHECK_WARNING,
		.title = "a GSI raised and neither lowered nor acknowledged within a bound",
		.reason = "a level-triggered line held high after the guest acknowledged it "
			  "interrupts again at once (a storm) or, masked, hides every later "
			  "interrupt on that pin; a device model that forgets to lower its line "
			  "does this. Only GSIs routed to an irqchip pin count (an MSI has no "
			  "level); --stuck-after sets the bound, and a line still high at the end "
			  "of a recording shorter than the bound is not reported.",
		.source = "kvmirq issue #11, rule 4",
		.needs_kinds = KIND(SET_IRQ) | KIND(ACK_IRQ) | KIND(IOCTL),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_IRQCHIP) | IOCTL(SET_GSI_ROUTING),
		.ops = &rule_stuck_level_line,
	},
	{
		.id = "msi-address",
		.severity = CHECK_ERROR,
		.title = "an MSI whose address is not an interrupt address on the platform",
		.reason = "an MSI is a memory write that the interrupt controller claims by its "
			  "address (x86: 0xFEExxxxx, the LAPICs); any other address is a plain "
			  "memory write on real hardware and the interrupt is lost, while KVM "
			  "decodes the message anyway, so the bug hides until the guest runs "
			  "elsewhere. Usually the address words are swapped or the data was written "
			  "into the address. Checked in KVM_SIGNAL_MSI, each MSI entry of "
			  "KVM_SET_GSI_ROUTING and each kvm_msi_set_irq, once per VM and address; "
			  "platforms whose KVM ignores the address (the MPIC takes only the data, "
			  "as a write to MSIIR) are not checked.",
		.source = "Intel SDM vol. 3, 11.11.1 (Message Address Register Format); "
			  "arch/x86/kvm/irq_comm.c (kvm_set_msi_irq); kvmirq issue #11, rule 4",
		.arch = CHIP_ARCH_X86,
		.needs_kinds = KIND(MSI_SET_IRQ),
		.ops = &rule_msi_address,
	},
	{
		.id = "unroutable-vector",
		.severity = CHECK_ERROR,
		.title = "an IOAPIC entry or MSI sending vector 0-15, or to an APIC ID no vCPU has",
		.reason = "vectors 0-15 are the CPU's exceptions: a LAPIC refuses them as "
			  "interrupts (KVM accepts one, and the guest takes it for an exception); "
			  "a physical destination that no vCPU's APIC ID matches reaches no LAPIC, "
			  "and the interrupt is lost. Vectors are checked where an unmasked "
			  "IOAPIC entry (KVM_SET_IRQCHIP) or an MSI route is set and where KVM "
			  "delivers it (kvm_ioapic_set_irq, kvm_msi_set_irq, KVM_SIGNAL_MSI); "
			  "destinations where KVM delivers, against the vCPU ids of the VM's "
			  "KVM_CREATE_VCPU calls (KVM's APIC IDs), so a VM created before the "
			  "recording cannot be decided. Fixed and lowest-priority messages only "
			  "for vectors; broadcasts and logical destinations are not checked.",
		.source = "Intel SDM vol. 3, 11.5.2 (Valid Interrupt Vectors), 11.6.2.1 "
			  "(Physical Destination Mode); 82093AA IOAPIC datasheet, 3.2.4; kvmirq "
			  "issue #11, rule 4",
		.arch = CHIP_ARCH_X86,
		.needs_kinds = KIND(IOCTL) | KIND(IOAPIC_SET_IRQ) | KIND(MSI_SET_IRQ),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_VCPU),
		.ops = &rule_unroutable_vector,
	},
	{
		.id = "masked-pin-churn",
		.severity = CHECK_WARNING,
		.title = "a line changing on a masked IOAPIC or PIC pin at a high rate",
		.reason = "the guest masked the pin, so it takes none of these interrupts; a "
			  "device model that keeps raising and lowering a masked line (or polls "
			  "through it) costs a VM exit or an ioctl for each change, and a line "
			  "left toggling while masked often means the guest's driver gave up on "
			  "the device. More than --masked-rate changes a second (over 1 s) on one "
			  "pin, by kvm_ioapic_set_irq's entry mask bit or kvm_pic_set_irq's IMR, "
			  "reported once per pin and burst.",
		.source = "82093AA IOAPIC datasheet, 3.2.4 (Interrupt Mask); 8259A datasheet "
			  "(OCW1); kvmirq issue #11, rule 4",
		.arch = CHIP_ARCH_X86,
		.needs_kinds = KIND(IOAPIC_SET_IRQ) | KIND(PIC_SET_IRQ),
		.ops = &rule_masked_pin_churn,
	},
	{
		.id = "interrupt-storm",
		.severity = CHECK_WARNING,
		.title = "one GSI, line, MSI or vector injected into a VM above a rate",
		.reason = "an interrupt source that fires more than --storm-rate times a second "
			  "(over 1 s) starves the vCPUs it interrupts and the VMM threads that "
			  "inject it: a level line never lowered behind an edge-only model, an irqfd "
			  "signalled in a loop, a device model re-raising what the guest "
			  "acknowledged. Counted per GSI raised (kvm_set_irq), per arm64 line "
			  "raised by KVM_IRQ_LINE (kvm_irq_line: \"SPI 40\"), per MSI address and "
			  "data (kvm_msi_set_irq) and per vCPU and accepted vector "
			  "(kvm_apic_accept_irq); a storm is named at the first of these it passes "
			  "and reported once per burst, with its peak rate, when it ends. MSIs and "
			  "vectors are counted where the kernel has their tracepoints (x86).",
		.source = "kvmirq issue #11, rule 4",
		.needs_kinds = KIND(SET_IRQ),
		.ops = &rule_interrupt_storm,
	},
	{
		.id = "eoi-never-injected",
		.severity = CHECK_WARNING,
		.title = "an EOI of a vector its vCPU never accepted nor had injected",
		.reason = "a LAPIC's EOI retires its highest in-service vector; one that KVM never "
			  "delivered to that vCPU was put in service by stale state, so the "
			  "guest's EOI retires it instead of the interrupt the guest is handling, "
			  "which stays in service and blocks every vector at or below its "
			  "priority. Only vCPUs created in the recording are decided; a vector a "
			  "KVM_SET_LAPIC put in service before the LAPIC took anything is a "
			  "restore (a migration's destination) and is not reported, one put there "
			  "after it had taken interrupts is.",
		.source = "Intel SDM vol. 3, 11.8.4-11.8.5 (Interrupt Acceptance, EOI); "
			  "arch/x86/kvm/lapic.c (apic_set_eoi); kvmirq issue #11, rule 4",
		.arch = CHIP_ARCH_X86,
		.needs_kinds = KIND(EOI) | KIND(APIC_ACCEPT_IRQ) | KIND(INJ_VIRQ) | KIND(IOCTL),
		.needs_ioctls = IOCTL(CREATE_VM) | IOCTL(CREATE_VCPU) | IOCTL(SET_LAPIC),
		.ops = &rule_eoi_never_injected,
	},
};

const struct check_options check_default_options = {
	.errno_loop = CHECK_DEFAULT_ERRNO_LOOP,
	.stuck_ns = CHECK_DEFAULT_STUCK_NS,
	.masked_rate = CHECK_DEFAULT_MASKED_RATE,
	.storm_rate = CHECK_DEFAULT_STORM_RATE,
};

const size_t check_nr_rules = sizeof(check_rules) / sizeof(check_rules[0]);

void check_report(const struct check_ctx *c, const struct check_rule *r,
		  enum check_severity severity, const struct kvmirq_event_header *at,
		  const uint64_t *events, unsigned nr, const char *fmt, ...)
{
	struct finding f = {
		.rule = r->id,
		.severity = severity,
		.vcpu = KVMIRQ_NO_VCPU,
	};
	va_list ap;

	if (at) {
		f.vm = (uint32_t)at->vm;
		f.pid = at->pid;
		f.tid = at->tid;
		f.vcpu = at->vcpu_id;
		f.ts_ns = at->timestamp_ns;
		f.t = at->timestamp_ns >= c->base_ns ? (double)(at->timestamp_ns - c->base_ns) / 1e9 : 0;
	}
	for (unsigned i = 0; i < nr && i < FINDING_MAX_EVENTS; i++)
		f.events[f.nr_events++] = events[i];
	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	c->emit(c->emit_arg, &f);
}

const struct check_vm *check_vm(const struct check_ctx *c, uint32_t vm)
{
	return vm < c->nr_vms ? &c->vms[vm] : NULL;
}

enum vcpu_known check_vm_vcpu(const struct check_ctx *c, uint32_t vm, uint32_t id)
{
	const struct check_vm *v = check_vm(c, vm);

	if (!v || id >= CHECK_MAX_VCPU_IDS)
		return VCPU_UNKNOWN;
	if (v->vcpus[id / 64] >> (id % 64) & 1)
		return VCPU_PRESENT;
	return v->created ? VCPU_ABSENT : VCPU_UNKNOWN;
}

enum gsi_routes check_gsi_routes(const struct check_ctx *c, uint32_t vm, uint32_t gsi,
				 struct route_view *out, size_t max, size_t *nr)
{
	const struct check_vm *v = check_vm(c, vm);
	const struct vm_routing *vr = snapshot_find_routing(&c->recon->snap, vm);
	struct route_view def[2];
	size_t n;

	*nr = 0;
	if (!v || !v->created)
		return GSI_ROUTES_UNKNOWN;
	if (v->routing_set) {
		if (!vr || !vr->table_known)
			return GSI_ROUTES_UNKNOWN;
		for (size_t i = 0; i < vr->nr_entries; i++) {
			struct route_view e;

			routing_entry_view(vr->entries[i], c->recon->snap.byte_order_big, &e);
			if (e.gsi == gsi && *nr < max)
				out[(*nr)++] = e;
		}
		return GSI_ROUTES_KNOWN;
	}
	n = routing_default_pins(c->platform, gsi, v->default_gsis, def);
	for (size_t i = 0; i < n && *nr < max; i++)
		out[(*nr)++] = def[i];
	return GSI_ROUTES_KNOWN;
}

bool check_first_time(struct check_seen *s, uint32_t vm, uint64_t a, uint64_t b)
{
	struct seen_key *k;

	for (size_t i = 0; i < s->nr; i++)
		if (s->keys[i].vm == vm && s->keys[i].a == a && s->keys[i].b == b)
			return false;
	k = realloc(s->keys, (s->nr + 1) * sizeof(*k));
	if (!k)
		return true;
	s->keys = k;
	s->keys[s->nr++] = (struct seen_key){ .vm = vm, .a = a, .b = b };
	return true;
}

void check_seen_free(struct check_seen *s)
{
	free(s->keys);
	s->keys = NULL;
	s->nr = 0;
}

const char *check_errno_text(int64_t ret, char *buf, size_t len)
{
	int err = ret < 0 ? (int)-ret : 0;
	const char *name = strerrorname_np(err);

	snprintf(buf, len, "%s (%s)", name ? name : "errno", strerror(err));
	return buf;
}
