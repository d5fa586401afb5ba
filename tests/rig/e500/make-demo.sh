#!/usr/bin/env bash
# Make the shipped MPIC demo (demo/ppc-e500-mpic.kvmirq and
# demo/ppc-e500-mpic-held.kvmsnap) from a real run in the e500v2 rig: the
# MPIC test VMM programs an FSL MPIC 2.0 and holds it (mpicvmm --hold,
# which also snapshots it in-process: the .kvmsnap); kvmirq record starts,
# takes its key frame of that VMM (every MPIC register, by ptrace) and
# records the scripted VMM (testvmm: both MPIC versions, every interrupt
# ioctl the MPIC takes, deliberate errors) and then a real guest (mpicvmm
# --guest: a vCPU under KVM_RUN that programs the MPIC by MMIO and takes
# seven interrupts, IACK and EOI by MMIO). The recording's header says this
# (record --note).
# Usage: make-demo.sh [DEMO_DIR]     (default demo/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
dest=${1:-demo}

eval "$("$here/build.sh" -q)"
out=$(mktemp -d /var/tmp/kvmirq-e500-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
kver=$(tr -d '\n' <"$(dirname "$RIG_E500_KERNEL")/INFO" | sed 's/built in.*//')
note="Real run in kvmirq's e500v2 rig (tests/rig/e500/make-demo.sh): $kver with KVM and the in-kernel MPIC, under qemu-system-ppc -M ppce500 -cpu e500v2 (TCG); 32-bit big-endian. mpicvmm programs an FSL MPIC 2.0 and holds it; record's key frame reads it by ptrace; then testvmm drives both MPIC versions through every interrupt ioctl; then mpicvmm --guest runs a real guest under KVM_RUN that programs the MPIC by MMIO and takes seven interrupts (IACK and EOI by MMIO). The guest clock starts at 0 (1970)."
cat >"$out/commands" <<COMMANDS
start vmm /bin/mpicvmm --hold 3600 /tmp
await vmm 120 mpicvmm: holding pid
start rec /bin/kvmirq record -o /tmp/demo.kvmirq --note "$note"
await rec 300 key frame of pid
run /bin/testvmm --log /tmp/vmm.jsonl
run /bin/mpicvmm --guest
signal rec 2
wait rec
signal vmm 15
wait vmm
file /tmp/demo.kvmirq
file /tmp/held.kvmsnap
file /tmp/rec.log
COMMANDS
"$here/run.sh" --out "$out" --commands "$out/commands" --timeout 600 >/dev/null ||
	{ tail -n 20 "$out/console.log" | tr -d '\r' >&2; echo "make-demo.sh: the rig run failed" >&2; exit 1; }
cat "$out/rec.log" >&2
make -s build/kvmirq
build/kvmirq report "$out/demo.kvmirq" >"$out/report.txt"
head -n 8 "$out/report.txt" >&2
cp "$out/demo.kvmirq" "$dest/ppc-e500-mpic.kvmirq"
cp "$out/held.kvmsnap" "$dest/ppc-e500-mpic-held.kvmsnap"
echo "wrote $dest/ppc-e500-mpic.kvmirq and $dest/ppc-e500-mpic-held.kvmsnap" >&2
