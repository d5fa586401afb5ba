# Sourced, from the repository root, by the command-line suites that run the
# ASan/UBSan build: $bin ($KVMIRQ or build/asan/kvmirq), the sanitizers'
# options, $tmp (removed on exit), the $pass/$fail counters and their
# helpers, expect (tests/cli/expect.sh) and run.
# shellcheck shell=bash

bin=${KVMIRQ:-build/asan/kvmirq}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

. tests/cli/expect.sh

# run NAME STATUS -- command: the exit status, and no sanitizer report;
# stdout and stderr are kept in $tmp/NAME.out and $tmp/NAME.err
run() {
	local name=$1 want=$2; shift 3
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local status=$?
	if [[ $status != "$want" ]] || grep -q Sanitizer "$tmp/$name.err"; then
		bad "$name: exit $status (wanted $want): $*"; head -5 "$tmp/$name.err"
		return 1
	fi
	ok
}
