#!/usr/bin/env bash
# A guest that runs, on the real KVM VGICv3 and ITS (arm64 rig): gicguest
# (tests/vmm/gicguest.c) runs a vCPU whose program (gicguest_guest.S)
# programs the GIC and the ITS by MMIO and takes SPI 40 (an edge) and 41 (a
# level line) raised with KVM_IRQ_LINE, its virtual timer's PPI 27, and two
# LPIs through the ITS: KVM_SIGNAL_MSI with a device id, and an irqfd on a
# GSI routed as an ITS MSI. ftrace's kvm events that kvmirq records on arm64
# (kvm_irq_line, vgic_update_irq_pending, kvm_timer_update_irq, kvm_set_irq,
# kvm_ack_irq) are on, and kvmirq records beside it.
# Here, from the VMM's KVMIRQ-GUEST report, the ftrace buffer (read back
# from tracefs) and the recording: gicguest's own checks passed and its
# INTIDs are the ones raised, in order; kvmirq recorded exactly as many
# events of each tracepoint as ftrace saw, the four KVM_IRQ_LINEs as the
# ARM lines they are ("SPI 40"...), the MSI with its device id and event
# as an ITS MSI, the routing entry and the irqfd on its GSI; the timer
# raised PPI 27 (timer_update_irq, then vgic_update_irq_pending). A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup arm64 guest
# Line numbers matter: run-7.log is the VMM's output.
cat >"$out/commands" <<'COMMANDS'
write /sys/kernel/tracing/events/kvm/kvm_irq_line/enable 1
write /sys/kernel/tracing/events/kvm/vgic_update_irq_pending/enable 1
write /sys/kernel/tracing/events/kvm/kvm_set_irq/enable 1
write /sys/kernel/tracing/events/kvm/kvm_ack_irq/enable 1
write /sys/kernel/tracing/events/kvm/kvm_timer_update_irq/enable 1
start rec /bin/kvmirq record -o /tmp/guest.kvmirq
await rec 300 recording to
run /bin/gicguest
signal rec 2
wait rec
write /sys/kernel/tracing/tracing_on 0
file /tmp/rec.log
file /sys/kernel/tracing/trace
file /tmp/guest.kvmirq
COMMANDS
rig_boot arm64 600

"$build/kvmirq" report --json --timeline "$out/guest.kvmirq" >"$out/report.jsonl" ||
	fail_rig "kvmirq report --json --timeline failed on the arm64 recording"
"$build/kvmirq" report --timeline "$out/guest.kvmirq" >"$out/report.txt" ||
	fail_rig "kvmirq report --timeline failed on the arm64 recording"
python3 tests/e2e/check_gic_guest.py "$out"
