#!/usr/bin/env bash
# Snapshot costs, measured in one run each:
#  1. x86 rig: `kvmirq snapshot --pid` of a real QEMU whose L2 guest runs
#     (2 vCPUs): how long the VMM is stopped per snapshot and per register
#     read (median, p90, max of N), and the snapshot's size on disk.
#  2. e500 rig: the MPIC test VMM's in-process snapshot, one
#     KVM_GET_DEVICE_ATTR per register: time per read and size on disk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
N=${N:-100}

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 initrd=$4
	qemu-system-x86_64 -accel kvm -m 256 -smp 2 -display none -monitor none -no-reboot \
		-kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 quiet panic=-1" \
		-serial file:"$out/guest.log" 2>/dev/null &
	qemu=$!
	for _ in $(seq 1200); do grep -q '^tick 3' "$out/guest.log" 2>/dev/null && break; sleep 0.1; done
	for i in $(seq "$N"); do
		build/kvmirq snapshot --force --pid "$qemu" -o "$out/s.kvmsnap" 2>>"$out/stops.txt"
	done
	build/kvmirq show --json "$out/s.kvmsnap" >/dev/null
	stat -c %s "$out/s.kvmsnap" >"$out/size.txt"
	kill "$qemu"
	exit 0
fi

summary() { # label: lines "... N reads ...; VMM stopped X ms" on stdin
	python3 -c '
import re, statistics, sys
stops, reads = [], 0
for line in sys.stdin:
    m = re.search(r"(\d+) reads .*VMM stopped ([0-9.]+) ms", line)
    if m:
        reads = int(m.group(1)); stops.append(float(m.group(2)))
if not stops:
    sys.exit("no snapshot timings")
stops.sort()
med = statistics.median(stops)
p90 = stops[int(0.9 * (len(stops) - 1))]
print(f"  {len(stops)} snapshots of {reads} reads: VMM stopped median {med:.3f} ms, "
      f"p90 {p90:.3f} ms, max {stops[-1]:.3f} ms; {1000 * med / reads:.1f} us per read")
'
}

make -s all >/dev/null
eval "$(tests/rig/x86/build.sh -q)"
out=$(mktemp -d /var/tmp/kvmirq-snapbench.XXXXXX)
trap 'rm -rf "$out"' EXIT
tests/rig/x86/l2-initrd.sh "$out/l2.cpio.gz"
echo "== kvmirq snapshot --pid of a real QEMU, guest running (x86 rig, TCG)"
tests/rig/x86/run-in-l1.sh --tcg-multi --out "$out" --timeout 1200 --env N -- \
	"$here/snapshot-rig.sh" --inside "$out" "$RIG_X86_KERNEL" "$out/l2.cpio.gz"
summary <"$out/stops.txt"
echo "  snapshot size on disk: $(cat "$out/size.txt") bytes"

echo "== MPIC in-process snapshot (e500 rig, TCG)"
tests/rig/e500/run.sh --out "$out/e500" >/dev/null
python3 - "$out/e500/first.kvmsnap" <<'PY'
import json, subprocess, sys
path = sys.argv[1]
show = subprocess.run(["build/kvmirq", "show", path], capture_output=True, text=True, check=True)
head = show.stdout.splitlines()[0]
import re, os
m = re.search(r"(\d+) reads \((\d+) failed\) in ([0-9.]+) ms", head)
reads, failed, ms = int(m.group(1)), int(m.group(2)), float(m.group(3))
print(f"  {reads} reads ({failed} failed) in {ms:.3f} ms: {1000 * ms / reads:.1f} us per read; "
      f"snapshot size on disk: {os.path.getsize(path)} bytes")
PY
