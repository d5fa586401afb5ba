#!/usr/bin/env bash
# The test VMMs' kernel table (tests/vmm/kernel_expect.c) on this host's KVM:
# its rows neither overlap nor leave gaps; each kernel release picks the row
# of its range; the scripted run passes on the running kernel with the rows
# in effect here, and pretending Debian 12's 6.1 upstream kernel makes the
# rows that differ fail, each mismatch naming that kernel and the row.
# Needs root and /dev/kvm: fails (does not skip) without them.
# Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
vmm=build/tests/testvmm
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[[ -x $vmm ]] || { echo "FAIL: $vmm is missing (make tests)"; echo "0 passed, 1 failed"; exit 1; }
if [[ ! -c /dev/kvm || $(id -u) != 0 ]]; then
	echo "FAIL: needs root and /dev/kvm"; echo "0 passed, 1 failed"; exit 1
fi

if "$vmm" --kernel-table >"$tmp/table.txt" 2>&1; then ok; else bad "--kernel-table: $(cat "$tmp/table.txt")"; fi
# in_effect RELEASE FLAVOUR CHECK: the answer column of the row marked '*'
in_effect() {
	"$vmm" --kernel-table --kernel "$1" --flavour "$2" | awk -F' [|] ' -v c="* $3" '$1 == c { print $5 }'
}
want() { # RELEASE FLAVOUR CHECK ANSWER
	local got
	got=$(in_effect "$1" "$2" "$3")
	if [[ $got == "$4" ]]; then ok; else bad "$1 ($2) $3: row says '$got', want '$4'"; fi
}
want 6.1.0-28-amd64 upstream KVM_CAP_DEVICE_CTRL "ret 0"
want 6.7.12 upstream KVM_CAP_DEVICE_CTRL "ret 0"
want 6.8.0 upstream KVM_CAP_DEVICE_CTRL "ret 1"
want 6.12.48+deb13-amd64 upstream KVM_CAP_DEVICE_CTRL "ret 1"
want 6.18.44-fc-v1252 pvm KVM_CAP_DEVICE_CTRL "ret 1"
want 6.1.0-28-amd64 upstream "TSC offset after SET" "reads back what was written"
want 6.12.48+deb13-amd64 upstream "TSC offset after SET" "reads back what was written"
want 6.18.44-fc-v1252 pvm "TSC offset after SET" "reads 0x0"
# A kernel older than every row of a check is refused, not guessed.
if "$vmm" --kernel 3.2.0 >/dev/null 2>"$tmp/old.err"; then bad "3.2.0 ran"
elif grep -q "no row for 'KVM_CAP_DEVICE_CTRL'" "$tmp/old.err"; then ok
else bad "3.2.0: $(cat "$tmp/old.err")"; fi

# The running kernel: every result as expected.
if "$vmm" >/dev/null 2>"$tmp/run.err"; then ok; else bad "scripted run on $(uname -r):"; cat "$tmp/run.err"; fi
# Pretending 6.1 upstream: a kernel newer than 6.8 returns 1 for the cap; a
# PVM kernel reads the TSC offset 0. Each mismatch names 6.1 and its row.
rc=0
"$vmm" --kernel 6.1.0-28-amd64 >/dev/null 2>"$tmp/old61.err" || rc=$?
release=$(uname -r)
expected=0
[[ $release =~ ^([0-9]+)\.([0-9]+) ]] &&
	((BASH_REMATCH[1] > 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] >= 8))) && expected=$((expected + 1))
[[ -e /sys/module/kvm_pvm ]] && expected=$((expected + 1))
n=$(grep -c "MISMATCH.*kernel 6.1.0-28-amd64 (upstream): row '" "$tmp/old61.err")
if ((n == expected && (expected == 0) == (rc == 0))); then ok
else bad "pretending 6.1: $n mismatches naming the row (want $expected), exit $rc"; cat "$tmp/old61.err"; fi
grep MISMATCH "$tmp/old61.err" || true
echo "$pass passed, $fail failed"
((fail == 0))
