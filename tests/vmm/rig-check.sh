#!/bin/bash
# Build the test VMM and run it on real KVM inside the x86 L1 rig (one boot):
#   - the scripted sequence must pass (exit 0) and its log must be
#     consistent (check-log.awk) with one record per ioctl reported;
#   - both storms must run without errors (their rates are printed);
#   - --hold must keep the VM's fds open for an outside process to see.
# Usage: tests/vmm/rig-check.sh [--storm N]   (default N = 20000)
# Ends with "rig-check: N passed, N failed"; exits 1 if anything failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
storm_n=20000

# Inside L1: run everything, leave the results in the out dir $2.
if [ "${1:-}" = --inside ]; then
	out=$2 n=$3 vmm=$here/build/testvmm
	rc=0
	"$vmm" --log "$out/vmm.jsonl" 2>"$out/vmm.stderr" || rc=$?
	echo "$rc" >"$out/vmm.rc"
	for kind in irq_line msi; do
		"$vmm" --storm "$n" --kind "$kind" >"$out/storm-$kind.txt" 2>&1 || true
	done
	"$vmm" --hold 20 >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do # wait for the sequence to finish and the hold to start
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -q kvm-vfio && break
		sleep 0.2
	done
	ls -l "/proc/$pid/fd" >"$out/hold-fds.txt" 2>&1 || true
	kill -TERM "$pid"
	wait "$pid" && echo 0 >"$out/hold.rc" || echo $? >"$out/hold.rc"
	exit 0
fi

[ "${1:-}" != --storm ] || storm_n=${2:?}

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok   $what"
	else
		failed=$((failed + 1))
		echo "FAIL $what"
	fi
}
logged_count() { sed -n 's/.*: \([0-9]*\) ioctls logged.*/\1/p' "$out/vmm.stderr"; }

make -s -C "$here"
out=$(mktemp -d /var/tmp/testvmm-check.XXXXXX)
cd "$root"
tests/rig/x86/run-in-l1.sh --out "$out" --timeout 900 -- \
	"$here/rig-check.sh" --inside "$out" "$storm_n"

check "scripted sequence: every result as expected" [ "$(cat "$out/vmm.rc")" = 0 ]
grep MISMATCH "$out/vmm.stderr" || true
check "log is consistent" awk -f "$here/check-log.awk" "$out/vmm.jsonl"
check "one log line per ioctl" [ "$(wc -l <"$out/vmm.jsonl")" = "$(logged_count)" ]
for kind in irq_line msi; do
	cat "$out/storm-$kind.txt"
	check "storm $kind without errors" grep -q "^storm kind=$kind n=$storm_n .* errors=0$" \
		"$out/storm-$kind.txt"
done
check "--hold keeps the VM fds open" grep -q 'anon_inode:kvm-vm$' "$out/hold-fds.txt"
check "--hold ends cleanly on SIGTERM" [ "$(cat "$out/hold.rc")" = 0 ]

echo "rig-check: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
	echo "rig-check: results kept in $out"
	exit 1
fi
rm -rf "$out"
