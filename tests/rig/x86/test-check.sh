#!/usr/bin/env bash
# kvmirq check on real KVM (nested x86 rig, Linux 6.1): each case records one
# VMM run in L1 and `kvmirq check --json` must find its rule at warning or
# error, and no other rule at warning or error; a case whose rule is "-"
# must have no warning or error at all (the control, nothing broken).
#
# One case a line: NAME | EXPECTED RULE | KVMIRQ CHECK OPTIONS | VMM COMMAND
# (the command runs in L1 from the repository's top; append rows for new
# rules and their misbehaving VMMs). L1 runs under TCG, so its ioctls are
# far slower than a machine's: the storm case counts at its own rate (the
# VMM prints what it reached).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

cases=(
	"route-before-line  | route-before-line  |                   | tests/vmm/build/testvmm --break route-before-line"
	"errno-loop         | errno-loop         |                   | tests/vmm/build/testvmm --break errno-loop"
	"stuck-level-line   | stuck-level-line   | --stuck-after 1s  | tests/vmm/build/testvmm --break stuck-level-line"
	"msi-address        | msi-address        |                   | tests/vmm/build/testvmm --break msi-address"
	"unroutable-vector  | unroutable-vector  |                   | tests/vmm/build/testvmm --break unroutable-vector"
	"masked-pin-churn   | masked-pin-churn   | --masked-rate 1000 | tests/vmm/build/testvmm --break masked-pin-churn"
	"interrupt-storm    | interrupt-storm    | --storm-rate 2000 | tests/vmm/build/testvmm --break interrupt-storm"
	"eoi-never-injected | eoi-never-injected |                   | tests/vmm/build/testvmm --break eoi-never-injected"
	"well-behaved       | -                  |                   | tests/vmm/build/testvmm --break none"
	"state-set-while-running | state-set-while-running | | build/tests/migratevmm --break state-set-while-running"
	"restore-audit      | restore-audit      |                   | build/tests/migratevmm --break restore-audit"
	"migration          | -                  |                   | build/tests/migratevmm"
)

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# Inside L1: one recording per case, everything in the out dir.
if [[ ${1:-} == --inside ]]; then
	out=$2
	for c in "${cases[@]}"; do
		IFS='|' read -r name _ _ cmd <<<"$c"
		name=$(trim "$name") cmd=$(trim "$cmd")
		build/kvmirq record -o "$out/$name.kvmirq" 2>"$out/$name.record.err" &
		rec=$!
		for _ in $(seq 300); do
			grep -q "recording to" "$out/$name.record.err" 2>/dev/null && break
			kill -0 "$rec" 2>/dev/null || break
			sleep 0.1
		done
		rc=0
		$cmd >"$out/$name.vmm.out" 2>"$out/$name.vmm.err" || rc=$?
		echo "$rc" >"$out/$name.vmm.rc"
		kill -INT "$rec"
		rc=0
		wait "$rec" || rc=$?
		echo "$rc" >"$out/$name.record.rc"
	done
	exit 0
fi

make -s all build/tests/migratevmm >/dev/null
make -s -C tests/vmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-check.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 900 -- "$here/test-check.sh" --inside "$out"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
for c in "${cases[@]}"; do
	IFS='|' read -r name rule opts cmd <<<"$c"
	name=$(trim "$name") rule=$(trim "$rule") opts=$(trim "$opts")
	vrc=$(cat "$out/$name.vmm.rc" 2>/dev/null || echo missing)
	rrc=$(cat "$out/$name.record.rc" 2>/dev/null || echo missing)
	sed 's/^/       /' "$out/$name.vmm.out" 2>/dev/null || true
	if [[ $vrc != 0 || $rrc != 0 ]]; then
		bad "$name: the VMM exited $vrc, the recording $rrc"
		tail -5 "$out/$name.vmm.err" "$out/$name.record.err" 2>/dev/null || true
		continue
	fi
	rc=0
	# shellcheck disable=SC2086 # the options are words
	build/kvmirq check --json $opts "$out/$name.kvmirq" >"$out/$name.json" || rc=$?
	if ((rc == 2)); then
		bad "$name: kvmirq check could not read the recording"
		continue
	fi
	verdict=$(python3 - "$rule" "$out/$name.json" <<'EOF'
import json, sys
rule, path = sys.argv[1], sys.argv[2]
found = [json.loads(l) for l in open(path) if l.strip()]
serious = [f for f in found if f["severity"] in ("warning", "error")]
mine = [f for f in serious if f["rule"] == rule]
others = sorted({f["rule"] for f in serious if f["rule"] != rule})
if rule != "-" and not mine:
    print(f"no {rule} finding ({len(found)} findings: {sorted({f['rule'] for f in found})})")
elif others:
    print(f"other rules at warning or error: {others}")
else:
    print("ok " + (mine[0]["message"][:160] if mine else "no warning or error"))
EOF
)
	if [[ $verdict == ok* ]]; then ok "$name: ${verdict#ok }"; else bad "$name: $verdict"; fi
done
echo "$pass passed, $fail failed"
((fail == 0))
