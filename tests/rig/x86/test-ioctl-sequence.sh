#!/usr/bin/env bash
# End to end on real KVM (nested x86 rig), under each attach strategy:
# kvmirq records while the test VMM performs its scripted sequence of every
# interrupt ioctl; the recording must hold exactly that sequence, with the
# right fds, commands, results, errnos and payloads (tests/e2e/compare_ioctls.py).
# The kprobe strategy's kretprobe events (kprobe_events) are gone afterwards.
# Fails loudly when the rig cannot be built or booted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

# Inside L1: one recording per strategy, results in the out dir.
if [[ ${1:-} == --inside ]]; then
	out=$2
	for strategy in fentry kprobe syscall; do
		d=$out/$strategy
		mkdir -p "$d"
		build/kvmirq record -s "$strategy" -o "$d/trace.kvmirq" 2>"$d/record.err" &
		rec=$!
		for _ in $(seq 300); do
			grep -q "recording to" "$d/record.err" 2>/dev/null && break
			kill -0 "$rec" 2>/dev/null || break
			sleep 0.1
		done
		rc=0
		tests/vmm/build/testvmm --log "$d/vmm.jsonl" 2>"$d/vmm.err" || rc=$?
		echo "$rc" >"$d/vmm.rc"
		kill -TERM "$rec"
		rc=0
		wait "$rec" || rc=$?
		echo "$rc" >"$d/record.rc"
		grep -c "kvmirq_" /sys/kernel/tracing/kprobe_events >"$d/kprobe_events.left" || true
		build/kvmirq report --json --timeline "$d/trace.kvmirq" >"$d/report.jsonl" 2>"$d/report.err" || true
	done
	exit 0
fi

make -s all >/dev/null
make -s -C tests/vmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-e2e.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 -- "$here/test-ioctl-sequence.sh" --inside "$out"

pass=0 fail=0
for strategy in fentry kprobe syscall; do
	d=$out/$strategy
	for f in vmm.rc record.rc; do
		v=$(cat "$d/$f" 2>/dev/null || echo missing)
		if [[ $v == 0 ]]; then pass=$((pass + 1)); else
			fail=$((fail + 1)); echo "FAIL $strategy: $f = $v"; cat "$d/${f%.rc}.err" 2>/dev/null | tail -5; fi
	done
	left=$(cat "$d/kprobe_events.left" 2>/dev/null || echo missing)
	if [[ $left == 0 ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $strategy: kvmirq's kprobe events left behind: $left"; fi
	name=${strategy/syscall/syscall-tracepoint}
	if grep -q "(ioctl strategy $name)" "$d/record.err" 2>/dev/null; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $strategy not used"; cat "$d/record.err"; fi
	line=$(python3 tests/e2e/compare_ioctls.py "$d/vmm.jsonl" "$d/report.jsonl" --strategy "$name" | tee /dev/stderr | tail -n 1)
	p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
	pass=$((pass + p)); fail=$((fail + f))
	echo "$strategy: $line" >&2
done
echo "$pass passed, $fail failed"
((fail == 0))
