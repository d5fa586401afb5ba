#!/usr/bin/env bash
# Make the shipped arm64 guest demo (demo/arm64-gicguest.kvmirq) from a real
# run in the arm64 rig: kvmirq record starts, and once it records, gicguest
# (tests/vmm/gicguest.c) creates a VGICv3 and an ITS and runs a guest under
# KVM_RUN that programs them by MMIO and takes two SPIs raised with
# KVM_IRQ_LINE (an edge, a level line), its virtual timer's PPI 27, and two
# LPIs through the ITS (KVM_SIGNAL_MSI with a device id, an irqfd on a GSI
# routed as an ITS MSI). The recording's header says this (record --note).
# Usage: make-demo-guest.sh [DEMO_DIR]     (default demo/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
dest=${1:-demo}

eval "$("$here/build.sh" -q)"
out=$(mktemp -d /var/tmp/kvmirq-arm64-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
kver=$(head -n 1 "$(dirname "$RIG_ARM64_KERNEL")/INFO")
note="Real run in kvmirq's arm64 rig (tests/rig/arm64/make-demo-guest.sh): Debian's $kver with KVM (VHE), the in-kernel VGICv3 and its ITS, under qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max (TCG). gicguest runs a guest under KVM_RUN that programs the GIC and the ITS by MMIO and takes SPI 41 (level) and SPI 40 (edge) raised with KVM_IRQ_LINE, its virtual timer's PPI 27, and LPIs 8192 and 8193 through the ITS: KVM_SIGNAL_MSI with device id 66, and an irqfd on GSI 200 routed as an ITS MSI. The guest clock starts at 0 (1970)."
cat >"$out/commands" <<COMMANDS
start rec /bin/kvmirq record -o /tmp/demo.kvmirq --note "$note"
await rec 300 recording to
run /bin/gicguest
signal rec 2
wait rec
file /tmp/demo.kvmirq
file /tmp/rec.log
COMMANDS
"$here/run.sh" --out "$out" --commands "$out/commands" --timeout 600 >/dev/null ||
	{ tail -n 20 "$out/console.log" | tr -d '\r' >&2; echo "make-demo-guest.sh: the rig run failed" >&2; exit 1; }
grep '^KVMIRQ-GUEST ' "$out/run-2.log" >&2
cat "$out/rec.log" >&2
make -s build/kvmirq
build/kvmirq report "$out/demo.kvmirq" >"$out/report.txt"
head -n 8 "$out/report.txt" >&2
cp "$out/demo.kvmirq" "$dest/arm64-gicguest.kvmirq"
echo "wrote $dest/arm64-gicguest.kvmirq" >&2
