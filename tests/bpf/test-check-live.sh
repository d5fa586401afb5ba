#!/usr/bin/env bash
# kvmirq check --live and live top on this host's KVM: the test VMM's run
# (tests/vmm/testvmm.c, whose sequence raises lines KVM cannot route) checked
# live must give the findings kvmirq check gives on a recording of the same
# run, printed as they are found; live top must count them for its VM.
# Needs root, BPF and /dev/kvm: fails (does not skip) without them.
# Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/native-kvm.sh

# The VMM waits, stopped, until every tool is attached: they all see its
# whole run from its first ioctl.
bash -c 'kill -STOP $$; exec "$0" --hold 3' "$vmm" >/dev/null 2>"$tmp/vmm.err" &
vm=$!; pids+=("$vm")
# Another VMM, not asked for, runs its VM first: check --live with two
# --pid must still number the asked-for VM as a recording of it does.
bash -c 'kill -STOP $$; exec "$0"' "$vmm" >/dev/null 2>"$tmp/other.err" &
other=$!; pids+=("$other")
for _ in $(seq 50); do
	[[ $(ps -o stat= -p "$vm") == T* && $(ps -o stat= -p "$other") == T* ]] && break
	sleep 0.1
done

"$bin" record --no-key-frames -p "$vm" -d 8s -o "$tmp/run.kvmirq" 2>"$tmp/record.err" &
rec=$!; pids+=("$rec")
"$bin" check --live -p "$vm" -d 8s >"$tmp/live.txt" 2>"$tmp/live.err" &
live=$!; pids+=("$live")
"$bin" check --live --json -p "$vm" -p "$$" -d 8s >"$tmp/live.json" 2>"$tmp/live-json.err" &
live_json=$!; pids+=("$live_json")
# Live top runs until the VM's run is over (below): a fixed number of
# frames could end before the VM starts where L1 runs slowly.
"$bin" top --json -p "$vm" -d 1 >"$tmp/top.jsonl" 2>"$tmp/top.err" &
top=$!; pids+=("$top")
for _ in $(seq 300); do
	grep -q "recording to" "$tmp/record.err" && grep -q "checking live" "$tmp/live.err" &&
		grep -q "checking live" "$tmp/live-json.err" && [[ -s $tmp/top.jsonl ]] && break
	sleep 0.1
done
kill -CONT "$other"
wait "$other"
kill -CONT "$vm"
wait "$vm"
echo "testvmm exit $? (its 6.1 expectations; not checked here)" >&2

# Printed as found: the findings are out while the checks still run.
sleep 0.5
if kill -0 "$live" 2>/dev/null && [[ $(grep -c route-before-line "$tmp/live.txt") == 3 ]]; then ok; else
	bad "the findings are not on stdout while check --live runs"; cat "$tmp/live.txt" "$tmp/live.err"; fi

wait "$rec"; rc=$?
if ((rc == 0)); then ok; else bad "record exit $rc"; cat "$tmp/record.err"; fi
for p in "$live" "$live_json"; do
	wait "$p"; rc=$?
	if ((rc == 1)); then ok; else bad "check --live exit $rc (1: errors found)"; cat "$tmp"/live*.err; fi
done
# Two frames after the VM's exit hold its whole run; SIGTERM ends top.
frames=$(wc -l <"$tmp/top.jsonl")
for _ in $(seq $((100 * scale))); do
	(($(wc -l <"$tmp/top.jsonl") >= frames + 2)) && break
	sleep 0.1
done
kill -TERM "$top"
wait "$top"; rc=$?
if ((rc == 0)); then ok; else bad "top exit $rc (SIGTERM)"; cat "$tmp/top.err"; fi
if ! grep -qE "$SANITIZER_REPORT" "$tmp"/*.err; then ok; else bad "sanitizer report"; grep -A5 -E "$SANITIZER_REPORT" "$tmp"/*.err; fi

"$bin" check --json "$tmp/run.kvmirq" >"$tmp/file.json" 2>"$tmp/file.err"; rc=$?
if ((rc == 1)); then ok; else bad "check on the recording: exit $rc"; cat "$tmp/file.err"; fi
"$bin" check "$tmp/run.kvmirq" >"$tmp/file.txt" 2>>"$tmp/file.err"

# The same findings: rule, VM, process, thread, message and events (the
# times are each capture's own clock readings).
check() {
	local out
	out=$(python3 -c "$2" "${@:3}" 2>&1)
	if [[ $out == ok ]]; then ok; else bad "$1: $out"; fi
}
check "check --live --json gives check's findings on the recording" '
import json, sys
def load(p):
    return sorted((f["severity"], f["rule"], f["vm"], f["pid"], f["tid"], f["vcpu"],
                   f["message"], f["events"]) for f in map(json.loads, open(p)))
live, rec = load(sys.argv[1]), load(sys.argv[2])
assert live == rec, (live, rec)
rules = [f[1] for f in rec]
assert rules.count("route-before-line") == 3, rec
assert rules.count("unroutable-vector") == 2, rec
in_order = [json.loads(l)["events"] for l in open(sys.argv[2]) if json.loads(l)["vm"]]
assert in_order == [[5], [85], [141], [151], [170, 158]], in_order
print("ok")' "$tmp/live.json" "$tmp/file.json"
check "check --live gives check's lines on the recording (but the time)" '
import re, sys
strip = lambda p: sorted(re.sub(r"t=[0-9.]+: ", "", l) for l in open(p))
live, rec = strip(sys.argv[1]), strip(sys.argv[2])
assert live == rec and len([l for l in rec if not l.startswith("info")]) == 5, (live, rec)
print("ok")' "$tmp/live.txt" "$tmp/file.txt"

# Live top: the ioctl records through the same rules; the rules that need
# delivery records say they cannot decide; the VM counts check's three
# route-before-line findings (the two unroutable vectors need deliveries).
check "live top counts the VM's findings" '
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
rec = [json.loads(l) for l in open(sys.argv[2])]
f = frames[-1]
vms = [v for v in f["vms"] if v["pid"] == int(sys.argv[3])]
assert len(vms) == 1, f["vms"]
want = [x for x in rec if x["vm"] and x["rule"] == "route-before-line"]
assert vms[0]["findings"] == len(want) == 3, (vms[0]["findings"], want)
got = sorted((x["rule"], x["message"]) for x in f["findings"] if x["vm"])
assert got == sorted((x["rule"], x["message"]) for x in want), got
assert all(x["vm"] == vms[0]["id"] for x in f["findings"] if x["vm"]), f["findings"]
undecided = [x for x in f["findings"] if not x["vm"]]
assert {"stuck-level-line", "unroutable-vector"} <= {x["rule"] for x in undecided}, undecided
assert all("live top counts them in the kernel" in x["message"] for x in undecided), undecided
assert f["status"] is None, f["status"]
print("ok")' "$tmp/top.jsonl" "$tmp/file.json" "$vm"

echo "$pass passed, $fail failed"
((fail == 0))
