#!/usr/bin/env bash
# What kvmirq record's writer (ring reader, batch encoder, compression, file)
# costs per event, on this machine's /dev/kvm: the test VMM's storm of
# KVM_SIGNAL_MSI then KVM_IRQ_LINE, untraced and while recording at the
# default ring, rounds alternating. Per round: the storm's rates, the
# recorder's own CPU per event and events per CPU second (record --json),
# drops, bytes per event; and the headroom: events per CPU second over the
# storm's events per second (above 1, one CPU keeps up). Needs root and /dev/kvm.
#   tests/bench/writer-cost.sh [KVMIRQ] [ROUNDS] [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
kvmirq=${1:-build/kvmirq} rounds=${2:-3} n=${3:-400000}
if [[ ! -c /dev/kvm ]]; then
	echo "writer-cost: no /dev/kvm on this machine: nothing measured" >&2
	exit 1
fi
make -s -C tests/vmm >/dev/null
tmp=$(mktemp -d)
rec=
trap 'kill $rec 2>/dev/null || true; rm -rf "$tmp"' EXIT
storm() { tests/vmm/build/testvmm --storm "$n" --kind "$1" 2>/dev/null | grep -oE '[0-9.]+ ioctls/s' | cut -d' ' -f1; }
for ((i = 1; i <= rounds; i++)); do
	echo "round=$i mode=untraced msi=$(storm msi) irq_line=$(storm irq_line)" >>"$tmp/rounds.txt"
	"$kvmirq" record --force -j --no-key-frames -o "$tmp/r.kvmirq" >"$tmp/r.json" 2>"$tmp/r.err" &
	rec=$!
	for _ in $(seq 300); do grep -q "recording to" "$tmp/r.err" && break; sleep 0.1; done
	msi=$(storm msi) irq_line=$(storm irq_line)
	kill -INT "$rec"
	wait "$rec" || true # 3: events were dropped, which the summary shows
	rec=
	echo "round=$i mode=record msi=$msi irq_line=$irq_line json=$(tr -d ' \n' <"$tmp/r.json")" >>"$tmp/rounds.txt"
done
python3 - "$tmp/rounds.txt" "$n" <<'PY'
import json, sys
sys.path.insert(0, "tests/bench")
import targets
n = int(sys.argv[2])
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
untraced = {r["round"]: r for r in rows if r["mode"] == "untraced"}
print(f"the writer on this machine's /dev/kvm ({n} KVM_SIGNAL_MSI then {n} KVM_IRQ_LINE, default ring):")
print("  round  msi/untraced  irq_line/untraced  us/event  events/CPU-s  headroom  dropped  bytes/event")
per_event, headroom, drops, ratios = [], [], 0, []
for r in rows:
    if r["mode"] != "record":
        continue
    j = json.loads(r["json"])
    u = untraced[r["round"]]
    cpu = j["cpu_user_s"] + j["cpu_system_s"]
    storm_s = n / float(r["msi"]) + n / float(r["irq_line"])
    h = j["events_per_cpu_s"] / (j["events"] / storm_s)
    per_event.append(cpu / max(j["events"], 1) * 1e6)
    headroom.append(h)
    drops += j["dropped"]
    ratios += [float(r["msi"]) / float(u["msi"]), float(r["irq_line"]) / float(u["irq_line"])]
    print(f"  {r['round']:>5}  {ratios[-2]:12.2f}  {ratios[-1]:17.2f}  {per_event[-1]:8.3f}"
          f"  {j['events_per_cpu_s']:12.0f}  {h:8.1f}  {j['dropped']:7}  {j['bytes'] / max(j['events'], 1):11.2f}")
targets.add("writer CPU per event, us (native storm)", targets.spread(per_event, "{:.3f}"), "report")
targets.add("writer headroom: events/CPU-s / storm events/s (native)", targets.spread(headroom, "{:.1f}"), "> 1")
targets.add("events dropped at the default ring (native storm)", str(drops), "0")
PY
