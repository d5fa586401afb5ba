#!/usr/bin/env bash
# kvmirq check on real arm64 KVM (the arm64 rig, Linux 6.1, a VGICv3): one
# recording in the rig holds one run of the test VMM per case below, each
# its own process and VM (VM 1, 2, ... in this order); `kvmirq check
# --json` of it must find each case's rule at warning or error on its VM
# and no other rule at warning or error there; a case whose rule is "-"
# must have no warning or error at all (the controls). The route case is
# the VGIC's own: its initialisation routes GSIs 0-95 (NR_IRQS 128), which
# the checker must know, so the control's irqfd on GSI 5 is fine and GSI
# 100 is not. Under TCG the VMM pulses SPI 40 a few thousand times a
# second: the storm is checked at half the rate it printed.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup arm64 check

# NAME | EXPECTED RULE | testvmm's arguments
cases=(
	"well-behaved      | -                 | --break none"
	"route-before-line | route-before-line | --break route-before-line"
	"errno-loop        | errno-loop        | --break errno-loop"
	"interrupt-storm   | interrupt-storm   | --break interrupt-storm"
	"sequence          | -                 | --log /tmp/vmm.jsonl"
)
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

{
	echo "start rec /bin/kvmirq record -o /tmp/check.kvmirq"
	echo "await rec 300 recording to"
	for c in "${cases[@]}"; do
		IFS='|' read -r _ _ args <<<"$c"
		echo "run /bin/testvmm $(trim "$args")"
	done
	echo "signal rec 2"
	echo "wait rec"
	echo "file /tmp/check.kvmirq"
} >"$out/commands"
rig_boot arm64 600

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
[[ -f $out/check.kvmirq ]] || fail_rig "no recording came back from the rig"
rate=
i=2 # run-N.log: the commands' line numbers
for c in "${cases[@]}"; do
	IFS='|' read -r name _ _ <<<"$c"
	name=$(trim "$name")
	st=$(cat "$out/run-$i.status" 2>/dev/null || echo missing)
	sed 's/^/       /' "$out/run-$i.log" 2>/dev/null | grep -v '^       {' | tail -n 3 || true
	[[ $st == 0 ]] && ok "$name: testvmm exited 0" || bad "$name: testvmm exited $st"
	if [[ $name == interrupt-storm ]]; then
		rate=$(sed -n 's/.*(\([0-9]*\) a second).*/\1/p' "$out/run-$i.log" | head -n 1)
	fi
	i=$((i + 1))
done
[[ $rate =~ ^[0-9]+$ && $rate -ge 20 ]] || { bad "the storm printed no rate (${rate:-none})"; rate=20; }
rc=0
"$build/kvmirq" check --json --storm-rate $((rate / 2)) "$out/check.kvmirq" >"$out/check.json" || rc=$?
((rc != 2)) || fail_rig "kvmirq check could not read the rig's recording"
vm=1
for c in "${cases[@]}"; do
	IFS='|' read -r name rule _ <<<"$c"
	name=$(trim "$name") rule=$(trim "$rule")
	verdict=$(python3 - "$rule" "$vm" "$out/check.json" <<'PY'
import json, sys
rule, vm, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
found = [json.loads(l) for l in open(path) if l.strip()]
serious = [f for f in found if f["severity"] in ("warning", "error") and f["vm"] == vm]
mine = [f for f in serious if f["rule"] == rule]
others = sorted({f["rule"] for f in serious if f["rule"] != rule})
if rule != "-" and not mine:
    print(f"no {rule} finding on VM {vm} ({sorted({(f['vm'], f['rule']) for f in found})})")
elif others:
    print(f"other rules at warning or error on VM {vm}: {others}")
else:
    print("ok " + (mine[0]["message"][:200] if mine else "no warning or error"))
PY
)
	if [[ $verdict == ok* ]]; then ok "$name (VM $vm): ${verdict#ok }"; else bad "$name (VM $vm): $verdict"; fi
	vm=$((vm + 1))
done
# (a colon or a space: the base64 the rig sends files in has neither)
grep -aqE 'Oops[: ]|BUG: |kernel BUG at|Kernel panic' "$out/console.log" &&
	bad "a kernel oops in the rig"
echo "$pass passed, $fail failed"
((fail == 0))
