#!/usr/bin/env bash
# Interrupt-controller state on real KVM (nested x86 rig). The state-test
# VMM (tests/vmm/statevmm.c) puts its irqchip into a known state and
# snapshots it in-process; kvmirq snapshots it again from outside (--pid,
# ptrace) while it holds; a recording of the whole run is reconstructed.
# Checked (tests/e2e/check_state.py):
#  - both snapshots hold every field the VMM set, with its value;
#  - the two snapshots are equal, and the VMM's own snapshot after the
#    outside ones equals the one before (they changed nothing);
#  - a faithful GET/SET copy to a second VM diffs clean, and a copy that
#    drops one IOAPIC entry and one IRR bit diffs to exactly those fields;
#  - the recording, reconstructed at the moment the in-process snapshot
#    began, equals it in every field it knows (and knows most of them);
#  - a second recording, started while the VMM holds, knows at least 95%
#    of the fields from its key frame (record's own ptrace reads), each
#    equal to the in-process snapshot.
# Fails loudly when the rig cannot be built or booted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
OUTSIDE_SNAPSHOTS=${OUTSIDE_SNAPSHOTS:-20}

wait_for() { # FILE PID: until FILE exists or PID died
	for _ in $(seq 600); do
		[[ -e $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

if [[ ${1:-} == --inside ]]; then
	out=$2
	build/kvmirq record -t ns -o "$out/rec.kvmirq" 2>"$out/record.err" &
	rec=$!
	for _ in $(seq 300); do
		grep -q "recording to" "$out/record.err" 2>/dev/null && break
		kill -0 "$rec" 2>/dev/null || break
		sleep 0.1
	done
	build/tests/statevmm "$out" --hold 2>"$out/vmm.err" &
	vmm=$!
	rc=0
	wait_for "$out/ready" "$vmm" || rc=$?
	echo "$rc" >"$out/ready.rc"
	kill -INT "$rec"
	rc=0; wait "$rec" || rc=$?; echo "$rc" >"$out/record.rc"
	# A recording started while the VMM holds: its key frame reads the state.
	rc=0
	build/kvmirq record -d 1s -t ns -o "$out/keyframe.kvmirq" 2>"$out/keyframe.err" || rc=$?
	echo "$rc" >"$out/keyframe.rc"
	rc=0
	build/kvmirq snapshot --pid "$vmm" -o "$out/ptrace.kvmsnap" 2>"$out/snapshot.err" || rc=$?
	echo "$rc" >"$out/snapshot.rc"
	fails=0
	for i in $(seq "$OUTSIDE_SNAPSHOTS"); do
		build/kvmirq snapshot --pid "$vmm" -o "$out/ptrace-$i.kvmsnap" 2>>"$out/snapshot.err" ||
			fails=$((fails + 1))
	done
	echo "$fails" >"$out/more-snapshots.failed"
	kill -TERM "$vmm"
	rc=0; wait "$vmm" || rc=$?; echo "$rc" >"$out/vmm.rc"
	exit 0
fi

make -s all build/tests/statevmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-state.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 --env OUTSIDE_SNAPSHOTS -- \
	"$here/test-snapshot-state.sh" --inside "$out"

pass=0 fail=0
result() { # a line "N passed, M failed" from a checker
	local line=$1 p f
	p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
	pass=$((pass + p)); fail=$((fail + f))
}
for f in ready.rc record.rc keyframe.rc snapshot.rc vmm.rc more-snapshots.failed; do
	v=$(cat "$out/$f" 2>/dev/null || echo missing)
	if [[ $v == 0 ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $f = $v"; tail -5 "$out"/*.err 2>/dev/null; fi
done
k=build/kvmirq
checker=tests/e2e/check_state.py
for snap in inprocess ptrace; do
	$k show --json "$out/$snap.kvmsnap" >"$out/$snap.jsonl" || true
	result "$(python3 $checker fields "$out/expected.jsonl" "$out/$snap.jsonl" "$snap" | tee /dev/stderr | tail -n 1)"
done
same() { # A B: kvmirq diff finds nothing
	local rc=0
	$k diff --json "$out/$1" "$out/$2" >"$out/diff-$1-$2.jsonl" || rc=$?
	result "$(python3 $checker diff "$out/diff-$1-$2.jsonl" $rc 0 | tee /dev/stderr | tail -n 1)"
}
same inprocess.kvmsnap ptrace.kvmsnap
same inprocess.kvmsnap "ptrace-$OUTSIDE_SNAPSHOTS.kvmsnap"
same inprocess.kvmsnap after.kvmsnap
same inprocess.kvmsnap copied.kvmsnap
rc=0
$k diff --json "$out/inprocess.kvmsnap" "$out/planted.kvmsnap" >"$out/diff-planted.jsonl" || rc=$?
result "$(python3 $checker diff "$out/diff-planted.jsonl" $rc 1 \
	x86-ioapic:0:'redir[4].vector' x86-ioapic:0:'redir[4].masked' x86-lapic:0:'irr[3].vectors' |
	tee /dev/stderr | tail -n 1)"
t=$(python3 -c 'import json,sys; print(min(json.loads(l)["time_ns"] for l in open(sys.argv[1])) - 1)' "$out/inprocess.jsonl")
rc=0
$k diff --json --at "@$t" "$out/inprocess.kvmsnap" "$out/rec.kvmirq" >"$out/diff-recon.jsonl" || rc=$?
result "$(python3 $checker recon "$out/diff-recon.jsonl" $rc 300 | tee /dev/stderr | tail -n 1)"
# The key frame: the reconstruction at the recording's end knows (nearly)
# every field, and each equals the in-process snapshot.
rc=0
$k diff --json "$out/inprocess.kvmsnap" "$out/keyframe.kvmirq" >"$out/diff-keyframe.jsonl" || rc=$?
result "$(python3 $checker recon "$out/diff-keyframe.jsonl" $rc 95% | tee /dev/stderr | tail -n 1)"
grep -h "key frame of pid" "$out/keyframe.err" >&2 || true
grep -h "VMM stopped" "$out/snapshot.err" | head -3 >&2 || true
echo "$pass passed, $fail failed"
((fail == 0))
