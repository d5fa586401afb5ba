#!/usr/bin/env bash
# Make the shipped demo recording (demo/x86-qemu-guest.kvmirq) from a real
# run in the nested x86 rig: kvmirq records while a real QEMU (-accel kvm,
# 2 vCPUs) starts, boots an L2 Linux guest that prints a tick every 200 ms
# on its serial port, runs for a while, and is shut down. The recording's
# header says this (record --note).
# Usage: make-demo.sh [OUTFILE] [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 initrd=$4 secs=$5 note=$6
	build/kvmirq record -q -o "$out/demo.kvmirq" --note "$note" 2>"$out/record.err" &
	rec=$!
	for _ in $(seq 300); do
		grep -q "recording to" "$out/record.err" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1
	timeout "$secs" qemu-system-x86_64 -accel kvm -m 256 -smp 2 -display none -monitor none \
		-no-reboot -name guest=demo-guest -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1" -serial file:"$out/guest.log" \
		>/dev/null 2>&1 || true
	sleep 1
	kill -INT "$rec"
	wait "$rec"
	exit 0
fi

dest=${1:-demo/x86-qemu-guest.kvmirq}
secs=${2:-40}
make -s all >/dev/null
eval "$("$here/build.sh" -q)"
out=$(mktemp -d /var/tmp/kvmirq-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/l2-initrd.sh" "$out/l2.cpio.gz"
note="Real run in kvmirq's nested x86 rig (tests/rig/x86/make-demo.sh): Debian's $RIG_X86_KVER kernel under QEMU TCG as L1 with real KVM; there a real qemu-system-x86_64 -accel kvm -smp 2 named demo-guest boots an L2 Linux (the same kernel) whose busybox init prints a tick every 200 ms on the serial port; recorded from before QEMU started until after it was stopped after ${secs} s."
"$here/run-in-l1.sh" --tcg-multi --out "$out" --timeout $((secs + 600)) -- \
	"$here/make-demo.sh" --inside "$out" "$RIG_X86_KERNEL" "$out/l2.cpio.gz" "$secs" "$note"
cp "$out/demo.kvmirq" "$dest"
echo "$dest: $(stat -c %s "$dest") bytes, $(grep -c '^tick' "$out/guest.log" || true) guest ticks"
