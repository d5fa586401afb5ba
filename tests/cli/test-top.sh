#!/usr/bin/env bash
# kvmirq top on the shipped real recordings (demo/README.md): batch and JSON
# frames against what kvmirq report counts in the same file, frames stepped
# by the batch clock against the events the timeline puts before them, and
# clear errors. The ASan/UBSan build runs.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh
rec=demo/x86-testvmm.kvmirq
state_rec=demo/x86-statevmm.kvmirq

command -v python3 >/dev/null || { echo "python3 is missing (scripts/deps.sh --test)"; echo "0 passed, 1 failed"; exit 1; }
[[ -x $bin ]] || { echo "no $bin: make tests"; echo "0 passed, 1 failed"; exit 1; }

# expect NAME STATUS PATTERN -- command: status, and PATTERN in its output
expect() {
	local name=$1 want=$2 pattern=$3; shift 4
	run "$name" "$want" -- "$@" || return
	if grep -qE -- "$pattern" "$tmp/$name.out" "$tmp/$name.err"; then ok; else
		bad "$name: /$pattern/ not in the output of $*"; head -5 "$tmp/$name.out" "$tmp/$name.err"; fi
}

# pycheck NAME SCRIPT ARGS...: a python check printing "ok" or what is wrong
pycheck() {
	local name=$1 script=$2; shift 2
	local out
	out=$(python3 -c "$script" "$@" 2>&1)
	if [[ $out == ok ]]; then ok; else bad "$name: $out"; fi
}

# What report says about the same file: the reference.
run report 0 -- "$bin" report --json "$rec"
run timeline 0 -- "$bin" report --json --timeline "$rec"

# One frame at one second: the 17 ms recording is over in it.
run frame 0 -- "$bin" top -i "$rec" --json -d 1
pycheck "one frame, at the end, every event" '
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
head = [json.loads(l) for l in open(sys.argv[2]) if "\"recording\"" in l][0]
assert len(frames) == 1, f"{len(frames)} frames"
r = frames[0]["replay"]
assert r["event"] == r["nr_events"] == head["events"] == 217, (r, head["events"])
assert r["clock_ns"] == r["end_ns"] and r["paused"], r
print("ok")' "$tmp/frame.out" "$tmp/report.out"

# Totals per VM: the VM table against report's counts by kind and ioctl.
pycheck "VM totals equal report's" '
import json, sys
frame = json.loads(open(sys.argv[1]).readline())
vms = {json.loads(l)["vm"]: json.loads(l) for l in open(sys.argv[2]) if "vm_summary" in l}
ATTRS = range(10, 17)  # SET/GET/HAS_DEVICE_ATTR, GET/SET_IRQCHIP, GET/SET_LAPIC
bad = []
assert [v["id"] for v in frame["vms"]] == [1], [v["id"] for v in frame["vms"]]
for v in frame["vms"]:
    s = vms[v["id"]]; k = s["events"]
    want = {
        "lines": k.get("set_irq", 0) + k.get("arm_irq_line", 0),
        "msis": k.get("msi_set_irq", 0),
        "injections": k.get("inj_virq", 0) + k.get("vgic_update_pending", 0),
        "eois": k.get("eoi", 0) + k.get("pv_eoi", 0) + k.get("ack_irq", 0),
        "attrs": sum(i["count"] for i in s["ioctls"] if i["ioctl_id"] in ATTRS),
    }
    got = v["totals"]
    for key, n in want.items():
        if got[key] != n: bad.append("vm %d %s %d != %d" % (v["id"], key, got[key], n))
    errors = sum(i["count"] for i in s["ioctls"] if i["errno"])
    if v["errors"] != errors: bad.append("errors %d != %d" % (v["errors"], errors))
    if v["pid"] != s["pid"]: bad.append("pid %d != %d" % (v["pid"], s["pid"]))
