#!/usr/bin/env bash
# make hostcheck's bundle on this host's KVM, the way a user runs it on a
# bare host: in a root that holds nothing but the bundle and a static
# busybox (sh, grep, sed, awk, sort...), with /proc, /sys and /dev bound in.
#  - hostcheck.sh --quick exits 0 and its summary says PASS for all 7 checks;
#  - its ioctl-sequence count is what tests/e2e/compare_ioctls.py counts on
#    the same files (ioctl_compare is that script in C);
#  - with a test VMM that expects another kernel's answers it exits 1, its
#    summary says FAIL for the kernel table and the details name that kernel.
# Needs root, /dev/kvm and busybox-static: fails (does not skip) without them.
# Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
busybox=/bin/busybox

if [[ ! -c /dev/kvm || $(id -u) != 0 ]]; then
	echo "FAIL: needs root and /dev/kvm"; echo "0 passed, 1 failed"; exit 1
fi
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
	echo "FAIL: needs a static $busybox (busybox-static)"; echo "0 passed, 1 failed"; exit 1
fi
if ! make -s hostcheck >/dev/null 2>&1; then
	echo "FAIL: make hostcheck"; echo "0 passed, 1 failed"; exit 1
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hostcheck-test.XXXXXX")
bare=$work/root
cleanup() {
	umount -R "$bare/dev" "$bare/sys" "$bare/proc" 2>/dev/null
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$bare"/{bin,proc,sys,dev,tmp}
cp -r build/hostcheck "$bare/hostcheck"
cp "$busybox" "$bare/bin/busybox"
chroot "$bare" /bin/busybox --install -s /bin
mount --bind /proc "$bare/proc"
mount --rbind /sys "$bare/sys"
mount --rbind /dev "$bare/dev"

# summary_check FILE: the summary's 7 PASS lines and its RESULT line
rc=0
chroot "$bare" /bin/sh /hostcheck/hostcheck.sh --quick --keep /tmp/keep >"$work/summary.txt" 2>"$work/stderr.txt" || rc=$?
cat "$work/summary.txt"
if ((rc == 0)); then ok; else bad "hostcheck.sh exited $rc"; cat "$work/stderr.txt"; fi
for name in "probe" "kernel table" "ioctl sequence" "in-process vs ptrace" "running VMM snapshots" \
	"storm msi" "storm irq_line"; do
	if grep -qE "^PASS $name  " "$work/summary.txt"; then ok; else bad "no PASS line for '$name'"; fi
done
if grep -q '^RESULT:   PASS (7 of 7 checks)$' "$work/summary.txt"; then ok; else bad "RESULT line"; fi
if ! grep -q '^FAIL' "$work/summary.txt"; then ok; else bad "a FAIL line"; fi

# ioctl_compare and compare_ioctls.py agree on the kept files.
keep=$bare/tmp/keep
strategy=$(sed -n 's/^ioctl strategy: *//p' "$keep/probe.txt")
py=$(python3 tests/e2e/compare_ioctls.py "$keep/vmm.jsonl" "$keep/report.jsonl" --strategy "$strategy" | tail -n 1)
c=$(tail -n 1 "$keep/compare.txt")
if [[ $py == "$c" && $c == *" passed, 0 failed" ]]; then ok; else bad "compare_ioctls.py '$py', ioctl_compare '$c'"; fi

# A test VMM expecting another kernel's answers: the kernel table fails, by name.
other=6.1.0-28-amd64
[[ $(uname -r) =~ ^([0-9]+)\.([0-9]+) ]] &&
	((BASH_REMATCH[1] < 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] < 8))) && other=6.12.0
printf '#!/bin/sh\nexec /hostcheck/testvmm --kernel %s "$@"\n' "$other" >"$bare/hostcheck/othervmm"
chmod +x "$bare/hostcheck/othervmm"
rc=0
chroot "$bare" /bin/sh /hostcheck/hostcheck.sh --quick --testvmm /hostcheck/othervmm >"$work/other.txt" 2>&1 || rc=$?
if ((rc == 1)); then ok; else bad "with kernel $other expected: exit $rc, want 1"; fi
if grep -q '^FAIL kernel table ' "$work/other.txt"; then ok; else bad "no FAIL line for the kernel table"; fi
if grep -q "MISMATCH.*KVM_CAP_DEVICE_CTRL.*kernel $other (upstream): row 'KVM_CAP_DEVICE_CTRL'" "$work/other.txt"
then ok; else bad "details do not name kernel $other and its row"; cat "$work/other.txt"; fi

echo "$pass passed, $fail failed"
((fail == 0))
