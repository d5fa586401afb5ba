#!/usr/bin/env bash
# The x86 rig's keeper (tests/rig/x86/keeper.py) on this host's KVM: once it
# has written its pid file it holds a VM without an in-kernel irqchip (one
# vCPU: kvm_has_noapic_vcpu) and one with it whose vCPU's LAPIC is still
# software-disabled (apic_sw_disabled), read back by `kvmirq snapshot
# --pid`; a keeper that cannot finish writes no pid file, so run-in-l1.sh
# does not start its command. Needs root and /dev/kvm: fails (does not skip)
# without them. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/native-kvm.sh
keeper=tests/rig/x86/keeper.py

python3 "$keeper" "$tmp/keeper.pid" >"$tmp/keeper.out" 2>&1 &
pid=$!; pids+=("$pid")
for _ in $(seq 300); do [[ -e $tmp/keeper.pid ]] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.1; done
if [[ $(cat "$tmp/keeper.pid" 2>/dev/null) == "$pid" ]] && kill -0 "$pid"; then ok; else
	bad "no pid file naming the running keeper: $(cat "$tmp/keeper.out")"; fi

fds=$(ls -l "/proc/$pid/fd" 2>/dev/null)
if [[ $(grep -c 'anon_inode:kvm-vm$' <<<"$fds") == 2 && $(grep -c 'anon_inode:kvm-vcpu' <<<"$fds") == 2 ]]; then
	ok; else bad "the keeper does not hold 2 VMs with a vCPU each: $fds"; fi

"$bin" snapshot --pid "$pid" -o "$tmp/keeper.kvmsnap" 2>"$tmp/snapshot.err"
"$bin" show --json "$tmp/keeper.kvmsnap" >"$tmp/show.jsonl" 2>>"$tmp/snapshot.err"
out=$(python3 -c '
import json, sys
chips = [json.loads(l) for l in open(sys.argv[1])]
lapic = [c for c in chips if c["chip"] == "x86-lapic"]
read = [c for c in lapic if c["fields"]["spiv.enabled"]["value"] is not None]
none = [c for c in lapic if c["fields"]["spiv.enabled"].get("error")]
spiv = [c["fields"]["spiv.enabled"] for c in lapic]
print("ok" if len(read) == 1 and read[0]["fields"]["spiv.enabled"]["value"] == 0 and len(none) == 1
      else f"LAPICs {spiv}")' "$tmp/show.jsonl" 2>&1)
if [[ $out == ok ]]; then ok; else
	bad "one LAPIC read and software-disabled, one VM without: $out $(cat "$tmp/snapshot.err")"; fi

# Nowhere to write the pid file: the keeper fails, and leaves no file.
python3 "$keeper" "$tmp/none/keeper.pid" >"$tmp/fail.out" 2>&1; rc=$?
if ((rc != 0)) && [[ ! -e $tmp/none/keeper.pid ]]; then ok; else bad "keeper exit $rc without a pid file"; fi
if ! grep -qE "$SANITIZER_REPORT" "$tmp/snapshot.err"; then ok; else bad "sanitizer report"; cat "$tmp/snapshot.err"; fi

echo "$pass passed, $fail failed"
((fail == 0))
