#!/usr/bin/env bash
# Make the shipped arm64 snapshot (demo/arm64-gicvmm.kvmsnap) from a real run
# in the arm64 rig: the VGICv3 test VMM (tests/vmm/gicvmm.c) programs a
# GICv3 distributor, two redistributors, two CPU interfaces and an ITS on
# Debian's arm64 6.1 KVM (under qemu-system-aarch64 -M virt,virtualization=on
# -cpu max, TCG) with known values and lines, and snapshots them in-process
# with kvmirq's own snapshot code: its first.kvmsnap is the demo.
# Usage: make-demo.sh [DEMO_DIR]     (default demo/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
dest=${1:-demo}

out=$(mktemp -d /var/tmp/kvmirq-arm64-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "run /bin/gicvmm /tmp" >"$out/commands"
"$here/run.sh" --out "$out" --commands "$out/commands" --timeout 300 >/dev/null ||
	{ tail -n 20 "$out/console.log" | tr -d '\r' >&2; echo "make-demo.sh: the rig run failed" >&2; exit 1; }
grep -qx 'gicvmm: exit 0' "$out/run-0.log" ||
	{ grep -a '^gicvmm:' "$out/run-0.log" >&2; echo "make-demo.sh: gicvmm failed" >&2; exit 1; }
make -s build/kvmirq
build/kvmirq show "$out/first.kvmsnap" | sed -n 1,3p >&2
cp "$out/first.kvmsnap" "$dest/arm64-gicvmm.kvmsnap"
echo "wrote $dest/arm64-gicvmm.kvmsnap" >&2
