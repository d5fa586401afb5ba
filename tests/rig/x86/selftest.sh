#!/bin/bash
# Self-check of the x86 L1 rig: boots L1 twice (about 10 s each here).
#   1. a probe that checks /dev/kvm, the KVM tracepoints, the mounts, lo, the
#      environment, the working directory, both output streams, a file
#      written to the out dir, and that its exit status (7) comes back;
#   2. a command that outlives --timeout must make run-in-l1.sh fail (125).
# Usage: selftest.sh [--quick]   (--quick skips the timeout check)
# Ends with "selftest: N passed, N failed"; exits 1 if anything failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=selftest.sh
. "$here/../lib.sh"
run=$here/run-in-l1.sh

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
has_line() { grep -qxF -- "$2" "$1"; }
has_text() { grep -qF -- "$2" "$1"; }

# The probe runs inside L1; every line it prints is checked below.
probe='
test -c /dev/kvm && echo "kvm: char device"
cat /sys/kernel/tracing/events/kvm/kvm_set_irq/format
echo "uname: $(uname -r)"
for m in /sys/kernel/tracing /sys/kernel/debug /sys/fs/bpf /tmp; do
	awk -v m="$m" '"'"'$2 == m { print "mount: " m " " $3 }'"'"' /proc/mounts
done
ip -o link show lo | grep -q "UP" && echo "lo: up"
echo "cwd: $(pwd)"
echo "env: $RIG_SELFTEST_VAR $KVMIRQ_SELFTEST"
echo "to stderr" >&2
echo written >"$KVMIRQ_RIG_OUT/probe.txt"
exit 7
'

selftest_probe() {
	local work rc=0 kver
	work=$(mktemp -d /var/tmp/kvmirq-selftest.XXXXXX)
	kver=$(eval "$("$here/build.sh" -q)"; echo "$RIG_X86_KVER")
	local t0=$SECONDS
	(cd / && KVMIRQ_SELFTEST=passed KVMIRQ_RIG_TIMING=1 \
		"$run" --out "$work/out" --env RIG_SELFTEST_VAR='a b$c' --timeout 300 \
		-- sh -c "$probe") >"$work/stdout" 2>"$work/stderr" || rc=$?
	echo "probe run: $((SECONDS - t0)) s wall; $(cat "$work/out/.rig/timing" 2>/dev/null)"

	check "exit status of the command comes back (7)" [ "$rc" -eq 7 ]
	check "/dev/kvm is a character device" has_line "$work/stdout" "kvm: char device"
	check "kvm_set_irq tracepoint format readable" has_line "$work/stdout" "name: kvm_set_irq"
	check "kvm_set_irq has a gsi field" has_text "$work/stdout" "field:unsigned int gsi;"
	check "L1 runs the rig kernel ($kver)" has_line "$work/stdout" "uname: $kver"
	check "tracefs mounted" has_line "$work/stdout" "mount: /sys/kernel/tracing tracefs"
	check "debugfs mounted" has_line "$work/stdout" "mount: /sys/kernel/debug debugfs"
	check "bpffs mounted" has_line "$work/stdout" "mount: /sys/fs/bpf bpf"
	check "/tmp is a tmpfs" has_line "$work/stdout" "mount: /tmp tmpfs"
	check "loopback is up" has_line "$work/stdout" "lo: up"
	check "working directory kept" has_line "$work/stdout" "cwd: /"
	check "--env and KVMIRQ_* passed" has_line "$work/stdout" 'env: a b$c passed'
	check "stderr reaches stderr" has_text "$work/stderr" "to stderr"
	check "stderr not mixed into stdout" bash -c "! grep -qF 'to stderr' '$work/stdout'"
	check "out dir written from L1" has_line "$work/out/probe.txt" "written"
	if [ "$failed" -ne 0 ]; then
		echo "---- stdout ----"; cat "$work/stdout"
		echo "---- stderr ----"; cat "$work/stderr"
	fi
	rm -rf "$work"
}

selftest_timeout() {
	local rc=0 err out
	err=$(mktemp)
	out=$(mktemp -d)
	"$run" --out "$out" --timeout 20 -- sleep 600 2>"$err" || rc=$?
	check "a hanging command fails the run (125)" [ "$rc" -eq 125 ]
	check "the timeout is reported" has_text "$err" "did not finish within 20s"
	rm -rf "$err" "$out"
}

selftest_probe
[ "${1:-}" = --quick ] || selftest_timeout
echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