# the numbers themselves, so a change in both tools still shows
v = frame["vms"][0]; t = v["totals"]
if (t["lines"], t["msis"], t["attrs"], v["errors"]) != (36, 6, 35, 29):
    bad.append("VM 1: %s errors %d" % (t, v["errors"]))
print("; ".join(bad) or "ok")' "$tmp/frame.out" "$tmp/report.out"

# Findings: at the end of each demo recording, each VM's FIND count and the
# frame's findings are kvmirq check's (the same rule, VM and events).
for demo in demo/*.kvmirq; do
	name=findings-$(basename "$demo" .kvmirq)
	run "$name" 0 -- "$bin" top -i "$demo" --json -d 100000 -n 1
	"$bin" check --json "$demo" >"$tmp/$name.check" 2>/dev/null
	pycheck "$name: FIND and the findings equal check's" '
import collections, json, sys
frame = json.loads(open(sys.argv[1]).readline())
check = [json.loads(l) for l in open(sys.argv[2])]
assert frame["replay"]["event"] == frame["replay"]["nr_events"], frame["replay"]
want = collections.Counter(f["vm"] for f in check if f["vm"])
got = {v["id"]: v["findings"] for v in frame["vms"]}
assert all(got.get(vm) == n for vm, n in want.items()), (got, want)
assert sum(got.values()) == sum(want.values()), (got, want)
key = lambda f: (f["rule"], f["vm"], f["events"], f["message"])
assert sorted(map(key, frame["findings"])) == sorted(map(key, check)), frame["findings"]
print("ok")' "$tmp/$name.out" "$tmp/$name.check"
done
expect text-findings 0 '^ +1 +21666 testvmm .* +29 +5 +0$' -- "$bin" top -i "$rec" -b -d 100000 -n 1
pycheck "the test VMM's findings, as check gives them" '
import json, sys
f = json.loads(open(sys.argv[1]).readline())
assert [(x["rule"], x["vm"], x["events"]) for x in f["findings"] if x["vm"]] == [
    ("route-before-line", 1, [5]), ("unroutable-vector", 1, [85]),
    ("route-before-line", 1, [141]), ("unroutable-vector", 1, [151]),
    ("route-before-line", 1, [170, 158])], f["findings"]
print("ok")' "$tmp/findings-x86-testvmm.out"

pycheck "per GSI, per MSI and per vCPU totals equal report's" '
import json, sys
frame = json.loads(open(sys.argv[1]).readline())
s = [json.loads(l) for l in open(sys.argv[2]) if "\"vm\":1," in l and "vm_summary" in l][0]
gsis = {l["gsi"]: l["total"] for l in frame["lines"] if l["total"]}
want = {g["gsi"]: g["count"] for g in s["gsis"]}
assert gsis == want, (gsis, want)
msis = {(int(m["address"], 16), int(m["data"], 16)): m["total"] for m in frame["msis"]}
want = {(m["address"], m["data"]): m["count"] for m in s["msis"]}
assert msis == want, (msis, want)
accepted = {}
for x in s["vectors"]: accepted[x["vcpu"]] = accepted.get(x["vcpu"], 0) + x["count"]
got = {v["vcpu"]: v["total_accepted"] for v in frame["vcpus"]}
assert got == accepted == {0: 13}, (got, accepted)
print("ok")' "$tmp/frame.out" "$tmp/report.out"

# Rates: the whole recording is inside the last second, so each rate is its total.
pycheck "rates over the last second of recording time" '
import json, sys
v = json.loads(open(sys.argv[1]).readline())["vms"][0]
bad = [k for k in v["rates"] if abs(v["rates"][k] - v["totals"][k]) > 1e-9]
assert not bad, (v["rates"], v["totals"])
assert v["history"]["lines"][-1] == 36 and sum(v["history"]["lines"]) == 36, v["history"]["lines"]
print("ok")' "$tmp/frame.out"

# What the lines show comes from the recording's routing table and IOAPIC.
pycheck "routes, triggers and masks of the lines" '
import json, sys
f = json.loads(open(sys.argv[1]).readline())
lines = {l["gsi"]: l for l in f["lines"]}
want = {9: ("ioapic 9, pic-slave 1", "level", 0, 0), 11: ("ioapic 11", "level", 0, 1),
        1: ("ioapic 1", "edge", 0, 0), 24: ("msi", None, 0, None), 20: ("none", None, 1, None)}
for g, (route, trig, level, masked) in want.items():
    l = lines[g]
    got = (l["route"], l["trigger"], l["level"], l["masked"])
    assert got == (route, trig, level, masked), (g, got)
models = [c["model"] for c in f["controllers"]]
assert models == ["x86-pic-slave", "x86-pic-master", "x86-ioapic", "x86-lapic"], models
print("ok")' "$tmp/frame.out"

# The controllers are the reconstruction kvmirq show makes at the same moment.
run early 0 -- "$bin" top -i "$rec" --json -d 0.0015 -n 1
run show-end 0 -- "$bin" show --json "$rec"
run show-early 0 -- "$bin" show --json --at 0.0015 "$rec"
pycheck "controllers and their unknown values, as kvmirq show has them" '
import json, sys
for frame_file, show_file in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    f = json.loads(open(frame_file).readline())
    got = [(c["vm"], c["model"], c["index"], c["values"], c["unknown_values"]) for c in f["controllers"]]
    want = []
    for l in open(show_file):
        c = json.loads(l)
        if "fields" not in c:
            continue  # the routing table: frames carry it in lines
        values = c["fields"].values()
        want.append((c["vm"], c["chip"], c["index"], len(values),
                     sum(1 for v in values if v["value"] is None)))
    assert got == want, (frame_file, got, want)
    assert got, "no controllers"
print("ok")' "$tmp/frame.out" "$tmp/show-end.out" "$tmp/early.out" "$tmp/show-early.out"

# Stepping by the batch clock: frame k holds the events up to k x 0.5 ms.
run steps 0 -- "$bin" top -i "$rec" --json -d 0.0005
pycheck "each frame lands on the events before its time" '
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
events = [json.loads(l) for l in open(sys.argv[2]) if "\"type\":\"event\"" in l]
start = events[0]["ts_ns"]
assert len(frames) == 35, f"{len(frames)} frames for 17.073 ms in 0.5 ms steps"
for k, f in enumerate(frames, 1):
    t = min(start + k * 500000, events[-1]["ts_ns"])
    n = sum(1 for e in events if e["ts_ns"] <= t)
    r = f["replay"]
    assert r["event"] == n and r["clock_ns"] == t, (k, r["event"], n, r["clock_ns"], t)
    last = events[n - 1]
    assert r["position_ns"] == last["ts_ns"], (k, r["position_ns"], last["ts_ns"])
    word = last.get("ioctl") or last["kind"]
    assert word in r["last_event"], (k, word, r["last_event"])
    lines = sum(1 for e in events[:n] if e["kind"] == "set_irq" and e["vm"] == 1)
    got = f["vms"][0]["totals"]["lines"] if f["vms"] else 0
    assert got == lines, (k, got, lines)
print("ok")' "$tmp/steps.out" "$tmp/timeline.out"

# The same command gives the same frames.
run steps-again 0 -- "$bin" top -i "$rec" --json -d 0.0005
if cmp -s "$tmp/steps.out" "$tmp/steps-again.out"; then ok; else bad "batch replay frames differ between two runs"; fi
run three 0 -- "$bin" top -i "$rec" --json -d 0.0005 -n 3
if [[ $(wc -l <"$tmp/three.out") == 3 ]] && head -n 3 "$tmp/steps.out" | cmp -s - "$tmp/three.out"; then ok; else
	bad "-n 3 is not the first three frames"; fi

# Text frames: the VM row, and with --vm the VM's detail.
expect text 0 '^ +1 +21666 testvmm +21666-5 +1 PIC IOAPIC LAPIC +36 +6\.0 +0 +0 +35 +29 +5 +0$' -- \
	"$bin" top -i "$rec" -b -n 1 --vm 1
for want in 'event 217 of 217' '\[3\] IOAPIC +x86-ioapic' '^ +9 ioapic 9, pic-slave 1 +level +0 +no' \
	    '0xfee05000 0x0054 +5 phys 0x54 fixed +edge' '^ +0 .* 13$' 'GSI routing: 26 entries' \
	    'eventfd 8 -> gsi 9, resample eventfd 9'; do
	if grep -qE -- "$want" "$tmp/text.out"; then ok; else bad "text --vm 1: no /$want/"; fi
done

# --chip: a controller's register screen. The IOAPIC of the test VMM, frame by
# frame: a value is marked changed exactly when it differs from the previous
# frame's known one (a value known for the first time is not a change), and
# the last frame's fields are the reconstruction kvmirq show makes.
run chip-json 0 -- "$bin" top -i "$rec" --json -d 0.0005 --vm 1 --chip 3
run chip-show 0 -- "$bin" show --json "$rec"
pycheck "--chip 3: the IOAPIC, changes marked against the previous frame" '
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
regs = [f["registers"] for f in frames if f["registers"]]
assert regs and all(r["model"] == "x86-ioapic" and r["number"] == 3 for r in regs), regs[:1]
marked = 0
for a, b in zip(regs, regs[1:]):
    for n, x in b["fields"].items():
        was = a["fields"][n]
        differs = was["value"] is not None and (x["value"], x["text"]) != (was["value"], was["text"])
        assert x["changed"] == differs, (n, a["fields"][n], x)
        marked += x["changed"]
    assert b["changed"] == sum(x["changed"] for x in b["fields"].values())
assert marked > 0, "nothing ever changed"
shown = [c for c in map(json.loads, open(sys.argv[2])) if c["chip"] == "x86-ioapic"][0]["fields"]
last = regs[-1]["fields"]
assert last.keys() == shown.keys()
assert all((last[n]["value"], last[n]["text"]) == (x.get("value"), x.get("text", "?")) for n, x in shown.items()), \
    [(n, last[n], x) for n, x in shown.items() if (last[n]["value"], last[n]["text"]) != (x.get("value"), x.get("text", "?"))][:3]
print("ok")' "$tmp/chip-json.out" "$tmp/chip-show.out"
run chip-text 0 -- "$bin" top -i "$rec" -b -d 0.0005 --vm 1 --chip 3
for want in '^Controller \[3\] IOAPIC \(x86-ioapic\) of VM 1: reconstructed on a read' \
	    '^[0-9]+ values, [0-9]+ unknown \(\?\), [1-9][0-9]* changed since the last frame' \
	    '^  redir\[9\] +vector=0x[0-9a-f]+\*? .*trigger=level' '=[^ ]+\*( |$)'; do
	if grep -qE -- "$want" "$tmp/chip-text.out"; then ok; else bad "text --chip 3: no /$want/"; fi
done
expect chip-no-vm 2 '--chip prints a controller of the --vm' -- "$bin" top -i "$rec" -b --chip 1
expect chip-no-batch 2 '--chip prints a controller of the --vm' -- "$bin" top -i "$rec" --vm 1 --chip 1
expect chip-none 0 '^Controller \[9\]: not in the state at this moment' -- \
	"$bin" top -i "$rec" -b -n 1 -d 5 --vm 1 --chip 9

# Long process names keep the VM table in place. The test VMM started through
# the dynamic loader: its name is the loader's command line (63 characters),
# elided in the middle to NAME's 24 cells with an ASCII mark; JSON keeps it
# whole. The state VMM's names (16) widen NAME for every row, header too.
loader_rec=demo/x86-testvmm-loader.kvmirq
loader_name="ld-linux-x86-64.so.2 /tmp/vmm-builds/nightly/x86_64-unknown-lin"
expect loader-text 0 '^ +1 +15237 ld-linux-x86~unknown-lin 15237-5 +1 PIC IOAPIC LAPIC +0 ' -- \
	"$bin" top -i "$loader_rec" -b -n 1 -d 5
run loader-json 0 -- "$bin" top -i "$loader_rec" --json -n 1 -d 5
pycheck "JSON keeps the whole long name" '
import json, sys
names = [v["name"] for v in json.loads(open(sys.argv[1]).readline())["vms"]]
assert names == [sys.argv[2]], names
print("ok")' "$tmp/loader-json.out" "$loader_name"
expect state-text 0 '^ +3 +32028 statevmm /tmp/rc 32028-4 ' -- "$bin" top -i "$state_rec" -b -n 1 -d 5
for frame in text loader-text state-text; do
	out=$(python3 tests/cli/vm-table-aligned.py "$tmp/$frame.out" 2>&1)
	if [[ $out == ok ]]; then ok; else bad "$frame: the VM table is out of line: $out"; fi
done

# --pid keeps one VMM's VMs; the state recording has three VMs of one process.
run pid 0 -- "$bin" top -i "$state_rec" --json -d 1 --pid 32028
run otherpid 0 -- "$bin" top -i "$state_rec" --json -d 1 --pid 1
pycheck "--pid" '
import json, sys
a = json.loads(open(sys.argv[1]).readline()); b = json.loads(open(sys.argv[2]).readline())
assert [v["id"] for v in a["vms"]] == [1, 2, 3], a["vms"]
assert b["vms"] == [] and b["lines"] == [] and b["vcpus"] == [], b
print("ok")' "$tmp/pid.out" "$tmp/otherpid.out"
# The state VMM left GSI 9 raised: a pending level line, and its vCPU 0 took the vector.
pycheck "the state recording's pending level line" '
import json, sys
f = json.loads(open(sys.argv[1]).readline())
l = [l for l in f["lines"] if l["vm"] == 1]
assert [(x["gsi"], x["level"], x["trigger"], x["route"]) for x in l] == [(9, 1, "level", "ioapic 9, pic-slave 1")], l
assert [v["vcpus"] for v in f["vms"]] == [2, 2, 2], [v["vcpus"] for v in f["vms"]]
print("ok")' "$tmp/pid.out"

# Errors: clear, with the documented exit status.
expect missing 1 'No such file' -- "$bin" top -i "$tmp/missing.kvmirq" -b
expect snapshot 1 'a snapshot, not a recording' -- "$bin" top -i demo/x86-statevmm.kvmsnap -b
head -c 4096 /dev/urandom >"$tmp/random"
expect random 1 'not a kvmirq' -- "$bin" top -i "$tmp/random" -b
expect zero-delay 2 'delay' -- "$bin" top -i "$rec" -b -d 0
expect bad-count 2 'iterations' -- "$bin" top -i "$rec" -b -n x
expect extra-arg 2 'unexpected argument' -- "$bin" top "$rec"
expect no-tty 2 'not a terminal' -- "$bin" top -i "$rec"
expect help 0 '--speed' -- "$bin" top --help
# Cut short: frames up to the last whole chunk, and a warning in the status.
size=$(stat -c %s "$rec")
head -c $((size - 20)) "$rec" >"$tmp/cut.kvmirq"
run cut 0 -- "$bin" top -i "$tmp/cut.kvmirq" --json -d 1
pycheck "a recording cut short" '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])][-1]
assert f["status"].startswith("file truncated"), f["status"]
assert 0 < f["replay"]["event"] == f["replay"]["nr_events"] <= 217, f["replay"]
print("ok")' "$tmp/cut.out"
# Live without the privileges BPF needs: the live source's own error, exit 1.
if command -v setpriv >/dev/null; then
	expect live-unprivileged 1 '^kvmirq top: .+' -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$bin" top -b -n 1 -d 0.1
fi

echo "$pass passed, $fail failed"
((fail == 0))
