#!/usr/bin/env bash
# scripts/hostcheck.sh --quick on real KVM (nested x86 rig, Debian 12's 6.1
# with kvm_amd): make hostcheck's static bundle, run in L1 as a user would on
# a bare host. Its summary must say PASS for all 7 checks, name this kernel,
# and show the kernel table's 6.1 rows in effect (KVM_CAP_DEVICE_CTRL 0, the
# TSC offset read back as written; a newer kernel's rows where the rig boots
# one).
# Fails loudly when the rig cannot be built or booted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

if [[ ${1:-} == --inside ]]; then
	out=$2
	rc=0
	sh build/hostcheck/hostcheck.sh --quick >"$out/summary.txt" 2>"$out/stderr.txt" || rc=$?
	echo "$rc" >"$out/hostcheck.rc"
	uname -r >"$out/uname.txt"
	exit 0
fi

make -s hostcheck >/dev/null 2>&1 || make -s hostcheck
out=$(mktemp -d /var/tmp/kvmirq-hostcheck.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 -- "$here/test-hostcheck.sh" --inside "$out"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
cat "$out/summary.txt"
rc=$(cat "$out/hostcheck.rc" 2>/dev/null || echo missing)
if [[ $rc == 0 ]]; then ok; else bad "hostcheck.sh exited $rc"; cat "$out/stderr.txt"; fi
for name in "probe" "kernel table" "ioctl sequence" "in-process vs ptrace" "running VMM snapshots" \
	"storm msi" "storm irq_line"; do
	if grep -qE "^PASS $name  " "$out/summary.txt"; then ok; else bad "no PASS line for '$name'"; fi
done
if grep -q '^RESULT:   PASS (7 of 7 checks)$' "$out/summary.txt"; then ok; else bad "RESULT line"; fi
if grep -qF "kernel:   $(cat "$out/uname.txt") " "$out/summary.txt"; then ok; else bad "kernel line"; fi
# The rows of this kernel's release (6.1, or a newer one the rig boots).
cap_row="KVM_CAP_DEVICE_CTRL = ret 0 (upstream, 3.10.0 up to 6.8.0)"
[[ $(cat "$out/uname.txt") =~ ^([0-9]+)\.([0-9]+) ]] &&
	((BASH_REMATCH[1] > 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] >= 8))) &&
	cap_row="KVM_CAP_DEVICE_CTRL = ret 1 (upstream, 6.8.0 and later)"
for row in "$cap_row" "TSC offset after SET = reads back what was written (upstream, 5.16.0 and later)"; do
	if grep -qF "$row" "$out/summary.txt"; then ok; else bad "kernel table row '$row' not in effect"; fi
done
echo "$pass passed, $fail failed"
((fail == 0))
