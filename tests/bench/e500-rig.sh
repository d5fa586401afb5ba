#!/usr/bin/env bash
# kvmirq on the e500 rig (32-bit big-endian PowerPC, Linux 6.1 under QEMU
# TCG): in one boot, the scripted VMM's KVM_IRQ_LINE storm on the real MPIC
# alone, then while `kvmirq record` records it, then while `kvmirq stat`
# counts it; what record wrote (events, bytes per event, drops); and the
# MPIC VMM's stop time per key frame (record's ptrace read of all 1117
# registers), five key frames. Ratios within the one boot: under emulation
# the absolute rates say little about real e500 hardware.
# Usage: e500-rig.sh [STORM_EVENTS]   (default 20000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
n=${1:-20000}

"$root/tests/rig/e500/build.sh" >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-e500-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat >"$out/commands" <<COMMANDS
runout /tmp/alone.txt /bin/testvmm --storm $n --kind irq_line
start rec /bin/kvmirq record -o /tmp/storm.kvmirq
await rec 300 recording to
runout /tmp/recorded.txt /bin/testvmm --storm $n --kind irq_line
signal rec 2
wait rec
start stat /bin/kvmirq stat
await stat 300 counting
runout /tmp/counted.txt /bin/testvmm --storm $n --kind irq_line
signal stat 2
wait stat
start vmm /bin/mpicvmm --hold 3600 /tmp
await vmm 120 mpicvmm: holding pid
runout /tmp/keyframes.txt /bin/kvmirq record -k 1s -d 4500ms -o /tmp/kf.kvmirq
signal vmm 15
wait vmm
file /tmp/alone.txt
file /tmp/recorded.txt
file /tmp/counted.txt
file /tmp/rec.log
file /tmp/stat.log
file /tmp/keyframes.txt
COMMANDS
"$root/tests/rig/e500/run.sh" --out "$out" --commands "$out/commands" --timeout 900 >/dev/null ||
	{ tr -d '\r' <"$out/console.log" | tail -n 20; echo "e500-rig.sh: the rig run failed" >&2; exit 1; }
python3 - "$out" "$n" <<'EOF'
import re, statistics, sys

out, n = sys.argv[1], int(sys.argv[2])


def read(name):
    try:
        return open(f"{out}/{name}", errors="replace").read()
    except OSError:
        return ""


def rate(name):
    m = re.search(r"([\d.]+) ioctls/s", read(name)) or re.search(r"([\d.]+)/s", read(name))
    return float(m.group(1)) if m else float("nan")


alone, recorded, counted = rate("alone.txt"), rate("recorded.txt"), rate("counted.txt")
print(f"KVM_IRQ_LINE storm of {n} on the MPIC: alone {alone:.0f}/s, recorded {recorded:.0f}/s "
      f"({recorded / alone:.2f}x), counted by stat {counted:.0f}/s ({counted / alone:.2f}x)")
m = re.search(r"(\d+) events in ([\d.]+) s to \S+ \((\d+) bytes, ([\d.]+) bytes/event\)", read("rec.log"))
drops = re.search(r"(\d+) events were DROPPED", read("rec.log"))
print("record: " + (f"{m.group(1)} events, {m.group(4)} bytes/event" if m else "no summary")
      + f", {drops.group(1) if drops else 0} dropped")
stops = [float(s) for s in re.findall(r"key frame of pid \d+: .*?VMM stopped ([\d.]+) ms",
                                        read("keyframes.txt"))]
if stops:
    print(f"key frames of the MPIC VMM (1117 reads each): {len(stops)}, VMM stopped "
          f"min {min(stops):.1f} / median {statistics.median(stops):.1f} / max {max(stops):.1f} ms")
else:
    print("key frames: none (" + read("keyframes.txt").strip()[-200:] + ")")
EOF
