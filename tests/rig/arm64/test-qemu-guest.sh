#!/usr/bin/env bash
# A real VMM on real arm64 KVM (the arm64 rig): Debian's arm64 QEMU with
# -accel kvm, the rig's in-kernel GICv3 and ITS, boots an L2 guest (the
# rig's kernel, l2-init.sh) with a virtio-rng PCI device whose MSIs go
# through the ITS, while `kvmirq record -k 3s` records and ftrace counts the
# same kvm tracepoints (those kvmirq records, bpf/programs.h, and
# kvm_timer_update_irq). The guest reads /dev/hwrng, prints
# /proc/interrupts and powers off (tests/rig/arm64/qemu-l1.sh boot).
# Here (tests/e2e/check_arm64_qemu.py): the L2 guest ran and its
# /proc/interrupts shows virtio MSIs through the ITS; per tracepoint, the
# recording's count equals ftrace's; the recording holds QEMU creating the
# VGICv3 and the ITS, its GSI routes to the ITS with device ids and the
# irqfds on them; every key frame of QEMU read every controller.
# A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup arm64 qemu
eval "$(cat "$out/build.env")"
events=$(sed -n 's/.*DELIVERY, "kvm\/\([a-z_]*\)").*/\1/p' bpf/programs.h | tr '\n' ' ')
cat >"$out/commands" <<COMMANDS
run /bin/busybox sh /bin/qemu-l1.sh ftrace-on $events kvm_timer_update_irq
start rec /bin/kvmirq record -k 3s -o /tmp/qemu.kvmirq
await rec 300 recording to
run /bin/busybox sh /bin/qemu-l1.sh boot
signal rec 2
wait rec
run /bin/busybox sh /bin/qemu-l1.sh ftrace-counts
file /tmp/rec.log
file /tmp/ftrace-counts
file /tmp/qemu.rc
file /tmp/qemu.out
file /tmp/qemu.start
file /tmp/qemu.end
file /tmp/l2.log
file /tmp/qemu.kvmirq
COMMANDS
rig_boot arm64 900 --bin tests/rig/arm64/qemu-l1.sh --archive "$RIG_ARM64_QEMU_ARCHIVE" \
	--memory 2048

"$build/kvmirq" report --json --timeline "$out/qemu.kvmirq" >"$out/report.jsonl" ||
	fail_rig "kvmirq report --json --timeline failed on the arm64 recording"
python3 tests/e2e/check_arm64_qemu.py "$out"
